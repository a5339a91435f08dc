"""XLMODEL_EXPLAIN: why a call, or which of its cells, could not compute.

A cell that cannot compute shows an Excel error value (``#VALUE!``), which ``ISERROR``
and ``IFERROR`` see; the reason is on hover in xlwings Lite and Server. This function
gives the reasons in cells: called with another function's name and the same
arguments, it returns that call's result shape with the reason where a cell failed and
empty text where it computed, or the one reason when the whole call failed.
"""

from __future__ import annotations

import numpy as np

from xlmodel.excel.args import Arg, left_out
from xlmodel.excel.errors import ArgumentError, CellError
from xlmodel.excel.registry import ExcelFunction, get, register

NAME = "XLMODEL_EXPLAIN"
MAX_ARGS = 10
FUNCTION_NAME = Arg("function_name", "text", "Name of the xlmodel function to explain, e.g. BTC_HASHPRICE",
                    kind="text")
PASSED = tuple(Arg(f"arg_{i}", "as the function's", f"Argument {i} of that function, as you pass it", kind="raw",
                   default=None) for i in range(1, MAX_ARGS + 1))


def explain(function_name: np.ndarray, *args) -> np.ndarray:
    name = str(function_name.flat[0]).strip().upper()
    fn = get(name)
    if fn is None or fn.name == NAME:
        raise ArgumentError(f"function_name must name an xlmodel function, got '{name}'")
    args = tuple(None if left_out(a) else a for a in args)
    extra = [i for i, a in enumerate(args[len(fn.args):], start=len(fn.args) + 1) if a is not None]
    if extra:
        raise ArgumentError(f"{fn.name} takes {len(fn.args)} arguments; arg_{extra[0]} is given as well")
    try:
        result = fn.invoke(*args[:len(fn.args)])
    except ArgumentError as exc:
        return np.array([[str(exc)]], dtype=object)
    result = np.asarray(result)
    reasons = np.full(result.shape, "", dtype=object)
    for idx, value in np.ndenumerate(result):
        if isinstance(value, CellError):
            reasons[idx] = value.message
    return reasons


register(ExcelFunction(
    NAME, "Why another xlmodel call, or which of its cells, could not compute: the reason per cell.",
    "text in the called function's shape: the reason where a cell failed, empty where it computed",
    (FUNCTION_NAME, *PASSED), explain, "xlmodel", elementwise=False))
