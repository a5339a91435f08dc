"""Trial functions (SCN_*_TRIALS): identities with the VAL_* and SCN_* functions, coherence of trials across
functions and entities, properties, bad input, and the value-per-share recipe recalculated headlessly."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.worksheet.formula import ArrayFormula

from xlmodel.calc import engine
from xlmodel.core import colocation, mining, trials, valuation
from xlmodel.core import scenarios as scn
from xlmodel.excel import CellError, call

FLEET, EFFICIENCY, POWER, PRICE, NETWORK, FEES, POOL = 16.3, 18.0, 45.0, 90_000, 1_050, 0.03, 0.01


def _column(out) -> np.ndarray:
    """A trial column as the cell receives it (one trial: a single value), flat."""
    assert not isinstance(out, CellError), out
    out = np.atleast_2d(out)
    assert out.shape[1] == 1, out.shape
    return out[:, 0].astype(float)


def _uncorrelated(a: np.ndarray, b: np.ndarray) -> bool:
    """Sample correlation within 4 standard errors (1 / sqrt(n)) of 0."""
    return abs(np.corrcoef(a, b)[0, 1]) < 4 / math.sqrt(a.size)


# --- SCN_PRICE_TRIALS: the paths SCN_BTC_PRICE draws

HISTORY = 60_000 * np.exp(np.cumsum(np.random.default_rng(4).normal(0.001, 0.03, 400)))[:, None]


@pytest.mark.parametrize("history", [None, HISTORY], ids=["gbm", "bootstrap"])
@pytest.mark.parametrize("months,paths", [(1, 1), (36, 5_000), (40, 777)])
def test_price_trial_percentiles_are_scn_btc_prices_row(history, months, paths):
    q = [0.5, 5, 25, 50, 75, 95, 99.9]
    prices = _column(call("SCN_PRICE_TRIALS", PRICE, 0.55, months, paths, 11, 0.1, history))
    assert prices.size == paths
    row = call("SCN_BTC_PRICE", PRICE, 0.55, months, paths, 11, 0.1, [q], history)
    row = np.atleast_2d(row)[-1, 1:]
    np.testing.assert_array_equal(scn.percentiles_of_sorted(np.sort(prices)[None, :], q)[0], row)
    np.testing.assert_allclose(np.percentile(prices, q), row, rtol=1e-14)


def test_a_shorter_horizon_is_the_same_path_read_earlier():
    """Draws go month by month over every trial, so month 12 of each 36-month path is the 12-month trial."""
    rows = [np.exp(log_price) for _, log_price, _ in scn.log_price_blocks(7, PRICE, 0.5, 36, 900, block_values=1)]
    paths = np.vstack(rows)
    np.testing.assert_array_equal(paths[11], _column(call("SCN_PRICE_TRIALS", PRICE, 0.5, 12, 900, 7)))
    np.testing.assert_array_equal(paths[35], _column(call("SCN_PRICE_TRIALS", PRICE, 0.5, 36, 900, 7)))


# --- SCN_MINING_NPV_TRIALS: VAL_MINING_NPV along the paths SCN_MINING_MARGIN draws

@pytest.mark.parametrize("years,drift,growth,height,curtail,other", [
    (4, 0.2, 0.3, 900_000, True, 1e6),  # the 2028 halving inside the horizon
    (2.5, -0.1, 0.5, None, True, 0),
    (1 / 24, 0.0, 0.0, 1_049_000, False, 5e5),  # half a month rounds to one, across a halving
    (20, 0.3, 0.4, 840_000, True, 2e7),  # the longest horizon: 240 months, curtailed months late on
    (3, 0.05, 0.1, 1_000_000, False, 0),
])
def test_zero_volatility_is_val_mining_npv_with_growth_exp_drift_minus_one(years, drift, growth, height, curtail,
                                                                            other):
    got = _column(call("SCN_MINING_NPV_TRIALS", FLEET, EFFICIENCY, POWER, PRICE, NETWORK, years, 0.1, 0, 64, 3,
                       drift, growth, 0, 0.4, FEES, height, other, curtail, POOL))
    expected = call("VAL_MINING_NPV", FLEET, EFFICIENCY, POWER, PRICE, NETWORK, years, 0.1, math.exp(drift) - 1,
                    growth, FEES, height, other, curtail, POOL)
    np.testing.assert_allclose(got, expected, rtol=1e-9)


def test_a_one_month_horizon_gives_back_scn_mining_margins_paths():
    """Over one month a trial is d (c sqrt(x0 x1) - power), x = price / network: x1 of every trial comes back,
    and its hashprice less hashcost has SCN_MINING_MARGIN's month-1 percentiles (same seed, hashrate noise and
    correlation included); with no hashrate noise x1 times the network is SCN_PRICE_TRIALS' price."""
    q, paths, rate = [5, 25, 50, 75, 95], 4_000, 0.1
    args = (0, 0.5, 0.45, -0.6, FEES, 900_000, 0, False, POOL)  # drift, growth, hashrate vol, correlation, ...
    value = _column(call("SCN_MINING_NPV_TRIALS", FLEET, EFFICIENCY, 0, PRICE, NETWORK, 1 / 12, rate, 0.5, paths,
                         21, *args))
    subsidy = mining.monthly_subsidy(900_000, 1)[0]
    per_ratio = FLEET * mining.BLOCKS_PER_MONTH * (1 - POOL) * (subsidy + FEES)
    x1 = (value * (1 + rate) ** (0.5 / 12) / per_ratio) ** 2 / (PRICE / NETWORK)
    margin = call("SCN_MINING_MARGIN", PRICE, 0.5, NETWORK, 0.5, EFFICIENCY, 45, 1, paths, 21, FEES, 900_000,
                  0.45, -0.6, [q])
    hashprice = mining.hashprice(x1, 1.0, FEES, subsidy)
    np.testing.assert_allclose(np.percentile(hashprice - mining.hashcost(EFFICIENCY, 45), q), margin[0, 1:6],
                               rtol=1e-9)
    quiet = _column(call("SCN_MINING_NPV_TRIALS", FLEET, EFFICIENCY, 0, PRICE, NETWORK, 1 / 12, rate, 0.5, paths, 21,
                         0.3, 0.5, 0, 0, FEES, 900_000, 0, False, POOL))
    price = (quiet * (1 + rate) ** (0.5 / 12) / per_ratio) ** 2 / (PRICE / NETWORK) * NETWORK * 1.5 ** (1 / 12)
    np.testing.assert_allclose(price, _column(call("SCN_PRICE_TRIALS", PRICE, 0.5, 1, paths, 21, 0.3)), rtol=1e-9)


def test_the_mean_trial_matches_the_lognormal_mean_of_each_months_geometric_midpoint():
    """ln x moves by a = (mu - s^2/2 + s_h^2/2 - ln(1 + g)) / 12 a month, with variance s_x^2 / 12,
    s_x^2 = s^2 + s_h^2 - 2 rho s s_h, so (ln x_{m-1} + ln x_m) / 2 is normal with mean ln x0 + a (m - 1/2) and
    variance s_x^2 (m - 3/4) / 12: each uncurtailed month's mean is known, and so the mean trial."""
    vol, drift, growth, hash_vol, rho, years, rate, paths = 0.5, 0.1, 0.4, 0.3, 0.5, 3, 0.12, 20_000
    value = _column(call("SCN_MINING_NPV_TRIALS", FLEET, EFFICIENCY, POWER, PRICE, NETWORK, years, rate, vol, paths,
                         5, drift, growth, hash_vol, rho, FEES, None, 1e6, False, POOL))
    m = np.arange(1, 37)
    a = (drift - vol**2 / 2 + hash_vol**2 / 2 - math.log1p(growth)) / 12
    var = (vol**2 + hash_vol**2 - 2 * rho * vol * hash_vol) / 12 * (m - 0.75)
    discount = (1 + rate) ** -((m - 0.5) / 12)
    per_ratio = FLEET * mining.BLOCKS_PER_MONTH * (1 - POOL) * (3.125 + FEES)
    power = FLEET * EFFICIENCY * 24 * 365.25 / 12 * POWER
    mean = np.sum(discount * (per_ratio * PRICE / NETWORK * np.exp(a * (m - 0.5) + var / 2) - power - 1e6 / 12))
    assert value.mean() == pytest.approx(mean, abs=5 * value.std() / math.sqrt(paths))


def test_block_sizes_change_no_bit_of_the_mining_trials():
    args = (FLEET, EFFICIENCY, POWER, PRICE, NETWORK, 3.5, 0.1, 0.5, 500, 9, 0.1, 0.3, 0.3, 0.4, FEES, 900_000, 1e6,
            True, POOL, HISTORY.ravel())
    whole = trials.mining_npv_trials(*args)
    for block_values in (1, 6 * 500, 9 * 500):
        np.testing.assert_array_equal(trials.mining_npv_trials(*args, block_values=block_values), whole)


# --- SCN_LEASE_NPV_TRIALS: VAL_LEASE_NPV with slipped RFS dates

RFS = [["2024-02-29"], ["2025-06-30"], ["2025-09-30"], ["2026-02-28"], ["2027-01-15"]]  # two delivered by 2025-06-30
MW = [[8], [40], [202], [50], [30]]
RATES = [[120], [125], [130], [140], [150]]
TERMS = [[10], [12], [12], [15], [12]]
VALUED = "2025-06-30"
LEASE = (RFS, MW, RATES, 0.82, 0.09, TERMS, VALUED)


def _plan(rfs=RFS, escalator=0.03, cap=0.07, capex=2e8) -> float:
    return call("VAL_LEASE_NPV", rfs, MW, RATES, 0.82, 0.09, TERMS, VALUED, escalator, cap, capex)


@pytest.mark.parametrize("escalator,cap,capex", [(0.0, None, 0.0), (0.03, 0.07, 2e8)])
def test_no_slip_is_val_lease_npv(escalator, cap, capex):
    got = _column(call("SCN_LEASE_NPV_TRIALS", *LEASE, 0, 300, 1, None, escalator, cap, capex, "CORZ"))
    np.testing.assert_allclose(got, _plan(escalator=escalator, cap=cap, capex=capex), rtol=1e-9)


@pytest.mark.parametrize("months", [0.5, 1, 3.3, 6, 18.25])
@pytest.mark.parametrize("escalator,cap", [(0.0, None), (0.03, 0.07)])
def test_an_exact_slip_is_val_lease_npv_on_the_undelivered_dates_moved_by_round_m_months_of_days(months, escalator,
                                                                                                   cap):
    got = _column(call("SCN_LEASE_NPV_TRIALS", *LEASE, months, 200, 1, 0, escalator, cap, 2e8))
    days = dt.timedelta(days=round(months * 365.25 / 12))
    moved = [[d[0] if d[0] <= VALUED else str(dt.date.fromisoformat(d[0]) + days)] for d in RFS]
    np.testing.assert_allclose(got, _plan(moved, escalator, cap, 2e8), rtol=1e-9)


def test_delivered_blocks_never_slip_so_a_schedule_all_delivered_is_its_plan_in_every_trial():
    delivered = [["2024-02-29"], ["2025-06-30"]]
    got = _column(call("SCN_LEASE_NPV_TRIALS", delivered, [[8], [40]], 120, 0.8, 0.09, 12, VALUED, 6, 500, 2))
    np.testing.assert_allclose(got, call("VAL_LEASE_NPV", delivered, [[8], [40]], 120, 0.8, 0.09, 12, VALUED),
                               rtol=1e-9)


def _calendar_allowance(rfs, escalator, cap, margin=0.82, valued=VALUED) -> float:
    """What a later RFS date can add through the calendar alone: a term that takes in one more 29 February gains
    a day's rent at each of at most two steps (an anniversary and the term end) and one day in the final year the
    cap rate capitalises [USD]."""
    days = colocation.day_numbers(np.ravel(rfs))
    terms = np.ravel(TERMS)
    final = colocation.daily_rent(np.ravel(MW), np.ravel(RATES)) * (1 + escalator) ** (terms - 1)
    per_day = final[days > colocation.day_numbers(valued)].sum()
    return margin * per_day * (2 + (0 if cap is None else 1 / cap))


@settings(max_examples=25, deadline=None)
@given(mean=st.floats(0.05, 24), sd_share=st.floats(0, 2), more=st.floats(1, 4), escalator=st.sampled_from([0, 0.03]),
       cap=st.sampled_from([None, 0.065]), rate=st.floats(0, 0.3), seed=st.integers(0, 2**32))
def test_more_slip_never_raises_a_trials_lease_value_beyond_the_calendar(mean, sd_share, more, escalator, cap, rate,
                                                                         seed):
    """Scaling a gamma delay's mean and sd by ``more`` >= 1 scales every trial's delay (same draws): every trial
    is worth no more, up to what one more 29 February in a term can add; and none is worth more than the plan."""
    def trials_at(k):
        return _column(call("SCN_LEASE_NPV_TRIALS", RFS, MW, RATES, 0.82, rate, TERMS, VALUED, mean * k, 300, seed,
                            mean * sd_share * k, escalator, cap, 0, "CORZ"))

    less, later = trials_at(1), trials_at(more)
    allowance = _calendar_allowance(RFS, escalator, cap)
    assert np.all(later <= less + allowance)
    plan = call("VAL_LEASE_NPV", RFS, MW, RATES, 0.82, rate, TERMS, VALUED, escalator, cap)
    assert np.all(less <= plan + allowance)


# --- SCN_PIPELINE_TRIALS

SITES, USD_PER_MW = [[200], [None], [300], [1_000]], 2e6


@pytest.mark.parametrize("probability,expected", [(0, 0.0), (1, (200 + 300 + 1_000) * 2e6)])
def test_probabilities_of_zero_and_one_give_nothing_and_the_full_value(probability, expected):
    got = _column(call("SCN_PIPELINE_TRIALS", SITES, USD_PER_MW, probability, 1_000, 3, "CORZ"))
    np.testing.assert_array_equal(got, expected)


def test_each_site_signs_with_its_own_probability_independently():
    paths = 20_000
    chance = [[0.1], [None], [0.5], [0.9]]
    value = [[1], [None], [10], [100]]  # one site per digit: each trial's value says which sites signed
    got = _column(call("SCN_PIPELINE_TRIALS", [[1], [None], [1], [1]], value, chance, paths, 8, "IREN"))
    signed = np.column_stack([got % 10 == 1, (got // 10) % 10 == 1, got // 100 == 1])
    for share, p in zip(signed.mean(axis=0), (0.1, 0.5, 0.9)):
        assert share == pytest.approx(p, abs=4 * math.sqrt(p * (1 - p) / paths))
    assert _uncorrelated(signed[:, 0], signed[:, 2]) and _uncorrelated(signed[:, 1], signed[:, 2])


# --- seeds: one BTC world per trial, execution risk per company, separate streams

def test_the_same_seed_and_entity_reproduce_exactly_and_case_and_spaces_do_not_count():
    lease = call("SCN_LEASE_NPV_TRIALS", *LEASE, 4, 2_000, 7, None, 0.03, 0.07, 0, "CORZ")
    np.testing.assert_array_equal(lease, call("SCN_LEASE_NPV_TRIALS", *LEASE, 4, 2_000, 7, None, 0.03, 0.07, 0,
                                              " corz"))
    assert not np.array_equal(lease, call("SCN_LEASE_NPV_TRIALS", *LEASE, 4, 2_000, 8, None, 0.03, 0.07, 0, "CORZ"))
    pipeline = call("SCN_PIPELINE_TRIALS", SITES, USD_PER_MW, 0.4, 2_000, 7, "CORZ")
    np.testing.assert_array_equal(pipeline, call("SCN_PIPELINE_TRIALS", SITES, USD_PER_MW, 0.4, 2_000, 7, "CORZ"))


def test_more_trials_change_no_earlier_trials_slips_or_pipeline():
    """Execution draws come in chunks of 16,384 trials from streams of their own: trial i is the same in a call of
    1,000 trials and of 20,000 (which spans two chunks)."""
    few = _column(call("SCN_LEASE_NPV_TRIALS", *LEASE, 4, 1_000, 7, None, 0.03, 0.07, 0, "CORZ"))
    many = _column(call("SCN_LEASE_NPV_TRIALS", *LEASE, 4, 20_000, 7, None, 0.03, 0.07, 0, "CORZ"))
    np.testing.assert_array_equal(few, many[:1_000])
    few = _column(call("SCN_PIPELINE_TRIALS", SITES, USD_PER_MW, 0.4, 1_000, 7))
    np.testing.assert_array_equal(few, _column(call("SCN_PIPELINE_TRIALS", SITES, USD_PER_MW, 0.4, 20_000, 7))[:1_000])


def test_the_same_seed_gives_every_function_the_same_btc_world():
    """Trial i's price path is the seed's alone: SCN_PRICE_TRIALS gives it whatever else is asked, and the
    mining trials move with it trial by trial (rank correlation 1 with zero power cost and no hashrate noise)."""
    paths = 3_000
    price = _column(call("SCN_PRICE_TRIALS", PRICE, 0.5, 1, paths, 42))
    mining_value = _column(call("SCN_MINING_NPV_TRIALS", FLEET, EFFICIENCY, 0, PRICE, NETWORK, 1 / 12, 0.1, 0.5,
                                paths, 42, 0, 0.4))
    np.testing.assert_array_equal(np.argsort(price), np.argsort(mining_value))
    other = _column(call("SCN_MINING_NPV_TRIALS", FLEET, EFFICIENCY, 0, PRICE, NETWORK, 1 / 12, 0.1, 0.5, paths, 43,
                         0, 0.4))
    assert _uncorrelated(price, other)


def test_entities_slips_are_independent_of_each_other_and_of_the_price():
    paths = 20_000
    lease = {e: _column(call("SCN_LEASE_NPV_TRIALS", *LEASE, 4, paths, 7, None, 0.03, 0.07, 0, e))
             for e in ("CORZ", "IREN")}
    price = _column(call("SCN_PRICE_TRIALS", PRICE, 0.5, 36, paths, 7))
    assert _uncorrelated(lease["CORZ"], lease["IREN"])
    assert _uncorrelated(lease["CORZ"], price) and _uncorrelated(lease["IREN"], price)
    pipeline = {e: _column(call("SCN_PIPELINE_TRIALS", SITES, USD_PER_MW, 0.4, paths, 7, e)) for e in ("CORZ", "IREN")}
    assert _uncorrelated(pipeline["CORZ"], pipeline["IREN"]) and _uncorrelated(pipeline["CORZ"], lease["CORZ"])
    assert _uncorrelated(pipeline["CORZ"], price)


def test_lease_trials_and_scn_colo_revenue_draw_the_same_slips_for_a_seed_and_entity():
    """One undelivered block: its lease value falls as its slip grows, and so does a quarter's revenue after its
    planned RFS; both functions' percentiles are then the same slips' (a percentile of the one at 100 - p is
    the other's at p)."""
    rfs, mw = [["2026-03-31"]], [[100]]
    lease = _column(call("SCN_LEASE_NPV_TRIALS", rfs, mw, 130, 0.8, 0.09, 12, VALUED, 5, 999, 3, 4, 0, None, 0,
                         "WULF"))
    slips = np.rint(scn.execution_stream(3, scn.SLIPS, "WULF", 0).standard_gamma((5 / 4) ** 2, 999) * 16 / 5
                    * scn.DAYS_PER_MONTH)
    assert np.all(np.diff(lease[np.argsort(slips, kind="stable")]) <= 1e-6 * lease.max())
    revenue = call("SCN_COLO_REVENUE", rfs, mw, 130, "2026-04-01", "2026-12-31", 5, 999, 3, 4, [[10, 50, 90]], 0,
                   "WULF")
    expected = [float(colocation.revenue_schedule([str(np.datetime64("2026-03-31") + int(d))], [100], 130,
                                                  ["2026-04-01"], ["2026-12-31"])[0])
                for d in np.percentile(slips, [90, 50, 10], method="lower")]
    np.testing.assert_allclose(np.ravel(revenue), expected, rtol=1e-12)


# --- value per share in trials: P(value > price)

@settings(max_examples=30, deadline=None)
@given(low=st.floats(1, 40), step=st.floats(0.01, 20), notes=st.lists(st.tuples(st.floats(1e7, 2e9),
                                                                                   st.floats(5, 40)), max_size=3))
def test_the_chance_that_value_exceeds_the_price_falls_as_the_price_rises(low, step, notes):
    """Equity trials from the four functions, value per share solved in each: the share above a price is the share
    of equity trials above the equity whose value is exactly that price (the value rises with the equity), and it
    never rises with the price."""
    paths = 2_000
    equity = (_column(call("SCN_LEASE_NPV_TRIALS", *LEASE, 4, paths, 7, None, 0.03, 0.07, 2e8, "CORZ"))
              + _column(call("SCN_PIPELINE_TRIALS", SITES, USD_PER_MW, 0.4, paths, 7, "CORZ"))
              + _column(call("SCN_MINING_NPV_TRIALS", FLEET, EFFICIENCY, POWER, PRICE, NETWORK, 4, 0.1, 0.5, paths, 7))
              + 500 * _column(call("SCN_PRICE_TRIALS", PRICE, 0.5, 1, paths, 7)) - 1.2e9 - 3e9)
    principals, conversions = [p for p, _ in notes], [c for _, c in notes]
    instruments = ([5e6, 1e6], [6.81, 0], principals, conversions)
    value = valuation.value_per_share(equity, 300e6, *instruments)

    def above(price):
        at_price = price * float(valuation.diluted_shares(300e6, price, *instruments)) - sum(
            p for p, c in zip(principals, conversions) if price >= c)
        share = np.count_nonzero(value > price) / paths
        assert share == np.count_nonzero(equity > at_price) / paths
        return share

    assert above(low) >= above(low + step)


def test_the_recipe_recalculates_headlessly(tmp_path):
    """docs/trials.md's cells: trials spilled down columns, equity by cell arithmetic, VAL_VALUE_PER_SHARE over the
    column, PERCENTILE.INC and COUNTIF, recalculated by the formula engine (not by xlmodel's own arithmetic)."""
    n = 2_000
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "T"
    for i, (day, mw) in enumerate([("2024-02-29", 8), ("2025-09-30", 200), ("2026-06-30", 150)], start=1):
        ws[f"J{i}"], ws[f"K{i}"] = day, mw
    ws["L1"], ws["L2"] = 200, 300
    lease = f'SCN_LEASE_NPV_TRIALS(J1:J3,K1:K3,125,0.8,0.09,12,"2025-06-30",4,{n},7,,0.03,0.07,0,"CORZ")'
    pipeline = f'SCN_PIPELINE_TRIALS(L1:L2,2000000,0.4,{n},7,"CORZ")'
    mine = f"SCN_MINING_NPV_TRIALS(16.3,18,45,90000,1050,4,0.1,0.5,{n},7)"
    ws["A1"] = ArrayFormula(f"A1:A{n}", f"=SCN_PRICE_TRIALS(90000,0.5,36,{n},7)")
    ws["B1"], ws["B2"] = f"=PERCENTILE.INC(A1:A{n},0.05)", f"=PERCENTILE.INC(A1:A{n},0.5)"
    ws["C1"] = ArrayFormula("C1:H36", f"=SCN_BTC_PRICE(90000,0.5,36,{n},7)")
    ws["M1"] = ArrayFormula(f"M1:M{n}", f"={lease}+{pipeline}+{mine}+500*A1:A{n}-1200000000")
    ws["N1"] = ArrayFormula(f"N1:N{n}", f"=VAL_VALUE_PER_SHARE(M1:M{n},300000000,5000000,6.81,400000000,11)")
    ws["O1"] = f'=COUNTIF(N1:N{n},">"&20)/COUNT(N1:N{n})'
    wb.save(tmp_path / "trials.xlsx")
    calc = engine.calculate(tmp_path / "trials.xlsx")
    assert not calc.issues
    v = calc.value
    assert v("T", "B1") == pytest.approx(v("T", "D36"), rel=1e-12) and v("T", "B2") == pytest.approx(v("T", "F36"),
                                                                                                   rel=1e-12)
    equity = (_column(call("SCN_LEASE_NPV_TRIALS", [[r] for r in ("2024-02-29", "2025-09-30", "2026-06-30")],
                           [[8], [200], [150]], 125, 0.8, 0.09, 12, "2025-06-30", 4, n, 7, None, 0.03, 0.07, 0, "CORZ"))
              + _column(call("SCN_PIPELINE_TRIALS", [[200], [300]], 2e6, 0.4, n, 7, "CORZ"))
              + _column(call("SCN_MINING_NPV_TRIALS", 16.3, 18, 45, 90_000, 1_050, 4, 0.1, 0.5, n, 7))
              + 500 * _column(call("SCN_PRICE_TRIALS", 90_000, 0.5, 36, n, 7)) - 1.2e9)
    np.testing.assert_allclose([v("T", f"M{i}") for i in (1, 2, n)], equity[[0, 1, n - 1]], rtol=1e-12)
    value = valuation.value_per_share(equity, 300e6, [5e6], [6.81], [400e6], [11])
    assert 0 < v("T", "O1") < 1 and v("T", "O1") == np.count_nonzero(value > 20) / n


# --- properties and bad input

@settings(max_examples=30, deadline=None)
@given(low=st.floats(0.01, 1.5), more=st.floats(0, 1), months=st.integers(1, 60), paths=st.integers(20, 400),
       drift=st.floats(-0.5, 0.5), seed=st.integers(0, 2**32))
def test_a_lower_volatility_narrows_the_interval(low, more, months, paths, drift, seed):
    def interval(vol):
        p5, p95 = np.percentile(_column(call("SCN_PRICE_TRIALS", PRICE, vol, months, paths, seed, drift)), [5, 95])
        return p95 / p5  # the same draws scaled: the ratio of the ends grows with the volatility

    assert interval(low) <= interval(low + more) * (1 + 1e-12)


MINING = (FLEET, EFFICIENCY, POWER, PRICE, NETWORK, 4, 0.1, 0.5, 100, 1)
LEASE_ARGS = (*LEASE, 4, 100, 1)
PIPE = (SITES, USD_PER_MW, 0.4, 100, 1)


@pytest.mark.parametrize("name,args,message", [
    ("SCN_PRICE_TRIALS", (PRICE, 0.5, 241, 100, 1), "months must be between 1 and 240, got 241"),
    ("SCN_PRICE_TRIALS", (PRICE, 0.5, 12, 1_000_001, 1), "paths must be between 1 and 1000000, got 1000001"),
    ("SCN_PRICE_TRIALS", (PRICE, 0.5, 12, 0, 1), "paths must be between 1 and 1000000, got 0"),
    ("SCN_PRICE_TRIALS", (PRICE, 0.5, 12, 100, -1), "seed must be >= 0, got -1"),
    ("SCN_PRICE_TRIALS", (PRICE, 0.5, 12, 100, 1, 0, [[60_000]] * 92), "price_history_usd must hold at least 93"),
    ("SCN_PRICE_TRIALS", (1e300, 0.5, 12, 100, 1, 1e3), "SCN_PRICE_TRIALS has no finite result"),
    ("SCN_MINING_NPV_TRIALS", (*MINING[:5], 21, *MINING[6:]), "years must be <= 20, got 21"),
    ("SCN_MINING_NPV_TRIALS", (*MINING[:5], 0, *MINING[6:]), "years must be > 0, got 0"),
    ("SCN_MINING_NPV_TRIALS", (*MINING[:8], 2_000_000, 1), "paths must be between 1 and 1000000, got 2000000"),
    ("SCN_MINING_NPV_TRIALS", (*MINING, 0, 0, 0, 1.5), "correlation must be between -1 and 1, got 1.5"),
    ("SCN_MINING_NPV_TRIALS", (*MINING, 0, -1), "network_growth_per_year must be > -1, got -1"),
    ("SCN_MINING_NPV_TRIALS", (*MINING, 0, 0, -0.1), "hashrate_volatility must be >= 0, got -0.1"),
    ("SCN_MINING_NPV_TRIALS", (*MINING, 0, 0, 0, 0, 0, 840_000.5), "block_height must be a whole number"),
    ("SCN_MINING_NPV_TRIALS", (*MINING, 0, 0, 0, 0, 0, None, 0, "maybe"), "curtail must be TRUE or FALSE"),
    ("SCN_MINING_NPV_TRIALS", (*MINING, 0, 0, 0, 0, 0, None, 0, True, 1.2), "pool_fee must be between 0 and 1"),
    ("SCN_MINING_NPV_TRIALS", (*MINING[:6], -1, *MINING[7:]), "discount_rate must be > -1, got -1"),
    ("SCN_MINING_NPV_TRIALS", (-1, *MINING[1:]), "fleet_hashrate_ehs must be >= 0, got -1"),
    ("SCN_LEASE_NPV_TRIALS", (*LEASE[:4], -0.01, *LEASE[5:], 4, 100, 1), "discount_rate must be >= 0, got -0.01"),
    ("SCN_LEASE_NPV_TRIALS", (*LEASE[:7], -1, 100, 1), "slip_months_mean must be between 0 and 1200, got -1"),
    ("SCN_LEASE_NPV_TRIALS", (*LEASE_ARGS, -2), "slip_months_sd must be between 0 and 1200, got -2"),
    ("SCN_LEASE_NPV_TRIALS", (*LEASE[:7], 0, 100, 1, 2), "slip_months_sd must be 0 where slip_months_mean is 0"),
    ("SCN_LEASE_NPV_TRIALS", (*LEASE[:7], [[1], [2]], 100, 1), "slip_months_mean has 2 cells: give one mean, or one "
                                                               "per block (5)"),
    ("SCN_LEASE_NPV_TRIALS", (*LEASE[:7], 4, 1_000_001, 1), "paths must be between 1 and 1000000, got 1000001"),
    ("SCN_LEASE_NPV_TRIALS", (*LEASE[:3], 1.2, *LEASE[4:], 4, 100, 1), "noi_margin must be between 0 and 1, got 1.2"),
    ("SCN_LEASE_NPV_TRIALS", (*LEASE[:6], "2045-06-30", 4, 100, 1), "valuation_date 2045-06-30 is after every "
                                                                    "block's term end"),
    ("SCN_LEASE_NPV_TRIALS", (*LEASE[:5], 0, VALUED, 4, 100, 1), "term_years must be between 1 and 100, got 0"),
    ("SCN_LEASE_NPV_TRIALS", (*LEASE_ARGS, None, 0, 0), "terminal_cap_rate must be > 0, got 0"),
    ("SCN_LEASE_NPV_TRIALS", (*LEASE_ARGS, None, 0, None, 0, [["CORZ", "IREN"]]), "entity must be one cell"),
    ("SCN_LEASE_NPV_TRIALS", ([[None], [None]], [[None], [None]], *LEASE[2:], 4, 100, 1), "rfs_dates holds no block"),
    ("SCN_PIPELINE_TRIALS", (SITES, USD_PER_MW, 1.2, 100, 1), "probability must be between 0 and 1, got 1.2"),
    ("SCN_PIPELINE_TRIALS", (SITES, USD_PER_MW, [[0.5], [None], [-0.1], [0.5]], 100, 1),
     "probability must be between 0 and 1, got -0.1 (site 3)"),
    ("SCN_PIPELINE_TRIALS", (SITES, USD_PER_MW, [[0.5], [0.5]], 100, 1), "probability has 2 cells: give one "
                                                                          "probability, or one per site (4)"),
    ("SCN_PIPELINE_TRIALS", (SITES, USD_PER_MW, [[0.5], [None], [None], [0.5]], 100, 1),
     "probability is empty for site 3, which has MW"),
    ("SCN_PIPELINE_TRIALS", (SITES, -1, 0.4, 100, 1), "usd_per_mw must be >= 0, got -1"),
    ("SCN_PIPELINE_TRIALS", ([[200], ["n/a"]], USD_PER_MW, 0.4, 100, 1), "mw must be a number, got text 'n/a' (site 2)"),
    ("SCN_PIPELINE_TRIALS", ([[200], [-5]], USD_PER_MW, 0.4, 100, 1), "mw must be >= 0, got -5 (site 2)"),
    ("SCN_PIPELINE_TRIALS", ([[None], [None]], USD_PER_MW, 0.4, 100, 1), "mw holds no site"),
    ("SCN_PIPELINE_TRIALS", (*PIPE[:3], 0, 1), "paths must be between 1 and 1000000, got 0"),
    ("SCN_PIPELINE_TRIALS", (*PIPE[:4], 1.5), "seed must be a whole number, got 1.5"),
])
def test_bad_input_names_the_argument(name, args, message):
    out = call(name, *args)
    assert isinstance(out, CellError), out
    assert message in out
    assert len(out) < 160


def test_a_trial_function_returns_one_column_of_paths_rows():
    for name, args in [("SCN_PRICE_TRIALS", (PRICE, 0.5, 12, 7, 1)), ("SCN_MINING_NPV_TRIALS", (*MINING[:8], 7, 1)),
                       ("SCN_LEASE_NPV_TRIALS", (*LEASE, 4, 7, 1)), ("SCN_PIPELINE_TRIALS", (*PIPE[:3], 7, 1))]:
        assert call(name, *args).shape == (7, 1), name
