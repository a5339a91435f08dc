"""Valuation of a miner turning data-centre landlord: leases, mining, dilution and the sum of the parts.

Pure and vectorized; dates are numpy ``datetime64[D]`` values (or what
``np.asarray(x, "datetime64[D]")`` reads). Units in square brackets. Inputs are not
validated here; the Excel layer does that and names the argument that is wrong.

Conventions, stated once:

- Discounting follows Excel's ``XNPV``: a cash flow ``d`` days after the valuation date
  is worth ``(1 + r)^(-d / 365)`` today, ``r`` an annual effective rate.
- Lease rent accrues daily by ``COLO_REVENUE_SCHEDULE``'s rule (``rate * 12 / 365`` per
  kW-day from RFS, the escalator stepping on RFS anniversaries) and each day's NOI is a
  cash flow of that day.
- Mining is projected in model months of 365.25 / 12 days (4,383 blocks), each valued at
  its middle (the mid-period convention of a DCF): prices and hashrates compounded to
  ``(m - 1/2) / 12`` years and the month's margin discounted from the same point.

References
----------
.. [1] Treasury stock method and if-converted method: FASB ASC 260-10-45 (diluted
   earnings per share), as analysts apply them to a target price.
.. [2] Sum-of-the-parts practice for hybrid miners (JPMorgan, Cantor, Bernstein, H.C.
   Wainwright notes, 2025), as collected in xlmodel's ``docs/valuation.md`` section 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from xlmodel.core import colocation, mining

DAYS_PER_DISCOUNT_YEAR = 365.0  # as Excel's XNPV counts


def diluted_shares(
    basic_shares: ArrayLike,
    share_price_usd: ArrayLike,
    instrument_counts: ArrayLike = (),
    strikes_usd: ArrayLike = (),
    convert_principals_usd: ArrayLike = (),
    conversion_prices_usd: ArrayLike = (),
) -> np.ndarray:
    """Fully diluted shares at a share price.

    Parameters
    ----------
    basic_shares : array_like
        Basic shares outstanding [shares].
    share_price_usd : array_like
        Share price [USD/share]; broadcasts with ``basic_shares``.
    instrument_counts, strikes_usd : array_like, 1-D, same length
        Options, warrants and RSUs (an RSU has strike 0) [shares], [USD/share].
    convert_principals_usd, conversion_prices_usd : array_like, 1-D, same length
        Convertible notes: principal [USD] and conversion price [USD/share].

    Returns
    -------
    ndarray
        Diluted shares [shares], the broadcast shape of the first two arguments.

    Notes
    -----
    Treasury stock method [1]_: a tranche whose strike is below the price adds
    ``count * (1 - strike / price)`` (the exercise proceeds buy back shares at the price).
    If-converted [1]_: a note adds ``principal / conversion_price`` when the price is at or
    above its conversion price, and nothing otherwise.
    """
    price = np.asarray(share_price_usd, dtype=float)[..., None]
    counts, strikes = _vector(instrument_counts), _vector(strikes_usd)
    principals, conversions = _vector(convert_principals_usd), _vector(conversion_prices_usd)
    options = np.where(strikes < price, counts * (1.0 - strikes / price), 0.0).sum(axis=-1)
    converts = np.where(price >= conversions, principals / conversions, 0.0).sum(axis=-1)
    return np.add(basic_shares, options + converts)


def _vector(values: ArrayLike) -> np.ndarray:
    return np.asarray(values, dtype=float).ravel()


def value_per_share(
    equity_value_usd: ArrayLike,
    basic_shares: ArrayLike,
    instrument_counts: ArrayLike = (),
    strikes_usd: ArrayLike = (),
    convert_principals_usd: ArrayLike = (),
    conversion_prices_usd: ArrayLike = (),
) -> np.ndarray:
    """Value per share with dilution at that value: the instruments in the money at V are exercised.

    Parameters
    ----------
    equity_value_usd : array_like
        Equity value, every convertible note counted as debt [USD].
    basic_shares : array_like
        Basic shares outstanding [shares], > 0; broadcasts with ``equity_value_usd``.
    instrument_counts, strikes_usd, convert_principals_usd, conversion_prices_usd
        As in :func:`diluted_shares`.

    Returns
    -------
    ndarray
        Value per share V [USD/share], the broadcast shape of the first two arguments.

    Notes
    -----
    V solves ``V = (E + principal of the notes converting at V) / diluted_shares(V)``: a note
    converts at ``V >= conversion price`` and its principal leaves debt; an option dilutes at
    ``strike < V`` by the treasury stock method [1]_. Multiplied out, every instrument adds
    ``a (V - b)`` where it is in the money, with ``a`` its count and ``b`` its strike, or
    ``a = principal / conversion price`` and ``b`` the conversion price, so

    ``f(V) = B V + sum_i a_i max(V - b_i, 0) = E``.

    ``f`` is continuous (an instrument at ``V = b`` adds nothing either way, so the rules at a
    breakpoint need no tie-break) and rises with slope at least ``B``: for ``E > 0`` the
    solution is unique. It is found exactly: ``f`` at the sorted breakpoints brackets it, and
    on its piece ``V = (E + sum a_i b_i) / (B + sum a_i)`` over the instruments in the money
    there. ``E <= 0`` gives ``E / B``.
    """
    equity = np.asarray(equity_value_usd, dtype=float)
    basic = np.asarray(basic_shares, dtype=float)
    counts, strikes = _vector(instrument_counts), _vector(strikes_usd)
    principals, conversions = _vector(convert_principals_usd), _vector(conversion_prices_usd)
    at = np.concatenate([strikes, conversions])
    order = np.argsort(at, kind="stable")
    at, weight = at[order], np.concatenate([counts, principals / conversions])[order]
    added = np.concatenate([[0.0], np.cumsum(weight)])  # shares added per USD of V with the first j in the money
    offset = np.concatenate([[0.0], np.cumsum(weight * at)])
    below = np.zeros(np.broadcast_shapes(equity.shape, basic.shape), dtype=np.int64)  # breakpoints below V
    on = np.zeros(below.shape, dtype=bool)  # V is exactly the next breakpoint
    for j, b in enumerate(at):
        f = b * (basic + added[j]) - offset[j]
        below += f < equity
        on |= (f == equity) & (below == j)
    lower = np.concatenate([[0.0], at])[below]
    upper = np.concatenate([at, [np.inf]])[below]
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.clip((equity + offset[below]) / (basic + added[below]), lower, upper)
        value = np.where(on, upper, value)
        return np.where(equity > 0, value, equity / basic)


@dataclass(frozen=True)
class LeaseYears:
    """A lease schedule as contract years: (blocks, longest term) arrays of each year's first and
    last day (days since 1970-01-01) and daily rent [USD/day] (0 after a block's term), and per
    block its term end (the ``term_years``-th RFS anniversary) and final contract year's rent [USD]."""

    first: np.ndarray
    last: np.ndarray
    rent: np.ndarray
    term_end: np.ndarray
    final_year_rent: np.ndarray

    @property
    def last_term_end(self) -> np.datetime64:
        return np.datetime64(int(self.term_end.max()), "D")


def lease_years(
    rfs_dates: ArrayLike,
    mw_blocks: ArrayLike,
    usd_per_kw_month_rate: ArrayLike,
    term_years: ArrayLike,
    annual_escalator: ArrayLike = 0.0,
) -> LeaseYears:
    """The contract years of each block, rent by ``COLO_REVENUE_SCHEDULE``'s rule.

    Parameters
    ----------
    rfs_dates : array_like of dates, 1-D
        Ready-for-service date of each block.
    mw_blocks : array_like, 1-D
        MW of each block [MW].
    usd_per_kw_month_rate : float or array_like, 1-D
        Rent at RFS, one for all blocks or one per block [USD/kW-month].
    term_years : int or array_like of int, 1-D
        Initial term, one for all blocks or one per block [years].
    annual_escalator : float or array_like, 1-D, default 0
        Rent step on each RFS anniversary, one for all blocks or one per block [fraction per year].

    Notes
    -----
    A block earns ``MW * 1,000 * rate * 12 / 365 * (1 + escalator)^k`` a day in its k-th
    contract year, from RFS to the day before the ``term_years``-th anniversary.
    """
    rfs = colocation.day_numbers(rfs_dates).ravel()
    terms = np.broadcast_to(np.asarray(term_years, dtype=np.int64).ravel(), rfs.shape)
    longest = int(terms.max(initial=0))
    days = colocation.anniversaries(rfs, longest)  # (blocks, longest + 1)
    year = np.arange(longest)
    daily = colocation.daily_rent(mw_blocks, usd_per_kw_month_rate)
    escalators = np.broadcast_to(np.asarray(annual_escalator, dtype=float).ravel(), rfs.shape)
    rent = np.where(year < terms[:, None], daily[:, None] * (1.0 + escalators[:, None]) ** year, 0.0)
    first, last = days[:, :-1], days[:, 1:] - 1
    rows, final = np.arange(rfs.size), np.maximum(terms - 1, 0)
    return LeaseYears(first, last, rent, days[rows, terms],
                      rent[rows, final] * (last[rows, final] - first[rows, final] + 1))


def lease_npv(
    leases: LeaseYears,
    noi_margin: ArrayLike,
    discount_rate: ArrayLike,
    valuation_date,
    terminal_cap_rate: ArrayLike = np.nan,
    remaining_capex_usd: float = 0.0,
) -> np.ndarray:
    """Value today of contracted lease NOI, with an optional re-lease (terminal) value.

    Parameters
    ----------
    leases : LeaseYears
        The schedule (:func:`lease_years`).
    noi_margin : array_like
        NOI as a share of rent [fraction].
    discount_rate : array_like
        Annual effective discount rate [fraction per year], > -1.
    valuation_date : date
        The day values are measured at; NOI before it does not count.
    terminal_cap_rate : array_like, default NaN (no terminal value)
        Cap rate of the re-lease value [fraction per year]; NaN adds none.
    remaining_capex_usd : float, default 0
        Build capex still to spend, subtracted undiscounted [USD].

    Returns
    -------
    ndarray
        Value [USD], the broadcast shape of ``noi_margin``, ``discount_rate`` and
        ``terminal_cap_rate``.

    Notes
    -----
    Each day's NOI from ``valuation_date`` on is discounted as ``XNPV`` discounts it; a
    contract year's days sum as a geometric series. The terminal value of a block is the NOI
    of its final contract year divided by the cap rate, at its term end, discounted from
    there (and left out when the term ended before ``valuation_date``). With a zero rate and
    no terminal value the result is ``noi_margin`` times ``COLO_REVENUE_SCHEDULE``'s revenue
    of each block over its term.
    """
    t0 = int(colocation.day_numbers(valuation_date))
    rate = np.asarray(discount_rate, dtype=float)
    shape = np.broadcast_shapes(np.shape(noi_margin), rate.shape, np.shape(terminal_cap_rate))
    rates = np.unique(rate)
    rent_pv, final_pv = (pv.sum(axis=1) for pv in _present_values(leases, t0, rates))
    at = np.searchsorted(rates, rate)
    cap = np.asarray(terminal_cap_rate, dtype=float)
    terminal = np.where(np.isnan(cap), 0.0, final_pv[at] / np.where(np.isnan(cap), 1.0, cap))
    value = np.multiply(noi_margin, rent_pv[at] + terminal) - remaining_capex_usd
    return np.broadcast_to(value, shape)


def lease_block_values(leases: LeaseYears, discount_rate: float, valuation_date,
                       terminal_cap_rate: float = np.nan) -> np.ndarray:
    """Each block's rent from ``valuation_date`` on plus its re-lease value, discounted, before the NOI margin.

    Parameters
    ----------
    leases : LeaseYears
        The schedule (:func:`lease_years`).
    discount_rate : float
        Annual effective discount rate [fraction per year], > -1.
    valuation_date : date
        The day values are measured at.
    terminal_cap_rate : float, default NaN (no terminal value)
        Cap rate of the re-lease value [fraction per year].

    Returns
    -------
    ndarray, shape (blocks,)
        [USD]. :func:`lease_npv` is ``noi_margin`` times their sum, less the capex.
    """
    rent_pv, final_pv = _present_values(leases, int(colocation.day_numbers(valuation_date)),
                                        np.array([float(discount_rate)]))
    return rent_pv[0] + (0.0 if np.isnan(terminal_cap_rate) else final_pv[0] / terminal_cap_rate)


def _present_values(leases: LeaseYears, t0: int, rates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per discount rate and block, shaped (rates, blocks): the rent from ``t0`` on, and the final-year
    rent at the term end, both discounted to ``t0`` [USD]. A contract year's days ``a..a+n-1`` after
    ``t0`` are worth ``v^a (1 - v^n) / (1 - v)`` day-rents, ``v`` one day's discount factor."""
    first = np.maximum(leases.first, t0)
    a = first - t0
    n = np.clip(leases.last - first + 1, 0, None)
    log_v = -np.log1p(rates)[:, None, None] / DAYS_PER_DISCOUNT_YEAR  # ln of one day's discount factor
    flat = log_v.ravel() == 0
    with np.errstate(invalid="ignore", divide="ignore"):
        days_worth = np.expm1(log_v * n) / np.expm1(log_v)
    if flat.any():  # a zero rate: every day is worth one day's rent
        days_worth[flat] = n
    rent_pv = (leases.rent * np.exp(log_v * a) * days_worth).sum(axis=-1)
    to_end = leases.term_end - t0
    final_rent = np.where(to_end >= 0, leases.final_year_rent, 0.0)  # a term already over adds nothing
    final_pv = final_rent * np.exp(log_v[..., 0] * np.maximum(to_end, 0))
    return rent_pv, final_pv


def cost_npv(
    cost_usd_per_year: ArrayLike,
    discount_rate: ArrayLike,
    valuation_date,
    end_date,
    terminal_cap_rate: ArrayLike = np.nan,
) -> np.ndarray:
    """Value today of a cost paid evenly from the valuation date to an end date, with an optional perpetuity.

    Parameters
    ----------
    cost_usd_per_year : array_like
        The cost [USD/year], paid day by day (a 365th a day).
    discount_rate : array_like
        Annual effective discount rate [fraction per year], > -1.
    valuation_date, end_date : date
        The day values are measured at, and the last day the cost is paid up to (exclusive).
    terminal_cap_rate : array_like, default NaN (none)
        With a cap rate, the cost continues beyond the end date as a perpetuity ``cost / cap rate``
        valued at the end date and discounted from there, as the leases' re-lease value is.

    Returns
    -------
    ndarray
        Value [USD, positive for a cost], the broadcast shape of the array arguments.

    Notes
    -----
    The days ``0 .. n-1`` from the valuation date (``n`` days to the end date, 0 if it is past)
    are discounted as ``XNPV`` discounts them, ``(1 + r)^(-d / 365)``, and sum as a geometric
    series: ``cost / 365 * (1 - v^n) / (1 - v)`` with ``v = (1 + r)^(-1/365)``; ``cost * n / 365``
    at a zero rate. Used for corporate costs over the horizon of the leases they run beside.
    """
    days = max(0, int(colocation.day_numbers(end_date)) - int(colocation.day_numbers(valuation_date)))
    rate = np.asarray(discount_rate, dtype=float)
    log_v = -np.log1p(rate) / DAYS_PER_DISCOUNT_YEAR
    with np.errstate(invalid="ignore", divide="ignore"):
        days_worth = np.where(log_v == 0, float(days), np.expm1(log_v * days) / np.where(log_v == 0, 1.0, np.expm1(log_v)))
    cost = np.asarray(cost_usd_per_year, dtype=float)
    cap = np.asarray(terminal_cap_rate, dtype=float)
    terminal = np.where(np.isnan(cap), 0.0, cost / np.where(np.isnan(cap), 1.0, cap) * np.exp(log_v * days))
    return cost / DAYS_PER_DISCOUNT_YEAR * days_worth + terminal


def mining_npv(
    fleet_hashrate_ehs: ArrayLike,
    efficiency_j_per_th: ArrayLike,
    power_usd_per_mwh: ArrayLike,
    btc_price_usd: ArrayLike,
    network_hashrate_ehs: ArrayLike,
    years: ArrayLike,
    discount_rate: ArrayLike,
    btc_price_growth_per_year: ArrayLike = 0.0,
    network_growth_per_year: ArrayLike = 0.0,
    fees_btc_per_block: ArrayLike = 0.0,
    block_height: ArrayLike = np.nan,
    other_cost_usd_per_year: ArrayLike = 0.0,
    curtail: ArrayLike = True,
    pool_fee: ArrayLike = 0.0,
) -> np.ndarray:
    """Value today of a fleet's mining margin over a number of years, month by month.

    Parameters
    ----------
    fleet_hashrate_ehs, efficiency_j_per_th, power_usd_per_mwh
        Fleet hashrate [EH/s], efficiency [J/TH] and power price [USD/MWh].
    btc_price_usd, network_hashrate_ehs
        BTC price [USD] and network hashrate [EH/s] today.
    years : array_like
        Horizon [years]; ``round(12 * years)`` model months, at least one.
    discount_rate : array_like
        Annual effective discount rate [fraction per year], > -1.
    btc_price_growth_per_year, network_growth_per_year : array_like, default 0
        Annual compounding growth of the BTC price and of the network hashrate [fraction per year].
    fees_btc_per_block : array_like, default 0
        Average fees per block [BTC].
    block_height : array_like, default NaN
        Height of the next block [blocks]; the subsidy then follows the halving schedule.
        NaN keeps 3.125 BTC throughout.
    other_cost_usd_per_year : array_like, default 0
        Other cash cost, paid whether the fleet runs or not [USD/year].
    curtail : array_like of bool, default True
        Switch the fleet off in a month whose margin would be negative.
    pool_fee : array_like, default 0
        Pool fee [fraction of revenue].

    Returns
    -------
    ndarray
        Value [USD], the broadcast shape of the arguments.

    Notes
    -----
    Month ``m`` (of ``M = round(12 * years)``), valued at its middle ``t = (m - 1/2) / 12``:
    BTC mined ``fleet / (N0 (1 + g_N)^t) * 4,383 * (subsidy_m + fees) * (1 - pool_fee)``
    (``BTC_MINED`` over 365.25 / 12 days; ``subsidy_m`` the month's average, halvings mixed),
    margin ``BTC * P0 (1 + g_P)^t - MW * 24 * 365.25 / 12 * power`` with ``MW = EH/s * J/TH``,
    0 where curtailed and negative, less ``other_cost / 12``, discounted by ``(1 + r)^-t``.
    With zero growth, discount and no halving in the horizon the value is ``12 * years``
    times one month's margin.
    """
    args = [np.asarray(a, dtype=float) for a in (
        fleet_hashrate_ehs, efficiency_j_per_th, power_usd_per_mwh, btc_price_usd, network_hashrate_ehs, years,
        discount_rate, btc_price_growth_per_year, network_growth_per_year, fees_btc_per_block, block_height,
        other_cost_usd_per_year, curtail, pool_fee)]
    shape = np.broadcast_shapes(*(a.shape for a in args))
    # each argument keeps its own shape, plus a month axis: a grid is only as big as what varies
    fleet, eff, power, price, network, yrs, rate, g_price, g_net, fees, height, other, off, pool = (
        a[..., None] for a in args)
    months = np.maximum(np.rint(12.0 * yrs), 1.0)
    horizon = int(months.max())
    t = (np.arange(1, horizon + 1) - 0.5) / 12.0
    btc = (fleet * (mining.BLOCKS_PER_MONTH / network) * (1.0 - pool)) * (_subsidies(height, horizon) + fees)
    btc_value = btc * (1.0 + g_price) ** t / (1.0 + g_net) ** t
    power_cost = mining.fleet_power_mw(fleet, eff) * (24.0 * mining.DAYS_PER_MONTH) * power
    margin = price * btc_value - power_cost
    if np.any(off):
        margin = np.where((off != 0) & (margin < 0), 0.0, margin)
    cash = (margin - other / 12.0) * (1.0 + rate) ** -t
    if np.any(months < horizon):
        cash = np.where(np.arange(horizon) < months, cash, 0.0)
    return np.broadcast_to(cash.sum(axis=-1), shape)


def _subsidies(height: np.ndarray, months: int) -> np.ndarray:
    """Average subsidy of each month: the halving schedule from ``height``, 3.125 BTC where it is NaN."""
    given = ~np.isnan(height)
    if not given.any():
        return np.full(height.shape[:-1] + (months,), mining.DEFAULT_SUBSIDY_BTC)
    last = mining.LAST_HALVING * mining.HALVING_INTERVAL_BLOCKS  # no subsidy from here on: higher would overflow
    scheduled = mining.monthly_subsidy(np.clip(np.where(given, height, 0), 0, last)[..., 0], months)
    return np.where(given, scheduled, mining.DEFAULT_SUBSIDY_BTC)


def sotp(
    part_values_usd: ArrayLike,
    net_debt_usd: float,
    diluted_shares: float,
    btc_held: float = 0.0,
    btc_price_usd: float = 0.0,
) -> dict[str, float]:
    """Sum of the parts down to value per share.

    Parameters
    ----------
    part_values_usd : array_like, 1-D
        Value of each part (contracted leases, pipeline, mining, ...) [USD].
    net_debt_usd : float
        Debt less cash [USD]; negative for net cash.
    diluted_shares : float
        Fully diluted shares [shares].
    btc_held, btc_price_usd : float
        Bitcoin on the balance sheet [BTC] and its price [USD].

    Returns
    -------
    dict
        ``btc_holdings`` [USD], ``net_debt`` (its effect on equity, ``-net_debt_usd``) [USD],
        ``equity_value`` [USD], ``diluted_shares`` [shares] and ``value_per_share`` [USD/share].
    """
    holdings = btc_held * btc_price_usd
    equity = float(np.sum(part_values_usd)) + holdings - net_debt_usd
    return {"btc_holdings": holdings, "net_debt": -net_debt_usd, "equity_value": equity,
            "diluted_shares": diluted_shares, "value_per_share": equity / diluted_shares}


def implied_usd_per_mw(
    share_price_usd: ArrayLike,
    diluted_shares: ArrayLike,
    net_debt_usd: ArrayLike,
    other_values_usd: ArrayLike,
    contracted_mw: ArrayLike,
) -> np.ndarray:
    """Enterprise value the market pays per contracted MW, once the other parts are taken out.

    Parameters
    ----------
    share_price_usd, diluted_shares
        Share price [USD/share] and fully diluted shares [shares].
    net_debt_usd : array_like
        Debt less cash [USD].
    other_values_usd : array_like
        Everything valued separately: mining, bitcoin held, pipeline, ... [USD].
    contracted_mw : array_like
        Contracted MW, on the basis the analyst compares (critical IT or gross) [MW].

    Returns
    -------
    ndarray
        ``(price * shares + net_debt - other_values) / MW`` [USD per MW].
    """
    enterprise = np.multiply(share_price_usd, diluted_shares) + np.asarray(net_debt_usd, dtype=float)
    return (enterprise - other_values_usd) / np.asarray(contracted_mw, dtype=float)
