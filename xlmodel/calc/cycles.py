"""Circular references in a workbook whose iterative calculation is off, as Excel shows them.

Excel does not compute such a cycle: it warns, and each cell in it "displays either a
zero or the last calculated value" (Microsoft support, "Remove or allow a circular
reference in Excel"), the value the file saved for it. Every other cell is computed as
usual, those that read the cycle from the values it holds. The engine stamps ``#CIRC!``
on the cycle and on every cell that reads it; :func:`hold` tells the two apart, puts the
saved value (or 0) into each cell of the cycle, and says in the listing which cells form
each cycle, so that the rest of the book can be evaluated again around them.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import formualizer as fz
from lxml import etree

from xlmodel.calc.cell_values import unescape_text
from xlmodel.calc.engine_values import KIND_OF_CODE, ErrorValue
from xlmodel.calc.formula_text import range_boundaries
from xlmodel.calc.package import split_address
from xlmodel.calc.xlsxpatch import Q, sheet_parts

Key = tuple[str, str]
ITERATION_OFF = ("iterative calculation is off in this workbook "
                 "(Excel: File > Options > Formulas > Enable iterative calculation)")


def circular(values: dict[Key, Any]) -> list[Key]:
    """The cells the engine stamped ``#CIRC!``."""
    return [key for key, v in values.items() if type(v) is ErrorValue and v.code == "#CIRC!"]


def hold(wb: fz.Workbook, path: Path, circ: list[Key], may_set) -> tuple[dict[Key, Any], dict[Key, str]]:
    """Hold each cell of a cycle at the value Excel shows there; name the cycles.

    ``circ``: the cells stamped ``#CIRC!``; ``may_set(key)``: whether the cell's value may
    be put into the engine in place of its formula (a single-cell formula). Returns the
    value each held cell shows, and the listing's message for every cell of ``circ``.
    """
    reads = {key: _precedents_among(wb, key, circ) for key in circ}
    reach = {key: _reachable(reads, reads[key]) for key in circ}
    in_cycle = [key for key in circ if key in reach[key]]
    readers = {key for key in circ if key not in reach[key] and any(k in reach[key] for k in in_cycle)}
    held = [key for key in circ if key not in readers]  # a cell the engine does not link to a cycle is one
    saved = saved_values(path, held)
    values, messages = {}, {}
    for key in held:
        members = [k for k in in_cycle if k in reach[key] and key in reach[k]] or [key]
        value = saved.get(key, 0.0)
        values[key] = value
        shown = "0, as Excel shows a cycle it has no saved value for" if key not in saved else \
            f"{_shown(value)}, the value Excel saved for it"
        messages[key] = f"#CIRC! circular reference through {_cell_list(members)}; {ITERATION_OFF}; holds {shown}"
        if may_set(key):
            row, col = split_address(key[1])
            wb.set_value(key[0], row, col, _literal(value))
    for key in readers:
        names = _cell_list([k for k in in_cycle if k in reach[key]])
        messages[key] = f"#CIRC! reads the circular reference through {names}; computed from the values held there"
    return values, messages


def saved_values(path: Path, keys: list[Key]) -> dict[Key, Any]:
    """The values the file saved in ``keys`` (a cell saved without one is left out)."""
    wanted: dict[str, set[str]] = {}
    for sheet, address in keys:
        wanted.setdefault(sheet, set()).add(address)
    out: dict[Key, Any] = {}
    with zipfile.ZipFile(path) as zf:
        parts = sheet_parts(zf)
        strings = None
        for sheet, addresses in wanted.items():
            with zf.open(parts[sheet]) as fh:
                for _, cell in etree.iterparse(fh, tag=f"{Q}c", resolve_entities=False, no_network=True):
                    if cell.get("r") in addresses:
                        kind, v = cell.get("t", "n"), cell.findtext(f"{Q}v")
                        if kind == "inlineStr":
                            v = "".join(cell.find(f"{Q}is").itertext())
                        if kind == "s" and strings is None and v is not None:
                            strings = _shared_strings(zf)
                        value = _typed(kind, v, strings) if v is not None else None
                        if value is not None:
                            out[(sheet, cell.get("r"))] = value
                    cell.clear()
    return out


def _typed(kind: str, text: str, strings: list[str] | None) -> Any:
    """A saved ``<v>`` as a value; None for an empty or unreadable one (openpyxl writes ``<v></v>``)."""
    if kind in ("str", "inlineStr"):
        return unescape_text(text)
    text = text.strip()
    if kind == "b":
        return text in ("1", "true")
    if kind == "e":
        return ErrorValue(text) if text else None
    try:
        return strings[int(text)] if kind == "s" else float(text)
    except (ValueError, IndexError, TypeError):
        return None


def _shared_strings(zf: zipfile.ZipFile) -> list[str]:
    try:
        root = etree.fromstring(zf.read("xl/sharedStrings.xml"))
    except KeyError:
        return []
    return [unescape_text("".join(t.text or "" for t in si.iter(f"{Q}t"))) for si in root.iter(f"{Q}si")]


def _literal(value: Any) -> Any:
    if type(value) is ErrorValue:
        return fz.LiteralValue.error(KIND_OF_CODE.get(value.code, "Value"), None)
    return value


def _shown(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return repr(value) if isinstance(value, str) else str(value)


def _cell_list(keys: list[Key]) -> str:
    if not keys:
        return "cells the engine does not name"
    return ", ".join(f"{s}!{a}" for s, a in keys[:12]) + (" ..." if len(keys) > 12 else "")


def _precedents_among(wb: fz.Workbook, key: Key, cells) -> set[Key]:
    out = set()
    for p in wb.precedents(f"'{key[0]}'!{key[1]}").precedents:
        address = p.reference.address or p.reference.resolved  # a range has only its resolved extent
        if not address or "!" not in address:
            continue
        sheet, ref = address.rsplit("!", 1)
        sheet, ref = sheet.strip("'"), ref.replace("$", "")
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        out |= {(s, a) for s, a in cells if s == sheet and min_row <= split_address(a)[0] <= max_row
                and min_col <= split_address(a)[1] <= max_col}
    return out


def _reachable(edges: dict, start: set) -> set:
    seen, todo = set(), list(start)
    while todo:
        key = todo.pop()
        if key not in seen:
            seen.add(key)
            todo.extend(edges.get(key, ()))
    return seen
