"""The template's Companies sheet: every covered company's sourced records, and the inputs in use.

Four record tables, one row per figure, each with its date and source as embedded
(``xlmodel/data/companies/<ticker>.json``): operations (fleet, efficiency, power price,
BTC mined, cash SG&A), colocation leases block by block, the uncontracted pipeline site by
site, and the build capex still to spend per MW. Above them, one row per company of the
inputs the model uses: the sourced figure, or the override typed on the Inputs sheet for
that company; what is missing and what is stale. The Inputs sheet shows the model
ticker's row, and the Coverage sheet values every row the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from xlsxwriter.utility import xl_col_to_name, xl_range_abs
from xlsxwriter.workbook import Workbook

from xlmodel.data import embedded
from xlmodel.template import inputs
from xlmodel.template.layout import Styles, header, model_sheet
from xlmodel.template.peers import PEERS
from xlmodel.template.sourced import INPUTS, OPERATIONS, stale_flag

SHEET = "Companies"
OPS_LABELS = {i.record: (i.label, i.unit) for i in OPERATIONS}
SPARE_LEASE_ROWS = 12
SPARE_PIPELINE_ROWS = 8
MATRIX_FIRST = 5  # first company row of the inputs-in-use block (0-based); its header is the row above
PARTS_NEEDING = {"capital": [i for i in INPUTS if i.part == "capital"],
                 "corporate": [i for i in INPUTS if i.part == "corporate"]}


@dataclass(frozen=True)
class Column:
    """A column of a record table: header, number format, cell role, the row's value (or a formula maker of the
    1-based row number) and the defined name over the column."""

    header: str
    number: str
    role: str
    value: Callable[[Any], Any] | None = None
    formula: Callable[[int], str] | None = None
    name: str | None = None
    width: float = 13


def write_companies(ws, wb: Workbook, styles: Styles) -> None:
    ws.set_column(0, 0, 16)
    ws.set_column(1, 60, 13)
    model_sheet(ws, styles, "Companies: every covered company's sourced records, and the inputs in use",
                "One row per figure, each with its date and source (xlmodel/data/companies/<ticker>.json; "
                "docs/company-data.md). Type over a record to update it; type an override on the Inputs sheet to "
                "try a view on one company. A gap is blank, never filled from another company.")
    r = _write_matrix(ws, wb, styles, MATRIX_FIRST - 2)
    r = _write_table(ws, wb, styles, r + 2, "Operations (ops_*)", _ops_columns(), _ops_rows())
    r = _write_table(ws, wb, styles, r + 2, "Colocation leases, block by block (lease_*): MW on each lease's own "
                     "basis; the used columns apply the Inputs overrides for the company they are typed for",
                     _lease_columns(first=r + 5), _lease_rows(), spare=SPARE_LEASE_ROWS)
    r = _write_table(ws, wb, styles, r + 2, "Uncontracted pipeline, site by site (pipe_*)", _pipeline_columns(),
                     _pipeline_rows(), spare=SPARE_PIPELINE_ROWS)
    _write_table(ws, wb, styles, r + 2, "Build capex still to spend per critical-IT MW (capex_*): blank takes the "
                 "Inputs default; 0 where the tenant funds the build", _capex_columns(), _capex_rows())


def _write_table(ws, wb: Workbook, styles: Styles, r: int, title: str, columns: list[Column], rows: list[Any],
                 spare: int = 0) -> int:
    ws.write_string(r, 0, title, styles.header)
    header(ws, styles, r + 1, [c.header for c in columns])
    first = r + 2
    for i in range(len(rows) + spare):
        row = rows[i] if i < len(rows) else None
        for c, col in enumerate(columns):
            fmt = styles.get(col.role, col.number)
            if col.formula is not None:
                ws.write_formula(first + i, c, "=" + col.formula(first + i + 1), fmt)
                continue
            _write_value(ws, first + i, c, col.value(row) if row is not None else None, fmt)
    last = first + len(rows) + spare - 1
    for c, col in enumerate(columns):
        if col.name:
            wb.define_name(col.name, f"='{SHEET}'!{xl_range_abs(first, c, last, c)}")
    return last


def _write_value(ws, r: int, c: int, value: Any, fmt) -> None:
    if value is None or value == "":
        ws.write_blank(r, c, None, fmt)
    elif isinstance(value, str):
        ws.write_string(r, c, value, fmt)
    elif isinstance(value, dt.date):
        ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), fmt)
    else:
        ws.write_number(r, c, value, fmt)


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


# --- operations ---------------------------------------------------------------------------------------------

def _ops_rows() -> list[tuple[str, str, embedded.OperatingLine | None]]:
    """One row per company and operating line, in a fixed order; a line not in the record is a blank row."""
    rows = []
    for ticker, _ in PEERS:
        found = {line.key: line for line in embedded.operating_lines(ticker)}
        rows += [(ticker, key, found.get(key)) for key in OPS_LABELS]
    return rows


def _ops_columns() -> list[Column]:
    def line(field: str) -> Callable:
        return lambda row: getattr(row[2], field) if row[2] is not None else None

    return [
        Column("key", "text", "formula", lambda row: f"{row[0]}|{row[1]}", name="ops_key"),
        Column("ticker", "text", "label", lambda row: row[0], name="ops_ticker"),
        Column("line", "text", "label", lambda row: OPS_LABELS[row[1]][0]),
        Column("value", "num", "input", line("value"), name="ops_value"),
        Column("unit", "text", "label", lambda row: OPS_LABELS[row[1]][1]),
        Column("as of", "date", "input", lambda row: _date(line("as_of")(row)), name="ops_as_of"),
        Column("period start", "date", "input", lambda row: _date(line("period_start")(row)), name="ops_period_start"),
        Column("period end", "date", "input", lambda row: _date(line("period_end")(row)), name="ops_period_end"),
        Column("quote type", "text", "input", line("quote_type"), name="ops_quote"),
        Column("document", "text", "input", line("document"), name="ops_document"),
        Column("url", "text", "input", line("url"), name="ops_url"),
        Column("note", "text", "input",
               lambda row: line("note")(row) if row[2] is not None else "not in the embedded record",
               name="ops_note"),
    ]


# --- leases -------------------------------------------------------------------------------------------------

LEASE_SOURCED = ["key", "ticker", "tenant", "site", "mw", "basis", "rfs", "rfs_stated", "term", "tcv", "stated", "esc",
                 "own", "status", "as_of", "quote", "document", "url", "note"]
LEASE_DERIVED = ["block", "applies", "used_mw", "used_rfs", "used_term", "used_own", "rate", "used_rate", "mw_it",
                 "rate_it", "escalator", "term_end", "check", "schedule_gap", "unquantified"]
L = {name: xl_col_to_name(i) for i, name in enumerate(LEASE_SOURCED + LEASE_DERIVED)}


def _lease_rows() -> list[embedded.Lease]:
    return [lease for ticker, _ in PEERS for lease in embedded.leases(ticker)]


def _used(r: int, sourced: str, override: str) -> str:
    """The sourced cell (empty text for a blank one), or the block override typed on Inputs when it applies."""
    ovr = f"INDEX({override},{L['block']}{r})"
    sourced = f'IF({sourced}="","",{sourced})'
    return f'IF({L["applies"]}{r},IF({ovr}<>"",{ovr},{sourced}),{sourced})'


def _lease_columns(first: int) -> list[Column]:
    """The lease table's columns; ``first`` is its first row (1-based), where each company's block count starts."""
    c = L
    ratio = "colo_gross_to_it_ratio"

    def field(name: str) -> Callable:
        return lambda lease: getattr(lease, name)

    def check(r: int) -> str:
        gaps = ",".join([
            f'IF({c["used_rfs"]}{r}="","RFS date not found","")',
            f'IF({c["used_mw"]}{r}="","MW not found","")',
            f'IF(AND({c["basis"]}{r}<>"IT",{c["basis"]}{r}<>"gross"),"basis must be IT or gross","")',
            f'IF({c["used_term"]}{r}="","term not found","")',
            f'IF({c["used_rate"]}{r}="","rate or contract value not found","")',
        ])
        gaps = f'_xlfn.TEXTJOIN(", ",TRUE,{gaps})'
        where = f'" (type it on Inputs, row "&({inputs.BLOCK_FIRST}+{c["block"]}{r})&", its override columns)"'
        return (f'IF(OR({c["ticker"]}{r}="",{c["unquantified"]}{r}=TRUE),"",IF({gaps}="","",{c["ticker"]}{r}&'
                f'": lease "&{c["block"]}{r}&" ("&{c["tenant"]}{r}&"): "&{gaps}&{where}))')

    return [
        Column("key", "text", "formula", formula=lambda r: f'IF({c["ticker"]}{r}="","",{c["ticker"]}{r}&"#"&'
               f'{c["block"]}{r})', name="lease_key"),
        Column("ticker", "text", "input", field("ticker"), name="lease_ticker"),
        Column("tenant", "text", "input", field("tenant"), name="lease_tenant"),
        Column("site", "text", "input", field("site"), name="lease_site"),
        Column("MW (its basis)", "num", "input", field("mw"), name="lease_mw"),
        Column("basis (IT/gross)", "text", "input", field("basis"), name="lease_basis"),
        Column("RFS date", "date", "input", lambda lease: _date(lease.rfs_date), name="lease_rfs"),
        Column("RFS as stated", "text", "input", field("rfs_stated")),
        Column("term (years)", "num0", "input", field("term_years"), name="lease_term"),
        Column("contract value (USD)", "usd", "input", field("total_value_usd"), name="lease_tcv"),
        Column("USD/kW-month (stated)", "usd2", "input", field("usd_per_kw_month")),
        Column("annual escalator", "pct", "input", field("annual_escalator")),
        Column("ownership", "pct", "input", field("ownership"), name="lease_ownership"),
        Column("status", "text", "input", field("status"), name="lease_status"),
        Column("as of", "date", "input", lambda lease: _date(lease.as_of), name="lease_as_of"),
        Column("quote type", "text", "input", field("quote_type")),
        Column("document", "text", "input", field("document")),
        Column("url", "text", "input", field("url"), name="lease_url"),
        Column("note", "text", "input", field("note")),
        Column("block", "num0", "formula", formula=lambda r: f'IF({c["ticker"]}{r}="","",COUNTIF({c["ticker"]}$'
               f'{first}:{c["ticker"]}{r},{c["ticker"]}{r}))', name="lease_block"),
        Column("Inputs overrides apply", "text", "formula", formula=lambda r: f'AND({c["ticker"]}{r}<>"",'
               f'{c["ticker"]}{r}=model_override_ticker,N({c["block"]}{r})<={inputs.BLOCKS})'),
        Column("MW used (its basis)", "num", "formula", formula=lambda r: _used(r, f"{c['mw']}{r}", "blk_ovr_mw"),
               name="lease_used_mw"),
        Column("RFS date used", "date", "formula", formula=lambda r: (  # an unquantified lease is listed, not valued
            f'IF({c["unquantified"]}{r}=TRUE,"",{_used(r, c["rfs"] + str(r), "blk_ovr_rfs")})'), name="lease_used_rfs"),
        Column("term used", "num0", "formula", formula=lambda r: _used(r, f"{c['term']}{r}", "blk_ovr_term"),
               name="lease_used_term"),
        Column("ownership used", "pct", "formula",
               formula=lambda r: _used(r, f'IF({c["own"]}{r}="",1,{c["own"]}{r})', "blk_ovr_own"),
               name="lease_used_own"),
        Column("USD/kW-month, stated or from the value", "usd2", "formula", formula=lambda r: (
            f'IF({c["stated"]}{r}<>"",{c["stated"]}{r},IF(AND(ISNUMBER({c["tcv"]}{r}),ISNUMBER({c["mw"]}{r}),'
            f'ISNUMBER({c["term"]}{r}),N({c["mw"]}{r})>0,N({c["term"]}{r})>0),{c["tcv"]}{r}/({c["mw"]}{r}*12000*'
            f'IF(N({c["esc"]}{r})=0,{c["term"]}{r},((1+{c["esc"]}{r})^{c["term"]}{r}-1)/{c["esc"]}{r})),""))'),
            name="lease_rate"),
        Column("USD/kW-month used", "usd2", "formula", formula=lambda r: _used(r, f"{c['rate']}{r}", "blk_ovr_rate"),
               name="lease_used_rate"),
        Column("critical-IT MW owned", "num", "formula", formula=lambda r: (
            f'IF(OR({c["used_mw"]}{r}="",AND({c["basis"]}{r}<>"IT",{c["basis"]}{r}<>"gross")),"",{c["used_mw"]}{r}/'
            f'IF({c["basis"]}{r}="gross",{ratio},1)*{c["used_own"]}{r})'), name="lease_mw_it"),
        Column("USD per IT kW-month", "usd2", "formula", formula=lambda r: (
            f'IF({c["used_rate"]}{r}="","",{c["used_rate"]}{r}*IF({c["basis"]}{r}="gross",{ratio},1))'),
            name="lease_rate_it"),
        Column("escalator used", "pct", "formula", formula=lambda r: f'IF({c["ticker"]}{r}="","",N({c["esc"]}{r}))',
               name="lease_escalator"),
        Column("term end", "date", "formula", formula=lambda r: (
            f'IF(OR({c["used_rfs"]}{r}="",{c["used_term"]}{r}=""),"",EDATE({c["used_rfs"]}{r},12*{c["used_term"]}{r}))'),
            name="lease_term_end"),
        Column("what is missing", "text", "formula", formula=check, name="lease_check"),
        Column("billing schedule incomplete", "text", "formula", formula=lambda r: (  # what revenue needs: no term
            f'IF(OR({c["ticker"]}{r}="",{c["unquantified"]}{r}=TRUE),"",OR({c["used_rfs"]}{r}="",{c["mw_it"]}{r}="",'
            f'{c["rate_it"]}{r}=""))'), name="lease_schedule_gap"),
        Column("listed, not valued (no MW, rate or value disclosed)", "text", "formula", formula=lambda r: (
            f'IF({c["ticker"]}{r}="","",AND({c["used_mw"]}{r}="",{c["used_rate"]}{r}="",{c["tcv"]}{r}=""))'),
            name="lease_unquantified"),
    ]


# --- pipeline and capex -------------------------------------------------------------------------------------

def _pipeline_rows() -> list[embedded.PipelineSite]:
    return [site for ticker, _ in PEERS for site in embedded.pipeline(ticker)]


def _pipeline_columns() -> list[Column]:
    def field(name: str) -> Callable:
        return lambda site: getattr(site, name)

    return [
        Column("ticker", "text", "input", field("ticker"), name="pipe_ticker"),
        Column("site", "text", "input", field("site"), name="pipe_site"),
        Column("MW", "num0", "input", field("mw"), name="pipe_mw"),
        Column("basis", "text", "input", field("basis")),
        Column("probability (blank: Valuation's)", "pct", "input", lambda site: None, name="pipe_probability"),
        Column("expected MW", "num", "formula", formula=lambda r: (
            f'IF(ISNUMBER(C{r}),C{r}*IF(E{r}="",val_pipeline_probability,E{r}),"")'), name="pipe_expected_mw"),
        Column("as of", "date", "input", lambda site: _date(site.as_of)),
        Column("quote type", "text", "input", field("quote_type")),
        Column("document", "text", "input", field("document")),
        Column("url", "text", "input", field("url")),
        Column("note", "text", "input", field("note")),
    ]


def _capex_rows() -> list[tuple[str, embedded.BuildCapex | None]]:
    return [(ticker, embedded.build_capex(ticker)) for ticker, _ in PEERS]


def _capex_columns() -> list[Column]:
    def field(name: str) -> Callable:
        return lambda row: getattr(row[1], name) if row[1] is not None else None

    return [
        Column("ticker", "text", "label", lambda row: row[0], name="capex_ticker"),
        Column("USD per IT MW", "usd", "input", field("usd_per_mw"), name="capex_usd_per_mw"),
        Column("tenant funds the build", "text", "input",
               lambda row: ("yes" if row[1].tenant_funded else "no") if row[1] is not None else None,
               name="capex_tenant_funded"),
        Column("as of", "date", "input", lambda row: _date(row[1].as_of) if row[1] is not None else None),
        Column("quote type", "text", "input", field("quote_type")),
        Column("document", "text", "input", field("document")),
        Column("url", "text", "input", field("url")),
        Column("note", "text", "input", lambda row: row[1].note if row[1] is not None else
               "no company figure found: the Inputs default applies"),
    ]


# --- the inputs in use, one row per company -----------------------------------------------------------------

def used_value(t: str, name: str) -> str:
    """An input in use for the ticker operand ``t``: the override typed on Inputs for that company, else sourced."""
    spec = next(i for i in INPUTS if i.name == name)
    return f'IF(AND({t}=model_override_ticker,_ovr_{name}<>""),_ovr_{name},{spec.value(t)})'


def _btc_period(t: str, end: str) -> str:
    """The start or end date of the period the BTC mined covers, empty when the record has none (a blank date
    is not day 0, 1899-12-30)."""
    at = f'MATCH({t}&"|ops.btc_mined",ops_key,0)'
    return f'IFERROR(IF(INDEX(ops_period_{end},{at})="","",1*INDEX(ops_period_{end},{at})),"")'


def _matrix_columns() -> list[tuple[str, str, str, Callable[[int], str]]]:
    """(header, defined name, number format, formula maker of the 1-based row) for the inputs-in-use block."""
    t = lambda r: f"$A{r}"  # noqa: E731
    cols: list[tuple[str, str, str, Callable[[int], str]]] = []
    for spec in INPUTS:
        cols.append((f"{spec.label} ({spec.unit})", f"cmp_{spec.name}", spec.number,
                     lambda r, n=spec.name: used_value(t(r), n)))
        cols.append(("as of", f"cmp_{spec.name}_as_of", "date",
                     lambda r, s=spec: f'IF(AND({t(r)}=model_override_ticker,_ovr_{s.name}<>""),"",{s.as_of(t(r))})'))
    price_as_of = next(i for i in INPUTS if i.name == "val_share_price").as_of
    cols += [
        ("valuation date", "cmp_valuation_date", "date",
         lambda r: f'IF(_ovr_val_valuation_date<>"",_ovr_val_valuation_date,{price_as_of(t(r))})'),
        ("BTC mined: period start", "cmp_btc_period_start", "date",
         lambda r: _btc_period(t(r), "start")),
        ("BTC mined: period end", "cmp_btc_period_end", "date",
         lambda r: _btc_period(t(r), "end")),
        ("pipeline (MW)", "cmp_pipeline_mw", "num0", lambda r: f"SUMIFS(pipe_mw,pipe_ticker,{t(r)})"),
        ("pipeline, probability-weighted (MW)", "cmp_pipeline_expected_mw", "num0",
         lambda r: f"SUMIFS(pipe_expected_mw,pipe_ticker,{t(r)})"),
        ("build capex (USD per IT MW)", "cmp_capex_usd_per_mw", "usd", lambda r: (
            f'IF(INDEX(capex_tenant_funded,MATCH({t(r)},capex_ticker,0))="yes",0,IF(INDEX(capex_usd_per_mw,'
            f'MATCH({t(r)},capex_ticker,0))="",val_capex_default_usd_per_mw,INDEX(capex_usd_per_mw,'
            f'MATCH({t(r)},capex_ticker,0))))')),
        ("lease blocks", "cmp_lease_blocks", "num0", lambda r: f"COUNTIF(lease_ticker,{t(r)})"),
        ("contracted critical-IT MW", "cmp_contracted_mw", "num0", lambda r: f"SUMIFS(lease_mw_it,lease_ticker,{t(r)})"),
        ("not yet delivered (IT MW)", "cmp_unbuilt_mw", "num0", lambda r: (
            f'IF(ISNUMBER({_cell(r, "cmp_valuation_date")}),SUMIFS(lease_mw_it,lease_ticker,{t(r)},lease_used_rfs,'
            f'">"&{_cell(r, "cmp_valuation_date")}),"")')),
        ("last lease term end", "cmp_lease_end", "date", lambda r: (
            f'IF(COUNTIFS(lease_ticker,{t(r)},lease_term_end,">0")=0,"",_xlfn.MAXIFS(lease_term_end,lease_ticker,'
            f'{t(r)}))')),
        ("leases: what is missing", "cmp_leases_missing", "text",
         lambda r: f'_xlfn.TEXTJOIN("; ",TRUE,IF(lease_ticker={t(r)},lease_check,""))'),
        ("capital: what is missing", "cmp_capital_missing", "text", lambda r: _missing(r, PARTS_NEEDING["capital"])),
        ("mining: what is missing", "cmp_mining_missing", "text", _mining_missing),
        ("corporate costs: what is missing", "cmp_corporate_missing", "text",
         lambda r: _missing(r, PARTS_NEEDING["corporate"])),
        ("leases listed, not valued", "cmp_leases_unquantified", "num0",
         lambda r: f"COUNTIFS(lease_ticker,{t(r)},lease_unquantified,TRUE)"),
        ("what is missing", "cmp_missing", "text", lambda r: (
            f'_xlfn.TEXTJOIN("; ",TRUE,{_cell(r, "cmp_capital_missing")},{_cell(r, "cmp_leases_missing")},'
            f'{_cell(r, "cmp_mining_missing")},{_cell(r, "cmp_corporate_missing")})')),
        ("stale inputs", "cmp_stale", "text", _stale),
        ("oldest input", "cmp_oldest", "date", lambda r: (
            f'IF(COUNT({_as_of_cells(r)})=0,"",MIN({_as_of_cells(r)}))')),
    ]
    return cols


MATRIX_NAMES: list[str] = []  # the block's defined names, in column order (set below)


def _cell(r: int, name: str) -> str:
    return f"{xl_col_to_name(MATRIX_NAMES.index(name) + 2)}{r}"


def _missing(r: int, needed: list) -> str:
    parts = [f'IF({_cell(r, "cmp_" + i.name)}="",$A{r}&": {i.label} ({i.unit}) not found: type it in '
             f'Inputs!E{inputs.ROW[i.name] + 1}","")' for i in needed]
    return f'_xlfn.TEXTJOIN("; ",TRUE,{",".join(parts)})'


def _mining_missing(r: int) -> str:
    fleet, eff, power = (_cell(r, f"cmp_{n}") for n in ("fleet_hashrate_ehs", "efficiency_j_per_th",
                                                        "power_usd_per_mwh"))
    where = lambda n: f"Inputs!E{inputs.ROW[n] + 1}"  # noqa: E731
    return (f'IF({fleet}="",$A{r}&": fleet hashrate (EH/s) not found: type it in {where("fleet_hashrate_ehs")}",'
            f'IF({fleet}=0,"",_xlfn.TEXTJOIN("; ",TRUE,IF({eff}="",$A{r}&": fleet efficiency (J/TH) not found: type '
            f'it in {where("efficiency_j_per_th")}",""),IF({power}="",$A{r}&": power price (USD/MWh) not found: type it '
            f'in {where("power_usd_per_mwh")}",""))))')


def _stale(r: int) -> str:
    date = _cell(r, "cmp_valuation_date")
    parts = []
    for spec in INPUTS:
        as_of = _cell(r, f"cmp_{spec.name}_as_of")
        flag = stale_flag(as_of, date)
        parts.append(f'IF({flag}="","","{spec.label}, "&TEXT({as_of},"yyyy-mm-dd")&": "&{flag})')
    return f'_xlfn.TEXTJOIN("; ",TRUE,{",".join(parts)})'


def _as_of_cells(r: int) -> str:
    return ",".join(_cell(r, f"cmp_{spec.name}_as_of") for spec in INPUTS)


def _write_matrix(ws, wb: Workbook, styles: Styles, r: int) -> int:
    columns = _matrix_columns()
    MATRIX_NAMES[:] = [name for _, name, _, _ in columns]
    ws.write_string(r, 0, "Inputs in use, by company: sourced, or the override typed on Inputs for that company "
                    "(cmp_*)", styles.header)
    header(ws, styles, r + 1, ["ticker", "company"] + [h for h, _, _, _ in columns])
    first = r + 2
    for i, (ticker, name) in enumerate(PEERS):
        ws.write_string(first + i, 0, ticker, styles.label)
        ws.write_string(first + i, 1, name, styles.label)
        for c, (_, _, number, formula) in enumerate(columns, start=2):
            text = formula(first + i + 1)
            if "IF(lease_ticker=" in text:  # an array formula: the condition runs over the lease table
                ws.write_array_formula(first + i, c, first + i, c, "{=" + text + "}", styles.get("formula", number))
            else:
                ws.write_formula(first + i, c, "=" + text, styles.get("formula", number))
    last = first + len(PEERS) - 1
    wb.define_name("cmp_ticker", f"='{SHEET}'!{xl_range_abs(first, 0, last, 0)}")
    wb.define_name("cmp_company", f"='{SHEET}'!{xl_range_abs(first, 1, last, 1)}")
    for c, (_, name, _, _) in enumerate(columns, start=2):
        wb.define_name(name, f"='{SHEET}'!{xl_range_abs(first, c, last, c)}")
    return last
