"""The template's Mining sheet: the model ticker's fleet economics, bottom-up and as reported.

The fleet, its efficiency and power price are the Inputs sheet's (the company's sourced records or an override);
a row that needs one the company lacks stays empty, and the line at the top says what to type."""

from __future__ import annotations

from xlsxwriter.utility import xl_range_abs
from xlsxwriter.workbook import Workbook

from xlmodel.template.layout import Row, Styles, company_value, header, model_sheet, write_rows

SENSITIVITY_POWER = [20, 30, 40, 50, 60, 70, 80, 90, 100]
GRID_POWER = [30, 40, 50, 60, 70]
GRID_HASHRATE = [900, 1_000, 1_100, 1_200, 1_300]


EFFICIENCY_AND_POWER = ("efficiency_j_per_th", "power_usd_per_mwh")


def needs(names: tuple[str, ...], formula: str) -> str:
    """``formula`` (with its '='), or empty text while one of the company inputs ``names`` is missing."""
    test = ",".join(f'{n}=""' for n in names)
    return f'=IF(OR({test}),"",{formula[1:]})'


def _mining_rows() -> list[Row]:
    return [
        Row("Network hashrate", "=BTC_HASHRATE_FROM_DIFFICULTY(difficulty)", "EH/s",
            "difficulty x 2^32 / 600", "network_hashrate_ehs", "num", "link"),
        Row("Block subsidy", "=BTC_BLOCK_SUBSIDY(block_height)", "BTC per block",
            "Halves every 210,000 blocks", "block_subsidy_btc", "num4", "link"),
        Row("Hashprice", "=BTC_HASHPRICE(btc_price_usd,network_hashrate_ehs,fees_btc_per_block,block_subsidy_btc)",
            "USD per PH/s per day", "Revenue of 1 PH/s for a day", "hashprice_usd_per_ph_day", "usd2", "key"),
        Row("Hashcost", needs(EFFICIENCY_AND_POWER, "=BTC_HASHCOST(efficiency_j_per_th,power_usd_per_mwh)"),
            "USD per PH/s per day",
            "Power cost of 1 PH/s for a day", "hashcost_usd_per_ph_day", "usd2", "formula"),
        Row("Fleet power draw", needs(("fleet_hashrate_ehs", "efficiency_j_per_th"),
                                      "=BTC_FLEET_POWER_MW(fleet_hashrate_ehs,efficiency_j_per_th)"), "MW",
            "While hashing", "fleet_power_mw", "num", "formula"),
        Row("Expected BTC mined in the period",
            needs(("fleet_hashrate_ehs",), "=BTC_MINED(fleet_hashrate_ehs,network_hashrate_ehs,days_in_period,"
                  "fees_btc_per_block,block_subsidy_btc,uptime,pool_fee)"), "BTC",
            "Fleet share of the network's blocks over the days of the reported period (Inputs)",
            "btc_mined_period", "num0", "formula"),
        Row("Power cost per BTC (bottom-up)",
            needs(EFFICIENCY_AND_POWER, "=BTC_POWER_COST_PER_BTC(efficiency_j_per_th,power_usd_per_mwh,"
                  "network_hashrate_ehs,fees_btc_per_block,block_subsidy_btc,pool_fee)"), "USD per BTC", "Uptime cancels",
            "power_cost_usd_per_btc", "usd", "key"),
        Row("Margin per BTC over power", '=IF(power_cost_usd_per_btc="","",btc_price_usd-power_cost_usd_per_btc)',
            "USD per BTC", "",
            "power_margin_usd_per_btc", "usd", "formula"),
        Row("Breakeven power price",
            needs(("efficiency_j_per_th",), "=BTC_BREAKEVEN_POWER_PRICE(btc_price_usd,efficiency_j_per_th,"
                  "network_hashrate_ehs,fees_btc_per_block,block_subsidy_btc,pool_fee)"), "USD/MWh",
            "Hashprice = hashcost",
            "breakeven_power_usd_per_mwh", "usd2", "key"),
        Row("Breakeven BTC price",
            needs(EFFICIENCY_AND_POWER, "=BTC_BREAKEVEN_PRICE(efficiency_j_per_th,power_usd_per_mwh,"
                  "network_hashrate_ehs,fees_btc_per_block,block_subsidy_btc,pool_fee,other_cost_usd_per_btc)"), "USD",
            "Power cost per BTC plus other cash cost per BTC", "breakeven_btc_price_usd", "usd", "key"),
    ]


def _reported_rows() -> list[Row]:
    cost = company_value("model_ticker", "mining_quarter", '"cost_of_revenue.self_mining"')
    return [
        Row("BTC mined, as reported", "=btc_mined_reported", "BTC", '="from "&TEXT(btc_period_start,"yyyy-mm-dd")&'
            '" to "&TEXT(btc_period_end,"yyyy-mm-dd")&" (Inputs)"', None, "num0", "link"),
        Row("Calendar quarter of that period", '=IF(OR(btc_period_start="",btc_period_end=""),"",IF(btc_period_end-'
            'btc_period_start<88,"",YEAR(btc_period_end)&"-Q"&ROUNDUP(MONTH(btc_period_end)/3,0)))', "",
            "A month's production has no reported cost of its own: empty then", "mining_quarter", "text", "formula"),
        Row("Self-mining cost of revenue in it", f'=IF(mining_quarter="","",{cost})', "USD",
            "Data_Company, ex-D&A (the filing's segment note, or the release)", "reported_mining_cost_usd", "usd",
            "link"),
        Row("Cash SG&A over the period", '=IF(OR(cash_sga_usd_per_year="",mining_quarter=""),"",cash_sga_usd_per_year*'
            'days_in_period/365)', "USD", "Cash SG&A per year (Inputs) times the period's days / 365",
            "period_cash_sga_usd", "usd", "formula"),
        Row("Cash cost per BTC (top-down)", '=IF(OR(reported_mining_cost_usd="",N(btc_mined_reported)=0),"",'
            'BTC_CASH_COST_PER_BTC(btc_mined_reported,reported_mining_cost_usd))', "USD per BTC",
            "Self-mining cost of revenue ex-D&A / BTC mined: TheMinerMag's measure", "reported_cash_cost_usd_per_btc",
            "usd", "key"),
        Row("Cash cost per BTC with cash SG&A", '=IF(OR(reported_cash_cost_usd_per_btc="",period_cash_sga_usd=""),"",'
            'BTC_CASH_COST_PER_BTC(btc_mined_reported,reported_mining_cost_usd,0,0,period_cash_sga_usd))',
            "USD per BTC", "CoinShares' measure: cost of revenue plus SG&A less stock compensation, per BTC",
            "reported_cash_cost_with_sga_usd_per_btc", "usd", "formula"),
        Row("Reported / expected BTC", '=IF(OR(N(btc_mined_reported)=0,btc_mined_period="",N(btc_mined_period)=0),"",'
            'btc_mined_reported/btc_mined_period)', "fraction", "Realised share of the fleet's expected blocks over "
            "the same days (uptime, curtailment, a fleet that changed)", "btc_realised_share", "pct", "formula"),
    ]


def write_mining(ws, wb: Workbook, styles: Styles) -> None:
    ws.set_column(0, 0, 42)
    ws.set_column(1, 1, 16)
    ws.set_column(2, 2, 20)
    ws.set_column(3, 3, 48)
    model_sheet(ws, styles, "Mining economics",
                "Every number below is a formula over the Inputs sheet, computed by xlmodel.")
    ws.write_formula(2, 0, '="Company: "&model_ticker&IF(IFERROR(INDEX(cmp_mining_missing,_model_row),"")="","",'
                     '": "&INDEX(cmp_mining_missing,_model_row))', styles.note)
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
        f'{{=IF(efficiency_j_per_th="","",BTC_POWER_COST_PER_BTC(efficiency_j_per_th,{prices},network_hashrate_ehs,'
        f"fees_btc_per_block,block_subsidy_btc,pool_fee))}}",
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
        f'{{=IF(efficiency_j_per_th="","",BTC_COST_GRID({powers},{hashrates},efficiency_j_per_th,fees_btc_per_block,'
        f"block_subsidy_btc,pool_fee))}}",
        styles.get("formula", "usd"),
    )
    ws.conditional_format(
        top + 1, c + 1, top + len(GRID_POWER), c + len(GRID_HASHRATE),
        {"type": "cell", "criteria": ">", "value": "btc_price_usd", "format": styles.alert},
    )
    ws.write_string(top + len(GRID_POWER) + 1, c, "Red: power cost above the BTC price on Inputs", styles.note)
