"""Recalculate a workbook without Excel: the ``formulas`` engine plus xlmodel's registry.

``formulas`` parses and evaluates Excel formulas (built-ins, cross-sheet references,
defined names, fixed-size array formulas). xlmodel plugs every registry function into
it through :func:`xlmodel.excel.call`, so a cell computes exactly what
``call`` returns. Two gaps of the engine are closed here rather than in a new parser:

- a dynamic-array formula saved as one cell (as XlsxWriter writes it before Excel
  ever spills it) is widened to the size of its result and computed again;
- results and errors are read back per cell, with the message of an xlmodel error.
"""

from __future__ import annotations

import logging
import os

os.environ.setdefault("TQDM_DISABLE", "1")  # the formulas engine's progress bars are noise in a CLI
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
from openpyxl.utils.cell import get_column_letter, range_boundaries
from openpyxl.worksheet.formula import ArrayFormula

from xlmodel.excel import CellError, call, functions
from xlmodel.workbook import xlsxpatch

log = logging.getLogger(__name__)
MAX_SPILL_PASSES = 3


@dataclass
class CellIssue:
    """A formula cell that did not compute."""

    sheet: str
    address: str
    formula: str
    message: str


@dataclass
class Calculation:
    """The computed value of every formula cell, and what went wrong where."""

    path: Path
    values: dict[tuple[str, str], Any] = field(default_factory=dict)
    formulas: dict[tuple[str, str], str] = field(default_factory=dict)
    issues: list[CellIssue] = field(default_factory=list)
    names: dict[str, Any] = field(default_factory=dict)
    spills: dict[tuple[str, str], str] = field(default_factory=dict)
    computed_names: list[str] = field(default_factory=list)  # names of formula cells, in sheet order

    def value(self, sheet: str, address: str) -> Any:
        return self.values[(sheet, address)]

    def by_sheet(self) -> dict[str, dict[str, Any]]:
        """Computed values as sheet -> address -> value, the shape ``xlsxpatch.store_values`` takes."""
        out: dict[str, dict[str, Any]] = {}
        for (sheet, address), value in self.values.items():
            out.setdefault(sheet, {})[address] = value
        return out

    @property
    def ok(self) -> bool:
        return not self.issues


def calculate(path: Path | str) -> Calculation:
    """Recalculate every formula of the workbook at ``path`` (the file is not changed)."""
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="xlmodel-calc-") as tmp:
        work = Path(tmp) / path.name
        shutil.copyfile(path, work)
        spills: dict[tuple[str, str], str] = {}
        for _ in range(MAX_SPILL_PASSES):
            calc, model, solution = _calculate_once(work, path)
            grown = _spills_to_widen(calc, work, model, solution)
            if not grown:
                break
            spills.update(grown)
            xlsxpatch.widen_array_formulas(work, grown)
        calc.spills = spills
    return calc


def _calculate_once(work: Path, original: Path):
    import formulas

    _register()
    book = openpyxl.load_workbook(work)
    cells = _formula_cells(book)
    model = formulas.ExcelModel().loads(str(work)).finish()
    solution = model.calculate()
    results = _index_solution(solution, book)
    calc = Calculation(path=original)
    for (sheet, address), (formula, anchor, offset) in cells.items():
        value = _cell_value(results, sheet, address, anchor, offset)
        calc.values[(sheet, address)] = value
        calc.formulas[(sheet, address)] = formula
        message = _error_message(value, formula)
        if message:
            calc.issues.append(CellIssue(sheet, address, formula, message))
    calc.names = _named_values(book, calc)
    return calc, model, solution


_REGISTERED = False


def _register() -> None:
    """Make every xlmodel function known to the formulas engine (once per process)."""
    global _REGISTERED
    if _REGISTERED:
        return
    import formulas
    from formulas.functions import wrap_ranges_func

    table = formulas.get_functions()
    for fn in functions():
        table[fn.name] = wrap_ranges_func(_engine_function(fn.name))
    _REGISTERED = True


def _engine_function(name: str):
    def run(*args: Any) -> np.ndarray:
        result = call(name, *(_from_engine(a) for a in args))
        out = np.empty(np.shape(result) or (1, 1), dtype=object)
        if isinstance(result, np.ndarray):
            out[:] = result
        else:
            out[0, 0] = result
        return out

    run.__name__ = name
    return run


def _from_engine(value: Any) -> Any:
    """The engine's empties and errors as a worksheet passes them to xlmodel."""
    import schedula as sh
    from formulas.tokens.operand import XlError

    def one(v: Any) -> Any:
        if v is sh.EMPTY:
            return None
        if isinstance(v, XlError):
            return CellError("an input cell is an error", code=str(v))
        return v

    if isinstance(value, np.ndarray):
        out = np.empty(value.shape, dtype=object)
        for idx, v in np.ndenumerate(value):
            out[idx] = one(v)
        return out if out.ndim == 2 else out.reshape(1, -1)
    return one(value)


def _formula_cells(book) -> dict[tuple[str, str], tuple[str, str, tuple[int, int]]]:
    """Every cell a formula writes: (sheet, address) -> (formula, anchor range, offset in it)."""
    cells = {}
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for c in row:
                v = c.value
                if isinstance(v, ArrayFormula):
                    min_col, min_row, max_col, max_row = range_boundaries(v.ref)
                    for r in range(min_row, max_row + 1):
                        for col in range(min_col, max_col + 1):
                            addr = f"{get_column_letter(col)}{r}"
                            cells[(ws.title, addr)] = (v.text, v.ref, (r - min_row, col - min_col))
                elif isinstance(v, str) and v.startswith("="):
                    cells[(ws.title, c.coordinate)] = (v, c.coordinate, (0, 0))
    return cells


def _index_solution(solution, book) -> dict[tuple[str, str], np.ndarray]:
    """The engine's results by (sheet as in the book, range without $)."""
    by_upper = {ws.title.upper(): ws.title for ws in book.worksheets}
    out = {}
    for key, ranges in solution.items():
        if "!" not in key:
            continue
        sheet_part, ref = key.rsplit("!", 1)
        sheet_upper = sheet_part.strip("'").split("]", 1)[-1]
        sheet = by_upper.get(sheet_upper)
        if sheet is None or not hasattr(ranges, "value"):
            continue
        out[(sheet, ref.replace("$", ""))] = ranges.value
    return out


def _cell_value(results, sheet: str, address: str, anchor: str, offset: tuple[int, int]) -> Any:
    import schedula as sh

    value = results.get((sheet, address))
    if value is None:
        block = results.get((sheet, anchor))
        if block is None:
            return CellError("the engine produced no value for this cell", code="#N/A")
        value = np.asarray(block, dtype=object)
        value = value[offset] if value.ndim == 2 and value.shape[0] > offset[0] and value.shape[1] > offset[1] \
            else value.flat[0]
    elif isinstance(value, np.ndarray):
        value = value.flat[0] if value.size else None
    if value is sh.EMPTY:
        return None
    return _plain(value)


def _plain(value: Any) -> Any:
    if isinstance(value, CellError):
        return value
    if isinstance(value, (np.floating, np.integer)):
        return value.item()
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def _error_message(value: Any, formula: str) -> str | None:
    from formulas.tokens.operand import XlError

    if isinstance(value, CellError):
        return str(value)
    if isinstance(value, XlError):
        code = str(value)
        if code == "#NAME?":
            unknown = sorted(unknown_functions(formula))
            return f"#NAME? unknown function {', '.join(unknown)}" if unknown else "#NAME? unknown name"
        return f"{code} (from this formula or a cell it reads)"
    return None


def unknown_functions(formula: str) -> set[str]:
    """Function names in ``formula`` that neither xlmodel nor the engine knows."""
    import formulas

    known = set(formulas.get_functions()) | {f.name for f in functions()}
    return {name for name, _ in formula_calls(formula)} - known


def formula_calls(formula: str) -> list[tuple[str, int]]:
    """Each function call in ``formula`` as (NAME, number of arguments)."""
    from openpyxl.formula.tokenizer import Token, Tokenizer

    calls: list[tuple[str, int]] = []
    stack: list[list[Any]] = []
    for tok in Tokenizer(formula.lstrip("{").rstrip("}")).items:
        if tok.type == Token.FUNC and tok.subtype == Token.OPEN:
            stack.append([tok.value[:-1].upper().removeprefix("_XLFN."), 0, False])
        elif stack and tok.type == Token.SEP and tok.subtype == Token.ARG:
            stack[-1][1] += 1
        elif tok.type == Token.FUNC and tok.subtype == Token.CLOSE:
            name, commas, seen = stack.pop()
            calls.append((name, commas + 1 if (commas or seen) else 0))
        if stack and not (tok.type == Token.FUNC and tok.subtype == Token.OPEN) and tok.type != Token.WSPACE:
            stack[-1][2] = True
    return calls


def _named_values(book, calc: Calculation) -> dict[str, Any]:
    """Defined names that point at one cell, with that cell's value (computed or typed)."""
    out = {}
    order = {key: i for i, key in enumerate(calc.values)}
    located = []
    for name, defn in book.defined_names.items():
        dests = list(defn.destinations)
        if len(dests) != 1:
            continue
        sheet, ref = dests[0]
        ref = ref.replace("$", "")
        if ":" in ref or sheet not in book.sheetnames:
            continue
        if (sheet, ref) in calc.values:
            out[name] = calc.values[(sheet, ref)]
            located.append((order[(sheet, ref)], name))
        else:
            out[name] = book[sheet][ref].value
    calc.computed_names = [name for _, name in sorted(located)]
    return out


def _spills_to_widen(calc: Calculation, work: Path, model, solution) -> dict[tuple[str, str], str]:
    """Dynamic-array formulas whose stored range is smaller than their result."""
    grown = {}
    for sheet, address in xlsxpatch.dynamic_array_cells(work):
        cell = model.cells.get(f"'[{work.name}]{sheet.upper()}'!{address}")
        if cell is None or cell.func is None:
            continue
        with np.errstate(all="ignore"):
            shape = np.shape(cell.func(*(solution[i] for i in cell.func.inputs)))
        if len(shape) != 2 or shape == (1, 1):
            continue
        col, row = _split(address)
        ref = f"{address}:{get_column_letter(col + shape[1] - 1)}{row + shape[0] - 1}"
        if xlsxpatch.array_ref(work, sheet, address) != ref:
            grown[(sheet, address)] = ref
    return grown


def _split(address: str) -> tuple[int, int]:
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    letters, row = coordinate_from_string(address)
    return column_index_from_string(letters), row


def write_calculated(calc: Calculation, out: Path, source: Path | None = None, bake: bool = False) -> Path:
    """Write a copy of the workbook with every computed value stored in its cells (atomically)."""
    xlsxpatch.store_values(Path(source or calc.path), Path(out), calc.by_sheet(), bake=bake, widen=calc.spills)
    return Path(out)
