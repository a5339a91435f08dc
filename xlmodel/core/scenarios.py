"""Scenarios: percentiles of BTC price, mining margin and colocation revenue over simulated paths.

Pure numpy. Units are in square brackets. Inputs are not validated here; the Excel layer
(``xlmodel.excel.scenarios``) checks them and names the argument that is wrong. Every
function returns percentiles, never the paths.

Reproducible: the same seed gives the same numbers on every call and every machine.
Random numbers come from ``Generator(PCG64(SeedSequence(seed, spawn_key=key)))``, one
stream per source of randomness, never shared:

- the BTC world depends on the seed alone: key ``(0,)`` drives the BTC price (so
  :func:`btc_price_percentiles`, :func:`mining_margin_percentiles` and the trial
  functions of :mod:`xlmodel.core.trials` simulate the same price paths for one seed),
  key ``(1,)`` the network hashrate shocks;
- execution risk depends on the seed and an entity (a text such as the ticker): the RFS
  slips of the ``c``-th chunk of ``SLIP_CHUNK_PATHS`` paths come from key
  ``(name_key("slips"), name_key(entity), c)``, pipeline outcomes from
  ``(name_key("pipeline"), name_key(entity), c)``; :func:`name_key` is a fixed hash of the
  text, so two companies' draws are independent and each is reproducible.

Memory and exactness (the trade-off): a percentile of month ``m`` needs month ``m`` of
every path, and 1,000,000 paths x 240 months in float64 would be 1.9 GB. Price paths
are therefore simulated month-major: every path's state (its log price, its hashrate
shock) is carried forward through blocks of months, each block holding at most
``max(BLOCK_VALUES, 3 x paths)`` values per array (8 MB; 24 MB at 1,000,000 paths, as a
block has at least 3 months), and each month's percentiles are taken over all paths
before the next block is drawn. Percentiles are exact, memory is O(paths + BLOCK_VALUES)
whatever the horizon (about 200 MB at 1,000,000 x 240), and because the random numbers
are drawn month by month in one stream (all paths of month 1, then of month 2, ...;
bootstrap blocks of 3 months start on multiples of 3), the block size does not change a
single bit of the result. Colocation revenue has no state to carry, so its paths are
drawn in fixed chunks from their own seed streams; periods are taken a group at a time,
each group holding at most ``max(REVENUE_VALUES, paths)`` revenues, and the slips are
drawn again (identically) for each group, so a long schedule with very many paths costs
time, not memory. Storing float32 paths instead would halve memory but round every
percentile; regenerating or carrying state keeps them exact.

Percentiles use linear interpolation between order statistics, as ``numpy.percentile``'s
default and Excel's ``PERCENTILE.INC``: rank ``p / 100 * (n - 1)``.

References
----------
.. [1] J. C. Hull, *Options, Futures, and Other Derivatives*, ch. 15: geometric Brownian
   motion, ``ln S_t ~ N(ln S_0 + (mu - sigma^2 / 2) t, sigma^2 t)``.
.. [2] D. N. Politis and J. P. Romano (1992), "A circular block-resampling procedure for
   stationary data", in *Exploring the Limits of Bootstrap*, Wiley, 263-270.
.. [3] M. E. O'Neill (2014), "PCG: A family of simple fast space-efficient statistically
   good algorithms for random number generation", HMC-CS-2014-0905; numpy's
   ``SeedSequence`` for independent streams from one seed.
.. [4] xlmodel ``docs/valuation.md`` section 3: BTC volatility of about 45-55% a year,
   the block bootstrap of historical returns, RFS slips as a delay on lease start.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

if TYPE_CHECKING:  # numpy.random costs 0.03 s of start-up: imported by the first draw, not by every command
    from numpy.random import Generator

from xlmodel.core import mining
from xlmodel.core.colocation import MONTHS_PER_YEAR, anniversaries, daily_rent, day_numbers

DAYS_PER_MONTH = mining.DAYS_PER_MONTH  # 365.25 / 12: the model month, also one month of slip
BOOTSTRAP_BLOCK_MONTHS = 3
MIN_HISTORY_MONTHS = 3
MIN_HISTORY_CLOSES = 1 + math.ceil(MIN_HISTORY_MONTHS * DAYS_PER_MONTH)  # 93 daily closes span 3 model months
DEFAULT_PERCENTILES = (5, 25, 50, 75, 95)
MAX_PATHS = 1_000_000
MAX_MONTHS = 240
BLOCK_VALUES = 1 << 20  # values per array in one block of months: 8 MB of float64
REVENUE_VALUES = 1 << 22  # revenues held per group of periods (32 MB): fewer groups, fewer slip redraws
FIXED_SLIP_SD_SHARE = 1e-8  # an sd below this share of the mean slip is a fixed slip
SLIP_CHUNK_PATHS = 1 << 14  # paths per slip or pipeline draw, each chunk from its own seed stream
PRICE_STREAM, HASHRATE_STREAM = 0, 1  # the BTC world: keyed by the seed alone
SLIPS, PIPELINE = "slips", "pipeline"  # execution risk: keyed by the seed, the entity and the chunk


def stream(seed: int, key: int | tuple[int, ...]) -> Generator:
    """The independent random stream of ``seed`` under spawn key ``key`` (PCG64 via ``SeedSequence`` [3]_)."""
    from numpy.random import PCG64, Generator, SeedSequence

    return Generator(PCG64(SeedSequence(seed, spawn_key=key if isinstance(key, tuple) else (key,))))


def name_key(text: str) -> int:
    """A fixed 64-bit key for a text, the same on every machine and run (BLAKE2b of its UTF-8).

    Surrounding spaces and case do not count: ``" corz"`` and ``"CORZ"`` are one entity.
    """
    digest = hashlib.blake2b(text.strip().casefold().encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def execution_stream(seed: int, name: str, entity: str, chunk: int) -> Generator:
    """The stream of ``name``'s draws (:data:`SLIPS` or :data:`PIPELINE`) for ``entity``'s ``chunk``-th chunk
    of ``SLIP_CHUNK_PATHS`` paths: it shares no random number with the BTC world, another name or another entity."""
    return stream(seed, (name_key(name), name_key(entity), chunk))


def path_chunks(paths: int) -> Iterator[tuple[int, int, int]]:
    """``(chunk, first path, paths in it)`` for each chunk of ``SLIP_CHUNK_PATHS`` paths."""
    for chunk, first in enumerate(range(0, paths, SLIP_CHUNK_PATHS)):
        yield chunk, first, min(SLIP_CHUNK_PATHS, paths - first)


def percentiles_of_sorted(sorted_rows: np.ndarray, percentiles: ArrayLike) -> np.ndarray:
    """Percentiles of each row of an array already sorted along its rows.

    Parameters
    ----------
    sorted_rows : ndarray, shape (rows, n)
        Values, ascending along each row.
    percentiles : array_like, 1-D
        Percentiles to take, each in [0, 100] [percent].

    Returns
    -------
    ndarray, shape (rows, len(percentiles))

    Notes
    -----
    Linear interpolation at rank ``p / 100 * (n - 1)`` (``numpy.percentile``'s default,
    Excel's ``PERCENTILE.INC``). The interpolated value is clipped to its two order
    statistics, so rounding can never put a lower percentile above a higher one.
    """
    n = sorted_rows.shape[1]
    rank = np.asarray(percentiles, dtype=float) / 100.0 * (n - 1)
    lo = np.floor(rank).astype(np.int64)
    hi = np.minimum(lo + 1, n - 1)
    below, above = sorted_rows[:, lo], sorted_rows[:, hi]
    return np.minimum(below + (above - below) * (rank - lo), above)


def monthly_log_returns(closes_usd: ArrayLike) -> np.ndarray:
    """Log returns of successive model months in a history of daily closes.

    Parameters
    ----------
    closes_usd : array_like, 1-D
        Daily BTC closes, oldest first, one per calendar day [USD], > 0.

    Returns
    -------
    ndarray
        Log return of each whole model month, oldest first [dimensionless];
        ``floor((n - 1) / (365.25 / 12))`` of them for ``n`` closes.

    Notes
    -----
    Months are counted back from the last close, so the latest data is used whole and
    the oldest part-month is dropped. A model month is 365.25 / 12 days, so its edges
    fall between closes: the log price there is interpolated linearly between the two
    neighbouring closes. A history growing at a constant daily rate therefore gives the
    same return for every month (a 30-day and a 31-day step would not).
    """
    log_close = np.log(np.asarray(closes_usd, dtype=float).ravel())
    last = log_close.size - 1
    months = int(last // DAYS_PER_MONTH)
    edges = last - np.arange(months, -1, -1) * DAYS_PER_MONTH  # fractional days, ascending
    return np.diff(np.interp(edges, np.arange(log_close.size), log_close))


def _bootstrap_months(rng: Generator, months: int, paths: int, n_returns: int) -> np.ndarray:
    """Which historical month each path takes in each of ``months`` months, shape (months, paths).

    Circular blocks of 3 months [2]_: a block starts at a uniformly drawn month of the
    history and wraps from the last month to the first, so every historical month is
    equally likely. One uniform per path per block, drawn month-block by month-block.
    """
    blocks = -(-months // BOOTSTRAP_BLOCK_MONTHS)
    starts = (rng.random((blocks, paths)) * n_returns).astype(np.int64)
    at = np.repeat(starts, BOOTSTRAP_BLOCK_MONTHS, axis=0)[:months]
    at += (np.arange(months) % BOOTSTRAP_BLOCK_MONTHS)[:, None]
    return at % n_returns


def _block_months(paths: int, block_values: int) -> int:
    """Months per block: a multiple of the bootstrap block, within ``block_values`` values per array."""
    return BOOTSTRAP_BLOCK_MONTHS * max(1, block_values // (BOOTSTRAP_BLOCK_MONTHS * paths))


def log_price_blocks(
    seed: int,
    btc_price_usd: float,
    annual_volatility: float,
    months: int,
    paths: int,
    annual_drift: float = 0.0,
    price_history_usd: ArrayLike | None = None,
    block_values: int = BLOCK_VALUES,
) -> Iterator[tuple[slice, np.ndarray, np.ndarray]]:
    """The BTC price paths of ``seed``: log price at month ends, a block of months at a time.

    Yields ``(rows, log_price, shock)``: the block's months as a slice of 0..``months``-1,
    and two arrays shaped (months in the block, paths) that the caller may overwrite. The
    shock is the month's standard normal under GBM, or the bootstrapped return's z-score
    in the history; :func:`log_ratio_blocks` correlates the hashrate with it. Arguments as
    in :func:`btc_price_percentiles`.
    """
    rng = stream(seed, PRICE_STREAM)
    history_returns = None if price_history_usd is None else monthly_log_returns(price_history_usd)
    level = np.full(paths, math.log(btc_price_usd))
    if history_returns is not None:
        sd = history_returns.std()
        scores = (history_returns - history_returns.mean()) / sd if sd > 0 else np.zeros_like(history_returns)
    drift_per_month = (annual_drift - annual_volatility * annual_volatility / 2) / MONTHS_PER_YEAR  # no ** OverflowError
    vol_per_month = annual_volatility / math.sqrt(MONTHS_PER_YEAR)
    step_months = _block_months(paths, block_values)
    for first in range(0, months, step_months):
        k = min(step_months, months - first)
        if history_returns is None:
            shock = rng.standard_normal((k, paths))
            step = shock * vol_per_month + drift_per_month
        else:
            at = _bootstrap_months(rng, k, paths, history_returns.size)
            step, shock = history_returns[at], scores[at]
        step[0] += level  # summing from the carried level keeps every bit independent of the block size
        log_price = np.cumsum(step, axis=0, out=step)
        level = log_price[-1].copy()
        yield slice(first, first + k), log_price, shock


def log_ratio_blocks(
    seed: int,
    btc_price_usd: float,
    annual_volatility: float,
    network_hashrate_ehs: float,
    network_growth_per_year: float,
    months: int,
    paths: int,
    annual_drift: float = 0.0,
    hashrate_volatility: float = 0.0,
    correlation: float = 0.0,
    price_history_usd: ArrayLike | None = None,
    block_values: int = BLOCK_VALUES,
) -> Iterator[tuple[slice, np.ndarray]]:
    """``ln(price / network hashrate)`` at month ends on the BTC price and network paths of ``seed``.

    Yields ``(rows, log_ratio)`` a block of months at a time, as :func:`log_price_blocks`
    does (``log_ratio`` shaped (months in the block, paths), the caller's to overwrite);
    the model is :func:`mining_margin_percentiles`'s, the price [USD] and hashrate [EH/s]
    paths its own. The hashrate shocks come from the seed's network stream, month by month
    like the price's, so the block size changes no bit of the result.
    """
    hash_rng = stream(seed, HASHRATE_STREAM)
    years = np.arange(1, months + 1) / MONTHS_PER_YEAR
    log_growth_path = math.log(network_hashrate_ehs) + years * math.log1p(network_growth_per_year)
    vol_per_month = hashrate_volatility / math.sqrt(MONTHS_PER_YEAR)
    drift_per_month = -hashrate_volatility * hashrate_volatility / 2 / MONTHS_PER_YEAR
    independent = math.sqrt(max(0.0, 1.0 - correlation**2))
    level = np.zeros(paths)
    for rows, log_price, price_shock in log_price_blocks(seed, btc_price_usd, annual_volatility, months, paths,
                                                         annual_drift, price_history_usd, block_values):
        log_ratio = log_price
        log_ratio -= log_growth_path[rows, None]
        if hashrate_volatility > 0:
            shock = hash_rng.standard_normal(log_ratio.shape)
            shock *= independent
            shock += correlation * price_shock
            step = np.multiply(shock, vol_per_month, out=shock)
            step += drift_per_month
            step[0] += level
            log_shock = np.cumsum(step, axis=0, out=step)
            level = log_shock[-1].copy()
            log_ratio -= log_shock
        yield rows, log_ratio


def btc_price_percentiles(
    btc_price_usd: float,
    annual_volatility: float,
    months: int,
    paths: int,
    seed: int,
    annual_drift: float = 0.0,
    percentiles: ArrayLike = DEFAULT_PERCENTILES,
    price_history_usd: ArrayLike | None = None,
    block_values: int = BLOCK_VALUES,
) -> np.ndarray:
    """Percentiles of the simulated BTC price at each month end.

    Parameters
    ----------
    btc_price_usd : float
        BTC price today [USD], > 0.
    annual_volatility : float
        Volatility of log returns [fraction per year]; ignored with a price history.
    months : int
        Months to simulate [months].
    paths : int
        Simulated paths [paths].
    seed : int
        Random seed, >= 0.
    annual_drift : float, default 0
        Expected continuously compounded return ``mu`` [fraction per year]; ignored with a
        price history.
    percentiles : array_like, default (5, 25, 50, 75, 95)
        Percentiles to report, each in (0, 100) [percent].
    price_history_usd : array_like, optional
        Daily closes, oldest first [USD]; at least ``MIN_HISTORY_CLOSES``. When given,
        monthly log returns are bootstrapped from it instead of drawn from GBM.
    block_values : int
        Values per array in one block of months; changes memory and speed, never the result.

    Returns
    -------
    ndarray, shape (months, len(percentiles))
        BTC price percentiles at the end of month 1..``months`` [USD].

    Notes
    -----
    GBM [1]_: ``ln S_t = ln S_0 + (mu - sigma^2 / 2) t + sigma W_t`` with ``t = month / 12``
    years, so month ``m``'s percentile ``p`` is close to
    ``S_0 exp((mu - sigma^2 / 2) t + sigma sqrt(t) Phi^-1(p / 100))``; the mean price grows
    at ``mu``, the median at ``mu - sigma^2 / 2``. Bootstrap: each path strings together
    3-month blocks of the history's monthly log returns (:func:`monthly_log_returns`,
    circular blocks [2]_), which keeps fat tails and short-run volatility clustering.
    """
    out = np.empty((months, len(np.atleast_1d(percentiles))))
    for rows, log_price, _ in log_price_blocks(seed, btc_price_usd, annual_volatility, months, paths, annual_drift,
                                               price_history_usd, block_values):
        price = np.exp(log_price, out=log_price)
        price.sort(axis=1)
        out[rows] = percentiles_of_sorted(price, percentiles)
    return out


def mining_margin_percentiles(
    btc_price_usd: float,
    annual_volatility: float,
    network_hashrate_ehs: float,
    network_growth_per_year: float,
    efficiency_j_per_th: float,
    power_usd_per_mwh: float,
    months: int,
    paths: int,
    seed: int,
    fees_btc_per_block: float = 0.0,
    block_height: int | None = None,
    hashrate_volatility: float = 0.0,
    correlation: float = 0.0,
    percentiles: ArrayLike = DEFAULT_PERCENTILES,
    price_history_usd: ArrayLike | None = None,
    annual_drift: float = 0.0,
    block_values: int = BLOCK_VALUES,
) -> tuple[np.ndarray, np.ndarray]:
    """Percentiles of the mining margin (hashprice less hashcost) at each month end.

    Parameters
    ----------
    btc_price_usd, annual_volatility, months, paths, seed, percentiles, price_history_usd, annual_drift
        As in :func:`btc_price_percentiles` (the same seed gives the same price paths).
    network_hashrate_ehs : float
        Network hashrate today [EH/s], > 0.
    network_growth_per_year : float
        Expected growth of the network hashrate [fraction per year], > -1.
    efficiency_j_per_th : float
        Fleet efficiency [J/TH].
    power_usd_per_mwh : float
        Power price [USD/MWh].
    fees_btc_per_block : float, default 0
        Average transaction fees per block [BTC].
    block_height : int, optional
        Height of the first block of month 1 [blocks]; the subsidy then follows the halving
        schedule (:func:`xlmodel.core.mining.monthly_subsidy`). Without it, 3.125 BTC.
    hashrate_volatility : float, default 0
        Volatility of the network hashrate's log shocks [fraction per year].
    correlation : float, default 0
        Correlation of the hashrate shocks with the price shocks, -1 to 1.

    Returns
    -------
    margin : ndarray, shape (months, len(percentiles))
        Margin percentiles at month 1..``months`` [USD per PH/s per day].
    negative : ndarray, shape (months,)
        Share of paths whose margin is below zero [fraction].

    Notes
    -----
    ``margin = hashprice - hashcost`` as :func:`xlmodel.core.mining.hashprice` and
    :func:`~xlmodel.core.mining.hashcost` define them, with

    ``N_t = N_0 (1 + g)^t exp(sigma_h W_h(t) - sigma_h^2 t / 2)``, ``t = month / 12``,

    where the increments of ``W_h`` are ``rho`` times the price's standardized monthly
    shock plus ``sqrt(1 - rho^2)`` times an independent normal. The mean of the shock is
    1, so the *mean* network follows ``N_0 (1 + g)^t`` (as the price's mean grows at
    ``mu``); the median runs ``exp(-sigma_h^2 t / 2)`` below it. With a price history
    the standardized shock is the z-score of the bootstrapped return.

    Hashprice is linear in price / network (``mining.hashprice(1, 1, ...)`` is the
    coefficient), and hashcost is the same on every path, so each margin percentile is
    the hashprice percentile less hashcost, and a higher power price lowers every one.
    Under GBM, ``ln(price / network)`` is normal with variance
    ``(sigma^2 + sigma_h^2 - 2 rho sigma sigma_h) t``, which gives the share of negative
    margins in closed form.
    """
    if block_height is None:
        subsidy = np.full(months, mining.DEFAULT_SUBSIDY_BTC)
    else:
        subsidy = mining.monthly_subsidy(int(block_height), months)
    per_price_over_network = mining.hashprice(1.0, 1.0, fees_btc_per_block, subsidy)  # (months,)
    cost = float(mining.hashcost(efficiency_j_per_th, power_usd_per_mwh))
    margin = np.empty((months, len(np.atleast_1d(percentiles))))
    negative = np.empty(months)
    for rows, log_ratio in log_ratio_blocks(seed, btc_price_usd, annual_volatility, network_hashrate_ehs,
                                            network_growth_per_year, months, paths, annual_drift,
                                            hashrate_volatility, correlation, price_history_usd, block_values):
        hashprice = np.exp(log_ratio, out=log_ratio)
        hashprice *= per_price_over_network[rows, None]
        hashprice.sort(axis=1)
        margin[rows] = percentiles_of_sorted(hashprice, percentiles) - cost
        negative[rows] = np.count_nonzero(hashprice < cost, axis=1) / paths
    return margin, negative


def slip_days(seed: int, chunk: int, paths: int, blocks: int, mean_months: ArrayLike,
              sd_months: ArrayLike, entity: str = "") -> np.ndarray:
    """RFS delay of each block on each path of one chunk of paths, in whole days.

    Parameters
    ----------
    seed : int
        Random seed, >= 0.
    chunk : int
        Index of the chunk of ``SLIP_CHUNK_PATHS`` paths; with ``seed`` and ``entity`` it picks
        the stream (:func:`execution_stream`).
    paths, blocks : int
        Paths in the chunk, blocks in the schedule.
    mean_months, sd_months : float or array_like, 1-D
        Mean and standard deviation of the delay, one for all blocks or one per block [months],
        >= 0; a mean > 0 where the sd is.
    entity : str, default ""
        Whose schedule it is (a ticker): each entity's slips are drawn independently.

    Returns
    -------
    ndarray of float, shape (paths, blocks)
        Delay [days], whole numbers.

    Notes
    -----
    Gamma distributed with shape ``(mean / sd)^2`` and scale ``sd^2 / mean`` [months],
    independent per block and path; an sd of 0 is a fixed delay of the mean (as is an sd
    below ``FIXED_SLIP_SD_SHARE`` of the mean, which moves no delay by a thousandth of a
    day and would overflow the shape), and an sd equal to the mean an exponential delay.
    Months become ``365.25 / 12`` days, rounded to whole days half to even (as Python's
    ``round``).
    """
    mean = np.broadcast_to(np.asarray(mean_months, dtype=float).ravel(), (blocks,))
    sd = np.broadcast_to(np.asarray(sd_months, dtype=float).ravel(), (blocks,))
    fixed = (mean == 0) | (sd < mean * FIXED_SLIP_SD_SHARE)
    if fixed.all():
        return np.broadcast_to(np.rint(mean * DAYS_PER_MONTH), (paths, blocks)).copy()
    ratio = np.where(fixed, 1.0, mean / np.where(fixed, 1.0, sd))
    with np.errstate(invalid="ignore", over="ignore"):  # an sd beyond 1e154 months: an endless delay
        shape, scale = ratio * ratio, np.where(fixed, 0.0, sd * sd / np.where(fixed, 1.0, mean))
        months = execution_stream(seed, SLIPS, entity, chunk).standard_gamma(shape, (paths, blocks)) * scale
    months = np.where(fixed, mean, np.nan_to_num(months, nan=0.0))
    return np.rint(months * DAYS_PER_MONTH)


def colo_revenue_percentiles(
    rfs_dates: ArrayLike,
    mw_blocks: ArrayLike,
    usd_per_kw_month_rate: ArrayLike,
    period_starts: ArrayLike,
    period_ends: ArrayLike,
    slip_months_mean: ArrayLike,
    paths: int,
    seed: int,
    slip_months_sd: ArrayLike | None = None,
    percentiles: ArrayLike = DEFAULT_PERCENTILES,
    annual_escalator: ArrayLike = 0.0,
    entity: str = "",
    block_values: int = REVENUE_VALUES,
) -> np.ndarray:
    """Percentiles of each period's colocation revenue when RFS dates slip.

    Parameters
    ----------
    rfs_dates : array_like of dates, 1-D
        Planned ready-for-service date of each block.
    mw_blocks : array_like, 1-D
        MW of each block [MW].
    usd_per_kw_month_rate : float or array_like, 1-D
        Rate at RFS, one for all blocks or one per block [USD/kW-month].
    period_starts, period_ends : array_like of dates, 1-D
        First and last day of each period (inclusive), start <= end.
    slip_months_mean : float or array_like, 1-D
        Mean delay of each block's RFS, one for all blocks or one per block (0 for a block
        already delivered) [months], >= 0.
    paths : int
        Simulated paths [paths].
    seed : int
        Random seed, >= 0.
    slip_months_sd : float or array_like, 1-D, optional
        Standard deviation of the delay, one or one per block [months], >= 0; default the
        mean (an exponential delay).
    percentiles : array_like, default (5, 25, 50, 75, 95)
        Percentiles to report, each in (0, 100) [percent].
    annual_escalator : float or array_like, 1-D, default 0
        Rate step on each anniversary of a block's (slipped) RFS, one for all blocks or one per
        block [fraction per year].
    entity : str, default ""
        Whose schedule it is (a ticker): picks the slips' streams (:func:`slip_days`), so one
        seed and entity give every path the same slips here and in
        :func:`xlmodel.core.trials.lease_npv_trials`.
    block_values : int
        Revenues held at once; changes memory and speed, never the result.

    Returns
    -------
    ndarray, shape (periods, len(percentiles))
        Revenue percentiles of each period [USD].

    Notes
    -----
    Each block's RFS moves later by :func:`slip_days`; revenue then follows
    :func:`xlmodel.core.colocation.revenue_schedule`: daily rent ``MW * 1,000 * rate * 12 / 365``
    from the slipped RFS, times ``(1 + escalator)^k`` from its k-th anniversary. A slip
    moves the anniversaries with the RFS, so a delay never raises a period's revenue.
    Per path, a block's revenue through day ``t`` is ``sum_k w_k max(t - A_k + 1, 0)`` over
    its anniversaries ``A_k`` (``A_0`` the RFS) with steps ``w_k = daily (f^k - f^(k-1))``,
    and a period earns the difference at its end and the day before its start.
    """
    if slip_months_sd is None:
        slip_months_sd = slip_months_mean
    rfs = day_numbers(rfs_dates).ravel()
    daily = daily_rent(mw_blocks, usd_per_kw_month_rate)
    ends, starts = day_numbers(period_ends).ravel(), day_numbers(period_starts).ravel()
    q = np.atleast_1d(np.asarray(percentiles, dtype=float))
    out = np.empty((ends.size, q.size))
    if ends.size == 0:
        return out
    last_day = int(ends.max())
    escalators = np.broadcast_to(np.asarray(annual_escalator, dtype=float).ravel(), rfs.shape)
    years = 0 if not escalators.any() or rfs.size == 0 else max(0, (last_day - int(rfs.min())) // 365)
    factors = (1.0 + escalators[:, None]) ** np.arange(years + 1)
    steps = daily[:, None] * np.diff(factors, prepend=0.0, axis=1)
    group = max(1, block_values // paths)
    for first in range(0, ends.size, group):
        chosen = slice(first, first + group)
        edges = np.concatenate([ends[chosen], starts[chosen] - 1]).astype(float)
        revenue = np.empty((edges.size // 2, paths))
        for chunk, path0, n in path_chunks(paths):
            slip = slip_days(seed, chunk, n, rfs.size, slip_months_mean, slip_months_sd, entity)
            # a block that starts after the last period earns nothing anywhere: keep its date (and calendar) near
            slipped = np.minimum(rfs + slip, last_day + 1).astype(np.int64)
            revenue[:, path0:path0 + n] = _revenue_by_path(slipped, steps, edges).T
        revenue.sort(axis=1)
        out[chosen] = percentiles_of_sorted(revenue, q)
    return out


def _revenue_by_path(slipped: np.ndarray, steps: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Revenue of each path in each period, shape (paths, periods), for RFS days shaped (paths, blocks).

    Slips are whole days within a bounded horizon, so many paths share a block's RFS day:
    each block's revenue is computed once per distinct day and looked up. Blocks are added
    in a fixed order, so a path's revenue is the same to the bit whichever periods are
    computed with it.
    """
    revenue = np.zeros((slipped.shape[0], edges.size // 2))
    for block in range(slipped.shape[1]):
        days, path_day = np.unique(slipped[:, block], return_inverse=True)
        revenue += _block_revenue(days, steps[block], edges)[path_day]
    return revenue


def _block_revenue(rfs: np.ndarray, steps: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Revenue of one block in each period for each of its possible RFS days, shape (days, periods).

    ``edges`` holds the periods' last days, then the days before their first days;
    ``steps`` the rent steps from RFS and each anniversary on. Through day ``t`` a step
    ``w`` from day ``a`` has accrued ``w * max(t - a + 1, 0)``.
    """
    years = steps.size - 1
    starts = rfs[:, None] if years == 0 else anniversaries(rfs, years)
    accrued = np.zeros((rfs.size, edges.size))
    for k, weight in enumerate(steps):
        days = edges[None, :] - starts[:, k, None] + 1.0
        np.maximum(days, 0.0, out=days)
        days *= weight
        accrued += days
    periods = edges.size // 2
    return accrued[:, :periods] - accrued[:, periods:]
