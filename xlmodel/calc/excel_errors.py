"""Results Excel stores otherwise than the engine gives them, and the errors Excel stores as rich values.

The engine has error values Excel has not (``#CIRC!``, ``#N/IMPL!``) and results no cell can
hold (text over 32,767 characters, numbers that are not finite). The calculated copy holds
what Excel would show instead, and the listing still says what happened in each cell:

- a cell in a circular reference, iterative calculation off: the value Excel keeps there
  (:mod:`xlmodel.calc.cycles`); the cells that read it are computed from that value;
- a text result longer than a cell holds: ``#VALUE!``, as Excel's text functions return it
  (the cells that read it are evaluated again);
- a number that is not finite: ``#NUM!``;
- ``#N/IMPL!`` (the engine lacks the function): ``#NAME?``, what Excel shows for a function
  it cannot compute; any other literal Excel does not read: ``#VALUE!``.

``#SPILL!`` and ``#CALC!`` are Excel's own, but a cell's ``<v>`` cannot hold them: Excel
writes ``#VALUE!`` there and the error in a rich value the cell's ``vm`` attribute points at
(:mod:`xlmodel.calc.rich_data` writes the parts). The record is a ``_error`` structure:

- ``errorType`` 8 is ``#SPILL!``, 13 is ``#CALC!`` (EPPlus's ``RichValueErrorManager`` reads
  them so, citing [MS-XLSX] 2.3.6.1.3; Aspose.Cells' ``ErrorCellValueType`` has the same
  numbers);
- ``subType`` says why. The values here are the ones Excel 16 saved for the same cases
  (rich-value parts quoted in public test suites): a spill blocked by a value is 1 (Excel's
  ``SpillErrorCellValueSubType`` "Collision") with ``rwOffset``/``colOffset`` from the formula to
  the cell in the way, keys in the order Excel writes them (``colOffset``, ``errorType``,
  ``rwOffset``, ``subType``); a spill off the sheet's edge is 3 with offsets 0; a FILTER that
  matches nothing is 3 ("EmptyArray") in a structure of ``errorType`` and ``subType``. Any other
  cause, and a cell that only reads such an error, is written with ``subType`` 0 ("Unknown").
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import formualizer as fz

from xlmodel.calc import cycles
from xlmodel.calc import excel_gaps as gaps
from xlmodel.calc.cell_values import EXCEL_ERRORS, TEXT_LIMIT, text_length, too_long
from xlmodel.calc.engine_values import ErrorValue
from xlmodel.calc.formula_text import get_column_letter
from xlmodel.calc.package import Scan, split_address
from xlmodel.calc.rich_data import STAND_INS, RichError

Key = tuple[str, str]
SPILL_COLLISION, SPILL_SHEET_EDGE, CALC_EMPTY_ARRAY = 1, 3, 3
SHEET_ROWS, SHEET_COLUMNS = 1_048_576, 16_384
MAX_SCANNED = 100_000  # cells of a blocked spill's range looked at for what is in the way


@dataclass
class Held:
    """What :func:`hold` put into the engine, and what the listing says of each cell it held."""

    values: dict[Key, Any] = field(default_factory=dict)  # the value each held cell shows
    messages: dict[Key, str] = field(default_factory=dict)
    changed: bool = False  # the engine holds new values: the workbook needs evaluating again


def hold(wb: fz.Workbook, book_scan: Scan, values: dict[Key, Any], path) -> Held:
    """Put into the engine what Excel shows where the engine's own result cannot stand.

    ``values``: the collected value of every formula cell. A cycle's cells hold Excel's saved
    value, a text result too long for a cell holds ``#VALUE!``. Each is set in the engine, so
    that the cells reading it are evaluated again, when it is a formula of one cell (not an
    array's, a data table's, or one calling xlmodel's functions, which the listing evaluates
    again to explain); any other keeps its formula and only its own value changes.
    """
    held = Held()
    single: set[Key] = set()

    def may_set(key: Key) -> bool:
        if not single:
            arrays = {(a.sheet, a.anchor) for a in book_scan.arrays}
            single.update(k for k, text in book_scan.formulas.items()
                          if k not in arrays and not text.startswith("=TABLE("))
        if key in single and not gaps.calls_xlmodel(book_scan.formulas[key] or ""):
            held.changed = True
            return True
        return False

    for key, value in values.items():
        if type(value) is str and too_long(value):
            held.values[key] = ErrorValue("#VALUE!")
            held.messages[key] = _too_long(value)
            if may_set(key):
                wb.set_value(key[0], *split_address(key[1]), fz.LiteralValue.error("Value", None))
    circ = cycles.circular(values)
    if circ:
        kept, messages = cycles.hold(wb, path, circ, may_set)
        held.values.update(kept)
        held.messages.update(messages)
    return held


def _too_long(text: str) -> str:
    return (f"#VALUE! the text result has {text_length(text):,} characters, more than a cell holds "
            f"({TEXT_LIMIT:,}): Excel's text functions give #VALUE!")


def settle(wb: fz.Workbook, book_scan: Scan, calc, held: Held) -> dict[Key, str]:
    """Give ``calc`` (collected after :func:`hold`) the values of what Excel stores otherwise; the listing's messages.

    Held cells get their values; a number that is not finite becomes ``#NUM!``; a ``#SPILL!``
    or ``#CALC!`` gets the record Excel writes beside it. Returns the message for each cell
    the listing says more of than the engine's error (what ``#N/IMPL!`` is stored as, ...).
    """
    messages = dict(held.messages)
    values = calc.values
    for key, value in held.values.items():
        if key in values:
            values[key] = value
    anchors = {(a.sheet, a.anchor): a for a in book_scan.arrays if a.dynamic}
    said = {(i.sheet, i.address): i.message for i in calc.issues}
    for key, value in values.items():
        kind = type(value)
        if kind is float:
            if not math.isfinite(value):
                values[key] = ErrorValue("#NUM!")
                messages[key] = f"#NUM! the result, {value!r}, is not a finite number"
        elif kind is str:
            if key not in held.values and too_long(value):  # a cell an array fills: its value alone
                values[key] = ErrorValue("#VALUE!")
                messages[key] = _too_long(value)
        elif kind is ErrorValue and value.code not in EXCEL_ERRORS and key not in held.values:
            detail, message = _described(wb, calc, key, value.code, anchors.get(key), said.get(key))
            values[key] = ErrorValue(value.code, detail)
            if message:
                messages[key] = message
    return messages


def _described(wb: fz.Workbook, calc, key: Key, code: str, anchor,
               said: str | None) -> tuple[RichError | None, str | None]:
    """The record and the listing's message for an error Excel stores otherwise than its name.

    ``anchor``: the cell's dynamic array formula, if it has one; ``said``: the listing's message so far.
    """
    formula = calc.formulas.get(key, "")
    if code == "#SPILL!":
        if anchor is None:
            return RichError(code), "#SPILL! from a cell it reads, whose result cannot spill"
        if anchor.ref != anchor.anchor:
            calc.spills[key] = anchor.anchor  # Excel keeps a blocked spill's range to its formula's cell
        return _blocked_spill(wb, key)
    if code == "#CALC!":
        if "FILTER(" in formula.upper():
            return RichError(code, CALC_EMPTY_ARRAY), "#CALC! FILTER matched nothing (Excel: an empty array)"
        return RichError(code), None
    return None, f"{said or code + ' an error Excel does not have'}; the copy holds {STAND_INS.get(code, '#VALUE!')}"


def _blocked_spill(wb: fz.Workbook, key: Key) -> tuple[RichError, str]:
    """Where a dynamic array's result would go, and the first cell in the way (row by row)."""
    sheet, address = key
    rows, columns = _result_shape(wb, sheet, address)
    top, left = split_address(address)
    if rows is None:
        return RichError("#SPILL!"), "#SPILL! the result's range is not empty"
    if top + rows - 1 > SHEET_ROWS or left + columns - 1 > SHEET_COLUMNS:
        return RichError("#SPILL!", SPILL_SHEET_EDGE, (0, 0)), \
            f"#SPILL! the result ({rows:,} x {columns:,}) would run past the sheet's edge"
    if rows * columns <= MAX_SCANNED:
        grid = wb.sheet(sheet).get_values(fz.RangeAddress(sheet, top, left, top + rows - 1, left + columns - 1))
        for r, row in enumerate(grid):
            for c, value in enumerate(row):
                if value is not None and (r, c) != (0, 0):
                    where = f"{sheet}!{get_column_letter(left + c)}{top + r}"
                    return RichError("#SPILL!", SPILL_COLLISION, (r, c)), \
                        f"#SPILL! the result's range ({rows:,} x {columns:,}) is not empty: {where} is in the way"
    return RichError("#SPILL!"), "#SPILL! the result's range is not empty"


def _result_shape(wb: fz.Workbook, sheet: str, address: str) -> tuple[int | None, int | None]:
    """The rows and columns a dynamic array's formula gives, asked of the engine; (None, None) if it cannot say."""
    formula = gaps.engine_formula(wb, sheet, address)
    if not formula.startswith("="):
        return None, None
    row, col = split_address(address)
    shape = []
    try:
        for measure in ("ROWS", "COLUMNS"):
            wb.set_formula(sheet, row, col, f"={measure}({formula[1:]})")
            shape.append(wb.evaluate_cell(sheet, row, col))
        wb.set_formula(sheet, row, col, formula)
        wb.evaluate_cell(sheet, row, col)
    except Exception:  # noqa: BLE001 - whatever the engine raises, the record says only #SPILL! (values are collected)
        return None, None
    if not all(isinstance(n, (int, float)) and not isinstance(n, bool) and n >= 1 for n in shape):
        return None, None
    return int(shape[0]), int(shape[1])
