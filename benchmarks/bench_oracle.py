"""`xlmodel calc` and LibreOffice on the Excel-saved oracle workbooks: how many of Excel's values each gives back, and how fast (run by hand).

Each book in tests/oracle/ (last saved by Excel, written by others) is first blanked: every
formula cell's saved value, and the cells of each array formula's range, are removed, so a
cell left untouched cannot inherit Excel's answer. The blanked copy is then recalculated as
a user would: `xlmodel calc` as a new process, and LibreOffice headless forced to
recalculate on load and save a copy. Every formula cell's value in each copy is compared
with the value Excel saved, with tests/test_oracle.py's tolerances. A book that gets no copy
counts none of its cells. The books are reported in two groups: those the engine was built
against (``old``) and those added from ``tests/oracle/SOURCES.md``'s second table, never
tuned for (``new``). Wall times are summed over the books; the figures are ratios within
this run.

    python benchmarks/bench_oracle.py        # needs LibreOffice for the comparison
    python benchmarks/bench_oracle.py --misses FILE   # also write every cell xlmodel misses
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import openpyxl
from lxml import etree
from openpyxl.utils.datetime import to_excel

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_calc import AS_INSTALLED, libreoffice
from test_oracle import BOOKS, ITERATIVE, NEW_BOOKS, ORACLE, same, saved_text

from xlmodel.calc import engine
from xlmodel.calc.formula_text import range_boundaries
from xlmodel.calc.package import scan
from xlmodel.calc.xlsxpatch import sheet_parts

Q = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def blanked(book: Path, out: Path) -> Path:
    """A copy of ``book`` with no formula cell's saved value, nor any value inside an array formula's range."""
    with zipfile.ZipFile(book) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        parts = set(sheet_parts(zin).values())
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename in parts:
                data = _blank_sheet(data)
            zout.writestr(info, data)
    return out


def _blank_sheet(data: bytes) -> bytes:
    root = etree.fromstring(data, etree.XMLParser(huge_tree=True))
    ranges = []
    for f in root.iter(f"{Q}f"):
        if f.get("t") in ("array", "dataTable") and f.get("ref"):
            ranges.append(range_boundaries(f.get("ref")))
    cell = re.compile(r"([A-Z]+)(\d+)")
    for c in root.iter(f"{Q}c"):
        f = c.find(f"{Q}f")
        inside = False
        if f is None and ranges:
            letters, row = cell.fullmatch(c.get("r")).groups()
            col = openpyxl.utils.column_index_from_string(letters)
            inside = any(a <= col <= c2 and b <= int(row) <= d for a, b, c2, d in ranges)
        if f is not None or inside:
            for v in c.findall(f"{Q}v") + c.findall(f"{Q}is"):
                c.remove(v)
            c.attrib.pop("t", None)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def run(cmd: list[str]) -> tuple[float, bool]:
    """Wall seconds of a command run as a new process, and whether it exited 0 or 1 (1: cells in error)."""
    start = time.perf_counter()
    code = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=AS_INSTALLED,
                          timeout=600).returncode
    return time.perf_counter() - start, code in (0, 1)


def compare(formulas: dict, excel, copy: Path) -> tuple[int, list]:
    """How many formula cells of ``copy`` hold Excel's saved value, and the cells that do not."""
    if not copy.exists():
        return 0, [(key, formulas[key], excel[key[0]][key[1]].value, "(no output)") for key in formulas]
    ours = openpyxl.load_workbook(copy, data_only=True, keep_links=False)
    hits, misses = 0, []
    for (sheet, address), formula in formulas.items():
        value = ours[sheet][address].value if sheet in ours.sheetnames else None
        if isinstance(value, (dt.datetime, dt.date, dt.time)):  # a date-formatted cell: its serial number
            value = to_excel(value)
        if isinstance(value, str):  # the copy escapes control characters as Excel's file does
            value = engine.ErrorValue(value) if value.startswith("#") else saved_text(value)
        saved = excel[sheet][address].value
        if same(saved, value, 1e-6 if ITERATIVE.search(formula or "") else 1e-9):
            hits += 1
        else:
            misses.append(((sheet, address), formula, saved, value))
    return hits, misses


def formula_cells(book: Path) -> dict:
    """Every formula cell of the book, and every cell of each array formula's range (Excel's values there too)."""
    book_scan = scan(book)
    cells = {key: text for key, text in book_scan.formulas.items()}
    for arr in book_scan.arrays:
        min_col, min_row, max_col, max_row = range_boundaries(arr.ref)
        for r in range(min_row, max_row + 1):
            for c in range(min_col, max_col + 1):
                cells.setdefault((arr.sheet, f"{openpyxl.utils.get_column_letter(c)}{r}"), f"{{{arr.anchor}}}")
    return cells


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", type=Path, help="write every cell xlmodel misses here (tab-separated)")
    args = parser.parse_args()
    misses_out = args.misses.open("w") if args.misses else None
    with tempfile.TemporaryDirectory(prefix="xlmodel-bench-oracle-") as tmp_name:
        tmp = Path(tmp_name)
        lo = libreoffice(tmp)
        if lo is None:
            print("LibreOffice not installed: apt-get install libreoffice-calc-nogui")
        else:
            run(lo + [str(blanked(ORACLE / BOOKS[0], tmp / "warm-up.xlsx"))])  # the first start writes the profile
        totals = {group: dict(cells=0, ours=0, lo=0, ours_wall=0.0, lo_wall=0.0, ours_none=[], lo_none=[])
                  for group in ("old", "new")}
        print(f"{'book':<58} {'cells':>6} {'xlmodel':>8} {'LibreOffice':>11}")
        for name in BOOKS:
            group = totals["new" if name in NEW_BOOKS else "old"]
            book = ORACLE / name
            blank = blanked(book, tmp / name)
            formulas = formula_cells(book)
            excel = openpyxl.load_workbook(book, data_only=True, keep_links=False)
            copy = tmp / f"ours_{name}"
            wall, ok = run([sys.executable, "-m", "xlmodel.cli", "calc", str(blank), "-o", str(copy)])
            group["ours_wall"] += wall
            if not ok or not copy.exists():
                group["ours_none"].append(name)
                copy.unlink(missing_ok=True)
            hits, missed = compare(formulas, excel, copy)
            for key, formula, saved, value in missed if misses_out else ():
                misses_out.write(f"{name}\t{key[0]}!{key[1]}\t{formula}\t{saved!r}\t{value!r}\n")
            line = f"{name[:58]:<58} {len(formulas):>6} {hits / len(formulas):>8.1%}"
            group["cells"] += len(formulas)
            group["ours"] += hits
            if lo:
                out_dir = tmp / "lo-out"
                lo_copy = out_dir / (Path(name).stem + ".xlsx")
                lo_copy.unlink(missing_ok=True)
                wall, _ = run(lo + [str(blank)])
                group["lo_wall"] += wall
                if not lo_copy.exists():
                    group["lo_none"].append(name)
                got, _ = compare(formulas, excel, lo_copy)
                group["lo"] += got
                line += f" {got / len(formulas):>11.1%}"
            print(line, flush=True)
        for label, g in totals.items():
            print(f"{label} books, {g['cells']:,} cells: xlmodel {g['ours'] / g['cells']:.2%} of Excel's values in "
                  f"{g['ours_wall']:.1f} s, no output for {len(g['ours_none'])} {g['ours_none']}")
            if lo:
                print(f"    LibreOffice {g['lo'] / g['cells']:.2%} in {g['lo_wall']:.1f} s, no output for "
                      f"{len(g['lo_none'])} {g['lo_none']}; time ratio xlmodel/LibreOffice "
                      f"{g['ours_wall'] / g['lo_wall']:.2f}")
    if misses_out:
        misses_out.close()


if __name__ == "__main__":
    main()
