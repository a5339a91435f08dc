"""Colocation economics: revenue per MW, contract value, and the ramp of billable MW.

Pure and vectorized. Dates are numpy ``datetime64[D]`` values (or anything
``np.asarray(x, "datetime64[D]")`` reads: ISO strings, ``datetime.date``). Units in
square brackets. Inputs are not validated here; the Excel layer does that.

Billing convention (xlmodel's, stated once): a block of MW bills from its
ready-for-service (RFS) date; a monthly rate accrues daily at ``rate * 12 / 365`` per
billed day, so a block billed for a full 365-day year earns exactly 12 months of rent;
an annual escalator compounds on each anniversary of the block's RFS date (an RFS on
29 February steps on 1 March in other years).

References
----------
.. [1] Core Scientific, Q1-2025 results (7 May 2025): 250 MW billable to CoreWeave by
   year-end 2025, about 360 M USD annualized colocation revenue entering 2026.
.. [2] CBRE, North America Data Center Trends: asking rates for 250-500 kW
   requirements, about 184 USD/kW-month in H2-2024.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

KW_PER_MW = 1_000.0
MONTHS_PER_YEAR = 12.0
DAYS_PER_YEAR = 365.0
USD_PER_MW_YEAR_PER_USD_PER_KW_MONTH = KW_PER_MW * MONTHS_PER_YEAR  # 12,000


def revenue_per_mw(revenue_usd: ArrayLike, billable_mw: ArrayLike, periods_per_year: ArrayLike = 1) -> np.ndarray:
    """Annualized revenue per billable MW.

    Parameters
    ----------
    revenue_usd : array_like
        Revenue of one period [USD].
    billable_mw : array_like
        Average MW billing during the period [MW].
    periods_per_year : array_like, default 1
        Periods in a year (4 for a quarter, 12 for a month) [1/year].

    Returns
    -------
    ndarray
        Revenue [USD per MW-year]. ``revenue * periods_per_year / billable_mw``.
    """
    return np.multiply(revenue_usd, periods_per_year) / np.asarray(billable_mw, dtype=float)


def usd_per_kw_month(usd_per_mw_year: ArrayLike) -> np.ndarray:
    """USD per MW-year as USD per kW-month (divide by 12,000) [USD/kW-month]."""
    return np.asarray(usd_per_mw_year, dtype=float) / USD_PER_MW_YEAR_PER_USD_PER_KW_MONTH


def usd_per_mw_year(usd_per_kw_month: ArrayLike) -> np.ndarray:
    """USD per kW-month as USD per MW-year (multiply by 12,000) [USD/MW-year]."""
    return np.asarray(usd_per_kw_month, dtype=float) * USD_PER_MW_YEAR_PER_USD_PER_KW_MONTH


def contract_revenue_per_mw(total_contract_value_usd: ArrayLike, term_years: ArrayLike, mw: ArrayLike) -> np.ndarray:
    """Straight-line contract revenue per MW-year: ``value / term / MW`` [USD per MW-year].

    Parameters
    ----------
    total_contract_value_usd : array_like
        Total contract value over the term [USD].
    term_years : array_like
        Contract term [years].
    mw : array_like
        Contracted MW, on the basis the contract quotes (IT or gross) [MW].
    """
    return np.asarray(total_contract_value_usd, dtype=float) / np.multiply(term_years, mw)


def annualized_revenue(billable_mw: ArrayLike, usd_per_kw_month_rate: ArrayLike) -> np.ndarray:
    """Revenue a year of ``billable_mw`` earns at a monthly rate: ``MW * 1,000 * rate * 12`` [USD/year]."""
    return np.multiply(billable_mw, usd_per_kw_month_rate) * USD_PER_MW_YEAR_PER_USD_PER_KW_MONTH


def critical_it_mw(gross_mw: ArrayLike, gross_to_it_ratio: ArrayLike = 1.4) -> np.ndarray:
    """Critical IT MW a gross (utility) power figure supports: ``gross / ratio`` [MW].

    Disclosed gross/IT ratios run 1.18 to 1.44 (PUE-like): cooling and losses take the rest.
    """
    return np.asarray(gross_mw, dtype=float) / gross_to_it_ratio


def daily_rent(mw_blocks: ArrayLike, usd_per_kw_month_rate: ArrayLike) -> np.ndarray:
    """Rent of each block for one billed day at its rate: ``MW * 1,000 * rate * 12 / 365`` [USD/day], 1-D."""
    mw = np.asarray(mw_blocks, dtype=float).ravel()
    rate = np.broadcast_to(np.asarray(usd_per_kw_month_rate, dtype=float).ravel(), mw.shape)
    return mw * KW_PER_MW * rate * MONTHS_PER_YEAR / DAYS_PER_YEAR


def day_numbers(dates: ArrayLike) -> np.ndarray:
    """Dates as whole days since 1970-01-01 (int64)."""
    return np.asarray(dates, dtype="datetime64[D]").astype(np.int64)


def billable_mw(rfs_dates: ArrayLike, mw_blocks: ArrayLike, as_of_dates: ArrayLike) -> np.ndarray:
    """MW billing at each as-of date: the blocks whose RFS date is on or before it.

    Parameters
    ----------
    rfs_dates : array_like of dates, 1-D
        Ready-for-service date of each block.
    mw_blocks : array_like, 1-D
        MW of each block [MW].
    as_of_dates : array_like of dates
        Dates to measure at; the result has their shape.

    Returns
    -------
    ndarray
        Billable MW [MW].
    """
    rfs = day_numbers(rfs_dates).ravel()
    mw = np.asarray(mw_blocks, dtype=float).ravel()
    order = np.argsort(rfs, kind="stable")
    cumulative = np.concatenate([[0.0], np.cumsum(mw[order])])
    as_of = day_numbers(as_of_dates)
    return cumulative[np.searchsorted(rfs[order], as_of, side="right")]


def revenue_schedule(
    rfs_dates: ArrayLike,
    mw_blocks: ArrayLike,
    usd_per_kw_month_rate: ArrayLike,
    period_starts: ArrayLike,
    period_ends: ArrayLike,
    annual_escalator: ArrayLike = 0.0,
) -> np.ndarray:
    """Colocation revenue of each period (start and end dates inclusive).

    Parameters
    ----------
    rfs_dates : array_like of dates, 1-D
        Ready-for-service date of each block.
    mw_blocks : array_like, 1-D
        MW of each block [MW].
    usd_per_kw_month_rate : float or array_like, 1-D
        Rate at RFS, one for all blocks or one per block [USD/kW-month].
    period_starts, period_ends : array_like of dates, same shape
        First and last day of each period.
    annual_escalator : float or array_like, 1-D, default 0
        Rate increase on each anniversary of a block's RFS, one for all blocks or one per
        block [fraction per year].

    Returns
    -------
    ndarray
        Revenue per period [USD], shaped like ``period_ends``.

    Notes
    -----
    Revenue of a period is ``C(end) - C(start - 1)`` summed over blocks, where ``C(t)``
    is a block's revenue from RFS through day ``t``: daily rent
    ``MW * 1,000 * rate * 12 / 365``, times ``(1 + escalator)^k`` in the k-th year after RFS.
    """
    rfs = day_numbers(rfs_dates).ravel()
    daily = daily_rent(mw_blocks, usd_per_kw_month_rate)
    ends = day_numbers(period_ends)
    starts = day_numbers(period_starts).reshape(ends.shape)
    escalators = np.broadcast_to(np.asarray(annual_escalator, dtype=float).ravel(), rfs.shape)
    if not escalators.any():  # billed days of each block in each period, times the daily rent
        first = np.maximum(starts.ravel()[None, :], rfs[:, None])
        return (daily @ np.clip(ends.ravel()[None, :] - first + 1, 0, None)).reshape(ends.shape)
    upto = np.concatenate([ends.ravel(), starts.ravel() - 1])
    accrued = _accrued_with_escalator(rfs, daily, upto, escalators)
    n = ends.size
    return (accrued[:n] - accrued[n:]).reshape(ends.shape)


COMMON_YEAR_MONTH_STARTS = np.array([0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334])


def anniversaries(rfs: np.ndarray, years: int) -> np.ndarray:
    """Day numbers (days since 1970-01-01) of each block's RFS anniversaries 0..years, shape
    ``(blocks, years + 1)``; column 0 is the RFS day itself. Same month and day each year; an
    RFS on 29 February falls on 1 March in other years."""
    year, month, day = _civil(rfs)
    after_feb = month > 2
    span = np.arange(year.min(), year.max() + years + 1)
    jan1 = (span - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)
    leap = ((span % 4 == 0) & (span % 100 != 0)) | (span % 400 == 0)
    at = (year - span[0])[:, None] + np.arange(years + 1)[None, :]
    day_in_common_year = COMMON_YEAR_MONTH_STARTS[month - 1] + day - 1
    return jan1[at] + day_in_common_year[:, None] + (after_feb[:, None] & leap[at])


def _civil(day_numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Calendar year, month and day of day numbers (days since 1970-01-01), in integer
    arithmetic: numpy's datetime64 unit casts cost ten times as much (H. Hinnant's
    civil_from_days, proleptic Gregorian)."""
    z = np.asarray(day_numbers, dtype=np.int64) + 719_468
    era = z // 146_097
    doe = z - era * 146_097
    yoe = (doe - doe // 1_460 + doe // 36_524 - doe // 146_096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = np.where(mp < 10, mp + 3, mp - 9)
    return yoe + era * 400 + (month <= 2), month, day


def _accrued_with_escalator(rfs: np.ndarray, daily: np.ndarray, upto: np.ndarray,
                            escalators: np.ndarray) -> np.ndarray:
    """Sum over blocks of revenue accrued through each day in ``upto``, stepping each anniversary.

    A block's rent per day is ``daily * f**k`` in its k-th contract year (``f = 1 + escalator``, the
    block's own),
    which is a sum of steps: ``daily`` from RFS, plus ``daily * (f**j - f**(j-1))`` from the
    j-th anniversary on. Through day ``t`` each step ``w`` starting on day ``a`` has accrued
    ``w * (t - a + 1)``, so the total is ``t' * W(t) - S(t)`` with ``W`` the steps started by
    ``t`` and ``S`` their sum of ``w * (a' - 1)`` (days counted from the first day asked).
    Steps are bucketed onto the days asked, so the cost is one pass over blocks x years.
    """
    if rfs.size == 0 or upto.size == 0:
        return np.zeros(upto.shape)
    days, back = np.unique(upto, return_inverse=True)  # contiguous periods share their boundaries
    years = int(max(0, (days[-1] - rfs.min()) // 365 + 2))
    starts = anniversaries(rfs, years)  # (blocks, years + 1); column 0 is RFS itself
    factors = (1.0 + escalators[:, None]) ** np.arange(years + 1)
    steps = daily[:, None] * np.diff(factors, prepend=0.0, axis=1)
    started = starts <= days[-1]
    at, w = starts[started] - days[0], steps[started]
    bucket = np.searchsorted(days - days[0], at)  # the first day asked on or after each step's start
    weight = np.cumsum(np.bincount(bucket, weights=w, minlength=days.size))
    offset = np.cumsum(np.bincount(bucket, weights=w * (at - 1), minlength=days.size))
    return ((days - days[0]) * weight - offset)[back]
