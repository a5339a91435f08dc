"""The one list of xlmodel's Excel functions, and how a cell calls one.

Each :class:`ExcelFunction` holds the Excel name, the arguments (with units and
help), what it returns, and the core function behind it. The xlwings module
(:mod:`xlmodel.excel.udfs`), the function reference, the headless workbook engine
and the tests all read this list, so they cannot drift apart.
"""

from __future__ import annotations

import importlib
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from xlmodel.excel.args import (
    NUMBER_KINDS,
    REQUIRED,
    Arg,
    Values,
    parse_numbers,
    shape_text,
    sum_lines,
)
from xlmodel.excel.errors import ArgumentError, CellError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExcelFunction:
    """An Excel function: its contract with the analyst and the code behind it.

    ``elementwise`` functions hand their checked, broadcast numbers to ``impl`` and
    get one result per element; the others hand ``impl`` the parsed arguments and get
    back a whole 2-D result (a table or grid).
    """

    name: str
    summary: str
    returns: str
    args: tuple[Arg, ...]
    impl: Callable[..., Any]
    category: str
    elementwise: bool = True

    @property
    def signature(self) -> str:
        parts = [a.name if not a.optional else f"[{a.name}]" if a.default is None else f"[{a.name}={a.default}]"
                 for a in self.args]
        return f"{self.name}({', '.join(parts)})"

    @property
    def required(self) -> int:
        return sum(not a.optional for a in self.args)

    def invoke(self, *values: Any) -> np.ndarray:
        """Compute the 2-D result, raising :class:`ArgumentError` for a bad call."""
        fast = self.scalar(values)
        if fast is not None:
            return np.full((1, 1), fast)
        parsed = self._parse_all(values)
        if not self.elementwise:
            return np.asarray(self.impl(*parsed))
        return _run_elementwise(self, parsed)

    def scalar(self, values: tuple[Any, ...], guard: bool = True) -> float | None:
        """The result of a call on plain numbers that pass every rule, without building arrays.

        None when any value is not a plain number (a range, text, empty, a bool), breaks
        a rule, or the result is not finite: the general path then gives the same
        answer or the message naming the argument. ``guard=False`` is for a caller that
        already runs under ``np.errstate(all="ignore")`` (it costs a third of a call).
        """
        plan = self._scalar_plan
        if plan is None or len(values) > len(plan):
            return None
        numbers = []
        given = len(values)
        for i, (default, accepts) in enumerate(plan):
            value = values[i] if i < given else None
            if value is None:
                value = default
            if type(value) not in PLAIN_NUMBERS or not accepts(value):
                return None
            numbers.append(float(value))
        try:
            if guard:
                with np.errstate(all="ignore"):
                    result = float(self.impl(*numbers))
            else:
                result = float(self.impl(*numbers))
        except (TypeError, ValueError):
            return None
        return result if math.isfinite(result) else None

    @cached_property
    def _scalar_plan(self) -> tuple[tuple[Any, Callable[[float], bool]], ...] | None:
        """Each argument's value when left out (REQUIRED when it cannot be) and its rules for one number.

        None when the function has no scalar path (not elementwise, or an argument read otherwise than as numbers).
        """
        if not self.elementwise or any(arg.kind not in ("number", "lines") for arg in self.args):
            return None
        return tuple((arg.default if arg.optional else REQUIRED, arg.number_rule()) for arg in self.args)

    def _parse_all(self, values: tuple[Any, ...]) -> list[Any]:
        if len(values) > len(self.args):
            raise ArgumentError(f"{self.name} takes at most {len(self.args)} arguments, got {len(values)}")
        parsed: list[Any] = []
        for i, arg in enumerate(self.args):
            value = values[i] if i < len(values) else None
            if _omitted(value) or (arg.optional and _blank_text(value)):
                if not arg.optional:
                    raise ArgumentError(f"{arg.name} is required ({arg.unit}: {arg.help})")
                if arg.default is None and arg.kind in NUMBER_KINDS:
                    parsed.append(Values(np.full((1, 1), np.nan)))  # left out: the function says what NaN means
                    continue
                value = arg.default
            parsed.append(_parse(arg, value, parsed, self.args))
        return parsed


def _omitted(value: Any) -> bool:
    """An argument left out: nothing, or Office.js's ``[[None]]`` for a missing optional."""
    if value is None:
        return True
    if isinstance(value, (list, tuple)) and len(value) == 1:
        inner = value[0]
        return inner is None or (isinstance(inner, (list, tuple)) and len(inner) == 1 and inner[0] is None)
    return False


def _blank_text(value: Any) -> bool:
    """Empty text in one cell: how the headless engine passes an empty argument (``F(a,,c)``)."""
    while isinstance(value, (list, tuple)) and len(value) == 1:
        value = value[0]
    return isinstance(value, str) and not value.strip()


def _parse(arg: Arg, value: Any, earlier: list[Any], args: tuple[Arg, ...]) -> Any:
    if arg.kind in NUMBER_KINDS:
        parsed = parse_numbers(value, arg)
        if arg.kind == "lines":
            anchor = earlier[0]
            parsed = sum_lines(parsed, arg, anchor.shape, args[0].name)
        return parsed
    from xlmodel.excel import readers  # kinds beyond numbers live with their readers

    return readers.parse(arg, value)


def _run_elementwise(fn: ExcelFunction, parsed: list[Values]) -> np.ndarray:
    return broadcast_call(fn.name, fn.args, parsed, fn.impl)


def broadcast_call(name: str, args: tuple[Arg, ...], parsed: list[Values], compute: Callable[..., Any]) -> np.ndarray:
    """``compute`` on the values of arguments that broadcast like Excel lifts its built-ins.

    The result has the broadcast shape; a bad element of an argument, or a result that is
    not finite, makes only its own cell an error.
    """
    try:
        shape = np.broadcast_shapes(*(p.shape for p in parsed))
    except ValueError:
        sizes = ", ".join(f"{a.name} is {shape_text(p.shape)}" for a, p in zip(args, parsed) if p.shape != (1, 1))
        raise ArgumentError(f"ranges cannot be lined up ({sizes}): use ranges of one shape, or single cells") from None
    with np.errstate(all="ignore"):
        result = np.broadcast_to(compute(*(p.values for p in parsed)), shape)
    errors = _merge_errors(parsed, shape)
    bad_result = ~np.isfinite(result)
    if errors is None and not bad_result.any():
        return result
    out = result.astype(object)
    for idx in zip(*np.nonzero(bad_result)):
        out[idx] = CellError(f"{name} has no finite result for these inputs")
    if errors is not None:
        for idx in zip(*np.nonzero(np.not_equal(errors, None))):
            out[idx] = CellError(errors[idx])
    return out


def _merge_errors(parsed: list[Values], shape: tuple[int, ...]) -> np.ndarray | None:
    """Per result cell, the first argument's message for a bad element, if any."""
    merged = None
    for p in parsed:
        if p.errors is None:
            continue
        errs = np.broadcast_to(p.errors, shape)
        if merged is None:
            merged = errs.copy()
        else:
            fill = np.equal(merged, None)
            merged[fill] = errs[fill]
    return merged


PLAIN_NUMBERS = frozenset({float, int, np.float64, np.int64})
REGISTRY: dict[str, ExcelFunction] = {}
_LOADED = False


def register(fn: ExcelFunction) -> ExcelFunction:
    if fn.name in REGISTRY:
        raise ValueError(f"{fn.name} is registered twice")
    REGISTRY[fn.name] = fn
    return fn


def functions() -> list[ExcelFunction]:
    """Every Excel function, in the order they were registered."""
    _load()
    return list(REGISTRY.values())


def get(name: str) -> ExcelFunction | None:
    _load()
    return REGISTRY.get(name.upper())


FUNCTION_MODULES = ("mining", "colocation", "bridge", "valuation", "scenarios", "trials", "explain")  # registration order is the reference's order


def _load() -> None:
    """Import the modules that register functions (once)."""
    global _LOADED
    if _LOADED:
        return
    for module in FUNCTION_MODULES:
        importlib.import_module(f"xlmodel.excel.{module}")
    _LOADED = True


def call(name: str, *args: Any) -> Any:
    """Call an Excel function by its Excel name exactly as a worksheet cell would.

    Arguments may be scalars, 2-D nested lists as Excel passes ranges, or numpy arrays.
    Returns what the cell shows: one value for a 1x1 result, otherwise a 2-D numpy
    array (``float``, or ``object`` when it holds text or error cells). A call that
    cannot compute returns a :class:`CellError` (``#VALUE! <message>``), never raises.
    """
    fn = REGISTRY.get(name) or get(name)
    if fn is None:
        return CellError(f"{name} is not an xlmodel function", code="#NAME?")
    fast = fn.scalar(args)
    if fast is not None:
        return fast
    try:
        result = fn.invoke(*args)
    except ArgumentError as exc:
        return CellError(str(exc))
    except Exception as exc:  # a bug must still reach the cell as a short message
        log.exception("xlmodel function %s failed", fn.name)
        return CellError(f"{fn.name} failed: {type(exc).__name__}: {exc}")
    return _as_cell_result(result)


def _as_cell_result(result: np.ndarray) -> Any:
    if result.ndim == 2 and result.shape == (1, 1):
        value = result[0, 0]
        return float(value) if isinstance(value, (float, np.floating, int, np.integer)) else value
    return np.array(result)
