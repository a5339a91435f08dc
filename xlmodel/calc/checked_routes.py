"""Calls the engine answers as Excel does on most data, sent to Python only where their data says otherwise.

A Python version of a builtin costs each call its ranges handed over from Rust: 1,000
approximate MATCHes over 10,000 rows took 7 s in Python against 0.2 s in the engine,
2,000 SUMIFS 79 s against 0.8 s. So after the first evaluation, :func:`route_untrusted`
reads each range these calls use once from the engine (cached by range), decides per
call whether formualizer 0.13's answer is Excel's, and rewrites only the calls it is
not to the Python versions (:mod:`xlmodel.calc.lookups`, :mod:`xlmodel.calc.conditional`);
the book is then evaluated again. A call this module cannot judge (a computed range,
an argument whose value it cannot read) goes to Python: slow, never wrong.

The engine is trusted with:

- an approximate lookup (:func:`lookups.checkable`) of a number over numbers in
  ascending order, the lookup vector's own blanks allowed after them for MATCH,
  VLOOKUP and HLOOKUP (the engine's binary search then agrees with Excel's, measured);
- SUMIF(S), AVERAGEIF(S), COUNTIF(S) unless a sum or average range holds an error, a
  criterion is an array (a range of several cells, a spill or an array constant in an array
  formula: Excel answers each, formualizer 0.13 gives one value), is an error value or names
  one (``"#N/A"``), is ``"<="``, ``">"`` or ``">="``
  with nothing after it, is ``"<>"`` with a number that a criteria range holds as text,
  or COUNTIFS reads a whole column or row with criteria that all match a blank cell
  (see :mod:`xlmodel.calc.conditional` for what Excel does there).

Argument values that are neither literals nor references (``">="&B1``) are computed
once per distinct text in cells of a scratch sheet.
"""

from __future__ import annotations

import math
import re
from typing import Any

import formualizer as fz
import numpy as np

from xlmodel.calc import conditional, database, lookups
from xlmodel.calc import criteria as crit
from xlmodel.calc.engine_values import error_value, is_error
from xlmodel.calc.excel_gaps import engine_formula
from xlmodel.calc.formula_text import get_column_letter, range_boundaries
from xlmodel.calc.package import Scan, split_address

CALLS = re.compile(r"(?<![\w.])(?:_xlfn\.)?(?:SUMIFS?|AVERAGEIFS?|COUNTIFS?|X?LOOKUP|[VH]LOOKUP|MATCH)\s*\(",
                   re.IGNORECASE)
WORDS = ("SUMIF", "AVERAGEIF", "COUNTIF", "LOOKUP", "MATCH")
PROBE_SHEET = "XLMODEL_PROBE"
HOST_DEPENDENT = re.compile(r"(?<![\w.])(?:ROW|COLUMN)\s*\(\s*\)", re.IGNORECASE)  # differs in a scratch cell
UNKNOWN = object()
ARRAY_CRITERION = re.compile(r"ANCHORARRAY\s*\(|\w#|\{", re.IGNORECASE)  # a spill or an array constant as criterion


def route_untrusted(wb: fz.Workbook, book_scan: Scan) -> bool:
    """After an evaluation: the calls the engine got wrong (or may have) call the Python versions.

    Returns whether any formula changed (the workbook then needs evaluating again).
    """
    cells = _candidates(wb, book_scan)
    if not cells:
        return False
    book = Book(wb)
    done, pending = {}, []
    for key, text in cells.items():
        book.missing = False
        new = _rewritten(book, key[0], text)
        (pending.append(key) if book.missing else done.__setitem__(key, new))
    if pending:
        book.probe()
        done.update({key: _rewritten(book, key[0], cells[key]) for key in pending})
    changed = False
    for (sheet, address), new in done.items():
        if new != cells[(sheet, address)]:
            wb.set_formula(sheet, *split_address(address), new)
            changed = True
    return changed


def _candidates(wb: fz.Workbook, book_scan: Scan) -> dict[tuple[str, str], str]:
    """Formula cells calling any function checked here, with their text as the engine holds it."""
    out = {}
    if not _mentions("\n".join(t for t in book_scan.formulas.values() if t)):
        return out  # one look over all the text: a book without these functions costs next to nothing
    for (sheet, address), text in book_scan.formulas.items():
        saved = text or book_scan.shared.get((sheet, address), ("", ""))[1]
        if saved and _mentions(saved):
            current = engine_formula(wb, sheet, address)
            if CALLS.search(current):
                out[(sheet, address)] = current
    return out


def _mentions(text: str) -> bool:
    """Whether ``text`` calls a function checked here (plain substring tests first: the pattern is slow)."""
    upper = text.upper()
    return any(word in upper for word in WORDS) and bool(CALLS.search(text))


REWRITTEN = frozenset(lookups.PYTHON) | frozenset(conditional.NAMES)  # the calls _rewritten may replace


def _rewritten(book: Book, sheet: str, text: str) -> str:
    """The formula with its untrusted lookups and conditional aggregates calling Python: one tokenizing."""
    def rewrite(name: str, args: list[str]) -> str | None:
        routed = lookups.routed_call(name, args)
        if routed is not None:
            return None if lookup_trusted(book, sheet, name, args) else routed
        return _conditional_call(book, sheet, name, args)

    return lookups.rewrite_calls(text, rewrite, REWRITTEN)


# --- what the book holds ----------------------------------------------------------------------------


class Ref:
    """A plain reference argument: its sheet, corners (1-based) and whether it spans whole columns or rows."""

    def __init__(self, sheet: str, text: str):
        where, _, cells = text.rpartition("!")
        self.sheet = where.strip("'").replace("''", "'") if where else sheet
        self.cells = cells.replace("$", "")
        self.whole = bool(lookups.WHOLE_COLUMN.match(self.cells) or lookups.WHOLE_ROW.match(self.cells))
        rows, cols = lookups.reference_shape(self.cells)
        left, top, _, _ = range_boundaries(self.cells)
        self.top, self.left = top or 1, left or 1
        self.rows, self.cols = rows, cols

    @property
    def key(self) -> tuple:
        return (self.sheet, self.top, self.left, self.rows, self.cols)

    def part(self, rows: int, cols: int) -> Ref:
        """The area of ``rows`` x ``cols`` cells from this one's top-left cell."""
        out = Ref.__new__(Ref)
        out.__dict__.update(self.__dict__, rows=rows, cols=cols)
        out.whole = self.whole and (rows, cols) == (self.rows, self.cols)
        return out

    def text(self) -> str:
        a = f"{get_column_letter(self.left)}{self.top}"
        b = f"{get_column_letter(self.left + self.cols - 1)}{self.top + self.rows - 1}"
        return "'" + self.sheet.replace("'", "''") + "'!" + a + ("" if a == b else ":" + b)


class Book:
    """The evaluated engine's values, each range read once."""

    def __init__(self, wb: fz.Workbook):
        self.wb = wb
        self.grids: dict[tuple, list[list[Any]]] = {}
        self.features: dict[tuple, dict] = {}
        self.probes: dict[tuple[str, str], Any] = {}
        self.wanted: set[tuple[str, str]] = set()
        self.missing = False
        self.sheets = set(wb.sheet_names)
        self.names = _defined_areas(wb)

    def ref(self, sheet: str, arg: str) -> Ref | None:
        name = arg.strip().upper()
        arg = self.names.get((sheet, name)) or self.names.get((None, name)) or arg  # a defined name: its cells
        if not lookups.is_reference(arg):
            return None
        try:
            ref = Ref(sheet, arg)
        except ValueError:
            return None
        return ref if ref.sheet in self.sheets else None

    def grid(self, ref: Ref) -> list[list[Any]]:
        """The range's values; a whole column or row only as far as the engine holds data in it."""
        if ref.key not in self.grids:
            bottom, right = ref.top + ref.rows - 1, ref.left + ref.cols - 1
            if ref.whole:
                used = self.wb.range_page(f"'{ref.sheet}'!{ref.cells}", limit=1, include_values=False).resolved
                if used is None:
                    self.grids[ref.key] = []
                    return []
                _, _, right, bottom = range_boundaries(used.rpartition("!")[2].replace("$", ""))
            address = fz.RangeAddress(ref.sheet, ref.top, ref.left, bottom, right)
            self.grids[ref.key] = self.wb.sheet(ref.sheet).get_values(address)
        return self.grids[ref.key]

    def feature(self, ref: Ref, name: str) -> Any:
        cached = self.features.setdefault(ref.key, {})
        if name not in cached:
            cached[name] = FEATURES[name](self.grid(ref))
        return cached[name]

    def value(self, sheet: str, arg: str) -> Any:
        """An argument's value: a literal's, a reference's (a range as rows), or a computed one; UNKNOWN if not known."""
        literal = _literal(arg)
        if literal is not UNKNOWN:
            return literal
        ref = self.ref(sheet, arg)
        if ref is not None:
            if ref.whole:
                return UNKNOWN
            grid = self.grid(ref)
            return grid[0][0] if ref.rows == ref.cols == 1 else grid
        if (sheet, arg) in self.probes:
            return self.probes[(sheet, arg)]
        self.wanted.add((sheet, arg))
        self.missing = True
        return UNKNOWN

    def probe(self) -> None:
        """Compute the wanted argument texts in cells of a scratch sheet, their references kept on their own sheet."""
        keys = sorted(self.wanted)
        self.wb.add_sheet(PROBE_SHEET)
        scratch = self.wb.sheet(PROBE_SHEET)
        placed = []
        for i, (sheet, arg) in enumerate(keys, start=1):
            self.probes[(sheet, arg)] = UNKNOWN
            if HOST_DEPENDENT.search(arg):
                continue
            try:
                scratch.set_formula(i, 1, database.qualified("=" + arg, sheet))
            except (RuntimeError, ValueError, fz.ParserError):  # a text the engine refuses alone: to Python
                continue
            placed.append(((sheet, arg), i))
        if placed:
            values = self.wb.evaluate_cells([(PROBE_SHEET, i, 1) for _, i in placed])
            for (key, _), value in zip(placed, values):
                if not isinstance(value, list):
                    self.probes[key] = value
        for _, i in placed:
            scratch.set_value(i, 1, None)


def _defined_areas(wb: fz.Workbook) -> dict[tuple[str | None, str], str]:
    """(scope sheet or None for the workbook, NAME) -> the cells a defined name points at, as A1 text.

    Models name their data columns (``company_value``); a name the check could not read
    would send every call using it to Python.
    """
    out = {}
    for entry in wb.get_named_ranges():
        if entry.get("kind") not in ("cell", "range") or entry.get("start_sheet") != entry.get("end_sheet"):
            continue
        a = f"{get_column_letter(entry['start_col'])}{entry['start_row']}"
        b = f"{get_column_letter(entry.get('end_col') or entry['start_col'])}{entry.get('end_row') or entry['start_row']}"
        area = "'" + entry["sheet"].replace("'", "''") + "'!" + (a if a == b else f"{a}:{b}")
        out[(entry.get("scope_sheet") if entry.get("scope") != "workbook" else None, entry["name"].upper())] = area
    return out


def _literal(arg: str) -> Any:
    text = arg.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1].replace('""', '"')
    if text.upper() in ("TRUE", "FALSE"):
        return text.upper() == "TRUE"
    if text.upper() in crit.ERROR_KINDS:
        return error_value(crit.ERROR_KINDS[text.upper()])
    try:
        number = float(text)
    except ValueError:
        return UNKNOWN
    return number if math.isfinite(number) else UNKNOWN


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _flat(grid: list[list[Any]]) -> list[Any]:
    return [v for row in grid for v in row]


def _has_error(grid: list[list[Any]]) -> bool:
    return any(is_error(v) for v in _flat(grid))


def _numeric_texts(grid: list[list[Any]]) -> set[float]:
    """The numbers that text cells spell (``"23"``, ``" 23"``, ``"23.0"``): the engine's ``"<>23"`` skips them."""
    out = set()
    for v in _flat(grid):
        if isinstance(v, str):
            try:
                out.add(float(v))
            except ValueError:
                pass
    return out


def _ascending(grid: list[list[Any]], blanks_after: bool) -> bool:
    """A single row or column of numbers in ascending order (blank cells after them if allowed)."""
    if grid and len(grid) > 1 and len(grid[0]) > 1:
        return False
    values = _flat(grid)
    n = next((i for i, v in enumerate(values) if not _is_number(v)), len(values))
    if n == 0 or any(v is not None for v in values[n:]) or (n < len(values) and not blanks_after):
        return False
    return bool(np.all(np.diff(np.asarray(values[:n], dtype=float)) >= 0))


FEATURES = {"error": _has_error, "numeric_texts": _numeric_texts,
            "ascending": lambda g: _ascending(g, False), "ascending_then_blank": lambda g: _ascending(g, True)}


# --- approximate lookups --------------------------------------------------------------------------


def lookup_trusted(book: Book, sheet: str, name: str, args: list[str]) -> bool:
    """Whether the engine's answer to this lookup is Excel's: a number looked up over ascending numbers."""
    if not lookups.checkable(name, args) or not _is_number(book.value(sheet, args[0])):
        return False
    keys = book.ref(sheet, args[1])
    if keys is None:
        return False
    if name in ("VLOOKUP", "HLOOKUP"):
        index = lookups.literal_number(args[2])
        width = keys.cols if name == "VLOOKUP" else keys.rows
        if index != int(index) or not 1 <= index <= width:
            return False
        keys = keys.part(keys.rows, 1) if name == "VLOOKUP" else keys.part(1, keys.cols)
    if name in ("MATCH", "VLOOKUP", "HLOOKUP"):
        return (keys.rows == 1 or keys.cols == 1) and book.feature(keys, "ascending_then_blank")
    answers = book.ref(sheet, args[2]) if len(args) > 2 else keys
    return (not keys.whole and answers is not None and (answers.rows, answers.cols) == (keys.rows, keys.cols)
            and (keys.rows == 1 or keys.cols == 1) and book.feature(keys, "ascending"))


# --- SUMIF, SUMIFS, AVERAGEIF(S), COUNTIF(S) --------------------------------------------------------------


def _parts(name: str, args: list[str]) -> tuple[str | None, list[tuple[str, str]]] | None:
    """(sum or average range, [(criteria range, criterion), ...]) of a call; None for a malformed one."""
    n = len(args)
    if name in ("SUMIFS", "AVERAGEIFS") and n >= 3 and n % 2:
        return args[0], list(zip(args[1::2], args[2::2]))
    if name == "COUNTIFS" and n >= 2 and n % 2 == 0:
        return None, list(zip(args[0::2], args[1::2]))
    if name in ("SUMIF", "AVERAGEIF") and n in (2, 3):
        return args[-1] if n == 3 else args[0], [(args[0], args[1])]
    if name == "COUNTIF" and n == 2:
        return None, [(args[0], args[1])]
    return None


def _conditional_call(book: Book, sheet: str, name: str, args: list[str]) -> str | None:
    """The Python call for an untrusted SUMIFS (and kin); None to leave it on the engine."""
    if name not in conditional.NAMES:
        return None
    parts = _parts(name, args)
    if parts is None or conditional_trusted(book, sheet, name, *parts):
        return None
    own = list(args)
    if name in ("SUMIF", "AVERAGEIF"):
        own[2:] = [_resized(book, sheet, a, args[0]) for a in args[2:]]
        ranges = [own[0], *own[2:]]
    else:
        ranges = own[0::2] if name in ("COUNTIF", "COUNTIFS") else [own[0], *own[1::2]]
    shapes = [n for arg in ranges for n in lookups.reference_shape(arg)]
    return f"{conditional.PYTHON[name]}({','.join(own + [str(n) for n in shapes])})"


def _resized(book: Book, sheet: str, total: str, area: str) -> str:
    """SUMIF's sum range as Excel reads it: the criteria range's shape from its own top-left cell."""
    ref, shape = book.ref(sheet, total), lookups.reference_shape(area)
    if ref is None or shape == (0, 0) or (ref.rows, ref.cols) == shape:
        return total
    return ref.part(*shape).text()


def conditional_trusted(book: Book, sheet: str, name: str, total: str | None, pairs: list[tuple[str, str]]) -> bool:
    """Whether the engine's answer to this SUMIFS (or kin) is Excel's, from its ranges' values and criteria."""
    blank_everywhere, whole = True, False
    for area, criterion in pairs:
        if ARRAY_CRITERION.search(criterion):
            return False  # the engine answers an array of criteria with one value (Python answers each)
        value = book.value(sheet, criterion)
        if value is UNKNOWN or (isinstance(value, list) and len(_flat(value)) > 1):
            return False
        ref = book.ref(sheet, area)
        whole = whole or (ref is not None and ref.whole)
        for v in (_flat(value) if isinstance(value, list) else [value]):
            try:
                condition = conditional.Condition(v)
            except crit.UnreadableCriterion:  # a date without its year: the engine's reading stands
                blank_everywhere = False
                continue
            if not _engine_reads(v, condition) or (_unequal_number(condition) and (
                    ref is None or condition.criterion.operand in book.feature(ref, "numeric_texts"))):
                return False
            blank_everywhere = blank_everywhere and condition.matches(None)
    if name == "COUNTIFS" and whole and blank_everywhere:
        return False
    if name in ("SUMIF", "SUMIFS", "AVERAGEIF", "AVERAGEIFS"):
        ref = book.ref(sheet, _resized(book, sheet, total, pairs[0][0]) if name.endswith("IF") else total)
        if ref is None or book.feature(ref, "error"):
            return False
    return True


def _engine_reads(value: Any, condition: conditional.Condition) -> bool:
    """Whether formualizer 0.13 reads this criterion as Excel does, whatever the data."""
    if is_error(value):
        return False  # the engine answers the error itself
    parsed = condition.criterion
    if isinstance(parsed.operand, crit.Err):
        return False  # "#N/A" as text: Excel matches the error, the engine the text
    return not (parsed.op in ("<=", ">", ">=") and parsed.operand is crit.BLANK)


def _unequal_number(condition: conditional.Condition) -> bool:
    parsed = condition.criterion
    return parsed.op == "<>" and _is_number(parsed.operand)
