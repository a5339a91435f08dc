"""Scenario functions (SCN_*): closed forms, identities, reproducibility, bad input and invariants."""

import datetime as dt
import math
from statistics import NormalDist

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlmodel.core import colocation, mining
from xlmodel.core import scenarios as scn
from xlmodel.excel import CellError, call

Z = NormalDist()


def _quantile_tolerance(p: float, paths: int, sd: float, sigmas: float = 4.0) -> float:
    """Monte Carlo error of a sample quantile of a normal with this sd: sqrt(p (1 - p) / n) / pdf(z_p)."""
    return sigmas * sd * math.sqrt(p * (1 - p) / paths) / Z.pdf(Z.inv_cdf(p))


# --- SCN_BTC_PRICE: GBM against the lognormal, the bootstrap, the table's layout


@pytest.mark.parametrize("vol,drift", [(0.5, 0.0), (0.45, 0.2), (0.7, -0.1)])
def test_gbm_percentiles_match_the_lognormal_quantiles(vol, drift):
    # ln S_t ~ N(ln S0 + (mu - sigma^2/2) t, sigma^2 t), t = month / 12 (Hull, ch. 15)
    paths, q = 20_000, [5, 25, 50, 75, 95]
    table = call("SCN_BTC_PRICE", 70_000, vol, 36, paths, 11, drift, [q])
    for month in (1, 12, 36):
        t = month / 12
        sd = vol * math.sqrt(t)
        for j, p in enumerate(q):
            exact = math.log(70_000) + (drift - vol**2 / 2) * t + sd * Z.inv_cdf(p / 100)
            assert abs(math.log(table[month - 1, 1 + j]) - exact) < _quantile_tolerance(p / 100, paths, sd)


def test_table_has_a_month_column_then_the_percentiles_in_the_order_given():
    table = call("SCN_BTC_PRICE", 70_000, 0.5, 4, 2_000, 3, 0, [[95], [5], [50]])
    assert table.shape == (4, 4)
    np.testing.assert_array_equal(table[:, 0], [1, 2, 3, 4])
    assert np.all(table[:, 1] > table[:, 3]) and np.all(table[:, 3] > table[:, 2])
    assert call("SCN_BTC_PRICE", 70_000, 0.5, 4, 2_000, 3).shape == (4, 6)  # default 5, 25, 50, 75, 95


def test_a_constant_growth_history_bootstraps_without_spread():
    # 1% a day for a year: every model month returns 365.25 / 12 % in log terms, on every path
    closes = [[50_000 * math.exp(0.01 * day)] for day in range(365)]
    table = call("SCN_BTC_PRICE", 70_000, 0.5, 24, 5_000, 1, 0, [[5, 50, 95]], closes)
    expected = 70_000 * np.exp(0.01 * scn.DAYS_PER_MONTH * np.arange(1, 25))
    np.testing.assert_allclose(table[:, 1:], np.repeat(expected[:, None], 3, axis=1), rtol=1e-11)


def test_a_history_replaces_volatility_and_drift():
    rng = np.random.default_rng(5)
    closes = 60_000 * np.exp(np.cumsum(rng.normal(0, 0.03, 400)))[:, None]
    a = call("SCN_BTC_PRICE", 70_000, 0.5, 12, 3_000, 9, 0.0, None, closes)
    b = call("SCN_BTC_PRICE", 70_000, 0.9, 12, 3_000, 9, 0.3, None, closes)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, call("SCN_BTC_PRICE", 70_000, 0.5, 12, 3_000, 9))


@pytest.mark.parametrize("closes,months", [(93, 3), (92, 2), (366, 11), (367, 12), (1_462, 48)])
def test_monthly_returns_of_a_history_are_whole_model_months_counted_back_from_the_last_close(closes, months):
    returns = scn.monthly_log_returns(np.exp(0.002 * np.arange(closes)))
    assert returns.size == months == math.floor((closes - 1) / (365.25 / 12))
    np.testing.assert_allclose(returns, 0.002 * 365.25 / 12, rtol=1e-12)


def test_percentiles_interpolate_like_numpy_and_excel_percentile_inc():
    values = np.sort(np.random.default_rng(0).lognormal(size=(3, 1_001)), axis=1)
    q = [0.1, 5, 33.3, 50, 97.5, 99.99]
    np.testing.assert_allclose(scn.percentiles_of_sorted(values, q), np.percentile(values, q, axis=1).T, rtol=1e-14)
    # PERCENTILE.INC({1,2,3,4}, 0.4) = 2.2
    assert scn.percentiles_of_sorted(np.array([[1.0, 2, 3, 4]]), [40])[0, 0] == pytest.approx(2.2)


# --- SCN_MINING_MARGIN: hashprice less hashcost, the closed form of the negative share


def test_without_hashrate_noise_the_margin_is_the_hashprice_of_the_price_percentiles_less_hashcost():
    # the same seed drives the same price paths in both functions; hashprice rises with price
    q, months, height = [10, 50, 90], 30, 1_050_000 - 3 * 4_383 - 1_000  # the halving falls in month 4
    price = call("SCN_BTC_PRICE", 90_000, 0.5, months, 4_000, 21, 0, [q])
    margin = call("SCN_MINING_MARGIN", 90_000, 0.5, 1_000, 0.4, 17.5, 45, months, 4_000, 21, 0.025, height,
                  0, 0, [q])
    network = 1_000 * 1.4 ** (np.arange(1, months + 1) / 12)
    subsidy = mining.monthly_subsidy(height, months)
    expected = (mining.hashprice(price[:, 1:], network[:, None], 0.025, subsidy[:, None])
                - mining.hashcost(17.5, 45))
    np.testing.assert_allclose(margin[:, 1:4], expected, rtol=1e-10, atol=1e-10)
    assert subsidy[2] == 3.125 and subsidy[4] == 1.5625 and 1.5625 < subsidy[3] < 3.125


def test_a_block_height_far_from_a_halving_is_the_flat_subsidy():
    args = (70_000, 0.5, 1_000, 0.3, 20, 50, 36, 2_000, 4, 0.03)
    np.testing.assert_array_equal(call("SCN_MINING_MARGIN", *args, 840_000), call("SCN_MINING_MARGIN", *args))


@pytest.mark.parametrize("power,hash_vol,rho", [(50, 0.0, 0.0), (60, 0.3, 0.5), (40, 0.25, -0.4)])
def test_margin_percentiles_and_negative_share_match_the_lognormal(power, hash_vol, rho):
    # ln(S/N) is normal: mean ln(S0/N0) + (mu - s^2/2) t - t ln(1+g) + s_h^2 t / 2, variance (s^2 + s_h^2 - 2 rho s s_h) t
    paths, vol, g, q = 20_000, 0.5, 0.4, [5, 50, 95]
    table = call("SCN_MINING_MARGIN", 70_000, vol, 1_000, g, 20, power, 24, paths, 8, 0.03, None,
                 hash_vol, rho, [q])
    coef = float(mining.hashprice(1, 1, 0.03))
    cost = float(mining.hashcost(20, power))
    for month in (3, 12, 24):
        t = month / 12
        mean = math.log(70_000 / 1_000) - vol**2 / 2 * t - t * math.log1p(g) + hash_vol**2 / 2 * t
        sd = math.sqrt((vol**2 + hash_vol**2 - 2 * rho * vol * hash_vol) * t)
        share = Z.cdf((math.log(cost / coef) - mean) / sd)
        assert table[month - 1, -1] == pytest.approx(share, abs=4 * math.sqrt(share * (1 - share) / paths) + 1e-4)
        for j, p in enumerate(q):
            hashprice = table[month - 1, 1 + j] + cost
            exact = mean + sd * Z.inv_cdf(p / 100) + math.log(coef)
            assert abs(math.log(hashprice) - exact) < _quantile_tolerance(p / 100, paths, sd)


def test_margin_table_layout():
    table = call("SCN_MINING_MARGIN", 70_000, 0.5, 1_000, 0.4, 20, 50, 6, 1_000, 1)
    assert table.shape == (6, 1 + 5 + 1)
    np.testing.assert_array_equal(table[:, 0], np.arange(1, 7))
    assert np.all((table[:, -1] >= 0) & (table[:, -1] <= 1))


# --- reproducibility and the memory blocks


@pytest.mark.parametrize("name,args", [
    ("SCN_BTC_PRICE", (70_000, 0.5, 12, 2_000)),
    ("SCN_MINING_MARGIN", (70_000, 0.5, 1_000, 0.4, 20, 50, 12, 2_000)),
])
def test_the_same_seed_gives_the_same_numbers_and_another_seed_others(name, args):
    first = call(name, *args, 42)
    np.testing.assert_array_equal(first, call(name, *args, 42))
    assert not np.array_equal(first[:, 1:], call(name, *args, 43)[:, 1:])


def test_colo_seed_reproducibility():
    args = ([["2025-06-30"], ["2025-09-30"]], [[40], [60]], 120, [["2025-07-01"], ["2025-10-01"]],
            [["2025-09-30"], ["2025-12-31"]], 2, 3_000)
    first = call("SCN_COLO_REVENUE", *args, 5)
    np.testing.assert_array_equal(first, call("SCN_COLO_REVENUE", *args, 5))
    assert not np.array_equal(first, call("SCN_COLO_REVENUE", *args, 6))


def test_colo_slips_are_drawn_for_an_entity_from_streams_of_their_own():
    args = ([["2025-06-30"], ["2025-09-30"]], [[40], [60]], 120, [["2025-07-01"], ["2025-10-01"]],
            [["2025-09-30"], ["2025-12-31"]], 2, 3_000, 5, None, [[5, 50, 95]], 0)
    corz = call("SCN_COLO_REVENUE", *args, "CORZ")
    np.testing.assert_array_equal(corz, call("SCN_COLO_REVENUE", *args, " corz "))  # case and spaces do not count
    assert not np.array_equal(corz, call("SCN_COLO_REVENUE", *args, "IREN"))
    np.testing.assert_array_equal(call("SCN_COLO_REVENUE", *args), call("SCN_COLO_REVENUE", *args, ""))
    # not the price's stream (key 0), which once also drew the first chunk of slips
    days = scn.slip_days(5, 0, 1_000, 2, 2, 2)
    legacy = np.rint(scn.stream(5, scn.PRICE_STREAM).standard_gamma(1.0, (1_000, 2)) * 2 * scn.DAYS_PER_MONTH)
    assert not np.array_equal(days, legacy)
    np.testing.assert_array_equal(days, np.rint(scn.execution_stream(5, scn.SLIPS, "", 0).standard_gamma(
        1.0, (1_000, 2)) * 2 * scn.DAYS_PER_MONTH))


def test_an_entity_must_be_one_cell():
    out = call("SCN_COLO_REVENUE", [["2025-06-30"]], [[40]], 120, "2025-07-01", "2025-09-30", 2, 100, 5, None, None, 0,
               [["CORZ", "IREN"]])
    assert isinstance(out, CellError) and "entity must be one cell, got a 1x2 range" in out


HISTORY = 60_000 * np.exp(np.cumsum(np.random.default_rng(2).normal(0.001, 0.03, 500)))


@pytest.mark.parametrize("history", [None, HISTORY], ids=["gbm", "bootstrap"])
@pytest.mark.parametrize("block_values", [1, 6 * 700, 9 * 700])
def test_the_block_size_changes_no_bit_of_the_result(history, block_values):
    # blocks of 3 (the least), 6 and 9 months against one block of all 40 months
    common = {"paths": 700, "seed": 3, "percentiles": [1, 37.5, 99], "price_history_usd": history}
    price = scn.btc_price_percentiles(70_000, 0.5, 40, block_values=block_values, **common)
    np.testing.assert_array_equal(price, scn.btc_price_percentiles(70_000, 0.5, 40, **common))
    margin = {"hashrate_volatility": 0.3, "correlation": 0.6, "block_height": 1_000_000, **common}
    small = scn.mining_margin_percentiles(70_000, 0.5, 1_000, 0.4, 20, 50, 40, block_values=block_values, **margin)
    whole = scn.mining_margin_percentiles(70_000, 0.5, 1_000, 0.4, 20, 50, 40, **margin)
    np.testing.assert_array_equal(small[0], whole[0])
    np.testing.assert_array_equal(small[1], whole[1])


def test_colo_period_groups_and_slip_chunks_change_no_bit_of_the_result(monkeypatch):
    args = (["2025-06-30", "2025-09-30", "2026-02-28"], [40, 60, 100], [120, 130, 150],
            ["2025-07-01", "2025-10-01", "2026-01-01", "2026-04-01"],
            ["2025-09-30", "2025-12-31", "2026-03-31", "2026-06-30"], 3, 2_500, 8, 2, [5, 50, 95], 0.03)
    whole = scn.colo_revenue_percentiles(*args)
    np.testing.assert_array_equal(whole, scn.colo_revenue_percentiles(*args, block_values=2_500))  # a period a time
    np.testing.assert_array_equal(whole, scn.colo_revenue_percentiles(*args, block_values=1))
    assert scn.SLIP_CHUNK_PATHS < 2_500 * 8  # many paths span several seed streams
    big = scn.colo_revenue_percentiles(*args[:6], 40_000, *args[7:])
    np.testing.assert_array_equal(big, scn.colo_revenue_percentiles(*args[:6], 40_000, *args[7:], block_values=1 << 16))


# --- SCN_COLO_REVENUE: the identities with COLO_REVENUE_SCHEDULE

RFS = ["2024-02-29", "2025-05-31", "2025-06-30", "2025-12-31", "2027-01-15"]
MW = [[8], [40], [202], [50], [30]]
RATES = [[120], [125], [130], [140], [150]]
QUARTERS = np.datetime64("2025-01", "M") + 3 * np.arange(17)
STARTS = [[str(d)] for d in QUARTERS[:-1].astype("datetime64[D]")]
ENDS = [[str(d)] for d in QUARTERS[1:].astype("datetime64[D]") - 1]


def _schedule(rfs, escalator):
    return call("COLO_REVENUE_SCHEDULE", [[d] for d in rfs], MW, RATES, STARTS, ENDS, escalator)


@pytest.mark.parametrize("escalator", [0.0, 0.03])
def test_no_slip_is_the_revenue_schedule(escalator):
    table = call("SCN_COLO_REVENUE", [[d] for d in RFS], MW, RATES, STARTS, ENDS, 0, 500, 1, None,
                 [[5, 50, 95]], escalator)
    expected = _schedule(RFS, escalator)
    np.testing.assert_allclose(table, np.repeat(expected, 3, axis=1), rtol=1e-12)


@pytest.mark.parametrize("escalator", [0.0, 0.03])
@pytest.mark.parametrize("months", [0.5, 1, 2, 3.3, 6, 12, 18.25])
def test_an_exact_slip_is_the_schedule_with_every_rfs_moved_by_round_m_months_of_days(months, escalator):
    table = call("SCN_COLO_REVENUE", [[d] for d in RFS], MW, RATES, STARTS, ENDS, months, 300, 1, 0,
                 [[50]], escalator)
    days = dt.timedelta(days=round(months * 365.25 / 12))
    moved = [str(dt.date.fromisoformat(d) + days) for d in RFS]
    np.testing.assert_allclose(table[:, 0], _schedule(moved, escalator)[:, 0], rtol=1e-12, atol=1e-6)


@pytest.mark.parametrize("escalator", [0.0, 0.03])
def test_a_slip_per_block_moves_each_block_by_its_own_months_and_a_delivered_block_not_at_all(escalator):
    slips = [0, 0, 2, 4.5, 9]  # the first two already billing: held on their dates
    table = call("SCN_COLO_REVENUE", [[d] for d in RFS], MW, RATES, STARTS, ENDS, [[m] for m in slips], 300, 1, 0,
                 [[50]], escalator)
    moved = [str(dt.date.fromisoformat(d) + dt.timedelta(days=round(m * 365.25 / 12))) for d, m in zip(RFS, slips)]
    np.testing.assert_allclose(table[:, 0], _schedule(moved, escalator)[:, 0], rtol=1e-12, atol=1e-6)
    random = call("SCN_COLO_REVENUE", [[d] for d in RFS], MW, RATES, STARTS, ENDS, [[m] for m in slips], 2_000, 1,
                  None, [[5, 95]], escalator)
    on_time = _schedule(RFS, escalator)[:, 0]
    assert np.all(random <= on_time[:, None] * (1 + 1e-12) + 1e-6)
    first_quarters = np.array([e <= "2025-03-31" for e in np.ravel(ENDS)])  # only the held blocks bill yet
    np.testing.assert_allclose(random[first_quarters, 0], on_time[first_quarters], rtol=1e-12)


def test_slips_per_block_must_line_up_with_the_blocks():
    out = call("SCN_COLO_REVENUE", [[d] for d in RFS], MW, RATES, STARTS, ENDS, [[1], [2]], 100, 1)
    assert isinstance(out, CellError) and "slip_months_mean has 2 cells: give one mean, or one per block (5)" in out


def test_slips_are_gamma_with_the_mean_and_sd_given_and_the_sd_defaults_to_the_mean():
    days = scn.slip_days(1, 0, 200_000, 1, 4, 2).ravel()
    assert days.mean() == pytest.approx(4 * 365.25 / 12, rel=0.01)
    assert days.std() == pytest.approx(2 * 365.25 / 12, rel=0.01)
    assert np.all(days >= 0) and np.all(days == np.round(days))
    args = ([["2025-06-30"]], [[40]], 120, [["2025-07-01"]], [["2025-12-31"]], 3, 2_000, 9)
    np.testing.assert_array_equal(call("SCN_COLO_REVENUE", *args), call("SCN_COLO_REVENUE", *args, 3))


def test_a_bad_period_fails_its_own_row_only():
    table = call("SCN_COLO_REVENUE", [["2025-06-30"]], [[40]], 120, [["2025-07-01"], ["2026-01-01"]],
                 [["2025-09-30"], ["2025-12-31"]], 1, 200, 1, 0, [[50, 95]])
    assert isinstance(table[1, 0], CellError) and "period_ends must be on or after period_starts" in table[1, 1]
    assert table[0, 0] == pytest.approx(float(call("COLO_REVENUE_SCHEDULE", [["2025-07-30"]], [[40]], 120,
                                                   "2025-07-01", "2025-09-30")))


dates = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2028, 12, 31))


@settings(max_examples=40, deadline=None)
@given(rfs=st.lists(dates, min_size=1, max_size=4), mean=st.floats(0, 24), sd=st.floats(0, 24),
       escalator=st.sampled_from([0.0, 0.05]), seed=st.integers(0, 2**32))
def test_a_delay_never_raises_a_periods_revenue(rfs, mean, sd, escalator, seed):
    sd = 0.0 if mean == 0 else sd
    mw, starts, ends = [10.0] * len(rfs), QUARTERS[:-1].astype("datetime64[D]"), QUARTERS[1:].astype("datetime64[D]") - 1
    slipped = scn.colo_revenue_percentiles(rfs, mw, 130, starts, ends, mean, 200, seed, sd, [0.1, 50, 99.9], escalator)
    on_time = colocation.revenue_schedule(rfs, mw, 130, starts, ends, escalator)
    assert np.all(slipped <= on_time[:, None] * (1 + 1e-12) + 1e-6)


# --- bad input, named


BTC = (70_000, 0.5, 12, 100, 1)
MARGIN = (70_000, 0.5, 1_000, 0.4, 20, 50, 12, 100, 1)
COLO = ([["2025-06-30"]], [[40]], 120, [["2025-07-01"]], [["2025-09-30"]], 3, 100, 1)
SHORT = [[60_000 + day] for day in range(92)]


@pytest.mark.parametrize("name,args,message", [
    ("SCN_BTC_PRICE", (70_000, -0.1, 12, 100, 1), "annual_volatility must be >= 0, got -0.1"),
    ("SCN_BTC_PRICE", (70_000, 0.5, 12, 0, 1), "paths must be between 1 and 1000000, got 0"),
    ("SCN_BTC_PRICE", (70_000, 0.5, 12, 1_000_001, 1), "paths must be between 1 and 1000000, got 1000001"),
    ("SCN_BTC_PRICE", (70_000, 0.5, 0, 100, 1), "months must be between 1 and 240, got 0"),
    ("SCN_BTC_PRICE", (70_000, 0.5, 241, 100, 1), "months must be between 1 and 240, got 241"),
    ("SCN_BTC_PRICE", (70_000, 0.5, 12, 100.5, 1), "paths must be a whole number, got 100.5"),
    ("SCN_BTC_PRICE", (70_000, 0.5, 12, 100, -1), "seed must be >= 0, got -1"),
    ("SCN_BTC_PRICE", (*BTC, 0, [[5, 100]]), "percentiles must be below 100, got 100"),
    ("SCN_BTC_PRICE", (*BTC, 0, [[0, 50]]), "percentiles must be > 0, got 0"),
    ("SCN_BTC_PRICE", (*BTC, 0, [[50, 101]]), "percentiles must be below 100, got 101"),
    ("SCN_BTC_PRICE", (*BTC, 0, [[5, None, 95]]), "percentiles is empty"),
    ("SCN_BTC_PRICE", (*BTC, 0, None, SHORT), "price_history_usd must hold at least 93 daily closes (3 months), got 92"),
    ("SCN_BTC_PRICE", (*BTC, 0, None, [*SHORT, [0.0]]), "price_history_usd must be > 0, got 0"),
    ("SCN_BTC_PRICE", (*BTC, 0, None, [*SHORT, [-5]]), "price_history_usd must be > 0, got -5"),
    ("SCN_BTC_PRICE", (*BTC, 0, None, [*SHORT, ["n/a"]]), "price_history_usd must be a number, got text 'n/a'"),
    ("SCN_BTC_PRICE", (1e300, 0.5, 12, 100, 1, 1e3), "SCN_BTC_PRICE has no finite result"),
    ("SCN_MINING_MARGIN", (*MARGIN, 0, None, 1e200), "SCN_MINING_MARGIN has no finite result"),
    ("SCN_MINING_MARGIN", (*MARGIN, 0, None, 0.2, 1.5), "correlation must be between -1 and 1, got 1.5"),
    ("SCN_MINING_MARGIN", (*MARGIN, 0, None, 0.2, -1.01), "correlation must be between -1 and 1, got -1.01"),
    ("SCN_MINING_MARGIN", (*MARGIN, 0, None, -0.2), "hashrate_volatility must be >= 0, got -0.2"),
    ("SCN_MINING_MARGIN", (70_000, -1, 1_000, 0.4, 20, 50, 12, 100, 1), "annual_volatility must be >= 0, got -1"),
    ("SCN_MINING_MARGIN", (70_000, 0.5, 1_000, -1, 20, 50, 12, 100, 1), "network_growth_per_year must be > -1"),
    ("SCN_MINING_MARGIN", (*MARGIN, 0, 840_000.5), "block_height must be a whole number"),
    ("SCN_MINING_MARGIN", (*MARGIN[:7], 2_000_000, 1), "paths must be between 1 and 1000000, got 2000000"),
    ("SCN_COLO_REVENUE", (*COLO[:5], -1, 100, 1), "slip_months_mean must be between 0 and 1200, got -1"),
    ("SCN_COLO_REVENUE", (*COLO, -1), "slip_months_sd must be between 0 and 1200, got -1"),
    ("SCN_COLO_REVENUE", (*COLO[:5], 0, 100, 1, 2), "slip_months_sd must be 0 where slip_months_mean is 0"),
    ("SCN_COLO_REVENUE", (*COLO[:6], 0, 1), "paths must be between 1 and 1000000, got 0"),
    ("SCN_COLO_REVENUE", (*COLO[:6], 1_000_001, 1), "paths must be between 1 and 1000000, got 1000001"),
    ("SCN_COLO_REVENUE", (*COLO, None, [[50, 100]]), "percentiles must be below 100, got 100"),
    ("SCN_COLO_REVENUE", (COLO[0], COLO[1], COLO[2], "2025-10-01", "2025-09-30", 3, 100, 1),
     "period_ends must be on or after period_starts, got 2025-09-30 before 2025-10-01"),
    ("SCN_COLO_REVENUE", ([["2025-06-30"], ["2025-07-30"]], [[40]], *COLO[2:]), "give one MW figure per RFS date"),
])
def test_bad_input_names_the_argument(name, args, message):
    out = call(name, *args)
    assert isinstance(out, CellError), out
    assert message in out
    assert len(out) < 160


# --- invariants


percentile_lists = st.lists(st.floats(0.01, 99.99), min_size=1, max_size=6).map(sorted)


@settings(max_examples=30, deadline=None)
@given(q=percentile_lists, vol=st.floats(0, 2), hash_vol=st.floats(0, 1), rho=st.floats(-1, 1),
       months=st.integers(1, 24), paths=st.integers(1, 300), seed=st.integers(0, 2**63))
def test_percentiles_stay_ordered(q, vol, hash_vol, rho, months, paths, seed):
    price = call("SCN_BTC_PRICE", 70_000, vol, months, paths, seed, 0.1, [q])
    margin = call("SCN_MINING_MARGIN", 70_000, vol, 1_000, 0.4, 20, 50, months, paths, seed, 0.02, None,
                  hash_vol, rho, [q])
    assert np.all(np.diff(price[:, 1:], axis=1) >= 0)
    assert np.all(np.diff(margin[:, 1:-1], axis=1) >= 0)


@settings(max_examples=30, deadline=None)
@given(low=st.floats(0, 200), more=st.floats(0, 200), vol=st.floats(0, 1.5), hash_vol=st.floats(0, 1),
       rho=st.floats(-1, 1), height=st.one_of(st.none(), st.integers(0, 2_000_000)), seed=st.integers(0, 1_000))
def test_a_higher_power_price_never_raises_a_margin_percentile(low, more, vol, hash_vol, rho, height, seed):
    def margin(power):
        return call("SCN_MINING_MARGIN", 70_000, vol, 1_000, 0.4, 20, power, 18, 200, seed, 0.02, height,
                    hash_vol, rho, [[1, 25, 50, 75, 99]])

    cheap, dear = margin(low), margin(low + more)
    assert np.all(dear[:, 1:-1] <= cheap[:, 1:-1])
    assert np.all(dear[:, -1] >= cheap[:, -1])  # and the share of negative margins never falls
