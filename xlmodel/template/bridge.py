"""The template's Bridge sheet: two quarters' items, their bridges, the walk and its waterfall."""

from __future__ import annotations

from xlsxwriter.utility import xl_range_abs, xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook

from xlmodel.core import bridge
from xlmodel.template.layout import (
    COMPANY_ROWS,
    LOOKUP_COLUMNS,
    NUMBER_FORMATS,
    Styles,
    company_value,
    header,
    model_sheet,
)

SEGMENTS = ["self_mining", "hosted_mining", "colocation"]
KEYS = (
    [f"revenue.{s}" for s in SEGMENTS]
    + [f"cost_of_revenue.{s}" for s in SEGMENTS]
    + list(bridge.OPERATING_LINES) + list(bridge.BELOW_THE_LINE) + list(bridge.ADD_BACK_ONLY)
    + [f"reported.{name}" for name in bridge.REPORTED]
)
WALK_ROWS = 2 + len(SEGMENTS) + len(bridge.LINES)
FIRST = 8  # first item row (0-based); the selectors sit above



def write_bridge(ws, wb: Workbook, styles: Styles) -> None:
    ws.set_column(0, 0, 34)
    ws.set_column(1, 2, 15)
    for key_col in (4, 7, 11):  # bridge, bridge, walk: key | label | value
        ws.set_column(key_col, key_col, 28)
        ws.set_column(key_col + 1, key_col + 1, 42)
        ws.set_column(key_col + 2, key_col + 2, 15)
    ws.set_column(3, 3, 2)
    ws.set_column(10, 10, 2)
    model_sheet(ws, styles, "Segment bridge: the model ticker's two latest quarters in Data_Company, or two you type",
                "Items in xlmodel's vocabulary (USD; revenues and expenses positive, gains positive), looked up in "
                "Data_Company, where each row names its filing or release. A blank is an item not in the data: "
                "the check rows show what is left to itemise.")
    _write_selectors(ws, wb, styles)
    last = _write_items(ws, wb, styles)
    keys = xl_range_abs(FIRST, 0, last, 0)
    for i, values_col in enumerate((1, 2)):
        values = xl_range_abs(FIRST, values_col, last, values_col)
        _write_spill(ws, styles, 4 + 3 * i, ("Bridge: prior quarter", "Bridge: current quarter")[i],
                     f"=SEGMENT_BRIDGE({keys},{values})", 60)
    walk_col = 11
    _write_spill(ws, styles, walk_col, "Walk: prior to current quarter",
                 f"=SEGMENT_WALK({keys},{xl_range_abs(FIRST, 1, last, 1)},{xl_range_abs(FIRST, 2, last, 2)})",
                 WALK_ROWS)
    _waterfall(ws, wb, styles, walk_col, "Net income walk of the items given, prior to current quarter (USD)")


def _latest_quarter(before: str = "") -> str:
    """The latest calendar quarter in which the model ticker reports revenue (before the quarter in cell ``before``, if
    given): Data_Company is sorted by ticker, period end and key, so the last match is the latest."""
    other = f"*(company_quarter<{before})" if before else ""
    return (f'IFERROR(LOOKUP(2,1/((company_ticker=bridge_ticker)*(company_key="reported.revenue"){other}),'
            'company_quarter),"")')


def _write_selectors(ws, wb: Workbook, styles: Styles) -> None:
    """Ticker and quarters the bridge reads: the latest two of the model ticker, unless typed in column C."""
    ws.write_string(2, 2, "type a quarter to override", styles.note)
    rows = (("Ticker", "bridge_ticker", "=model_ticker"),
            ("Prior quarter (calendar, e.g. 2025-Q3)", "bridge_prior_quarter", "=" + _latest_quarter("$B$6")),
            ("Current quarter (calendar)", "bridge_current_quarter", "=" + _latest_quarter()))
    for r, (label, name, default) in enumerate(rows):
        ws.write_string(3 + r, 0, label, styles.label)
        if r == 0:
            ws.write_formula(3, 1, default, styles.get("link", "text"))
            ws.write_string(3, 3, "Inputs: the model ticker", styles.note)
        else:
            typed = xl_rowcol_to_cell(3 + r, 2)
            ws.write_blank(3 + r, 2, None, styles.get("input", "text"))
            ws.write_formula(3 + r, 3, default, styles.get("link", "text"))
            ws.write_formula(3 + r, 1, f'=IF({typed}<>"",{typed},{xl_rowcol_to_cell(3 + r, 3)})',
                             styles.get("formula", "text"))
        wb.define_name(name, f"='{ws.name}'!{xl_range_abs(3 + r, 1, 3 + r, 1)}")
    for name, col in LOOKUP_COLUMNS.items():
        wb.define_name(name, f"='Data_Company'!{xl_range_abs(1, col, COMPANY_ROWS, col)}")


def _write_items(ws, wb: Workbook, styles: Styles) -> int:
    header(ws, styles, FIRST - 1, ["item key"])
    ws.write_formula(FIRST - 1, 1, "=bridge_prior_quarter", styles.header)
    ws.write_formula(FIRST - 1, 2, "=bridge_current_quarter", styles.header)
    amount = styles.get("link", "usd")
    for i, key in enumerate(KEYS):
        ws.write_string(FIRST + i, 0, key, styles.get("input", "text"))
        key_cell = xl_rowcol_to_cell(FIRST + i, 0, col_abs=True)
        for col, quarter in ((1, "bridge_prior_quarter"), (2, "bridge_current_quarter")):
            ws.write_formula(FIRST + i, col, "=" + company_value("bridge_ticker", quarter, key_cell), amount)
    last = FIRST + len(KEYS) - 1
    ws.write_string(last + 2, 0, "Where each number comes from: the url, accession and concept columns of "
                    "Data_Company, and the Sources sheet.", styles.note)
    wb.define_name("bridge_item_keys", f"='{ws.name}'!{xl_range_abs(FIRST, 0, last, 0)}")
    wb.define_name("bridge_prior_values", f"='{ws.name}'!{xl_range_abs(FIRST, 1, last, 1)}")
    wb.define_name("bridge_current_values", f"='{ws.name}'!{xl_range_abs(FIRST, 2, last, 2)}")
    return last


def _write_spill(ws, styles: Styles, col: int, title: str, formula: str, rows: int) -> None:
    """A dynamic-array table (key, label, value): it grows with the items given."""
    ws.write_string(FIRST - 1, col, title, styles.header)
    ws.write_string(FIRST - 1, col + 1, "", styles.header)
    ws.write_string(FIRST - 1, col + 2, "USD", styles.header)
    for i in range(rows):  # formats for the cells the table spills into
        ws.write_blank(FIRST + i, col, None, styles.get("formula", "text"))
        ws.write_blank(FIRST + i, col + 1, None, styles.get("formula", "text"))
        ws.write_blank(FIRST + i, col + 2, None, styles.get("formula", "usd"))
    ws.write_dynamic_array_formula(FIRST, col, FIRST, col, formula, styles.get("formula", "text"))
    key_cell = xl_rowcol_to_cell(FIRST, col, col_abs=True)
    ws.conditional_format(FIRST, col + 2, FIRST + rows - 1, col + 2, {  # shares and margins are fractions
        "type": "formula", "criteria": f'=OR(LEFT({key_cell},14)="revenue_share.",LEFT({key_cell},13)="gross_margin.")',
        "format": styles.wb.add_format({"num_format": NUMBER_FORMATS["pct"]})})


HELPERS = ["short label", "level before", "level after", "base +", "base -", "total +", "total -",
           "increase +", "increase -", "decrease +", "decrease -"]


def _waterfall(ws, wb: Workbook, styles: Styles, walk_col: int, title: str) -> None:
    """A stacked-column waterfall of the walk that works for any sign.

    Each bar floats between the level before and after its change. Excel stacks positive
    and negative values apart from zero, so each bar is split into invisible bases and
    visible parts above and below zero, coloured as a total, an increase or a decrease.
    """
    key, value = walk_col, walk_col + 2
    c0 = walk_col + 4
    for i, name in enumerate(HELPERS):
        ws.write_string(FIRST - 1, c0 + i, name, styles.header)
    ws.set_column(c0, c0, 24)
    ws.set_column(c0 + 1, c0 + len(HELPERS) - 1, 13)
    last = FIRST + WALK_ROWS - 1
    fmt = styles.get("formula", "usd")
    cell = lambda r, i: xl_rowcol_to_cell(r, c0 + i)
    for r in range(FIRST, last + 1):
        total = r in (FIRST, last)
        before_f = "=0" if total else f"={cell(r - 1, 2)}"
        after_f = f"={xl_rowcol_to_cell(r, value)}" if total else f"={cell(r - 1, 2)}+{xl_rowcol_to_cell(r, value)}"
        lo, hi = f"MIN({cell(r, 1)},{cell(r, 2)})", f"MAX({cell(r, 1)},{cell(r, 2)})"
        up = f"{cell(r, 2)}>={cell(r, 1)}"
        pos, neg = f"(MAX({hi},0)-MAX({lo},0))", f"(MIN({lo},0)-MIN({hi},0))"
        formulas = [
            f'=SUBSTITUTE({xl_rowcol_to_cell(r, key)},"change.","")', before_f, after_f,
            f"=IF({lo}>0,{lo},0)", f"=IF({hi}<0,{hi},0)",
            f"={pos}" if total else "=0", f"={neg}" if total else "=0",
            "=0" if total else f"=IF({up},{pos},0)", "=0" if total else f"=IF({up},{neg},0)",
            "=0" if total else f"=IF({up},0,{pos})", "=0" if total else f"=IF({up},0,{neg})",
        ]
        for i, formula in enumerate(formulas):
            ws.write_formula(r, c0 + i, formula, styles.get("formula", "text") if i == 0 else fmt)
    chart = wb.add_chart({"type": "column", "subtype": "stacked"})
    colours = [None, None, "#4472C4", "#4472C4", "#70AD47", "#70AD47", "#C00000", "#C00000"]
    for i, colour in enumerate(colours):
        col = c0 + 3 + i
        fill = {"fill": {"color": colour}} if colour else {"fill": {"none": True}, "border": {"none": True}}
        chart.add_series({"name": [ws.name, FIRST - 1, col], "categories": [ws.name, FIRST, c0, last, c0],
                          "values": [ws.name, FIRST, col, last, col], "gap": 40, **fill})
    chart.set_title({"name": title})
    chart.set_legend({"none": True})
    chart.set_y_axis({"num_format": "#,##0,,\"M\""})
    chart.set_x_axis({"num_font": {"rotation": -45}, "label_position": "low"})  # under the bars, not across them
    ws.insert_chart(last + 3, walk_col, chart, {"x_scale": 1.3, "y_scale": 1.5})  # within the walk's columns
