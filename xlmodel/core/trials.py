"""Trials: one value per simulated world, so values add up trial by trial.

Where :mod:`xlmodel.core.scenarios` reports percentiles, these functions return the
trials themselves, one per path: the BTC price at a horizon, the value of a mining fleet,
of a lease schedule whose RFS dates slip, of a pipeline whose sites may or may not sign.
Trial ``i`` of every function is the same world (the SIPmath convention [1]_): the BTC
price and network paths depend on the seed alone, drawn exactly as ``SCN_BTC_PRICE`` and
``SCN_MINING_MARGIN`` draw them; RFS slips and pipeline outcomes on the seed and an
entity (a text such as the ticker), each from streams of its own
(:func:`xlmodel.core.scenarios.execution_stream`). Sums of trials are then trials of the
sum, and their percentiles the distribution of the total.

Pure numpy; units in square brackets. Inputs are not validated here: the Excel layer
(``xlmodel.excel.trials``) does that and names the argument that is wrong. Memory is
bounded as in :mod:`xlmodel.core.scenarios`: price and network paths a block of months
at a time, slips and pipeline draws a chunk of ``SLIP_CHUNK_PATHS`` paths at a time.

References
----------
.. [1] S. Savage, *The Flaw of Averages* (Wiley, 2009), and the SIPmath 3.0 standard
   (probabilitymanagement.org): trials held as arrays, coherent trial by trial, seeded
   by entity and variable rather than by cell position.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from xlmodel.core import colocation, mining, scenarios, valuation

MONTHS_PER_YEAR = 12


def price_trials(
    btc_price_usd: float,
    annual_volatility: float,
    months: int,
    paths: int,
    seed: int,
    annual_drift: float = 0.0,
    price_history_usd: ArrayLike | None = None,
    block_values: int = scenarios.BLOCK_VALUES,
) -> np.ndarray:
    """The BTC price at the end of month ``months`` in each trial.

    Parameters
    ----------
    btc_price_usd, annual_volatility, months, paths, seed, annual_drift, price_history_usd, block_values
        As in :func:`xlmodel.core.scenarios.btc_price_percentiles`.

    Returns
    -------
    ndarray, shape (paths,)
        Price [USD]. These are the values whose percentiles ``btc_price_percentiles`` reports
        for month ``months``: the same paths, to the bit.
    """
    for _, log_price, _ in scenarios.log_price_blocks(seed, btc_price_usd, annual_volatility, months, paths,
                                                      annual_drift, price_history_usd, block_values):
        last = log_price[-1]
    return np.exp(last)


def mining_npv_trials(
    fleet_hashrate_ehs: float,
    efficiency_j_per_th: float,
    power_usd_per_mwh: float,
    btc_price_usd: float,
    network_hashrate_ehs: float,
    years: float,
    discount_rate: float,
    annual_volatility: float,
    paths: int,
    seed: int,
    annual_drift: float = 0.0,
    network_growth_per_year: float = 0.0,
    hashrate_volatility: float = 0.0,
    correlation: float = 0.0,
    fees_btc_per_block: float = 0.0,
    block_height: int | None = None,
    other_cost_usd_per_year: float = 0.0,
    curtail: bool = True,
    pool_fee: float = 0.0,
    price_history_usd: ArrayLike | None = None,
    block_values: int = scenarios.BLOCK_VALUES,
) -> np.ndarray:
    """``VAL_MINING_NPV`` along each trial's BTC price and network hashrate paths.

    Parameters
    ----------
    fleet_hashrate_ehs, efficiency_j_per_th, power_usd_per_mwh, btc_price_usd, network_hashrate_ehs
        As in :func:`xlmodel.core.valuation.mining_npv` [EH/s], [J/TH], [USD/MWh], [USD], [EH/s].
    years : float
        Horizon [years]: ``round(12 * years)`` months, at least one.
    discount_rate : float
        Annual effective discount rate [fraction per year], > -1.
    annual_volatility, paths, seed, annual_drift, price_history_usd
        The price paths, as in :func:`xlmodel.core.scenarios.btc_price_percentiles`.
    network_growth_per_year, hashrate_volatility, correlation
        The network paths, as in :func:`xlmodel.core.scenarios.mining_margin_percentiles`.
    fees_btc_per_block, block_height, other_cost_usd_per_year, curtail, pool_fee
        As in :func:`xlmodel.core.valuation.mining_npv`; ``block_height`` None keeps 3.125 BTC.
    block_values : int
        Values per array in one block of months; changes memory and speed, never the result.

    Returns
    -------
    ndarray, shape (paths,)
        Value of each trial [USD].

    Notes
    -----
    Month ``m`` is valued as ``mining_npv`` values it, at ``t = (m - 1/2) / 12``, with the
    trial's ``price / network`` at the geometric mean of its values at the ends of months
    ``m - 1`` and ``m`` (month 0 is today). With both volatilities 0 the paths are
    ``S0 exp(mu t)`` and ``N0 (1 + g)^t``, so every trial is ``mining_npv`` with
    ``btc_price_growth_per_year = exp(mu) - 1``.
    """
    months = max(int(np.rint(MONTHS_PER_YEAR * years)), 1)
    t = (np.arange(1, months + 1) - 0.5) / MONTHS_PER_YEAR
    subsidy = (np.full(months, mining.DEFAULT_SUBSIDY_BTC) if block_height is None
               else mining.monthly_subsidy(int(block_height), months))
    btc_per_ratio = fleet_hashrate_ehs * mining.BLOCKS_PER_MONTH * (1.0 - pool_fee) * (subsidy + fees_btc_per_block)
    power_cost = float(mining.fleet_power_mw(fleet_hashrate_ehs, efficiency_j_per_th)) * (
        24.0 * mining.DAYS_PER_MONTH) * power_usd_per_mwh
    discount = (1.0 + discount_rate) ** -t
    value = np.full(paths, -other_cost_usd_per_year / MONTHS_PER_YEAR * discount.sum())
    previous = np.full(paths, math.log(btc_price_usd) - math.log(network_hashrate_ehs))
    for rows, log_ratio in scenarios.log_ratio_blocks(
            seed, btc_price_usd, annual_volatility, network_hashrate_ehs, network_growth_per_year, months, paths,
            annual_drift, hashrate_volatility, correlation, price_history_usd, block_values):
        middle = np.empty_like(log_ratio)
        np.add(log_ratio[1:], log_ratio[:-1], out=middle[1:])
        np.add(previous, log_ratio[0], out=middle[0])
        previous = log_ratio[-1].copy()
        middle *= 0.5
        revenue = np.exp(middle, out=middle)
        revenue *= btc_per_ratio[rows, None]
        margin = np.subtract(revenue, power_cost, out=revenue)
        if curtail:  # the fleet is off in a month whose margin would be negative
            np.maximum(margin, 0.0, out=margin)
        margin *= discount[rows, None]
        for month in margin:  # month by month, in order: the block size changes no bit of the sum
            value += month
    return value


def lease_npv_trials(
    rfs_dates: ArrayLike,
    mw_blocks: ArrayLike,
    usd_per_kw_month_rate: ArrayLike,
    noi_margin: float,
    discount_rate: float,
    term_years: ArrayLike,
    valuation_date,
    slip_months_mean: ArrayLike,
    paths: int,
    seed: int,
    slip_months_sd: ArrayLike | None = None,
    annual_escalator: ArrayLike = 0.0,
    terminal_cap_rate: float = np.nan,
    remaining_capex_usd: float = 0.0,
    entity: str = "",
) -> np.ndarray:
    """``VAL_LEASE_NPV`` in each trial, each undelivered block's RFS date slipped by a random delay.

    Parameters
    ----------
    rfs_dates, mw_blocks, usd_per_kw_month_rate, term_years, annual_escalator
        The schedule, as in :func:`xlmodel.core.valuation.lease_years`.
    noi_margin, discount_rate, valuation_date, terminal_cap_rate, remaining_capex_usd
        As in :func:`xlmodel.core.valuation.lease_npv`; one value each.
    slip_months_mean, slip_months_sd, paths, seed, entity
        The delays, as in :func:`xlmodel.core.scenarios.colo_revenue_percentiles`: the same
        seed and entity draw the same slips there and here.

    Returns
    -------
    ndarray, shape (paths,)
        Value of each trial [USD].

    Notes
    -----
    A block whose RFS date is on or before ``valuation_date`` is delivered and never slips;
    the others move by :func:`xlmodel.core.scenarios.slip_days`, and their terms (and
    escalator anniversaries and terminal value) run from the slipped date. A block's value
    depends only on its RFS day, and slips are whole days, so each block is valued once per
    distinct day in a chunk of trials. With a zero mean every trial is ``lease_npv``; with a
    zero sd every trial is ``lease_npv`` on the undelivered dates moved by
    ``round(m * 365.25 / 12)`` days.

    For a discount rate >= 0 a later RFS date never adds value, up to the calendar: a term
    that moves across a 29 February can gain a day (one day's rent, and one more day in the
    final year the cap rate capitalises).
    """
    rfs = colocation.day_numbers(rfs_dates).ravel()
    mw = np.asarray(mw_blocks, dtype=float).ravel()
    rates = np.broadcast_to(np.asarray(usd_per_kw_month_rate, dtype=float).ravel(), rfs.shape)
    terms = np.broadcast_to(np.asarray(term_years, dtype=np.int64).ravel(), rfs.shape)
    escalators = np.broadcast_to(np.asarray(annual_escalator, dtype=float).ravel(), rfs.shape)
    t0 = int(colocation.day_numbers(valuation_date))
    delivered = rfs <= t0
    if slip_months_sd is None:
        slip_months_sd = slip_months_mean
    out = np.empty(paths)
    for chunk, first, n in scenarios.path_chunks(paths):
        slips = scenarios.slip_days(seed, chunk, n, rfs.size, slip_months_mean, slip_months_sd, entity)
        slips[:, delivered] = 0.0
        total = np.zeros(n)
        for block in range(rfs.size):  # in a fixed order: a trial's value is the same whatever the chunk
            days, trial_day = np.unique(rfs[block] + slips[:, block].astype(np.int64), return_inverse=True)
            leases = valuation.lease_years(days.astype("datetime64[D]"), mw[block], rates[block], terms[block],
                                           escalators[block])
            total += valuation.lease_block_values(leases, discount_rate, valuation_date, terminal_cap_rate)[trial_day]
        out[first:first + n] = noi_margin * total - remaining_capex_usd
    return out


def pipeline_trials(
    mw: ArrayLike,
    usd_per_mw: ArrayLike,
    probability: ArrayLike,
    paths: int,
    seed: int,
    entity: str = "",
) -> np.ndarray:
    """The value of the sites contracted in each trial.

    Parameters
    ----------
    mw : array_like, 1-D
        MW of each site [MW].
    usd_per_mw : float or array_like, 1-D
        Value of a contracted MW, one for all sites or one per site [USD/MW].
    probability : float or array_like, 1-D
        Chance that each site is contracted, one for all or one per site [fraction], 0 to 1.
    paths, seed, entity
        Trials, random seed and whose pipeline it is, as for slips: the draws come from the
        entity's own pipeline streams (:func:`xlmodel.core.scenarios.execution_stream`).

    Returns
    -------
    ndarray, shape (paths,)
        ``sum(mw * usd_per_mw)`` over the sites contracted in each trial [USD].

    Notes
    -----
    Site ``s`` is contracted in a trial when a uniform draw on [0, 1) is below its
    probability, independently of the other sites and trials: a probability of 0 never
    signs, 1 always does.
    """
    mw = np.asarray(mw, dtype=float).ravel()
    value = mw * np.broadcast_to(np.asarray(usd_per_mw, dtype=float).ravel(), mw.shape)
    chance = np.broadcast_to(np.asarray(probability, dtype=float).ravel(), mw.shape)
    out = np.empty(paths)
    for chunk, first, n in scenarios.path_chunks(paths):
        draws = scenarios.execution_stream(seed, scenarios.PIPELINE, entity, chunk).random((n, mw.size))
        out[first:first + n] = (draws < chance) @ value
    return out
