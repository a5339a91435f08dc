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


def _days(dates: ArrayLike) -> np.ndarray:
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
    rfs = _days(rfs_dates).ravel()
    mw = np.asarray(mw_blocks, dtype=float).ravel()
    order = np.argsort(rfs, kind="stable")
    cumulative = np.concatenate([[0.0], np.cumsum(mw[order])])
    as_of = _days(as_of_dates)
    return cumulative[np.searchsorted(rfs[order], as_of, side="right")]


def revenue_schedule(
    rfs_dates: ArrayLike,
    mw_blocks: ArrayLike,
    usd_per_kw_month_rate: ArrayLike,
    period_starts: ArrayLike,
    period_ends: ArrayLike,
    annual_escalator: float = 0.0,
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
    annual_escalator : float, default 0
        Rate increase on each anniversary of a block's RFS [fraction per year].

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
    rfs = _days(rfs_dates).ravel()
    mw = np.asarray(mw_blocks, dtype=float).ravel()
    daily = mw * KW_PER_MW * np.broadcast_to(np.asarray(usd_per_kw_month_rate, dtype=float).ravel(), mw.shape)
    daily = daily * MONTHS_PER_YEAR / DAYS_PER_YEAR
    ends = _days(period_ends)
    starts = _days(period_starts).reshape(ends.shape)
    if annual_escalator == 0:  # billed days of each block in each period, times the daily rent
        first = np.maximum(starts.ravel()[None, :], rfs[:, None])
        return (daily @ np.clip(ends.ravel()[None, :] - first + 1, 0, None)).reshape(ends.shape)
    upto = np.concatenate([ends.ravel(), starts.ravel() - 1])
    accrued = _accrued_with_escalator(rfs, daily, upto, annual_escalator)
    n = ends.size
    return (accrued[:n] - accrued[n:]).reshape(ends.shape)


def _anniversaries(rfs: np.ndarray, years: int) -> np.ndarray:
    """Day numbers of each block's RFS anniversaries 0..years (same month and day)."""
    dates = rfs.astype("datetime64[D]")
    months = dates.astype("datetime64[M]")
    day_in_month = (dates - months.astype("datetime64[D]")).astype(np.int64)
    k = np.arange(years + 1)
    shifted = (months[:, None] + 12 * k[None, :]).astype("datetime64[D]").astype(np.int64)
    return shifted + day_in_month[:, None]


def _accrued_with_escalator(rfs: np.ndarray, daily: np.ndarray, upto: np.ndarray, escalator: float) -> np.ndarray:
    """Sum over blocks of revenue accrued through each day in ``upto``, stepping each anniversary.

    Through day ``t`` a block has accrued ``daily * (G[k] + f**k * (t - rfs + 1))``, where
    ``k`` is the number of anniversaries passed, ``f = 1 + escalator`` and ``G[k]`` corrects
    for the lower rate of the years before (``sum_j<k f**j len_j - f**k * sum_j<k len_j``).
    """
    if rfs.size == 0 or upto.size == 0:
        return np.zeros(upto.shape)
    days, back = np.unique(upto, return_inverse=True)  # contiguous periods share their boundaries
    years = int(max(0, (days.max() - rfs.min()) // 365 + 2))
    anniv = _anniversaries(rfs, years)  # (blocks, years + 1)
    factors = (1.0 + escalator) ** np.arange(years + 1)
    lengths = np.diff(anniv, axis=1)
    elapsed = np.concatenate([np.zeros((rfs.size, 1)), np.cumsum(lengths, axis=1)], axis=1)
    paid = np.concatenate([np.zeros((rfs.size, 1)), np.cumsum(lengths * factors[None, :-1], axis=1)], axis=1)
    correction = daily[:, None] * (paid - factors[None, :] * elapsed)  # daily * G[k], (blocks, years + 1)
    year0, md0 = _year_and_monthday(rfs)
    year_t, md_t = _year_and_monthday(days)
    total = np.zeros(days.shape)
    step = max(1, CHUNK_CELLS // days.size)  # blocks per chunk: memory stays near CHUNK_CELLS per array
    for lo in range(0, rfs.size, step):
        b = slice(lo, lo + step)
        k = year_t[None, :] - year0[b, None] - (md_t[None, :] < md0[b, None])  # anniversaries passed
        live = (days[None, :] >= rfs[b, None]) & (k >= 0)
        kk = np.clip(k, 0, years)
        accrued = np.take_along_axis(correction[b], kk, axis=1) + \
            daily[b, None] * factors[kk] * (days[None, :] - rfs[b, None] + 1)
        total += np.where(live, accrued, 0.0).sum(axis=0)
    return total[back]


CHUNK_CELLS = 2_000_000


def _year_and_monthday(day_numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Calendar year and month * 32 + day of each day number (days since 1970-01-01)."""
    dates = day_numbers.astype("datetime64[D]")
    years = dates.astype("datetime64[Y]")
    months = dates.astype("datetime64[M]")
    month = (months - years.astype("datetime64[M]")).astype(np.int64) + 1
    day = (dates - months.astype("datetime64[D]")).astype(np.int64) + 1
    return years.astype(np.int64) + 1970, month * 32 + day
