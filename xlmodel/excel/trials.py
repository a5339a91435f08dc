"""Trials as Excel functions (``SCN_*_TRIALS``): one value per simulated world, spilled down a column.

Trial ``i`` of every function is the same world for the same seed and number of paths, so
columns of trials add up row by row (see ``docs/trials.md``).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from xlmodel.core import trials
from xlmodel.excel import colocation as colo_excel
from xlmodel.excel import mining as mining_excel
from xlmodel.excel import valuation as val_excel
from xlmodel.excel.args import Arg, Values, blank_cells, kept_column
from xlmodel.excel.errors import ArgumentError
from xlmodel.excel.registry import ExcelFunction, register
from xlmodel.excel.scenarios import (
    CATEGORY,
    CORRELATION,
    DRIFT,
    ENTITY,
    GROWTH,
    HASH_VOL,
    HEIGHT,
    HISTORY,
    MONTHS,
    NETWORK_TODAY,
    PATHS,
    PRICE,
    SEED,
    SLIP_MEAN,
    SLIP_SD,
    VOLATILITY,
    block_height,
    entity_text,
    finite,
    history_closes,
    one_arg,
    read_args,
    slips,
)

COLUMN = "column: one value per trial, {unit}, spilled over paths rows"
TRIALS = replace(PATHS, help="Trials: one result row each; 10,000 is quick and steady")


def _column(values: np.ndarray, name: str, hint: str) -> np.ndarray:
    return finite(values, name, hint)[:, None]


PRICE_TRIAL_ARGS = (PRICE, VOLATILITY, replace(MONTHS, help="Month whose end price each trial gives"), TRIALS, SEED,
                    DRIFT, HISTORY)


def _price_trials(*parsed: Values) -> np.ndarray:
    price, vol, months, paths, seed, drift, closes = read_args(PRICE_TRIAL_ARGS, list(parsed))
    with np.errstate(all="ignore"):
        values = trials.price_trials(price, vol, int(months), int(paths), int(seed), drift, history_closes(closes))
    return _column(values, "SCN_PRICE_TRIALS", "btc_price_usd, annual_volatility and annual_drift")


register(ExcelFunction(
    "SCN_PRICE_TRIALS",
    "The BTC price at the end of month `months` in each trial: the paths SCN_BTC_PRICE draws with the same seed, "
    "so PERCENTILE.INC of the trials is its month-`months` row.",
    COLUMN.format(unit="USD"), PRICE_TRIAL_ARGS, _price_trials, CATEGORY, elementwise=False))

MAX_YEARS = 20  # 240 months, the SCN_* limit
MINING_TRIAL_ARGS = (
    one_arg(mining_excel.FLEET), one_arg(mining_excel.EFFICIENCY), one_arg(mining_excel.POWER), PRICE, NETWORK_TODAY,
    one_arg(val_excel.YEARS, le=MAX_YEARS), one_arg(val_excel.DISCOUNT), VOLATILITY, TRIALS, SEED, DRIFT,
    replace(GROWTH, default=0.0), HASH_VOL, CORRELATION, one_arg(mining_excel.FEES_OPT), HEIGHT,
    one_arg(val_excel.OTHER_COST), val_excel.CURTAIL, one_arg(mining_excel.POOL_FEE), HISTORY,
)


def _mining_trials(*parsed: Values) -> np.ndarray:
    (fleet, efficiency, power, price, network, years, rate, vol, paths, seed, drift, growth, hash_vol, rho, fees,
     height, other, curtail, pool, closes) = read_args(MINING_TRIAL_ARGS, list(parsed))
    with np.errstate(all="ignore"):
        values = trials.mining_npv_trials(
            fleet, efficiency, power, price, network, years, rate, vol, int(paths), int(seed), drift, growth,
            hash_vol, rho, fees, block_height(height), other, bool(curtail), pool, history_closes(closes))
    return _column(values, "SCN_MINING_NPV_TRIALS", "btc_price_usd, annual_volatility and hashrate_volatility")


register(ExcelFunction(
    "SCN_MINING_NPV_TRIALS",
    "VAL_MINING_NPV along each trial's BTC price and network hashrate paths (SCN_MINING_MARGIN's paths for the "
    "same seed), each month at the geometric mean of its start and end.",
    COLUMN.format(unit="USD"), MINING_TRIAL_ARGS, _mining_trials, CATEGORY, elementwise=False))

LEASE_DISCOUNT = one_arg(val_excel.DISCOUNT, gt=None, ge=0,
                         help="Annual effective discount rate, e.g. 0.08; >= 0, so that a later RFS date never adds "
                              "value")
LEASE_MARGIN, LEASE_CAP_RATE = one_arg(val_excel.MARGIN), one_arg(val_excel.CAP_RATE)
LEASE_TRIAL_ARGS = (
    replace(colo_excel.RFS, help="Planned ready-for-service date of each block"), val_excel.MW_BLOCKS,
    colo_excel.RATE_ARG, LEASE_MARGIN, LEASE_DISCOUNT, val_excel.TERM, val_excel.VALUATION_DATE,
    replace(SLIP_MEAN, help="Mean delay of each block's RFS date, e.g. 3: one for all blocks, or one per block; "
                            "a block with RFS on or before valuation_date never slips"),
    TRIALS, SEED, SLIP_SD, colo_excel.ESCALATORS, LEASE_CAP_RATE, val_excel.CAPEX, ENTITY,
)


def _lease_trials(rfs_value, mw_value, rate_value, margin: Values, discount: Values, term_value,
                  valuation_date: Values, mean_value, paths: Values, seed: Values, sd_value, escalator: Values,
                  cap: Values, capex: Values, entity: np.ndarray) -> np.ndarray:
    schedule = val_excel.lease_schedule(rfs_value, mw_value, rate_value, term_value, valuation_date, escalator)
    mean, sd = slips(mean_value, sd_value, schedule.keep)
    margin, rate, paths, seed, cap, spend = read_args((LEASE_MARGIN, LEASE_DISCOUNT, TRIALS, SEED, LEASE_CAP_RATE,
                                                       val_excel.CAPEX), [margin, discount, paths, seed, cap, capex])
    with np.errstate(all="ignore"):
        values = trials.lease_npv_trials(
            schedule.rfs, schedule.mw, schedule.rates, margin, rate, schedule.terms, schedule.day, mean, int(paths),
            int(seed), sd, schedule.escalator, np.nan if cap is None else cap, spend, entity_text(entity))
    return _column(values, "SCN_LEASE_NPV_TRIALS", "usd_per_kw_month and mw_blocks")


register(ExcelFunction(
    "SCN_LEASE_NPV_TRIALS",
    "VAL_LEASE_NPV in each trial, each undelivered block's RFS date slipped by a gamma-distributed delay drawn for "
    "the entity (as SCN_COLO_REVENUE draws it); the term runs from the slipped date.",
    COLUMN.format(unit="USD"), LEASE_TRIAL_ARGS, _lease_trials, CATEGORY, elementwise=False))

SITES = Arg("mw", "MW", "MW of each pipeline site, one row per site; blank rows are skipped", kind="raw")
SITE_VALUE = Arg("usd_per_mw", "USD/MW", "Value of a contracted MW: one for all sites, or one per site", kind="raw")
PROBABILITY = Arg("probability", "fraction", "Chance that each site is contracted, 0 to 1: one for all sites, or one "
                  "per site; sites sign independently of each other", kind="raw")
PIPELINE_ARGS = (SITES, SITE_VALUE, PROBABILITY, TRIALS, SEED, ENTITY)
SITE_ROW = {"row": "site", "row_has": "MW"}


def _sites(value) -> tuple[np.ndarray, np.ndarray]:
    """Each site's MW and the rows kept (a blank row is no site)."""
    keep = ~blank_cells(value, SITES)
    if not keep.any():
        raise ArgumentError("mw holds no site: give at least one site's MW")
    return kept_column(value, SITES, keep, "site", ge=0)[keep], keep


def _pipeline_trials(mw_value, value_value, chance_value, paths: Values, seed: Values,
                     entity: np.ndarray) -> np.ndarray:
    mw, keep = _sites(mw_value)
    usd_per_mw = colo_excel.per_block(value_value, SITE_VALUE, keep, "value", ge=0, **SITE_ROW)
    chance = colo_excel.per_block(chance_value, PROBABILITY, keep, "probability", ge=0, le=1, **SITE_ROW)
    paths, seed = read_args((TRIALS, SEED), [paths, seed])
    with np.errstate(all="ignore"):
        values = trials.pipeline_trials(mw, usd_per_mw, chance, int(paths), int(seed), entity_text(entity))
    return _column(values, "SCN_PIPELINE_TRIALS", "mw and usd_per_mw")


register(ExcelFunction(
    "SCN_PIPELINE_TRIALS",
    "The value of the pipeline sites contracted in each trial: each site signs with its own probability, "
    "independently, drawn for the entity; a trial is the sum of mw * usd_per_mw over the sites signed.",
    COLUMN.format(unit="USD"), PIPELINE_ARGS, _pipeline_trials, CATEGORY, elementwise=False))
