"""Excel's number-base conversions: DEC2BIN/OCT/HEX, BIN2*, OCT2* and HEX2*, with Excel's places and errors.

Upstream: formualizer 0.13 refuses a negative number given places
(``=DEC2BIN(-25,5)``: Excel ``1111100111``, formualizer ``#NUM!``), answers ``#VALUE!``
where Excel answers ``#NUM!`` for digits outside the base (``=BIN2OCT("A")``) and for an
empty cell, which Excel reads as 0 (``=OCT2BIN(A1)`` with A1 empty: Excel ``0``);
tests/oracle/xlcalculator_BASES.xlsx holds 3,046 of Excel's answers.

Microsoft's pages (DEC2BIN, BIN2HEX, ...): a number in another base is at most 10
characters, a negative one written as the 10-character two's complement (10 bits in
binary, 30 in octal, 40 in hexadecimal); ``places`` pads a positive result with zeros
and is ``#NUM!`` when too small, not above 0 or above 10, and a negative result ignores it
(always 10 characters), though places must still be valid, and are checked before the number
(``=DEC2BIN("E",0)`` is ``#NUM!``, ``=DEC2BIN("E",1)`` ``#VALUE!``). A decimal number is truncated.
"""

from __future__ import annotations

import math
from typing import Any

from xlmodel.calc.engine_values import error_value, is_error

BASES = {"BIN": 2, "OCT": 8, "DEC": 10, "HEX": 16}
DIGITS = "0123456789ABCDEF"
WIDTH = 10  # characters of a number in base 2, 8 or 16


class _Refused(Exception):
    def __init__(self, kind: str):
        self.kind = kind


def _bits(base: int) -> int:
    return WIDTH * (base.bit_length() - 1)  # 10, 30, 40


def _limits(base: int) -> tuple[int, int]:
    """The smallest and the largest number a 10-character two's complement holds."""
    half = 1 << (_bits(base) - 1)
    return -half, half - 1


def _from_decimal(value: Any) -> int:
    """DEC2*'s number: a number or numeric text, truncated; anything else ``#VALUE!``."""
    if value is None:
        return 0
    if isinstance(value, bool) or isinstance(value, list):
        raise _Refused("Value")
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise _Refused("Value") from None
    if not math.isfinite(value):
        raise _Refused("Num")
    return math.trunc(value)


def _from_base(value: Any, base: int) -> int:
    """BIN2*/OCT2*/HEX2*'s number: up to 10 digits of ``base``, the 10-character ones two's complement."""
    if value is None:
        return 0
    if isinstance(value, bool) or isinstance(value, list):
        raise _Refused("Value")
    if isinstance(value, float):
        if value != math.trunc(value) or value < 0:
            raise _Refused("Num")
        value = str(int(value))
    text = str(value).strip().upper()
    if not text:
        return 0
    if len(text) > WIDTH or any(c not in DIGITS[:base] for c in text):
        raise _Refused("Num")
    number = int(text, base)
    if len(text) == WIDTH and number >= 1 << (_bits(base) - 1):
        number -= 1 << _bits(base)
    return number


def _places(places: Any) -> int | None:
    if places is None:
        return None
    if isinstance(places, bool) or isinstance(places, list):
        raise _Refused("Value")
    if isinstance(places, str):
        try:
            places = float(places.strip())
        except ValueError:
            raise _Refused("Value") from None
    places = math.trunc(places)
    if not 1 <= places <= WIDTH:
        raise _Refused("Num")
    return places


def _to_base(number: int, base: int, width: int | None) -> str:
    low, high = _limits(base)
    if not low <= number <= high:
        raise _Refused("Num")
    if number < 0:
        return _digits(number + (1 << _bits(base)), base)
    text = _digits(number, base)
    if width is not None:
        if len(text) > width:
            raise _Refused("Num")
        text = text.rjust(width, "0")
    return text


def _digits(number: int, base: int) -> str:
    out = ""
    while True:
        number, rest = divmod(number, base)
        out = DIGITS[rest] + out
        if not number:
            return out


def convert(source: str, target: str, value: Any, places: Any = None) -> Any:
    """One conversion from base ``source`` to ``target`` (``"BIN"``, ``"OCT"``, ``"DEC"``, ``"HEX"``)."""
    for arg in (value, places):
        if is_error(arg):
            return arg
    try:
        width = None if target == "DEC" else _places(places)  # places are checked first (=DEC2BIN("E",0) is #NUM!)
        number = _from_decimal(value) if source == "DEC" else _from_base(value, BASES[source])
        if target == "DEC":
            return float(number)
        return _to_base(number, BASES[target], width)
    except _Refused as refused:
        return error_value(refused.kind)


def _callback(source: str, target: str):
    def run(value, places=None):
        if isinstance(value, list) or isinstance(places, list):  # an array argument: each element converted
            grid = value if isinstance(value, list) else [[value]]
            return [[convert(source, target, v, places) for v in row] for row in grid]
        return convert(source, target, value, places)

    run.__name__ = f"{source}2{target}"
    return run


def register(wb) -> None:
    """The twelve conversions in ``wb``, over the engine's own."""
    for source in BASES:
        for target in BASES:
            if source != target:
                wb.register_function(f"{source}2{target}", _callback(source, target), min_args=1,
                                     max_args=1 if target == "DEC" else 2, allow_override_builtin=True)
