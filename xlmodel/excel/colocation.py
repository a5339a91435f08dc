"""Colocation economics as Excel functions (``COLO_*``)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from xlmodel.core import colocation
from xlmodel.excel.args import (
    Arg,
    Values,
    blank_cells,
    flat_errors,
    kept_column,
    left_out,
    one_value,
    parse_numbers,
    shape_text,
    to_grid,
)
from xlmodel.excel.errors import ArgumentError, CellError
from xlmodel.excel.readers import day_text, parse_dates
from xlmodel.excel.registry import ExcelFunction, register

CATEGORY = "xlmodel colocation"

REVENUE = Arg("revenue_usd", "USD", "Colocation revenue of one period", ge=0)
BILLABLE_MW = Arg("billable_mw", "MW", "Average MW billing in the period", gt=0)
PERIODS = Arg("periods_per_year", "1/year", "Periods in a year: 4 for a quarter, 12 for a month", gt=0, default=1.0)
RATE_MW_YEAR = Arg("usd_per_mw_year", "USD per MW-year", "Price per MW per year", ge=0)
RATE_KW_MONTH = Arg("usd_per_kw_month", "USD/kW-month", "Price per kW per month", ge=0)
TCV = Arg("total_contract_value_usd", "USD", "Total contract value over the term", ge=0)
TERM = Arg("term_years", "years", "Contract term", gt=0)
MW = Arg("mw", "MW", "Contracted MW (IT or gross, as the contract quotes)", gt=0)
GROSS_MW = Arg("gross_mw", "MW", "Gross (utility) power", ge=0)
RATIO = Arg("gross_to_it_ratio", "ratio", "Gross MW per critical IT MW (disclosed 1.18 to 1.44)", ge=1, default=1.4)
RFS = Arg("rfs_dates", "date", "Ready-for-service date of each block", kind="raw")
BLOCKS = Arg("mw_blocks", "MW", "MW of each block, one per RFS date", kind="raw")

register(ExcelFunction(
    "COLO_REVENUE_PER_MW", "Annualized revenue per billable MW: revenue * periods_per_year / MW.",
    "USD per MW-year", (REVENUE, BILLABLE_MW, PERIODS), colocation.revenue_per_mw, CATEGORY))
register(ExcelFunction(
    "COLO_USD_PER_KW_MONTH", "USD per MW-year as USD per kW-month (divide by 12,000).",
    "USD/kW-month", (RATE_MW_YEAR,), colocation.usd_per_kw_month, CATEGORY))
register(ExcelFunction(
    "COLO_USD_PER_MW_YEAR", "USD per kW-month as USD per MW-year (multiply by 12,000).",
    "USD per MW-year", (RATE_KW_MONTH,), colocation.usd_per_mw_year, CATEGORY))
register(ExcelFunction(
    "COLO_CONTRACT_REVENUE_PER_MW", "Straight-line contract revenue per MW-year: value / term / MW.",
    "USD per MW-year", (TCV, TERM, MW), colocation.contract_revenue_per_mw, CATEGORY))
register(ExcelFunction(
    "COLO_ANNUALIZED_REVENUE", "Revenue a year of billable MW earns at a monthly rate: MW * 1,000 * rate * 12.",
    "USD per year", (replace(BILLABLE_MW, gt=None, ge=0), RATE_KW_MONTH), colocation.annualized_revenue, CATEGORY))
register(ExcelFunction(
    "COLO_CRITICAL_IT_MW", "Critical IT MW a gross power figure supports: gross / ratio.",
    "MW", (GROSS_MW, RATIO), colocation.critical_it_mw, CATEGORY))


def rfs_blocks(rfs_value, mw_value) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The RFS schedule as (days, MW, kept mask); rows blank in both columns are skipped."""
    dates = parse_dates(rfs_value, RFS, allow_empty=True)
    mw = parse_numbers(mw_value, replace(BLOCKS, kind="number", ge=0), empty=0.0)
    if dates.values.size != mw.values.size:
        raise ArgumentError(
            f"rfs_dates has {dates.values.size} cells but mw_blocks has {mw.values.size}: "
            "give one MW figure per RFS date"
        )
    blank_date = blank_cells(rfs_value, RFS)
    blank_mw = blank_cells(mw_value, BLOCKS)
    keep = ~(blank_date & blank_mw)
    date_errors, mw_errors = flat_errors(dates), flat_errors(mw)
    bad = keep & (blank_date | blank_mw | np.not_equal(date_errors, None) | np.not_equal(mw_errors, None))
    for i in np.flatnonzero(bad)[:1]:  # the first bad block is named
        if blank_date[i]:
            raise ArgumentError(f"rfs_dates is empty for block {i + 1}, which has {mw.values.flat[i]:g} MW")
        if blank_mw[i]:
            raise ArgumentError(f"mw_blocks is empty for block {i + 1}, which has an RFS date")
        if date_errors[i] is not None or mw_errors[i] is not None:
            raise ArgumentError(f"{date_errors[i] or mw_errors[i]} (block {i + 1})")
    return dates.values.ravel()[keep], mw.values.ravel()[keep], keep


def _with_errors(result: np.ndarray, errors: np.ndarray | None) -> np.ndarray:
    """Result cells with a message where an input element was bad."""
    if errors is None or not any(e is not None for e in errors.flat):
        return result
    out = result.astype(object)
    for idx, message in np.ndenumerate(errors):
        if message is not None:
            out[idx] = CellError(message)
    return out


def _billable_mw(rfs_value, mw_value, as_of: Values) -> np.ndarray:
    rfs, mw, _ = rfs_blocks(rfs_value, mw_value)
    result = colocation.billable_mw(rfs.astype("datetime64[D]"), mw, as_of.values.astype("datetime64[D]"))
    return _with_errors(result, as_of.errors)


register(ExcelFunction(
    "COLO_BILLABLE_MW", "MW billing at each as-of date: the blocks whose RFS date is on or before it.",
    "MW", (RFS, BLOCKS, Arg("as_of_dates", "date", "One date or a range of dates to measure at", kind="dates")),
    _billable_mw, CATEGORY, elementwise=False))

RATE_ARG = Arg("usd_per_kw_month", "USD/kW-month", "Rate at RFS: one rate, or one per block", kind="raw")
STARTS = Arg("period_starts", "date", "First day of each period (inclusive)", kind="dates")
ENDS = Arg("period_ends", "date", "Last day of each period (inclusive); the result has this shape", kind="dates")

def per_block(value, arg: Arg, keep: np.ndarray, noun: str, row: str = "block",
              row_has: str = "an RFS date and MW", **rule) -> np.ndarray:
    """One ``noun`` for every ``row`` (a block of the schedule), or one per row (``keep`` marks the rows
    kept); a value on a skipped (blank) row may be blank. ``rule`` holds the bounds each value must meet."""
    one = to_grid(value, arg.name).size == 1
    parsed = parse_numbers(value, replace(arg, kind="number", **rule), empty=None if one else 0.0)
    flat, errors = parsed.values.ravel(), flat_errors(parsed)
    if one:
        return np.full(int(keep.sum()), flat[0])
    if flat.size != keep.size:
        raise ArgumentError(f"{arg.name} has {flat.size} cells: give one {noun}, or one per {row} ({keep.size})")
    blank = blank_cells(value, arg)
    for i in np.flatnonzero(keep & (blank | np.not_equal(errors, None)))[:1]:  # the first bad value is named
        if blank[i]:
            raise ArgumentError(f"{arg.name} is empty for {row} {i + 1}, which has {row_has}")
        raise ArgumentError(f"{errors[i]} ({row} {i + 1})")
    return flat[keep]


def block_rates(value, keep: np.ndarray) -> np.ndarray:
    """One rate for every block, or one per block."""
    return per_block(value, RATE_ARG, keep, "rate", ge=0)


ESCALATORS = Arg("annual_escalator", "fraction per year",
                 "Rate step on each RFS anniversary, e.g. 0.03: one for all blocks, or one per block", kind="raw",
                 default=0.0)


def block_escalators(value, keep: np.ndarray) -> np.ndarray:
    """One escalator for every block, or one per block; left out, none."""
    if left_out(value):
        return np.zeros(int(keep.sum()))
    return per_block(value, ESCALATORS, keep, "escalator", ge=0, le=1)


def periods(starts: Values, ends: Values) -> tuple[np.ndarray, np.ndarray]:
    """Each period's first day in the shape of ``period_ends``, and a message per period that cannot
    compute (a bad date, or an end before its start); a single bad period fails the call."""
    if starts.values.size != ends.values.size:
        raise ArgumentError(
            f"period_starts ({shape_text(starts.shape)}) and period_ends ({shape_text(ends.shape)}) "
            "must have one start per end"
        )
    start_days = starts.values.reshape(ends.shape)
    errors = np.full(ends.shape, None, dtype=object)
    for source in (ends.errors, None if starts.errors is None else starts.errors.reshape(ends.shape)):
        if source is not None:
            errors = np.where(np.equal(errors, None), source, errors)
    for idx in zip(*np.nonzero((ends.values < start_days) & np.equal(errors, None))):
        errors[idx] = (f"period_ends must be on or after period_starts, got {day_text(ends.values[idx])} "
                       f"before {day_text(start_days[idx])}")
    if ends.values.size == 1 and errors.flat[0] is not None:
        raise ArgumentError(errors.flat[0])
    return start_days, errors


def _revenue_schedule(rfs_value, mw_value, rate_value, starts: Values, ends: Values, escalator: Values):
    rfs, mw, keep = rfs_blocks(rfs_value, mw_value)
    rates = block_rates(rate_value, keep)
    start_days, errors = periods(starts, ends)
    safe_start = np.where(np.equal(errors, None), start_days, ends.values)
    with np.errstate(all="ignore"):
        result = colocation.revenue_schedule(
            rfs.astype("datetime64[D]"), mw, rates, safe_start.astype("datetime64[D]"),
            ends.values.astype("datetime64[D]"), block_escalators(escalator, keep),
        )
    if not np.isfinite(result).all():
        raise ArgumentError("revenue is beyond what a number can hold (about 1e308 USD): "
                            "check usd_per_kw_month and mw_blocks")
    return _with_errors(result, errors)


register(ExcelFunction(
    "COLO_REVENUE_SCHEDULE",
    "Revenue of each period from an RFS schedule: rate * 12 / 365 per billed day, escalating on RFS anniversaries.",
    "USD per period", (RFS, BLOCKS, RATE_ARG, STARTS, ENDS, ESCALATORS), _revenue_schedule, CATEGORY,
    elementwise=False))

PEER_HEADER = ["operator", "tenant", "MW", "basis", "term (years)", "total value (USD)", "USD per MW-year",
               "USD per kW-month", "USD per IT MW-year", "note"]
PEER_ARGS = (
    Arg("operators", "text", "Operator of each contract (the landlord)", kind="text"),
    Arg("tenants", "text", "Tenant of each contract", kind="text"),
    Arg("mw", "MW", "Contracted MW of each contract", kind="raw"),
    Arg("basis", "IT or gross", "What the MW measure: 'IT' (critical IT load) or 'gross' (utility power)",
        kind="text"),
    Arg("term_years", "years", "Initial term of each contract", kind="raw"),
    Arg("total_value_usd", "USD", "Total contract value over the initial term", kind="raw"),
    replace(RATIO, kind="one"),
)
BASIS = {"it": "IT", "critical it": "IT", "gross": "gross", "utility": "gross"}


def _peer_table(operators, tenants, mw_value, basis, term_value, tcv_value, ratio: Values) -> np.ndarray:
    ops, ten, bas = operators.ravel(), tenants.ravel(), basis.ravel()
    n = ops.size
    columns = (("tenants", ten), ("basis", bas), ("mw", to_grid(mw_value, "mw")),
               ("term_years", to_grid(term_value, "term_years")), ("total_value_usd", to_grid(tcv_value, "total_value_usd")))
    for name, col in columns:
        if col.size != n:
            raise ArgumentError(f"{name} has {col.size} cells but operators has {n}: give one per contract")
    keep = (ops != "") | (ten != "") | (bas != "") | ~blank_cells(mw_value, PEER_ARGS[2])
    mw = kept_column(mw_value, PEER_ARGS[2], keep, "contract", gt=0)
    term = kept_column(term_value, PEER_ARGS[4], keep, "contract", gt=0)
    tcv = kept_column(tcv_value, PEER_ARGS[5], keep, "contract", ge=0)
    gross_to_it = one_value(ratio, PEER_ARGS[6])
    kinds = []
    for i in np.flatnonzero(keep):
        kind = BASIS.get(bas[i].lower())
        if kind is None:
            raise ArgumentError(f"basis must be 'IT' or 'gross', got '{bas[i]}' (contract {i + 1})")
        kinds.append((0 if kind == "IT" else 1, i, kind))
    rows = [PEER_HEADER]
    for _, i, kind in sorted(kinds):
        per_mw = float(colocation.contract_revenue_per_mw(tcv[i], term[i], mw[i]))
        per_it = per_mw if kind == "IT" else per_mw * gross_to_it
        note = "" if kind == "IT" else f"gross MW: not comparable; IT-equivalent at {gross_to_it:g}x, not averaged"
        rows.append([ops[i], ten[i], float(mw[i]), kind, float(term[i]), float(tcv[i]), per_mw,
                     float(colocation.usd_per_kw_month(per_mw)), per_it, note])
    it = [i for k, i, _ in kinds if k == 0]
    if it:
        avg = float(np.sum(tcv[it] / term[it]) / np.sum(mw[it]))
        rows.append(["IT-basis contracts, MW-weighted", "", float(np.sum(mw[it])), "IT", "", "", avg,
                     float(colocation.usd_per_kw_month(avg)), avg, f"{len(it)} contracts"])
    return np.array(rows, dtype=object)


register(ExcelFunction(
    "COLO_PEER_TABLE",
    "Contract comparison: USD per MW-year and per kW-month; gross-MW contracts flagged and kept out of the IT average.",
    "table (header, one row per contract, IT average)", PEER_ARGS, _peer_table, CATEGORY, elementwise=False))
