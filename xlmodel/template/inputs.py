"""The template's Inputs sheet: the ticker that drives the book, and every input with its source.

At the top, ``model_ticker`` (the company the book values), the ticker the overrides on this
sheet are for (``model_override_ticker``), the valuation date, and what the company lacks
(``model_missing``) or holds stale (``model_stale``). Then each sourced input of that company:
the value in use, its unit, the sourced figure, an override cell, its date, a flag and its
source; the book-wide network and price assumptions; and the company's RFS schedule, block by
block, with overrides. An override applies only to the company named in
``model_override_ticker``, so switching the ticker never carries one company's figure to another.
"""

from __future__ import annotations

from xlsxwriter.utility import xl_range_abs, xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook

from xlmodel.template.layout import Row, Styles, header, write_rows
from xlmodel.template.sourced import CAPITAL, OPERATIONS, date_check, stale_flag

SHEET = "Inputs"
DEFAULT_TICKER = "CORZ"
BLOCKS = 20  # rows of the RFS schedule: the most lease blocks one company may have
VALUATION_MD = "xlmodel docs: ../shared/docs/valuation.md"
CBRE_CAPEX = "https://www.build.inc/data-center-construction-costs-2025"
HIDDEN_FIRST_COL = 26  # column AA on: the checked overrides the formulas read (hidden)

# rows (0-based) of the sheet's fixed parts; the messages that say where to type an input point at them
TOP = 3
CAPITAL_HEADER = TOP + 7
OPERATIONS_HEADER = CAPITAL_HEADER + len(CAPITAL) + 2
ROW = {"model_ticker": TOP + 1, "model_override_ticker": TOP + 2, "val_valuation_date": TOP + 3,
       "model_missing": TOP + 4, "model_stale": TOP + 5}
ROW.update({spec.name: CAPITAL_HEADER + 1 + i for i, spec in enumerate(CAPITAL)})
ROW.update({spec.name: OPERATIONS_HEADER + 1 + i for i, spec in enumerate(OPERATIONS)})
SOURCED_HEADER = ["input", "in use", "unit", "sourced", "override", "as of", "flag", "source"]
BTC_PERIOD_ROW = OPERATIONS_HEADER + len(OPERATIONS) + 1
MARKET_HEADER = BTC_PERIOD_ROW + 2

MARKET_INPUTS = [
    Row("BTC price", "=Data_Prices!$B$2", "USD", "Coinbase spot from the last refresh (Data_Prices; see Sources). A "
        "single point: the mean of the simulated paths (zero drift), not their median", "btc_price_usd", "usd", "link"),
    Row("BTC price, median of the paths at the mining horizon", '=IF(ISNUMBER(btc_price_usd),PERCENTILE.INC('
        "SCN_PRICE_TRIALS(btc_price_usd,scn_volatility,12*val_mining_years,trials_paths,scn_seed,scn_drift),0.5),\"\")",
        "USD", "The paths' median falls below the flat price as volatility drags it: "
        "exp(-volatility^2 / 2 x years) of it at zero drift", "btc_price_median_usd", "usd", "formula"),
    Row("Network difficulty", "=Data_Network!$B$3", "difficulty", "mempool.space, last refresh (Data_Network)",
        "difficulty", "sci", "link"),
    Row("Block height", "=IF(ISNUMBER(Data_Network!$B$2),Data_Network!$B$2,NA())", "blocks",
        "Chain tip in Data_Network: the embedded snapshot's until a refresh reads mempool.space (#N/A if none)",
        "block_height", "num0", "link"),
    Row("Average fees per block", "=Data_Network!$B$6", "BTC per block",
        "Last 144 blocks from the last refresh (Data_Network; the snapshot holds the 2025 average)",
        "fees_btc_per_block", "num4", "link"),
    Row("Pool fee", 0.0, "fraction", "Assumption: large miners run their own pool or pay near zero",
        "pool_fee", "pct", "input"),
    Row("Uptime", 0.95, "fraction", "Assumption: curtailment and maintenance take about 5%", "uptime", "pct", "input"),
    Row("Days in period", "=IF(AND(ISNUMBER(btc_period_start),ISNUMBER(btc_period_end)),btc_period_end-"
        "btc_period_start+1,91)", "days", "The period of the BTC mined above (a quarter, 91 days, when it has none): "
        "the Mining sheet's expected BTC covers the same days", "days_in_period", "num0", "formula"),
    Row("Other cash cost per BTC", 0.0, "USD per BTC", "Cash SG&A per BTC to add to the breakeven price, if any",
        "other_cost_usd_per_btc", "usd", "input"),
]
COLO_INPUTS = [
    Row("Gross to IT ratio", 1.4, "ratio", "Gross (utility) MW per critical-IT MW, for leases quoted on gross MW "
        f"(disclosed 1.18 to 1.44; JPMorgan's ranges imply 1.30); {VALUATION_MD} 1.2", "colo_gross_to_it_ratio",
        "num", "input"),
    Row("Build capex per critical-IT MW, where a company states none", 10_700_000, "USD per MW",
        f"CBRE's average data-centre build cost, 7.7 to 10.7 M USD per MW (via build.inc); {CBRE_CAPEX}. Cipher "
        "states 9-11 M, TeraWulf 8-10 M (Companies sheet)", "val_capex_default_usd_per_mw", "usd", "input"),
]

COLO_HEADER = MARKET_HEADER + len(MARKET_INPUTS) + 2
BLOCK_TITLE = COLO_HEADER + len(COLO_INPUTS) + 2
BLOCK_FIRST = BLOCK_TITLE + 2  # block 1's row (0-based); block k is BLOCK_FIRST + k - 1

# the RFS schedule: (header, number format, role) of each column; the used columns are what the functions read
BLOCK_COLUMNS = [
    ("block: tenant, site", "text", "link"), ("critical-IT MW owned, in use", "num", "link"),
    ("RFS date, in use", "date", "link"), ("USD per IT kW-month, in use", "usd2", "link"),
    ("term (years), in use", "num0", "link"), ("escalator, in use", "pct", "link"), ("flag", "text", "formula"),
    ("status", "text", "link"), ("basis", "text", "link"),
    ("MW, sourced (its basis)", "num", "link"), ("MW override", "num", "input"),
    ("RFS date, sourced", "date", "link"), ("RFS override", "date", "input"),
    ("term, sourced", "num0", "link"), ("term override", "num0", "input"),
    ("ownership, sourced", "pct", "link"), ("ownership override", "pct", "input"),
    ("USD/kW-month, sourced (its basis)", "usd2", "link"), ("rate override", "usd2", "input"),
    ("source", "text", "link"),
]
# (override column, hidden checked column's defined name, the check) of each block override
BLOCK_OVERRIDES = [
    (10, "blk_ovr_mw", lambda c: f'IF({c}="","",IF(NOT(ISNUMBER({c})),"MW override must be a number, got "&{c},'
     f'IF({c}<0,"MW override must be >= 0, got "&{c},"")))'),
    (12, "blk_ovr_rfs", lambda c: date_check(c, "RFS override")),
    (14, "blk_ovr_term", lambda c: f'IF({c}="","",IF(NOT(ISNUMBER({c})),"term override must be a number of years, '
     f'got "&{c},IF(OR({c}<1,{c}<>INT({c})),"term override must be a whole number of years >= 1, got "&{c},"")))'),
    (16, "blk_ovr_own", lambda c: f'IF({c}="","",IF(NOT(ISNUMBER({c})),"ownership override must be a number, got "&'
     f'{c},IF(OR({c}<=0,{c}>1),"ownership override must be in (0, 1], got "&{c},"")))'),
    (18, "blk_ovr_rate", lambda c: f'IF({c}="","",IF(NOT(ISNUMBER({c})),"rate override must be a number, got "&{c},'
     f'IF({c}<0,"rate override must be >= 0, got "&{c},"")))'),
]


def write_inputs(ws, wb: Workbook, styles: Styles) -> None:
    ws.set_column(0, 0, 38)
    ws.set_column(1, 5, 14)
    ws.set_column(6, 6, 34)
    ws.set_column(7, 25, 13)
    ws.set_column(HIDDEN_FIRST_COL, HIDDEN_FIRST_COL + 8, 10, None, {"hidden": True})
    ws.write_string(0, 0, "Inputs", styles.title)
    ws.write_string(1, 0, "Blue cells are inputs. Company figures come from their sourced records (Companies sheet, "
                    "Data_Company, Data_Equities): type an override in column E to use your own; it applies to the "
                    "company named in B6 only.", styles.note)
    _write_company(ws, wb, styles)
    _write_sourced(ws, wb, styles, CAPITAL_HEADER, "Capital structure and share price of the company", CAPITAL)
    _write_sourced(ws, wb, styles, OPERATIONS_HEADER, "Operations of the company", OPERATIONS)
    r = BTC_PERIOD_ROW
    ws.write_string(r, 0, "BTC mined: the period", styles.label)
    for c, name in ((1, "btc_period_start"), (3, "btc_period_end")):
        ws.write_formula(r, c, f"=IFERROR(INDEX(cmp_{name},_model_row),\"\")", styles.get("link", "date"))
        wb.define_name(name, f"='{SHEET}'!{xl_range_abs(r, c, r, c)}")
    ws.write_string(r, 2, "to", styles.label)
    ws.write_string(MARKET_HEADER, 0, "Network, price and fleet assumptions (the whole book)", styles.header)
    write_rows(ws, wb, styles, MARKET_HEADER + 1, MARKET_INPUTS)
    ws.write_string(COLO_HEADER, 0, "Colocation (the whole book)", styles.header)
    write_rows(ws, wb, styles, COLO_HEADER + 1, COLO_INPUTS)
    _write_blocks(ws, wb, styles, BLOCK_TITLE)


def _write_company(ws, wb: Workbook, styles: Styles) -> None:
    header(ws, styles, TOP, ["The company", "value", "unit", "sourced", "override", "", "flag", "note"])
    r = ROW["model_ticker"]
    _named(ws, wb, styles, r, "Ticker", DEFAULT_TICKER, "model_ticker")
    ws.write_formula(r, 3, '=IFERROR(INDEX(cmp_company,_model_row),"not a covered company")', styles.label)
    _hidden(ws, wb, r, 0, "_model_row", '=IFERROR(MATCH(model_ticker,cmp_ticker,0),"")')
    r = ROW["model_override_ticker"]
    _named(ws, wb, styles, r, "The overrides on this sheet are for", DEFAULT_TICKER, "model_override_ticker")
    ws.write_formula(r, 3, '=IF(model_override_ticker=model_ticker,"Overrides typed below apply to "&model_ticker&'
                     '" only","Overrides typed below are for "&model_override_ticker&": not applied to "&model_ticker'
                     '&" (type "&model_ticker&" in B6 to override its figures)")', styles.note)
    r = ROW["val_valuation_date"]
    ws.write_string(r, 0, "Valuation date", styles.label)
    ws.write_formula(r, 1, '=IFERROR(INDEX(cmp_valuation_date,_model_row),"")', styles.get("key", "date"))
    wb.define_name("val_valuation_date", f"='{SHEET}'!{xl_rowcol_to_cell(r, 1, True, True)}")
    ws.write_string(r, 2, "date", styles.label)
    price_date = CAPITAL[0].as_of("model_ticker")
    ws.write_formula(r, 3, f"={price_date}", styles.get("link", "date"))
    ws.write_blank(r, 4, None, styles.get("input", "date"))
    override = xl_rowcol_to_cell(r, 4)
    check = date_check(override, "valuation date override")
    ws.write_formula(r, 6, f'=IF({check}<>"",{check},IF({override}<>"","overridden: every company is valued at '
                     'this date",""))', styles.alert)
    ws.write_string(r, 7, "Default: the date of the company's share price (each company on the Coverage sheet at its "
                    "own); the same date counts lease NOI and discounts every part", styles.note)
    _hidden(ws, wb, r, 0, "_ovr_val_valuation_date", _checked(override, check))
    for key, label in (("model_missing", "Missing inputs"), ("model_stale", "Stale inputs")):
        r = ROW[key]
        ws.write_string(r, 0, label, styles.label)
        source = "cmp_missing" if key == "model_missing" else "cmp_stale"
        formula = f'=IFERROR(INDEX({source},_model_row),"")'
        if key == "model_missing":
            formula = ('=IF(_model_row="",model_ticker&" is not a covered company: one of "&_xlfn.TEXTJOIN(", ",TRUE,'
                       f'cmp_ticker),INDEX({source},_model_row))')
        ws.write_formula(r, 1, formula, styles.alert)
        wb.define_name(key, f"='{SHEET}'!{xl_rowcol_to_cell(r, 1, True, True)}")


def _named(ws, wb: Workbook, styles: Styles, r: int, label: str, value: str, name: str) -> None:
    ws.write_string(r, 0, label, styles.label)
    ws.write_string(r, 1, value, styles.get("input", "text"))
    wb.define_name(name, f"='{SHEET}'!{xl_rowcol_to_cell(r, 1, True, True)}")


def _hidden(ws, wb: Workbook, r: int, k: int, name: str, formula: str) -> None:
    """A checked override the formulas read: the typed value when it passes its check, else empty text."""
    ws.write_formula(r, HIDDEN_FIRST_COL + k, formula)
    wb.define_name(name, f"='{SHEET}'!{xl_rowcol_to_cell(r, HIDDEN_FIRST_COL + k, True, True)}")


def _checked(cell: str, check: str) -> str:
    """The override typed in ``cell`` when it passes ``check``; empty text when none is typed or it is bad."""
    return f'=IF(OR({cell}="",{check}<>""),"",{cell})'


def _write_sourced(ws, wb: Workbook, styles: Styles, r: int, title: str, specs) -> None:
    header(ws, styles, r, [title, *SOURCED_HEADER[1:]])
    for i, spec in enumerate(specs):
        row = r + 1 + i
        override = xl_rowcol_to_cell(row, 4)
        as_of = xl_rowcol_to_cell(row, 5)
        ws.write_string(row, 0, spec.label[0].upper() + spec.label[1:], styles.label)
        ws.write_formula(row, 1, f'=IFERROR(INDEX(cmp_{spec.name},_model_row),"")', styles.get("key", spec.number))
        wb.define_name(spec.name, f"='{SHEET}'!{xl_rowcol_to_cell(row, 1, True, True)}")
        ws.write_string(row, 2, spec.unit, styles.label)
        ws.write_formula(row, 3, "=" + spec.value("model_ticker"), styles.get("link", spec.number))
        ws.write_blank(row, 4, None, styles.get("input", spec.number))
        ws.write_formula(row, 5, f'=IFERROR(INDEX(cmp_{spec.name}_as_of,_model_row),"")', styles.get("link", "date"))
        check = spec.check(override)
        ws.write_formula(row, 6, "=" + _flag(check, override, f"{xl_rowcol_to_cell(row, 1)}", as_of), styles.alert)
        ws.write_formula(row, 7, "=" + spec.source("model_ticker"), styles.note)
        _hidden(ws, wb, row, 0, f"_ovr_{spec.name}", _checked(override, check))


def _flag(check: str, override: str, used: str, as_of: str) -> str:
    """What the analyst should know about an input: a bad override, an override (applied or not), a gap, staleness."""
    applied = 'IF(model_override_ticker=model_ticker,"overridden","not applied: the overrides are for "&' \
              'model_override_ticker)'
    return (f'IF({check}<>"",{check},IF({override}<>"",{applied},IF({used}="","not found: type it in column E",'
            f'{stale_flag(as_of, "val_valuation_date")})))')


def _write_blocks(ws, wb: Workbook, styles: Styles, r: int) -> None:
    ws.write_formula(r, 0, '="RFS schedule of "&model_ticker&": its leases block by block (Companies sheet), '
                     'overrides for "&model_override_ticker&" in the blue columns"', styles.header)
    header(ws, styles, r + 1, [h for h, _, _ in BLOCK_COLUMNS])
    first = BLOCK_FIRST
    for k in range(BLOCKS):
        _write_block(ws, wb, styles, first + k, k + 1)
    last = first + BLOCKS - 1
    _hidden(ws, wb, r, 0, "_colo_schedule_gaps", "=COUNTIFS(lease_ticker,model_ticker,lease_schedule_gap,TRUE)")
    for c, name in ((1, "colo_mw_blocks"), (2, "colo_rfs_dates"), (3, "colo_rate_blocks"), (4, "colo_term_blocks"),
                    (5, "colo_escalator_blocks"), (7, "colo_block_status")):
        wb.define_name(name, f"='{SHEET}'!{xl_range_abs(first, c, last, c)}")
    for k, (_, name, _) in enumerate(BLOCK_OVERRIDES):
        col = HIDDEN_FIRST_COL + 1 + k
        wb.define_name(name, f"='{SHEET}'!{xl_range_abs(first, col, last, col)}")
    ws.write_string(last + 1, 0, "A lease quoted on gross MW is converted to critical IT at the gross-to-IT ratio "
                    "above; the rent per IT kW-month keeps its total. A rate not stated comes from the contract value "
                    "over the term (escalators included). A block with a gap is named in B8 and left out of no figure "
                    "silently: the lease value waits for it.", styles.note)


def _write_block(ws, wb: Workbook, styles: Styles, r: int, k: int) -> None:
    at = f'MATCH(model_ticker&"#{k}",lease_key,0)'

    def pick(name: str) -> str:
        return f'=IFERROR(IF(INDEX({name},{at})="","",INDEX({name},{at})),"")'

    cells = [
        f'=IFERROR("{k}: "&INDEX(lease_tenant,{at})&IF(INDEX(lease_site,{at})<>"",", "&INDEX(lease_site,{at}),""),"")',
        pick("lease_mw_it"), pick("lease_used_rfs"), pick("lease_rate_it"), pick("lease_used_term"),
        pick("lease_escalator"), None, pick("lease_status"), pick("lease_basis"), pick("lease_mw"), "",
        pick("lease_rfs"), "", pick("lease_term"), "", pick("lease_ownership"), "", pick("lease_rate"), "",
        f'=IFERROR(INDEX(lease_url,{at}),"")',
    ]
    for c, ((_, number, role), cell) in enumerate(zip(BLOCK_COLUMNS, cells)):
        fmt = styles.get(role, number) if c != 19 else styles.note
        if cell is None:
            continue
        if cell == "":
            ws.write_blank(r, c, None, fmt)
        else:
            ws.write_formula(r, c, cell, fmt)
    checks = []
    for k_ovr, (col, _, check) in enumerate(BLOCK_OVERRIDES):
        cell = xl_rowcol_to_cell(r, col)
        message = check(cell)
        checks.append(message)
        ws.write_formula(r, HIDDEN_FIRST_COL + 1 + k_ovr, _checked(cell, message))
    typed = "+".join(f'({xl_rowcol_to_cell(r, col)}<>"")' for col, _, _ in BLOCK_OVERRIDES)
    applied = (f'IF({typed}=0,"",IF(model_override_ticker=model_ticker,"overridden","not applied: the overrides '
               f'are for "&model_override_ticker))')
    gaps = (f'IFERROR(IF(INDEX(lease_unquantified,{at})=TRUE,"listed, not valued: no MW, rate or value disclosed '
            f'(type MW, an RFS date and a rate to value it)",INDEX(lease_check,{at})),"")')
    ws.write_formula(r, 6, f'=_xlfn.TEXTJOIN("; ",TRUE,{",".join(checks)},{applied},{gaps})', styles.alert)
