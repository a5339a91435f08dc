"""xlmodel's functions for Excel, through xlwings.

This is the module to name in the ``UDF Modules`` setting of the xlwings add-in
(``xlmodel.excel.udfs``) and to import in xlwings Lite's ``main.py``
(``from xlmodel.excel.udfs import *``). Every function in the registry becomes a
module-level function named like its Excel name, with the xlwings decorators and the
help text of each argument applied from the registry.

On a machine without an xlwings runtime the decorators do nothing, and the module
still imports: the functions are then plain Python callables.

A call that cannot compute at all raises :class:`CallError`, its message naming the
argument, its unit and the value: xlwings Lite and Server show ``#VALUE!`` with the
message on hover, classic xlwings writes the message into the cell. A bad element
inside a range gives that cell an Excel error value (the exact ``#VALUE!`` text, which
Office.js turns into the error value); ``XLMODEL_EXPLAIN`` gives the reasons in cells.
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np
import xlwings as xw

from xlmodel.excel.errors import CellError
from xlmodel.excel.registry import ExcelFunction, call, functions


class CallError(xw.XlwingsError, ValueError):
    """A whole call that cannot compute; the message names the argument, its unit and the value.

    An ``XlwingsError`` because xlwings Server answers one with its message (HTTP 400, shown
    on hover); any other exception becomes "An error occurred." outside its dev environment,
    and a 500 that the add-in retries three times.
    """


def _result(fn: ExcelFunction, result: Any) -> Any:
    """What the cell receives: the values, error codes for bad elements; raises for a wholly bad call."""
    if isinstance(result, CellError):
        raise CallError(_with_unit(fn, result.message))
    if isinstance(result, np.ndarray) and result.dtype == object:
        bad = [v for v in result.flat if isinstance(v, CellError)]
        if bad and len(bad) == result.size:
            raise CallError(f"no cell of the result computed; the first: {_with_unit(fn, bad[0].message)}")
        if bad:
            result = np.vectorize(lambda v: v.code if isinstance(v, CellError) else v, otypes=[object])(result)
    return _to_excel(result)


def _with_unit(fn: ExcelFunction, message: str) -> str:
    """The message with the unit after the argument it names: ``network_hashrate_ehs [EH/s] must be ...``."""
    for a in fn.args:
        if message.startswith(a.name + " ") and a.unit:
            return f"{a.name} [{a.unit}]{message[len(a.name):]}"
    return message


def _to_excel(result: Any) -> Any:
    """A 2-D result as nested lists of plain Python values, which every runtime writes."""
    if isinstance(result, np.ndarray):
        return [[_plain(v) for v in row] for row in result.tolist()]
    return _plain(result)


def _plain(value: Any) -> Any:
    return float(value) if isinstance(value, np.floating) else value


def _make_udf(fn: ExcelFunction):
    def udf(*args: Any) -> Any:
        return _result(fn, call(fn.name, *args))

    params = [
        inspect.Parameter(
            a.name,
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
            default=None if a.optional else inspect.Parameter.empty,
        )
        for a in fn.args
    ]
    udf.__signature__ = inspect.Signature(params)
    udf.__name__ = udf.__qualname__ = fn.name
    udf.__doc__ = f"{fn.summary} Returns {fn.returns}."
    udf.__module__ = __name__
    for a in reversed(fn.args):
        help_text = f"{a.help} [{a.unit}]" + (f", default {a.default}" if a.optional and a.default is not None else "")
        udf = xw.arg(a.name, ndim=2, doc=help_text)(udf)
    return xw.func(name=fn.name, category=fn.category)(udf)


__all__ = []
for _fn in functions():
    globals()[_fn.name] = _make_udf(_fn)
    __all__.append(_fn.name)
