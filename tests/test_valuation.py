"""VAL_*: dilution, lease and mining value, the sum of the parts, the implied value per MW.

Exact checks of each convention (textbook treasury-stock and if-converted cases, the
zero-discount identities against COLO_REVENUE_SCHEDULE and BTC_MINED, Excel's XNPV as
computed by the formula engine, a month across a halving, curtailed months), hypothesis
properties, and the bad inputs the issue lists.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlmodel.calc import engine
from xlmodel.core import colocation, mining, valuation
from xlmodel.excel import CellError, call

RFS = [["2025-01-01"], ["2024-02-29"], ["2026-07-15"]]  # a leap-day block among them
MW = [[50], [100], [25]]
TERMS = [[12], [10], [15]]


def _term_ends(rfs=RFS, terms=TERMS) -> list[str]:
    """The day before each block's term_years-th anniversary: its last day of rent."""
    days = np.array([r[0] for r in rfs], dtype="datetime64[D]").astype(np.int64)
    t = np.array([x[0] for x in terms])
    ends = colocation.anniversaries(days, int(t.max()))[np.arange(len(t)), t] - 1
    return [str(np.datetime64(int(e), "D")) for e in ends]


# --- VAL_DILUTED_SHARES -------------------------------------------------------------------------

@pytest.mark.parametrize("price,expected", [
    # 1,000 options at 15 USD with the shares at 20: proceeds 15,000 buy back 750 shares, 250 added
    (20.0, 10_000 + 250),
    (15.0, 10_000),  # at the strike nothing is added
    (10.0, 10_000),  # out of the money
])
def test_treasury_stock_method_textbook_case(price, expected):
    assert call("VAL_DILUTED_SHARES", 10_000, price, 1_000, 15) == pytest.approx(expected)


def test_an_rsu_has_strike_zero_and_adds_its_count():
    assert call("VAL_DILUTED_SHARES", 10_000, 7.0, [[300], [1_000]], [[0], [15]]) == pytest.approx(10_300)


@pytest.mark.parametrize("price,expected", [
    (25.0, 1_000_000 + 40_000),  # at the conversion price: 1,000,000 USD / 25 = 40,000 shares
    (30.0, 1_000_000 + 40_000),
    (24.99, 1_000_000),  # below it: the note stays debt
])
def test_if_converted_textbook_case(price, expected):
    got = call("VAL_DILUTED_SHARES", 1_000_000, price, None, None, 1_000_000, 25)
    assert got == pytest.approx(expected)


def test_a_range_of_prices_gives_one_result_each_and_spare_rows_are_skipped():
    got = call("VAL_DILUTED_SHARES", 300e6, [[5], [10], [30]], [[1e6], [5e6], [None]], [[0], [6.81], [None]],
               [[400e6], [625e6]], [[11.0], [22.49]])
    expected = [300e6 + 1e6, 300e6 + 1e6 + 5e6 * (1 - 6.81 / 10),
                300e6 + 1e6 + 5e6 * (1 - 6.81 / 30) + 400e6 / 11 + 625e6 / 22.49]
    np.testing.assert_allclose(got.ravel(), expected)


@pytest.mark.parametrize("args,message", [
    ((-5, 10), "basic_shares must be >= 0, got -5"),
    ((100, 10, [[1], [2]], [[0], [1], [2]]), "instrument_counts has 2 cells but strikes_usd has 3: give one of each "
                                             "per tranche"),
    ((100, 10, None, None, [[1e6]], [[10], [12]]), "convert_principals_usd has 1 cells but conversion_prices_usd "
                                                   "has 2"),
    ((100, 10, [[1], [2]]), "strikes_usd is required with instrument_counts"),
    ((100, 10, [[1], [None]], [[0], [5]]), "instrument_counts is empty for tranche 2, which has strikes_usd"),
    ((100, 10, None, None, 1e6, 0), "conversion_prices_usd must be > 0, got 0"),
    ((100, 0), "share_price_usd must be > 0, got 0"),
])
def test_bad_dilution_inputs_are_named(args, message):
    out = call("VAL_DILUTED_SHARES", *args)
    assert isinstance(out, CellError) and message in out, out


@settings(max_examples=60, deadline=None)
@given(basic=st.floats(0, 1e10), price=st.floats(0.01, 1e4),
       counts=st.lists(st.floats(0, 1e8), min_size=1, max_size=5),
       strikes=st.lists(st.floats(0, 1e4), min_size=5, max_size=5),
       principal=st.floats(0, 1e10), conversion=st.floats(0.01, 1e4))
def test_diluted_shares_are_never_below_basic(basic, price, counts, strikes, principal, conversion):
    got = valuation.diluted_shares(basic, price, counts, strikes[:len(counts)], [principal], [conversion])
    assert got >= basic


# --- VAL_VALUE_PER_SHARE: dilution at the model's own value ------------------------------------

def _converted(value, principals, conversions) -> float:
    """Principal of the notes that convert at a value per share: at or above their conversion price."""
    return float(sum(p for p, c in zip(principals, conversions) if value >= c))


def test_an_option_tranche_alone_dilutes_by_the_treasury_stock_method_at_the_solved_value():
    # E 1.5 bn over 100 M shares is 15.00 before the 10 M options at 10 USD. In the money at V:
    # V (100 M + 10 M (1 - 10 / V)) = 1.5 bn  =>  110 M V = 1.5 bn + 100 M  =>  V = 1.6 bn / 110 M = 14.5454...
    value = call("VAL_VALUE_PER_SHARE", 1.5e9, 100e6, 10e6, 10)
    assert value == pytest.approx(1.6e9 / 110e6, rel=1e-15)
    assert value * call("VAL_DILUTED_SHARES", 100e6, value, 10e6, 10) == pytest.approx(1.5e9, rel=1e-15)


def test_a_note_that_converts_only_at_the_solved_value():
    # 500 M USD at 20 USD (25 M shares). The market price, 12, leaves it as debt: diluted 100 M shares.
    # E 2.5 bn: 25.00 a share before conversion, so it converts at V: V = (2.5 bn + 500 M) / 125 M = 24.00 >= 20
    assert call("VAL_DILUTED_SHARES", 100e6, 12, None, None, 500e6, 20) == 100e6
    assert call("VAL_VALUE_PER_SHARE", 2.5e9, 100e6, None, None, 500e6, 20) == pytest.approx(24.0, rel=1e-15)


def test_a_note_that_converts_at_the_market_price_but_not_at_the_solved_value():
    # At a market price of 30 the note converts (125 M diluted shares), and E plus its principal over them
    # is 2.0 bn / 125 M = 16.00. But at 16 it would not convert. The consistent value: 1.5 bn / 100 M = 15.00 < 20
    assert call("VAL_DILUTED_SHARES", 100e6, 30, None, None, 500e6, 20) == 125e6
    assert call("VAL_VALUE_PER_SHARE", 1.5e9, 100e6, None, None, 500e6, 20) == pytest.approx(15.0, rel=1e-15)


def test_several_notes_and_an_option_tranche():
    # 100 M shares; 5 M options at 5; notes of 200 M at 10 (20 M shares) and 300 M at 25 (12 M shares); E 2.0 bn.
    # Try the piece between 10 and 25 (options and the first note in the money):
    # V = (2.0 bn + 5 M x 5 + 200 M) / (100 M + 5 M + 20 M) = 2.225 bn / 125 M = 17.80, inside [10, 25]: the answer
    args = ([[5e6]], [[5]], [[200e6], [300e6]], [[10], [25]])
    value = call("VAL_VALUE_PER_SHARE", 2.0e9, 100e6, *args)
    assert value == pytest.approx(17.8, rel=1e-15)
    diluted = call("VAL_DILUTED_SHARES", 100e6, value, *args)
    assert value * diluted == pytest.approx(2.0e9 + 200e6, rel=1e-15)  # only the note at 10 left debt


@pytest.mark.parametrize("args,expected", [
    # B V + 100 max(V - 10, 0) = 1,000: V = 10 exactly, where the note converts and adds nothing either way
    ((1_000, 100, None, None, 1_000, 10), 10.0),
    ((1_000, 100, 50, 10), 10.0),  # on a strike: the tranche is at the money and adds no share
    ((1e9, 1e8, 1e7, 0), 1e9 / 1.1e8),  # RSUs (strike 0) always add their count
    ((-3e8, 1e8, 1e7, 0, 5e8, 1), -3.0),  # equity <= 0: over the basic shares
    ((0.0, 1e8, 1e7, 0, 5e8, 1), 0.0),
])
def test_edges_breakpoints_rsus_and_equity_at_or_below_zero(args, expected):
    value = call("VAL_VALUE_PER_SHARE", *args)
    assert value == expected or value == pytest.approx(expected, rel=1e-15)


def test_a_column_of_equity_values_gives_one_result_each():
    equity = [[-1e9], [0.5e9], [2.0e9], [3.5e9], ["n/a"], [9e9]]
    args = ([[5e6]], [[5]], [[200e6], [300e6]], [[10], [25]])
    column = call("VAL_VALUE_PER_SHARE", equity, 100e6, *args)
    assert column.shape == (6, 1)
    assert isinstance(column[4, 0], CellError) and "equity_value_usd must be a number, got text 'n/a'" in column[4, 0]
    for row, e in enumerate(equity):
        if row != 4:
            assert column[row, 0] == call("VAL_VALUE_PER_SHARE", e[0], 100e6, *args)
    assert np.all(np.diff(column[[0, 1, 2, 3, 5], 0].astype(float)) > 0)


@pytest.mark.parametrize("args,message", [
    ((1e9, 0), "basic_shares must be > 0, got 0"),
    ((1e9, -5), "basic_shares must be > 0, got -5"),
    ((None, 1e8), "equity_value_usd is required"),
    ((1e9, 1e8, [[1], [2]]), "strikes_usd is required with instrument_counts"),
    ((1e9, 1e8, [[1], [2]], [[0], [1], [2]]), "instrument_counts has 2 cells but strikes_usd has 3"),
    ((1e9, 1e8, None, None, 1e6, 0), "conversion_prices_usd must be > 0, got 0"),
    ((1e9, 1e8, None, None, [[1e6], [None]], [[10], [12]]), "convert_principals_usd is empty for note 2"),
    ((1e9, 1e8, [[1], [-1]], [[5], [5]]), "instrument_counts must be >= 0, got -1 (row 2)"),
    (("abc", 1e8), "equity_value_usd must be a number, got text 'abc'"),
])
def test_bad_value_per_share_inputs_are_named(args, message):
    out = call("VAL_VALUE_PER_SHARE", *args)
    assert isinstance(out, CellError) and message in out, out


tranches = st.lists(st.tuples(st.floats(0, 1e9), st.floats(0, 1e3)), max_size=4)
notes = st.lists(st.tuples(st.floats(0, 1e10), st.floats(0.01, 1e3)), max_size=4)


@settings(max_examples=200, deadline=None)
@given(basic=st.floats(1e6, 1e10), options=tranches, converts=notes, equity=st.floats(-1e12, 1e12),
       on_breakpoint=st.integers(0, 8))
def test_the_value_is_consistent_with_the_dilution_it_assumes(basic, options, converts, equity, on_breakpoint):
    """V x diluted(V) = E + principal converted at V, under VAL_DILUTED_SHARES' own rules at V (a note converts at
    V >= its conversion price, a tranche dilutes at strike < V), also where V lands exactly on a breakpoint."""
    counts, strikes = [c for c, _ in options], [k for _, k in options]
    principals, conversions = [p for p, _ in converts], [c for _, c in converts]
    breakpoints = strikes + conversions
    with np.errstate(over="ignore", invalid="ignore"):  # strike / V for V near 0: a tranche far out of the money
        if on_breakpoint < len(breakpoints) and breakpoints[on_breakpoint] > 0:  # the equity where V is exactly it
            b = breakpoints[on_breakpoint]
            equity = b * float(valuation.diluted_shares(basic, b, counts, strikes, principals, conversions)) \
                - _converted(b, principals, conversions)
        value = float(valuation.value_per_share(equity, basic, counts, strikes, principals, conversions))
        if equity <= 0:
            assert value == equity / basic
            return
        diluted = float(valuation.diluted_shares(basic, value, counts, strikes, principals, conversions))
    claimed = equity + _converted(value, principals, conversions)
    assert value * diluted == pytest.approx(claimed, rel=1e-9)
    assert value <= equity / basic * (1 + 1e-12)  # dilution never raises the value per share


@settings(max_examples=60, deadline=None)
@given(basic=st.floats(1e6, 1e10), options=tranches, converts=notes,
       equity=st.lists(st.floats(1.0, 1e12), min_size=2, max_size=20))
def test_more_equity_never_lowers_the_value_per_share(basic, options, converts, equity):
    args = ([c for c, _ in options], [k for _, k in options], [p for p, _ in converts], [c for _, c in converts])
    ordered = np.sort(equity)
    values = valuation.value_per_share(ordered, basic, *args)
    assert np.all(np.diff(values) >= 0)
    np.testing.assert_array_equal(values, [valuation.value_per_share(e, basic, *args) for e in ordered])


# --- VAL_LEASE_NPV ---------------------------------------------------------------------------------

def test_zero_discount_equals_the_schedules_revenue_over_each_term_times_margin():
    margin, escalator = 0.82, 0.03
    revenue = sum(call("COLO_REVENUE_SCHEDULE", [rfs], [mw], 120, rfs[0], end, escalator)
                  for rfs, mw, end in zip(RFS, MW, _term_ends()))
    got = call("VAL_LEASE_NPV", RFS, MW, 120, margin, 0, TERMS, "2024-01-01", escalator)
    assert got == pytest.approx(margin * revenue, rel=1e-12)


def test_each_day_discounts_as_excels_xnpv_computes_it(tmp_path):
    """One block's daily NOI from the valuation date (mid-term) to its term end, discounted by the
    engine's XNPV (an implementation of Excel's, not ours) over the same dated flows."""
    start, valuation_date, rate, margin, escalator = dt.date(2024, 2, 29), dt.date(2025, 11, 15), 0.09, 0.85, 0.04
    end = dt.date(2027, 3, 1)  # a 3-year term from a leap day ends on 1 March
    wb = openpyxl.Workbook()
    ws = wb.active
    day, row = valuation_date, 1
    while day < end:
        year = (day >= dt.date(2025, 3, 1)) + (day >= dt.date(2026, 3, 1))
        ws.cell(row, 1, day)
        ws.cell(row, 2, 10 * 1_000 * 130 * 12 / 365 * (1 + escalator) ** year * margin)
        day, row = day + dt.timedelta(days=1), row + 1
    ws["D1"] = f"=XNPV({rate},B1:B{row - 1},A1:A{row - 1})"
    path = tmp_path / "xnpv.xlsx"
    wb.save(path)
    xnpv = engine.calculate(path).values[("Sheet", "D1")]
    got = call("VAL_LEASE_NPV", "2024-02-29", 10, 130, margin, rate, 3, valuation_date.isoformat(), escalator)
    assert got == pytest.approx(xnpv, rel=1e-10)


def test_terminal_value_is_the_final_years_noi_over_the_cap_rate_discounted_from_the_term_end():
    rate, cap, margin = 0.08, 0.065, 0.8
    without = call("VAL_LEASE_NPV", "2025-07-01", 100, 120, margin, rate, 10, "2025-07-01", 0.03)
    with_tv = call("VAL_LEASE_NPV", "2025-07-01", 100, 120, margin, rate, 10, "2025-07-01", 0.03, cap)
    final_year = call("COLO_REVENUE_SCHEDULE", "2025-07-01", 100, 120, "2034-07-01", "2035-06-30", 0.03) * margin
    years_to_end = (dt.date(2035, 7, 1) - dt.date(2025, 7, 1)).days / 365
    assert with_tv - without == pytest.approx(final_year / cap / (1 + rate) ** years_to_end, rel=1e-12)


def test_a_valuation_date_partway_through_counts_only_the_rest_of_the_term():
    rest = call("COLO_REVENUE_SCHEDULE", "2024-02-29", 100, 120, "2026-01-01", "2034-02-28", 0.02)
    got = call("VAL_LEASE_NPV", "2024-02-29", 100, 120, 0.9, 0, 10, "2026-01-01", 0.02)
    assert got == pytest.approx(0.9 * rest, rel=1e-12)


def test_capex_is_subtracted_undiscounted():
    base = call("VAL_LEASE_NPV", RFS, MW, 120, 0.8, 0.1, 12, "2025-06-30")
    assert call("VAL_LEASE_NPV", RFS, MW, 120, 0.8, 0.1, 12, "2025-06-30", 0, None, 5e8) == pytest.approx(base - 5e8)


def test_rates_down_and_margins_across_give_a_grid():
    rates, margins = [[0.07], [0.09], [0.11]], [[0.75, 0.8, 0.85]]
    grid = call("VAL_LEASE_NPV", RFS, MW, 120, margins, rates, TERMS, "2025-06-30", 0.03, 0.065)
    assert grid.shape == (3, 3)
    for i, r in enumerate(rates):
        for j, m in enumerate(margins[0]):
            assert grid[i, j] == pytest.approx(call("VAL_LEASE_NPV", RFS, MW, 120, m, r[0], TERMS, "2025-06-30",
                                                    0.03, 0.065))
    assert (np.diff(grid, axis=0) < 0).all() and (np.diff(grid, axis=1) > 0).all()


@pytest.mark.parametrize("args,message", [
    ((RFS, MW, 120, 0.8, -1, 12, "2025-06-30"), "discount_rate must be > -1, got -1"),
    ((RFS, MW, 120, 0.8, 0.1, TERMS, "2045-06-30"), "valuation_date 2045-06-30 is after every block's term end "
                                                 "(the last ends 2041-07-15)"),
    ((RFS, MW, 120, 0.8, 0.1, [[12], [10]], "2025-06-30"), "term_years has 2 cells: give one term, or one per "
                                                           "block (3)"),
    ((RFS, MW, 120, 0.8, 0.1, 12.5, "2025-06-30"), "term_years must be a whole number"),
    ((RFS, [[50], [100]], 120, 0.8, 0.1, 12, "2025-06-30"), "rfs_dates has 3 cells but mw_blocks has 2"),
    ((RFS, MW, 120, 1.2, 0.1, 12, "2025-06-30"), "noi_margin must be between 0 and 1, got 1.2"),
    ((RFS, MW, 120, 0.8, 0.1, 12, "2025-06-30", 0, 0), "terminal_cap_rate must be > 0, got 0"),
    (([[None], [None]], [[None], [None]], 120, 0.8, 0.1, 12, "2025-06-30"), "rfs_dates holds no block"),
    ((RFS, MW, 120, 0.8, 0.1, TERMS, "2025-06-30", 0, None, -1), "remaining_capex_usd must be >= 0, got -1"),
])
def test_bad_lease_inputs_are_named(args, message):
    out = call("VAL_LEASE_NPV", *args)
    assert isinstance(out, CellError) and message in out, out


def test_a_bad_rate_in_a_column_spoils_only_its_cell():
    out = call("VAL_LEASE_NPV", RFS, MW, 120, 0.8, [[0.1], [-2], [0.12]], 12, "2025-06-30")
    assert isinstance(out[1, 0], CellError) and "discount_rate must be > -1, got -2" in out[1, 0]
    assert out[0, 0] > out[2, 0] > 0


@settings(max_examples=40, deadline=None)
@given(low=st.floats(-0.5, 0.5), step=st.floats(0.001, 0.5), cap=st.one_of(st.none(), st.floats(0.03, 0.15)),
       extra_mw=st.floats(0.1, 500))
def test_value_falls_as_the_rate_rises_and_more_mw_never_lowers_it(low, step, cap, extra_mw):
    def value(rate, blocks=MW):
        return call("VAL_LEASE_NPV", RFS, blocks, 120, 0.8, rate, TERMS, "2025-06-30", 0.03, cap)

    assert value(low + step) < value(low)
    more = [[MW[0][0] + extra_mw], *MW[1:]]
    assert value(low, more) >= value(low)


# --- VAL_MINING_NPV -------------------------------------------------------------------------------

FLEET, EFFICIENCY, POWER, PRICE, NETWORK, FEES, POOL = 16.3, 18.0, 45.0, 90_000, 1_050, 0.03, 0.01


def _month_margin(price=PRICE, power=POWER, subsidy=3.125) -> float:
    btc = call("BTC_MINED", FLEET, NETWORK, 365.25 / 12, FEES, subsidy, 1, POOL)
    return btc * price - call("BTC_FLEET_POWER_MW", FLEET, EFFICIENCY) * 24 * 365.25 / 12 * power


def test_zero_growth_and_discount_give_twelve_times_years_months_of_margin():
    got = call("VAL_MINING_NPV", FLEET, EFFICIENCY, POWER, PRICE, NETWORK, 2, 0, 0, 0, FEES, 929_699, 0, True, POOL)
    assert got == pytest.approx(24 * _month_margin(), rel=1e-12)  # 929,699 + 24 x 4,383 is before 1,050,000


def test_a_month_across_the_halving_mixes_both_subsidies_by_blocks():
    height = 1_050_000 - 1_000  # 1,000 blocks at 3.125, then 3,383 at 1.5625
    got = call("VAL_MINING_NPV", FLEET, EFFICIENCY, POWER, PRICE, NETWORK, 1 / 12, 0, 0, 0, FEES, height, 0, True,
               POOL)
    subsidy = (1_000 * 3.125 + 3_383 * 1.5625) / 4_383
    assert got == pytest.approx(_month_margin(subsidy=subsidy), rel=1e-12)
    assert mining.monthly_subsidy(height, 2)[1] == 1.5625


@pytest.mark.parametrize("height", [13_440_000, 1e17, 1e19])  # from the 64th halving on, no subsidy at all
def test_a_block_height_past_the_last_halving_mines_only_fees(height):
    # 1e19 blocks is beyond int64: it once wrapped round to a negative height and mined 50 BTC a block
    assert call("VAL_MINING_NPV", FLEET, EFFICIENCY, 0, PRICE, NETWORK, 1, 0, 0, 0, FEES, height) == pytest.approx(
        12 * call("BTC_MINED", FLEET, NETWORK, 365.25 / 12, FEES, 0) * PRICE, rel=1e-12)


def test_curtailed_months_earn_nothing_but_other_cost_is_paid():
    expensive = 400.0  # USD/MWh: every month's margin is negative
    assert _month_margin(power=expensive) < 0
    args = (FLEET, EFFICIENCY, expensive, PRICE, NETWORK, 2, 0, 0, 0, FEES, None, 12e6)
    assert call("VAL_MINING_NPV", *args, True, POOL) == pytest.approx(-24e6)
    assert call("VAL_MINING_NPV", *args, False, POOL) == pytest.approx(24 * _month_margin(power=expensive) - 24e6)


def test_growth_compounds_and_discounting_is_mid_month():
    got = call("VAL_MINING_NPV", FLEET, EFFICIENCY, POWER, PRICE, NETWORK, 1, 0.1, 0.2, 0.3, FEES, None, 0, True,
               POOL)
    t = (np.arange(12) + 0.5) / 12
    btc = FLEET / (NETWORK * 1.3 ** t) * 4_383 * (3.125 + FEES) * (1 - POOL)
    power = FLEET * EFFICIENCY * 24 * 365.25 / 12 * POWER
    assert got == pytest.approx(float(((btc * PRICE * 1.2 ** t - power) / 1.1 ** t).sum()), rel=1e-12)


def test_a_price_by_power_grid_is_one_call():
    grid = call("VAL_MINING_NPV", FLEET, EFFICIENCY, [[30], [45], [60]], [[60_000, 90_000, 120_000]], NETWORK, 3,
                0.1)
    assert grid.shape == (3, 3)
    assert (np.diff(grid, axis=0) <= 0).all() and (np.diff(grid, axis=1) >= 0).all()


def test_curtail_must_be_true_or_false():
    out = call("VAL_MINING_NPV", FLEET, EFFICIENCY, POWER, PRICE, NETWORK, 1, 0.1, 0, 0, 0, None, 0, "maybe")
    assert isinstance(out, CellError) and "curtail must be TRUE or FALSE, got text 'maybe'" in out


@settings(max_examples=40, deadline=None)
@given(power=st.floats(0, 200), more=st.floats(0.01, 100), rate=st.floats(-0.5, 1.0), curtail=st.booleans())
def test_higher_power_prices_never_raise_the_mining_value(power, more, rate, curtail):
    def value(p):
        return valuation.mining_npv(FLEET, EFFICIENCY, p, PRICE, NETWORK, 4, rate, 0.1, 0.4, FEES, 929_699, 1e6,
                                    curtail, POOL)

    assert value(power + more) <= value(power)


# --- VAL_SOTP and VAL_IMPLIED_USD_PER_MW ----------------------------------------------------------

def test_sotp_lists_each_part_then_down_to_value_per_share():
    table = call("VAL_SOTP", [["Contracted leases"], ["Pipeline"], ["Mining"], [None]], [[6e9], [1e9], [5e8], [None]],
                 1.2e9, 330e6, 500, 90_000)
    assert [r[0] for r in table] == ["Contracted leases", "Pipeline", "Mining", "btc_holdings", "net_debt",
                                     "equity_value", "diluted_shares", "value_per_share"]
    values = dict(table)
    assert values["btc_holdings"] == 45e6 and values["net_debt"] == -1.2e9
    assert values["equity_value"] == pytest.approx(6e9 + 1e9 + 5e8 + 45e6 - 1.2e9)
    assert values["value_per_share"] == pytest.approx(values["equity_value"] / 330e6)


@pytest.mark.parametrize("args,message", [
    (([["Leases"], ["Pipeline"]], [[6e9], [None]], 1e9, 3e8), "part_values_usd is empty for 'Pipeline'"),
    (([["Leases"], ["Leases"]], [[6e9], [1e9]], 1e9, 3e8), "part_names has 'Leases' twice"),
    (([["Leases"], ["equity_value"]], [[6e9], [1e9]], 1e9, 3e8), "'equity_value' which VAL_SOTP adds itself"),
    (([["Leases"]], [[6e9]], 1e9, 0), "diluted_shares must be > 0, got 0"),
    (([["Leases"]], [[6e9]], 1e9, 3e8, 100), "btc_price_usd is required when btc_held is given"),
    (([["Leases"]], [[6e9], [1e9]], 1e9, 3e8), "part_names has 1 cells but part_values_usd has 2"),
])
def test_bad_sotp_inputs_are_named(args, message):
    out = call("VAL_SOTP", *args)
    assert isinstance(out, CellError) and message in out, out


def test_implied_value_per_mw_is_elementwise_over_peers():
    got = call("VAL_IMPLIED_USD_PER_MW", [[20], [15]], [[330e6], [400e6]], [[1e9], [-2e8]], [[2e9], [1e9]],
               [[590], [245]])
    np.testing.assert_allclose(got.ravel(), [(20 * 330e6 + 1e9 - 2e9) / 590, (15 * 400e6 - 2e8 - 1e9) / 245])


def test_zero_contracted_mw_is_refused():
    out = call("VAL_IMPLIED_USD_PER_MW", 20, 330e6, 1e9, 2e9, 0)
    assert isinstance(out, CellError) and "contracted_mw must be > 0, got 0" in out
