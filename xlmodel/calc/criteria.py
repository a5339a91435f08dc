"""Excel's criteria: which cell values a condition such as ``">=10"``, ``"Re*"`` or ``"<>x"`` matches.

A criterion is a value, or text made of an optional comparison operator (``=``, ``<>``,
``<``, ``>``, ``<=``, ``>=``) and an operand. Excel reads the operand as a number, a
date or time, or TRUE/FALSE where it can (as ``VALUE`` reads text), else as text.
Numbers match only numbers, booleans only booleans, text only text (case-insensitive,
with the wildcards ``*``, ``?`` and ``~`` for equality) and an error only the same error.

Database functions (DSUM, ...) read text without an operator as "begins with":
``abc`` matches ``abcdef`` there (``prefix=True``); COUNTIF and SUMIFS do not.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from xlmodel.calc.engine_values import KIND_OF_CODE, is_error

OPERATORS = ("<>", ">=", "<=", "=", ">", "<")


class UnreadableCriterion(ValueError):
    """Text that Excel would read as a date in a form this module does not read (``"1/2"``: this year)."""


@dataclass(frozen=True)
class Err:
    """An error value as operand (the engine's kind, ``"Na"`` for ``#N/A``)."""

    kind: str


BLANK = None  # the operand of "=" alone (blank cells) and of "<>" alone (non-blank cells)


@dataclass(frozen=True)
class Criterion:
    op: str
    operand: Any  # float, bool, str, Err or BLANK
    prefix: bool = False

    def matches(self, value: Any) -> bool:
        if self.op == "=":
            return self._equal(value)
        if self.op == "<>":
            return not self._equal(value)
        return _ordered(self.op, self.operand, value)

    def _equal(self, value: Any) -> bool:
        operand = self.operand
        if operand is BLANK:
            return value is None
        if isinstance(operand, str):
            return isinstance(value, str) and wildcard(operand, self.prefix).fullmatch(value) is not None
        if isinstance(operand, Err):
            return is_error(value) and value.get("kind") == operand.kind
        if isinstance(operand, bool) or isinstance(value, bool):
            return isinstance(value, bool) and isinstance(operand, bool) and value == operand
        return isinstance(value, (int, float)) and value == operand


def _ordered(op: str, operand: Any, value: Any) -> bool:
    """``value <op> operand`` for <, >, <=, >=: true only between values of the same type."""
    if isinstance(operand, bool) or isinstance(value, bool):
        if not (isinstance(operand, bool) and isinstance(value, bool)):
            return False
    elif isinstance(operand, (int, float)):
        if not isinstance(value, (int, float)):
            return False
    elif isinstance(operand, str):
        if not isinstance(value, str):
            return False
        operand, value = operand.casefold(), value.casefold()
    else:  # an error, or nothing after the operator
        return False
    return {"<": value < operand, ">": value > operand, "<=": value <= operand, ">=": value >= operand}[op]


def parse(criterion: Any, prefix: bool = False) -> Criterion:
    """The criterion a value stands for (a criteria cell's value, or an argument of SUMIFS)."""
    if is_error(criterion):
        return Criterion("=", Err(criterion.get("kind", "Value")))
    if not isinstance(criterion, str):
        return Criterion("=", criterion)
    op = next((o for o in OPERATORS if criterion.startswith(o)), "")
    rest = criterion[len(op):]
    if op and rest == "":  # "<" and the like with nothing after them match nothing (COUNTIFS oracle, Rows2!M9)
        return Criterion(op, BLANK)
    typed = typed_value(rest)
    if typed is not None:
        return Criterion(op or "=", typed)
    error = ERROR_KINDS.get(rest.strip().upper())
    if error:
        return Criterion(op or "=", Err(error))
    return Criterion(op or "=", rest, prefix=prefix and not op)


# the error values a criterion can name (the engine's others, #SPILL! and kin, are no criterion)
ERROR_KINDS = {code: KIND_OF_CODE[code] for code in ("#DIV/0!", "#N/A", "#NAME?", "#VALUE!", "#REF!", "#NUM!", "#NULL!")}


@lru_cache(maxsize=4096)
def wildcard(pattern: str, prefix: bool = False) -> re.Pattern:
    """``*`` any run of characters, ``?`` one character, ``~`` takes the next one literally."""
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "~" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if ch == "*" else "." if ch == "?" else re.escape(ch))
        i += 1
    if prefix:
        out.append(".*")
    return re.compile("".join(out), re.IGNORECASE | re.DOTALL)


# --- reading an operand as Excel's VALUE does (en-US) ------------------------------------------------

NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d*)?([eE][+-]?\d+)?$")
MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
MON = (r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
       r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
CLOCK = r"(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}(?:\.\d+)?))?\s*(?P<ampm>[ap]m?)?"
DATES = [re.compile(p + rf"(?:(?:\s+|T){CLOCK})?$", re.IGNORECASE) for p in (
    r"^(?P<y>\d{4})[-/](?P<m>\d{1,2})[-/](?P<d>\d{1,2})",  # 2024-07-01
    r"^(?P<m>\d{1,2})[-/](?P<d>\d{1,2})[-/](?P<y>\d{2}|\d{4})",  # 7/1/2024 (en-US: month first)
    rf"^(?P<d>\d{{1,2}})[-\s]{MON.replace('(', '(?P<mon>', 1)}[-\s,]+(?P<y>\d{{2}}|\d{{4}})",  # 1-Jul-2024
    rf"^{MON.replace('(', '(?P<mon>', 1)}\s+(?P<d>\d{{1,2}}),?\s+(?P<y>\d{{4}})",  # July 1, 2024
    rf"^{MON.replace('(', '(?P<mon>', 1)}[-\s](?P<y>\d{{4}})",  # Jul-2024: the 1st
)]
TIME_ONLY = re.compile(rf"^{CLOCK}$", re.IGNORECASE)
THIS_YEAR = re.compile(rf"^(\d{{1,2}}[-/]\d{{1,2}}|\d{{1,2}}[-\s]{MON}|{MON}[-\s]\d{{1,2}})$", re.IGNORECASE)


def typed_value(text: str) -> float | bool | None:
    """``text`` as the number, serial date or boolean Excel reads in it, or None when it is plain text."""
    s = text.strip()
    if s.upper() in ("TRUE", "FALSE"):
        return s.upper() == "TRUE"
    number = _number(s)
    if number is not None:
        return number
    when = _date_time(s)
    if when is not None:
        return when
    if THIS_YEAR.match(s):  # a date in the year the workbook is calculated: Excel's answer changes yearly
        raise UnreadableCriterion(text)
    return None


def _number(s: str) -> float | None:
    negative = s.startswith("(") and s.endswith(")")
    body = s[1:-1].strip() if negative else s
    percent = body.endswith("%")
    body = body.rstrip("%").strip()
    if body.startswith(("$", "-$", "+$")):
        body = body.replace("$", "", 1).strip()
    if not body or not NUMBER.match(body) or not any(ch.isdigit() for ch in body):
        return None
    value = float(body.replace(",", ""))
    value = value / 100 if percent else value
    return -value if negative else value


def _date_time(s: str) -> float | None:
    match = TIME_ONLY.match(s)
    if match:
        return _time(match)
    for pattern in DATES:
        match = pattern.match(s)
        if match:
            parts = match.groupdict()
            month = MONTHS[parts["mon"][:3].lower()] if parts.get("mon") else int(parts["m"])
            year = int(parts["y"])
            year += (2000 if year < 30 else 1900) if len(parts["y"]) == 2 else 0
            try:
                day = dt.date(year, month, int(parts.get("d") or 1))
            except ValueError:
                return None  # 13/13/2024: text to Excel too
            time = _time(match) if parts.get("h") else 0.0
            return None if time is None else serial(day) + time
    return None


def _time(match: re.Match) -> float | None:
    hours, minutes = int(match["h"]), int(match["mi"])
    seconds = float(match["s"] or 0)
    ampm = (match["ampm"] or "").lower()
    if ampm:
        if not 1 <= hours <= 12:
            return None
        hours = hours % 12 + (12 if ampm.startswith("p") else 0)
    if minutes > 59 or seconds >= 60:
        return None
    return (hours * 3600 + minutes * 60 + seconds) / 86400


def serial(day: dt.date) -> float:
    """Excel's serial number of a date (1900 date system, with its 29 February 1900)."""
    base = dt.date(1899, 12, 30) if day >= dt.date(1900, 3, 1) else dt.date(1899, 12, 31)
    return float((day - base).days)


def as_text(value: Any) -> str:
    """A header's text as Excel compares it: TRUE, 1, 0.333333333333333, or the text."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else format(value, ".15g")
    return "" if value is None else str(value)
