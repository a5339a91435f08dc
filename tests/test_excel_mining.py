"""The BTC_* Excel functions through ``xlmodel.excel.call``: values, shapes, defaults, ranges."""

import datetime as dt
import math

import numpy as np
import pytest
from excel_samples import sample_args
from hypothesis import given, settings
from hypothesis import strategies as st

from xlmodel.core import mining
from xlmodel.excel import CellError, call, functions, get

CORE = {
    "BTC_BLOCK_SUBSIDY": mining.block_subsidy,
    "BTC_HASHRATE_FROM_DIFFICULTY": mining.hashrate_from_difficulty,
    "BTC_HASHPRICE": mining.hashprice,
    "BTC_HASHCOST": mining.hashcost,
    "BTC_FLEET_POWER_MW": mining.fleet_power_mw,
    "BTC_MINED": mining.btc_mined,
    "BTC_POWER_COST_PER_BTC": mining.power_cost_per_btc,
    "BTC_CASH_COST_PER_BTC": mining.cash_cost_per_btc,
    "BTC_ALL_IN_COST_PER_BTC": mining.all_in_cost_per_btc,
    "BTC_BREAKEVEN_POWER_PRICE": mining.breakeven_power_price,
    "BTC_BREAKEVEN_PRICE": mining.breakeven_btc_price,
}

CONTRACT = {  # the names and argument order, as analysts type them
    "BTC_BLOCK_SUBSIDY": "block_height",
    "BTC_HASHRATE_FROM_DIFFICULTY": "difficulty",
    "BTC_HASHPRICE": "btc_price_usd, network_hashrate_ehs, fees_btc_per_block, [block_subsidy_btc=3.125]",
    "BTC_HASHCOST": "efficiency_j_per_th, power_usd_per_mwh",
    "BTC_FLEET_POWER_MW": "fleet_hashrate_ehs, efficiency_j_per_th",
    "BTC_MINED": "fleet_hashrate_ehs, network_hashrate_ehs, days, [fees_btc_per_block=0.0], "
    "[block_subsidy_btc=3.125], [uptime=1.0], [pool_fee=0.0]",
    "BTC_POWER_COST_PER_BTC": "efficiency_j_per_th, power_usd_per_mwh, network_hashrate_ehs, "
    "[fees_btc_per_block=0.0], [block_subsidy_btc=3.125], [pool_fee=0.0]",
    "BTC_CASH_COST_PER_BTC": "btc_mined, power_cost_usd, [power_credits_usd=0.0], "
    "[other_direct_cost_usd=0.0], [cash_sga_usd=0.0]",
    "BTC_ALL_IN_COST_PER_BTC": "btc_mined, power_cost_usd, [power_credits_usd=0.0], "
    "[other_direct_cost_usd=0.0], [cash_sga_usd=0.0], [depreciation_usd=0.0], [stock_comp_usd=0.0], "
    "[interest_usd=0.0]",
    "BTC_BREAKEVEN_POWER_PRICE": "btc_price_usd, efficiency_j_per_th, network_hashrate_ehs, "
    "[fees_btc_per_block=0.0], [block_subsidy_btc=3.125], [pool_fee=0.0]",
    "BTC_BREAKEVEN_PRICE": "efficiency_j_per_th, power_usd_per_mwh, network_hashrate_ehs, "
    "[fees_btc_per_block=0.0], [block_subsidy_btc=3.125], [pool_fee=0.0], [other_cost_usd_per_btc=0.0]",
    "BTC_COST_GRID": "power_usd_per_mwh_list, network_hashrate_ehs_list, efficiency_j_per_th, "
    "[fees_btc_per_block=0.0], [block_subsidy_btc=3.125], [pool_fee=0.0]",
}


@pytest.mark.parametrize("name,args", CONTRACT.items())
def test_names_and_argument_order_are_the_contract(name, args):
    assert get(name).signature == f"{name}({args})"


def test_every_btc_function_is_in_the_contract():
    assert {f.name for f in functions() if f.name.startswith("BTC_")} == set(CONTRACT)


@pytest.mark.parametrize("name", CORE)
def test_single_cells_give_the_core_value(name):
    fn = get(name)
    args = sample_args(fn)
    assert call(name, *args) == pytest.approx(float(CORE[name](*args)), rel=1e-12)


@pytest.mark.parametrize("name", CORE)
def test_optional_arguments_take_their_defaults(name):
    fn = get(name)
    required = sample_args(fn)[: fn.required]
    defaults = [a.default for a in fn.args[fn.required :]]
    expected = float(CORE[name](*required, *defaults))
    assert call(name, *required) == pytest.approx(expected)
    # Office.js passes [[None]] for an omitted optional argument
    assert call(name, *required, *([[[None]]] * len(defaults))) == pytest.approx(expected)


@pytest.mark.parametrize("name", CORE)
def test_every_number_argument_broadcasts(name):
    fn = get(name)
    base = sample_args(fn)
    for i, arg in enumerate(fn.args):
        if arg.kind == "lines":
            continue  # summed, tested below
        column = [[base[i]], [base[i] * 1.5 if arg.name not in ("block_height",) else base[i] + 210_000]]
        if arg.le == 1:
            column = [[base[i]], [base[i] / 2]]
        out = call(name, *base[:i], column, *base[i + 1 :])
        assert isinstance(out, np.ndarray) and out.shape == (2, 1), (arg.name, out)
        second = [*base[:i], column[1][0], *base[i + 1 :]]
        assert out[1, 0] == pytest.approx(call(name, *second)), arg.name


def test_row_against_column_gives_a_grid_like_excel():
    out = call("BTC_HASHPRICE", [[60_000], [70_000], [80_000]], [[900, 1_000]], 0.03)
    assert out.shape == (3, 2)
    assert out[1, 1] == pytest.approx(31.8024)


def test_numpy_and_pandas_inputs():
    import pandas as pd

    prices = np.array([60_000.0, 70_000.0])
    assert call("BTC_HASHPRICE", prices, 1_000, 0.03).shape == (1, 2)
    assert call("BTC_HASHPRICE", pd.Series([70_000.0]), 1_000, 0.03) == pytest.approx(31.8024)


def test_cash_cost_sums_a_range_of_cost_lines():
    # one quarter, power on two lines (two sites), SG&A on three
    single = call("BTC_CASH_COST_PER_BTC", 1_000, [[30e6], [10e6]], 0, 0, [[1e6], [2e6], [None]])
    assert single == pytest.approx((40e6 + 3e6) / 1_000)


def test_cash_cost_lines_per_period():
    # quarters across a row; each cost argument has one row per cost line
    btc = [[1_000, 800, 500]]
    power = [[30e6, 31e6, 32e6], [10e6, 9e6, 8e6]]
    out = call("BTC_CASH_COST_PER_BTC", btc, power, [[1e6, 0, 2e6]])
    np.testing.assert_allclose(out, [[39e6 / 1_000, 40e6 / 800, 38e6 / 500]])
    # quarters down a column; cost lines across
    out = call("BTC_CASH_COST_PER_BTC", [[1_000], [800]], [[30e6, 10e6], [31e6, 9e6]])
    np.testing.assert_allclose(out, [[40e3], [50e3]])


def test_all_in_adds_non_cash_items():
    cash = call("BTC_CASH_COST_PER_BTC", 1_000, 40e6, 0, 0, 10e6)
    all_in = call("BTC_ALL_IN_COST_PER_BTC", 1_000, 40e6, 0, 0, 10e6, 20e6, 5e6, 1e6)
    assert all_in - cash == pytest.approx(26e3)


def test_cost_grid_layout():
    out = call("BTC_COST_GRID", [[30], [50]], [[900, 1_000]], 20, 0.03)
    assert out.shape == (3, 3)
    assert isinstance(out[0, 0], str) and "USD/BTC" in out[0, 0]
    assert list(out[0, 1:]) == [900, 1_000]
    assert list(out[1:, 0]) == [30, 50]
    assert out[2, 2] == pytest.approx(call("BTC_POWER_COST_PER_BTC", 20, 50, 1_000, 0.03))
    # a row of prices works the same as a column
    np.testing.assert_array_equal(out, call("BTC_COST_GRID", [[30, 50]], [[900], [1_000]], 20, 0.03))


def test_unknown_function_is_a_name_error():
    out = call("BTC_NOPE", 1)
    assert isinstance(out, CellError) and out.code == "#NAME?"


def test_names_are_case_insensitive_like_excel():
    assert call("btc_hashcost", 20, 50) == call("BTC_HASHCOST", 20, 50)


def test_dates_are_not_numbers():
    out = call("BTC_HASHCOST", dt.date(2025, 1, 1), 50)
    assert isinstance(out, CellError) and "efficiency_j_per_th must be a number" in out


def test_sample_table_covers_every_argument():
    for fn in functions():
        assert len(sample_args(fn)) == len(fn.args), fn.name


ELEMENTWISE = [fn for fn in functions() if fn.elementwise]


@pytest.mark.parametrize("fn", ELEMENTWISE, ids=lambda fn: fn.name)
@given(data=st.data())
@settings(max_examples=60, deadline=None)
def test_the_plain_number_fast_path_answers_as_the_range_path(fn, data):
    """call() on plain numbers skips array building; a 1x1 range takes the general path."""
    values = [data.draw(st.one_of(st.none(), st.integers(-5, 1_000_000), st.floats(-1e7, 1e7, allow_nan=False)))
              if a.optional else data.draw(st.one_of(st.integers(-5, 1_000_000), st.floats(-1e7, 1e7)))
              for a in fn.args]
    fast = call(fn.name, *values)
    general = call(fn.name, *[None if v is None else [[v]] for v in values])
    if isinstance(general, float):
        assert fast == pytest.approx(general, rel=1e-15, abs=0)
    else:
        assert fast == general


EDGES = [math.nan, math.inf, -math.inf, 0.0, -0.0, 1.0, -1.0, 0.5, 2.0, 1e300, -1e300]


@pytest.mark.parametrize("arg", [a for fn in functions() for a in fn.args if a.kind in ("number", "lines")],
                         ids=lambda a: a.name)
@given(value=st.floats())
@settings(max_examples=40, deadline=None)
def test_the_scalar_paths_rule_is_the_arguments_rule(arg, value):
    """The scalar path's one comparison accepts exactly what Arg.accepts does, bounds and infinities included."""
    rule = arg.number_rule()
    bounds = [b for b in (arg.gt, arg.ge, arg.le) if b is not None]
    for v in [value, *EDGES, *bounds, *(math.nextafter(b, d) for b in bounds for d in (-math.inf, math.inf))]:
        assert rule(v) == arg.accepts(v), v
