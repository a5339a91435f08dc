"""Recalculate a workbook without Excel: the formualizer engine plus xlmodel's registry.

formualizer (a spreadsheet engine in Rust) loads the package, orders and evaluates
every formula; xlmodel's functions are registered with it, so a cell computes exactly
what :func:`xlmodel.excel.call` returns. What Excel does and the engine does not is
done in :mod:`xlmodel.calc.excel_gaps`. One cell never aborts the workbook: a cell
that cannot compute holds an error value, and the listing says which and why.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any

import formualizer as fz
import numpy as np

from xlmodel.calc import address_reads, checked_routes, database, defined_names, excel_errors, lambdas, lifting
from xlmodel.calc import lookups, row_column_arrays, settle, subtotals, text_edges, xlsxpatch
from xlmodel.calc import argument_rewrites as rewrites
from xlmodel.calc import implicit_intersection as implicit
from xlmodel.calc import excel_gaps as gaps
from xlmodel.calc.engine_values import ErrorValue
from xlmodel.calc.formula_text import Token, Tokenizer, TokenizerError, Translator, get_column_letter, range_boundaries
from xlmodel.calc.package import Scan, WorkbookFileError, check_workbook, positions, scan, split_address
from xlmodel.excel import CellError, functions

log = logging.getLogger(__name__)
CELL_ERROR_TEXT = re.compile(r"^(#[A-Z/0!?_]+[!?A]?) (.+)$", re.DOTALL)  # an explained xlmodel error


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
    notes: list[str] = field(default_factory=list)  # what was loaded partly (a table the engine refused)

    def value(self, sheet: str, address: str) -> Any:
        return self.values[(sheet, address)]

    def by_sheet(self) -> dict[str, dict[str, Any]]:
        """Computed values as sheet -> address -> value, the shape ``xlsxpatch.store_values`` takes."""
        out: dict[str, dict[str, Any]] = {}
        keys, values, start = list(self.values), list(self.values.values()), 0
        for sheet, run in groupby(keys, itemgetter(0)):  # the cells of one sheet come together: a few runs
            end = start + sum(1 for _ in run)
            out.setdefault(sheet, {}).update(zip(map(itemgetter(1), keys[start:end]), values[start:end]))
            start = end
        return out

    @property
    def ok(self) -> bool:
        return not self.issues


def calculate(path: Path | str, checked: bool = False) -> Calculation:
    """Recalculate every formula of the workbook at ``path`` (the file is not changed).

    Raises :class:`xlmodel.calc.package.WorkbookFileError` for a file that is not
    a readable workbook; everything that goes wrong inside the workbook is in the
    result's ``issues``. ``checked``: the caller has just run ``check_workbook`` on it.
    """
    path = Path(path) if checked else check_workbook(path)
    with np.errstate(all="ignore"):  # xlmodel's functions say what a 0/0 means; numpy need not warn
        return _calculate(path)


def _calculate(path: Path) -> Calculation:
    book_scan = scan(path)
    wb = _load(path, book_scan)
    wb.set_temporal_egress("serial")
    calc = Calculation(path=path)
    calc.notes = _prepare(wb, book_scan)
    unsettled = _evaluate(wb, path, book_scan)
    if checked_routes.route_untrusted(wb, book_scan):
        unsettled = _evaluate(wb, path, book_scan)
    if _unlink_address_reads(wb, book_scan):
        unsettled = _evaluate(wb, path, book_scan)
    if _intersect_legacy(wb, book_scan):
        unsettled = _evaluate(wb, path, book_scan)
    for table in book_scan.data_tables:
        for address in gaps.compute_data_table(wb, table):
            book_scan.formulas.setdefault((table.sheet, address), f"=TABLE({table.row_input},{table.col_input})")
        unsettled = _evaluate(wb, path, book_scan)
    _collect(wb, book_scan, calc)
    held = excel_errors.hold(wb, book_scan, calc.values, path)  # cycles and results no cell can hold
    if held.changed:
        unsettled = _evaluate(wb, path, book_scan)
        calc = Calculation(path=path, notes=calc.notes)
        _collect(wb, book_scan, calc)
    for key in sorted(unsettled & calc.values.keys()):
        calc.values[key] = ErrorValue("#N/IMPL!")
        calc.issues.append(CellIssue(key[0], key[1], calc.formulas[key], settle.REASON))
    _list(calc, excel_errors.settle(wb, book_scan, calc, held))
    return calc


def _list(calc: Calculation, messages: dict[tuple[str, str], str]) -> None:
    """The listing's message for each cell of ``messages``; a cell with no issue yet is added, in sheet order."""
    if not messages:
        return
    issues = {(i.sheet, i.address): i for i in calc.issues}
    for key, message in messages.items():
        if key in issues:
            issues[key].message = message
        else:
            issues[key] = CellIssue(key[0], key[1], calc.formulas.get(key, ""), message)
    order = {key: n for n, key in enumerate(calc.values)}
    calc.issues = sorted(issues.values(), key=lambda i: order.get((i.sheet, i.address), len(order)))


@contextmanager
def _engine_step(path: Path, what: str):
    """The engine refusing the whole file, as one line (cells keep their own errors)."""
    try:
        yield
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # a Rust panic arrives as pyo3's PanicException, a BaseException
        raise WorkbookFileError(f"{path}: {what} ({_first_line(exc)})") from None


def _evaluate(wb: fz.Workbook, path: Path, book_scan: Scan | None = None) -> set[tuple[str, str]]:
    """Evaluate every formula; returns the cells the engine could not order (none, mostly: settle.py)."""
    with _engine_step(path, "the formula engine stopped"):
        return settle.evaluate(wb, book_scan.formulas if book_scan else ())


def _load(path: Path, book_scan: Scan) -> fz.Workbook:
    """The workbook in the engine, array ranges emptied of what Excel saved in them (they would block)."""
    config = gaps.engine_config(book_scan)
    ranges: dict[str, list[str]] = {}
    for arr in book_scan.arrays:
        ranges.setdefault(arr.sheet, []).append(arr.ref)
    with _engine_step(path, "is damaged, or the formula engine cannot load it"):  # the scan reads only <f>
        data = xlsxpatch.without_array_values(path, ranges) if ranges else None
        try:
            return fz.Workbook.load_path(str(path), config=config) if data is None else \
                fz.Workbook.from_bytes(data, config=config)
        except BaseException as exc:  # noqa: BLE001 - a Rust panic is a BaseException; only a name's is retried
            if not defined_names.refused(exc):
                raise
        return fz.Workbook.from_bytes(defined_names.plain_names_only(data or path.read_bytes()), config=config)


def _first_line(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:200]


def _prepare(wb: fz.Workbook, book_scan: Scan) -> list[str]:
    gaps.register_functions(wb)
    notes = gaps.add_tables(wb, book_scan.tables)
    gaps.restore_literal_errors(wb, book_scan.literal_errors, book_scan.arrays)
    for sheet, address in book_scan.empty_formulas:  # the engine stages them as formulas it cannot parse
        wb.set_value(sheet, *split_address(address), None)
    names = gaps.xlmodel_names()
    defined = defined_names.Names.of(book_scan.names, wb)
    if defined:
        defined.register(wb)
    visibility = subtotals.Visibility(book_scan) if subtotals.mentions("\n".join(book_scan.formulas.values())) else None
    if visibility:
        visibility.register(wb)
    given: dict[tuple[str, str], str] = {}  # formulas handed to the engine changed
    may_edit = _edit_test(book_scan, defined, visibility is not None)
    anchors = {(a.sheet, a.anchor) for a in book_scan.arrays}
    for (sheet, address), text in book_scan.formulas.items() if may_edit else ():
        if not may_edit(text or book_scan.shared.get((sheet, address), ("", ""))[1]):
            continue  # nothing to edit (a cell sharing a master's formula: judged by the master's text)
        text = text or _scanned_formula(book_scan, sheet, address)
        try:
            edited = _edited(text, sheet, address, book_scan, names, legacy=(sheet, address) not in anchors,
                             defined=defined, visibility=visibility)
        except TokenizerError:
            continue  # a formula no tokenizer reads (a damaged file): the engine keeps what it loaded, an error
        if edited != text:
            given[(sheet, address)] = edited
    if given or any(not a.dynamic for a in book_scan.arrays):
        gaps.build_graph(wb, book_scan)  # only a book with edits pays for it
    for (sheet, address), edited in given.items():
        try:
            wb.set_formula(sheet, *split_address(address), edited)
        except RuntimeError:  # "@OFFSET(H19,...)" in H19: the engine calls the intersected own cell a self-reference
            text = _scanned_formula(book_scan, sheet, address)
            plain = _edited(text, sheet, address, book_scan, names, defined=defined, visibility=visibility)
            if plain != text:
                try:
                    wb.set_formula(sheet, *split_address(address), plain)
                except RuntimeError:
                    pass  # the edit cannot be parsed either (a damaged file): the engine keeps what it loaded
    gaps.prepare_arrays(wb, book_scan.arrays, lambda s, a: given.get((s, a)) or book_scan.formulas[(s, a)])
    return notes


# Words in every formula _edited may change (a superset: its own checks are exact, and slower).
EDIT_WORDS = ("LOOKUP", "MATCH", "DSUM", "DAVERAGE", "DMIN", "DMAX", "DCOUNT", "DGET", "DPRODUCT", "DSTDEV", "DVAR")


def _edit_test(book_scan: Scan, defined: defined_names.Names | None = None,
               totals: bool = False) -> Callable[[str], bool] | None:
    """Whether :func:`_edited` may change a formula: one quick look that lets most formulas pass untouched.

    Which words and patterns to look for is decided once over the whole book's text;
    None when no formula of the book can need an edit.
    """
    book = "\n".join(book_scan.formulas.values())  # a shared formula's text is its master cell's
    upper = book.upper()
    words = [w for w in EDIT_WORDS if w in upper]
    empty = gaps.EMPTY_ARGUMENT.search(book) is not None  # "\n=" between two formulas never matches it
    tables = bool(book_scan.tables)
    legacy = implicit.may_intersect(book)
    prefixed = gaps.PREFIXED.search(book) is not None
    names = bool(defined) and defined.may_edit(book)
    helpers = (lambdas.mentions, lifting.may_lift, text_edges.mentions, row_column_arrays.mentions)  # each quick
    if not (words or empty or legacy or prefixed or names or totals or "#" in book or (tables and "[" in book)) and \
            not (lambdas.mentions(book) or lifting.mentions(book) or text_edges.mentions(book)
                 or row_column_arrays.mentions(book)):
        return None

    def may_edit(text: str) -> bool:  # "#": a literal error; "[": a structured reference
        if "#" in text or (tables and "[" in text) or (empty and gaps.EMPTY_ARGUMENT.search(text)):
            return True
        if (names and defined.may_edit(text)) or any(test(text) for test in helpers):
            return True
        if totals and subtotals.mentions(text):
            return True
        if (legacy and implicit.may_intersect(text)) or (prefixed and gaps.PREFIXED.search(text)):
            return True
        if words:
            text = text.upper()
            return any(word in text for word in words)
        return False

    return may_edit


def _edited(text: str, sheet: str, address: str, book_scan: Scan, names: frozenset[str], legacy: bool = False,
            defined: defined_names.Names | None = None, visibility: subtotals.Visibility | None = None) -> str:
    """The formula as handed to the engine: what Excel means where the engine reads it otherwise.

    ``legacy``: the formula was saved as a plain one (no array formula), so Excel intersects its ranges.
    ``defined``: the workbook's defined names, for those the engine misreads; ``visibility``: its hidden rows.
    """
    edited = text
    if defined and defined.may_edit(edited):
        edited = defined.edit(edited, sheet, address)
    if book_scan.tables and "[" in text:
        edited = gaps.structured_references(edited, split_address(address)[0], book_scan.tables)
    if visibility is not None and subtotals.mentions(edited):
        edited = visibility.rewrite(edited, sheet)
    if text_edges.mentions(edited):
        edited = text_edges.rewrite(edited)
    if "_" in edited:
        edited = gaps.unprefixed(edited)
    if gaps.needs_filling(edited):
        edited = gaps.fill_omitted_arguments(edited, names)
    if rewrites.needs_rewriting(edited):
        edited = rewrites.rewrite_arguments(edited)
    if database.calls_database_function(edited):
        edited = database.with_computed_criteria(edited, sheet, lambda s, a: _scanned_formula(book_scan, s, a))
    if lookups.mentions_lookup(edited):
        edited = lookups.route(edited)
    if legacy and implicit.may_intersect(edited):
        edited = implicit.resolved(implicit.intersect(edited), *split_address(address))
    if lambdas.mentions(edited):
        edited = lambdas.rewrite(edited, sheet, defined)
    if lifting.may_lift(edited):
        edited = lifting.lift(edited, (lambda text: defined.is_area(text, sheet)) if defined else None)
    if row_column_arrays.mentions(edited):  # after lifting, which reads ROW(A1:A4) as an array it is given
        area_of = (lambda text: defined.area(text, sheet)) if defined else None
        edited = row_column_arrays.rewrite(edited, legacy, area_of)
    return edited


def _scanned_formula(book_scan: Scan, sheet: str, address: str) -> str | None:
    """A cell's formula as saved (a cell sharing its master's formula: the master's, moved), None for none."""
    text = book_scan.formulas.get((sheet, address))
    if text or (sheet, address) not in book_scan.shared:
        return text or None
    origin, master = book_scan.shared[(sheet, address)]
    return Translator(master, origin=origin).translate_formula(address)


def _formula_text(wb: fz.Workbook, book_scan: Scan, sheet: str, address: str) -> str:
    text = book_scan.formulas.get((sheet, address))
    if not text:  # a cell sharing a master's formula, as the evaluated engine holds it (fast once evaluated)
        text = gaps.engine_formula(wb, sheet, address)
        book_scan.formulas[(sheet, address)] = text
    return text


def _unlink_address_reads(wb: fz.Workbook, book_scan: Scan) -> bool:
    """Cells the engine stamped ``#CIRC!``: their address-only reference arguments through INDIRECT.

    Returns whether any formula changed (the workbook then needs evaluating again).
    """
    if not wb.last_cycle_telemetry().circ_cells_stamped:
        return False
    values = read_cells(wb, book_scan.formulas)
    changed = False
    for (sheet, address), value in values.items():
        if not (gaps.is_error(value) and value["kind"] == "Circ"):
            continue
        current = gaps.engine_formula(wb, sheet, address)
        if address_reads.has_address_argument(current):
            unlinked = address_reads.unlink(current, sheet)
            if unlinked != current:
                try:
                    wb.set_formula(sheet, *split_address(address), unlinked)
                except RuntimeError:  # the formula reads its own value too: a true cycle, left as it is
                    continue
                changed = True
    return changed


def _intersect_legacy(wb: fz.Workbook, book_scan: Scan) -> bool:
    """Formulas saved without the dynamic-array flag that spilled: make them evaluate as Excel did.

    Returns whether any formula changed (the workbook then needs evaluating again).
    """
    in_arrays = {(a.sheet, a.anchor) for a in book_scan.arrays}
    texts = book_scan.formulas
    if book_scan.shared:  # a cell sharing a master's formula is judged by the master's text: they differ in references
        texts = {key: text or book_scan.shared.get(key, ("", ""))[1] or _formula_text(wb, book_scan, *key)
                 for key, text in texts.items()}
    mentions = _array_mentions(wb, "\n".join(book_scan.formulas.values()))  # masters once, not once a cell
    # most formulas hold no range, array, table, name or array maker: one quick look lets them pass
    quick = [key for key, text in texts.items()
             if ":" in text or "{" in text or "[" in text or (mentions and mentions.search(text))]
    changed = False
    for sheet, address in quick:
        if (sheet, address) in in_arrays or not _may_spill(texts[(sheet, address)], mentions) or \
                not gaps.spilled_or_blocked(wb, sheet, address):
            continue
        row, col = split_address(address)
        current = gaps.engine_formula(wb, sheet, address)  # with _prepare's edits
        wb.set_formula(sheet, row, col, gaps.intersect_legacy(current))
        changed = True
    return changed


# Functions that make an array out of single values (or a reference out of text): a formula calling
# one may spill with no range in it. Every other function given single values gives a single value.
ARRAY_MAKERS = frozenset({"SEQUENCE", "RANDARRAY", "MUNIT", "MAKEARRAY", "HSTACK", "VSTACK", "EXPAND", "TEXTSPLIT",
                          "REGEXEXTRACT", "STOCKHISTORY", "INDIRECT", "OFFSET", "LET", "LAMBDA", "MAP", "SCAN", "BYROW",
                          "BYCOL", "REDUCE"})
# A call that makes one value of whatever it is given, with no parenthesis inside: SUM(A2:D2), MAX(B:B,0)
ONE_VALUE_CALL = re.compile(r"(?<![\w.])(?:SUM|SUMPRODUCT|AVERAGE|MIN|MAX|COUNT|COUNTA|COUNTBLANK|PRODUCT|MEDIAN|AND|OR|"
                            r"NPV|IRR|STDEV|VAR|ROWS|COLUMNS)\s*\([^()]*\)", re.IGNORECASE)


def _array_mentions(wb: fz.Workbook, every_formula: str) -> re.Pattern | None:
    """The array makers and defined names that ``every_formula`` (the book's formulas, joined) mentions, as a pattern."""
    book = every_formula.upper()
    makers = [m for m in ARRAY_MAKERS | {fn.name for fn in functions() if not fn.elementwise} if m in book]
    names = [n for n in {e["name"].upper() for e in wb.get_named_ranges()} if n in book]
    words = "|".join(re.escape(w) for w in sorted(makers + names, key=len, reverse=True))
    return re.compile(rf"(?<![\w.])(?:{words})(?![\w.])", re.IGNORECASE) if words else None


def _may_spill(text: str, mentions: re.Pattern | None) -> bool:
    """Whether a formula's result can be an array: it holds a range, an array, a name or an array maker.

    Only such formulas are asked the engine's (slower) spill role.
    """
    while ":" in text and '"' not in text:  # SUM(A2:D2) is one value, whatever its range
        text, reduced = ONE_VALUE_CALL.subn("0", text)
        if not reduced:
            break
    return ":" in text or "{" in text or "[" in text or bool(mentions and mentions.search(text))


def _collect(wb: fz.Workbook, book_scan: Scan, calc: Calculation) -> None:
    anchors = _array_cells(wb, book_scan, calc)  # each cell an array formula fills -> its anchor's address
    saved = book_scan.formulas
    values = read_cells(wb, [*saved, *(key for key in anchors if key not in saved)])
    failed = {key: anchors.get(key, key[1]) for key, v in values.items() if type(v) is dict}
    _explain_errors(wb, book_scan, failed, values)
    if all(saved.values()):  # no cell shares a master's formula: every text is in the scan
        calc.formulas = dict(saved)
    else:
        calc.formulas = {key: text or _formula_text(wb, book_scan, *key) for key, text in saved.items()}
    for (sheet, address), anchor in anchors.items():
        calc.formulas[(sheet, address)] = _formula_text(wb, book_scan, sheet, anchor)
    calc.values = values
    for key in failed:  # the errors, some of them explained
        value = values[key] = _plain(values[key])
        message = _error_message(value, calc.formulas[key])
        if message:
            calc.issues.append(CellIssue(key[0], key[1], calc.formulas[key], message))
    calc.names = _named_values(wb, calc)


def _array_cells(wb: fz.Workbook, book_scan: Scan, calc: Calculation) -> dict[tuple[str, str], str]:
    """Every cell of each array formula's result -> the anchor's address (spills recorded in ``calc``)."""
    anchors: dict[tuple[str, str], str] = {}
    for arr in book_scan.arrays:
        ref = arr.ref
        if arr.dynamic:
            extent = gaps.spill_extent(wb, arr.sheet, arr.anchor)
            if extent and extent != ref:
                calc.spills[(arr.sheet, arr.anchor)] = extent
            ref = extent or ref
        for address in _addresses(ref):
            anchors[(arr.sheet, address)] = arr.anchor
    return anchors


def _explain_errors(wb: fz.Workbook, book_scan: Scan, cells: dict[tuple[str, str], str], values: dict) -> None:
    """Replace the error values of cells that call xlmodel functions with their reasons (in ``values``).

    ``cells`` maps each cell in error to its formula's cell. Each such formula is evaluated
    once more with the functions in explaining mode, its cells read, and evaluated again
    as it was, so the next formula explained still sees its inputs as errors.
    """
    failed: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for (sheet, address), anchor in cells.items():
        value = values[(sheet, address)]
        if gaps.is_error(value) and gaps.calls_xlmodel(_formula_text(wb, book_scan, sheet, anchor)):
            failed.setdefault((sheet, anchor), []).append((sheet, address))
    for (sheet, anchor), keys in failed.items():
        row, col = split_address(anchor)
        formula = gaps.engine_formula(wb, sheet, anchor)
        try:
            with gaps.explaining():
                wb.set_formula(sheet, row, col, formula)
                wb.evaluate_cell(sheet, row, col)
                reasons = read_cells(wb, keys)
        except RuntimeError:  # a formula the engine loaded but cannot parse again: its error stays, unexplained
            continue
        wb.set_formula(sheet, row, col, formula)
        wb.evaluate_cell(sheet, row, col)
        for key in keys:
            match = CELL_ERROR_TEXT.match(reasons[key]) if isinstance(reasons[key], str) else None
            if match and match.group(1) in gaps.KIND_OF_CODE:
                values[key] = CellError(match.group(2), code=match.group(1))


def read_cells(wb: fz.Workbook, keys) -> dict[tuple[str, str], Any]:
    """The engine's values of many cells, read one block per sheet.

    ``Sheet.get_values`` reads the evaluated grid; ``Workbook.get_value`` answers from a
    cache that does not see values spilled into cells this module emptied.
    """
    by_sheet: dict[str, list[tuple[str, str]]] = {}
    for sheet, run in groupby(keys, itemgetter(0)):  # the keys of one sheet come together: a few runs
        by_sheet.setdefault(sheet, []).extend(run)
    out = {}
    for sheet, cells in by_sheet.items():
        rows, cols = positions(list(map(itemgetter(1), cells)))
        top, left = min(rows), min(cols)
        grid = wb.sheet(sheet).get_values(fz.RangeAddress(sheet, top, left, max(rows), max(cols)))
        out.update(zip(cells, [grid[r - top][c - left] for r, c in zip(rows, cols)]))
    return out


def _addresses(ref: str) -> list[str]:
    min_col, min_row, max_col, max_row = range_boundaries(ref)
    return [f"{get_column_letter(c)}{r}" for r in range(min_row, max_row + 1) for c in range(min_col, max_col + 1)]


def _plain(value: Any) -> Any:
    """An engine value as the calculated copy stores it."""
    if gaps.is_error(value):
        return ErrorValue(gaps.ERROR_KINDS.get(value["kind"], "#VALUE!"))
    return value


def _error_message(value: Any, formula: str) -> str | None:
    if isinstance(value, CellError):
        return str(value)
    if isinstance(value, ErrorValue):
        if value.code == "#NAME?":
            unknown = sorted(unknown_functions(formula))
            return f"#NAME? unknown function {', '.join(unknown)}" if unknown else "#NAME? unknown name"
        if value.code == "#CIRC!":
            return "#CIRC! circular reference (turn on iterative calculation in Excel's options to allow it)"
        if value.code == "#SPILL!":
            return "#SPILL! the result's range is not empty"
        return f"{value.code} (from this formula or a cell it reads)"
    return None


def unknown_functions(formula: str) -> set[str]:
    """Function names in ``formula`` that neither xlmodel nor the engine knows."""
    known = {f.name for f in functions()}
    return {name for name, _ in formula_calls(formula) if name not in known and not gaps.is_builtin(name)}


def formula_calls(formula: str) -> list[tuple[str, int]]:
    """Each function call in ``formula`` as (NAME, number of arguments)."""
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


def _named_values(wb: fz.Workbook, calc: Calculation) -> dict[str, Any]:
    """Defined names that point at one cell, with that cell's value (computed or typed)."""
    out = {}
    located = {}  # name -> its formula cell
    for entry in wb.get_named_ranges():
        if entry.get("kind") != "cell" or entry.get("scope") != "workbook":
            continue
        sheet, row, col = entry["sheet"], entry["start_row"], entry["start_col"]
        key = (sheet, f"{get_column_letter(col)}{row}")
        if key in calc.values:
            out[entry["name"]] = calc.values[key]
            located[entry["name"]] = key
        else:
            out[entry["name"]] = _plain(read_cells(wb, [key])[key])
    wanted = set(located.values())
    order = {key: i for i, key in enumerate(calc.values) if key in wanted} if wanted else {}
    calc.computed_names = sorted(located, key=lambda name: (order[located[name]], name))
    return out


def write_calculated(calc: Calculation, out: Path, source: Path | None = None, bake: bool = False) -> Path:
    """Write a copy of the workbook with every computed value stored in its cells (atomically)."""
    xlsxpatch.store_values(Path(source or calc.path), Path(out), calc.by_sheet(), bake=bake, widen=calc.spills)
    return Path(out)
