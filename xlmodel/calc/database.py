"""Excel's database functions (DSUM, DAVERAGE, DMIN, ...): a field of the records that match a criteria range.

The criteria range's first row holds headers, the rows below conditions: conditions
in one row must all hold (AND), one row holding is enough (OR). A header names a
database field as text compared case-insensitively (a header TRUE or 1 matches a
field headed TRUE or 1); two criteria columns may name the same field (a range).
A blank criteria cell is no condition, so an all-blank row matches every record.
A condition under a header that is no field is a computed criterion: a formula
written for the first record, evaluated for each record with its relative
references moved down to it; the record matches where it gives TRUE.

Upstream: formualizer 0.13 ignores a blank criteria row, TRUE or number headers and
computed criteria (``=DSUM(A1:B3,"Amount",D1:D3)`` with D2 ``East`` and D3 blank gives
the East rows' sum; Excel sums every row), so xlmodel does all twelve functions. It also
passes an empty argument as 0, so ``DCOUNT(db,,criteria)`` (which counts the matching
records) is given a marker for its field before evaluation.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

import formualizer as fz

from xlmodel.calc import criteria as crit
from xlmodel.calc.engine_values import error_value, is_error
from xlmodel.calc.formula_text import Token, Tokenizer, Translator, get_column_letter, range_boundaries

UNRESOLVED = "XLMODEL_UNRESOLVED"  # the criteria's formulas could not be moved per record (a name, INDIRECT)
FIELD_LEFT_OUT = "XLMODEL_FIELD_LEFT_OUT"  # DCOUNT(db,,criteria): the engine would pass the empty field as 0
COUNT_RECORDS = ("DCOUNT", "DCOUNTA")  # left without a field, they count the matching records
MAX_MOVED_CHARS = 2_000_000  # a computed criterion moved to every record, as formula text


# --- the aggregates ---------------------------------------------------------------------------------


def _numbers(values: list) -> list[float] | dict:
    """The numbers among a field's matched values; an error among them is the answer (as SUM gives it)."""
    out = []
    for v in values:
        if is_error(v):
            return v
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            out.append(float(v))
    return out


def _variance(xs: list[float], sample: bool) -> float | dict:
    n = len(xs)
    if n < (2 if sample else 1):
        return error_value("Div")
    mean = sum(xs) / n
    return sum((x - mean) ** 2 for x in xs) / (n - 1 if sample else n)


def _sqrt(v):
    return v if isinstance(v, dict) else math.sqrt(v)


NUMERIC: dict[str, Callable[[list[float]], Any]] = {
    "DSUM": sum,
    "DAVERAGE": lambda xs: sum(xs) / len(xs) if xs else error_value("Div"),
    "DMIN": lambda xs: min(xs) if xs else 0.0,
    "DMAX": lambda xs: max(xs) if xs else 0.0,
    "DPRODUCT": lambda xs: math.prod(xs) if xs else 0.0,
    "DVAR": lambda xs: _variance(xs, True),
    "DVARP": lambda xs: _variance(xs, False),
    "DSTDEV": lambda xs: _sqrt(_variance(xs, True)),
    "DSTDEVP": lambda xs: _sqrt(_variance(xs, False)),
}


def _aggregate(name: str, values: list) -> Any:
    if name == "DCOUNT":
        return float(sum(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values))
    if name == "DCOUNTA":
        return float(sum(v is not None for v in values))
    if name == "DGET":
        if not values:
            return error_value("Value")
        return error_value("Num") if len(values) > 1 else (0.0 if values[0] is None else values[0])
    numbers = _numbers(values)
    return numbers if isinstance(numbers, dict) else NUMERIC[name](numbers)


NAMES = ("DAVERAGE", "DCOUNT", "DCOUNTA", "DGET", "DMAX", "DMIN", "DPRODUCT", "DSTDEV", "DSTDEVP", "DSUM",
         "DVAR", "DVARP")


def register(wb: fz.Workbook) -> None:
    for name in NAMES:
        wb.register_function(name, _callback(name), min_args=3, max_args=255, allow_override_builtin=True)


def _callback(name: str) -> Callable[..., Any]:
    def run(database: Any, field: Any, criteria: Any, *computed: Any) -> Any:
        return evaluate(name, database, field, criteria, computed)

    run.__name__ = name
    return run


# --- records and criteria ---------------------------------------------------------------------------


def evaluate(name: str, database: Any, field: Any, criteria: Any, computed: tuple = ()) -> Any:
    """``name(database, field, criteria)`` on the values of the two ranges (lists of rows).

    ``computed`` holds, per criteria cell that is a formula, its row and column in the
    criteria range and its value for each record (:func:`with_computed_criteria`).
    """
    if not _is_table(database) or len(database) < 2 or not _is_table(criteria) or len(criteria) < 2:
        return error_value("Value")
    headers, records = database[0], database[1:]
    every_record = field == FIELD_LEFT_OUT and name in COUNT_RECORDS
    column = 0 if every_record else field_column(headers, field)
    if is_error(column):
        return column
    try:
        rows = _criteria_rows(headers, criteria, _per_record(computed), len(records))
    except (crit.UnreadableCriterion, _Unknown):
        return error_value("Value")
    matched = [rec for i, rec in enumerate(records) if any(row(i, rec) for row in rows)]
    if every_record:  # Microsoft's DCOUNT page: "If field is omitted, DCOUNT counts all records ... that match"
        return float(len(matched))
    return _aggregate(name, [rec[column] for rec in matched])


def _is_table(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and isinstance(value[0], list)


def field_column(headers: list, field: Any) -> int | dict:
    """The 0-based column ``field`` names: a header's text (any case) or a 1-based number (cut to whole)."""
    if is_error(field):
        return field
    if isinstance(field, (int, float)) and not isinstance(field, bool):
        index = math.trunc(field)
        return index - 1 if 1 <= index <= len(headers) else error_value("Value")
    if isinstance(field, str):
        column = header_column(headers, field)
        return error_value("Value") if column is None else column
    return error_value("Value")  # a range, a boolean or a blank cell


def header_column(headers: list, header: Any) -> int | None:
    """The first database column whose header reads as ``header`` does (case-insensitive), if any."""
    wanted = crit.as_text(header).casefold()
    if not wanted:
        return None
    return next((i for i, h in enumerate(headers) if crit.as_text(h).casefold() == wanted), None)


class _Unknown(Exception):
    """A computed criterion whose per-record values are not known (or not TRUE/FALSE/text)."""


def _per_record(computed: tuple) -> dict[tuple[int, int], Any]:
    if computed and computed[-1] == UNRESOLVED:
        return {"unresolved": True}
    out: dict = {}
    for i in range(0, len(computed) - 2, 3):
        out[(int(computed[i]), int(computed[i + 1]))] = computed[i + 2]
    return out


def _criteria_rows(headers: list, criteria: list, per_record: dict, n_records: int) -> list[Callable]:
    """One test per criteria row: does record i (values ``rec``) meet all of that row's conditions."""
    fields = [header_column(headers, h) for h in criteria[0]]
    rows = []
    for r, cells in enumerate(criteria[1:], start=1):
        tests = []
        for c, value in enumerate(cells):
            if value is None or value == "":  # blank: no condition (a formula giving "" too)
                continue
            if fields[c] is not None:
                tests.append(_field_test(fields[c], crit.parse(value, prefix=True)))
            else:
                tests.append(_computed_test(per_record, (r, c), value, n_records))
        rows.append(lambda i, rec, tests=tests: all(t(i, rec) for t in tests))
    return rows


def _field_test(column: int, criterion: crit.Criterion) -> Callable:
    return lambda i, rec: criterion.matches(rec[column])


def _computed_test(per_record: dict, at: tuple[int, int], value: Any, n_records: int) -> Callable:
    if per_record.get("unresolved"):
        raise _Unknown(at)
    values = per_record.get(at)
    if values is None:  # a typed value, or a formula the same for every record
        flags = [_passes(value)] * n_records
    elif _is_table(values) and len(values) == n_records:
        flags = [_passes(row[0]) for row in values]
    else:
        raise _Unknown(at)
    return lambda i, rec: flags[i]


def _passes(result: Any) -> bool:
    """A computed criterion's result for one record: TRUE passes; FALSE, text, blanks and errors fail."""
    if isinstance(result, (int, float)) and not isinstance(result, bool):
        raise _Unknown(result)  # Excel's documentation asks for TRUE or FALSE; a number's reading is not known
    return result is True


# --- computed criteria, moved to each record before evaluation --------------------------------------

D_CALL = re.compile(r"(?<![\w.])D(?:SUM|AVERAGE|MIN|MAX|COUNTA?|GET|PRODUCT|STDEVP?|VARP?)\s*\(", re.IGNORECASE)
A1_REF = re.compile(r"^\$?[A-Z]{1,3}\$?\d+(:\$?[A-Z]{1,3}\$?\d+)?$|^\$?[A-Z]{1,3}:\$?[A-Z]{1,3}$|^\$?\d+:\$?\d+$",
                    re.IGNORECASE)


def calls_database_function(formula: str) -> bool:
    return bool(D_CALL.search(formula))


def with_computed_criteria(formula: str, sheet: str, formula_at: Callable[[str, str], str | None]) -> str:
    """``formula`` with each database call given its criteria formulas' values for every record.

    ``DSUM(A1:C9,"x",E1:E2)`` with E2 holding ``=B2>5`` becomes
    ``DSUM(A1:C9,"x",E1:E2,1,0,VSTACK((B2>5),(B3>5),...,(B9>5)))``: the engine evaluates
    each moved copy, the function reads record i's. A call whose ranges are not plain
    references gets :data:`UNRESOLVED` instead (its computed criteria give ``#VALUE!``).
    ``formula_at(sheet, address)`` is a cell's formula text, None for a value.
    """
    out: list[str] = []
    stack: list[list] = []  # per open call: [is a database call, its arguments' tokens, counts records]
    for tok in Tokenizer(formula).items:
        if tok.type == Token.FUNC and tok.subtype == Token.CLOSE and stack:
            is_db, args, _ = stack.pop()
            if is_db:
                out.append(_extra_arguments(args, sheet, formula_at))
        elif stack and tok.type == Token.SEP and tok.subtype == Token.ARG:
            if stack[-1][2] and len(stack[-1][1]) == 2 and not stack[-1][1][1]:
                out.append(f'"{FIELD_LEFT_OUT}"')  # DCOUNT(db,,criteria)
            stack[-1][1].append([])
        elif stack and tok.type != Token.WSPACE:
            stack[-1][1][-1].append(tok)
        if tok.type == Token.FUNC and tok.subtype == Token.OPEN:
            name = tok.value[:-1].strip().upper().removeprefix("_XLFN.")
            stack.append([bool(D_CALL.match(tok.value)), [[]], name in COUNT_RECORDS])
        out.append(tok.value)
    return "=" + "".join(out)


def _extra_arguments(args: list[list], sheet: str, formula_at: Callable) -> str:
    if len(args) != 3:
        return ""
    database, criteria = _plain_range(args[0], sheet), _plain_range(args[2], sheet)
    if database is None or criteria is None:
        return f',"{UNRESOLVED}"'
    n_records = database[3] - database[1]
    if n_records < 1:
        return ""
    c_sheet, left, top, right, bottom = criteria[0], criteria[2], criteria[1], criteria[4], criteria[3]
    extra = []
    for row in range(top + 1, bottom + 1):
        for col in range(left, right + 1):
            address = f"{get_column_letter(col)}{row}"
            text = formula_at(c_sheet, address)
            if not text:
                continue
            if n_records * len(text) > MAX_MOVED_CHARS:
                return f',"{UNRESOLVED}"'
            moved = [_moved(text, address, row + k, c_sheet != sheet and c_sheet) for k in range(n_records)]
            extra.append(f",{row - top},{col - left},VSTACK({','.join(moved)})")
    return "".join(extra)


def _plain_range(tokens: list, sheet: str) -> tuple[str, int, int, int, int] | None:
    """(sheet, top, left, bottom, right) of an argument that is one A1 reference."""
    if len(tokens) != 1 or tokens[0].type != Token.OPERAND or tokens[0].subtype != Token.RANGE:
        return None
    ref = tokens[0].value
    where, _, cells = ref.rpartition("!")
    if not A1_REF.match(cells) or "[" in where:
        return None
    try:
        left, top, right, bottom = range_boundaries(cells.replace("$", ""))
    except ValueError:
        return None
    if None in (left, top, right, bottom) or bottom - top > 1_048_575:
        return None
    return (where.strip("'").replace("''", "'") if where else sheet), top, left, bottom, right


def _moved(text: str, origin: str, row: int, other_sheet: str | bool) -> str:
    """The criteria cell's formula as written ``row - origin's row`` rows lower, in parentheses."""
    moved = Translator(text, origin=origin).translate_formula(f"{re.sub(r'[0-9]', '', origin)}{row}")
    if other_sheet:
        moved = qualified(moved, other_sheet)
    return "(" + moved.lstrip("=") + ")"


def qualified(formula: str, sheet: str) -> str:
    """Plain references of ``formula`` prefixed with ``sheet`` (it is read from another sheet)."""
    quoted = "'" + sheet.replace("'", "''") + "'!"
    out = []
    for tok in Tokenizer(formula).items:
        plain = tok.type == Token.OPERAND and tok.subtype == Token.RANGE and "!" not in tok.value
        out.append(quoted + tok.value if plain and A1_REF.match(tok.value) else tok.value)
    return "=" + "".join(out)
