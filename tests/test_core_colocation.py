"""Colocation formulas against public figures, the billing convention, and invariants."""

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlmodel.core import colocation as colo


def test_core_scientific_243_mw_is_about_350m_a_year_at_about_120_usd_per_kw_month():
    # Core Scientific: 250 MW billing ~ 360 M USD annualized (Q1-2025 release, 7 May 2025), i.e.
    # 1.44 M USD per MW-year = 120 USD/kW-month; at 243 MW that is about 350 M USD a year.
    annual = float(colo.annualized_revenue(243, 120))
    assert annual == pytest.approx(350e6, rel=0.01)
    assert float(colo.revenue_per_mw(annual / 4, 243, 4)) == pytest.approx(1.44e6)
    assert float(colo.usd_per_kw_month(colo.revenue_per_mw(annual, 243))) == pytest.approx(120)
    assert float(colo.annualized_revenue(250, colo.usd_per_kw_month(360e6 / 250))) == pytest.approx(360e6)


@pytest.mark.parametrize(
    "value,years,mw,expected,source",
    [
        (10.2e9, 12, 590, 1.44e6, "domain.md: CoreWeave at Core Scientific, ~590 MW IT, 12 y, ~10.2 B USD"),
        (8.7e9, 12, 500, 1.45e6, "CORZ 8-K ex. 99.1, 22 Oct 2024: ~500 MW IT, 8.7 B USD over 12 y"),
        (3.7e9, 10, 200, 1.85e6, "TeraWulf-Fluidstack, Aug 2025: >200 MW IT, 10 y, 3.7 B USD"),
        (11e9, 15, 400, 1.833e6, "Applied Digital-CoreWeave, 2025: 400 MW, ~15 y, ~11 B USD"),
    ],
)
def test_contract_value_per_mw_year(value, years, mw, expected, source):
    assert float(colo.contract_revenue_per_mw(value, years, mw)) == pytest.approx(expected, rel=0.01), source


def test_conversion_factor_is_12000():
    assert float(colo.usd_per_mw_year(1)) == 12_000
    assert float(colo.usd_per_kw_month(12_000)) == 1
    # CBRE asking rate H2-2024: ~184 USD/kW-month is about 2.2 M USD per MW-year
    assert float(colo.usd_per_mw_year(184)) == pytest.approx(2.208e6)


def test_critical_it_mw():
    # Core Scientific Muskogee: 100 MW facility, ~70 MW critical IT (ratio ~1.43)
    assert float(colo.critical_it_mw(100, 100 / 70)) == pytest.approx(70)
    assert float(colo.critical_it_mw(140)) == pytest.approx(100)


def _rev(rfs, mw, rate, start, end, esc=0.0):
    return float(colo.revenue_schedule([rfs], [mw], rate, [start], [end], esc)[0])


def test_a_full_365_day_year_earns_exactly_12_months():
    assert _rev("2025-01-01", 10, 120, "2025-01-01", "2025-12-31") == 10 * 1_000 * 120 * 12
    # a leap year has 366 billed days: one day more than 12 months
    assert _rev("2024-01-01", 10, 120, "2024-01-01", "2024-12-31") == pytest.approx(10_000 * 120 * 12 * 366 / 365)


def test_a_block_going_live_mid_period_earns_its_billed_days_only():
    daily = 10 * 1_000 * 120 * 12 / 365
    # RFS 15 Feb: billed 15 Feb..31 Mar inclusive = 14 + 31 = 45 days of Q1
    assert _rev("2025-02-15", 10, 120, "2025-01-01", "2025-03-31") == pytest.approx(45 * daily)
    assert _rev("2025-04-01", 10, 120, "2025-01-01", "2025-03-31") == 0.0
    assert _rev("2025-03-31", 10, 120, "2025-01-01", "2025-03-31") == pytest.approx(daily)


def test_escalators_step_on_anniversaries():
    daily = 10 * 1_000 * 100 * 12 / 365
    # RFS 1 July 2025, 3% escalator: the rate steps on 1 July 2026, not on 1 January
    assert _rev("2025-07-01", 10, 100, "2026-06-30", "2026-06-30", 0.03) == pytest.approx(daily)
    assert _rev("2025-07-01", 10, 100, "2026-07-01", "2026-07-01", 0.03) == pytest.approx(daily * 1.03)
    assert _rev("2025-07-01", 10, 100, "2027-07-01", "2027-07-01", 0.03) == pytest.approx(daily * 1.03**2)
    # calendar 2026: 181 days at the base rate, 184 at +3%
    assert _rev("2025-07-01", 10, 100, "2026-01-01", "2026-12-31", 0.03) == pytest.approx(daily * (181 + 184 * 1.03))


def test_escalator_of_a_leap_day_rfs_steps_on_1_march():
    daily = 1_000 * 100 * 12 / 365
    assert _rev("2024-02-29", 1, 100, "2025-02-28", "2025-02-28", 0.1) == pytest.approx(daily)
    assert _rev("2024-02-29", 1, 100, "2025-03-01", "2025-03-01", 0.1) == pytest.approx(daily * 1.1)


def test_billable_mw_counts_blocks_on_or_before_the_date():
    rfs = ["2025-05-31", "2025-06-30", "2025-12-31"]
    out = colo.billable_mw(rfs, [8, 40, 202], ["2025-05-30", "2025-05-31", "2025-09-30", "2026-01-01"])
    np.testing.assert_array_equal(out, [0, 8, 48, 250])


dates = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2035, 12, 31))
block = st.tuples(dates, st.floats(0, 300), st.floats(50, 250))


@settings(max_examples=60, deadline=None)
@given(blocks=st.lists(block, min_size=1, max_size=6), start=dates, length=st.integers(0, 800),
       cut=st.integers(0, 800), esc=st.sampled_from([0.0, 0.03]))
def test_revenue_is_additive_over_blocks_and_adjacent_periods(blocks, start, length, cut, esc):
    rfs = [b[0] for b in blocks]
    mw = [b[1] for b in blocks]
    rate = [b[2] for b in blocks]
    end = start + dt.timedelta(days=length)
    whole = colo.revenue_schedule(rfs, mw, rate, [start], [end], esc)[0]
    per_block = sum(colo.revenue_schedule([r], [m], k, [start], [end], esc)[0] for r, m, k in blocks)
    assert whole == pytest.approx(per_block, rel=1e-9, abs=1e-6)
    mid = start + dt.timedelta(days=min(cut, length))
    if mid < end:
        split = colo.revenue_schedule(rfs, mw, rate, [start, mid + dt.timedelta(days=1)], [mid, end], esc)
        assert split.sum() == pytest.approx(whole, rel=1e-9, abs=1e-6)


@given(blocks=st.lists(block, min_size=1, max_size=8), days=st.lists(dates, min_size=2, max_size=10))
def test_billable_mw_never_decreases_with_the_date(blocks, days):
    out = colo.billable_mw([b[0] for b in blocks], [b[1] for b in blocks], sorted(days))
    assert np.all(np.diff(out) >= 0)
    assert out[-1] <= sum(b[1] for b in blocks) + 1e-9


def _brute_force(rfs: list[dt.date], mw: list[float], rate: float, start: dt.date, end: dt.date, esc: float) -> float:
    """Day by day: each block's daily rent, times (1 + esc) for each anniversary passed (29 Feb -> 1 Mar)."""
    def anniversary(d: dt.date, k: int) -> dt.date:
        try:
            return d.replace(year=d.year + k)
        except ValueError:
            return dt.date(d.year + k, 3, 1)

    total, day = 0.0, start
    while day <= end:
        for r, m in zip(rfs, mw):
            if day >= r:
                k = max(j for j in range(0, day.year - r.year + 2) if anniversary(r, j) <= day)
                total += m * 1000 * rate * 12 / 365 * (1 + esc) ** k
        day += dt.timedelta(days=1)
    return total


@given(st.lists(st.dates(dt.date(2019, 1, 1), dt.date(2027, 12, 31)), min_size=1, max_size=4),
       st.dates(dt.date(2024, 1, 1), dt.date(2029, 12, 31)), st.integers(0, 400), st.floats(0, 0.2))
@settings(max_examples=40, deadline=None)
def test_the_escalated_schedule_equals_a_day_by_day_sum(rfs, start, length, esc):
    mw = [10.0 + i for i in range(len(rfs))]
    end = start + dt.timedelta(days=length)
    got = colo.revenue_schedule(np.array(rfs, dtype="datetime64[D]"), mw, 120.0,
                                      np.array([start], dtype="datetime64[D]"), np.array([end], dtype="datetime64[D]"),
                                      esc)
    assert got[0] == pytest.approx(_brute_force(rfs, mw, 120.0, start, end, esc), rel=1e-9, abs=1e-6)


@given(st.lists(st.dates(), min_size=1, max_size=50))
def test_integer_calendar_matches_pythons_dates(dates):
    days = np.array([d.toordinal() - dt.date(1970, 1, 1).toordinal() for d in dates])
    year, month, day = colo._civil(days)
    assert list(zip(year.tolist(), month.tolist(), day.tolist())) == [(d.year, d.month, d.day) for d in dates]
