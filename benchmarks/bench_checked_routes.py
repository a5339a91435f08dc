"""What the checked routes cost and save, in one run (run by hand; nothing is asserted).

- 1,000 approximate MATCHes over a sorted numeric column of 10,000 rows: every call in
  Python (as before the checks) against the engine (the check trusts it);
- 2,000 SUMIFS over 10,000 clean rows (1,000 criteria in cells, 1,000 built as ">="&cell):
  the engine alone against the engine plus the check (probes included);
- the check itself on bench_calc.py's book of 50,000 formulas, none of them checked.

    PYTHONPATH=. python benchmarks/bench_checked_routes.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import xlsxwriter

sys.path.insert(0, str(Path(__file__).parent))
import bench_calc

from xlmodel.calc import checked_routes, engine, lookups

ROWS = 10_000


def sorted_match_book(path: Path) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("S")
    for i in range(ROWS):
        ws.write_number(i, 0, 40_000 + i // 3)  # dates, three rows each
    for i in range(1_000):
        ws.write_number(i, 2, 40_000 + (i * 7) % 3_400 + 0.5)
        ws.write_formula(i, 3, f"=MATCH(C{i + 1},$A$1:$A${ROWS},1)")
    wb.close()
    return path


def sumifs_book(path: Path) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("S")
    for i in range(ROWS):
        ws.write_row(i, 0, [i % 97, f"k{i % 50}", 40_000 + i])
    for i in range(2_000):
        ws.write_string(i, 4, f"k{i % 50}")
        ws.write_number(i, 5, 40_000 + i * 5)
        criterion = f"E{i + 1}" if i % 2 else f'">="&F{i + 1}'
        column = "B" if i % 2 else "C"
        ws.write_formula(i, 6, f"=SUMIFS($A$1:$A${ROWS},${column}$1:${column}${ROWS},{criterion})")
    wb.close()
    return path


@contextmanager
def all_in_python():
    """Routing as before the checks: every approximate lookup to Python before evaluation."""
    saved, saved_route = lookups.checkable, checked_routes.route_untrusted
    lookups.checkable = lambda name, args: False
    checked_routes.route_untrusted = lambda wb, scan: False
    try:
        yield
    finally:
        lookups.checkable, checked_routes.route_untrusted = saved, saved_route


@contextmanager
def unchecked():
    saved = checked_routes.route_untrusted
    checked_routes.route_untrusted = lambda wb, scan: False
    try:
        yield
    finally:
        checked_routes.route_untrusted = saved


@contextmanager
def timed_check(spent: list[float]):
    saved = checked_routes.route_untrusted

    def timed(wb, scan):
        start = time.perf_counter()
        try:
            return saved(wb, scan)
        finally:
            spent.append(time.perf_counter() - start)

    checked_routes.route_untrusted = timed
    try:
        yield
    finally:
        checked_routes.route_untrusted = saved


def seconds(path: Path) -> tuple[float, engine.Calculation]:
    start = time.perf_counter()
    calc = engine.calculate(path)
    return time.perf_counter() - start, calc


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        book = sorted_match_book(tmp / "match.xlsx")
        with all_in_python():
            before, python = seconds(book)
        spent: list[float] = []
        with timed_check(spent):
            after, checked = seconds(book)
        assert python.values == checked.values
        print(f"1,000 approximate MATCHes over {ROWS:,} sorted rows: all in Python {before:.2f} s, "
              f"checked {after:.2f} s (the check {spent[-1]:.3f} s)")

        book = sumifs_book(tmp / "sumifs.xlsx")
        with unchecked():
            plain, _ = seconds(book)
        with timed_check(spent):
            checked_time, _ = seconds(book)
        print(f"2,000 SUMIFS over {ROWS:,} clean rows: engine alone {plain:.2f} s, "
              f"with the check {checked_time:.2f} s (the check {spent[-1]:.3f} s)")

        book = bench_calc.build(tmp / "rows.xlsx", ROWS, xlmodel=True)
        with unchecked():
            plain, _ = seconds(book)
        with timed_check(spent):
            checked_time, _ = seconds(book)
        print(f"50,000 formulas, none checked: without the check {plain:.2f} s, with it {checked_time:.2f} s "
              f"(the check {spent[-1] * 1000:.1f} ms)")


if __name__ == "__main__":
    main()
