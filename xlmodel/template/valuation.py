"""The template's Valuation sheet: the sum of the parts down to value per share, what the market pays per
contracted MW, a discount-rate by BTC-price grid, and the dilutive instruments and HPC contracts of the
covered companies (the Peers sheet reads them too)."""

from __future__ import annotations

import datetime as dt

from xlsxwriter.utility import xl_range_abs, xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook

from xlmodel.data import embedded
from xlmodel.template.layout import (
    Row,
    Styles,
    company_line,
    company_line_source,
    header,
    model_sheet,
    write_rows,
)

TICKER = "CORZ"
VALUATION_DATE = dt.date(2026, 1, 31)
EQUITY_ROWS = "Data_Equities!$A$2:$A$100"  # the latest close of each ticker, one row each (column B: close, C: date)
VALUATION_MD = "xlmodel docs: ../shared/docs/valuation.md"
JPM_NOV_25 = ("https://blockspace.media/insight/jpmorgan-increases-guidance-on-power-capacity-valuation-upgrades-"
              "cifr-and-clsk-to-overweight")
CRWV_OFFER = "https://particle.news/story/coreweave-announces-9-billion-all-stock-takeover-of-core-scientific"
CRWV_VOTE = ("https://ng.investing.com/news/sec-filings/core-scientific-shareholders-reject-merger-with-coreweave-"
             "agreement-terminated-93CH-2179581")
MISSING = "not in Data_Company: type a figure in column B"

PARTS = [("Contracted HPC leases", "val_leases_usd"), ("Uncontracted pipeline", "val_pipeline_usd"),
         ("Mining", "val_mining_usd")]
SOTP_ROWS = len(PARTS) + 5  # the parts, then btc_holdings, net_debt, equity_value, diluted_shares, value_per_share
RATE_STEPS = [-0.03, -0.02, -0.01, 0.0, 0.01, 0.02, 0.03]  # around the discount rate input
PRICE_STEPS = [0.6, 0.8, 1.0, 1.2, 1.4]  # times the BTC price input
SPARE_ROWS = 4  # blank rows in each table for the analyst's own
INSTRUMENT_COLUMNS = [("ticker", "text"), ("instrument", "text"), ("kind", "text"), ("count (shares)", "num0"),
                      ("strike (USD/share)", "usd2"), ("principal (USD)", "usd"), ("conversion price (USD/share)", "usd2"),
                      ("as of", "text"), ("source", "text"), ("note", "text")]
INSTRUMENT_NAMES = {0: "inst_ticker", 3: "inst_count", 4: "inst_strike", 5: "inst_principal", 6: "inst_conversion"}
CONTRACT_COLUMNS = [("ticker", "text"), ("tenant", "text"), ("MW", "num"), ("basis (IT/gross)", "text"),
                    ("term (years)", "num0"), ("total value (USD)", "usd"), ("as of", "text"), ("source", "text"),
                    ("note", "text")]
CONTRACT_NAMES = {0: "contract_ticker", 2: "contract_mw", 3: "contract_basis"}


def _line(label: str, key: str, unit: str, name: str, number: str) -> Row:
    return Row(label, "=" + company_line("val_ticker", f'"{key}"'), unit,
               company_line_source("val_ticker", f'"{key}"', MISSING), name, number, "link")


def _pick(ticker: str, names: str, condition: str = "") -> str:
    """The column ``names`` of the instrument table, on the rows of ``ticker`` only (blank text elsewhere)."""
    return f'IF((inst_ticker={ticker})*({names}<>""){condition},{names},"")'


def diluted_shares(ticker: str, basic: str, price: str) -> str:
    """VAL_DILUTED_SHARES on one company's rows of the instrument table (a formula for an array formula)."""
    picked = ",".join(_pick(ticker, n) for n in ("inst_count", "inst_strike", "inst_principal", "inst_conversion"))
    return f"VAL_DILUTED_SHARES({basic},{price},{picked})"


def converted_principal(ticker: str, price: str) -> str:
    """Principal of the company's notes at or in the money: counted as shares (if-converted), so not as debt
    (a formula for an array formula)."""
    return f"SUMPRODUCT((inst_ticker={ticker})*(inst_conversion>0)*({price}>=inst_conversion)*inst_principal)"


def latest_close(ticker: str) -> str:
    """A ticker's latest close in Data_Equities (column B of its row), empty text when there is none."""
    return f'IFERROR(1*INDEX(Data_Equities!$B$2:$B$100,MATCH({ticker},{EQUITY_ROWS},0)),"")'


def latest_close_date(ticker: str) -> str:
    """The date of that close (column C), as text."""
    return f'IFERROR(INDEX(Data_Equities!$C$2:$C$100,MATCH({ticker},{EQUITY_ROWS},0))&"","")'


def _company_rows() -> list[Row]:
    return [
        Row("Share price", "=" + latest_close("val_ticker"), "USD/share",
            f'=IF(val_share_price="","no close in Data_Equities: type one","close of "&'
            f'{latest_close_date("val_ticker")}&" (Data_Equities; see Sources)")', "val_share_price", "usd2", "link"),
        _line("Basic shares outstanding", "capital.shares_outstanding", "shares", "val_basic_shares", "num0"),
        _line("Cash and equivalents", "capital.cash", "USD", "val_cash", "usd"),
        _line("Debt", "capital.debt", "USD", "val_debt", "usd"),
        _line("Bitcoin held", "capital.btc_held", "BTC", "val_btc_held", "num0"),
        Row("BTC price", "=btc_price_usd", "USD", "Inputs", "val_btc_price", "usd", "link"),
        Row("Notes counted as shares (if-converted)", "{=" + converted_principal("val_ticker", "val_share_price") + "}",
            "USD",
            "Principal of the notes at or in the money at the share price: in the diluted shares, so out of debt",
            "val_converted_usd", "usd", "formula"),
        Row("Net debt", "=val_debt-val_cash-val_converted_usd", "USD", "Debt less cash less notes counted as shares",
            "val_net_debt", "usd", "formula"),
        Row("Diluted shares", "{=" + diluted_shares("val_ticker", "val_basic_shares", "val_share_price") + "}", "shares",
            "VAL_DILUTED_SHARES at the share price on the instrument table below (treasury stock, if-converted)",
            "val_diluted_shares", "num0", "key"),
        Row("Dilution", "=val_diluted_shares/val_basic_shares-1", "fraction", "Diluted over basic",
            "val_dilution", "pct", "formula"),
    ]


def _lease_rows() -> list[Row]:
    return [
        Row("NOI margin", 0.85, "fraction", f"Cipher NOI 80-85%, TeraWulf ~85% on its Fluidstack leases (modified "
            f"gross); {VALUATION_MD} 1.3", "val_noi_margin", "pct", "input"),
        Row("Discount rate", 0.08, "fraction per year", "Canaccord valued IREN's Microsoft contract by DCF at an 8% "
            f"WACC (Nov 2025); {VALUATION_MD} 1.1", "val_discount_rate", "pct", "input"),
        Row("Lease term", 12, "years", "CoreWeave's contracts at Core Scientific: 12 years, two 5-year options "
            "(Business Wire, 18 Nov 2024)", "val_term_years", "num0", "input"),
        Row("Terminal cap rate", 0.065, "fraction per year", "Re-lease value at each term end: JLL Q1-2026 "
            f"colocation cap rates 6-7%; {VALUATION_MD} 1.4", "val_cap_rate", "pct", "input"),
        Row("Build capex still to spend", 0, "USD", "CoreWeave funds most of the build at Core Scientific's sites "
            f"({VALUATION_MD} 1.3); peers state 8-11 M USD per MW", "val_capex_usd", "usd", "input"),
        Row("Contracted HPC leases", "=VAL_LEASE_NPV(colo_rfs_dates,colo_mw_blocks,colo_usd_per_kw_month,"
            "val_noi_margin,val_discount_rate,val_term_years,val_valuation_date,colo_annual_escalator,val_cap_rate,"
            "val_capex_usd)", "USD", "The Inputs RFS schedule and rate: NOI discounted like XNPV from the "
            "valuation date, plus the re-lease value", "val_leases_usd", "usd", "key"),
    ]


def _pipeline_rows() -> list[Row]:
    return [
        Row("Pipeline not yet contracted", 1_000, "MW", f"The ~1 GW of expansion beside 1.3 GW gross power named "
            f"with CoreWeave's 2025 offer; {CRWV_OFFER}", "val_pipeline_mw", "num0", "input"),
        Row("Value of a MW once contracted", 5_000_000, "USD per MW", "Bernstein valued IREN's Sweetwater at "
            f"5 M USD/MW on M&A multiples; {VALUATION_MD} 1.1", "val_pipeline_usd_per_mw", "usd", "input"),
        Row("Probability it is contracted", 0.5, "fraction", "JPMorgan's 50% that miners sign new colocation deals "
            f"(Sep 2025); HCW used 10%, Cantor 75%; {VALUATION_MD} 1.1", "val_pipeline_probability", "pct", "input"),
        Row("Uncontracted pipeline", "=val_pipeline_mw*val_pipeline_usd_per_mw*val_pipeline_probability", "USD",
            "MW x USD per MW x probability", "val_pipeline_usd", "usd", "formula"),
    ]


def _mining_rows() -> list[Row]:
    return [
        Row("Mining horizon", 4, "years", "Through the 2028 halving (block 1,050,000) and a year past it",
            "val_mining_years", "num0", "input"),
        Row("BTC price growth", 0.0, "fraction per year", "Flat: the scenario sheet shows the spread",
            "val_btc_price_growth", "pct", "input"),
        Row("Network hashrate growth", 0.4, "fraction per year", "CoinShares: 1.28 ZH/s end-2025 to 2.0 ZH/s early "
            f"2027; Hashlabs +63.6% in 2026; {VALUATION_MD} 3.2", "val_network_growth", "pct", "input"),
        Row("Other mining cash cost", 0, "USD/year", "Paid whether the fleet runs or not", "val_mining_other_usd",
            "usd", "input"),
        Row("Mining", "=VAL_MINING_NPV(fleet_hashrate_ehs,efficiency_j_per_th,power_usd_per_mwh,btc_price_usd,"
            "network_hashrate_ehs,val_mining_years,val_discount_rate,val_btc_price_growth,val_network_growth,"
            "fees_btc_per_block,block_height,val_mining_other_usd,TRUE,pool_fee)", "USD",
            "The Inputs fleet, month by month across the halving, switched off when the margin is negative",
            "val_mining_usd", "usd", "key"),
    ]


def write_valuation(ws, wb: Workbook, styles: Styles) -> None:
    ws.set_column(0, 0, 40)
    ws.set_column(1, 1, 18)
    ws.set_column(2, 2, 16)
    ws.set_column(3, 3, 90)
    ws.set_column(4, 9, 16)
    model_sheet(ws, styles, "Valuation: the sum of the parts, and what the market pays per contracted MW",
                "Capital structure from Data_Company and the share price from Data_Equities for the ticker below "
                "(type a number over any green cell to override it); leases from the Inputs RFS schedule, mining "
                "from the Inputs fleet. USD throughout.")
    r = _section(ws, wb, styles, 3, "Company", [
        Row("Ticker", TICKER, "", "Any covered ticker: the lines below follow it (the lease schedule and fleet "
            "are Inputs')", "val_ticker", "text", "input"),
        Row("Valuation date", VALUATION_DATE, "date", "The day values are measured at: lease NOI before it does "
            "not count", "val_valuation_date", "date", "input")])
    r = _section(ws, wb, styles, r, "Market and capital structure", _company_rows())
    r = _section(ws, wb, styles, r, "Contracted HPC leases (VAL_LEASE_NPV)", _lease_rows())
    r = _section(ws, wb, styles, r, "Uncontracted pipeline", _pipeline_rows())
    r = _section(ws, wb, styles, r, "Mining (VAL_MINING_NPV)", _mining_rows())
    r = _write_sotp(ws, wb, styles, r)
    r = _write_market(ws, wb, styles, r)
    r = _write_sensitivity(ws, wb, styles, r)
    r = _write_table(ws, wb, styles, r, "Dilutive instruments of the covered companies (inputs with their source; "
                     "a row whose count or strike was not found is listed, not counted)",
                     INSTRUMENT_COLUMNS, INSTRUMENT_NAMES, _instrument_rows())
    _write_table(ws, wb, styles, r, "Signed HPC leases of the covered companies (MW on the basis the lease quotes)",
                 CONTRACT_COLUMNS, CONTRACT_NAMES, _contract_rows())


def _section(ws, wb: Workbook, styles: Styles, r: int, title: str, rows: list[Row]) -> int:
    header(ws, styles, r, [title, "value", "unit", "source / note"])
    write_rows(ws, wb, styles, r + 1, rows)
    return r + len(rows) + 2


def _write_sotp(ws, wb: Workbook, styles: Styles, r: int) -> int:
    header(ws, styles, r, ["Sum of the parts: part", "value (USD)", "", "VAL_SOTP", "value"])
    first, last = r + 1, r + len(PARTS)
    for i, (label, name) in enumerate(PARTS):
        ws.write_string(first + i, 0, label, styles.label)
        ws.write_formula(first + i, 1, f"={name}", styles.get("formula", "usd"))
    names, values = xl_range_abs(first, 0, last, 0), xl_range_abs(first, 1, last, 1)
    out_last = first + SOTP_ROWS - 1
    for i in range(SOTP_ROWS):  # per-share and share rows get their own formats
        ws.write_blank(first + i, 4, None, styles.get("key" if i == SOTP_ROWS - 1 else "formula",
                                                      "usd2" if i == SOTP_ROWS - 1 else "usd"))
    ws.write_array_formula(first, 3, out_last, 4, f"{{=VAL_SOTP({names},{values},val_net_debt,val_diluted_shares,"
                           "val_btc_held,val_btc_price)}", styles.label)
    wb.define_name("val_value_per_share", f"='{ws.name}'!{xl_range_abs(out_last, 4, out_last, 4)}")
    wb.define_name("val_equity_usd", f"='{ws.name}'!{xl_range_abs(out_last - 2, 4, out_last - 2, 4)}")
    upside = [Row("Value per share against the share price", "=val_value_per_share/val_share_price-1", "fraction",
                  "Diluted at the market price, as the market sees the instruments today", "val_upside", "pct",
                  "key")]
    write_rows(ws, wb, styles, out_last + 1, upside)
    return out_last + 3


def _write_market(ws, wb: Workbook, styles: Styles, r: int) -> int:
    rows = [
        Row("Contracted HPC, critical IT", '=SUMIFS(contract_mw,contract_ticker,val_ticker,contract_basis,"IT")', "MW",
            "Signed leases on critical-IT basis in the table below (gross-MW leases are not comparable)",
            "val_contracted_mw", "num0", "formula"),
        Row("Other values taken out", "=val_pipeline_usd+val_mining_usd+N(val_btc_held)*val_btc_price", "USD",
            "Pipeline, mining and bitcoin held, valued above", "val_other_values_usd", "usd", "formula"),
        Row("Enterprise value per contracted MW", "=VAL_IMPLIED_USD_PER_MW(val_share_price,val_diluted_shares,"
            "val_net_debt,val_other_values_usd,val_contracted_mw)", "USD per MW",
            "(price x diluted shares + net debt - other values) / MW", "val_implied_usd_per_mw", "usd", "key"),
        Row("JPMorgan, Nov 2025: colocation, low", 8_000_000, "USD per MW",
            f"Equity value per critical-IT MW, raised from 4-9 M; cloud up to 19 M; {JPM_NOV_25}",
            "ref_jpm_low_usd_per_mw", "usd", "input"),
        Row("JPMorgan, Nov 2025: colocation, high", 17_000_000, "USD per MW", "As above", "ref_jpm_high_usd_per_mw",
            "usd", "input"),
        Row("CoreWeave's 2025 all-stock offer for Core Scientific", 6_900_000, "USD per MW",
            f"~9 B USD fully diluted equity / 1.3 GW gross power (calc, per gross MW); {CRWV_OFFER}; shareholders "
            f"rejected it on 30 Oct 2025: {CRWV_VOTE}", "ref_crwv_usd_per_gross_mw", "usd", "input"),
    ]
    return _section(ws, wb, styles, r, "What the market pays per contracted MW", rows)


def _write_sensitivity(ws, wb: Workbook, styles: Styles, r: int) -> int:
    ws.write_string(r, 0, "Value per share (USD/share): discount rate down, BTC price across, around the inputs "
                    "above (one array formula)", styles.header)
    top = r + 1
    ws.write_string(top, 0, "discount rate \\ BTC price (USD)", styles.label)
    for j, step in enumerate(PRICE_STEPS):
        ws.write_formula(top, 1 + j, f"=btc_price_usd*{step}", styles.get("formula", "usd"))
    for i, step in enumerate(RATE_STEPS):
        ws.write_formula(top + 1 + i, 0, f"=val_discount_rate{step:+g}" if step else "=val_discount_rate",
                         styles.get("formula", "pct"))
    rates = xl_range_abs(top + 1, 0, top + len(RATE_STEPS), 0)
    prices = xl_range_abs(top, 1, top, len(PRICE_STEPS))
    lease = (f"VAL_LEASE_NPV(colo_rfs_dates,colo_mw_blocks,colo_usd_per_kw_month,val_noi_margin,{rates},val_term_years,"
             "val_valuation_date,colo_annual_escalator,val_cap_rate,val_capex_usd)")
    mining = (f"VAL_MINING_NPV(fleet_hashrate_ehs,efficiency_j_per_th,power_usd_per_mwh,{prices},network_hashrate_ehs,"
              f"val_mining_years,{rates},val_btc_price_growth,val_network_growth,fees_btc_per_block,block_height,"
              "val_mining_other_usd,TRUE,pool_fee)")
    grid = (top + 1, 1, top + len(RATE_STEPS), len(PRICE_STEPS))
    ws.write_array_formula(*grid, f"{{=({lease}+val_pipeline_usd+{mining}+N(val_btc_held)*{prices}-val_net_debt)"
                           "/val_diluted_shares}", styles.get("formula", "usd2"))
    wb.define_name("val_sensitivity", f"='{ws.name}'!{xl_range_abs(*grid)}")
    centre = xl_rowcol_to_cell(top + 1 + RATE_STEPS.index(0.0), 1 + PRICE_STEPS.index(1.0))
    ws.write_string(grid[2] + 1, 0, f"The centre ({centre}) is the value per share above: the same parts at the "
                    "inputs' discount rate and BTC price.", styles.note)
    return grid[2] + 3


def _instrument_rows() -> list[list]:
    return [[i.ticker, i.name, i.kind, i.count, i.strike_usd, i.principal_usd, i.conversion_price_usd, i.as_of,
             f"{i.url} ({i.quote_type}: {i.document})", i.note]
            for ticker in embedded.tickers() for i in embedded.instruments(ticker)]


def _contract_rows() -> list[list]:
    return [[c.ticker, c.tenant, c.mw, c.basis, c.term_years, c.total_value_usd, c.as_of,
             f"{c.url} ({c.quote_type}: {c.document})", c.note]
            for ticker in embedded.tickers() for c in embedded.contracts(ticker)]


def _write_table(ws, wb: Workbook, styles: Styles, r: int, title: str, columns: list[tuple[str, str]],
                 names: dict[int, str], rows: list[list]) -> int:
    ws.write_string(r, 0, title, styles.header)
    header(ws, styles, r + 1, [h for h, _ in columns])
    first = r + 2
    for i in range(len(rows) + SPARE_ROWS):
        row = rows[i] if i < len(rows) else [None] * len(columns)
        for c, ((_, number), value) in enumerate(zip(columns, row)):
            fmt = styles.get("input", number) if c < len(columns) - 3 else styles.note
            if value is None or value == "":
                ws.write_blank(first + i, c, None, fmt)
            elif isinstance(value, str):
                ws.write_string(first + i, c, value, fmt)
            else:
                ws.write_number(first + i, c, value, fmt)
    last = first + len(rows) + SPARE_ROWS - 1
    for c, name in names.items():
        wb.define_name(name, f"='{ws.name}'!{xl_range_abs(first, c, last, c)}")
    return last + 2
