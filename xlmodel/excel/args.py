"""Turn what Excel passes (cells, ranges, empties, text) into checked numpy arrays.

Every runtime hands a function something different: classic xlwings gives floats and
nested lists, Office.js gives ``None`` for empty and error cells and numbers as text
when the cell holds text, Python callers pass numpy arrays. All of it becomes a 2-D
array here, and every element is checked against the argument's rules.

One rule for a bad element inside a range: that element's result cell shows
``#VALUE! <message>`` and the other cells still compute. A bad single cell fails the
whole call with the same message.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from xlmodel.excel.errors import ArgumentError

REQUIRED: Any = object()  # marks an argument without a default

NUMBER_KINDS = ("number", "lines", "one", "vector")


@dataclass(frozen=True)
class Arg:
    """One argument of an Excel function, as the analyst sees it.

    ``kind`` says how a range is read:
    - ``number``: element by element, broadcast against the other arguments;
    - ``lines``: cost lines summed to the shape of the function's first argument;
    - ``one``: exactly one value;
    - ``vector``: one row or one column of values;
    - ``dates``: dates (Excel serial numbers, dates, or ISO text);
    - ``text``: text values, such as keys or labels;
    - ``flag``: TRUE/FALSE (1/0) element by element, broadcast like numbers;
    - ``raw``: passed through as a 2-D array for the function to read.

    ``default=None`` makes an argument optional without a value: a number argument left out
    reaches the function as NaN (its docstring says what that means, e.g. no terminal value).
    """

    name: str
    unit: str
    help: str
    kind: str = "number"
    default: Any = REQUIRED
    gt: float | None = None
    ge: float | None = None
    le: float | None = None
    integer: bool = False

    @property
    def optional(self) -> bool:
        return self.default is not REQUIRED

    def accepts(self, value: float) -> bool:
        """Whether one plain number passes this argument's rules (the checks of ``_check_rules``)."""
        return (math.isfinite(value) and (self.gt is None or value > self.gt)
                and (self.ge is None or value >= self.ge) and (self.le is None or value <= self.le)
                and (not self.integer or float(value).is_integer()))

    def number_rule(self) -> Callable[[float], bool]:
        """:meth:`accepts` as one chained comparison, for the scalar path (a NaN fails every comparison)."""
        bounds = [b for b in (self.gt, self.ge, self.le) if b is not None]
        if self.integer or (self.gt is not None and self.ge is not None) or not all(map(math.isfinite, bounds)):
            return self.accepts
        high = self.le if self.le is not None else math.inf
        if self.ge is not None:
            low = self.ge
            return (lambda v: low <= v <= high) if self.le is not None else (lambda v: low <= v < high)
        low = self.gt if self.gt is not None else -math.inf
        return (lambda v: low < v <= high) if self.le is not None else (lambda v: low < v < high)

    @property
    def rule(self) -> str:
        """The allowed range in words, e.g. ``> 0`` or ``0 to 1``."""
        if self.ge is not None and self.le is not None:
            return f"{fmt(self.ge)} to {fmt(self.le)}"
        parts = [f"> {fmt(self.gt)}" if self.gt is not None else "",
                 f">= {fmt(self.ge)}" if self.ge is not None else "",
                 f"<= {fmt(self.le)}" if self.le is not None else ""]
        return ", ".join(p for p in parts if p)


@dataclass
class Values:
    """A checked argument: float values, and a message where an element was bad."""

    values: np.ndarray
    errors: np.ndarray | None = None  # object array of messages (None where fine)

    @property
    def shape(self) -> tuple[int, ...]:
        return self.values.shape


def fmt(value: float) -> str:
    """A number as an analyst would type it: ``-5``, ``1.5``, ``1000000``."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.10g}" if isinstance(value, float) else str(value)


def shape_text(shape: tuple[int, ...]) -> str:
    return "x".join(str(n) for n in shape)


def to_grid(value: Any, name: str) -> np.ndarray:
    """Any cell, range or array as a 2-D numpy array (a 1-D list is one row)."""
    if isinstance(value, np.ndarray):
        arr = value
    elif isinstance(value, (list, tuple)):
        if len(value) == 0 or (isinstance(value[0], (list, tuple)) and len(value[0]) == 0):
            raise ArgumentError(f"{name} is an empty range")
        if isinstance(value[0], (list, tuple)):
            if len({len(row) for row in value}) != 1:
                raise ArgumentError(f"{name} has rows of different lengths")
            arr = np.empty((len(value), len(value[0])), dtype=object)
            arr[:] = value
        else:
            arr = np.empty((1, len(value)), dtype=object)
            arr[0, :] = value
        return _tighten(arr)
    elif hasattr(value, "to_numpy"):  # pandas Series / DataFrame
        arr = value.to_numpy()
    else:
        arr = np.empty((1, 1), dtype=object)
        arr[0, 0] = value
        return _tighten(arr)
    if arr.ndim == 0:
        arr = arr.reshape(1, 1)
    elif arr.ndim == 1:
        arr = arr.reshape(1, -1)
    elif arr.ndim > 2:
        raise ArgumentError(f"{name} must be a cell or a 2-D range, got {arr.ndim} dimensions")
    if arr.size == 0:
        raise ArgumentError(f"{name} is an empty range")
    return arr


def blank_cells(value: Any, arg: Arg) -> np.ndarray:
    """Flat mask of the empty cells of a range (nothing, or blank text)."""
    grid = to_grid(value, arg.name)
    if grid.dtype.kind in "fiub":  # numbers only: nothing is blank
        return np.zeros(grid.size, dtype=bool)
    return np.array([v is None or (isinstance(v, str) and not v.strip()) for v in grid.flat], dtype=bool)


def left_out(value: Any) -> bool:
    """An optional range argument not given: nothing, or one cell holding nothing or blank text."""
    if value is None:
        return True
    grid = to_grid(value, "value")
    item = grid.flat[0]
    return grid.size == 1 and (item is None or (isinstance(item, str) and not item.strip()))


def kept_column(value: Any, arg: Arg, keep: np.ndarray, noun: str, **rule: Any) -> np.ndarray:
    """One column of a list with spare rows, flat, blanks read as 0; the first bad value on a row ``keep``
    marks is refused, named by ``noun`` and its number. ``rule`` holds the bounds each value must meet."""
    parsed = parse_numbers(value, Arg(arg.name, arg.unit, arg.help, **rule), empty=0.0)
    errors = flat_errors(parsed)
    for i in np.flatnonzero(keep & np.not_equal(errors, None))[:1]:
        raise ArgumentError(f"{errors[i]} ({noun} {i + 1})")
    return parsed.values.ravel()


def flat_errors(parsed: Values) -> np.ndarray:
    """The message of each element, flat (None where it was fine)."""
    if parsed.errors is None:
        return np.full(parsed.values.size, None, dtype=object)
    return parsed.errors.ravel()


def _tighten(arr: np.ndarray) -> np.ndarray:
    """An object grid of plain numbers (no bools) as float, so checks can vectorize."""
    kinds = set(map(type, arr.flat))
    if kinds <= {float, int, np.float64, np.int64}:
        return arr.astype(float)
    return arr


def parse_numbers(value: Any, arg: Arg, empty: float | None = None) -> Values:
    """Check every element of a number argument; ``empty`` replaces blank cells."""
    grid = to_grid(value, arg.name)
    if empty is None and arg.kind == "lines" and grid.size > 1:
        empty = 0.0  # a blank line in a block of cost lines costs nothing
    if empty is None and arg.optional:
        empty = arg.default
    if grid.dtype.kind in "fiu":
        values, errors = grid.astype(float, copy=False), None
    elif grid.dtype.kind == "b":
        values, errors = np.zeros(grid.shape), np.full(grid.shape, None, dtype=object)
        errors[:] = f"{arg.name} must be a number, got a TRUE/FALSE value"
    else:
        values, errors = _numbers_from_objects(grid, arg, empty)
    errors = _check_rules(values, errors, arg)
    parsed = Values(values, errors)
    if errors is not None and values.size == 1:
        raise ArgumentError(errors.flat[0])
    return parsed


def _numbers_from_objects(grid: np.ndarray, arg: Arg, empty: float | None):
    return read_elements(grid, arg, lambda item: _number(item, empty), float)


def read_elements(grid: np.ndarray, arg: Arg, read, dtype) -> tuple[np.ndarray, np.ndarray | None]:
    """Apply ``read(item) -> (value, problem)`` to each element; collect a message per problem."""
    values = np.zeros(grid.shape, dtype=dtype)
    errors = np.full(grid.shape, None, dtype=object)
    for idx, item in np.ndenumerate(grid):
        value, problem = read(item)
        if problem:
            errors[idx] = f"{arg.name} {problem}"
        else:
            values[idx] = value
    return values, errors if any(e is not None for e in errors.flat) else None


def _number(item: Any, empty: float | None) -> tuple[float, str | None]:
    if item is None or (isinstance(item, str) and item.strip() == ""):
        return (0.0, "is empty; a value is required") if empty is None else (float(empty), None)
    if isinstance(item, (bool, np.bool_)):
        return 0.0, f"must be a number, got {str(bool(item)).upper()}"
    if isinstance(item, (int, float, np.integer, np.floating)):
        return float(item), None
    if isinstance(item, (dt.date, dt.datetime, np.datetime64)):
        return 0.0, f"must be a number, got the date {item}"
    if isinstance(item, str):
        return 0.0, f"must be a number, got text '{_clip(item)}'"
    return 0.0, f"must be a number, got {type(item).__name__}"


def _clip(text: str, width: int = 30) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def _check_rules(values: np.ndarray, errors: np.ndarray | None, arg: Arg) -> np.ndarray | None:
    """Flag elements that are not finite or break the argument's bounds."""
    checks = [(~np.isfinite(values), "must be a finite number")]
    if arg.gt is not None:
        checks.append((values <= arg.gt, f"must be > {fmt(arg.gt)}"))
    if arg.ge is not None and arg.le is not None:
        checks.append(((values < arg.ge) | (values > arg.le), f"must be between {fmt(arg.ge)} and {fmt(arg.le)}"))
    elif arg.ge is not None:
        checks.append((values < arg.ge, f"must be >= {fmt(arg.ge)}"))
    elif arg.le is not None:
        checks.append((values > arg.le, f"must be <= {fmt(arg.le)}"))
    if arg.integer:
        with np.errstate(invalid="ignore"):
            checks.append((values != np.floor(values), "must be a whole number"))
    for bad, rule in checks:
        if errors is not None:
            bad = bad & np.equal(errors, None)
        if not bad.any():
            continue
        if errors is None:
            errors = np.full(values.shape, None, dtype=object)
        for idx in zip(*np.nonzero(bad)):
            errors[idx] = f"{arg.name} {rule}, got {fmt(float(values[idx]))}"
    return errors


def one_value(parsed: Values, arg: Arg) -> float:
    """The single value of an argument that takes one cell."""
    if parsed.values.size != 1:
        raise ArgumentError(f"{arg.name} must be one value, got a {shape_text(parsed.shape)} range")
    return float(parsed.values.flat[0])


def vector(parsed: Values, arg: Arg) -> np.ndarray:
    """The values of an argument that takes one row or one column, as 1-D."""
    rows, cols = parsed.shape
    if rows != 1 and cols != 1:
        raise ArgumentError(f"{arg.name} must be one row or one column, got a {shape_text(parsed.shape)} range")
    if parsed.errors is not None:
        raise ArgumentError(next(e for e in parsed.errors.flat if e is not None))
    return parsed.values.ravel()


def sum_lines(parsed: Values, arg: Arg, target: tuple[int, int], anchor: str) -> Values:
    """Sum a range of cost lines down to the shape of the anchor argument.

    One anchor cell: the whole range is summed. An anchor row of n periods: a k x n
    range is summed down each column. An anchor column of m periods: an m x k range is
    summed across each row. A range of the anchor's own shape, or one cell, is used
    as it is.
    """
    shape = parsed.shape
    if shape == target or shape == (1, 1):
        return parsed
    if target == (1, 1):
        axis = None
    elif target[0] == 1 and shape[1] == target[1]:
        axis = 0
    elif target[1] == 1 and shape[0] == target[0]:
        axis = 1
    else:
        raise ArgumentError(
            f"{arg.name} is a {shape_text(shape)} range that cannot be lined up with "
            f"{anchor} ({shape_text(target)}): give one line per {anchor} cell, or lines "
            f"stacked along the other direction"
        )
    values = parsed.values.sum(axis=axis, keepdims=True)
    errors = None
    if parsed.errors is not None:
        bad = np.not_equal(parsed.errors, None)
        errors = np.full(values.shape, None, dtype=object)
        for idx in zip(*np.nonzero(bad)):
            out = (0, 0) if axis is None else ((0, idx[1]) if axis == 0 else (idx[0], 0))
            errors[out] = errors[out] or parsed.errors[idx]
    if errors is not None and values.size == 1:
        raise ArgumentError(errors.flat[0])
    return Values(values, errors)
