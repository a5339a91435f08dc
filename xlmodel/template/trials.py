"""The template's Trials sheet: value as a distribution, one column of trials per part.

Each column holds the same simulated worlds, trial by trial (the SIPmath convention): the BTC
price and network paths depend on the seed alone, the RFS slips and pipeline outcomes on the seed
and the company (``docs/trials.md``). The model ticker's parts are summed row by row into equity
trials, and ``VAL_VALUE_PER_SHARE`` solves the dilution in each trial. Beside them, every covered
company's value per share in fewer trials, for the Coverage sheet. The formulas that build an
equity trial are made here for every context (the model ticker, each Coverage row, each tornado
bar), so they cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from xlsxwriter.utility import xl_range_abs
from xlsxwriter.workbook import Workbook

from xlmodel.template.layout import Row, Styles, header, model_sheet, write_rows
from xlmodel.template.peers import PEERS
from xlmodel.template.valuation import corporate_end, instruments

SHEET = "Trials"
MODEL_PATHS = 10_000  # the model ticker's trials: its percentiles and P(value > price)
COVERAGE_PATHS = 2_000  # each covered company's trials on the Coverage sheet
TORNADO_PATHS = 2_000  # the trials behind each tornado bar (one seed: bars differ by the driver alone)
FIRST = 16  # first trial row (0-based)
PARTS = ("val_leases_missing", "val_capital_missing", "val_mining_missing", "val_corporate_missing")


@dataclass(frozen=True)
class Context:
    """One company's inputs as formula operands, and the book's assumptions it is valued with (each may be
    replaced, for a tornado bar)."""

    entity: str  # the ticker operand: RFS slips and pipeline outcomes are drawn for it
    rfs: str
    mw: str
    rate: str
    term: str
    escalator: str
    blocks: str  # how many lease blocks it has
    pipe_mw: str
    pipe_probability: str
    pipeline_mw: str  # its pipeline's total MW
    fleet: str
    efficiency: str
    power: str
    btc_held: str
    basic: str
    net_debt_notes: str
    capex: str
    valuation_date: str
    sga: str
    lease_end: str
    missing: str  # empty text when every part computes
    discount_rate: str = "val_discount_rate"
    cap_rate: str = "val_cap_rate"
    noi_margin: str = "val_noi_margin"
    volatility: str = "scn_volatility"
    network_growth: str = "scn_network_growth"
    slip_mean: str = "scn_slip_mean"
    slip_sd: str = "scn_slip_sd"
    btc_price: str = "btc_price_usd"


def model_context() -> Context:
    """The model ticker, from the Inputs and Valuation sheets."""
    probability = 'IF(pipe_ticker=model_ticker,IF(pipe_probability="",val_pipeline_probability,pipe_probability),"")'
    return Context(
        "model_ticker", "colo_rfs_dates", "colo_mw_blocks", "colo_rate_blocks", "colo_term_blocks",
        "colo_escalator_blocks", "COUNT(colo_rfs_dates)", 'IF(pipe_ticker=model_ticker,pipe_mw,"")', probability,
        "val_pipeline_mw", "fleet_hashrate_ehs", "efficiency_j_per_th", "power_usd_per_mwh", "val_btc_held",
        "val_basic_shares", "val_net_debt_notes_as_debt", "val_capex_usd", "val_valuation_date",
        "cash_sga_usd_per_year", "val_lease_end", "&".join(PARTS))


def company_context(t: str) -> Context:
    """A covered company (ticker operand ``t``), from the Companies and Coverage sheets."""
    m = lambda name: f"INDEX({name},MATCH({t},cmp_ticker,0))"  # noqa: E731
    c = lambda name: f"INDEX({name},MATCH({t},cov_ticker,0))"  # noqa: E731
    pick = lambda name: f'IF(lease_ticker={t},{name},"")'  # noqa: E731
    probability = f'IF(pipe_ticker={t},IF(pipe_probability="",val_pipeline_probability,pipe_probability),"")'
    missing = "&".join(m(f"cmp_{part}_missing") for part in ("capital", "leases", "mining", "corporate"))
    return Context(
        t, pick("lease_used_rfs"), pick("lease_mw_it"), pick("lease_rate_it"), pick("lease_used_term"),
        pick("lease_escalator"), m("cmp_lease_blocks"), f'IF(pipe_ticker={t},pipe_mw,"")', probability,
        m("cmp_pipeline_mw"), m("cmp_fleet_hashrate_ehs"), m("cmp_efficiency_j_per_th"), m("cmp_power_usd_per_mwh"),
        m("cmp_val_btc_held"), m("cmp_val_basic_shares"), c("cov_net_debt_notes_as_debt"), c("cov_capex_usd"),
        m("cmp_valuation_date"), m("cmp_cash_sga_usd_per_year"), m("cmp_lease_end"), missing)


def price_trials(ctx: Context, paths: str, months: str = "trials_btc_month") -> str:
    return f"SCN_PRICE_TRIALS({ctx.btc_price},{ctx.volatility},{months},{paths},scn_seed,scn_drift)"


def lease_trials(ctx: Context, paths: str) -> str:
    return (f"IF({ctx.blocks}=0,0,SCN_LEASE_NPV_TRIALS({ctx.rfs},{ctx.mw},{ctx.rate},{ctx.noi_margin},"
            f"{ctx.discount_rate},{ctx.term},{ctx.valuation_date},{ctx.slip_mean},{paths},scn_seed,{ctx.slip_sd},"
            f"{ctx.escalator},{ctx.cap_rate},{ctx.capex},{ctx.entity}))")


def pipeline_trials(ctx: Context, paths: str) -> str:
    return (f"IF({ctx.pipeline_mw}=0,0,SCN_PIPELINE_TRIALS({ctx.pipe_mw},val_pipeline_usd_per_mw,"
            f"{ctx.pipe_probability},{paths},scn_seed,{ctx.entity}))")


def mining_trials(ctx: Context, paths: str) -> str:
    return (f"IF({ctx.fleet}=0,0,SCN_MINING_NPV_TRIALS({ctx.fleet},{ctx.efficiency},{ctx.power},{ctx.btc_price},"
            f"network_hashrate_ehs,val_mining_years,{ctx.discount_rate},{ctx.volatility},{paths},scn_seed,scn_drift,"
            f"{ctx.network_growth},scn_hashrate_volatility,scn_correlation,fees_btc_per_block,block_height,"
            "val_mining_other_usd,TRUE,pool_fee))")


def corporate(ctx: Context) -> str:
    """Corporate costs (a negative part), as the Valuation sheet values them, at this context's rates."""
    cap = f'IF({ctx.lease_end}="","",{ctx.cap_rate})'
    end = corporate_end(ctx.lease_end, ctx.valuation_date)
    return f"-VAL_COST_NPV({ctx.sga},{ctx.discount_rate},{ctx.valuation_date},{end},{cap})"


def equity_trials(ctx: Context, paths: str) -> str:
    """Equity value in each trial, every note counted as debt [USD] (a formula, no '=')."""
    return (f"{lease_trials(ctx, paths)}+{pipeline_trials(ctx, paths)}+{mining_trials(ctx, paths)}+{ctx.btc_held}*"
            f"{price_trials(ctx, paths)}{corporate(ctx)}-{ctx.net_debt_notes}")


def value_trials(ctx: Context, paths: str) -> str:
    """Value per share in each trial, diluted at that trial's value; empty while an input is missing."""
    return (f'IF({ctx.missing}<>"","",VAL_VALUE_PER_SHARE({equity_trials(ctx, paths)},{ctx.basic},'
            f"{instruments(ctx.entity)}))")


def _inputs() -> list[Row]:
    return [
        Row("Company", "=model_ticker", "", "Inputs!B5: its parts are summed trial by trial below", None, "text",
            "link"),
        Row("Trials of the company", MODEL_PATHS, "trials", "The length of the columns below; every column uses the "
            "same seed and number of trials, so trial i is one world", "trials_paths", "num0", "formula"),
        Row("Trials of each company on Coverage", COVERAGE_PATHS, "trials", "Fewer trials per company; the same seed, "
            "so every company sees the same BTC worlds", "coverage_paths", "num0", "formula"),
        Row("Trials behind each tornado bar", TORNADO_PATHS, "trials", "One seed for every bar: bars differ by "
            "their driver alone", "tornado_paths", "num0", "input"),
        Row("Seed", "=scn_seed", "integer", "Scenarios sheet: the same seed gives the same trials everywhere", None,
            "num0", "link"),
        Row("Bitcoin held valued at the price of month", 12, "months", "Bitcoin held is worth the trial's BTC price "
            "this many months out", "trials_btc_month", "num0", "input"),
        Row("BTC volatility, network growth, slips", "=scn_volatility", "fraction per year", "The Scenarios sheet's "
            "inputs (typed or fitted to history, as its switches say)", None, "pct", "link"),
    ]


def write_trials(ws, wb: Workbook, styles: Styles) -> None:
    ws.set_column(0, 0, 40)
    ws.set_column(1, 17, 15)
    model_sheet(ws, styles, "Trials: value as a distribution, one column per part",
                "Each row is one simulated world: the BTC price and network paths (the seed alone), the company's RFS "
                "slips and pipeline outcomes (the seed and the ticker). Columns add up row by row (docs/trials.md).")
    write_rows(ws, wb, styles, 3, _inputs())
    _write_model(ws, wb, styles)
    _write_coverage(ws, wb, styles)


MODEL_COLUMNS = [  # (header, defined name, number format, formula over the context)
    ("BTC price at that month (USD)", "trial_btc_price", "usd", lambda ctx, p: price_trials(ctx, p)),
    ("contracted leases (USD)", "trial_leases_usd", "usd", lease_trials),
    ("uncontracted pipeline (USD)", "trial_pipeline_usd", "usd", pipeline_trials),
    ("mining (USD)", "trial_mining_usd", "usd", mining_trials),
]


def _write_model(ws, wb: Workbook, styles: Styles) -> None:
    ctx = model_context()
    ws.write_string(FIRST - 2, 0, "The company's trials: one row per world", styles.header)
    titles = ["trial", *(h for h, _, _, _ in MODEL_COLUMNS), "bitcoin held (USD)", "equity, notes as debt (USD)",
              "value per share (USD/share)"]
    header(ws, styles, FIRST - 1, titles)
    last = FIRST + MODEL_PATHS - 1
    ws.write_column(FIRST, 0, range(1, MODEL_PATHS + 1), styles.get("formula", "num0"))
    columns = {}
    for c, (_, name, number, make) in enumerate(MODEL_COLUMNS, start=1):
        _spill(ws, c, f'=IF({ctx.missing}<>"","",{make(ctx, "trials_paths")})', styles.get("formula", number))
        columns[name] = xl_range_abs(FIRST, c, last, c)
        wb.define_name(name, f"='{SHEET}'!{columns[name]}")
    held, equity, value = (xl_range_abs(FIRST, c, last, c) for c in (5, 6, 7))
    _spill(ws, 5, f'=IF({ctx.missing}<>"","",val_btc_held*{columns["trial_btc_price"]})', styles.get("formula", "usd"))
    parts = "+".join(columns[n] for n in ("trial_leases_usd", "trial_pipeline_usd", "trial_mining_usd"))
    _spill(ws, 6, f'=IF({ctx.missing}<>"","",{parts}+{held}{corporate(ctx)}-{ctx.net_debt_notes})',
           styles.get("formula", "usd"))
    _spill(ws, 7, f'=IF({ctx.missing}<>"","",VAL_VALUE_PER_SHARE({equity},{ctx.basic},{instruments(ctx.entity)}))',
           styles.get("key", "usd2"))
    for name, ref in (("trial_btc_usd", held), ("trial_equity_usd", equity), ("trial_value_per_share", value)):
        wb.define_name(name, f"='{SHEET}'!{ref}")


def _write_coverage(ws, wb: Workbook, styles: Styles) -> None:
    """Every covered company's value per share in COVERAGE_PATHS trials, one column each."""
    first_col = 9
    ws.write_string(FIRST - 2, first_col, "Each covered company's value per share (USD/share), trial by trial",
                    styles.header)
    last = FIRST + COVERAGE_PATHS - 1
    for k, (ticker, _) in enumerate(PEERS):
        c = first_col + k
        ws.write_string(FIRST - 1, c, ticker, styles.header)
        ctx = company_context(f'"{ticker}"')
        _spill(ws, c, "=" + value_trials(ctx, "coverage_paths"), styles.get("formula", "usd2"))
        wb.define_name(f"cov_trials_{ticker.lower()}", f"='{SHEET}'!{xl_range_abs(FIRST, c, last, c)}")


def _spill(ws, c: int, formula: str, fmt) -> None:
    """A column of trials: one dynamic-array formula in its first cell, spilling down as many rows as trials (the
    names over the column cover every row it spills into)."""
    ws.write_dynamic_array_formula(FIRST, c, FIRST, c, formula, fmt)


def tornado_context(driver: str, value: str) -> Context:
    """The model ticker's context with one driver replaced by ``value``."""
    ctx = model_context()
    if driver == "power":
        return replace(ctx, power=f"{ctx.power}*{value}")
    if driver == "btc_price":
        return replace(ctx, btc_price=f"{ctx.btc_price}*{value}")
    if driver == "pipeline_probability":
        return replace(ctx, pipe_probability=f'IF(pipe_ticker=model_ticker,{value},"")')
    if driver == "slip":
        return replace(ctx, slip_mean=value, slip_sd=value)
    return replace(ctx, **{driver: value})


def mean_value(ctx: Context) -> str:
    """The mean of value per share over the tornado's trials (a formula, no '=')."""
    return f'IF({ctx.missing}<>"","",AVERAGE({value_trials(ctx, "tornado_paths")}))'
