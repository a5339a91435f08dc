"""Checks on provider responses: fields present, of the right type, in a plausible range."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from xlmodel.data.http import SourceError


def need(obj: Any, name: str, where: str) -> Any:
    if not isinstance(obj, dict):
        raise SourceError(f"{where}: expected a JSON object, got {type(obj).__name__}")
    if name not in obj:
        raise SourceError(f"{where}: response lacks field '{name}' (renamed or missing)")
    return obj[name]


def number(value: Any, name: str, where: str) -> float:
    """A finite number, also from the numeric strings some providers send (amounts, satoshis).

    ``"1e999"``, ``"nan"`` and JSON's ``Infinity`` parse as floats but are no amount: refused,
    so no infinity reaches a check or a sheet (where it would not even be valid XML).
    """
    if isinstance(value, bool):
        raise SourceError(f"{where}: '{name}' is a boolean, not a number")
    try:
        parsed = float(value) if isinstance(value, (int, float, str)) else None
    except (ValueError, OverflowError):  # text that is no number; an int beyond a float
        parsed = None
    if parsed is not None and math.isfinite(parsed):
        return parsed
    raise SourceError(f"{where}: '{name}' is not a finite number: {str(value)[:40]!r}")


def plausible(value: float, low: float, high: float, name: str, where: str) -> float:
    if not low <= value <= high:
        raise SourceError(f"{where}: {name} = {value:g} is outside the plausible range {low:g} to {high:g}")
    return value


def unix_date(value: Any, name: str, where: str) -> str:
    """An ISO date from a unix time in seconds (a value in milliseconds is recognised and converted)."""
    seconds = number(value, name, where)
    if seconds > 1e11:  # milliseconds: 1e11 s is the year 5138
        seconds /= 1000.0
    plausible(seconds, 1_230_768_000, 4_102_444_800, name, where)  # 2009-01-01 .. 2100-01-01
    return dt.datetime.fromtimestamp(seconds, dt.UTC).date().isoformat()
