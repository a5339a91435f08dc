"""The template's Valuation sheet: the sum of the parts of the model ticker down to value per share (diluted
at the market price and at the model's own value), what the market pays per contracted critical-IT MW, a
discount-rate by BTC-price grid, and the dilutive instruments of the covered companies (the Coverage sheet
reads them too).

Every company figure comes from the Inputs sheet, which takes it from the company's own sourced records; a
part whose inputs are missing is left empty with the reason beside it, never computed from another
company's figures.
"""

from __future__ import annotations

from xlsxwriter.utility import xl_range_abs, xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook

from xlmodel.data import embedded
from xlmodel.template.inputs import ROW
from xlmodel.template.layout import Row, Styles, array_formula, header, model_sheet, write_rows

VALUATION_MD = "xlmodel docs: ../shared/docs/valuation.md"
JPM_NOV_25 = ("https://blockspace.media/insight/jpmorgan-increases-guidance-on-power-capacity-valuation-upgrades-"
              "cifr-and-clsk-to-overweight")
CRWV_OFFER = "https://particle.news/story/coreweave-announces-9-billion-all-stock-takeover-of-core-scientific"
CRWV_VOTE = ("https://ng.investing.com/news/sec-filings/core-scientific-shareholders-reject-merger-with-coreweave-"
             "agreement-terminated-93CH-2179581")
BERNSTEIN = "https://www.edgen.tech/news/crypto/bernstein-raises-iris-energy-price-target-to-75-amid-ai-cloud-business-expansion"

PARTS = [("Contracted HPC leases", "val_leases_usd"), ("Uncontracted pipeline", "val_pipeline_usd"),
         ("Mining", "val_mining_usd"), ("Corporate costs", "val_corporate_usd")]
SOTP_ROWS = len(PARTS) + 5  # the parts, then btc_holdings, net_debt, equity_value, diluted_shares, value_per_share
RATE_STEPS = [-0.03, -0.02, -0.01, 0.0, 0.01, 0.02, 0.03]  # around the discount rate input
PRICE_STEPS = [0.6, 0.8, 1.0, 1.2, 1.4]  # times the BTC price input
SPARE_ROWS = 4  # blank rows in the instrument table for the analyst's own
INSTRUMENT_COLUMNS = [("ticker", "text"), ("instrument", "text"), ("kind", "text"), ("count (shares)", "num0"),
                      ("strike (USD/share)", "usd2"), ("principal (USD)", "usd"), ("conversion price (USD/share)", "usd2"),
                      ("as of", "text"), ("source", "text"), ("note", "text")]
INSTRUMENT_NAMES = {0: "inst_ticker", 3: "inst_count", 4: "inst_strike", 5: "inst_principal", 6: "inst_conversion"}
MISSING = {"capital": "val_capital_missing", "leases": "val_leases_missing", "mining": "val_mining_missing",
           "corporate": "val_corporate_missing"}


def _pick(ticker: str, names: str, pair: tuple[str, str]) -> str:
    """The column ``names`` of the instrument table on the rows of ``ticker`` whose pair (count and strike, or
    principal and conversion price) is complete; blank text elsewhere: a row with a gap is listed, not counted."""
    return f'IF((inst_ticker={ticker})*({pair[0]}<>"")*({pair[1]}<>""),{names},"")'


def instruments(ticker: str) -> str:
    """The four instrument arguments of VAL_DILUTED_SHARES / VAL_VALUE_PER_SHARE for one company's rows."""
    tranche, note = ("inst_count", "inst_strike"), ("inst_principal", "inst_conversion")
    return ",".join(_pick(ticker, n, pair) for n, pair in (("inst_count", tranche), ("inst_strike", tranche),
                                                           ("inst_principal", note), ("inst_conversion", note)))


def diluted_shares(ticker: str, basic: str, price: str) -> str:
    """VAL_DILUTED_SHARES on one company's rows of the instrument table (a formula for an array formula)."""
    return f"VAL_DILUTED_SHARES({basic},{price},{instruments(ticker)})"


def value_per_share(ticker: str, equity: str, basic: str) -> str:
    """VAL_VALUE_PER_SHARE on one company's rows: dilution at the model's own value (for an array formula)."""
    return f"VAL_VALUE_PER_SHARE({equity},{basic},{instruments(ticker)})"


def converted_principal(ticker: str, price: str) -> str:
    """Principal of the company's notes at or in the money: counted as shares (if-converted), so not as debt
    (a formula for an array formula)."""
    return f"SUMPRODUCT((inst_ticker={ticker})*(inst_conversion>0)*({price}>=inst_conversion)*inst_principal)"


def needs(parts: list[str], formula: str) -> str:
    """``formula`` (no '='), or empty text while one of the ``parts`` lacks an input (their messages say which)."""
    test = "&".join(MISSING[p] for p in parts)
    return f'IF({test}<>"","",{formula})'


def _source(name: str) -> str:
    """The Inputs sheet's source cell of an input, as a formula."""
    return f"=Inputs!H{ROW[name] + 1}"


def given(names: list[str], formula: str) -> str:
    """``formula`` (no '='), or empty text while one of the cells ``names`` is empty."""
    test = ",".join(f'{n}=""' for n in names)
    return f'IF(OR({test}),"",{formula})'


def _missing_rows() -> list[Row]:
    label = {"capital": "Capital structure and share price", "leases": "Contracted leases", "mining": "Mining",
             "corporate": "Corporate costs"}
    return [Row(label[part], f'=IF(_model_row="",model_missing,INDEX(cmp_{part}_missing,_model_row))', "",
                f'=IF({name}="","complete","left empty until typed on Inputs")', name, "text", "formula")
            for part, name in MISSING.items()]


def _company_rows() -> list[Row]:
    return [
        Row("Ticker", "=model_ticker", "", "Inputs!B5 drives the whole book", "val_ticker", "text", "link"),
        Row("Valuation date", "=val_valuation_date", "date", "Inputs: the share price's date unless overridden",
            None, "date", "link"),
        Row("Share price", "=val_share_price", "USD/share", _source("val_share_price"), None, "usd2", "link"),
        Row("Basic shares outstanding", "=val_basic_shares", "shares", _source("val_basic_shares"), None, "num0", "link"),
        Row("Cash and equivalents", "=val_cash", "USD", _source("val_cash"), None, "usd", "link"),
        Row("Debt", "=val_debt", "USD", _source("val_debt"), None, "usd", "link"),
        Row("Bitcoin held", "=val_btc_held", "BTC", _source("val_btc_held"), None, "num0", "link"),
        Row("BTC price", "=btc_price_usd", "USD", "Inputs (Data_Prices)", "val_btc_price", "usd", "link"),
        Row("Notes counted as shares (if-converted)", "{=" + given(["val_share_price"], converted_principal(
            "val_ticker", "val_share_price")) + "}", "USD",
            "Principal of the notes at or in the money at the share price: in the diluted shares, so out of debt",
            "val_converted_usd", "usd", "formula"),
        Row("Net debt", "=" + given(["val_debt", "val_cash", "val_converted_usd"], "val_debt-val_cash-val_converted_usd"),
            "USD",
            "Debt less cash less the notes counted as shares", "val_net_debt", "usd", "formula"),
        Row("Net debt, every note counted as debt", "=" + given(["val_debt", "val_cash"], "val_debt-val_cash"), "USD",
            "For dilution at the model's own value: the notes that convert there leave debt",
            "val_net_debt_notes_as_debt", "usd", "formula"),
        Row("Diluted shares at the share price", "{=" + given(["val_basic_shares", "val_share_price"], diluted_shares(
            "val_ticker", "val_basic_shares", "val_share_price")) + "}", "shares",
            "VAL_DILUTED_SHARES on the instrument table below (treasury stock, if-converted)", "val_diluted_shares",
            "num0", "key"),
        Row("Dilution at the share price", "=" + given(["val_diluted_shares"], "val_diluted_shares/val_basic_shares-1"),
            "fraction", "Diluted over basic", "val_dilution", "pct", "formula"),
    ]


def _lease_rows() -> list[Row]:
    lease = ("VAL_LEASE_NPV(colo_rfs_dates,colo_mw_blocks,colo_rate_blocks,val_noi_margin,val_discount_rate,"
             "colo_term_blocks,val_valuation_date,colo_escalator_blocks,val_cap_rate,val_capex_usd)")
    return [
        Row("NOI margin", 0.85, "fraction", f"Cipher NOI 80-85%, TeraWulf ~85% on its Fluidstack leases (modified "
            f"gross); {VALUATION_MD} 1.3", "val_noi_margin", "pct", "input"),
        Row("Discount rate", 0.08, "fraction per year", "Canaccord valued IREN's Microsoft contract by DCF at an 8% "
            f"WACC (Nov 2025); {VALUATION_MD} 1.1", "val_discount_rate", "pct", "input"),
        Row("Terminal cap rate", 0.065, "fraction per year", "Re-lease value at each term end: JLL Q1-2026 "
            f"colocation cap rates 6-7%; {VALUATION_MD} 1.4", "val_cap_rate", "pct", "input"),
        Row("Contracted critical-IT MW", "=SUM(colo_mw_blocks)", "MW", "The company's lease blocks on Inputs, "
            "on critical IT, times its ownership: the one contracted-MW figure every sheet uses", "val_contracted_mw",
            "num0", "key"),
        Row("Not yet delivered", '=IFERROR(INDEX(cmp_unbuilt_mw,_model_row),"")', "MW",
            "Blocks whose RFS date is after the valuation date", "val_unbuilt_mw", "num0", "link"),
        Row("Build capex per critical-IT MW", '=IFERROR(INDEX(cmp_capex_usd_per_mw,_model_row),"")', "USD per MW",
            '=IFERROR(IF(INDEX(capex_tenant_funded,MATCH(model_ticker,capex_ticker,0))="yes","The tenant funds the '
            'build: nothing left to spend (Companies sheet)",IF(INDEX(capex_usd_per_mw,MATCH(model_ticker,capex_ticker,'
            '0))="","No company figure: the Inputs default (CBRE average)","The company\'s stated cost (Companies '
            'sheet)")),"")', "val_capex_usd_per_mw", "usd", "link"),
        Row("Build capex still to spend", '=IF(OR(val_unbuilt_mw="",val_capex_usd_per_mw=""),"",val_unbuilt_mw*'
            'val_capex_usd_per_mw)', "USD", "MW not yet delivered x USD per MW, subtracted from the lease value",
            "val_capex_usd", "usd", "formula"),
        Row("Contracted HPC leases", "=" + needs(["leases", "capital"], f"IF(COUNT(colo_rfs_dates)=0,0,{lease})"),
            "USD", '=IF(val_leases_missing<>"","waits for the lease inputs above",IF(COUNT(colo_rfs_dates)=0,"No '
            'signed colocation lease: worth 0","VAL_LEASE_NPV: NOI of each block to its term end, discounted like XNPV '
            'from the valuation date, plus the re-lease value, less capex still to spend"))&IFERROR(IF(INDEX('
            'cmp_leases_unquantified,_model_row)>0,"; "&INDEX(cmp_leases_unquantified,_model_row)&" lease(s) listed but '
            'not valued: no MW, rate or value disclosed",""),"")', "val_leases_usd", "usd", "key"),
    ]


def _pipeline_rows() -> list[Row]:
    return [
        Row("Pipeline not yet contracted", '=IFERROR(INDEX(cmp_pipeline_mw,_model_row),"")', "MW",
            "The company's uncontracted sites, gross MW (Companies sheet)", "val_pipeline_mw", "num0", "link"),
        Row("Value of a MW once contracted", 5_000_000, "USD per gross MW", "Bernstein valued IREN's Sweetwater at "
            f"5 M USD/MW on M&A multiples; {BERNSTEIN}", "val_pipeline_usd_per_mw", "usd", "input"),
        Row("Probability a site is contracted", 0.5, "fraction", "JPMorgan's 50% that miners sign new colocation deals "
            f"(Sep 2025); HCW used 10%, Cantor 75%; a site's own probability on Companies wins; {VALUATION_MD} 1.1",
            "val_pipeline_probability", "pct", "input"),
        Row("Probability-weighted MW", '=IFERROR(INDEX(cmp_pipeline_expected_mw,_model_row),"")', "MW",
            "Each site's MW times its probability", "val_pipeline_expected_mw", "num0", "link"),
        Row("Uncontracted pipeline", '=IF(val_pipeline_expected_mw="","",val_pipeline_expected_mw*'
            'val_pipeline_usd_per_mw)', "USD", "Probability-weighted MW x USD per MW", "val_pipeline_usd", "usd",
            "formula"),
    ]


def _mining_rows() -> list[Row]:
    mining = ("VAL_MINING_NPV(fleet_hashrate_ehs,efficiency_j_per_th,power_usd_per_mwh,btc_price_usd,"
              "network_hashrate_ehs,val_mining_years,val_discount_rate,val_btc_price_growth,val_network_growth,"
              "fees_btc_per_block,block_height,val_mining_other_usd,TRUE,pool_fee)")
    return [
        Row("Mining horizon", 4, "years", "Through the 2028 halving (block 1,050,000) and a year past it",
            "val_mining_years", "num0", "input"),
        Row("BTC price growth", 0.0, "fraction per year", "Flat at the BTC price above, which is a single point: "
            "the Scenarios sheet shows the spread (its median falls below a flat price as volatility drags)",
            "val_btc_price_growth", "pct", "input"),
        Row("Network hashrate growth", "=scn_network_growth", "fraction per year", "The Scenarios sheet's (typed, "
            "or fitted to the refreshed history)", "val_network_growth", "pct", "link"),
        Row("Other mining cash cost", 0, "USD/year", "Paid whether the fleet runs or not", "val_mining_other_usd",
            "usd", "input"),
        Row("Mining", "=" + needs(["mining"], f"IF(fleet_hashrate_ehs=0,0,{mining})"), "USD",
            '=IF(val_mining_missing<>"","waits for the fleet inputs above",IF(fleet_hashrate_ehs=0,"The company does '
            'not mine: 0","The company\'s fleet, month by month across the halving, switched off when the margin '
            'is negative"))', "val_mining_usd", "usd", "key"),
    ]


def corporate_end(lease_end: str, valuation_date: str) -> str:
    """The horizon of corporate costs: the last lease term end, or the mining horizon without a lease."""
    return f'IF({lease_end}="",EDATE({valuation_date},12*val_mining_years),{lease_end})'


def corporate_npv(cost: str, rates: str, valuation_date: str, lease_end: str) -> str:
    """Corporate costs as a negative part: VAL_COST_NPV to the leases' horizon, with their re-lease perpetuity."""
    cap = f'IF({lease_end}="","",val_cap_rate)'
    return f"-VAL_COST_NPV({cost},{rates},{valuation_date},{corporate_end(lease_end, valuation_date)},{cap})"


def _corporate_rows() -> list[Row]:
    return [
        Row("Cash SG&A per year", "=cash_sga_usd_per_year", "USD/year", _source("cash_sga_usd_per_year"), None, "usd", "link"),
        Row("Last lease term end", '=IFERROR(INDEX(cmp_lease_end,_model_row),"")', "date",
            "Corporate costs run as long as the leases; without a lease, over the mining horizon", "val_lease_end",
            "date", "link"),
        Row("Corporate costs", "=" + needs(["corporate", "capital"], corporate_npv(
            "cash_sga_usd_per_year", "val_discount_rate", "val_valuation_date", "val_lease_end")), "USD",
            "Cash SG&A paid day by day to the last lease term end, discounted at the lease discount rate, plus a "
            "perpetuity at the terminal cap rate as the leases' re-lease value has (VAL_COST_NPV)",
            "val_corporate_usd", "usd", "key"),
    ]


def write_valuation(ws, wb: Workbook, styles: Styles, distribution=None) -> None:
    """The sheet; ``distribution(ws, wb, styles, row)`` writes the value-as-a-distribution block below the grid
    and returns the next free row."""
    ws.set_column(0, 0, 42)
    ws.set_column(1, 1, 18)
    ws.set_column(2, 2, 16)
    ws.set_column(3, 3, 90)
    ws.set_column(4, 9, 16)
    model_sheet(ws, styles, "Valuation: the sum of the parts, and what the market pays per contracted MW",
                "For the ticker on Inputs (B5): its capital structure, share price, leases, pipeline and fleet "
                "from its own sourced records, each with its date and source on Inputs. USD throughout; a part "
                "whose inputs are missing stays empty and says why.")
    r = _section(ws, wb, styles, 3, "What is missing, by part", _missing_rows())
    r = _section(ws, wb, styles, r, "Market and capital structure", _company_rows())
    r = _section(ws, wb, styles, r, "Contracted HPC leases (VAL_LEASE_NPV)", _lease_rows())
    r = _section(ws, wb, styles, r, "Uncontracted pipeline", _pipeline_rows())
    r = _section(ws, wb, styles, r, "Mining (VAL_MINING_NPV)", _mining_rows())
    r = _section(ws, wb, styles, r, "Corporate costs (VAL_COST_NPV)", _corporate_rows())
    r = _write_sotp(ws, wb, styles, r)
    r = _write_market(ws, wb, styles, r)
    r = _write_sensitivity(ws, wb, styles, r)
    if distribution is not None:
        r = distribution(ws, wb, styles, r)
    _write_table(ws, wb, styles, r, "Dilutive instruments of the covered companies (inputs with their source; "
                 "a row whose count or strike was not found is listed, not counted)",
                 INSTRUMENT_COLUMNS, INSTRUMENT_NAMES, _instrument_rows())


def _section(ws, wb: Workbook, styles: Styles, r: int, title: str, rows: list[Row]) -> int:
    header(ws, styles, r, [title, "value", "unit", "source / note"])
    write_rows(ws, wb, styles, r + 1, rows)
    return r + len(rows) + 2


ALL_PARTS = ["capital", "leases", "mining", "corporate"]


def _write_sotp(ws, wb: Workbook, styles: Styles, r: int) -> int:
    header(ws, styles, r, ["Sum of the parts: part", "value (USD)", "", "VAL_SOTP (diluted at the share price)",
                           "value"])
    first, last = r + 1, r + len(PARTS)
    for i, (label, name) in enumerate(PARTS):
        ws.write_string(first + i, 0, label, styles.label)
        ws.write_formula(first + i, 1, f"={name}", styles.get("formula", "usd"))
    names, values = xl_range_abs(first, 0, last, 0), xl_range_abs(first, 1, last, 1)
    out_last = first + SOTP_ROWS - 1
    sotp = (f"VAL_SOTP({names},{values},val_net_debt,val_diluted_shares,val_btc_held,val_btc_price)")
    array_formula(ws, first, 3, out_last, 4, "{=" + needs(ALL_PARTS, sotp) + "}",
                  [styles.label, styles.get("formula", "usd")])
    ws.write_number(out_last, 4, 0, styles.get("key", "usd2"))  # value per share, in USD/share
    wb.define_name("val_value_per_share", f"='{ws.name}'!{xl_range_abs(out_last, 4, out_last, 4)}")
    wb.define_name("val_equity_usd", f"='{ws.name}'!{xl_range_abs(out_last - 2, 4, out_last - 2, 4)}")
    rows = [
        Row("Value per share against the share price", "=" + needs(ALL_PARTS, "val_value_per_share/val_share_price-1"),
            "fraction", "Diluted at the market price, as the market sees the instruments today", "val_upside", "pct",
            "key"),
        Row("Equity value, every note counted as debt", "=" + needs(ALL_PARTS, "SUM(" + values + ")+val_btc_held*"
            "val_btc_price-val_net_debt_notes_as_debt"), "USD", "The parts, bitcoin held, less debt and cash",
            "val_equity_notes_as_debt", "usd", "formula"),
        Row("Value per share, diluted at the model's own value", "{=" + needs(ALL_PARTS, value_per_share(
            "val_ticker", "val_equity_notes_as_debt", "val_basic_shares")) + "}", "USD/share",
            "VAL_VALUE_PER_SHARE: the instruments that dilute at that value are exercised, and a note that converts "
            "there leaves debt", "val_value_per_share_at_value", "usd2", "key"),
        Row("Value per share at the model's value against the share price",
            "=" + needs(ALL_PARTS, "val_value_per_share_at_value/val_share_price-1"), "fraction", "",
            "val_upside_at_value", "pct", "key"),
    ]
    write_rows(ws, wb, styles, out_last + 1, rows)
    return out_last + len(rows) + 2


def _write_market(ws, wb: Workbook, styles: Styles, r: int) -> int:
    rows = [
        Row("Contracted critical-IT MW", "=val_contracted_mw", "MW", "As valued above", None, "num0", "link"),
        Row("Other parts taken out", "=" + needs(ALL_PARTS, "val_pipeline_usd+val_mining_usd+val_btc_held*val_btc_price"
            "+val_corporate_usd"), "USD", "Pipeline, mining, bitcoin held and corporate costs (a negative part), "
            "valued above", "val_other_values_usd", "usd", "formula"),
        Row("Enterprise value per contracted critical-IT MW", "=" + needs(ALL_PARTS, 'IF(val_contracted_mw=0,"",'
            "VAL_IMPLIED_USD_PER_MW(val_share_price,val_diluted_shares,val_net_debt,val_other_values_usd,"
            'val_contracted_mw))'), "USD per MW",
            "(price x diluted shares + net debt - the other parts) / MW: what the market pays for the leases",
            "val_implied_usd_per_mw", "usd", "key"),
        Row("Lease value per contracted critical-IT MW (the model's)", "=" + needs(
            ["leases", "capital"], 'IF(val_contracted_mw=0,"",val_leases_usd/val_contracted_mw)'), "USD per MW",
            "The leases' equity value (net of capex still to spend) per MW: comparable with JPMorgan's below",
            "val_lease_value_per_mw", "usd", "key"),
        Row("JPMorgan, Nov 2025: colocation equity, low", 8_000_000, "USD per IT MW",
            f"Equity value per critical-IT MW, raised from 4-9 M; cloud up to 19 M; {JPM_NOV_25}",
            "ref_jpm_low_usd_per_mw", "usd", "input"),
        Row("JPMorgan, Nov 2025: colocation equity, high", 17_000_000, "USD per IT MW", "As above",
            "ref_jpm_high_usd_per_mw", "usd", "input"),
        Row("CoreWeave's 2025 all-stock offer for Core Scientific", 6_900_000, "USD per gross MW",
            f"~9 B USD fully diluted equity / 1.3 GW gross power (calc); {CRWV_OFFER}; shareholders rejected it on "
            f"30 Oct 2025: {CRWV_VOTE}", "ref_crwv_usd_per_gross_mw", "usd", "input"),
        Row("The same offer per critical-IT MW", "=ref_crwv_usd_per_gross_mw*colo_gross_to_it_ratio", "USD per IT MW",
            "Per gross MW times the gross-to-IT ratio on Inputs", "ref_crwv_usd_per_it_mw", "usd", "formula"),
    ]
    return _section(ws, wb, styles, r, "What the market pays per contracted MW (critical IT)", rows)


def _write_sensitivity(ws, wb: Workbook, styles: Styles, r: int) -> int:
    ws.write_string(r, 0, "Value per share (USD/share, diluted at the share price): discount rate down, BTC price "
                    "across, around the inputs above (one array formula)", styles.header)
    top = r + 1
    ws.write_string(top, 0, "discount rate \\ BTC price (USD)", styles.label)
    for j, step in enumerate(PRICE_STEPS):
        ws.write_formula(top, 1 + j, f"=btc_price_usd*{step}", styles.get("formula", "usd"))
    for i, step in enumerate(RATE_STEPS):
        ws.write_formula(top + 1 + i, 0, f"=val_discount_rate{step:+g}" if step else "=val_discount_rate",
                         styles.get("formula", "pct"))
    rates = xl_range_abs(top + 1, 0, top + len(RATE_STEPS), 0)
    prices = xl_range_abs(top, 1, top, len(PRICE_STEPS))
    lease = (f"IF(COUNT(colo_rfs_dates)=0,0,VAL_LEASE_NPV(colo_rfs_dates,colo_mw_blocks,colo_rate_blocks,"
             f"val_noi_margin,{rates},colo_term_blocks,val_valuation_date,colo_escalator_blocks,val_cap_rate,"
             "val_capex_usd))")
    mining = (f"IF(fleet_hashrate_ehs=0,0,VAL_MINING_NPV(fleet_hashrate_ehs,efficiency_j_per_th,power_usd_per_mwh,"
              f"{prices},network_hashrate_ehs,val_mining_years,{rates},val_btc_price_growth,val_network_growth,"
              "fees_btc_per_block,block_height,val_mining_other_usd,TRUE,pool_fee))")
    corporate = corporate_npv("cash_sga_usd_per_year", rates, "val_valuation_date", "val_lease_end")
    grid = (top + 1, 1, top + len(RATE_STEPS), len(PRICE_STEPS))
    total = (f"({lease}+val_pipeline_usd+{mining}+val_btc_held*{prices}{corporate}-val_net_debt)"
             "/val_diluted_shares")
    ws.write_array_formula(*grid, "{=" + needs(ALL_PARTS, total) + "}", styles.get("formula", "usd2"))
    wb.define_name("val_sensitivity", f"='{ws.name}'!{xl_range_abs(*grid)}")
    centre = xl_rowcol_to_cell(top + 1 + RATE_STEPS.index(0.0), 1 + PRICE_STEPS.index(1.0))
    ws.write_string(grid[2] + 1, 0, f"The centre ({centre}) is the value per share above: the same parts at the "
                    "inputs' discount rate and BTC price.", styles.note)
    return grid[2] + 3


def _instrument_rows() -> list[list]:
    return [[i.ticker, i.name, i.kind, i.count, i.strike_usd, i.principal_usd, i.conversion_price_usd, i.as_of,
             f"{i.url} ({i.quote_type}: {i.document})", i.note]
            for ticker in embedded.tickers() for i in embedded.instruments(ticker)]


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
