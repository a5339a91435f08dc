"""Type values into a workbook's input cells, in a copy, before it is recalculated (``xlmodel calc --set``).

What an analyst does by hand in Excel (type IREN over the ticker, a date over the valuation date),
done headlessly so any workbook can be recalculated for another case without opening it. Only
cells that hold no formula are typed into: a formula is the model, not an input. A target is a
cell (``Inputs!B5``) or a defined name of one cell (``model_ticker``).
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from typing import Any

from lxml import etree

from xlmodel.calc import xlsxpatch

EXCEL_EPOCH = dt.date(1899, 12, 30)
ADDRESS = re.compile(r"^(?:'((?:[^']|'')+)'|([^!']+))!\$?([A-Za-z]{1,3})\$?(\d+)$")


class InputError(ValueError):
    """A target that is not one input cell, or a value that cannot be typed."""


def parse_value(text: str) -> Any:
    """What an analyst's typed text becomes in a cell: a number, TRUE/FALSE, a date (ISO, as Excel's serial
    number) or text."""
    stripped = text.strip()
    if stripped.upper() in ("TRUE", "FALSE"):
        return stripped.upper() == "TRUE"
    try:
        return float(stripped.replace(",", "")) if stripped else ""
    except ValueError:
        pass
    try:
        return float((dt.date.fromisoformat(stripped) - EXCEL_EPOCH).days)
    except ValueError:
        return text


def parse_assignments(items: list[str]) -> dict[str, Any]:
    """``["model_ticker=IREN", "Inputs!E20=18.5"]`` as ``{target: value}``."""
    out = {}
    for item in items:
        target, sep, value = item.partition("=")
        if not sep or not target.strip():
            raise InputError(f"--set {item!r}: write TARGET=VALUE, e.g. model_ticker=IREN or Inputs!E20=18.5")
        out[target.strip()] = parse_value(value)
    return out


def set_inputs(src: Path, dst: Path, assignments: dict[str, Any]) -> dict[tuple[str, str], Any]:
    """Write a copy of ``src`` at ``dst`` with each target cell holding its value; return what was typed where."""
    with zipfile.ZipFile(src) as zf:
        names = _defined_names(zf)
        sheets = set(xlsxpatch.sheet_parts(zf))
    where = {_resolve(target, names, sheets): value for target, value in assignments.items()}
    by_sheet: dict[str, dict[str, Any]] = {}
    for (sheet, address), value in where.items():
        by_sheet.setdefault(sheet, {})[address] = value

    def edit(sheet: str, root) -> None:
        cells = xlsxpatch._cells(root)
        for address, value in by_sheet[sheet].items():
            cell = cells.get(address)
            if cell is None:
                cell = xlsxpatch._insert_cell(root, address)
            elif cell.find(f"{xlsxpatch.Q}f") is not None:
                raise InputError(f"{sheet}!{address} holds a formula: --set types into input cells only")
            xlsxpatch._set_value(cell, value if value != "" else None, {}, inline=True)

    xlsxpatch._rewrite(Path(src), Path(dst), edit, set(by_sheet))
    return where


def _defined_names(zf: zipfile.ZipFile) -> dict[str, str]:
    """Workbook-level defined names and what they refer to."""
    book = etree.fromstring(zf.read("xl/workbook.xml"), xlsxpatch.PARSER)
    return {n.get("name").lower(): (n.text or "") for n in book.iter(f"{xlsxpatch.Q}definedName")
            if n.get("localSheetId") is None}


def _resolve(target: str, names: dict[str, str], sheets: set[str]) -> tuple[str, str]:
    refers = names.get(target.lower(), target).lstrip("=")
    found = ADDRESS.match(refers)
    if found is None:
        what = "a defined name of one cell" if target.lower() in names else "a cell such as Inputs!B5 or a defined name"
        raise InputError(f"--set {target}: not {what}")
    quoted, plain, letters, row = found.groups()
    sheet = (quoted or "").replace("''", "'") or plain
    if sheet not in sheets:
        raise InputError(f"--set {target}: no sheet named {sheet!r}; the sheets are {', '.join(sorted(sheets))}")
    return sheet, f"{letters.upper()}{int(row)}"
