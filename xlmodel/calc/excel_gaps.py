"""What Excel does that the formualizer engine does not do by itself, done here.

formualizer (Rust) loads, orders and evaluates the formulas; this module closes the
gaps between what it computes and what Excel shows, each in one function:

- xlmodel's functions are registered as workbook functions (:func:`register_functions`),
  and an argument left empty (``=F(a,,c)``) reaches them as empty, not as 0;
- legacy array formulas over a fixed range (``{=...}``): Excel fits the result to the
  range (a single row or column repeats, cells beyond the result show ``#N/A``); the
  engine would spill, and finds the range blocked by the values Excel saved there;
- dynamic arrays: Excel saved the spilled cells as values, which block the spill (the
  engine module loads the package with them emptied: ``Workbook.set_value(None)`` over
  a spill range loses cells of the spill in formualizer 0.13);
- a legacy (non-array) formula never spills in Excel: a range in it is implicitly
  intersected with the formula's row or column (``@``);
- literal error values typed into cells (``#N/A``), which the engine's loader leaves
  out, and Excel tables: their structured references become the plain ranges Excel means;
- what-if data tables (``{=TABLE(r1,r2)}``), computed cell by cell by putting the row
  and column inputs into the input cells, as Excel does;
- functions the engine lacks or gets wrong (VDB; TEXT, whose number formats are read in
  :mod:`xlmodel.calc.number_format`; the bond functions of :mod:`xlmodel.calc.bonds`: the
  odd-period ones, PRICE and YIELD), the lookups it answers differently (approximate matches,
  XLOOKUP's modes: :mod:`xlmodel.calc.lookups`) and the database functions (DSUM, ...) with
  Excel's criteria ranges (:mod:`xlmodel.calc.database`);
- arguments Excel reads otherwise (a literal error as a reference, MATCH's FALSE:
  :mod:`xlmodel.calc.argument_rewrites`) and calls whose data the engine reads wrongly,
  checked after a first evaluation (:mod:`xlmodel.calc.checked_routes`).

Excel's 15-significant-digit behaviour of ROUND, ROUNDUP, ROUNDDOWN and TRUNC is the
engine's own (tests/test_calc_engine.py holds the cases), and so is iterative
calculation, switched on from the workbook's setting in :func:`engine_config`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from functools import cache, lru_cache
from typing import Any

import formualizer as fz
import numpy as np

from xlmodel.calc import (bases, bonds, conditional, coupons, database, defined_names, lambdas, lifting, lookups, matrices,
                          regex_functions, rounding, text_edges, text_splits)
from xlmodel.calc.engine_values import ERROR_KINDS, KIND_OF_CODE, error_value, is_error
from xlmodel.calc.formula_text import Token, Tokenizer, get_column_letter, range_boundaries
from xlmodel.calc.number_format import text
from xlmodel.calc.package import ArrayFormula, DataTable, Scan, split_address
from xlmodel.excel import CellError, call, functions, get

FIT_ARRAY = "XLMODEL_FIT_ARRAY"


def engine_config(book_scan: Scan) -> fz.WorkbookConfig:
    """The engine's settings for this workbook: Excel's iterative calculation when the file asks for it."""
    cfg = fz.EvaluationConfig()
    cfg.enable_parallel = False  # xlmodel's callbacks are Python: one thread keeps their order and the GIL simple
    cfg.cycle_detection = "runtime"  # a cycle is one through values read, as in Excel (ROW(C1) in C1 is none)
    if book_scan.iterate:
        cfg.cycle_policy = "iterate"
        cfg.iterate_max_iterations = book_scan.iterate_count
        cfg.iterate_max_change = book_scan.iterate_delta
    # no undo log: formualizer 0.13 records each edit made before the first evaluation at a cost that
    # grows with the workbook (5 ms an edit with 50,000 formulas), and nothing here undoes
    return fz.WorkbookConfig(eval_config=cfg, enable_changelog=False)


def build_graph(wb: fz.Workbook, book_scan: Scan) -> None:
    """Have the engine build its dependency graph now, before formulas are edited.

    Upstream: formualizer 0.13 builds it on the first evaluation, and until then each
    ``set_formula`` takes time growing with the workbook (15 ms a cell of a shared formula
    at 50,000 formulas); ``get_eval_plan`` builds it (its ``build_graph_if_needed``), after
    which an edit takes about 30 microseconds.
    """
    first = next(iter(book_scan.formulas), None)
    if first:
        wb.get_eval_plan([(first[0], *split_address(first[1]))])


# --- xlmodel's functions -------------------------------------------------------------------------


def register_functions(wb: fz.Workbook) -> None:
    """Make every xlmodel function known to ``wb``, and the functions below that Excel has and it lacks."""
    for fn in functions():
        wb.register_function(fn.name, _xlmodel_callback(fn.name), min_args=fn.required, max_args=len(fn.args))
    wb.register_function(FIT_ARRAY, fit_array, min_args=3, max_args=3)
    wb.register_function("VDB", vdb_callback, min_args=5, max_args=7)
    wb.register_function("ODDFPRICE", bonds.oddfprice, min_args=8, max_args=9)
    wb.register_function("ODDFYIELD", bonds.oddfyield, min_args=8, max_args=9)
    wb.register_function("ODDLPRICE", bonds.oddlprice, min_args=7, max_args=8)
    wb.register_function("ODDLYIELD", bonds.oddlyield, min_args=7, max_args=8)
    wb.register_function("PRICE", bonds.price, min_args=6, max_args=7, allow_override_builtin=True)
    wb.register_function("YIELD", bonds.yield_, min_args=6, max_args=7, allow_override_builtin=True)
    for name in coupons.SCHEDULE:
        wb.register_function(name, getattr(coupons, name.lower()), min_args=3, max_args=4)
    wb.register_function("ACCRINT", coupons.accrint, min_args=6, max_args=8, allow_override_builtin=True)
    for name in coupons.DURATIONS:
        wb.register_function(name, getattr(coupons, name.lower()), min_args=5, max_args=6)
    wb.register_function("TEXT", text, min_args=2, max_args=2, allow_override_builtin=True)
    lookups.register(wb)
    bases.register(wb)
    matrices.register(wb)
    rounding.register(wb)
    text_splits.register(wb)
    conditional.register(wb)
    database.register(wb)
    defined_names.register(wb)
    lambdas.register(wb, register_functions)
    lifting.register(wb)
    regex_functions.register(wb)
    text_edges.register(wb)


class _Mode:
    explaining = False  # True while the engine module asks why cells failed


@contextmanager
def explaining():
    """Within it, xlmodel functions return their reasons as text instead of Excel error values.

    The engine keeps only an error's kind (formualizer 0.13 drops a raised exception's
    text), so the engine module evaluates the cells in error once more, in this mode,
    to list why each failed.
    """
    _Mode.explaining = True
    try:
        yield
    finally:
        _Mode.explaining = False


def _xlmodel_callback(name: str) -> Callable[..., Any]:
    fn = get(name)

    def run(*args: Any) -> Any:
        fast = fn.scalar(args, guard=False)  # one number per argument, most calls of a model (under np.errstate)
        if fast is not None:
            return fast
        result = call(name, *(_from_engine(a) for a in args))
        if isinstance(result, np.ndarray):
            if result.dtype.kind == "f" and np.isfinite(result).all():  # a column of trials: no value to convert
                return result.tolist()
            return [[_to_engine(v) for v in row] for row in result.tolist()]
        return _to_engine(result)

    run.__name__ = name
    return run


def _from_engine(value: Any) -> Any:
    """The engine's error values as an xlmodel input error; everything else as it is."""
    if isinstance(value, list):
        if any(is_error(v) for row in value for v in row):
            return [[_from_engine(v) for v in row] for row in value]
        return value
    if is_error(value):
        return CellError("an input cell is an error", code=ERROR_KINDS.get(value["kind"], "#VALUE!"))
    return value


def _to_engine(value: Any) -> Any:
    if isinstance(value, CellError):  # an error value in its cell; its reason as text when explaining
        return str(value) if _Mode.explaining else error_value(KIND_OF_CODE.get(value.code, "Value"))
    if isinstance(value, float) and not math.isfinite(value):
        return error_value("Num")
    return value


def fill_omitted_arguments(formula: str, names: frozenset[str]) -> str:
    """Give xlmodel calls an explicit empty text for each empty argument (``F(a,,c)`` -> ``F(a,"",c)``).

    The engine passes an empty argument to a Python function as 0.0, which xlmodel
    cannot tell from a typed 0 (upstream: formualizer 0.13, ``=F(1,,3)`` calls F with
    ``(1.0, 0.0, 3.0)``); empty text is what xlmodel reads as "take the default".
    """
    out: list[str] = []
    stack: list[bool] = []  # per open call or array: is it an xlmodel function
    prev = ""  # the previous token, ignoring whitespace: "open", "sep" or "other"
    for tok in Tokenizer(formula).items:
        if tok.type == Token.WSPACE:
            out.append(tok.value)
            continue
        opening = tok.type == Token.FUNC and tok.subtype == Token.OPEN
        closing = tok.type == Token.FUNC and tok.subtype == Token.CLOSE
        separator = tok.type == Token.SEP and tok.subtype == Token.ARG
        if stack and stack[-1] and ((separator and prev in ("open", "sep")) or (closing and prev == "sep")):
            out.append('""')
        if opening or (tok.type == Token.ARRAY and tok.subtype == Token.OPEN):
            stack.append(opening and tok.value[:-1].upper() in names)
        elif stack and (closing or (tok.type == Token.ARRAY and tok.subtype == Token.CLOSE)):
            stack.pop()
        prev = "open" if opening else "sep" if separator else "other"
        out.append(tok.value)
    return "=" + "".join(out)


@lru_cache(maxsize=1)
def xlmodel_names() -> frozenset[str]:
    return frozenset(fn.name for fn in functions())


@lru_cache(maxsize=1)
def _name_starts() -> tuple[str, ...]:
    """What every xlmodel function name starts with (``BTC_``, ``COLO_``, ...): a quick look first."""
    return tuple(sorted({fn.name.split("_")[0] + ("_" if "_" in fn.name else "") for fn in functions()}))


CALLED = re.compile(r"([A-Za-z_][\w.]*)\s*\(")  # each called name, whole (no name ends inside another)


def calls_xlmodel(formula: str) -> bool:
    """Whether ``formula`` calls an xlmodel function (substring tests first, then the called names)."""
    upper = formula.upper()
    for start in _name_starts():
        if start in upper:
            break
    else:
        return False
    names = xlmodel_names()
    return any(name in names for name in CALLED.findall(upper))


# Functions saved with Excel's "_xlfn." prefix that xlmodel registers over the engine's own: the engine
# sends a prefixed call to its built-in (formualizer 0.13), so the prefix is taken off.
OVERRIDDEN_NEW = ("CEILING.MATH", "FLOOR.MATH", "CEILING.PRECISE", "FLOOR.PRECISE", "ISO.CEILING", "TEXTBEFORE",
                  "TEXTAFTER", "REGEXTEST", "REGEXEXTRACT", "REGEXREPLACE", "SINGLE")
PREFIXED = re.compile(r"_xlfn\.(?=(?:%s)\s*\()" % "|".join(re.escape(n) for n in OVERRIDDEN_NEW), re.IGNORECASE)
SINGLE = re.compile(r"_xlfn\.SINGLE\s*\(", re.IGNORECASE)


def unprefixed(formula: str) -> str:
    """``_xlfn.CEILING.MATH(...)`` as ``CEILING.MATH(...)``, so that xlmodel's function answers it; and
    ``_xlfn.SINGLE(x)``, how Excel saves the ``@`` of ``@x``, as ``@(x)`` (formualizer 0.13: ``#NAME?``)."""
    return PREFIXED.sub("", SINGLE.sub("@(", formula))


EMPTY_ARGUMENT = re.compile(r"[(,]\s*[,)]")  # "(,", ",,", ",)" outside text: a formula worth tokenizing


def needs_filling(formula: str) -> bool:
    return bool(EMPTY_ARGUMENT.search(formula)) and calls_xlmodel(formula)


# --- array formulas ----------------------------------------------------------------------------------


def fit_array(value: Any, rows: float, cols: float) -> list[list[Any]]:
    """A legacy array formula's result as Excel shows it in a ``rows`` x ``cols`` range.

    A single value fills the range; a single row repeats down and a single column
    across; what lies beyond the result shows ``#N/A``; a larger result is cut.
    """
    grid = value if isinstance(value, list) else [[value]]
    h, w = len(grid), len(grid[0]) if grid else 0
    out = []
    for i in range(int(rows)):
        row = []
        for j in range(int(cols)):
            r = 0 if h == 1 else i
            c = 0 if w == 1 else j
            row.append(grid[r][c] if r < h and c < w else error_value("Na"))
        out.append(row)
    return out


def prepare_arrays(wb: fz.Workbook, arrays: Iterable[ArrayFormula], formula_of: Callable[[str, str], str]) -> None:
    """Fit each legacy array formula to its range (the engine would spill it as a dynamic array)."""
    for arr in arrays:
        row, col = split_address(arr.anchor)
        h, w = arr.shape
        if not arr.dynamic:
            body = formula_of(arr.sheet, arr.anchor).lstrip("=")
            try:
                wb.set_formula(arr.sheet, row, col, f"={FIT_ARRAY}({body},{h},{w})")
            except RuntimeError:  # a formula the engine loaded as an error but cannot parse: it stays so
                continue


def engine_cell(wb: fz.Workbook, sheet: str, address: str):
    """The engine's snapshot of one cell (its formula as the engine holds it, its spill role)."""
    return wb.inspect_cell(f"'{sheet}'!{address}").cell


def engine_formula(wb: fz.Workbook, sheet: str, address: str) -> str:
    """The formula the engine holds for a cell, with the edits made here ("" for none).

    Quick once the workbook is evaluated; ``Workbook.get_formula`` took about 2 ms a cell.
    """
    return engine_cell(wb, sheet, address).formula or ""


def spill_extent(wb: fz.Workbook, sheet: str, address: str) -> str | None:
    """The range a dynamic-array formula spilled into, or None when it did not spill."""
    spill = engine_cell(wb, sheet, address).spill
    if spill is None or spill.kind != fz.SpillRoleKind.Anchor or not spill.extent:
        return None
    return spill.extent.split("!")[-1].replace("$", "")


def spilled_or_blocked(wb: fz.Workbook, sheet: str, address: str) -> bool:
    """Whether a formula spilled, or would have but found its range taken (``#SPILL!``)."""
    cell = engine_cell(wb, sheet, address)
    spill = cell.spill
    if spill is not None and spill.kind == fz.SpillRoleKind.Anchor and spill.extent:
        return True
    value = cell.value
    return is_error(value) and value.get("kind") == "Spill"


def intersect_legacy(formula: str) -> str:
    """A legacy formula as Excel 365 shows it: ``@`` before each top-level range and call.

    Excel evaluates a formula saved without the dynamic-array flag with implicit
    intersection: a range (or a function returning one) in a place that takes one
    value is cut down to the cell in the formula's row or column. Inside a function's
    arguments the engine already does what each function expects.
    """
    out: list[str] = []
    depth = 0
    for tok in Tokenizer(formula).items:
        if tok.type == Token.FUNC and tok.subtype == Token.OPEN:
            out.append(("@" if depth == 0 else "") + tok.value)
            depth += 1
        elif tok.type == Token.FUNC and tok.subtype == Token.CLOSE:
            depth -= 1
            out.append(tok.value)
        elif depth == 0 and tok.type == Token.OPERAND and tok.subtype == Token.RANGE and not tok.value.startswith("#"):
            out.append("@" + tok.value)
        else:
            out.append(tok.value)
    return "=" + "".join(out)


# --- what the loader leaves out ---------------------------------------------------------------------


def restore_literal_errors(wb: fz.Workbook, errors: dict[tuple[str, str], str],
                           arrays: Iterable[ArrayFormula] = ()) -> None:
    """Put back the error values typed into cells, but not those Excel saved inside an array formula's range.

    An array formula's ``#N/A`` beyond its result is saved as a literal error in the cell
    (tests/oracle/poi_MatrixFormulaEvalTestData.xlsx, J62); restored, it would block the result.
    """
    areas = [(arr.sheet, range_boundaries(arr.ref)) for arr in arrays]
    for (sheet, address), code in errors.items():
        kind = KIND_OF_CODE.get(code)
        row, col = split_address(address)
        if kind and not any(s == sheet and c1 <= col <= c2 and r1 <= row <= r2 for s, (c1, r1, c2, r2) in areas):
            wb.set_value(sheet, row, col, fz.LiteralValue.error(kind, None))


TABLE_START = re.compile(r"(?P<table>[A-Za-z_\\][\w.]*)\[")
# a reference without escapes: matched in one pass (the escape-aware scan below is slower)
STRUCTURED = re.compile(r"(?P<table>[A-Za-z_\\][\w.]*)\[(?P<spec>(?:[^\[\]]|\[[^\]]*\])*)\]")


def structured_references(formula: str, row: int, tables: Iterable[dict]) -> str:
    """Structured references (``Sales[Amount]``, ``Sales[@Amount]``, ``Sales[#Totals]``) as plain ranges.

    Upstream: formualizer 0.13 answers ``#N/IMPL!`` for ``#This Row`` and a false
    circular reference for a column summed in its own totals row
    (tests/oracle/tamc_spec_test_data_ExampleSpreadsheet.xlsx, Tables!F4 and B5), so
    xlmodel writes what Excel means: the table's cells, by its header names and rows.
    Column names are read as Excel writes them: ``'`` escapes ``[``, ``]``, ``#`` and ``'``
    (``Table9[Hi, ''This]`` is the column "Hi, 'This"), spaces inside brackets are kept
    (``Table3[[the two ]]``; tests/oracle/ironcalc_tables.xlsx, sheets Hidden and Escape).
    """
    by_name = {t["name"].upper(): t for t in tables}

    def swapped(part: str) -> str:
        out, at = [], 0
        for start, end, name, spec in _table_references(part, by_name):
            table = by_name[name.upper()]
            ref = _table_range(table, spec, row)
            text = ref if ref == "#REF!" else f"'{table['sheet']}'!{ref}" if ref else part[start:end]
            out.append(part[at:start] + text)
            at = end
        return "".join(out) + part[at:]

    parts = formula.split('"')  # odd parts are inside text literals: left alone but for INDIRECT's text
    for i, part in enumerate(parts):
        if "[" in part and (i % 2 == 0 or parts[i - 1].rstrip().upper().endswith("INDIRECT(")):
            parts[i] = swapped(part)
    return '"'.join(parts)


def _table_references(text: str, tables: dict) -> Iterable[tuple[int, int, str, str]]:
    """(start, end, table, spec) of each ``Table[...]`` in ``text``, brackets matched past ``'`` escapes."""
    if "'" not in text:
        for match in STRUCTURED.finditer(text):
            if match["table"].upper() in tables:
                yield match.start(), match.end(), match["table"], match["spec"]
        return
    at = 0
    while True:
        match = TABLE_START.search(text, at)
        if match is None:
            return
        i, depth = match.end(), 1
        while i < len(text) and depth:
            if text[i] == "'":
                i += 2
                continue
            depth += {"[": 1, "]": -1}.get(text[i], 0)
            i += 1
        if depth == 0 and match["table"].upper() in tables:
            yield match.start(), i, match["table"], text[match.end():i - 1]
            at = i
        else:
            at = match.end()


def _spec_items(spec: str) -> list[str]:
    """The items of a structured reference's specifier, unescaped: ``[#This Row],[A]:[B]`` -> the three;
    a specifier without brackets is one item (``Hi, ''This`` is the column "Hi, 'This")."""
    if "[" not in spec.replace("'[", ""):
        return [_unescaped(spec)]
    if "'" not in spec:
        return [m for m in SPEC_ITEM.findall(spec)]
    items, i = [], 0
    while i < len(spec):
        if spec[i] == "[":
            j = i + 1
            while j < len(spec) and spec[j] != "]":
                j += 2 if spec[j] == "'" else 1
            items.append(_unescaped(spec[i + 1:j]))
            i = j + 1
        else:
            i += 1
    return items


SPEC_ITEM = re.compile(r"\[([^\]]*)\]")


def _unescaped(text: str) -> str:
    return re.sub(r"'(.)", r"\1", text) if "'" in text else text


def _table_range(table: dict, spec: str, row: int) -> str | None:
    top, left, bottom, right = table["range"]
    header = top if table["header_row"] else None
    totals = bottom if table["totals_row"] else None
    data = (top + (header is not None), bottom - (totals is not None))
    spec = spec.strip()
    specials, columns = [], []
    if spec.startswith("@"):
        specials, spec = ["#this row"], spec[1:]
    for item in _spec_items(spec) if spec else ():  # [A]:[B] spans A..B: the columns' min to max
        if item.startswith("#") or item == "@":
            specials.append("#this row" if item == "@" else item.lower())
        elif item:
            columns.append(item)
    spans = {"#all": (top, bottom), "#data": data, "#headers": (header, header), "#totals": (totals, totals),
             "#this row": (row, row)}
    chosen = [spans.get(s) for s in specials] or [data]
    if any(span is None for span in chosen):
        return None
    if any(span[0] is None for span in chosen):
        return "#REF!"  # Table2[#Totals] of a table without a totals row (tests/oracle/ironcalc_tables, Sheet2!F4)
    first_row, last_row = min(s[0] for s in chosen), max(s[1] for s in chosen)
    names = [h.upper() for h in table["headers"]]
    if any(c.upper() not in names for c in columns):
        return None
    cols = [left + names.index(c.upper()) for c in columns] or [left, right]
    a = f"{get_column_letter(min(cols))}{first_row}"
    b = f"{get_column_letter(max(cols))}{last_row}"
    return a if a == b else f"{a}:{b}"


def add_tables(wb: fz.Workbook, tables: Iterable[dict]) -> list[str]:
    """Define the workbook's Excel tables in the engine; returns a line per table it refused."""
    problems = []
    for t in tables:
        try:
            wb.add_table(t["name"], t["sheet"], t["range"], t["headers"], header_row=t["header_row"],
                         totals_row=t["totals_row"])
        except Exception as exc:  # an odd table costs its structured references, not the workbook
            problems.append(f"table {t['name']} on {t['sheet']} not loaded: {exc}")
    return problems


# --- what-if data tables -----------------------------------------------------------------------------


def compute_data_table(wb: fz.Workbook, table: DataTable) -> dict[str, Any]:
    """Every cell of a data table, computed as Excel does: inputs substituted, formula recomputed."""
    sheet = table.sheet
    top, left = split_address(table.ref.split(":")[0])
    bottom, right = split_address(table.ref.split(":")[-1])
    inputs = [split_address(a) for a in (table.row_input, table.col_input) if a]
    saved = {cell: _raw(wb, sheet, *cell) for cell in inputs}
    out: dict[str, Any] = {}
    try:
        for r in range(top, bottom + 1):
            for c in range(left, right + 1):
                if table.two_way:
                    values = {inputs[0]: wb.get_value(sheet, top - 1, c)}
                    if len(inputs) > 1:
                        values[inputs[1]] = wb.get_value(sheet, r, left - 1)
                    formula_cell = (top - 1, left - 1)
                elif table.row_oriented:
                    values, formula_cell = {inputs[0]: wb.get_value(sheet, top - 1, c)}, (r, left - 1)
                else:
                    values, formula_cell = {inputs[0]: wb.get_value(sheet, r, left - 1)}, (top - 1, c)
                for (ir, ic), v in values.items():
                    wb.set_value(sheet, ir, ic, v)
                out[f"{get_column_letter(c)}{r}"] = wb.evaluate_cell(sheet, *formula_cell)
    finally:
        for (ir, ic), (formula, value) in saved.items():
            if formula:
                wb.set_formula(sheet, ir, ic, formula)
            else:
                wb.set_value(sheet, ir, ic, value)
    for address, value in out.items():
        row, col = split_address(address)
        wb.set_value(sheet, row, col, fz.LiteralValue.error(value["kind"], None) if is_error(value) else value)
    return out


def _raw(wb: fz.Workbook, sheet: str, row: int, col: int) -> tuple[str | None, Any]:
    return wb.get_formula(sheet, row, col), wb.get_value(sheet, row, col)


# --- functions the engine lacks ----------------------------------------------------------------------


def vdb_callback(cost, salvage, life, start, end, factor=2.0, no_switch=False) -> Any:
    try:
        args = [float(a) for a in (cost, salvage, life, start, end, 2.0 if factor in (None, "") else factor)]
    except (TypeError, ValueError):
        return error_value("Value")
    value = vdb(*args, no_switch=bool(no_switch))
    return error_value("Num") if value is None else value


def vdb(cost: float, salvage: float, life: float, start: float, end: float, factor: float = 2.0,
        no_switch: bool = False) -> float | None:
    """Excel's VDB: declining-balance depreciation from ``start`` to ``end`` (periods may be fractional).

    Switches to straight line when that is larger, unless ``no_switch``. None where
    Excel answers ``#NUM!``. Checked against Excel's own values for whole and
    fractional periods (tests/oracle/bradbase_tests_resources_VDB.xlsx).
    Upstream: formualizer 0.13 has no VDB (``=VDB(2400,300,10,0,1)`` gives ``#NAME?``).
    """
    if start < 0 or end < start or end > life or cost < 0 or salvage < 0 or factor <= 0 or life <= 0:
        return None
    int_start, int_end = math.floor(start), math.ceil(end)
    if no_switch:
        total = 0.0
        for i in range(int_start + 1, int_end + 1):
            term = _ddb(cost, salvage, life, i, factor)
            if i == int_start + 1:
                term *= min(end, int_start + 1) - start
            elif i == int_end:
                term *= end + 1 - int_end
            total += term
        return total
    # Excel restarts the schedule at ``start``: the value left then, depreciated over the life left.
    # The value left counts a fractional period first, then whole periods (LibreOffice's ScVDB
    # interpolates whole periods instead, and differs from Excel by up to 0.9% on the oracle).
    frac = start - int_start
    value = cost - _inter_vdb(cost, salvage, life, life, frac, factor)
    value -= _inter_vdb(value, salvage, life, life - frac, int_start, factor)
    return _inter_vdb(value, salvage, life, life - start, end - start, factor)


def _ddb(cost: float, salvage: float, life: float, period: float, factor: float) -> float:
    rate = factor / life
    if rate >= 1.0:
        rate, before = 1.0, (cost if period == 1.0 else 0.0)
    else:
        before = cost * (1.0 - rate) ** (period - 1.0)
    after = cost * (1.0 - rate) ** period
    return max(before - salvage if after < salvage else before - after, 0.0)


def _inter_vdb(cost: float, salvage: float, life: float, life1: float, period: float, factor: float) -> float:
    total, straight, switched = 0.0, 0.0, False
    remaining = cost - salvage
    end = math.ceil(period)
    for i in range(1, end + 1):
        if not switched:
            ddb = _ddb(cost, salvage, life, i, factor)
            straight = remaining / (life1 - (i - 1))
            if straight > ddb:
                term, switched = straight, True
            else:
                term = ddb
                remaining -= ddb
        else:
            term = straight
        if i == end:
            term *= period + 1.0 - end
        total += term
    return total


@cache
def is_builtin(name: str) -> bool:
    """Whether the engine, with what :func:`register_functions` adds to it, knows a worksheet function of this name."""
    wb = _probe()
    wb.sheet("S").set_formula(1, 1, f"={name}()")
    value = wb.evaluate_cell("S", 1, 1)
    return not (is_error(value) and value["kind"] == "Name")


@cache
def _probe() -> fz.Workbook:
    wb = fz.Workbook()
    register_functions(wb)
    return wb
