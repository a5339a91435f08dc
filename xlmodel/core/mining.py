"""Bitcoin mining economics: network, revenue and cost per BTC.

Every function is pure and vectorized: arguments are numbers or numpy arrays that
broadcast together, and the result has the broadcast shape. Units are in square
brackets. Inputs are not validated here; the Excel layer (``xlmodel.excel``) checks
them and names the argument that is wrong.

References
----------
.. [1] Bitcoin Core, ``GetBlockSubsidy`` in ``src/validation.cpp``: 50 BTC in
   satoshis, right-shifted once per 210,000 blocks, zero from the 64th halving.
.. [2] Hashprice and hashcost as used by Luxor's Hashrate Index and CoinShares'
   mining reports; xlmodel's ``docs/domain.md`` section 2 for the unit conventions.
.. [3] CoinShares, "Bitcoin Mining Report": weighted average cash cost to produce one
   BTC (cash cost of revenue plus cash SG&A, divided by BTC mined).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

SATOSHI_PER_BTC = 100_000_000
BLOCKS_PER_DAY = 144  # 86,400 s / 600 s target block interval
HALVING_INTERVAL_BLOCKS = 210_000
INITIAL_SUBSIDY_SAT = 50 * SATOSHI_PER_BTC
LAST_HALVING = 64  # from the 64th halving on the subsidy is 0 (a shift of 64 bits)
DEFAULT_SUBSIDY_BTC = 3.125  # blocks 840,000 to 1,049,999
HASHES_PER_DIFFICULTY_1 = 2**32
TARGET_BLOCK_SECONDS = 600
H_PER_EH = 1e18
PH_PER_EH = 1_000.0
MWH_PER_KW_DAY = 0.024  # 1 kW for 24 h = 0.024 MWh
DAYS_PER_MONTH = 365.25 / 12  # the model month of monthly projections
BLOCKS_PER_MONTH = BLOCKS_PER_DAY * DAYS_PER_MONTH  # 4,383 blocks


def block_subsidy(block_height: ArrayLike) -> np.ndarray:
    """New BTC created by the block at ``block_height``.

    Parameters
    ----------
    block_height : array_like of int
        Block height [blocks], >= 0.

    Returns
    -------
    ndarray
        Block subsidy [BTC per block].

    Notes
    -----
    ``subsidy_sat = 5,000,000,000 >> (height // 210,000)``, and 0 once the number of
    halvings reaches 64 [1]_. The shift is done on whole satoshis, so rounding is
    exactly the protocol's (e.g. 1.5625 BTC from height 1,050,000); the 65 possible
    values are computed once and looked up.
    """
    halvings = np.asarray(block_height, dtype=np.int64) // HALVING_INTERVAL_BLOCKS
    return _SUBSIDY_BY_HALVING_BTC[np.clip(halvings, 0, LAST_HALVING)]


# subsidy after n halvings, n = 0..64: whole satoshis shifted right, then 0 from the 64th on
_SUBSIDY_BY_HALVING_BTC = np.array(
    [INITIAL_SUBSIDY_SAT >> n for n in range(LAST_HALVING)] + [0], dtype=np.int64
) / float(SATOSHI_PER_BTC)


def monthly_subsidy(block_height: ArrayLike, months: int) -> np.ndarray:
    """Average block subsidy of each of the next ``months`` model months, halvings included.

    Parameters
    ----------
    block_height : array_like of int
        Height of the first block of month 1 [blocks], >= 0; an array gives one row each.
    months : int
        Months to project [months].

    Returns
    -------
    ndarray, shape ``block_height.shape + (months,)``
        Average subsidy of month 1..``months`` [BTC per block].

    Notes
    -----
    A month is 365.25 / 12 days of 144 blocks a day, 4,383 blocks, each month's blocks
    continuing from the last. A month that crosses a halving averages the two subsidies
    by the number of its blocks on each side: month ``m`` is
    ``(S(h + 4383 m) - S(h + 4383 (m - 1))) / 4383``, with ``S(x)`` the subsidy of all
    blocks below height ``x`` [1]_.
    """
    start = np.asarray(block_height, dtype=np.int64)[..., None]
    edges = start + np.arange(months + 1) * int(BLOCKS_PER_MONTH)
    return np.diff(_cumulative_subsidy(edges), axis=-1) / BLOCKS_PER_MONTH


def _cumulative_subsidy(height: np.ndarray) -> np.ndarray:
    """Total subsidy of the blocks below ``height`` [BTC]: whole eras, then the part of the current one."""
    era = np.clip(height // HALVING_INTERVAL_BLOCKS, 0, LAST_HALVING)
    into = height - era * HALVING_INTERVAL_BLOCKS
    return _SUBSIDY_BEFORE_ERA_BTC[era] + into * _SUBSIDY_BY_HALVING_BTC[era]


# total subsidy of all blocks before era n (n = 0..64)
_SUBSIDY_BEFORE_ERA_BTC = np.concatenate([[0.0], np.cumsum(_SUBSIDY_BY_HALVING_BTC[:-1] * HALVING_INTERVAL_BLOCKS)])


def hashrate_from_difficulty(difficulty: ArrayLike) -> np.ndarray:
    """Network hashrate implied by a difficulty.

    Parameters
    ----------
    difficulty : array_like
        Mining difficulty [dimensionless].

    Returns
    -------
    ndarray
        Network hashrate [EH/s].

    Notes
    -----
    ``H = difficulty * 2**32 / 600`` [H/s]: one difficulty-1 share takes 2**32 hashes
    on average and a block is targeted every 600 s. Difficulty 155e12 gives about
    1,109.5 EH/s.
    """
    d = np.asarray(difficulty, dtype=float)
    return d * HASHES_PER_DIFFICULTY_1 / TARGET_BLOCK_SECONDS / H_PER_EH


def hashprice(
    btc_price_usd: ArrayLike,
    network_hashrate_ehs: ArrayLike,
    fees_btc_per_block: ArrayLike,
    block_subsidy_btc: ArrayLike = DEFAULT_SUBSIDY_BTC,
) -> np.ndarray:
    """Expected revenue of 1 PH/s of hashrate for one day.

    Parameters
    ----------
    btc_price_usd : array_like
        BTC price [USD].
    network_hashrate_ehs : array_like
        Network hashrate [EH/s].
    fees_btc_per_block : array_like
        Average transaction fees per block [BTC].
    block_subsidy_btc : array_like, default 3.125
        Block subsidy [BTC].

    Returns
    -------
    ndarray
        Hashprice [USD per PH/s per day].

    Notes
    -----
    ``144 * (subsidy + fees) * price / (network_EH_s * 1,000)`` [2]_. BTC 70,000 USD,
    1,000 EH/s and 3.125 + 0.03 BTC per block give about 31.8 USD/PH/day.
    """
    btc_per_block = np.add(block_subsidy_btc, fees_btc_per_block)
    return btc_per_block * btc_price_usd * (BLOCKS_PER_DAY / PH_PER_EH) / network_hashrate_ehs


def hashcost(efficiency_j_per_th: ArrayLike, power_usd_per_mwh: ArrayLike) -> np.ndarray:
    """Power cost of running 1 PH/s of hashrate for one day.

    Parameters
    ----------
    efficiency_j_per_th : array_like
        Miner efficiency [J/TH], numerically W per TH/s.
    power_usd_per_mwh : array_like
        Power price [USD/MWh].

    Returns
    -------
    ndarray
        Hashcost [USD per PH/s per day].

    Notes
    -----
    1 PH/s at E J/TH draws E kW, so a day uses ``0.024 * E`` MWh:
    ``hashcost = 0.024 * E * power_price``. (A variant quoted without the /1,000 is per
    EH/s, not per PH/s.)
    """
    return MWH_PER_KW_DAY * np.multiply(efficiency_j_per_th, power_usd_per_mwh)


def fleet_power_mw(fleet_hashrate_ehs: ArrayLike, efficiency_j_per_th: ArrayLike) -> np.ndarray:
    """Power drawn by a fleet while hashing.

    Parameters
    ----------
    fleet_hashrate_ehs : array_like
        Fleet hashrate [EH/s].
    efficiency_j_per_th : array_like
        Fleet efficiency [J/TH].

    Returns
    -------
    ndarray
        Power draw [MW].

    Notes
    -----
    1 EH/s = 1e6 TH/s, times E J/TH = E MW: ``MW = EH/s * J/TH``.
    """
    return np.multiply(fleet_hashrate_ehs, efficiency_j_per_th) * 1.0


def btc_mined(
    fleet_hashrate_ehs: ArrayLike,
    network_hashrate_ehs: ArrayLike,
    days: ArrayLike,
    fees_btc_per_block: ArrayLike = 0.0,
    block_subsidy_btc: ArrayLike = DEFAULT_SUBSIDY_BTC,
    uptime: ArrayLike = 1.0,
    pool_fee: ArrayLike = 0.0,
) -> np.ndarray:
    """Expected BTC a fleet mines over a number of days.

    Parameters
    ----------
    fleet_hashrate_ehs : array_like
        Fleet hashrate [EH/s].
    network_hashrate_ehs : array_like
        Network hashrate [EH/s].
    days : array_like
        Length of the period [days].
    fees_btc_per_block : array_like, default 0
        Average fees per block [BTC].
    block_subsidy_btc : array_like, default 3.125
        Block subsidy [BTC].
    uptime : array_like, default 1
        Share of the period the fleet hashes [fraction, 0 to 1].
    pool_fee : array_like, default 0
        Pool fee [fraction of revenue, 0 to 1].

    Returns
    -------
    ndarray
        BTC mined [BTC].

    Notes
    -----
    ``fleet / network * 144 * days * (subsidy + fees) * (1 - pool_fee) * uptime``.
    """
    net_share = np.multiply(BLOCKS_PER_DAY * np.subtract(1.0, pool_fee), uptime)  # scalar when both are
    share = np.divide(fleet_hashrate_ehs, network_hashrate_ehs)
    return share * days * np.add(block_subsidy_btc, fees_btc_per_block) * net_share


def power_cost_per_btc(
    efficiency_j_per_th: ArrayLike,
    power_usd_per_mwh: ArrayLike,
    network_hashrate_ehs: ArrayLike,
    fees_btc_per_block: ArrayLike = 0.0,
    block_subsidy_btc: ArrayLike = DEFAULT_SUBSIDY_BTC,
    pool_fee: ArrayLike = 0.0,
) -> np.ndarray:
    """Power cost to mine one BTC, bottom-up from fleet efficiency and power price.

    Parameters
    ----------
    efficiency_j_per_th : array_like
        Fleet efficiency [J/TH].
    power_usd_per_mwh : array_like
        Power price [USD/MWh].
    network_hashrate_ehs : array_like
        Network hashrate [EH/s].
    fees_btc_per_block : array_like, default 0
        Average fees per block [BTC].
    block_subsidy_btc : array_like, default 3.125
        Block subsidy [BTC].
    pool_fee : array_like, default 0
        Pool fee [fraction of revenue, 0 to 1].

    Returns
    -------
    ndarray
        Power cost [USD per BTC].

    Notes
    -----
    ``0.024 * E * P * network_PH_s / (144 * (subsidy + fees) * (1 - pool_fee))``:
    hashcost divided by the BTC one PH/s earns a day. Uptime cancels when power is
    drawn only while hashing. 20 J/TH, 50 USD/MWh, 1,000 EH/s and 3.155 BTC per block
    give about 52,800 USD/BTC.
    """
    btc_per_ph_day = (
        BLOCKS_PER_DAY
        * np.add(block_subsidy_btc, fees_btc_per_block)
        * np.subtract(1.0, pool_fee)
        / np.multiply(network_hashrate_ehs, PH_PER_EH)
    )
    return hashcost(efficiency_j_per_th, power_usd_per_mwh) / btc_per_ph_day


def cash_cost_per_btc(
    btc_mined: ArrayLike,
    power_cost_usd: ArrayLike,
    power_credits_usd: ArrayLike = 0.0,
    other_direct_cost_usd: ArrayLike = 0.0,
    cash_sga_usd: ArrayLike = 0.0,
) -> np.ndarray:
    """Cash cost to produce one BTC, top-down from reported cost lines.

    Parameters
    ----------
    btc_mined : array_like
        BTC self-mined in the period [BTC].
    power_cost_usd : array_like
        Power cost of self-mining [USD].
    power_credits_usd : array_like, default 0
        Curtailment, demand-response and hedge credits netted off power [USD].
    other_direct_cost_usd : array_like, default 0
        Other direct cash costs of self-mining, excluding depreciation [USD].
    cash_sga_usd : array_like, default 0
        SG&A allocated to mining, excluding stock-based compensation and D&A [USD].

    Returns
    -------
    ndarray
        Cash cost [USD per BTC].

    Notes
    -----
    ``(power - credits + other direct + cash SG&A) / BTC mined``. With SG&A this is
    CoinShares' "cash cost" [3]_; without it, Riot's "cost to mine" and TheMinerMag's
    cost of revenue ex-depreciation per BTC.
    """
    cash = np.subtract(power_cost_usd, power_credits_usd) + other_direct_cost_usd + cash_sga_usd
    return cash / np.asarray(btc_mined, dtype=float)


def all_in_cost_per_btc(
    btc_mined: ArrayLike,
    power_cost_usd: ArrayLike,
    power_credits_usd: ArrayLike = 0.0,
    other_direct_cost_usd: ArrayLike = 0.0,
    cash_sga_usd: ArrayLike = 0.0,
    depreciation_usd: ArrayLike = 0.0,
    stock_comp_usd: ArrayLike = 0.0,
    interest_usd: ArrayLike = 0.0,
) -> np.ndarray:
    """All-in cost to produce one BTC: cash cost plus non-cash and financing costs.

    Parameters
    ----------
    btc_mined, power_cost_usd, power_credits_usd, other_direct_cost_usd, cash_sga_usd
        As in :func:`cash_cost_per_btc` [BTC, USD].
    depreciation_usd : array_like, default 0
        Depreciation and amortization of mining assets [USD].
    stock_comp_usd : array_like, default 0
        Stock-based compensation [USD].
    interest_usd : array_like, default 0
        Interest expense allocated to mining [USD].

    Returns
    -------
    ndarray
        All-in cost [USD per BTC].

    Notes
    -----
    ``cash cost per BTC + (D&A + SBC + interest) / BTC mined`` (CoinShares' "all-in"
    adds D&A and SBC back; TheMinerMag's adds interest).
    """
    cash = np.subtract(power_cost_usd, power_credits_usd) + other_direct_cost_usd + cash_sga_usd
    total = cash + depreciation_usd + stock_comp_usd + interest_usd
    return total / np.asarray(btc_mined, dtype=float)


def breakeven_power_price(
    btc_price_usd: ArrayLike,
    efficiency_j_per_th: ArrayLike,
    network_hashrate_ehs: ArrayLike,
    fees_btc_per_block: ArrayLike = 0.0,
    block_subsidy_btc: ArrayLike = DEFAULT_SUBSIDY_BTC,
    pool_fee: ArrayLike = 0.0,
) -> np.ndarray:
    """Power price at which a miner's revenue just pays for its power.

    Parameters
    ----------
    btc_price_usd : array_like
        BTC price [USD].
    efficiency_j_per_th : array_like
        Fleet efficiency [J/TH].
    network_hashrate_ehs : array_like
        Network hashrate [EH/s].
    fees_btc_per_block : array_like, default 0
        Average fees per block [BTC].
    block_subsidy_btc : array_like, default 3.125
        Block subsidy [BTC].
    pool_fee : array_like, default 0
        Pool fee [fraction of revenue, 0 to 1].

    Returns
    -------
    ndarray
        Breakeven power price [USD/MWh].

    Notes
    -----
    ``hashprice * (1 - pool_fee) / (0.024 * E)``: at this price hashcost equals the
    hashprice net of pool fees, and the power cost per BTC equals the BTC price.
    """
    btc_per_ph_day = np.add(block_subsidy_btc, fees_btc_per_block) * (
        np.subtract(1.0, pool_fee) * (BLOCKS_PER_DAY / PH_PER_EH / MWH_PER_KW_DAY)
    )
    return btc_per_ph_day * btc_price_usd / network_hashrate_ehs / efficiency_j_per_th


def breakeven_btc_price(
    efficiency_j_per_th: ArrayLike,
    power_usd_per_mwh: ArrayLike,
    network_hashrate_ehs: ArrayLike,
    fees_btc_per_block: ArrayLike = 0.0,
    block_subsidy_btc: ArrayLike = DEFAULT_SUBSIDY_BTC,
    pool_fee: ArrayLike = 0.0,
    other_cost_usd_per_btc: ArrayLike = 0.0,
) -> np.ndarray:
    """BTC price at which mining just pays for power and any other cost per BTC.

    Parameters
    ----------
    efficiency_j_per_th, power_usd_per_mwh, network_hashrate_ehs, fees_btc_per_block,
    block_subsidy_btc, pool_fee
        As in :func:`power_cost_per_btc`.
    other_cost_usd_per_btc : array_like, default 0
        Other cash cost per BTC the analyst includes (e.g. SG&A per BTC) [USD per BTC].

    Returns
    -------
    ndarray
        Breakeven BTC price [USD].

    Notes
    -----
    ``power cost per BTC + other cost per BTC``: the price at which hashprice (net of
    pool fees) equals hashcost plus the other costs.
    """
    power = power_cost_per_btc(
        efficiency_j_per_th, power_usd_per_mwh, network_hashrate_ehs,
        fees_btc_per_block, block_subsidy_btc, pool_fee,
    )
    return power + other_cost_usd_per_btc


def cost_grid(
    power_usd_per_mwh: ArrayLike,
    network_hashrate_ehs: ArrayLike,
    efficiency_j_per_th: float,
    fees_btc_per_block: float = 0.0,
    block_subsidy_btc: float = DEFAULT_SUBSIDY_BTC,
    pool_fee: float = 0.0,
) -> np.ndarray:
    """Power cost per BTC over every pair of power price and network hashrate.

    Parameters
    ----------
    power_usd_per_mwh : array_like, 1-D
        Power prices [USD/MWh], one per grid row.
    network_hashrate_ehs : array_like, 1-D
        Network hashrates [EH/s], one per grid column.
    efficiency_j_per_th, fees_btc_per_block, block_subsidy_btc, pool_fee
        As in :func:`power_cost_per_btc`, one value each.

    Returns
    -------
    ndarray, shape (len(power), len(network))
        Power cost [USD per BTC].
    """
    power = np.asarray(power_usd_per_mwh, dtype=float).reshape(-1, 1)
    network = np.asarray(network_hashrate_ehs, dtype=float).reshape(1, -1)
    return power_cost_per_btc(
        efficiency_j_per_th, power, network, fees_btc_per_block, block_subsidy_btc, pool_fee
    )
