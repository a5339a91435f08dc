"""Every function, every kind of bad input: a short message naming the argument.

The rule for ranges (see ``xlmodel/excel/args.py``): a bad element inside a range makes
only its own result cell an error; a bad single cell fails the whole call.
"""

import math

import numpy as np
import pytest
from excel_samples import sample_args

from xlmodel.excel import CellError, call, functions
from xlmodel.excel.args import NUMBER_KINDS, fmt

NUMBER_FUNCTIONS = [f for f in functions() if all(a.kind in NUMBER_KINDS for a in f.args)]


def _cases():
    for fn in NUMBER_FUNCTIONS:
        for i, arg in enumerate(fn.args):
            bad = [("text", "abc", "must be a number, got text 'abc'"),
                   ("boolean", True, "must be a number, got TRUE"),
                   ("nan", math.nan, "must be a finite number, got nan"),
                   ("infinity", math.inf, "must be a finite number, got inf")]
            if not arg.optional:
                bad.append(("empty", [[None]], "is required"))
                bad.append(("empty string", "", "is empty; a value is required"))
            if arg.gt is not None:
                bad.append(("zero", arg.gt, f"must be > {fmt(arg.gt)}, got {fmt(arg.gt)}"))
                bad.append(("negative", -5, f"must be > {fmt(arg.gt)}, got -5"))
            if arg.ge is not None and arg.le is None:
                bad.append(("negative", -5, f"must be >= {fmt(arg.ge)}, got -5"))
            if arg.le is not None:
                bad.append(("above range", arg.le + 0.5, f"must be between {fmt(arg.ge)} and {fmt(arg.le)}"))
                bad.append(("below range", arg.ge - 0.5, f"must be between {fmt(arg.ge)} and {fmt(arg.le)}"))
            if arg.integer:  # a fraction inside any range the argument has
                fraction = 840_000.5 if arg.le is None else math.floor((arg.ge + arg.le) / 2) + 0.5
                bad.append(("fraction", fraction, f"must be a whole number, got {fmt(fraction)}"))
            for label, value, message in bad:
                if arg.kind == "vector" and label in ("empty string",):
                    continue
                yield pytest.param(fn, i, value, f"{arg.name} {message}", id=f"{fn.name}-{arg.name}-{label}")


@pytest.mark.parametrize("fn,i,value,message", list(_cases()))
def test_bad_single_value(fn, i, value, message):
    args = sample_args(fn)
    if fn.args[i].kind == "vector" and not isinstance(value, list):
        value = [[value]]
    args[i] = value
    out = call(fn.name, *args)
    assert isinstance(out, CellError), out
    assert message in out
    assert len(out) < 160 and "Traceback" not in out


def _range_cases():
    for fn in NUMBER_FUNCTIONS:
        for i, arg in enumerate(fn.args):
            if arg.kind in ("number",):
                yield pytest.param(fn, i, id=f"{fn.name}-{arg.name}")


@pytest.mark.parametrize("fn,i", list(_range_cases()))
def test_bad_element_in_a_range_spares_the_rest(fn, i):
    args = sample_args(fn)
    good = args[i]
    args[i] = [[good], ["oops"], [good]]
    out = call(fn.name, *args)
    assert out.shape == (3, 1)
    assert isinstance(out[1, 0], CellError) and f"{fn.args[i].name} must be a number" in out[1, 0]
    assert out[0, 0] == out[2, 0] == pytest.approx(call(fn.name, *sample_args(fn)))


@pytest.mark.parametrize("fn", [f for f in NUMBER_FUNCTIONS if sum(a.kind == "number" for a in f.args) >= 2])
def test_ranges_that_cannot_broadcast(fn):
    args = sample_args(fn)
    numbers = [i for i, a in enumerate(fn.args) if a.kind == "number"]
    a, b = numbers[:2]
    args[a] = [[args[a]]] * 3
    args[b] = [[args[b]]] * 4
    out = call(fn.name, *args)
    assert isinstance(out, CellError)
    assert f"{fn.args[a].name} is 3x1" in out and f"{fn.args[b].name} is 4x1" in out


@pytest.mark.parametrize("fn", [f for f in NUMBER_FUNCTIONS if any(a.kind == "one" for a in f.args)])
def test_a_range_where_one_value_is_required(fn):
    args = sample_args(fn)
    i = next(i for i, a in enumerate(fn.args) if a.kind == "one")
    args[i] = [[args[i], args[i]]]
    out = call(fn.name, *args)
    assert isinstance(out, CellError) and f"{fn.args[i].name} must be one value, got a 1x2 range" in out


@pytest.mark.parametrize("fn", [f for f in NUMBER_FUNCTIONS if any(a.kind == "vector" for a in f.args)])
def test_a_block_where_a_row_or_column_is_required(fn):
    args = sample_args(fn)
    i = next(i for i, a in enumerate(fn.args) if a.kind == "vector")
    args[i] = [[1, 2], [3, 4]]
    out = call(fn.name, *args)
    assert isinstance(out, CellError) and "must be one row or one column, got a 2x2 range" in out


@pytest.mark.parametrize("fn", [f for f in NUMBER_FUNCTIONS if any(a.kind == "lines" for a in f.args)])
def test_cost_lines_that_cannot_line_up(fn):
    args = sample_args(fn)
    args[0] = [[1_000, 900]]
    args[1] = [[1e6, 1e6, 1e6]]
    out = call(fn.name, *args)
    assert isinstance(out, CellError) and "power_cost_usd is a 1x3 range that cannot be lined up" in out


def test_too_many_arguments():
    out = call("BTC_HASHCOST", 20, 50, 1)
    assert isinstance(out, CellError) and "takes at most 2 arguments, got 3" in out


def test_result_without_a_finite_value_is_reported():
    # a pool fee of 100% leaves no BTC to pay for power
    out = call("BTC_POWER_COST_PER_BTC", 20, 50, 1_000, 0, 3.125, 1)
    assert isinstance(out, CellError) and "no finite result" in out


def test_error_cells_from_office_js_arrive_as_none():
    out = call("BTC_HASHCOST", [[20], [None]], 50)
    assert isinstance(out[1, 0], CellError) and "efficiency_j_per_th is empty" in out[1, 0]
    assert out[0, 0] == pytest.approx(24.0)


def test_numpy_bool_array_is_rejected():
    out = call("BTC_HASHCOST", np.array([True, False]), 50)
    assert all(isinstance(v, CellError) for v in out.flat)
