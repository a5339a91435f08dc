"""The template's Scenarios sheet: distributions, not points. A BTC price fan, the Inputs fleet's mining-margin
fan, the probability of a negative margin by month (base and stress volatility, the 2028 halving in view), and
colocation revenue under RFS slips against the Colocation sheet's plan. Every table is one SCN_* call."""

from __future__ import annotations

from xlsxwriter.utility import xl_range_abs
from xlsxwriter.workbook import Workbook

from xlmodel.template.colocation import QUARTERS
from xlmodel.template.layout import Row, Styles, array_formula, header, model_sheet, write_rows

MONTHS = 36  # past the 2028 halving (block 1,050,000, about 27 months after the snapshot's tip)
PERCENTILES = ["P5", "P25", "P50", "P75", "P95"]  # the functions' default percentiles, as headers
VALUATION_MD = "xlmodel docs: ../shared/docs/valuation.md"
FIRST = 3  # header row of the inputs (0-based)
CLOSES = "Data_Prices!$K$2:$K$2000"  # the daily closes a refresh writes (column K: close), oldest first
HASHRATE_DATES, HASHRATE = "Data_Network!$G$2:$G$2000", "Data_Network!$H$2:$H$2000"  # the hashrate history


def _inputs() -> list[Row]:
    return [
        Row("BTC price today", "=btc_price_usd", "USD", "Inputs", None, "usd", "link"),
        Row("BTC volatility, typed", 0.45, "fraction per year", "2025's realised volatility: K33's 2.24% average "
            f"daily x sqrt(365) = 42.8%; 45-55% a defensible default; {VALUATION_MD} 3.3", "scn_volatility_typed",
            "pct", "input"),
        Row("BTC volatility, fitted to Data_Prices' daily closes", f'=IF(COUNT({CLOSES})<93,"",SCN_FIT_VOLATILITY('
            f'{CLOSES}))', "fraction per year", '=IF(scn_volatility_fitted="","No daily closes yet: Refresh pulls them '
            '(Coinbase, Kraken)","Standard deviation of daily log returns x sqrt(365) over the refreshed closes")',
            "scn_volatility_fitted", "pct", "link"),
        Row("Which the model uses (typed or fitted)", "typed", "", '=IF(AND(scn_volatility_source="fitted",'
            'scn_volatility_fitted=""),"fitted asked, none yet: the typed value is used",IF(OR(scn_volatility_source='
            '"typed",scn_volatility_source="fitted"),"","type typed or fitted"))', "scn_volatility_source", "text",
            "input"),
        Row("BTC volatility, base (in use)", '=IF(AND(scn_volatility_source="fitted",ISNUMBER(scn_volatility_fitted)),'
            "scn_volatility_fitted,scn_volatility_typed)", "fraction per year", "The fans, the margin and every trial",
            "scn_volatility", "pct", "key"),
        Row("BTC volatility, stress", 0.65, "fraction per year", "2022's realised 63.8%; a stress case of 65-70%; "
            f"{VALUATION_MD} 3.3", "scn_volatility_stress", "pct", "input"),
        Row("BTC drift", 0.0, "fraction per year", "The mean price path stays flat: the spread is the point",
            "scn_drift", "pct", "input"),
        Row("Network hashrate growth, typed", 0.4, "fraction per year", "CoinShares: 1.28 ZH/s end-2025 to 2.0 ZH/s "
            f"early 2027; Hashlabs +63.6% in 2026; {VALUATION_MD} 3.2", "scn_network_growth_typed", "pct", "input"),
        Row("Network hashrate growth, fitted to Data_Network's history", f'=IF(COUNT({HASHRATE})<3,"",SCN_FIT_GROWTH('
            f'{HASHRATE_DATES},{HASHRATE}))', "fraction per year", '=IF(scn_network_growth_fitted="","No hashrate '
            'history yet: Refresh pulls it (mempool.space)","Log-linear fit of the refreshed hashrate history")',
            "scn_network_growth_fitted", "pct", "link"),
        Row("Which the model uses (typed or fitted)", "typed", "", '=IF(AND(scn_network_growth_source="fitted",'
            'scn_network_growth_fitted=""),"fitted asked, none yet: the typed value is used",IF(OR('
            'scn_network_growth_source="typed",scn_network_growth_source="fitted"),"","type typed or fitted"))',
            "scn_network_growth_source", "text", "input"),
        Row("Network hashrate growth (in use)", '=IF(AND(scn_network_growth_source="fitted",ISNUMBER('
            'scn_network_growth_fitted)),scn_network_growth_fitted,scn_network_growth_typed)', "fraction per year",
            "The margin fan, every trial, and the Valuation sheet's mining", "scn_network_growth", "pct", "key"),
        Row("Network hashrate volatility", 0.15, "fraction per year", "Assumption: shocks around the growth path "
            "(hash supply follows price with a lag of 1-6 weeks)", "scn_hashrate_volatility", "pct", "input"),
        Row("Correlation of hashrate with price", 0.5, "fraction", "Assumption: causality runs from price to "
            f"hashrate; {VALUATION_MD} 3.2", "scn_correlation", "num", "input"),
        Row("Blocks billing by this date do not slip", "=val_valuation_date", "date", "The Valuation sheet's "
            "date: blocks whose RFS date is on or before it are delivered", "scn_delivered_by", "date", "link"),
        Row("RFS slip, mean", 3, "months", "Assumption: a quarter's delay on average; 'if RFS dates slip, the "
            "rerating can wobble' (the seeds)", "scn_slip_mean", "num", "input"),
        Row("RFS slip, standard deviation", 3, "months", "Equal to the mean: an exponential delay, most blocks "
            "on time or a little late, some very late", "scn_slip_sd", "num", "input"),
        Row("Months", MONTHS, "months", "From today; past the 2028 halving", "scn_months", "num0", "input"),
        Row("Paths", 10_000, "paths", "10,000: about 15 ms a table; the functions take up to 1,000,000",
            "scn_paths", "num0", "input"),
        Row("Seed", 2026, "integer", "The same seed gives the same numbers on every recalculation", "scn_seed",
            "num0", "input"),
    ]


def write_scenarios(ws, wb: Workbook, styles: Styles) -> None:
    ws.set_column(0, 0, 36)
    ws.set_column(1, 1, 14)
    ws.set_column(2, 2, 16)
    ws.set_column(3, 3, 70)
    ws.set_column(4, 30, 13)
    model_sheet(ws, styles, "Scenarios: the spread of BTC price, mining margin and colocation revenue",
                "Percentiles over simulated paths (numpy PCG64, reproducible by seed): geometric Brownian motion for "
                "the price, a correlated lognormal shock on the network's growth path, gamma-distributed RFS slips. "
                "The fleet, power price, fees and block height are the Inputs sheet's.")
    inputs = _inputs()
    header(ws, styles, FIRST, ["Scenario inputs", "value", "unit", "source / note"])
    write_rows(ws, wb, styles, FIRST + 1, inputs)
    top = FIRST + len(inputs) + 3
    price = _table(ws, wb, styles, top, 0, "BTC price (USD): percentiles at each month end", "month",
                   PERCENTILES, "=SCN_BTC_PRICE(btc_price_usd,scn_volatility,scn_months,scn_paths,scn_seed,scn_drift)",
                   "usd", "scn_btc_price")
    margin = _table(ws, wb, styles, top, 7, "Mining margin, hashprice - hashcost (USD per PH/s per day)", "month",
                    [*PERCENTILES, "share < 0"], _margin("scn_volatility"), "usd2", "scn_margin")
    stress = _table(ws, wb, styles, top, 15, "Stress volatility: margin (USD per PH/s per day)", "month",
                    [*PERCENTILES, "share < 0"], _margin("scn_volatility_stress"), "usd2", "scn_margin_stress")
    _fan(wb, ws, "BTC price fan, P5 to P95 (USD)", price, 5, "#,##0", (top + MONTHS + 3, 0))
    _fan(wb, ws, "Mining margin fan, P5 to P95 (USD per PH/s per day)", margin, 5, "#,##0.00",
         (top + MONTHS + 3, 7))
    _negative_share(wb, ws, margin, stress, (top + MONTHS + 3, 15))
    _write_colocation(ws, wb, styles, top + MONTHS + 22)


def _margin(volatility: str) -> str:
    """The fleet's margin fan: empty while the company's efficiency or power price is missing (Inputs says which)."""
    return (f'=IF(OR(efficiency_j_per_th="",power_usd_per_mwh=""),"",SCN_MINING_MARGIN(btc_price_usd,{volatility},'
            "network_hashrate_ehs,scn_network_growth,efficiency_j_per_th,power_usd_per_mwh,scn_months,scn_paths,"
            "scn_seed,fees_btc_per_block,block_height,scn_hashrate_volatility,scn_correlation))")


def _table(ws, wb: Workbook, styles: Styles, r: int, c: int, title: str, first: str, columns: list[str],
           formula: str, number: str, name: str) -> tuple[int, int, int]:
    """A fixed-size array formula of MONTHS rows under a title and headers; returns (first row, column, width)."""
    ws.write_string(r, c, title, styles.header)
    header_row = [first, *columns]
    for k, text in enumerate(header_row):
        ws.write_string(r + 1, c + k, text, styles.header)
    rows = (r + 2, c, r + 1 + MONTHS, c + len(header_row) - 1)
    formats = [styles.get("formula", "num0")] + [styles.get("formula", number)] * len(columns)
    if header_row[-1] == "share < 0":
        formats[-1] = styles.get("formula", "pct")
    array_formula(ws, *rows, "{" + formula + "}", formats)
    wb.define_name(name, f"='{ws.name}'!{xl_range_abs(*rows)}")
    return r + 2, c, len(header_row)


def _fan(wb: Workbook, ws, title: str, table: tuple[int, int, int], series: int, axis_format: str,
         at: tuple[int, int]) -> None:
    first, c, _ = table
    last = first + MONTHS - 1
    chart = wb.add_chart({"type": "line"})
    colours = ["#BDD7EE", "#6FA8DC", "#1F4E79", "#6FA8DC", "#BDD7EE"]
    for k in range(series):
        chart.add_series({"name": PERCENTILES[k], "categories": [ws.name, first, c, last, c],
                          "values": [ws.name, first, c + 1 + k, last, c + 1 + k],
                          "line": {"color": colours[k], "width": 2.25 if k == 2 else 1.25,
                                   "dash_type": "solid" if k == 2 else "dash"}})
    chart.set_title({"name": title, "name_font": {"size": 11}})
    chart.set_x_axis({"name": "month", "label_position": "low", "interval_unit": 6})  # below a negative margin
    chart.set_y_axis({"num_format": axis_format})
    chart.set_legend({"position": "bottom"})
    ws.insert_chart(*at, chart, {"x_scale": 1.15, "y_scale": 1.2})


def _negative_share(wb: Workbook, ws, base: tuple[int, int, int], stress: tuple[int, int, int],
                    at: tuple[int, int]) -> None:
    chart = wb.add_chart({"type": "line"})
    for (first, c, width), label, colour in ((base, "base volatility", "#1F4E79"),
                                             (stress, "stress volatility", "#C00000")):
        last = first + MONTHS - 1
        chart.add_series({"name": f"Share of paths with a negative margin, {label}",
                          "categories": [ws.name, first, c, last, c],
                          "values": [ws.name, first, c + width - 1, last, c + width - 1],
                          "line": {"color": colour, "width": 2}})
    chart.set_title({"name": "Probability of a negative mining margin by month (the halving halves the subsidy)",
                     "name_font": {"size": 11}})
    chart.set_x_axis({"name": "month", "interval_unit": 6})
    chart.set_y_axis({"num_format": "0%", "min": 0, "max": 1})
    chart.set_legend({"position": "bottom"})
    ws.insert_chart(*at, chart, {"x_scale": 1.15, "y_scale": 1.2})


def _undelivered(months: str) -> str:
    """A slip for each block of the Inputs schedule: none for a block already billing."""
    return f"IF(colo_rfs_dates<=scn_delivered_by,0,{months})"


def _write_colocation(ws, wb: Workbook, styles: Styles, r: int) -> None:
    """Revenue of each Colocation-sheet quarter under RFS slips, beside the plan (no slip)."""
    ws.write_string(r, 0, "Colocation revenue under RFS slips (USD): the company's lease blocks on Inputs, the "
                    "Colocation sheet's quarters", styles.header)
    titles = ["quarter", "plan (no slip)", *PERCENTILES, "P50 - plan"]
    for k, text in enumerate(titles):
        ws.write_string(r + 1, k, text, styles.header)
    first, last = r + 2, r + 1 + len(QUARTERS)
    ws.write_array_formula(first, 0, last, 0, "{=colo_quarter_labels}", styles.get("link", "text"))
    ws.write_array_formula(first, 1, last, 1, "{=colo_revenue_by_quarter}", styles.get("link", "usd"))
    ws.write_array_formula(first, 2, last, 6, '{=IF(_colo_schedule_gaps>0,"",IF(COUNT(colo_rfs_dates)=0,0,'
                           "SCN_COLO_REVENUE(colo_rfs_dates,"
                           f"colo_mw_blocks,colo_rate_blocks,colo_quarter_starts,colo_quarter_ends,"
                           f"{_undelivered('scn_slip_mean')},scn_paths,scn_seed,{_undelivered('scn_slip_sd')},,"
                           "colo_escalator_blocks)))}", styles.get("formula", "usd"))
    plan, median = xl_range_abs(first, 1, last, 1), xl_range_abs(first, 4, last, 4)
    ws.write_array_formula(first, 7, last, 7, f'{{=IF(({median}<>"")*({plan}<>""),{median}-{plan},"")}}',
                           styles.get("formula", "usd"))
    wb.define_name("scn_colo_revenue", f"='{ws.name}'!{xl_range_abs(first, 2, last, 6)}")
    wb.define_name("scn_colo_plan", f"='{ws.name}'!{plan}")
    chart = wb.add_chart({"type": "line"})
    for col, label, colour, width in ((1, "plan (no slip)", "#000000", 2.5), (2, "P5", "#C00000", 1.25),
                                      (4, "P50", "#1F4E79", 2), (6, "P95", "#6FA8DC", 1.25)):
        chart.add_series({"name": label, "categories": [ws.name, first, 0, last, 0],
                          "values": [ws.name, first, col, last, col], "line": {"color": colour, "width": width}})
    chart.set_title({"name": "Colocation revenue by quarter: plan against RFS slips", "name_font": {"size": 11}})
    chart.set_y_axis({"num_format": "#,##0,,\"M\""})
    chart.set_legend({"position": "bottom"})
    ws.insert_chart(r, 9, chart, {"x_scale": 1.3, "y_scale": 1.2})
