"""Recalculating real Excel-saved workbooks gives back the values Excel saved in them.

The files in tests/oracle/ were last saved by Microsoft Excel and written by others
(SOURCES.md there gives repository, commit and licence). Each formula cell's saved
value is Excel's answer. Tolerances are SOURCES.md's: relative 1e-9 for numbers, 1e-6
for iterative functions, text exactly, errors by name. Cells where the engine still
differs are listed in known_differences.json with the reason; a listed cell that starts to
match fails its book's test until it is taken off the list.

`python tests/test_oracle.py` prints every cell that differs, to review the list;
`python tests/oracle_reasons.py` rewrites the list from a fresh recalculation (cells that now
match taken off, new ones given the reason of the first rule that fits, see its docstring).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from functools import cache
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils.datetime import to_excel

from xlmodel.calc import engine
from xlmodel.excel import CellError

ORACLE = Path(__file__).parent / "oracle"
BOOKS = sorted(p.name for p in ORACLE.glob("*.xls*"))
# The books added to measure the engine on what it was not built against: SOURCES.md's second table
NEW_BOOKS = frozenset(re.findall(r"^\| (\S+\.xls[xm]) \|", (ORACLE / "SOURCES.md").read_text().split(
    "## Added for issue 29")[1], re.MULTILINE))
KNOWN: dict[str, dict[str, str]] = json.loads((ORACLE / "known_differences.json").read_text())
ITERATIVE = re.compile(r"\b(XIRR|IRR|MIRR|RATE|YIELD|ODDFYIELD|ODDLYIELD|YIELDDISC|YIELDMAT)\(", re.IGNORECASE)


@cache
def calculation(name: str) -> engine.Calculation:
    """One oracle book recalculated, once a run (tests/test_excel_files.py writes its copy)."""
    return engine.calculate(ORACLE / name)


@cache
def differences(name: str) -> dict[str, tuple[str, Any, Any]]:
    """Cell -> (formula, Excel's value, ours) for every formula cell that does not match."""
    calc = calculation(name)
    saved = openpyxl.load_workbook(ORACLE / name, data_only=True, keep_links=False)
    out = {}
    for (sheet, address), ours in calc.values.items():
        formula = calc.formulas[(sheet, address)]
        excel = saved[sheet][address].value
        if not same(excel, ours, 1e-6 if ITERATIVE.search(formula) else 1e-9):
            out[f"{sheet}!{address}"] = (formula, excel, ours)
    return out


ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def saved_text(text: str) -> str:
    """Text as Excel holds it: the file escapes control characters as ``_xHHHH_`` (ECMA-376 Part 1,
    22.9.2.19 ST_Xstring), and openpyxl hands the escapes over as they are."""
    return ESCAPED.sub(lambda m: chr(int(m[1], 16)), text) if "_x" in text else text


def same(excel: Any, ours: Any, rel: float) -> bool:
    if isinstance(excel, str):
        excel = saved_text(excel)
    if isinstance(ours, (engine.ErrorValue, CellError)):
        return isinstance(excel, str) and excel == getattr(ours, "code", str(ours))
    if isinstance(excel, (dt.datetime, dt.date, dt.time)):
        excel = to_excel(excel)
    if isinstance(excel, bool) or isinstance(ours, bool):
        return excel is ours or (isinstance(excel, bool) and isinstance(ours, bool) and excel == ours)
    if isinstance(excel, (int, float)) and isinstance(ours, (int, float)):
        return math.isclose(excel, ours, rel_tol=rel, abs_tol=1e-12)
    if excel is None:
        return ours in (None, "")
    return excel == ours


@pytest.mark.parametrize("name", BOOKS)
def test_recalculation_gives_back_excels_values(name):
    listed = KNOWN.get(name, {})
    unexpected = {cell: d for cell, d in differences(name).items() if cell not in listed}
    assert not unexpected, f"{len(unexpected)} cells differ from Excel, e.g. {list(unexpected.items())[:5]}"


@pytest.mark.parametrize("name", sorted(KNOWN))
def test_known_differences_still_differ(name):
    """Each listed cell still differs (strict): one that starts to match must be taken off the list."""
    matching = sorted(set(KNOWN[name]) - set(differences(name)))
    assert not matching, f"{len(matching)} listed cells now match Excel: take them off the list, e.g. {matching[:10]}"


def test_every_listed_book_exists_and_the_oracle_has_its_sources():
    assert set(KNOWN) <= set(BOOKS)
    sources = (ORACLE / "SOURCES.md").read_text()
    assert all(name in sources for name in BOOKS) and len(BOOKS) == 35 and len(NEW_BOOKS) == 21


if __name__ == "__main__":
    for book in BOOKS:
        for cell, (formula, excel, ours) in differences(book).items():
            print(f"{book}\t{cell}\t{formula}\t{excel!r}\t{ours!r}")
