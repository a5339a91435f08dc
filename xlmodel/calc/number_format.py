"""Excel's TEXT(value, format_text): number formats read as Excel reads them.

The formatting is SheetJS's (the ``ssf`` port); what Excel refuses as a format and
ssf formats anyway is refused here first, so TEXT answers ``#VALUE!`` as Excel does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from xlmodel.calc.engine_values import error_value, is_error

ELAPSED = re.compile(r"\[(h+|m+|s+)\]", re.IGNORECASE)  # [h], [mm], [ss]: elapsed time, a time code
DATE_LETTERS = "dmyh"


@lru_cache(maxsize=1)
def _formatter():
    import warnings

    import ssf

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ssf.SSF(locale_support=False, decimal_separator=".", thousands_separator=",")


def text(value: Any, number_format: Any) -> Any:
    """Excel's TEXT(value, format_text) through SheetJS's number-format rules (the ``ssf`` port).

    Upstream: formualizer 0.13 ignores sections, literals and spacing
    (``=TEXT(-12,"#,##0_);(#,##0)")`` gives ``-12``, Excel ``(12)``).
    """
    for arg in (value, number_format):
        if is_error(arg):
            return arg
    if isinstance(value, bool):
        value = "TRUE" if value else "FALSE"
    number_format = str(number_format)
    if mixes_dates_and_digits(number_format):
        return error_value("Value")
    try:
        out = _formatter().format(number_format, 0 if value is None else value)
    except Exception:  # a format ssf cannot read: Excel's answer for an invalid format too
        return error_value("Value")
    if out and set(out) == {"#"}:  # a date beyond 9999-12-31 or before 1900
        return error_value("Value")
    if isinstance(value, (int, float)) and value < 0 and out.startswith("-") and not any(
            ch in "123456789" for ch in out) and ";" not in number_format:
        return out[1:]  # Excel drops the sign of a value that shows as zero
    return out


@lru_cache(maxsize=4096)
def mixes_dates_and_digits(number_format: str) -> bool:
    """Whether a section of the format has digit placeholders (0 # ?) beside date or time codes.

    Excel refuses such a format (``=TEXT(41181,"mm###")`` is ``#VALUE!``,
    tests/oracle/ironcalc_xlsx_tests_calc_tests_TEXT_TEXT.xlsx, DATES!G2:G24); ssf
    formats it. The zeros of fractions of a second are no placeholders: ``ss.00``,
    ``[h]:mm:ss.000``. The same rule as LibreOffice's format scanner
    (svl/source/numbers/zforscan.cxx, ScanType: a date or time type meeting a number
    type is an error; Is100SecZero) and IronCalc's (base/src/formatter/parser.rs).
    Text in quotes, escaped (``\\d``) or spaced (``_d``, ``*d``) characters and
    brackets other than [h], [m], [s] (colours, conditions, ``[$-409]``) are no codes.
    """
    has_date = has_digit = False
    seconds = ""  # after a seconds code: "s", then "apart" once a point or a literal came between
    for kind in _codes(number_format):
        if kind == ";":
            if has_date and has_digit:
                return True
            has_date = has_digit = False
            seconds = ""
        elif kind == "0" and seconds == "apart":
            continue  # fractions of a second
        elif kind in "0#?":
            has_digit = True
            seconds = ""
        elif kind in ("date", "seconds"):
            has_date = True
            seconds = "s" if kind == "seconds" else ""
        elif kind in (".", "literal") and seconds:
            seconds = "apart"
        else:
            seconds = ""
    return has_date and has_digit


def _codes(fmt: str) -> Iterator[str]:
    """The format's codes as kinds: "date", "seconds", "0", "#", "?", ".", ";", "literal" or "other"."""
    i, n = 0, len(fmt)
    while i < n:
        ch, low = fmt[i], fmt[i].lower()
        if ch == '"':
            end = fmt.find('"', i + 1)
            i = n if end < 0 else end + 1
            yield "literal"
        elif ch in "\\_*":
            i += 2
            yield "literal"
        elif ch == "[":
            end = fmt.find("]", i + 1)
            end = n - 1 if end < 0 else end
            elapsed = ELAPSED.fullmatch(fmt, i, end + 1)
            i = end + 1
            yield ("seconds" if fmt[i - 2].lower() == "s" else "date") if elapsed else "other"
        elif fmt[i:i + 7].lower() == "general":
            i += 7
            yield "other"
        elif fmt[i:i + 5].upper() == "AM/PM" or fmt[i:i + 3].upper() == "A/P":
            i += 5 if fmt[i:i + 5].upper() == "AM/PM" else 3
            yield "date"
        elif low == "e" and fmt[i + 1:i + 2] in ("+", "-"):
            i += 2
            yield "other"  # scientific notation
        elif low in DATE_LETTERS or low == "s":
            while i < n and fmt[i].lower() == low:
                i += 1
            yield "seconds" if low == "s" else "date"
        else:
            i += 1
            yield ch if ch in "0#?.;" else "literal" if ch in " -/:,()$+" else "other"
