"""Mining economics as Excel functions (``BTC_*``): the contract analysts type."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from xlmodel.core import mining
from xlmodel.excel.args import Arg, Values, one_value, vector
from xlmodel.excel.errors import ArgumentError
from xlmodel.excel.registry import ExcelFunction, register

CATEGORY = "xlmodel mining"

BLOCK_HEIGHT = Arg("block_height", "blocks", "Block height", ge=0, integer=True)
DIFFICULTY = Arg("difficulty", "difficulty", "Mining difficulty (e.g. 155e12)", gt=0)
PRICE = Arg("btc_price_usd", "USD", "BTC price", gt=0)
NETWORK = Arg("network_hashrate_ehs", "EH/s", "Network hashrate", gt=0)
FLEET = Arg("fleet_hashrate_ehs", "EH/s", "Fleet hashrate", ge=0)
FEES = Arg("fees_btc_per_block", "BTC per block", "Average transaction fees per block", ge=0)
FEES_OPT = replace(FEES, default=0.0)
SUBSIDY = Arg("block_subsidy_btc", "BTC per block", "Block subsidy (3.125 from block 840,000)", ge=0, default=3.125)
EFFICIENCY = Arg("efficiency_j_per_th", "J/TH", "Fleet efficiency (W per TH/s)", gt=0)
POWER = Arg("power_usd_per_mwh", "USD/MWh", "Power price (1 c/kWh = 10 USD/MWh)", ge=0)
DAYS = Arg("days", "days", "Length of the period", gt=0)
UPTIME = Arg("uptime", "fraction", "Share of the period the fleet hashes, 0 to 1", ge=0, le=1, default=1.0)
POOL_FEE = Arg("pool_fee", "fraction", "Pool fee as a fraction of revenue, 0 to 1", ge=0, le=1, default=0.0)
BTC_MINED = Arg("btc_mined", "BTC", "BTC self-mined in the period", gt=0)


def _line(name: str, help_: str, required: bool = False) -> Arg:
    """A cost argument: a range of cost lines is summed (see ``args.sum_lines``)."""
    default = {} if required else {"default": 0.0}
    return Arg(name, "USD", f"{help_}; a range of lines is summed", kind="lines", ge=0, **default)


CASH_COST_ARGS = (
    BTC_MINED,
    _line("power_cost_usd", "Power cost of self-mining", required=True),
    _line("power_credits_usd", "Curtailment, demand-response and hedge credits netted off power"),
    _line("other_direct_cost_usd", "Other direct cash costs of self-mining, ex depreciation"),
    _line("cash_sga_usd", "Cash SG&A allocated to mining, ex stock comp and D&A"),
)

register(ExcelFunction(
    "BTC_BLOCK_SUBSIDY", "New BTC created by a block at this height (halves every 210,000 blocks).",
    "BTC per block", (BLOCK_HEIGHT,), mining.block_subsidy, CATEGORY))
register(ExcelFunction(
    "BTC_HASHRATE_FROM_DIFFICULTY", "Network hashrate implied by a difficulty: D * 2^32 / 600.",
    "EH/s", (DIFFICULTY,), mining.hashrate_from_difficulty, CATEGORY))
register(ExcelFunction(
    "BTC_HASHPRICE", "Expected revenue of 1 PH/s for one day.",
    "USD per PH/s per day", (PRICE, NETWORK, FEES, SUBSIDY), mining.hashprice, CATEGORY))
register(ExcelFunction(
    "BTC_HASHCOST", "Power cost of running 1 PH/s for one day: 0.024 * J/TH * USD/MWh.",
    "USD per PH/s per day", (EFFICIENCY, POWER), mining.hashcost, CATEGORY))
register(ExcelFunction(
    "BTC_FLEET_POWER_MW", "Power a fleet draws while hashing: EH/s * J/TH.",
    "MW", (FLEET, EFFICIENCY), mining.fleet_power_mw, CATEGORY))
register(ExcelFunction(
    "BTC_MINED", "Expected BTC a fleet mines over a number of days.",
    "BTC", (FLEET, NETWORK, DAYS, FEES_OPT, SUBSIDY, UPTIME, POOL_FEE), mining.btc_mined, CATEGORY))
register(ExcelFunction(
    "BTC_POWER_COST_PER_BTC", "Power cost to mine one BTC, bottom-up from efficiency and power price.",
    "USD per BTC", (EFFICIENCY, POWER, NETWORK, FEES_OPT, SUBSIDY, POOL_FEE), mining.power_cost_per_btc, CATEGORY))
register(ExcelFunction(
    "BTC_CASH_COST_PER_BTC",
    "Cash cost to produce one BTC: (power - credits + other direct + cash SG&A) / BTC mined.",
    "USD per BTC", CASH_COST_ARGS, mining.cash_cost_per_btc, CATEGORY))
register(ExcelFunction(
    "BTC_ALL_IN_COST_PER_BTC",
    "All-in cost to produce one BTC: cash cost plus D&A, stock comp and interest per BTC.",
    "USD per BTC",
    CASH_COST_ARGS + (
        _line("depreciation_usd", "Depreciation and amortization of mining assets"),
        _line("stock_comp_usd", "Stock-based compensation"),
        _line("interest_usd", "Interest expense allocated to mining"),
    ),
    mining.all_in_cost_per_btc, CATEGORY))
register(ExcelFunction(
    "BTC_BREAKEVEN_POWER_PRICE", "Power price at which revenue (net of pool fee) just pays for power.",
    "USD/MWh", (PRICE, EFFICIENCY, NETWORK, FEES_OPT, SUBSIDY, POOL_FEE), mining.breakeven_power_price, CATEGORY))
register(ExcelFunction(
    "BTC_BREAKEVEN_PRICE", "BTC price at which mining pays for power plus any other cost per BTC.",
    "USD per BTC",
    (EFFICIENCY, POWER, NETWORK, FEES_OPT, SUBSIDY, POOL_FEE,
     Arg("other_cost_usd_per_btc", "USD per BTC", "Other cash cost per BTC to include", ge=0, default=0.0)),
    mining.breakeven_btc_price, CATEGORY))

GRID_LABEL = "USD/BTC: power USD/MWh down, network EH/s across"


def _cost_grid(power: Values, network: Values, efficiency: Values, fees: Values,
               subsidy: Values, pool_fee: Values) -> np.ndarray:
    """Power cost per BTC with power prices down the first column, hashrates across the first row."""
    args = GRID_ARGS
    prices, hashrates = vector(power, args[0]), vector(network, args[1])
    singles = [one_value(v, a) for v, a in zip((efficiency, fees, subsidy, pool_fee), args[2:])]
    with np.errstate(all="ignore"):
        grid = mining.cost_grid(prices, hashrates, *singles)
    if not np.isfinite(grid).all():
        raise ArgumentError("no finite cost: block_subsidy_btc + fees_btc_per_block must be > 0 and pool_fee < 1")
    out = np.empty((len(prices) + 1, len(hashrates) + 1), dtype=object)
    out[0, 0] = GRID_LABEL
    out[0, 1:] = hashrates
    out[1:, 0] = prices
    out[1:, 1:] = grid
    return out


GRID_ARGS = (
    Arg("power_usd_per_mwh_list", "USD/MWh", "Power prices, one row or column", kind="vector", ge=0),
    Arg("network_hashrate_ehs_list", "EH/s", "Network hashrates, one row or column", kind="vector", gt=0),
    replace(EFFICIENCY, kind="one"),
    replace(FEES_OPT, kind="one"),
    replace(SUBSIDY, kind="one"),
    replace(POOL_FEE, kind="one"),
)

register(ExcelFunction(
    "BTC_COST_GRID",
    "Grid of power cost per BTC over power prices (down) and network hashrates (across).",
    "USD per BTC (grid with labels)", GRID_ARGS, _cost_grid, CATEGORY, elementwise=False))
