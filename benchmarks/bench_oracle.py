"""`xlmodel calc` and LibreOffice on the Excel-saved oracle workbooks: how many of Excel's values each gives back, and how fast (run by hand).

Each book in tests/oracle/ (last saved by Excel, written by others) is recalculated as a
user would: `xlmodel calc` as a new process, and LibreOffice headless forced to
recalculate on load and save a copy. Every formula cell's value in each copy is
compared with the value Excel saved, with tests/test_oracle.py's tolerances. Wall
times are summed over the books; the figures are ratios within this run.

    python benchmarks/bench_oracle.py        # needs LibreOffice for the comparison
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path

import openpyxl
from openpyxl.utils.datetime import to_excel

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_calc import libreoffice, run
from test_oracle import BOOKS, ITERATIVE, ORACLE, same

from xlmodel.calc import engine


def matches(formulas: dict, excel_book: Path, copy: Path) -> int:
    """How many formula cells of ``copy`` hold Excel's saved value."""
    excel = openpyxl.load_workbook(excel_book, data_only=True, keep_links=False)
    ours = openpyxl.load_workbook(copy, data_only=True, keep_links=False)
    hits = 0
    for (sheet, address), formula in formulas.items():
        value = ours[sheet][address].value if sheet in ours.sheetnames else None
        if isinstance(value, (dt.datetime, dt.date, dt.time)):  # a date-formatted cell: its serial number
            value = to_excel(value)
        value = engine.ErrorValue(value) if isinstance(value, str) and value.startswith("#") else value
        hits += same(excel[sheet][address].value, value, 1e-6 if ITERATIVE.search(formula or "") else 1e-9)
    return hits


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="xlmodel-bench-oracle-") as tmp_name:
        tmp = Path(tmp_name)
        lo = libreoffice(tmp)
        if lo is None:
            print("LibreOffice not installed: apt-get install libreoffice-calc-nogui")
        else:
            run(lo + [str(ORACLE / BOOKS[0])])  # the first start writes the profile
        cells = ours_hits = lo_hits = 0
        ours_wall = lo_wall = 0.0
        print(f"{'book':<58} {'cells':>6} {'xlmodel':>8} {'LibreOffice':>11}")
        for name in BOOKS:
            book = ORACLE / name
            formulas = engine.calculate(book).formulas
            copy = tmp / f"ours_{name}"
            wall, _ = run([sys.executable, "-m", "xlmodel.cli", "calc", str(book), "-o", str(copy)])
            ours_wall += wall
            hits = matches(formulas, book, copy)
            line = f"{name[:58]:<58} {len(formulas):>6} {hits / len(formulas):>8.1%}"
            cells, ours_hits = cells + len(formulas), ours_hits + hits
            if lo:
                wall, _ = run(lo + [str(book)])
                lo_wall += wall
                lo_copy = tmp / "lo-out" / (Path(name).stem + ".xlsx")
                got = matches(formulas, book, lo_copy) if lo_copy.exists() else 0
                lo_hits += got
                line += f" {got / len(formulas):>11.1%}"
            print(line)
        print(f"all {cells:,} formula cells: xlmodel {ours_hits / cells:.2%} of Excel's values in {ours_wall:.1f} s",
              end="")
        if lo:
            print(f"; LibreOffice {lo_hits / cells:.2%} in {lo_wall:.1f} s; time ratio {ours_wall / lo_wall:.2f}")
        else:
            print()


if __name__ == "__main__":
    main()
