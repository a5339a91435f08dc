"""Valuation as Excel functions (``VAL_*``): dilution, lease and mining value, the sum of the parts,
and what the market pays per contracted MW."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from xlmodel.core import valuation
from xlmodel.excel.args import (
    Arg,
    Values,
    blank_cells,
    flat_errors,
    kept_column,
    left_out,
    one_value,
    parse_numbers,
    to_grid,
)
from xlmodel.excel.colocation import ESCALATORS, RATE_ARG, RFS, block_escalators, block_rates, per_block, rfs_blocks
from xlmodel.excel.errors import ArgumentError
from xlmodel.excel.mining import EFFICIENCY, FEES_OPT, FLEET, NETWORK, POOL_FEE, POWER, PRICE
from xlmodel.excel.registry import ExcelFunction, broadcast_call, register

CATEGORY = "xlmodel valuation"

BASIC = Arg("basic_shares", "shares", "Basic shares outstanding", ge=0)
SHARE_PRICE = Arg("share_price_usd", "USD/share", "Share price; a range gives one result per price", gt=0)
COUNTS = Arg("instrument_counts", "shares", "Options, warrants and RSUs: shares of each tranche, one row per tranche",
             kind="raw", default=None)
STRIKES = Arg("strikes_usd", "USD/share", "Strike of each tranche (0 for an RSU), one per count", kind="raw",
              default=None)
PRINCIPALS = Arg("convert_principals_usd", "USD", "Principal of each convertible note", kind="raw", default=None)
CONVERSIONS = Arg("conversion_prices_usd", "USD/share", "Conversion price of each note, one per principal",
                  kind="raw", default=None)


def _paired(first, second, first_rule: dict, second_rule: dict, row: str) -> tuple[np.ndarray, np.ndarray]:
    """Two same-length lists (counts and strikes, principals and prices), one ``row`` each; rows blank in
    both are skipped."""
    (value_a, arg_a), (value_b, arg_b) = first, second
    given_a, given_b = not left_out(value_a), not left_out(value_b)
    if not given_a and not given_b:
        return np.empty(0), np.empty(0)
    if given_a != given_b:
        missing, given = (arg_b, arg_a) if given_a else (arg_a, arg_b)
        raise ArgumentError(f"{missing.name} is required with {given.name}: give one per {row}")
    size_a, size_b = to_grid(value_a, arg_a.name).size, to_grid(value_b, arg_b.name).size
    if size_a != size_b:
        raise ArgumentError(f"{arg_a.name} has {size_a} cells but {arg_b.name} has {size_b}: "
                            f"give one of each per {row}")
    blank_a, blank_b = blank_cells(value_a, arg_a), blank_cells(value_b, arg_b)
    for i in np.flatnonzero(blank_a != blank_b):
        empty = arg_a if blank_a[i] else arg_b
        raise ArgumentError(f"{empty.name} is empty for {row} {i + 1}, which has "
                            f"{(arg_b if blank_a[i] else arg_a).name}")
    keep = ~blank_a
    return (kept_column(value_a, arg_a, keep, "row", **first_rule)[keep],
            kept_column(value_b, arg_b, keep, "row", **second_rule)[keep])


def instruments(counts, strikes, principals, conversions) -> tuple[np.ndarray, ...]:
    """Option tranches (counts, strikes) and convertible notes (principals, conversion prices), checked."""
    return (*_paired((counts, COUNTS), (strikes, STRIKES), {"ge": 0}, {"ge": 0}, "tranche"),
            *_paired((principals, PRINCIPALS), (conversions, CONVERSIONS), {"ge": 0}, {"gt": 0}, "note"))


def _diluted_shares(basic: Values, price: Values, counts, strikes, principals, conversions) -> np.ndarray:
    held = instruments(counts, strikes, principals, conversions)
    return broadcast_call("VAL_DILUTED_SHARES", (BASIC, SHARE_PRICE), [basic, price],
                          lambda b, p: valuation.diluted_shares(b, p, *held))


register(ExcelFunction(
    "VAL_DILUTED_SHARES",
    "Fully diluted shares: treasury stock method for options, warrants and RSUs; if-converted for notes in the money.",
    "shares", (BASIC, SHARE_PRICE, COUNTS, STRIKES, PRINCIPALS, CONVERSIONS), _diluted_shares, CATEGORY,
    elementwise=False))

EQUITY = Arg("equity_value_usd", "USD", "Equity value, every convertible note counted as debt; a range (a column of "
             "trials) gives one result each")
BASIC_SOLVED = replace(BASIC, ge=None, gt=0)


def _value_per_share(equity: Values, basic: Values, counts, strikes, principals, conversions) -> np.ndarray:
    held = instruments(counts, strikes, principals, conversions)
    return broadcast_call("VAL_VALUE_PER_SHARE", (EQUITY, BASIC_SOLVED), [equity, basic],
                          lambda e, b: valuation.value_per_share(e, b, *held))


register(ExcelFunction(
    "VAL_VALUE_PER_SHARE",
    "Value per share with dilution at that value: V = (equity + principal of the notes converting at V) / "
    "VAL_DILUTED_SHARES at V, solved exactly; equity <= 0 gives equity / basic shares.",
    "USD/share", (EQUITY, BASIC_SOLVED, COUNTS, STRIKES, PRINCIPALS, CONVERSIONS), _value_per_share, CATEGORY,
    elementwise=False))

MARGIN = Arg("noi_margin", "fraction", "NOI as a share of rent (80-85% modified gross, 90%+ NNN)", ge=0, le=1)
DISCOUNT = Arg("discount_rate", "fraction per year", "Annual effective discount rate, e.g. 0.08", gt=-1)
TERM = Arg("term_years", "years", "Initial lease term: one for all blocks, or one per block", kind="raw")
VALUATION_DATE = Arg("valuation_date", "date", "The day the value is measured at; NOI before it does not count",
                     kind="dates")
CAP_RATE = Arg("terminal_cap_rate", "fraction per year",
               "Cap rate of the re-lease value at each term end; left out, no terminal value", gt=0, default=None)
CAPEX = Arg("remaining_capex_usd", "USD", "Build capex still to spend, subtracted undiscounted", kind="one", ge=0,
            default=0.0)
MAX_TERM_YEARS = 100
MW_BLOCKS = replace(RFS, name="mw_blocks", unit="MW", help="MW of each block, one per RFS date")


def _terms(value, keep: np.ndarray) -> np.ndarray:
    """One term for every block, or one per block: whole years from 1."""
    return per_block(value, TERM, keep, "term", ge=1, le=MAX_TERM_YEARS, integer=True)


@dataclass(frozen=True)
class LeaseSchedule:
    """A checked lease schedule: per block its RFS date, MW, rate and term, the rows of the ranges it
    kept (``keep``), its escalator, the valuation date and the contract years."""

    rfs: np.ndarray
    mw: np.ndarray
    rates: np.ndarray
    terms: np.ndarray
    keep: np.ndarray
    escalator: np.ndarray  # one per block
    day: np.datetime64
    leases: valuation.LeaseYears


def lease_schedule(rfs_value, mw_value, rate_value, term_value, valuation_date: Values,
                   escalator: Values) -> LeaseSchedule:
    """The schedule ``VAL_LEASE_NPV`` values, with a named message for an empty one or a valuation date
    after every term."""
    rfs, mw, keep = rfs_blocks(rfs_value, mw_value)
    if rfs.size == 0:
        raise ArgumentError("rfs_dates holds no block: give at least one RFS date with its MW")
    rfs, rates, terms = rfs.astype("datetime64[D]"), block_rates(rate_value, keep), _terms(term_value, keep)
    step = block_escalators(escalator, keep)
    leases = valuation.lease_years(rfs, mw, rates, terms, step)
    day = np.datetime64(int(one_value(valuation_date, VALUATION_DATE)), "D")
    if day > leases.last_term_end:
        raise ArgumentError(f"valuation_date {day} is after every block's term end (the last ends "
                            f"{leases.last_term_end}): no lease cash flow is left to value")
    return LeaseSchedule(rfs, mw, rates, terms, keep, step, day, leases)


def _lease_npv(rfs_value, mw_value, rate_value, margin: Values, discount: Values, term_value,
               valuation_date: Values, escalator: Values, cap: Values, capex: Values) -> np.ndarray:
    schedule = lease_schedule(rfs_value, mw_value, rate_value, term_value, valuation_date, escalator)
    spend = one_value(capex, CAPEX)
    return broadcast_call("VAL_LEASE_NPV", (MARGIN, DISCOUNT, CAP_RATE), [margin, discount, cap],
                          lambda m, r, c: valuation.lease_npv(schedule.leases, m, r, schedule.day, c, spend))


register(ExcelFunction(
    "VAL_LEASE_NPV",
    "Value today of contracted lease NOI (rent by COLO_REVENUE_SCHEDULE's rule to each term end, discounted like "
    "XNPV), plus an optional re-lease value at a cap rate, less capex still to spend.",
    "USD (a grid when rates and margins are a column and a row)",
    (RFS, MW_BLOCKS, RATE_ARG, MARGIN, DISCOUNT, TERM, VALUATION_DATE, ESCALATORS, CAP_RATE, CAPEX),
    _lease_npv, CATEGORY, elementwise=False))

COST = Arg("cost_usd_per_year", "USD/year", "The cost, paid evenly day by day (corporate cash SG&A)", ge=0)
END_DATE = Arg("end_date", "date", "The day the cost stops (the last lease term end)", kind="dates")
COST_CAP = replace(CAP_RATE, help="Cap rate of a perpetuity of the cost beyond end_date; left out, none")


def _cost_npv(cost: Values, discount: Values, valuation_date: Values, end_date: Values, cap: Values) -> np.ndarray:
    start = np.datetime64(int(one_value(valuation_date, VALUATION_DATE)), "D")
    end = np.datetime64(int(one_value(end_date, END_DATE)), "D")
    return broadcast_call("VAL_COST_NPV", (COST, DISCOUNT, COST_CAP), [cost, discount, cap],
                          lambda c, r, k: valuation.cost_npv(c, r, start, end, k))


register(ExcelFunction(
    "VAL_COST_NPV",
    "Value today of a cost paid evenly from the valuation date to end_date (discounted like XNPV), plus an "
    "optional perpetuity beyond it at a cap rate: corporate costs over the leases' horizon.",
    "USD (positive for a cost; a grid when rates are a column and costs a row)",
    (COST, DISCOUNT, VALUATION_DATE, END_DATE, COST_CAP), _cost_npv, CATEGORY, elementwise=False))

YEARS = Arg("years", "years", "Horizon; rounded to whole months (at least one)", gt=0, le=50)
CURTAIL = Arg("curtail", "TRUE/FALSE", "Switch the fleet off in a month whose margin would be negative", kind="flag",
              default=True)
OTHER_COST = Arg("other_cost_usd_per_year", "USD/year", "Other cash cost, paid whether the fleet runs or not", ge=0,
                 default=0.0)


def _growth(name: str, what: str) -> Arg:
    return Arg(name, "fraction per year", f"Annual compounding growth of {what}, e.g. 0.3", gt=-1, default=0.0)


register(ExcelFunction(
    "VAL_MINING_NPV",
    "Value today of a fleet's monthly mining margin: BTC mined (halvings from block_height) at a growing price, "
    "less power, curtailed when negative, less other cost.",
    "USD",
    (FLEET, EFFICIENCY, POWER, PRICE, NETWORK, YEARS, DISCOUNT,
     _growth("btc_price_growth_per_year", "the BTC price"), _growth("network_growth_per_year", "the network hashrate"),
     FEES_OPT,
     Arg("block_height", "blocks", "Height of the next block: the subsidy follows the halvings; left out, 3.125 BTC",
         ge=0, integer=True, default=None),
     OTHER_COST, CURTAIL, POOL_FEE),
    valuation.mining_npv, CATEGORY))

PART_NAMES = Arg("part_names", "text", "Name of each part: contracted leases, pipeline, mining, ...", kind="text")
PART_VALUES = Arg("part_values_usd", "USD", "Value of each part, one per name", kind="raw")
NET_DEBT = Arg("net_debt_usd", "USD", "Debt less cash; negative for net cash", kind="one")
DILUTED = Arg("diluted_shares", "shares", "Fully diluted shares (VAL_DILUTED_SHARES)", kind="one", gt=0)
BTC_HELD = Arg("btc_held", "BTC", "Bitcoin on the balance sheet", kind="one", ge=0, default=0.0)
BTC_PRICE = replace(PRICE, kind="one", help="BTC price for the holdings; needed when btc_held > 0", default=None)
SOTP_ROWS = ("btc_holdings", "net_debt", "equity_value", "diluted_shares", "value_per_share")


def _parts(names: np.ndarray, values) -> list[tuple[str, float]]:
    flat_names = names.ravel()
    grid = to_grid(values, PART_VALUES.name)
    if grid.size != flat_names.size:
        raise ArgumentError(f"part_names has {flat_names.size} cells but part_values_usd has {grid.size}: "
                            "give one value per name")
    parsed = parse_numbers(values, replace(PART_VALUES, kind="number"), empty=0.0)
    blank, errors = blank_cells(values, PART_VALUES), flat_errors(parsed)
    parts, seen = [], set()
    for i, (name, value) in enumerate(zip(flat_names, parsed.values.ravel())):
        if not name:
            if not blank[i]:
                raise ArgumentError(f"part_values_usd has a value in row {i + 1} but part_names is empty there")
            continue
        if blank[i]:
            raise ArgumentError(f"part_values_usd is empty for '{name}': type 0 to value it at nothing")
        if errors[i] is not None:
            raise ArgumentError(f"{errors[i]} ('{name}')")
        if name in seen or name in SOTP_ROWS:
            raise ArgumentError(f"part_names has '{name}' " + ("twice" if name in seen else "which VAL_SOTP adds itself"))
        seen.add(name)
        parts.append((name, float(value)))
    return parts


def _sotp(names: np.ndarray, values, net_debt: Values, diluted: Values, held: Values, price: Values) -> np.ndarray:
    parts = _parts(names, values)
    btc, btc_price = one_value(held, BTC_HELD), one_value(price, BTC_PRICE)
    if btc > 0 and np.isnan(btc_price):
        raise ArgumentError("btc_price_usd is required when btc_held is given")
    totals = valuation.sotp([v for _, v in parts], one_value(net_debt, NET_DEBT), one_value(diluted, DILUTED),
                            btc, 0.0 if np.isnan(btc_price) else btc_price)
    return np.array([[name, value] for name, value in parts] + [[k, totals[k]] for k in SOTP_ROWS], dtype=object)


register(ExcelFunction(
    "VAL_SOTP",
    "Sum of the parts: each part, bitcoin held, net debt, equity value, diluted shares and value per share.",
    "table: key, value (USD; shares; USD/share)",
    (PART_NAMES, PART_VALUES, NET_DEBT, DILUTED, BTC_HELD, BTC_PRICE), _sotp, CATEGORY, elementwise=False))

register(ExcelFunction(
    "VAL_IMPLIED_USD_PER_MW",
    "Enterprise value the market pays per contracted MW: (price * shares + net debt - other values) / MW.",
    "USD per MW",
    (SHARE_PRICE, replace(DILUTED, kind="number"), replace(NET_DEBT, kind="number"),
     Arg("other_values_usd", "USD", "Everything valued separately: mining, bitcoin held, pipeline, ..."),
     Arg("contracted_mw", "MW", "Contracted MW, on the basis you compare (critical IT or gross)", gt=0)),
    valuation.implied_usd_per_mw, CATEGORY))

