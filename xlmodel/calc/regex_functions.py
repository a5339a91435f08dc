"""REGEXTEST, REGEXEXTRACT and REGEXREPLACE, which formualizer 0.13 lacks (``#NAME?``).

Following Microsoft's pages for the three functions: the pattern is a regular expression
(Excel uses PCRE2; Python's ``re`` reads the same syntax for what models use, and named
groups ``(?<name>...)`` are translated); ``case_sensitivity`` 0 (the default) matches case,
1 ignores it. REGEXEXTRACT's ``return_mode`` 0 gives the first match, 1 every match and 2 the
first match's capturing groups, both as a row; no match is ``#N/A``. REGEXREPLACE replaces
every match (``occurrence`` 0), the n-th, or the n-th from the end when negative; ``$1`` and
``${name}`` in the replacement are groups. A number or logical is read as its text (``123``,
``TRUE``); an error is the answer; a pattern Python cannot read is ``#VALUE!``. Given arrays
of text or patterns, each function answers element by element.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import formualizer as fz

from xlmodel.calc.engine_values import error_value, is_error

NAMED_GROUP = re.compile(r"\(\?<(?![=!])")  # (?<name> ... ), not a lookbehind
TEMPLATE = re.compile(r"\$(?:(\d+)|\{(\w+)\}|(\$)|(&))")


def _text(value: Any) -> str | dict:
    if is_error(value):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return repr(value).removesuffix(".0") if value == int(value) and abs(value) < 1e15 else \
            format(value, ".15g")
    return str(value)


def _flag(value: Any) -> int | dict:
    if is_error(value):
        return value
    if value in (None, ""):
        return 0
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return error_value("Value")


@lru_cache(maxsize=256)
def _compiled(pattern: str, ignore_case: bool) -> re.Pattern | None:
    try:
        return re.compile(NAMED_GROUP.sub("(?P<", pattern), re.IGNORECASE if ignore_case else 0)
    except re.error:
        return None


def _pattern(pattern: Any, case: Any) -> re.Pattern | dict:
    pattern, case = _text(pattern), _flag(case)
    if is_error(pattern):
        return pattern
    if is_error(case):
        return case
    if case not in (0, 1):
        return error_value("Value")
    compiled = _compiled(pattern, case == 1)
    return error_value("Value") if compiled is None else compiled


def _elementwise(fn: Callable[..., Any], lifted: int) -> Callable[..., Any]:
    """``fn`` answered per element of its first ``lifted`` arguments when they are arrays."""
    def run(*args: Any) -> Any:
        arrays = [a for a in args[:lifted] if isinstance(a, list)]
        if not arrays:
            return fn(*args)
        rows = max(len(a) for a in arrays)
        cols = max(len(a[0]) for a in arrays)

        def at(value: Any, r: int, c: int) -> Any:
            if not isinstance(value, list):
                return value
            rr, cc = (0 if len(value) == 1 else r), (0 if len(value[0]) == 1 else c)
            return value[rr][cc] if rr < len(value) and cc < len(value[rr]) else error_value("Na")

        out = []
        for r in range(rows):
            row = []
            for c in range(cols):
                answer = fn(*(at(a, r, c) if i < lifted else a for i, a in enumerate(args)))
                row.append(error_value("Calc") if isinstance(answer, list) else answer)
            out.append(row)
        return out
    run.__name__ = fn.__name__
    return run


def regextest(text: Any, pattern: Any, case_sensitivity: Any = 0) -> Any:
    text, compiled = _text(text), _pattern(pattern, case_sensitivity)
    for value in (text, compiled):
        if is_error(value):
            return value
    return compiled.search(text) is not None


def regexextract(text: Any, pattern: Any, return_mode: Any = 0, case_sensitivity: Any = 0) -> Any:
    text, compiled, mode = _text(text), _pattern(pattern, case_sensitivity), _flag(return_mode)
    for value in (text, compiled, mode):
        if is_error(value):
            return value
    if mode not in (0, 1, 2):
        return error_value("Value")
    if mode == 1:
        found = [m.group(0) for m in compiled.finditer(text)]
        return [found] if found else error_value("Na")
    match = compiled.search(text)
    if match is None:
        return error_value("Na")
    if mode == 0:
        return match.group(0)
    groups = [g if g is not None else "" for g in match.groups()]
    return [groups] if groups else match.group(0)


def regexreplace(text: Any, pattern: Any, replacement: Any, occurrence: Any = 0, case_sensitivity: Any = 0) -> Any:
    text, compiled, template, nth = _text(text), _pattern(pattern, case_sensitivity), _text(replacement), \
        _flag(occurrence)
    for value in (text, compiled, template, nth):
        if is_error(value):
            return value
    matches = list(compiled.finditer(text))
    if nth:
        index = nth - 1 if nth > 0 else len(matches) + nth
        matches = [matches[index]] if 0 <= index < len(matches) else []
    out, at = [], 0
    for match in matches:
        out.append(text[at:match.start()] + _expanded(template, match))
        at = match.end()
    return "".join(out) + text[at:]


def _expanded(template: str, match: re.Match) -> str:
    """The replacement with ``$1``, ``${name}``, ``$&`` (the match) and ``$$`` (a dollar) filled in."""
    def group(m: re.Match) -> str:
        number, name, dollar, whole = m.groups()
        if dollar:
            return "$"
        if whole:
            return match.group(0)
        try:
            return match.group(int(number) if number else name) or ""
        except IndexError:  # no such group: left as written
            return m.group(0)
    return TEMPLATE.sub(group, template)


def register(wb: fz.Workbook) -> None:
    wb.register_function("REGEXTEST", _elementwise(regextest, 2), min_args=2, max_args=3)
    wb.register_function("REGEXEXTRACT", _elementwise(regexextract, 2), min_args=2, max_args=4)
    wb.register_function("REGEXREPLACE", _elementwise(regexreplace, 3), min_args=3, max_args=5)
