"""Helpers of the workbook tests: small books written and recalculated, and a simple xlmodel formula's arguments
resolved from a workbook, to call the Python API directly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import xlsxwriter
from openpyxl.formula.tokenizer import Token, Tokenizer
from openpyxl.utils.cell import get_column_letter, range_boundaries


def unguarded(formula: str) -> str:
    """The call inside ``IF(<test>,"",<call>)`` guards (the template empties a result whose input is missing)."""
    if not formula.startswith(("=", "{=")):
        return formula
    text = formula.lstrip("{=").rstrip("}")
    while text.upper().startswith("IF("):
        tokens = [t for t in Tokenizer("=" + text).items if t.type != Token.WSPACE]
        args, depth, current = [], 0, []
        for tok in tokens[1:-1]:
            if tok.type == Token.FUNC or (tok.type == Token.PAREN and tok.subtype == Token.OPEN):
                depth += tok.subtype == Token.OPEN
            if depth == 0 and tok.type == Token.SEP and tok.subtype == Token.ARG:
                args.append(current)
                current = []
                continue
            if tok.subtype == Token.CLOSE:
                depth -= 1
            current.append(tok)
        args.append(current)
        if len(args) != 3 or [t.value for t in args[1]] != ['""']:
            break
        text = "".join(t.value for t in args[2])
    return "=" + text


def top_level_call(formula: str) -> tuple[str, list[Token]] | None:
    """``(NAME, [operand per argument])`` when the formula is one call on plain operands, guards peeled off."""
    tokens = [t for t in Tokenizer(unguarded(formula)).items if t.type != Token.WSPACE]
    if len(tokens) < 2 or tokens[0].type != Token.FUNC or tokens[-1].type != Token.FUNC:
        return None
    args, current = [], []
    for tok in tokens[1:-1]:
        if tok.type == Token.SEP and tok.subtype == Token.ARG:
            args.append(current)
            current = []
        else:
            current.append(tok)
    args.append(current)
    if any(len(a) != 1 or a[0].type != Token.OPERAND for a in args if a):
        return None
    return tokens[0].value[:-1].upper(), [a[0] if a else None for a in args]


def operand_value(book: openpyxl.Workbook, values: dict, sheet: str, tok: Token | None) -> Any:
    """The value of one operand: a number, text, a defined name, or a cell or range reference."""
    if tok is None:
        return None
    if tok.subtype == Token.NUMBER:
        return float(tok.value)
    if tok.subtype == Token.TEXT:
        return tok.value.strip('"')
    if tok.subtype == Token.LOGICAL:
        return tok.value.upper() == "TRUE"
    ref = tok.value
    if ref in book.defined_names:
        sheet, ref = next(iter(book.defined_names[ref].destinations))
    elif "!" in ref:
        sheet, ref = ref.rsplit("!", 1)
        sheet = sheet.strip("'")
    min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
    grid = []
    for r in range(min_row, max_row + 1):
        row = []
        for c in range(min_col, max_col + 1):
            address = f"{get_column_letter(c)}{r}"
            row.append(values.get((sheet, address), book[sheet][address].value))
        grid.append(row)
    return grid


def range_values(calc, name: str) -> list:
    """The computed values of a defined name's cells, row by row (None for a cell that holds no formula)."""
    import zipfile

    from xlmodel.calc.typed_inputs import _defined_names

    with zipfile.ZipFile(calc.path) as zf:
        refers = _defined_names(zf)[name.lower()].lstrip("=")
    sheet, ref = refers.rsplit("!", 1)
    sheet = sheet.strip("'").replace("''", "'")
    min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
    return [calc.values.get((sheet, f"{get_column_letter(c)}{r}"))
            for r in range(min_row, max_row + 1) for c in range(min_col, max_col + 1)]


def calculated_book(tmp_path: Path, sheets: dict[str, dict[str, Any]], names: dict[str, str] | None = None,
                    dynamic: set[str] | frozenset[str] = frozenset()):
    """A book of ``sheets`` and ``names``, written with XlsxWriter and recalculated headlessly.

    Each sheet's cells are values, plain formulas (``=...``) or legacy array formulas (``{=...}``, keyed by
    their range, ``"K1:K4"``); the formulas whose ``"Sheet!A1"`` is in ``dynamic`` are saved as dynamic arrays.
    """
    from xlmodel.calc import engine

    path = tmp_path / "book.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    for sheet, cells in sheets.items():
        ws = wb.add_worksheet(sheet)
        for address, value in cells.items():
            if isinstance(value, str) and value.startswith("{="):
                ws.write_array_formula(address if ":" in address else f"{address}:{address}", value)
            elif isinstance(value, str) and value.startswith("=") and f"{sheet}!{address}" in dynamic:
                ws.write_dynamic_array_formula(address, value)
            elif isinstance(value, str) and value.startswith("="):
                ws.write_formula(address, value)
            else:
                ws.write(address, value)
    for name, text in (names or {}).items():
        wb.define_name(name, text)
    wb.close()
    return engine.calculate(path)
