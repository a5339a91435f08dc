"""Excel's CEILING and FLOOR families with negative numbers and a zero significance.

Upstream: formualizer 0.13 answers ``#DIV/0!`` for a zero significance where Excel gives 0
(``=CEILING(0,0)``, ``=CEILING(5,0)``), rounds the wrong way for a negative number
(``=FLOOR(-2.2,-1.1)``: Excel -2.2, formualizer -3.3; ``=CEILING(-2.5,2)``: Excel -2,
formualizer -4 in some cases), and gives a number where Excel refuses a positive number
with a negative significance (``=CEILING(2.5,-2)``: ``#NUM!``). Checked against
tests/oracle/closedxml_ceiling-floor.xlsx (LibreOffice's test book, saved by Excel) and
poi_FormulaEvalTestData_Copy.xlsx.

Microsoft's pages:

- CEILING(number, significance) and FLOOR(number, significance): a positive number with a
  negative significance is ``#NUM!``; with both negative, CEILING rounds away from zero and
  FLOOR toward it; a negative number with a positive significance: CEILING toward zero,
  FLOOR away from it. A zero significance: CEILING 0, FLOOR ``#DIV/0!`` (0 for a zero number).
- CEILING.MATH / FLOOR.MATH(number, [significance=1], [mode=0]): the significance's sign is
  ignored; a negative number is rounded toward zero by CEILING.MATH and away from it by
  FLOOR.MATH, the other way when ``mode`` is not 0.
- CEILING.PRECISE, ISO.CEILING and FLOOR.PRECISE(number, [significance=1]): toward plus
  (CEILING) or minus (FLOOR) infinity whatever the signs.

A quotient within 1e-12 (relative) of a whole number counts as that number, so that
``=FLOOR(-2.2,-1.1)`` is exactly two steps, and the result is rounded to 15 significant
digits as Excel shows it.
"""

from __future__ import annotations

import math
from typing import Any

from xlmodel.calc.engine_values import error_value, is_error


class _Refused(Exception):
    def __init__(self, kind: str):
        self.kind = kind


def _number(value: Any, default: float | None = None) -> float:
    if value is None:
        if default is not None:
            return default
        return 0.0
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            raise _Refused("Value") from None
    raise _Refused("Value")


def _steps(number: float, significance: float, up: bool) -> float:
    """``number`` rounded to a multiple of ``significance`` (> 0): up (toward +inf) or down."""
    quotient = number / significance
    whole = round(quotient)
    if abs(quotient - whole) <= 1e-12 * max(1.0, abs(quotient)):
        quotient = whole
    else:
        quotient = math.ceil(quotient) if up else math.floor(quotient)
    result = quotient * significance
    return float(f"{result:.15g}") if result else 0.0


def _legacy(number: float, significance: float, ceiling: bool) -> float:
    if significance == 0:
        if ceiling or number == 0:
            return 0.0
        raise _Refused("Div")
    if number > 0 and significance < 0:
        raise _Refused("Num")
    if significance < 0:  # both negative: CEILING away from zero, FLOOR toward it
        return -_steps(-number, -significance, up=ceiling)
    return _steps(number, significance, up=ceiling)


def _math(number: float, significance: float, mode: float, ceiling: bool) -> float:
    significance = abs(significance)
    if significance == 0:
        return 0.0
    if number < 0 and mode != 0:  # away from zero for CEILING.MATH, toward it for FLOOR.MATH
        return -_steps(-number, significance, up=ceiling)
    return _steps(number, significance, up=ceiling)


def _call(compute, *args: Any) -> Any:
    for arg in args:
        if is_error(arg):
            return arg
        if isinstance(arg, list):
            return error_value("Value")
    try:
        return compute(*args)
    except _Refused as refused:
        return error_value(refused.kind)


def ceiling(number, significance=None) -> Any:
    return _call(lambda n, s: _legacy(_number(n), _number(s), True), number, significance)


def floor(number, significance=None) -> Any:
    return _call(lambda n, s: _legacy(_number(n), _number(s), False), number, significance)


def ceiling_math(number, significance=None, mode=None) -> Any:
    return _call(lambda n, s, m: _math(_number(n), _number(s, 1.0), _number(m), True), number, significance, mode)


def floor_math(number, significance=None, mode=None) -> Any:
    return _call(lambda n, s, m: _math(_number(n), _number(s, 1.0), _number(m), False), number, significance, mode)


def ceiling_precise(number, significance=None) -> Any:
    return _call(lambda n, s: _math(_number(n), _number(s, 1.0), 0, True), number, significance)


def floor_precise(number, significance=None) -> Any:
    return _call(lambda n, s: _math(_number(n), _number(s, 1.0), 0, False), number, significance)


def register(wb) -> None:
    for name, fn, most in (("CEILING", ceiling, 2), ("FLOOR", floor, 2), ("CEILING.MATH", ceiling_math, 3),
                           ("FLOOR.MATH", floor_math, 3), ("CEILING.PRECISE", ceiling_precise, 2),
                           ("ISO.CEILING", ceiling_precise, 2), ("FLOOR.PRECISE", floor_precise, 2)):
        wb.register_function(name, fn, min_args=1 if most == 3 or name.endswith(("PRECISE", "ISO.CEILING")) else 2,
                             max_args=most, allow_override_builtin=True)
