"""Readers for the argument kinds that are not plain numbers: dates, text, TRUE/FALSE and raw ranges.

Dates arrive as Excel serial numbers (classic xlwings with plain values, Office.js,
the headless engine), as ``datetime``/``date`` objects (classic xlwings with date
conversion, Python callers) or as ISO text (``2025-06-30``). All become whole days
since 1970-01-01 in an ``int64`` array, with a message per element that could not be
read, like :mod:`xlmodel.excel.args` does for numbers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from xlmodel.excel.args import Arg, Values, read_elements, to_grid
from xlmodel.excel.errors import ArgumentError

EXCEL_EPOCH_OFFSET = 25_569  # serial of 1970-01-01 in Excel's 1900 date system
FIRST_RELIABLE_SERIAL = 61  # 1900-03-01: Excel's phantom 29 Feb 1900 makes earlier serials ambiguous
LAST_SERIAL = 2_958_465  # 9999-12-31


def parse(arg: Arg, value: Any) -> Any:
    if arg.kind == "dates":
        return parse_dates(value, arg)
    if arg.kind == "text":
        return parse_text(value, arg)
    if arg.kind == "raw":
        return to_grid(value, arg.name)
    if arg.kind == "flag":
        return parse_flags(value, arg)
    raise ValueError(f"unknown argument kind {arg.kind!r} for {arg.name}")


def parse_dates(value: Any, arg: Arg, allow_empty: bool = False) -> Values:
    """Every element as whole days since 1970-01-01 (``Values.values`` is ``int64``)."""
    grid = to_grid(value, arg.name)
    if grid.dtype.kind == "f" and _serials_in_range(grid):  # a range of serial numbers: no per-cell reading
        return Values(np.floor(grid).astype(np.int64) - EXCEL_EPOCH_OFFSET)
    days, errors = read_elements(grid, arg, lambda item: _day(item, allow_empty), np.int64)
    if errors is not None and grid.size == 1:
        raise ArgumentError(errors.flat[0])
    return Values(days, errors)


def _serials_in_range(grid: np.ndarray) -> bool:
    return bool(np.all((grid >= FIRST_RELIABLE_SERIAL) & (grid <= LAST_SERIAL)))  # NaN fails both


def _day(item: Any, allow_empty: bool) -> tuple[int, str | None]:
    if item is None or (isinstance(item, str) and not item.strip()):
        return (0, None) if allow_empty else (0, "is empty; a date is required")
    if isinstance(item, (bool, np.bool_)):
        return 0, f"must be a date, got {str(bool(item)).upper()}"
    if isinstance(item, dt.datetime):
        return item.date().toordinal() - dt.date(1970, 1, 1).toordinal(), None
    if isinstance(item, dt.date):
        return item.toordinal() - dt.date(1970, 1, 1).toordinal(), None
    if isinstance(item, np.datetime64):
        return int(item.astype("datetime64[D]").astype(np.int64)), None
    if isinstance(item, (int, float, np.integer, np.floating)):
        serial = float(item)
        if not np.isfinite(serial) or not FIRST_RELIABLE_SERIAL <= serial <= LAST_SERIAL:
            return 0, f"must be a date (an Excel serial from 61, i.e. 1900-03-01), got {item}"
        return int(np.floor(serial)) - EXCEL_EPOCH_OFFSET, None
    if isinstance(item, str):
        text = item.strip()
        try:
            parsed = dt.datetime.fromisoformat(text)
        except ValueError:
            return 0, f"must be a date such as 2025-06-30, got text '{text[:30]}'"
        return parsed.date().toordinal() - dt.date(1970, 1, 1).toordinal(), None
    return 0, f"must be a date, got {type(item).__name__}"


def day_text(day: int) -> str:
    return (dt.date(1970, 1, 1) + dt.timedelta(days=int(day))).isoformat()


def parse_text(value: Any, arg: Arg) -> np.ndarray:
    """Text values as a 2-D object array of ``str`` (blank cells become ``""``)."""
    grid = to_grid(value, arg.name)
    out = np.empty(grid.shape, dtype=object)
    for idx, item in np.ndenumerate(grid):
        if item is None:
            out[idx] = ""
        elif isinstance(item, float) and item.is_integer():
            out[idx] = str(int(item))
        else:
            out[idx] = str(item).strip()
    return out


FLAG_TEXT = {"TRUE": 1.0, "FALSE": 0.0}


def parse_flags(value: Any, arg: Arg) -> Values:
    """TRUE/FALSE as 1.0/0.0, element by element; 1 and 0 (and the text TRUE/FALSE) are read too."""
    grid = to_grid(value, arg.name)
    values, errors = read_elements(grid, arg, _flag, float)
    if errors is not None and grid.size == 1:
        raise ArgumentError(errors.flat[0])
    return Values(values, errors)


def _flag(item: Any) -> tuple[float, str | None]:
    if isinstance(item, (bool, np.bool_)):
        return float(item), None
    if isinstance(item, (int, float, np.integer, np.floating)) and float(item) in (0.0, 1.0):
        return float(item), None
    if isinstance(item, str) and item.strip().upper() in FLAG_TEXT:
        return FLAG_TEXT[item.strip().upper()], None
    shown = f"text '{item.strip()[:30]}'" if isinstance(item, str) else "nothing" if item is None else str(item)
    return 0.0, f"must be TRUE or FALSE, got {shown}"
