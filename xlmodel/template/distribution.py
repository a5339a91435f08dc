"""The Valuation sheet's distribution block: value per share over the Trials sheet's worlds, the probability
that value exceeds the price, a histogram with the price marked, and a tornado of what moves the value."""

from __future__ import annotations

from xlsxwriter.utility import xl_range_abs, xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook

from xlmodel.template.layout import Row, Styles, header, write_rows
from xlmodel.template.trials import MODEL_PATHS, mean_value, model_context, tornado_context

VALUATION_MD = "xlmodel docs: ../shared/docs/valuation.md"
COINPULSE = ("https://coinpulse.com.au/news/bitcoin-falls-below-60-000-on-track-for-a-rare-back-to-back-quarterly "
             "(below 60,000 USD on 28 Jun 2026)")
CANTOR = ("https://blockspace.media/insight/cantor-fitzgerald-issues-100-iren-price-target-cites-ai-cloud-and-"
          "sweetwater-value (Cantor valued IREN's mining at 116,000 USD, Oct 2025)")
PERCENTILES = [("P5", 0.05), ("P25", 0.25), ("P50 (median)", 0.5), ("P75", 0.75), ("P95", 0.95)]
BINS = 20
# (label, driver, low, high, unit, number format, source): each goes from low to high with the others at base
DRIVERS = [
    ("BTC price (x today's)", "btc_price", 0.74, 1.43, "x the BTC price", "num",
     f"Low: below 60,000 USD at the end of June 2026 ({COINPULSE}); high: 116,000 USD ({CANTOR}); both over 81,000"),
    ("BTC volatility", "volatility", 0.43, 0.65, "fraction per year", "pct",
     f"2025's realised 42.8% and a 65% stress (2022's 63.8%); {VALUATION_MD} 3.3"),
    ("Network hashrate growth", "network_growth", 0.2, 0.64, "fraction per year", "pct",
     f"High: Hashlabs' +63.6% for 2026; low: half the base 40%; {VALUATION_MD} 3.2"),
    ("Discount rate", "discount_rate", 0.06, 0.10, "fraction per year", "pct", "Two points either side of the "
     "8% base (Canaccord's WACC for IREN's Microsoft contract)"),
    ("Terminal cap rate", "cap_rate", 0.055, 0.075, "fraction per year", "pct",
     f"JLL Q1-2026: stabilised hyperscale 5.5-6.5%, powered shell 7-8%; {VALUATION_MD} 1.4"),
    ("NOI margin", "noi_margin", 0.80, 0.90, "fraction", "pct",
     f"Cipher 80-85% (modified gross); NNN leases 90%+; {VALUATION_MD} 1.3"),
    ("RFS slip, mean (months)", "slip", 0, 9, "months", "num", "No delay, and three quarters late (the Scenarios "
     "sheet's base: 3 months)"),
    ("Pipeline probability", "pipeline_probability", 0.10, 0.75, "fraction", "pct",
     f"H.C. Wainwright's 10% and Cantor's 75% (JPMorgan 50%); {VALUATION_MD} 1.1"),
    ("Power price (x the company's)", "power", 0.75, 1.25, "x its power price", "num", "A quarter cheaper or dearer "
     "than the company's sourced power price"),
]


def write_distribution(ws, wb: Workbook, styles: Styles, r: int) -> int:
    """The block from row ``r`` of the Valuation sheet; returns the next free row."""
    r = _write_stats(ws, wb, styles, r)
    r = _write_histogram(ws, wb, styles, r)
    return _write_tornado(ws, wb, styles, r)


def _stat(formula: str) -> str:
    return f'=IF(COUNT(trial_value_per_share)=0,"",{formula})'


def _write_stats(ws, wb: Workbook, styles: Styles, r: int) -> int:
    rows = [Row(f"Value per share, {label}", _stat(f"PERCENTILE.INC(trial_value_per_share,{q})"), "USD/share",
                "Of the trials on the Trials sheet, diluted at each trial's value", f"val_value_p{round(q * 100)}",
                "usd2", "key" if q == 0.5 else "formula") for label, q in PERCENTILES]
    rows += [
        Row("Value per share, mean", _stat("AVERAGE(trial_value_per_share)"), "USD/share",
            "The flat valuation above is one path; this is the average over the worlds", "val_value_mean", "usd2",
            "formula"),
        Row("Probability that value exceeds the share price",
            _stat('COUNTIF(trial_value_per_share,">"&val_share_price)/COUNT(trial_value_per_share)'), "fraction",
            "Share of the worlds in which value per share is above the price (@RISK's RiskTargetD)",
            "val_p_above_price", "pct", "key"),
    ]
    header(ws, styles, r, [f"Value per share as a distribution ({MODEL_PATHS:,} worlds: BTC price and network, RFS "
                           "slips, pipeline)", "value", "unit", "source / note"])
    write_rows(ws, wb, styles, r + 1, rows)
    return r + len(rows) + 2


def _write_histogram(ws, wb: Workbook, styles: Styles, r: int) -> int:
    ws.write_string(r, 0, "Histogram of value per share (trials per bin), the bin holding the share price in red",
                    styles.header)
    header(ws, styles, r + 1, ["bin above (USD/share)", "up to", "trials", "holding the price"])
    first = r + 2
    lo, hi = "PERCENTILE.INC(trial_value_per_share,0.01)", "PERCENTILE.INC(trial_value_per_share,0.99)"
    for k in range(BINS):
        row = first + k
        start = f"{lo}+({hi}-{lo})*{k}/{BINS}"
        end = f"{lo}+({hi}-{lo})*{k + 1}/{BINS}"
        ws.write_formula(row, 0, _stat(start), styles.get("formula", "usd2"))
        ws.write_formula(row, 1, _stat(end), styles.get("formula", "usd2"))
        a, b = xl_rowcol_to_cell(row, 0), xl_rowcol_to_cell(row, 1)
        holds = f"AND(val_share_price>{a}," + ("TRUE" if k == BINS - 1 else f"val_share_price<={b}") + ")"
        if k == 0:
            holds = f"OR(val_share_price<={b},{holds})"
        ws.write_formula(row, 3, f'=IF({a}="","",IF({holds},{xl_rowcol_to_cell(row, 2)},0))',
                         styles.get("formula", "num0"))
    last = first + BINS - 1
    # one pass over the trials: FREQUENCY counts each bin up to its upper edge, the ends take the tails
    edges = xl_range_abs(first, 1, last - 1, 1)
    ws.write_array_formula(first, 2, last, 2, f'{{=IF(COUNT(trial_value_per_share)=0,"",FREQUENCY('
                           f'trial_value_per_share,{edges}))}}', styles.get("formula", "num0"))
    chart = wb.add_chart({"type": "column", "subtype": "stacked"})
    sheet = ws.name
    chart.add_series({"name": "trials", "categories": [sheet, first, 0, last, 0], "values": [sheet, first, 2, last, 2],
                      "fill": {"color": "#6FA8DC"}, "gap": 10})
    chart.add_series({"name": "bin holding the share price", "categories": [sheet, first, 0, last, 0],
                      "values": [sheet, first, 3, last, 3], "fill": {"color": "#C00000"}, "overlap": 100})
    chart.set_title({"name": "Value per share over the worlds (USD/share, bins from)", "name_font": {"size": 11}})
    chart.set_x_axis({"num_format": "#,##0.00"})
    chart.set_legend({"position": "bottom"})
    ws.insert_chart(r, 5, chart, {"x_scale": 1.3, "y_scale": 1.1})
    wb.define_name("val_histogram", f"='{sheet}'!{xl_range_abs(first, 0, last, 3)}")
    return last + 3


def _write_tornado(ws, wb: Workbook, styles: Styles, r: int) -> int:
    ws.write_string(r, 0, "Tornado: mean value per share with one driver at its low and its high, the others at base "
                    "(the same trials for every bar)", styles.header)
    header(ws, styles, r + 1, ["driver", "low", "high", "unit", "value at low (USD/share)",
                               "value at high (USD/share)", "swing (USD/share)", "source", "rank by swing"])
    base_row = r + 2
    ws.write_string(base_row, 0, "Base: every driver as above", styles.label)
    ws.write_formula(base_row, 4, "=" + mean_value(model_context()), styles.get("key", "usd2"))
    base = xl_rowcol_to_cell(base_row, 4, row_abs=True, col_abs=True)
    wb.define_name("val_tornado_base", f"='{ws.name}'!{base}")
    first = base_row + 1
    last = first + len(DRIVERS) - 1
    for k, (label, driver, low, high, unit, number, source) in enumerate(DRIVERS):
        row = first + k
        ws.write_string(row, 0, label, styles.label)
        ws.write_number(row, 1, low, styles.get("input", number))
        ws.write_number(row, 2, high, styles.get("input", number))
        ws.write_string(row, 3, unit, styles.label)
        for c, cell in ((4, xl_rowcol_to_cell(row, 1)), (5, xl_rowcol_to_cell(row, 2))):
            ws.write_formula(row, c, "=" + mean_value(tornado_context(driver, cell)), styles.get("formula", "usd2"))
        e, f = xl_rowcol_to_cell(row, 4), xl_rowcol_to_cell(row, 5)
        ws.write_formula(row, 6, f'=IF(OR({e}="",{f}=""),"",ABS({f}-{e}))', styles.get("formula", "usd2"))
        ws.write_string(row, 7, source, styles.note)
        ws.write_formula(row, 8, _rank(first, last, row), styles.get("formula", "num0"))
    wb.define_name("val_tornado", f"='{ws.name}'!{xl_range_abs(first, 0, last, 6)}")
    return _write_tornado_chart(ws, wb, styles, first, last, base)


def _rank(first: int, last: int, row: int) -> str:
    """The driver's place by swing, 1 for the widest; ties go in table order, so every place is taken once.

    Whole numbers in plain cells: MATCH finds each exactly, with no array formula (the earlier tie-break,
    ROW()/1E9 added to each swing, needs ROW of a range as an array, which formualizer 0.13 did not give)."""
    swing = xl_rowcol_to_cell(row, 6)
    swings = xl_range_abs(first, 6, last, 6)
    above = f"{xl_rowcol_to_cell(first, 6, row_abs=True, col_abs=True)}:{swing}"
    return f'=IF({swing}="","",COUNTIF({swings},">"&{swing})+COUNTIF({above},{swing}))'


def _write_tornado_chart(ws, wb: Workbook, styles: Styles, first: int, last: int, base: str) -> int:
    """The drivers sorted by swing (widest on top) as bars from the base: low and high."""
    r = last + 2
    header(ws, styles, r, ["by swing", "low - base", "high - base"])
    ranks = xl_range_abs(first, 8, last, 8)
    top = r + 1
    for k in range(len(DRIVERS)):
        row = top + k
        at = f"MATCH({k + 1},{ranks},0)"
        ws.write_formula(row, 0, f'=IFERROR(INDEX({xl_range_abs(first, 0, last, 0)},{at}),"")', styles.label)
        for c, col in ((1, 4), (2, 5)):
            values = xl_range_abs(first, col, last, col)
            ws.write_formula(row, c, f'=IFERROR(INDEX({values},{at})-{base},"")', styles.get("formula", "usd2"))
    bottom = top + len(DRIVERS) - 1
    wb.define_name("val_tornado_sorted", f"='{ws.name}'!{xl_range_abs(top, 0, bottom, 2)}")
    chart = wb.add_chart({"type": "bar"})
    for c, name, colour in ((1, "driver at its low", "#C00000"), (2, "driver at its high", "#1F4E79")):
        chart.add_series({"name": name, "categories": [ws.name, top, 0, bottom, 0],
                          "values": [ws.name, top, c, bottom, c], "fill": {"color": colour}, "overlap": 100,
                          "gap": 40})
    chart.set_title({"name": "What moves the mean value per share (USD/share from the base)",
                     "name_font": {"size": 11}})
    chart.set_y_axis({"reverse": True})
    chart.set_legend({"position": "bottom"})
    ws.insert_chart(first - 2, 9, chart, {"x_scale": 1.3, "y_scale": 1.2})
    return bottom + 2
