"""The template's Inputs (mining part) and Mining sheets."""

from __future__ import annotations

from xlsxwriter.utility import xl_range_abs
from xlsxwriter.workbook import Workbook

from xlmodel.template.layout import Row, Styles, header, model_sheet, write_rows

CORZ_Q4_24 = "https://www.businesswire.com/news/home/20250226/en/ (Core Scientific Q4-2024 results, 26 Feb 2025)"
CORZ_MAR_24 = "https://investors.corescientific.com/ (March 2024 production update: fleet efficiency 26.85 J/TH)"
CORZ_10K_24 = "https://www.sec.gov/cgi-bin/browse-edgar?action=getcompany&CIK=1839341 (10-K FY-2024, segment note)"

MINING_INPUTS = [
    Row("BTC price", "=Data_Prices!$B$2", "USD", "Coinbase spot from the last refresh (Data_Prices; see Sources); "
        "type a number to override", "btc_price_usd", "usd", "link"),
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
    Row("Self-mining fleet hashrate", 19.1, "EH/s", f"Core Scientific Q4-2024 self-mining hashrate; {CORZ_Q4_24}",
        "fleet_hashrate_ehs", "num", "input"),
    Row("Fleet efficiency", 26.85, "J/TH", f"Core Scientific self-mining fleet, March 2024; {CORZ_MAR_24}",
        "efficiency_j_per_th", "num", "input"),
    Row("Power price", 36.0, "USD/MWh", "About FY-2024 implied (Mining sheet: power fees / MWh drawn); your view here",
        "power_usd_per_mwh", "num", "input"),
    Row("Uptime", 0.95, "fraction", "Assumption: curtailment and maintenance take about 5%", "uptime", "pct", "input"),
    Row("Days in period", 92, "days", "A calendar quarter (Q4)", "days_in_period", "num0", "input"),
    Row("Other cash cost per BTC", 0.0, "USD per BTC", "Cash SG&A per BTC to add to the breakeven price, if any",
        "other_cost_usd_per_btc", "usd", "input"),
]

REPORTED_INPUTS = [
    Row("BTC self-mined, FY-2024", 6_594, "BTC", "2,825 + 1,680 + 1,115 + 974 (quarterly releases)",
        "fy_btc_mined", "num0", "input"),
    Row("Power fees, self-mining, FY-2024", 160_833_000, "USD", f"10-K segment cost of revenue; {CORZ_10K_24}",
        "fy_power_cost_usd", "usd", "input"),
    Row("Power credits, FY-2024", 0, "USD", "Not separately disclosed in the segment note", "fy_power_credits_usd",
        "usd", "input"),
    Row("Other direct cash costs, FY-2024", 45_003_000, "USD",
        "Employee compensation 26,129k + facility operations 13,274k + other 5,600k (10-K)",
        "fy_other_direct_cost_usd", "usd", "input"),
    Row("Cash SG&A for mining, FY-2024", 0, "USD", "Segment note carries none; CoinShares' measure adds an allocation",
        "fy_cash_sga_usd", "usd", "input"),
    Row("Depreciation, self-mining, FY-2024", 108_499_000, "USD", "10-K segment note", "fy_depreciation_usd",
        "usd", "input"),
    Row("Days in FY-2024", 366, "days", "Leap year", "fy_days", "num0", "input"),
]

SENSITIVITY_POWER = [20, 30, 40, 50, 60, 70, 80, 90, 100]
GRID_POWER = [30, 40, 50, 60, 70]
GRID_HASHRATE = [900, 1_000, 1_100, 1_200, 1_300]


def write_inputs(ws, wb: Workbook, styles: Styles, first_row: int) -> int:
    """Mining and reported-cost inputs from ``first_row``; returns the next free row."""
    ws.write_string(first_row, 0, "Network, price and fleet", styles.header)
    write_rows(ws, wb, styles, first_row + 1, MINING_INPUTS)
    row = first_row + 2 + len(MINING_INPUTS)
    ws.write_string(row, 0, "Reported self-mining costs (top-down cost per BTC)", styles.header)
    write_rows(ws, wb, styles, row + 1, REPORTED_INPUTS)
    return row + 2 + len(REPORTED_INPUTS)


def _mining_rows() -> list[Row]:
    return [
        Row("Network hashrate", "=BTC_HASHRATE_FROM_DIFFICULTY(difficulty)", "EH/s",
            "difficulty x 2^32 / 600", "network_hashrate_ehs", "num", "link"),
        Row("Block subsidy", "=BTC_BLOCK_SUBSIDY(block_height)", "BTC per block",
            "Halves every 210,000 blocks", "block_subsidy_btc", "num4", "link"),
        Row("Hashprice", "=BTC_HASHPRICE(btc_price_usd,network_hashrate_ehs,fees_btc_per_block,block_subsidy_btc)",
            "USD per PH/s per day", "Revenue of 1 PH/s for a day", "hashprice_usd_per_ph_day", "usd2", "key"),
        Row("Hashcost", "=BTC_HASHCOST(efficiency_j_per_th,power_usd_per_mwh)", "USD per PH/s per day",
            "Power cost of 1 PH/s for a day", "hashcost_usd_per_ph_day", "usd2", "formula"),
        Row("Fleet power draw", "=BTC_FLEET_POWER_MW(fleet_hashrate_ehs,efficiency_j_per_th)", "MW",
            "While hashing", "fleet_power_mw", "num", "formula"),
        Row("Expected BTC mined in the period",
            "=BTC_MINED(fleet_hashrate_ehs,network_hashrate_ehs,days_in_period,fees_btc_per_block,"
            "block_subsidy_btc,uptime,pool_fee)", "BTC", "Fleet share of the network's blocks",
            "btc_mined_period", "num0", "formula"),
        Row("Power cost per BTC (bottom-up)",
            "=BTC_POWER_COST_PER_BTC(efficiency_j_per_th,power_usd_per_mwh,network_hashrate_ehs,"
            "fees_btc_per_block,block_subsidy_btc,pool_fee)", "USD per BTC", "Uptime cancels",
            "power_cost_usd_per_btc", "usd", "key"),
        Row("Margin per BTC over power", "=btc_price_usd-power_cost_usd_per_btc", "USD per BTC", "",
            "power_margin_usd_per_btc", "usd", "formula"),
        Row("Breakeven power price",
            "=BTC_BREAKEVEN_POWER_PRICE(btc_price_usd,efficiency_j_per_th,network_hashrate_ehs,"
            "fees_btc_per_block,block_subsidy_btc,pool_fee)", "USD/MWh", "Hashprice = hashcost",
            "breakeven_power_usd_per_mwh", "usd2", "key"),
        Row("Breakeven BTC price",
            "=BTC_BREAKEVEN_PRICE(efficiency_j_per_th,power_usd_per_mwh,network_hashrate_ehs,"
            "fees_btc_per_block,block_subsidy_btc,pool_fee,other_cost_usd_per_btc)", "USD",
            "Power cost per BTC plus other cash cost per BTC", "breakeven_btc_price_usd", "usd", "key"),
    ]


def _reported_rows() -> list[Row]:
    return [
        Row("Cash cost per BTC, FY-2024 (top-down)",
            "=BTC_CASH_COST_PER_BTC(fy_btc_mined,fy_power_cost_usd,fy_power_credits_usd,"
            "fy_other_direct_cost_usd,fy_cash_sga_usd)", "USD per BTC",
            "(power - credits + other direct + cash SG&A) / BTC mined", "fy_cash_cost_usd_per_btc", "usd", "key"),
        Row("Power cost per BTC, FY-2024", "=BTC_CASH_COST_PER_BTC(fy_btc_mined,fy_power_cost_usd)",
            "USD per BTC", "Power fees alone", "fy_power_cost_usd_per_btc", "usd", "formula"),
        Row("All-in cost per BTC, FY-2024",
            "=BTC_ALL_IN_COST_PER_BTC(fy_btc_mined,fy_power_cost_usd,fy_power_credits_usd,"
            "fy_other_direct_cost_usd,fy_cash_sga_usd,fy_depreciation_usd)", "USD per BTC",
            "Cash cost plus depreciation", "fy_all_in_cost_usd_per_btc", "usd", "formula"),
        Row("Implied power price, FY-2024",
            "=fy_power_cost_usd/(BTC_FLEET_POWER_MW(fleet_hashrate_ehs,efficiency_j_per_th)*24*fy_days)",
            "USD/MWh", "Power fees / MWh the fleet draws in a year at full uptime", "fy_implied_power_usd_per_mwh",
            "usd2", "formula"),
    ]


def write_mining(ws, wb: Workbook, styles: Styles) -> None:
    ws.set_column(0, 0, 42)
    ws.set_column(1, 1, 16)
    ws.set_column(2, 2, 20)
    ws.set_column(3, 3, 48)
    model_sheet(ws, styles, "Mining economics",
                "Every number below is a formula over the Inputs sheet, computed by xlmodel.")
    header(ws, styles, 3, ["Network and fleet", "value", "unit", "how"])
    rows = _mining_rows()
    write_rows(ws, wb, styles, 4, rows)
    r = 5 + len(rows)
    header(ws, styles, r, ["Reported cost per BTC", "value", "unit", "how"])
    reported = _reported_rows()
    write_rows(ws, wb, styles, r + 1, reported)
    r += 2 + len(reported)
    _write_sensitivity(ws, wb, styles, r)
    _write_grid(ws, styles, r + 18, 4)


def _write_sensitivity(ws, wb: Workbook, styles: Styles, r: int) -> None:
    """Power cost per BTC against power price (one array formula), charted against the BTC price."""
    header(ws, styles, r, ["Power price (USD/MWh)", "Power cost per BTC (USD)", "BTC price (USD)"])
    first, last = r + 1, r + len(SENSITIVITY_POWER)
    for i, p in enumerate(SENSITIVITY_POWER):
        ws.write_number(first + i, 0, p, styles.get("input", "num0"))
    prices = xl_range_abs(first, 0, last, 0)
    ws.write_array_formula(
        first, 1, last, 1,
        f"{{=BTC_POWER_COST_PER_BTC(efficiency_j_per_th,{prices},network_hashrate_ehs,"
        f"fees_btc_per_block,block_subsidy_btc,pool_fee)}}",
        styles.get("formula", "usd"),
    )
    for i in range(len(SENSITIVITY_POWER)):
        ws.write_formula(first + i, 2, "=btc_price_usd", styles.get("link", "usd"))
    chart = wb.add_chart({"type": "line"})
    sheet = ws.name
    for col, name in ((1, "Power cost per BTC"), (2, "BTC price")):
        chart.add_series({
            "name": name,
            "categories": [sheet, first, 0, last, 0],
            "values": [sheet, first, col, last, col],
            "marker": {"type": "circle", "size": 4} if col == 1 else {"type": "none"},
        })
    chart.set_title({"name": "Power cost per BTC vs power price"})
    chart.set_x_axis({"name": "Power price (USD/MWh)"})
    chart.set_y_axis({"name": "USD per BTC", "num_format": "#,##0"})
    chart.set_legend({"position": "bottom"})
    ws.insert_chart(r, 4, chart, {"x_scale": 1.3, "y_scale": 1.1})


def _write_grid(ws, styles: Styles, r: int, c: int) -> None:
    """BTC_COST_GRID over power prices (down) and network hashrates (across), from input cells.

    Laid out from column ``c`` so that the grid's columns share one width.
    """
    ws.set_column(c, c + len(GRID_HASHRATE), 12)
    ws.write_string(r, c, "Power cost per BTC (USD): power price (USD/MWh) down, network hashrate (EH/s) across",
                    styles.header)
    axis_row = r + 1
    ws.write_string(axis_row, c, "inputs:", styles.note)
    for j, h in enumerate(GRID_HASHRATE):
        ws.write_number(axis_row, c + 1 + j, h, styles.get("input", "num0"))
    for i, p in enumerate(GRID_POWER):
        ws.write_number(axis_row + 1 + i, c, p, styles.get("input", "num0"))
    powers = xl_range_abs(axis_row + 1, c, axis_row + len(GRID_POWER), c)
    hashrates = xl_range_abs(axis_row, c + 1, axis_row, c + len(GRID_HASHRATE))
    top = axis_row + len(GRID_POWER) + 2
    ws.write_array_formula(
        top, c, top + len(GRID_POWER), c + len(GRID_HASHRATE),
        f"{{=BTC_COST_GRID({powers},{hashrates},efficiency_j_per_th,fees_btc_per_block,block_subsidy_btc,pool_fee)}}",
        styles.get("formula", "usd"),
    )
    ws.conditional_format(
        top + 1, c + 1, top + len(GRID_POWER), c + len(GRID_HASHRATE),
        {"type": "cell", "criteria": ">", "value": "btc_price_usd", "format": styles.alert},
    )
    ws.write_string(top + len(GRID_POWER) + 1, c, "Red: power cost above the BTC price on Inputs", styles.note)
