
"""Excel's lookups where formualizer 0.13 answers differently: approximate matches and XLOOKUP's modes.

Upstream: formualizer 0.13's approximate LOOKUP does not step over error values
(``=LOOKUP(2,1/(A1:A20=3),B1:B20)`` over A = ROW() mod 7 gives B3's 30, Excel B17's 170),
and XLOOKUP's next-smaller/larger, wildcard and binary modes answer ``#N/A`` where
Excel finds a value (tests/oracle/ironcalc_xlsx_tests_calc_tests_LOOKUP_AND_REFERENCE_XLOOKUP.xlsx).

:func:`route` rewrites a formula so that only the calls the engine can get wrong reach
the Python functions here (registered as ``XLMODEL_LOOKUP``, ``XLMODEL_MATCH``, ...);
exact matches stay on the engine, which agrees with Excel on them. A routed call costs:
1,000 approximate MATCHes over 10,000 rows took 7.8 s in Python against 0.2 s in the
engine (measured together), most of it the engine handing each range to Python.

The legacy binary search (LOOKUP; MATCH with match_type 1, -1 or omitted; VLOOKUP and
HLOOKUP with range_lookup TRUE or omitted), after Apache POI's LookupUtils, whose rules
were taken from Excel's answers on mixed and unsorted data:

- only values of the lookup value's type are compared (numbers, text, logicals); error
  values, blanks and values of another type are stepped over, never matched;
- the bounds start outside the vector (low = -1, high = n) and the probe is
  ``low + (high - low) // 2``; a probe of another type moves forward to the first value of
  the right type below ``high``: none there sets ``high`` to the probe, a larger one sets
  ``high`` to the probe when it was the last before ``high`` (else to itself), a smaller
  one sets ``low`` to it;
- an equal value ends the search at the last of the run of equal values that follows it,
  which is why duplicates in a sorted vector give the last of them;
- the answer is ``low``, ``#N/A`` when nothing compared was at most the lookup value;
  text compares without case; match_type -1 is the same search on a descending vector.

XLOOKUP (Microsoft's XLOOKUP page; checked against the 170 Excel-computed cells of the
IronCalc workbook): values of every type are ordered numbers < text < logicals, text
without case, error values never match; blank cells match only a blank (omitted) lookup
value and sort after everything. Match modes 0, -1, 1 take the exact value or else the
next smaller or larger (the first found in the search direction); 2 matches ``*``, ``?``
and ``~`` escapes and cannot be combined with a binary search (``#VALUE!``). Binary
searches (2, -2) find the first value not below the lookup value (IronCalc's
binary_search.rs, which the oracle's duplicates confirm); descending is the same search
over the reversed vector. On unsorted data the probes are IronCalc's ``(low + high) // 2``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from xlmodel.calc.criteria import wildcard
from xlmodel.calc.engine_values import error_value, is_error
from xlmodel.calc.formula_text import Token, Tokenizer, column_index_from_string

NUMBER, TEXT, LOGICAL, BLANK = 0, 1, 2, 3
MAX_ROWS, MAX_COLS = 1048576, 16384


def kind(value: Any) -> int | None:
    """The value's type in Excel's sort order; None for an error value."""
    if value is None:
        return BLANK
    if isinstance(value, bool):
        return LOGICAL
    if isinstance(value, (int, float)):
        return NUMBER
    if isinstance(value, str):
        return TEXT
    return None


def _key(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _cmp(a: Any, b: Any) -> int:
    a, b = _key(a), _key(b)
    return (a > b) - (a < b)


# --- the legacy binary search -------------------------------------------------------------------


def legacy_search(values: list, x: Any, descending: bool = False) -> int | None:
    """The index Excel's approximate LOOKUP/MATCH/VLOOKUP/HLOOKUP finds for ``x``, or None (``#N/A``)."""
    want = kind(x)
    sign = -1 if descending else 1

    def compare(i: int) -> int | None:  # of x against values[i]; None for a value of another type
        v = values[i]
        return sign * _cmp(x, v) if kind(v) == want and want != BLANK else None

    low, high = -1, len(values)
    while high - low >= 2:
        mid = low + (high - low) // 2
        c = compare(mid)
        if c is None:
            probe = next((j for j in range(mid + 1, high) if compare(j) is not None), None)
            if probe is None:
                high = mid
                continue
            c = compare(probe)
            if c < 0 and probe == high - 1:
                high = mid
                continue
            mid = probe
        if c == 0:
            while mid + 1 < high and compare(mid + 1) == 0:
                mid += 1
            return mid
        if c < 0:
            high = mid
        else:
            low = mid
    return low if low >= 0 else None


# --- exact matches with wildcards ----------------------------------------------------------------


def exact_search(values: list, x: Any, wildcards: bool = True, reverse: bool = False) -> int | None:
    """The first (or last) index whose value equals ``x``; text without case, with wildcards if asked."""
    order = range(len(values) - 1, -1, -1) if reverse else range(len(values))
    want = kind(x)
    if want == TEXT and wildcards and any(ch in x for ch in "*?~"):
        rx = wildcard(x)
        return next((i for i in order if isinstance(values[i], str) and rx.fullmatch(values[i])), None)
    return next((i for i in order if kind(values[i]) == want and _cmp(x, values[i]) == 0), None)


# --- XLOOKUP's modes -----------------------------------------------------------------------------


def _rank(value: Any) -> tuple:
    return (kind(value), _key(value))


def xlookup_index(values: list, x: Any, match_mode: int, search_mode: int) -> int | None:
    if match_mode == 2:
        return exact_search(values, x, wildcards=True, reverse=search_mode == -1)
    if search_mode in (2, -2):
        return _binary_index(values, x, match_mode, descending=search_mode == -2)
    return _linear_index(values, x, match_mode, reverse=search_mode == -1)


def _comparable(value: Any, x: Any) -> bool:
    k = kind(value)
    return k is not None and (k == BLANK) == (kind(x) == BLANK)


def _linear_index(values: list, x: Any, match_mode: int, reverse: bool) -> int | None:
    target = _rank(x)
    best, best_rank = None, None
    order = range(len(values) - 1, -1, -1) if reverse else range(len(values))
    for i in order:
        v = values[i]
        if not _comparable(v, x):
            continue
        r = _rank(v)
        if r == target:
            return i
        smaller = match_mode == -1 and r < target and (best is None or r > best_rank)
        if smaller or (match_mode == 1 and r > target and (best is None or r < best_rank)):
            best, best_rank = i, r
    return best


def _binary_index(values: list, x: Any, match_mode: int, descending: bool) -> int | None:
    n = len(values)
    at = (lambda j: values[n - 1 - j]) if descending else (lambda j: values[j])

    def ranks(j: int) -> tuple:
        return (BLANK + 1, 0) if is_error(at(j)) else _rank(at(j))

    target = _rank(x)
    low, high = 0, n
    while low < high:
        mid = (low + high) // 2
        if ranks(mid) < target:
            low = mid + 1
        else:
            high = mid
    if low < n and ranks(low) == target:
        j = low
    elif match_mode == -1 and low > 0:
        j = low - 1
    elif match_mode == 1 and low < n:
        j = low
    else:
        return None
    return n - 1 - j if descending else j


# --- the worksheet functions ---------------------------------------------------------------------


def _grid(value: Any) -> list[list[Any]]:
    return value if isinstance(value, list) else [[value]]


def _vector(grid: list[list[Any]]) -> list[Any] | None:
    if len(grid) == 1:
        return list(grid[0])
    if all(len(row) == 1 for row in grid):
        return [row[0] for row in grid]
    return None


def _out(value: Any) -> Any:
    return 0.0 if value is None else value


def _number(value: Any) -> float | dict:
    """A mode argument as a number, or the error value Excel answers for it."""
    if is_error(value):
        return value
    if value is None:
        return 0.0
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return error_value("Value")
    return float(value)


def match(x: Any, array: Any, match_type: Any = 1.0) -> Any:
    """Excel's MATCH (the engine keeps the literal exact matches)."""
    mt = _number(match_type)
    for v in (x, mt):
        if is_error(v):
            return v
    values = _vector(_grid(array))
    if values is None:
        return error_value("Na")
    if mt == 0:
        i = exact_search(values, x)
    else:
        i = legacy_search(values, 0.0 if x is None else x, descending=mt < 0)
    return error_value("Na") if i is None else float(i + 1)


def lookup(x: Any, array: Any, result: Any = None) -> Any:
    """Excel's LOOKUP, vector and array forms."""
    if is_error(x):
        return x
    grid = _grid(array)
    if result is None and len(grid[0]) > len(grid):  # array form, wider than tall: first row, last row
        keys, answers = list(grid[0]), list(grid[-1])
    elif result is None:
        keys, answers = [row[0] for row in grid], [row[-1] for row in grid]
    else:
        keys, answers = _vector(grid), _vector(_grid(result))
        if keys is None or answers is None:
            return error_value("Na")
    i = legacy_search(keys, 0.0 if x is None else x)
    if i is None or i >= len(answers):  # Excel would read past a shorter result reference
        return error_value("Na")
    return _out(answers[i])


def vlookup(x: Any, table: Any, index: Any, approximate: Any = True) -> Any:
    return _table_lookup(x, _grid(table), index, approximate)


def hlookup(x: Any, table: Any, index: Any, approximate: Any = True) -> Any:
    grid = _grid(table)
    return _table_lookup(x, [list(col) for col in zip(*grid)], index, approximate)


def _table_lookup(x: Any, rows: list[list[Any]], index: Any, approximate: Any) -> Any:
    """VLOOKUP over ``rows`` (HLOOKUP's table arrives transposed)."""
    col, flag = _number(index), approximate
    for v in (x, col, flag):
        if is_error(v):
            return v
    if isinstance(flag, str):
        if flag.upper() not in ("TRUE", "FALSE"):
            return error_value("Value")
        flag = flag.upper() == "TRUE"
    col = int(col)
    if col < 1:
        return error_value("Value")
    if col > len(rows[0]):
        return error_value("Ref")
    keys = [row[0] for row in rows]
    i = legacy_search(keys, 0.0 if x is None else x) if flag else exact_search(keys, x)
    return error_value("Na") if i is None else _out(rows[i][col - 1])


def xlookup(x, lookup_array, return_array, if_not_found=None, match_mode=0.0, search_mode=1.0,
            flags=0.0, lookup_rows=0.0, lookup_cols=0.0, return_rows=0.0, return_cols=0.0) -> Any:
    """Excel's XLOOKUP; the last five arguments come from :func:`route`.

    ``flags``: 1 when the lookup value was left out (it is then blank), 2 when
    if_not_found was given. The shapes are those of reference arguments as written
    (0 for a computed array): the engine hands a whole column cut to its last value.
    """
    flags = int(flags)
    if flags & 1:
        x = None
    mm, sm = _number(match_mode), _number(search_mode)
    for v in (x, mm, sm):
        if is_error(v):
            return v
    if mm not in (-1, 0, 1, 2) or sm not in (-1, 1, -2, 2) or (mm == 2 and sm in (2, -2)):
        return error_value("Value")
    keys, answers = _grid(lookup_array), _grid(return_array)
    shape = (lookup_rows or len(keys), lookup_cols or len(keys[0]))
    rshape = (return_rows or len(answers), return_cols or len(answers[0]))
    if shape[0] == 1 and shape[1] == rshape[1]:
        values, across = list(keys[0]), True
    elif shape[1] == 1 and shape[0] == rshape[0]:
        values, across = [row[0] for row in keys], False
    else:
        return error_value("Value")
    values += [None] * ((len(answers[0]) if across else len(answers)) - len(values))
    i = xlookup_index(values, x, int(mm), int(sm))
    if i is None:
        return (_out(if_not_found) if flags & 2 else error_value("Na"))
    if across:
        out = [[_out(row[i] if i < len(row) else None)] for row in answers]
    else:
        out = [[_out(v) for v in (answers[i] if i < len(answers) else [None] * len(answers[0]))]]
    return out[0][0] if len(out) == 1 and len(out[0]) == 1 else out  # a row or column of results spills


# --- which calls go to Python --------------------------------------------------------------------

PYTHON = {"LOOKUP": ("XLMODEL_LOOKUP", lookup, 2, 3), "MATCH": ("XLMODEL_MATCH", match, 2, 3),
          "VLOOKUP": ("XLMODEL_VLOOKUP", vlookup, 3, 4), "HLOOKUP": ("XLMODEL_HLOOKUP", hlookup, 3, 4),
          "XLOOKUP": ("XLMODEL_XLOOKUP", xlookup, 3, 11)}
NAMES = frozenset(name for name, *_ in PYTHON.values())
# which argument of these functions is a reference
REFERENCE_ARGUMENT = {"OFFSET": 0, "ROW": 0, "COLUMN": 0, "ROWS": 0, "COLUMNS": 0, "ISREF": 0, "AREAS": 0,
                      "SHEET": 0, "FORMULATEXT": 0, "ISFORMULA": 0, "CELL": 1}
MENTIONS = re.compile(r"(?<![\w.])(?:_xlfn\.)?(?:X?LOOKUP|[VH]LOOKUP|MATCH)\s*\(", re.IGNORECASE)
WHOLE_COLUMN = re.compile(r"^(?:.+!)?\$?([A-Z]{1,3}):\$?([A-Z]{1,3})$", re.IGNORECASE)
WHOLE_ROW = re.compile(r"^(?:.+!)?\$?(\d+):\$?(\d+)$")
AREA = re.compile(r"^(?:.+!)?\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$", re.IGNORECASE)


def register(wb) -> None:
    for name, fn, lo, hi in PYTHON.values():
        wb.register_function(name, fn, min_args=lo, max_args=hi)


def mentions_lookup(formula: str) -> bool:
    return bool(MENTIONS.search(formula))


def route(formula: str, keep: Callable[[str, list[str]], bool] | None = None) -> str:
    """``formula`` with the lookup calls the engine can get wrong calling the Python versions.

    ``keep(name, argument_texts)`` leaves a call the engine may answer on the engine: by
    default those whose data decides it (:func:`checkable`), for
    :mod:`xlmodel.calc.checked_routes` to look at once the book is evaluated.
    """
    keep = checkable if keep is None else keep
    return rewrite_calls(formula, lambda name, args: None if keep(name, args) else routed_call(name, args),
                         frozenset(PYTHON))


def rewrite_calls(formula: str, rewrite: Callable[[str, list[str]], str | None],
                  names: frozenset[str] | None = None) -> str:
    """``formula`` with each call for which ``rewrite(NAME, argument_texts)`` gives a text replaced by it.

    A call whose result is used as a reference (beside ``:``, or inside OFFSET, ROW, CELL,
    ...) is left alone: a Python function returns values, never a reference. ``names``: the
    only functions ``rewrite`` may replace; the others' arguments are not even split (a long
    model formula nests dozens of calls, and splitting each was most of the cost).
    """
    tokens = Tokenizer(formula).items
    out: list[str] = []
    stack: list[dict] = []  # per open call or array: its name, where it began, whether a reference is wanted
    for i, tok in enumerate(tokens):
        opening = tok.type == Token.FUNC and tok.subtype == Token.OPEN
        closing = tok.type == Token.FUNC and tok.subtype == Token.CLOSE
        if opening or (tok.type == Token.ARRAY and tok.subtype == Token.OPEN):
            _, colon, name = tok.value[:-1].rpartition(":") if opening else ("", "", "{")
            at = name.startswith("@")
            stack.append({"name": name.lstrip("@").upper().removeprefix("_XLFN."), "start": len(out),
                          "at": at, "ref": bool(colon) or _takes_reference(stack), "arg": 0})
            out.append(tok.value)
        elif stack and tok.type == Token.SEP and tok.subtype == Token.ARG:
            stack[-1]["arg"] += 1
            out.append(tok.value)
        elif stack and (closing or (tok.type == Token.ARRAY and tok.subtype == Token.CLOSE)):
            frame = stack.pop()
            out.append(tok.value)
            if closing and not frame["ref"] and (names is None or frame["name"] in names) and not _next_text(
                    tokens, i).startswith(":"):
                text = rewrite(frame["name"], _split("".join(out[frame["start"] + 1:-1])))
                if text:
                    out[frame["start"]:] = [("@" if frame["at"] else "") + text]
        else:
            out.append(tok.value)
    return "=" + "".join(out)


def _next_text(tokens: list, i: int) -> str:
    """The text of the first token after ``i`` that is not white space."""
    return next((tokens[j].value for j in range(i + 1, len(tokens)) if tokens[j].type != Token.WSPACE), "")


def _takes_reference(stack: list[dict]) -> bool:
    """Whether a call opened now is (inside) an argument that must be a reference."""
    return bool(stack) and (stack[-1]["ref"] or REFERENCE_ARGUMENT.get(stack[-1]["name"]) == stack[-1]["arg"])


def _split(text: str) -> list[str]:
    """A call's argument texts, from the text between its parentheses (top-level commas only)."""
    args, depth, current, quoted = [], 0, [], False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in "({":
            depth += 1
        elif not quoted and ch in ")}":
            depth -= 1
        elif not quoted and depth == 0 and ch == ",":
            args.append("".join(current))
            current = []
            continue
        current.append(ch)
    args.append("".join(current))
    return [a.strip() for a in args] if text.strip() else []


def literal_number(arg: str) -> float | None:
    """A literal number or logical argument as a number; None for anything computed."""
    text = arg.strip().upper()
    if text in ("TRUE", "FALSE"):
        return 1.0 if text == "TRUE" else 0.0
    try:
        return float(text)
    except ValueError:
        return None


def is_reference(arg: str) -> bool:
    """Whether an argument's text is one plain A1 reference (an area, whole columns or whole rows)."""
    text = arg.replace("$", "")
    return bool(AREA.match(text) or WHOLE_COLUMN.match(text) or WHOLE_ROW.match(text))


def checkable(name: str, args: list[str]) -> bool:
    """Whether the engine answers this call as Excel does on some data, to be checked once evaluated.

    Measured against this module's functions on sorted numeric data with duplicates
    (tests/test_calc_checked_routes.py): MATCH with match_type 1 or omitted, VLOOKUP and
    HLOOKUP with range_lookup TRUE or omitted, LOOKUP, and XLOOKUP's ascending binary
    search for an exact or next-larger value agree; MATCH -1 and XLOOKUP's other binary
    searches do not (the engine takes another of equal values), so they always go to Python.
    """
    n = len(args)
    if name == "MATCH":
        return n in (2, 3) and is_reference(args[1]) and (n == 2 or literal_number(args[2]) == 1)
    if name in ("VLOOKUP", "HLOOKUP"):
        return n in (3, 4) and is_reference(args[1]) and literal_number(args[2]) is not None and (
            n == 3 or literal_number(args[3]) == 1)
    if name == "LOOKUP":
        return n in (2, 3) and all(is_reference(a) for a in args[1:])
    if name == "XLOOKUP":
        return n == 6 and is_reference(args[1]) and is_reference(args[2]) and literal_number(args[4] or "0") in (0, 1) \
            and literal_number(args[5]) == 2
    return False


def routed_call(name: str, args: list[str]) -> str | None:
    """The Python version's call for a lookup the engine may answer otherwise; None for any other call."""
    if name not in PYTHON:
        return None
    target = PYTHON[name][0]
    if name == "MATCH" and len(args) == 3 and (args[2] == "" or literal_number(args[2]) == 0):
        return None
    if name in ("VLOOKUP", "HLOOKUP") and len(args) == 4 and (args[3] == "" or literal_number(args[3]) == 0):
        return None
    if name == "XLOOKUP":
        return _routed_xlookup(args)
    return f"{target}({','.join(a or '0' for a in args)})"


def _routed_xlookup(args: list[str]) -> str | None:
    args = args + [""] * (6 - len(args))
    value, keys, answers, not_found, mode, search = args[:6]
    if len(args) > 6 or not (keys and answers):
        return None  # the engine's own error for a malformed call
    mode_n, search_n = literal_number(mode or "0"), literal_number(search or "1")
    if mode_n == 0 and search_n in (1, -1):
        return None
    flags = (1 if value == "" else 0) | (2 if not_found != "" else 0)
    shape = reference_shape(keys) + reference_shape(answers)
    return (f"XLMODEL_XLOOKUP({value or 0},{keys},{answers},{not_found or 0},{mode or 0},{search or 1},"
            f"{flags},{','.join(str(n) for n in shape)})")


def reference_shape(arg: str) -> tuple[int, int]:
    """(rows, columns) of a plain reference argument as written; (0, 0) for anything else."""
    text = arg.replace("$", "")
    if m := WHOLE_COLUMN.match(text):
        a, b = column_index_from_string(m[1].upper()), column_index_from_string(m[2].upper())
        return MAX_ROWS, abs(b - a) + 1
    if m := WHOLE_ROW.match(text):
        return abs(int(m[2]) - int(m[1])) + 1, MAX_COLS
    if m := AREA.match(text):
        if not m[3]:
            return 1, 1
        a, b = column_index_from_string(m[1].upper()), column_index_from_string(m[3].upper())
        return abs(int(m[4]) - int(m[2])) + 1, abs(b - a) + 1
    return 0, 0
