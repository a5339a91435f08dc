"""The template's Peers sheet: the eleven listed miners side by side, quarter by quarter.

The reported part is an Excel table (``PeerQuarters``) whose every cell looks its figure up
in Data_Company, so a refresh fills it for each mapped ticker and each figure keeps its
filing (the table's last column). The inputs block below is what no filing tags: BTC
mined, fleet, contracted MW and contract terms, typed with a source; its derived columns
are xlmodel's own functions.
"""

from __future__ import annotations

from xlsxwriter.utility import xl_range_abs
from xlsxwriter.workbook import Workbook

from xlmodel.data.embedded import company_quarters
from xlmodel.data.segments import mapping
from xlmodel.template.layout import Styles, company_value, header, model_sheet

PEERS = [  # ticker, name as the companies style themselves; the order analysts list them in
    ("CORZ", "Core Scientific"), ("IREN", "IREN"), ("CIFR", "Cipher Mining"), ("WULF", "TeraWulf"),
    ("HUT", "Hut 8"), ("RIOT", "Riot Platforms"), ("MARA", "MARA Holdings"), ("CLSK", "CleanSpark"),
    ("BITF", "Bitfarms"), ("APLD", "Applied Digital"), ("HIVE", "HIVE Digital Technologies"),
]
QUARTERS_SHOWN = 4
TABLE_FIRST = 6  # header row of the reported table (0-based)
NOT_YET = "refresh to fill"
NOT_COVERED = "not in SEC refresh (40-F/6-K): type its quarters into Data_Company"

# (header, number format, what the cell holds): the reported table's columns after ticker, company, quarter
REPORTED = [
    ("revenue (USD)", "usd", "reported.revenue"),
    ("self-mining (USD)", "usd", "revenue.self_mining"),
    ("hosting (USD)", "usd", "revenue.hosted_mining"),
    ("HPC/AI colocation (USD)", "usd", "revenue.colocation"),
    ("AI cloud (USD)", "usd", "revenue.ai_cloud"),
    ("HPC share of revenue", "pct", "share"),
    ("segment gross profit (USD)", "usd", "gross_profit"),
    ("segment gross margin", "pct", "margin"),
    ("SG&A (USD)", "usd", "sga"),
    ("net income (USD)", "usd", "reported.net_income"),
    ("filing", "text", "url"),
]
INPUTS = [  # (header, number format, the Companies sheet's column of inputs in use)
    ("BTC mined, latest period (BTC)", "num0", "cmp_btc_mined_reported"),
    ("period start", "date", "cmp_btc_period_start"),
    ("period end", "date", "cmp_btc_period_end"),
    ("fleet hashrate (EH/s)", "num", "cmp_fleet_hashrate_ehs"),
    ("fleet efficiency (J/TH)", "num", "cmp_efficiency_j_per_th"),
    ("contracted critical IT (MW)", "num0", "cmp_contracted_mw"),
]
DERIVED = [
    ("calendar quarter of the BTC mined", "text"),
    ("self-mining cost of revenue in it (USD)", "usd"),
    ("cash cost per BTC (USD per BTC)", "usd"),
    ("colocation revenue, quarter above (USD)", "usd"),
    ("colocation revenue per contracted MW (USD per MW-year)", "usd"),
]
MARKET = [  # (header, number format, the Coverage sheet's column): what the market pays, valued as Coverage does
    ("share price (USD/share)", "usd2", "cov_share_price"),
    ("price date", "date", "cov_price_date"),
    ("basic shares", "num0", "cov_basic_shares"),
    ("diluted shares at the price", "num0", "cov_diluted_shares"),
    ("net debt (USD)", "usd", "cov_net_debt"),
    ("contracted critical-IT MW", "num0", "cov_contracted_mw"),
    ("EV per contracted IT MW, other parts out (USD per MW)", "usd", "cov_ev_per_mw"),
]


def write_peers(ws, wb: Workbook, styles: Styles) -> None:
    quarters = [q.calendar_quarter for q in company_quarters("CORZ")[-QUARTERS_SHOWN:]]
    ws.set_column(0, 0, 9)
    ws.set_column(1, 1, 24)
    ws.set_column(2, 12, 16)
    ws.set_column(13, 13, 48)  # the filing
    ws.set_column(14, 18, 16)  # the market columns below N: shares, USD and USD per MW in full
    model_sheet(ws, styles, "Peers: the listed miners side by side",
                "Reported figures are looked up in Data_Company (USD; each row's filing in the last column); "
                f"'{NOT_YET}' where Data_Company has none: Refresh with the tickers on Settings fills them. "
                "Inputs below are typed with their source.")
    ws.write_string(3, 0, "Quarter for the inputs block (calendar, e.g. 2025-Q3)", styles.label)
    ws.write_string(3, 2, quarters[-1], styles.get("input", "text"))
    wb.define_name("peers_quarter", f"='{ws.name}'!{xl_range_abs(3, 2, 3, 2)}")
    last = _write_reported(ws, wb, styles, quarters)
    _write_inputs(ws, wb, styles, last + 3)


def _cell(key: str, r: int, missing: str = NOT_YET) -> str:
    """The reported table's formula for ``key`` on 1-based row ``r`` (``missing``: the filing cell without data)."""
    t, q = f"$A{r}", f"$C{r}"
    segments = f"company_ticker,{t},company_quarter,{q},company_key"
    revenue, cost = f'SUMIFS(company_value,{segments},"revenue.*")', f'SUMIFS(company_value,{segments},"cost_of_revenue.*")'
    col = {k: chr(ord("D") + i) for i, (_, _, k) in enumerate(REPORTED)}
    if key == "share":
        hpc = f'IF({col["revenue.colocation"]}{r}="",0,{col["revenue.colocation"]}{r})+' \
              f'IF({col["revenue.ai_cloud"]}{r}="",0,{col["revenue.ai_cloud"]}{r})'
        unknown = f'COUNTIFS({segments},"revenue.*")=0'  # no segment reported: the share is unknown, not 0
        return f'=IF(OR(D{r}="",D{r}=0,{unknown}),"",({hpc})/D{r})'
    if key == "gross_profit":
        return f'=IF(COUNTIFS({segments},"cost_of_revenue.*")=0,"",{revenue}-{cost})'
    if key == "margin":
        return f'=IF(OR({col["gross_profit"]}{r}="",{revenue}=0),"",{col["gross_profit"]}{r}/{revenue})'
    if key == "url":  # one key column: the revenue line's filing, else any line of the quarter (not a capital line)
        return (f'=IFERROR(INDEX(company_url,MATCH({t}&"|"&{q}&"|reported.revenue",company_lookup,0)),'
                f'IFERROR(INDEX(company_url,MATCH({t}&"|"&{q}&"|*",company_lookup,0)),"{missing}"))')
    return "=" + company_value(t, q, f'"{key}"')


def _write_reported(ws, wb: Workbook, styles: Styles, quarters: list[str]) -> int:
    ws.write_string(TABLE_FIRST - 1, 0, "Reported, by company and calendar quarter", styles.header)
    first = TABLE_FIRST + 1
    rows = [(t, name, q) for t, name in PEERS for q in quarters]
    last = first + len(rows) - 1
    columns = [{"header": h} for h in ("ticker", "company", "quarter")] + [{"header": h} for h, _, _ in REPORTED]
    ws.add_table(TABLE_FIRST, 0, last, len(columns) - 1,
                 {"name": "PeerQuarters", "columns": columns, "style": "Table Style Light 9", "autofilter": True})
    for i, (ticker, name, quarter) in enumerate(rows):
        r, rules = first + i, mapping(ticker)
        missing = NOT_YET if rules.covered else NOT_COVERED
        ws.write_string(r, 0, ticker, styles.get("input", "text"))
        ws.write_string(r, 1, name, styles.label)
        ws.write_string(r, 2, quarter, styles.get("input", "text"))
        for c, (_, number, key) in enumerate(REPORTED, start=3):
            formula, fmt = _cell(key, r + 1, missing), styles.get("link", number)
            if formula.startswith("{"):
                ws.write_array_formula(r, c, r, c, formula, fmt)
            else:
                ws.write_formula(r, c, formula, fmt)
    wb.define_name("peers_reported", f"='{ws.name}'!{xl_range_abs(first, 0, last, len(columns) - 1)}")
    return last


def _write_inputs(ws, wb: Workbook, styles: Styles, r: int) -> None:
    ws.write_string(r - 1, 0, "Operations per company (Companies sheet: sourced, with its date), and what xlmodel's "
                    "functions make of them", styles.header)
    titles = ["ticker"] + [h for h, _, _ in INPUTS] + [h for h, _ in DERIVED]
    header(ws, styles, r, titles)
    for i, (ticker, _) in enumerate(PEERS):
        row, n = r + 1 + i, r + 2 + i
        ws.write_string(row, 0, ticker, styles.label)
        for c, (_, number, name) in enumerate(INPUTS, start=1):
            ws.write_formula(row, c, f'=IFERROR(INDEX({name},MATCH($A{n},cmp_ticker,0)),"")', styles.get("link", number))
        btc, start, end, mw = f"B{n}", f"C{n}", f"D{n}", f"G{n}"
        quarter, cost, colo = (chr(ord("A") + 1 + len(INPUTS) + k) + str(n) for k in (0, 1, 3))
        formulas = [  # a cost per BTC needs the cost and the BTC of the same calendar quarter
            f'=IF(OR({start}="",{end}=""),"",IF({end}-{start}<88,"",YEAR({end})&"-Q"&ROUNDUP(MONTH({end})/3,0)))',
            f'=IF({quarter}="","",' + company_value(f"$A{n}", quarter, '"cost_of_revenue.self_mining"') + ")",
            f'=IF(OR({btc}="",{cost}="",N({btc})=0),"",BTC_CASH_COST_PER_BTC({btc},{cost}))',
            "=" + company_value(f"$A{n}", "peers_quarter", '"revenue.colocation"'),
            f'=IF(OR(N({mw})=0,{colo}=""),"",COLO_REVENUE_PER_MW({colo},{mw},4))',
        ]
        for k, (formula, (_, number)) in enumerate(zip(formulas, DERIVED)):
            ws.write_formula(row, 1 + len(INPUTS) + k, formula, styles.get("link" if k in (1, 3) else "formula",
                                                                            number))
    _write_market(ws, styles, r, 1 + len(INPUTS) + len(DERIVED))
    ws.write_string(r + 2 + len(PEERS), 0, "Cash cost per BTC here is self-mining cost of revenue (ex-D&A) per BTC "
                    "mined in the same calendar quarter, TheMinerMag's measure; the Mining sheet builds other measures. "
                    "Colocation revenue per MW divides the quarter's revenue, annualised, by every contracted MW, "
                    "delivered or not. The market columns are the Coverage sheet's: each company's latest close, "
                    "capital lines and instruments, each of its own date; blank where one is missing.", styles.note)


def _write_market(ws, styles: Styles, r: int, first_col: int) -> None:
    """Share price, diluted shares, net debt, contracted IT MW and what the market pays per MW, from Coverage."""
    for c, (title, _, _) in enumerate(MARKET):
        ws.write_string(r, first_col + c, title, styles.header)
    for i in range(len(PEERS)):
        row, n = r + 1 + i, r + 2 + i
        for k, (_, number, name) in enumerate(MARKET):
            fmt = styles.get("key" if k == len(MARKET) - 1 else "link", number)
            ws.write_formula(row, first_col + k, f'=IFERROR(INDEX({name},MATCH($A{n},cov_ticker,0)),"")', fmt)
