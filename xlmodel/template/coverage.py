"""The template's Coverage sheet: every covered company valued the same way as the Valuation sheet values the
model ticker, one row each, and a chart of value per share against the share price sorted by upside.

Each row reads its company's inputs in use (Companies sheet: sourced, or the override typed for that company)
and applies the Valuation sheet's inputs (discount rate, NOI margin, cap rate, mining horizon, pipeline value
per MW): the same functions on the same figures, so a row's value per share is the Valuation sheet's when
the model ticker is that company. A row whose company lacks an input is left empty with what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass

from xlsxwriter.utility import xl_col_to_name, xl_range_abs
from xlsxwriter.workbook import Workbook

from xlmodel.template.layout import Styles, header, model_sheet
from xlmodel.template.peers import PEERS
from xlmodel.template.valuation import converted_principal, corporate_npv, diluted_shares, value_per_share

SHEET = "Coverage"
FIRST = 5  # first company row (0-based); the header is the row above


@dataclass(frozen=True)
class Col:
    key: str
    header: str
    number: str
    formula: str  # with {A} for the ticker cell and {name} for another column's cell on the row
    name: str | None = None
    role: str = "formula"
    parts: tuple[str, ...] = ()  # the parts whose inputs the column needs (empty while one is missing)
    array: bool = False
    cells: tuple[str, ...] = ()  # the inputs (a column key, or a cmp_* name) it needs, when no whole part


def _m(name: str) -> str:
    return f"INDEX({name},MATCH({{A}},cmp_ticker,0))"


LEASE_ARGS = ",".join(f'IF(lease_ticker={{A}},{n},"")' for n in ("lease_used_rfs", "lease_mw_it", "lease_rate_it"))
LEASE = (f"IF({_m('cmp_lease_blocks')}=0,0,VAL_LEASE_NPV({LEASE_ARGS},val_noi_margin,val_discount_rate,"
         'IF(lease_ticker={A},lease_used_term,""),{valuation_date},IF(lease_ticker={A},lease_escalator,""),'
         "val_cap_rate,{capex}))")
MINING = (f"IF({_m('cmp_fleet_hashrate_ehs')}=0,0,VAL_MINING_NPV({_m('cmp_fleet_hashrate_ehs')},"
          f"{_m('cmp_efficiency_j_per_th')},{_m('cmp_power_usd_per_mwh')},btc_price_usd,network_hashrate_ehs,"
          "val_mining_years,val_discount_rate,val_btc_price_growth,val_network_growth,fees_btc_per_block,block_height,"
          "val_mining_other_usd,TRUE,pool_fee))")
COLUMNS = [
    Col("company", "company", "text", _m("cmp_company"), role="label"),
    Col("price", "share price (USD/share)", "usd2", _m("cmp_val_share_price"), "cov_share_price", "link"),
    Col("price_date", "price date", "date", _m("cmp_val_share_price_as_of"), "cov_price_date", "link"),
    Col("valuation_date", "valuation date", "date", _m("cmp_valuation_date"), "cov_valuation_date", "link"),
    Col("basic", "basic shares", "num0", _m("cmp_val_basic_shares"), "cov_basic_shares", "link"),
    Col("converted", "notes counted as shares at the price (USD)", "usd", converted_principal("{A}", "{price}"),
        array=True, cells=("price",)),
    Col("diluted", "diluted shares at the price", "num0", diluted_shares("{A}", "{basic}", "{price}"),
        "cov_diluted_shares", array=True, cells=("price", "basic")),
    Col("net_debt", "net debt (USD)", "usd", f"{_m('cmp_val_debt')}-{_m('cmp_val_cash')}-{{converted}}",
        "cov_net_debt", cells=("cmp_val_debt", "cmp_val_cash", "converted")),
    Col("net_debt_notes", "net debt, notes as debt (USD)", "usd", f"{_m('cmp_val_debt')}-{_m('cmp_val_cash')}",
        "cov_net_debt_notes_as_debt", cells=("cmp_val_debt", "cmp_val_cash")),
    Col("btc", "bitcoin held (USD)", "usd", f"{_m('cmp_val_btc_held')}*btc_price_usd", "cov_btc_usd",
        cells=("cmp_val_btc_held",)),
    Col("capex", "build capex still to spend (USD)", "usd",
        f"{_m('cmp_unbuilt_mw')}*{_m('cmp_capex_usd_per_mw')}", "cov_capex_usd", cells=("cmp_unbuilt_mw",)),
    Col("leases", "contracted leases (USD)", "usd", LEASE, "cov_leases_usd", parts=("leases", "capital"), array=True),
    Col("pipeline", "pipeline (USD)", "usd", f"{_m('cmp_pipeline_expected_mw')}*val_pipeline_usd_per_mw",
        "cov_pipeline_usd"),
    Col("mining", "mining (USD)", "usd", MINING, "cov_mining_usd", parts=("mining",)),
    Col("corporate", "corporate costs (USD)", "usd",
        corporate_npv(_m("cmp_cash_sga_usd_per_year"), "val_discount_rate", "{valuation_date}", _m("cmp_lease_end")),
        "cov_corporate_usd", parts=("corporate", "capital")),
    Col("equity", "equity value at the price (USD)", "usd",
        "{leases}+{pipeline}+{mining}+{corporate}+{btc}-{net_debt}", "cov_equity_usd",
        parts=("capital", "leases", "mining", "corporate")),
    Col("vps", "value per share, diluted at the price (USD/share)", "usd2", "{equity}/{diluted}",
        "cov_value_per_share", "key", parts=("capital", "leases", "mining", "corporate")),
    Col("equity_notes", "equity value, notes as debt (USD)", "usd",
        "{leases}+{pipeline}+{mining}+{corporate}+{btc}-{net_debt_notes}", "cov_equity_notes_as_debt_usd",
        parts=("capital", "leases", "mining", "corporate")),
    Col("vps_value", "value per share, diluted at its value (USD/share)", "usd2",
        value_per_share("{A}", "{equity_notes}", "{basic}"), "cov_value_per_share_at_value", "key",
        parts=("capital", "leases", "mining", "corporate"), array=True),
    Col("upside", "upside at the price's dilution", "pct", "{vps}/{price}-1", "cov_upside",
        parts=("capital", "leases", "mining", "corporate")),
    Col("upside_value", "upside at its value's dilution", "pct", "{vps_value}/{price}-1", "cov_upside_at_value",
        "key", parts=("capital", "leases", "mining", "corporate")),
    Col("mw", "contracted critical-IT MW", "num0", _m("cmp_contracted_mw"), "cov_contracted_mw", "link"),
    Col("ev_per_mw", "EV per contracted IT MW, other parts out (USD per MW)", "usd",
        'IF({mw}=0,"",VAL_IMPLIED_USD_PER_MW({price},{diluted},{net_debt},{pipeline}+{mining}+{btc}+{corporate},{mw}))',
        "cov_ev_per_mw", "key", parts=("capital", "leases", "mining", "corporate")),
    Col("p_above", "probability that value exceeds the price", "pct",
        'IF(COUNT({trials})=0,"",COUNTIF({trials},">"&{price})/COUNT({trials}))', "cov_p_above_price", "key",
        cells=("price",)),
    Col("p50", "value per share, median of the worlds (USD/share)", "usd2",
        'IF(COUNT({trials})=0,"",PERCENTILE.INC({trials},0.5))', "cov_value_p50", "formula"),
    Col("oldest", "oldest input", "date", _m("cmp_oldest"), "cov_oldest_input", "link"),
    Col("missing", "what is missing", "text", _m("cmp_missing"), "cov_missing", "alert"),
    Col("unvalued", "leases listed, not valued", "text", f'IF({_m("cmp_leases_unquantified")}=0,"",'
        f'{_m("cmp_leases_unquantified")}&" lease(s) with no MW, rate or value disclosed: listed on Companies, not '
        'valued")', "cov_leases_not_valued", "alert"),
]
COL = {c.key: i + 1 for i, c in enumerate(COLUMNS)}  # column index (0-based) of each key; the ticker is column A
CHART_ROWS = 24


def _formula(col: Col, row: int, ticker: str) -> str:
    cells = {key: f"{xl_col_to_name(c)}{row}" for key, c in COL.items()}
    text = col.formula.format(A=f"$A{row}", trials=f"cov_trials_{ticker.lower()}", **cells)
    if col.cells:
        needed = [cells[k] if k in cells else _m(k).format(A=f"$A{row}") for k in col.cells]
        text = f'IF(OR({",".join(f"{n}=" + chr(34) * 2 for n in needed)}),"",{text})'
    if col.parts:
        test = "&".join(f"INDEX(cmp_{p}_missing,MATCH($A{row},cmp_ticker,0))" for p in col.parts)
        text = f'IF({test}<>"","",{text})'
    return text


def write_coverage(ws, wb: Workbook, styles: Styles) -> None:
    ws.set_column(0, 0, 8)
    ws.set_column(1, 1, 22)
    ws.set_column(2, len(COLUMNS) - 1, 15)
    ws.set_column(len(COLUMNS), len(COLUMNS), 90)
    model_sheet(ws, styles, "Coverage: every covered company valued the same way",
                "Each row is the Valuation sheet for that company: its own sourced figures (Companies sheet), the "
                "Valuation sheet's discount rate, NOI margin, cap rate, mining horizon and pipeline value. USD; "
                "empty where an input is missing, and the last column says which.")
    ws.write_formula(2, 0, '="BTC price "&TEXT(btc_price_usd,"#,##0")&" USD; discount rate "&TEXT(val_discount_rate,'
                     '"0.0%")&"; each company at the date of its own share price unless Inputs sets one date"',
                     styles.note)
    for c, title in enumerate(["ticker", *(c.header for c in COLUMNS)]):
        ws.write_string(FIRST - 1, c, title, styles.header_wrap)
    ws.set_row(FIRST - 1, 40)  # three lines of a 15-wide column's header
    for i, (ticker, _) in enumerate(PEERS):
        r = FIRST + i
        ws.write_string(r, 0, ticker, styles.label)
        for c, col in enumerate(COLUMNS, start=1):
            fmt = styles.alert if col.role == "alert" else styles.get(col.role, col.number)
            text = _formula(col, r + 1, ticker)
            if col.array:
                ws.write_array_formula(r, c, r, c, "{=" + text + "}", fmt)
            else:
                ws.write_formula(r, c, "=" + text, fmt)
    last = FIRST + len(PEERS) - 1
    wb.define_name("cov_ticker", f"='{SHEET}'!{xl_range_abs(FIRST, 0, last, 0)}")
    for c, col in enumerate(COLUMNS, start=1):
        if col.name:
            wb.define_name(col.name, f"='{SHEET}'!{xl_range_abs(FIRST, c, last, c)}")
    _write_ranking(ws, wb, styles, last + 3)


def _write_ranking(ws, wb: Workbook, styles: Styles, r: int) -> None:
    """Value per share against the price, sorted by upside (companies that compute, best first), and its chart."""
    ws.write_string(r, 0, "Sorted by upside at its value's dilution: the companies whose value computes", styles.header)
    header(ws, styles, r + 1, ["rank", "ticker", "share price (USD/share)", "value per share (USD/share)",
                               "upside"])
    first = r + 2
    for k in range(len(PEERS)):
        row = first + k + 1
        ws.write_number(first + k, 0, k + 1, styles.label)
        ws.write_formula(first + k, 4, f'=IFERROR(LARGE(cov_upside_at_value,A{row}),"")', styles.get("formula", "pct"))
        at = f"MATCH(E{row},cov_upside_at_value,0)"
        ws.write_formula(first + k, 1, f'=IF(E{row}="","",INDEX(cov_ticker,{at}))', styles.label)
        ws.write_formula(first + k, 2, f'=IF(E{row}="","",INDEX(cov_share_price,{at}))', styles.get("formula", "usd2"))
        ws.write_formula(first + k, 3, f'=IF(E{row}="","",INDEX(cov_value_per_share_at_value,{at}))',
                         styles.get("formula", "usd2"))
    last = first + len(PEERS) - 1
    chart = wb.add_chart({"type": "column"})
    for col, label, colour in ((3, "value per share (at its value's dilution)", "#1F4E79"),
                               (2, "share price", "#A5A5A5")):
        chart.add_series({"name": label, "categories": [SHEET, first, 1, last, 1],
                          "values": [SHEET, first, col, last, col], "fill": {"color": colour}, "gap": 60})
    chart.set_title({"name": "Value per share against the share price, by upside (USD/share)",
                     "name_font": {"size": 11}})
    chart.set_y_axis({"num_format": "#,##0"})
    chart.set_legend({"position": "bottom"})
    ws.insert_chart(r, 6, chart, {"x_scale": 1.6, "y_scale": 1.3})
