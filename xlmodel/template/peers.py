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

from xlmodel.data.capital import LINES as CAPITAL_LINES
from xlmodel.data.embedded import company_quarters
from xlmodel.data.segments import mapping
from xlmodel.template.colocation import PEER_CONTRACTS
from xlmodel.template.layout import Styles, company_line, company_value, header, model_sheet
from xlmodel.template.valuation import converted_principal, diluted_shares, latest_close, latest_close_date

PEERS = [  # ticker, name as the companies style themselves; the order analysts list them in
    ("CORZ", "Core Scientific"), ("IREN", "IREN"), ("CIFR", "Cipher Mining"), ("WULF", "TeraWulf"),
    ("HUT", "Hut 8"), ("RIOT", "Riot Platforms"), ("MARA", "MARA Holdings"), ("CLSK", "CleanSpark"),
    ("BITF", "Bitfarms"), ("APLD", "Applied Digital"), ("HIVE", "HIVE Digital Technologies"),
]
OPERATOR_TICKER = {"Core Scientific": "CORZ", "Applied Digital": "APLD", "TeraWulf": "WULF",
                   "Cipher Mining": "CIFR", "Hut 8": "HUT"}
QUARTERS_SHOWN = 4
TABLE_FIRST = 6  # header row of the reported table (0-based)
NOT_YET = "refresh to fill"
# a reported row, not a capital-structure line (spelled out: formualizer 0.13 does not lift LEFT over an array)
NOT_CAPITAL = "*".join(f'(company_key<>"{key}")' for key in CAPITAL_LINES)
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
INPUTS = [  # (header, number format, unit)
    ("BTC mined in the quarter", "num0", "BTC"),
    ("fleet hashrate", "num", "EH/s"),
    ("fleet efficiency", "num", "J/TH"),
    ("contracted critical IT", "num0", "MW"),
    ("total contract value", "usd", "USD"),
    ("term", "num0", "years"),
]
DERIVED = [
    ("self-mining cost of revenue (USD)", "usd"),
    ("colocation revenue (USD)", "usd"),
    ("cash cost per BTC (USD per BTC)", "usd"),
    ("colocation revenue per contracted MW (USD per MW-year)", "usd"),
    ("contract value per MW-year (USD per MW-year)", "usd"),
]
MARKET = [  # (header, number format): what the market pays, from Data_Equities, Data_Company and the Valuation sheet
    ("share price (USD/share)", "usd2"),
    ("price date", "text"),
    ("basic shares", "num0"),
    ("diluted shares (VAL_DILUTED_SHARES)", "num0"),
    ("net debt (USD)", "usd"),
    ("signed critical-IT MW (Valuation's lease table)", "num0"),
    ("EV per signed IT MW, bitcoin held taken out (USD per MW)", "usd"),
]


def write_peers(ws, wb: Workbook, styles: Styles) -> None:
    quarters = [q.calendar_quarter for q in company_quarters("CORZ")[-QUARTERS_SHOWN:]]
    ws.set_column(0, 0, 9)
    ws.set_column(1, 1, 24)
    ws.set_column(2, 12, 16)
    ws.set_column(13, 13, 48)  # the filing
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
    if key == "url":  # a one-cell array formula: MATCH over a product of conditions in every Excel
        rows = f"(company_ticker={t})*(company_quarter={q})*{NOT_CAPITAL}"
        return (f'{{=IFERROR(INDEX(company_url,MATCH(1,{rows}*(company_key="reported.revenue"),0)),'
                f'IFERROR(INDEX(company_url,MATCH(1,{rows},0)),"{missing}"))}}')
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


def _contracts() -> dict[str, tuple]:
    """The IT-basis contracts on Inputs by operator ticker (gross-MW deals are not comparable)."""
    return {OPERATOR_TICKER[op]: (mw, years, value, source)
            for op, _, mw, basis, years, value, source in PEER_CONTRACTS if basis == "IT"}


def _write_inputs(ws, wb: Workbook, styles: Styles, r: int) -> None:
    ws.write_string(r - 1, 0, "Inputs per company for the quarter above (typed, with a source), and what "
                    "xlmodel's functions make of them", styles.header)
    titles = ["ticker"] + [f"{h} ({u})" for h, _, u in INPUTS] + ["source"] + [h for h, _ in DERIVED]
    header(ws, styles, r, titles)
    contracts = _contracts()
    source_col = 1 + len(INPUTS)
    for i, (ticker, _) in enumerate(PEERS):
        row, n = r + 1 + i, r + 2 + i
        ws.write_string(row, 0, ticker, styles.label)
        mw, years, value, source = contracts.get(ticker, (None, None, None, ""))
        typed = [None, None, None, mw, value, years]
        for c, ((_, number, _), v) in enumerate(zip(INPUTS, typed), start=1):
            if v is None:
                ws.write_blank(row, c, None, styles.get("input", number))
            else:
                ws.write_number(row, c, v, styles.get("input", number))
        ws.write_string(row, source_col, source or "type BTC mined, fleet and contracts from the company's "
                        "releases, with the URL", styles.get("input", "text"))
        b, e, f, g = (f"{chr(ord('B') + k)}{n}" for k in (0, 3, 4, 5))
        cost, colo = (chr(ord("A") + source_col + k) + str(n) for k in (1, 2))
        formulas = [
            "=" + company_value(f"$A{n}", "peers_quarter", '"cost_of_revenue.self_mining"'),
            "=" + company_value(f"$A{n}", "peers_quarter", '"revenue.colocation"'),
            f'=IF(OR({b}="",{cost}=""),"",BTC_CASH_COST_PER_BTC({b},{cost}))',
            f'=IF(OR({e}="",{colo}=""),"",COLO_REVENUE_PER_MW({colo},{e},4))',
            f'=IF(OR({e}="",{f}="",{g}=""),"",COLO_CONTRACT_REVENUE_PER_MW({f},{g},{e}))',
        ]
        for k, (formula, (_, number)) in enumerate(zip(formulas, DERIVED)):
            ws.write_formula(row, source_col + 1 + k, formula, styles.get("link" if k < 2 else "formula", number))
    _write_market(ws, styles, r, source_col + 1 + len(DERIVED))
    ws.write_string(r + 2 + len(PEERS), 0, "Cash cost per BTC here is self-mining cost of revenue (ex-D&A) per BTC "
                    "mined, TheMinerMag's measure; the Mining sheet builds other measures from cost lines. The market "
                    "columns use each company's latest close, capital lines and instruments, each of its own date "
                    "(Data_Equities, Data_Company, the Valuation sheet's tables): blank where one is missing.",
                    styles.note)


def _write_market(ws, styles: Styles, r: int, first_col: int) -> None:
    """Share price, diluted shares, net debt, signed IT MW and what the market pays per MW, per company."""
    for c, (title, _) in enumerate(MARKET):
        ws.write_string(r, first_col + c, title, styles.header)
    for i in range(len(PEERS)):
        row, n = r + 1 + i, r + 2 + i
        cells = [f"{chr(ord('A') + first_col + k)}{n}" for k in range(len(MARKET))]
        for k, (formula, (_, number)) in enumerate(zip(_market_formulas(f"$A{n}", cells), MARKET)):
            fmt = styles.get("key" if k == len(MARKET) - 1 else "link", number)
            if formula.startswith("{"):
                ws.write_array_formula(row, first_col + k, row, first_col + k, formula, fmt)
            else:
                ws.write_formula(row, first_col + k, formula, fmt)


def _market_formulas(t: str, cells: list[str]) -> list[str]:
    """The MARKET columns' formulas for the company in cell ``t``, the columns' own cells in ``cells``."""
    price, _, basic, diluted, net_debt, mw, _ = cells
    debt, cash = company_line(t, '"capital.debt"'), company_line(t, '"capital.cash"')
    signed = f'SUMIFS(contract_mw,contract_ticker,{t},contract_basis,"IT")'
    btc = company_line(t, '"capital.btc_held"')
    return [
        "=" + latest_close(t),
        "=" + latest_close_date(t),
        "=" + company_line(t, '"capital.shares_outstanding"'),
        f'{{=IF(OR({price}="",{basic}=""),"",{diluted_shares(t, basic, price)})}}',
        f'{{=IF(OR({price}="",{debt}="",{cash}=""),"",{debt}-{cash}-{converted_principal(t, price)})}}',
        f'=IF({signed}=0,"",{signed})',
        (f'=IF(OR({diluted}="",{net_debt}="",{mw}=""),"",'
         f"VAL_IMPLIED_USD_PER_MW({price},{diluted},{net_debt},N({btc})*btc_price_usd,{mw}))"),
    ]
