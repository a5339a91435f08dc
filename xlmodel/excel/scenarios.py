"""Scenarios as Excel functions (``SCN_*``): percentiles over simulated paths, never the paths."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from xlmodel.core import fitting, mining, scenarios
from xlmodel.excel import colocation as colo_excel
from xlmodel.excel import mining as mining_excel
from xlmodel.excel.args import (
    Arg,
    Values,
    blank_cells,
    flat_errors,
    fmt,
    kept_column,
    left_out,
    one_value,
    shape_text,
    to_grid,
    vector,
)
from xlmodel.excel.readers import parse_dates
from xlmodel.excel.errors import ArgumentError, CellError
from xlmodel.excel.registry import ExcelFunction, register

CATEGORY = "xlmodel scenarios"


def one_arg(arg: Arg, **changes: Any) -> Arg:
    return replace(arg, kind="one", **changes)


PRICE = one_arg(mining_excel.PRICE, help="BTC price today")
VOLATILITY = Arg("annual_volatility", "fraction per year",
                 "Volatility of BTC's log returns, e.g. 0.5 for 50%; ignored with price_history_usd",
                 kind="one", ge=0)
MONTHS = Arg("months", "months", "Months to project; one result row each", kind="one", ge=1,
             le=scenarios.MAX_MONTHS, integer=True)
PATHS = Arg("paths", "paths", "Simulated paths; 10,000 is quick and steady", kind="one", ge=1,
            le=scenarios.MAX_PATHS, integer=True)
SEED = Arg("seed", "integer", "Random seed, a whole number >= 0: the same seed gives the same numbers",
           kind="one", ge=0, integer=True)
DRIFT = Arg("annual_drift", "fraction per year",
            "Expected (mean) continuously compounded return of BTC; ignored with price_history_usd",
            kind="one", default=0.0)
PERCENTILES = Arg("percentiles", "percent",
                  "Percentiles to report, each above 0 and below 100, one row or column; "
                  "left out, 5, 25, 50, 75, 95", kind="vector", gt=0, default=None)
HISTORY = Arg("price_history_usd", "USD",
              f"Daily BTC closes, oldest first, at least {scenarios.MIN_HISTORY_CLOSES} (3 months): monthly "
              "returns are then bootstrapped from it in 3-month blocks instead of drawn from GBM",
              kind="vector", gt=0, default=None)

PRICE_ARGS = (PRICE, VOLATILITY, MONTHS, PATHS, SEED, DRIFT, PERCENTILES, HISTORY)


def read_args(args: tuple[Arg, ...], parsed: list[Values]) -> list[Any]:
    """Each argument as the core takes it: one number, a 1-D array, or None when left out.

    Read in argument order, so the first bad argument is the one reported. The registry
    hands a left-out argument without a default over as NaN, which no cell can pass.
    """
    out: list[Any] = []
    for arg, value in zip(args, parsed):
        read = one_value(value, arg) if arg.kind in ("one", "flag") else vector(value, arg)
        out.append(None if arg.default is None and np.isnan(read).all() else read)
    return out


def _percentiles(values: np.ndarray | None) -> np.ndarray:
    q = np.asarray(scenarios.DEFAULT_PERCENTILES if values is None else values, dtype=float)
    if (q >= 100).any():
        raise ArgumentError(f"percentiles must be below 100, got {fmt(float(q[q >= 100][0]))}")
    return q


def history_closes(closes: np.ndarray | None) -> np.ndarray | None:
    if closes is not None and closes.size < scenarios.MIN_HISTORY_CLOSES:
        raise ArgumentError(f"price_history_usd must hold at least {scenarios.MIN_HISTORY_CLOSES} daily closes "
                            f"(3 months), got {closes.size}")
    return closes


def finite(table: np.ndarray, name: str, hint: str) -> np.ndarray:
    if not np.isfinite(table).all():
        raise ArgumentError(f"{name} has no finite result for these inputs: check {hint}")
    return table


def _with_months(table: np.ndarray) -> np.ndarray:
    return np.column_stack([np.arange(1, table.shape[0] + 1, dtype=float), table])


def _btc_price(*parsed: Values) -> np.ndarray:
    price, vol, months, paths, seed, drift, q, closes = read_args(PRICE_ARGS, list(parsed))
    q, closes = _percentiles(q), history_closes(closes)
    with np.errstate(all="ignore"):
        table = scenarios.btc_price_percentiles(price, vol, int(months), int(paths), int(seed), drift, q, closes)
    return _with_months(finite(table, "SCN_BTC_PRICE", "btc_price_usd, annual_volatility and annual_drift"))


register(ExcelFunction(
    "SCN_BTC_PRICE",
    "Percentiles of the BTC price at each month end over simulated paths: GBM, or a 3-month block "
    "bootstrap of a daily price history.",
    "table: one row per month, the month number, then the price in USD at each percentile",
    PRICE_ARGS, _btc_price, CATEGORY, elementwise=False))

NO_SUBSIDY_FROM = mining.LAST_HALVING * mining.HALVING_INTERVAL_BLOCKS  # higher heights mine no subsidy either
NETWORK_TODAY = one_arg(mining_excel.NETWORK, help="Network hashrate today")
GROWTH = Arg("network_growth_per_year", "fraction per year",
             "Expected growth of the network hashrate, e.g. 0.4 for +40% a year (the mean path)", kind="one", gt=-1.0)
HEIGHT = one_arg(mining_excel.BLOCK_HEIGHT, default=None,
                 help="Height of the first block of month 1: the subsidy then halves on schedule; "
                      "left out, 3.125 BTC throughout")
HASH_VOL = Arg("hashrate_volatility", "fraction per year", "Volatility of the network hashrate's lognormal shocks",
               kind="one", ge=0, default=0.0)
CORRELATION = Arg("correlation", "fraction", "Correlation of the hashrate shocks with the BTC price shocks",
                  kind="one", ge=-1, le=1, default=0.0)
MARGIN_ARGS = (
    PRICE, VOLATILITY, NETWORK_TODAY, GROWTH, one_arg(mining_excel.EFFICIENCY), one_arg(mining_excel.POWER), MONTHS,
    PATHS, SEED, one_arg(mining_excel.FEES_OPT), HEIGHT, HASH_VOL, CORRELATION, PERCENTILES, HISTORY,
)


def block_height(height: float | None) -> int | None:
    """A block height as the core takes it: a whole number, or None for a flat subsidy."""
    return None if height is None else int(min(height, NO_SUBSIDY_FROM))


def _mining_margin(*parsed: Values) -> np.ndarray:
    (price, vol, network, growth, efficiency, power, months, paths, seed, fees, height, hash_vol, rho,
     q, closes) = read_args(MARGIN_ARGS, list(parsed))
    q, closes = _percentiles(q), history_closes(closes)
    with np.errstate(all="ignore"):
        margin, negative = scenarios.mining_margin_percentiles(
            price, vol, network, growth, efficiency, power, int(months), int(paths), int(seed), fees,
            block_height(height), hash_vol, rho, q, closes)
    finite(margin, "SCN_MINING_MARGIN", "btc_price_usd, annual_volatility and hashrate_volatility")
    return _with_months(np.column_stack([margin, negative]))


register(ExcelFunction(
    "SCN_MINING_MARGIN",
    "Percentiles of hashprice less hashcost at each month end over simulated BTC price and network "
    "hashrate paths, and the share of paths with a negative margin.",
    "table: one row per month, the month number, the margin in USD per PH/s per day at each percentile, "
    "then the share of paths with a negative margin",
    MARGIN_ARGS, _mining_margin, CATEGORY, elementwise=False))

SLIP_RULE = {"ge": 0, "le": 1_200}  # months
SLIP_MEAN = Arg("slip_months_mean", "months", "Mean delay of each block's RFS date, e.g. 3: one for all blocks, or "
                "one per block (0 for a block already delivered)", kind="raw")
SLIP_SD = Arg("slip_months_sd", "months",
              "Standard deviation of the delay (gamma distributed, independent per block), one or one per block; "
              "0 for a fixed delay of the mean; left out, equal to the mean (an exponential delay)",
              kind="raw", default=None)
ENTITY = Arg("entity", "text", "Whose execution risk this is, e.g. the ticker: each entity's draws are independent of "
             "other entities' and of the BTC price, and the same for the same seed (case and spaces do not count)",
             kind="text", default=None)
COLO_ARGS = (
    replace(colo_excel.RFS, help="Planned ready-for-service date of each block"),
    colo_excel.BLOCKS, colo_excel.RATE_ARG,
    replace(colo_excel.STARTS, help="First day of each period (inclusive); one result row each"),
    replace(colo_excel.ENDS, help="Last day of each period (inclusive)"),
    SLIP_MEAN, PATHS, SEED, SLIP_SD, PERCENTILES, colo_excel.ESCALATORS, ENTITY,
)


def entity_text(text: np.ndarray) -> str:
    """The entity of an execution-risk draw: one cell of text ("" when left out)."""
    if text.size != 1:
        raise ArgumentError(f"entity must be one cell, got a {shape_text(text.shape)} range")
    return str(text.flat[0])


def slips(mean_value, sd_value, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and sd of each block's delay [months]; the sd is the mean where left out."""
    mean = colo_excel.per_block(mean_value, SLIP_MEAN, keep, "mean", **SLIP_RULE)
    sd = mean if left_out(sd_value) else colo_excel.per_block(sd_value, SLIP_SD, keep, "sd", **SLIP_RULE)
    for i in np.flatnonzero((mean == 0) & (sd > 0))[:1]:
        raise ArgumentError(f"slip_months_sd must be 0 where slip_months_mean is 0 (a delay >= 0 with mean 0 is "
                            f"always 0), got {fmt(float(sd[i]))} for block {i + 1}")
    return mean, sd


def _colo_revenue(rfs_value, mw_value, rate_value, starts: Values, ends: Values, mean_value, paths: Values,
                  seed: Values, sd_value, q: Values, escalator: Values, entity: np.ndarray) -> np.ndarray:
    rfs, mw, keep = colo_excel.rfs_blocks(rfs_value, mw_value)
    rates = colo_excel.block_rates(rate_value, keep)
    first, errors = colo_excel.periods(starts, ends)
    first, last, errors = first.ravel(), ends.values.ravel(), errors.ravel()
    mean, sd = slips(mean_value, sd_value, keep)
    paths, seed, q = read_args((PATHS, SEED, COLO_ARGS[9]), [paths, seed, q])
    escalator = colo_excel.block_escalators(escalator, keep)
    q = _percentiles(q)
    ok = np.equal(errors, None)
    with np.errstate(all="ignore"):
        table = scenarios.colo_revenue_percentiles(
            rfs.astype("datetime64[D]"), mw, rates, first[ok].astype("datetime64[D]"),
            last[ok].astype("datetime64[D]"), mean, int(paths), int(seed), sd, q, escalator, entity_text(entity))
    finite(table, "SCN_COLO_REVENUE", "usd_per_kw_month and mw_blocks")
    if ok.all():
        return table
    out = np.empty((last.size, q.size), dtype=object)
    out[ok] = table
    for i in np.flatnonzero(~ok):
        out[i] = CellError(errors[i])
    return out


register(ExcelFunction(
    "SCN_COLO_REVENUE",
    "Percentiles of each period's colocation revenue when each block's RFS date slips by a random delay "
    "(gamma distributed, drawn for the entity; billing as COLO_REVENUE_SCHEDULE).",
    "table: one row per period, the revenue in USD at each percentile",
    COLO_ARGS, _colo_revenue, CATEGORY, elementwise=False))


MIN_GROWTH_POINTS = 3
FIT_CLOSES = Arg("price_history_usd", "USD", f"Daily BTC closes, oldest first, at least {scenarios.MIN_HISTORY_CLOSES} "
                 "(Data_Prices after a refresh); blank cells are skipped", kind="raw")
FIT_DATES = Arg("dates", "date", "Date of each observation (Data_Network's hashrate history); blank rows are skipped",
                kind="raw")
FIT_VALUES = Arg("values", "EH/s", "The observations, one per date, > 0 (network hashrate)", kind="raw")


def _kept_numbers(value, arg: Arg) -> np.ndarray:
    """The numbers of a range, blanks skipped; text or a number out of bounds is named with its row."""
    blank = blank_cells(value, arg)
    return kept_column(value, arg, ~blank, "row", gt=0)[~blank]


def _fit_volatility(closes_value) -> float:
    closes = history_closes(_kept_numbers(closes_value, FIT_CLOSES))
    return fitting.annualized_volatility(closes)


def _fit_growth(dates_value, values_value) -> float:
    dates = parse_dates(dates_value, FIT_DATES, allow_empty=True)
    if dates.values.size != to_grid(values_value, FIT_VALUES.name).size:
        raise ArgumentError(f"dates has {dates.values.size} cells but values has "
                            f"{to_grid(values_value, FIT_VALUES.name).size}: give one value per date")
    keep = ~(blank_cells(dates_value, FIT_DATES) & blank_cells(values_value, FIT_VALUES))
    values = kept_column(values_value, FIT_VALUES, keep, "row", gt=0)[keep]
    errors = flat_errors(dates)
    for i in np.flatnonzero(keep & np.not_equal(errors, None))[:1]:
        raise ArgumentError(f"{errors[i]} (row {i + 1})")
    days = dates.values.ravel()[keep]
    if days.size < MIN_GROWTH_POINTS:
        raise ArgumentError(f"values must hold at least {MIN_GROWTH_POINTS} dated observations, got {days.size}")
    if np.ptp(days) == 0:
        raise ArgumentError("dates must not all be the same day: a growth rate needs time to pass")
    return fitting.log_linear_growth(days, values)


register(ExcelFunction(
    "SCN_FIT_VOLATILITY",
    "Annualised volatility of daily closes: the standard deviation of daily log returns times sqrt(365).",
    "fraction per year", (FIT_CLOSES,), lambda closes: np.full((1, 1), _fit_volatility(closes)), CATEGORY,
    elementwise=False))

register(ExcelFunction(
    "SCN_FIT_GROWTH",
    "Growth per year of a dated series by a log-linear fit: exp(365.25 x the slope of ln(value) on the day) - 1.",
    "fraction per year", (FIT_DATES, FIT_VALUES),
    lambda dates, values: np.full((1, 1), _fit_growth(dates, values)), CATEGORY, elementwise=False))
