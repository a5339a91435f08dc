"""Excel's TEXTBEFORE and TEXTAFTER with all six arguments.

Upstream: formualizer 0.13 answers ``#VALUE!`` for any call with more than three
arguments (``=TEXTAFTER("A day in the woods","the",1,1,0,"@")``: Excel " woods"),
and ignores match_end and if_not_found. Checked against
tests/oracle/ironcalc_TEXTBEFORE_TEXTAFTER.xlsx, whose Excel answers settle what
Microsoft's pages leave open:

- text is read as Excel shows it (``TRUE`` for a logical, ``123`` for a number);
- ``instance_num`` is floored (1.6 is 1, -1.2 is -2), a logical counts as 1, 0 is
  ``#VALUE!``, and so is one larger than the text's length; a negative one counts from the end;
- a delimiter longer than the text is ``#N/A``, and ``#VALUE!`` when ``instance_num`` is given;
  several delimiters may be given as an array;
- ``match_mode`` 0 is case-sensitive, any other number case-insensitive;
- ``match_end`` 1 treats the text's end (its start, counting from the end) as a delimiter;
  other than 0, 1 or TRUE it is ``#VALUE!`` (FALSE too);
- a delimiter not found (or too few times) gives ``if_not_found`` when it is given, even an
  empty cell (empty text), else ``#N/A``; an error in ``if_not_found`` matters only then.
"""

from __future__ import annotations

import math
from typing import Any

from xlmodel.calc.engine_values import error_value, is_error

OMITTED = object()


class _Refused(Exception):
    def __init__(self, kind: str):
        self.kind = kind


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)


def _whole(value: Any, default: int) -> int:
    if value is None or value is OMITTED:
        return default
    if isinstance(value, bool):
        return default
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            raise _Refused("Value") from None
    return math.floor(value)


def _delimiters(value: Any) -> list[str]:
    if isinstance(value, list):
        return [_text(v) for row in value for v in row]
    return [_text(value)]


def _occurrences(text: str, delimiters: list[str], insensitive: bool) -> list[tuple[int, int]]:
    """Each delimiter found, left to right and not overlapping: (start, length)."""
    haystack = text.lower() if insensitive else text
    needles = [d.lower() if insensitive else d for d in delimiters]
    found, i = [], 0
    while i <= len(haystack):
        hits = [n for n in needles if haystack.startswith(n, i)]
        if not hits:
            i += 1
            continue
        length = max(len(n) for n in hits)
        found.append((i, length))
        i += max(length, 1)
    return found


def split(after: bool, text: Any, delimiter: Any, instance: Any = OMITTED, match_mode: Any = OMITTED,
          match_end: Any = OMITTED, if_not_found: Any = OMITTED) -> Any:
    """One TEXTAFTER (``after``) or TEXTBEFORE call on a single text."""
    for arg in (text, delimiter, instance, match_mode, match_end):
        if is_error(arg):
            return arg
    try:
        text, delimiters = _text(text), _delimiters(delimiter)
        n = _whole(instance, 1)
        mode = match_mode if isinstance(match_mode, (int, float)) and not isinstance(match_mode, bool) else 0
        end = (1 if match_end else -1) if isinstance(match_end, bool) else _whole(match_end, 0)
        if n == 0 or abs(n) > max(len(text), 1) or end not in (0, 1):
            raise _Refused("Value")
        if any(len(d) > len(text) for d in delimiters):
            raise _Refused("Na" if instance is OMITTED else "Value")
    except _Refused as refused:
        return error_value(refused.kind)
    found = _occurrences(text, delimiters, mode != 0)
    if end:
        found = found + [(len(text), 0)] if n > 0 else [(0, 0)] + found
    if abs(n) > len(found):
        if if_not_found is OMITTED:
            return error_value("Na")
        return "" if if_not_found is None else if_not_found
    start, length = found[n - 1] if n > 0 else found[n]
    return text[start + length:] if after else text[:start]


def _callback(after: bool):
    def run(text, delimiter, *rest):
        if isinstance(text, list):  # a range of texts: each split
            return [[split(after, t, delimiter, *rest) for t in row] for row in text]
        return split(after, text, delimiter, *rest)

    run.__name__ = "TEXTAFTER" if after else "TEXTBEFORE"
    return run


def register(wb) -> None:
    wb.register_function("TEXTAFTER", _callback(True), min_args=2, max_args=6, allow_override_builtin=True)
    wb.register_function("TEXTBEFORE", _callback(False), min_args=2, max_args=6, allow_override_builtin=True)
