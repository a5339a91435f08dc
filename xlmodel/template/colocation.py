"""The template's Colocation sheet: the model ticker's billable MW and revenue by quarter from its lease blocks
(Inputs), against what it reported, and every covered company's leases side by side."""

from __future__ import annotations

import datetime as dt

from xlsxwriter.utility import xl_range_abs
from xlsxwriter.workbook import Workbook

from xlmodel.template.layout import Styles, company_value, header, model_sheet

QUARTERS = [(y, q) for y in (2024, 2025, 2026, 2027) for q in (1, 2, 3, 4)]
REPORTED_KEY = "revenue.colocation"  # the reported column reads Data_Company: releases offline, filings after a refresh


def _quarter_bounds(year: int, q: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * q - 2, 1)
    end = dt.date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1) - dt.timedelta(days=1)
    return start, end


def write_colocation(ws, wb: Workbook, styles: Styles) -> None:
    ws.set_column(0, 0, 16)
    ws.set_column(1, 2, 12)
    ws.set_column(3, 8, 19)
    model_sheet(ws, styles, "Colocation: billable MW, revenue and what a MW earns",
                "The model ticker's lease blocks on the Inputs sheet (critical-IT MW owned, rate per IT kW-month, "
                "escalator). A block bills from its RFS date at rate x 12 / 365 per day.")
    ws.write_formula(2, 0, '="Company: "&model_ticker&"; "&IF(COUNT(colo_rfs_dates)=0,"no signed colocation lease: '
                     'no revenue to model",TEXT(SUM(colo_mw_blocks),"#,##0")&" MW of critical IT contracted")',
                     styles.note)
    end_row = _write_quarters(ws, wb, styles, 3)
    _write_peer_table(ws, styles, end_row + 2)


def _write_quarters(ws, wb: Workbook, styles: Styles, r: int) -> int:
    header(ws, styles, r, ["quarter", "start", "end", "billable MW at end", "modelled revenue (USD)",
                           "USD/MW-year, end MW", "reported revenue (USD)", "modelled - reported (USD)",
                           "modelled / reported - 1"])
    first, last = r + 1, r + len(QUARTERS)
    date_fmt = styles.get("formula", "date")
    for i, (year, q) in enumerate(QUARTERS):
        start, end = _quarter_bounds(year, q)
        row = first + i + 1  # 1-based row for A1 references
        ws.write_string(first + i, 0, f"Q{q}-{year % 100:02d}", styles.label)
        ws.write_datetime(first + i, 1, dt.datetime.combine(start, dt.time()), date_fmt)
        ws.write_datetime(first + i, 2, dt.datetime.combine(end, dt.time()), date_fmt)
        ws.write_formula(first + i, 6, "=" + company_value("model_ticker", f'"{year}-Q{q}"', f'"{REPORTED_KEY}"'),
                         styles.get("link", "usd"))
        ws.write_formula(first + i, 7, f'=IF(OR(G{row}="",E{row}=""),"",E{row}-G{row})', styles.get("formula", "usd"))
        ws.write_formula(first + i, 8, f'=IF(OR(G{row}="",G{row}=0,E{row}=""),"",E{row}/G{row}-1)',
                         styles.get("formula", "pct"))
    starts, ends = xl_range_abs(first, 1, last, 1), xl_range_abs(first, 2, last, 2)
    mw_rng, rev_rng = xl_range_abs(first, 3, last, 3), xl_range_abs(first, 4, last, 4)
    # a company without a lease bills nothing; one whose lease lacks a date, MW or rate waits for it (Inputs says
    # which); a term is not needed to bill
    none, waits = "COUNT(colo_rfs_dates)=0", "_colo_schedule_gaps>0"
    ws.write_array_formula(first, 3, last, 3, f'{{=IF({waits},"",IF({none},0*{ends},COLO_BILLABLE_MW(colo_rfs_dates,'
                           f"colo_mw_blocks,{ends})))}}", styles.get("link", "num0"))
    ws.write_array_formula(
        first, 4, last, 4,
        f'{{=IF({waits},"",IF({none},0*{ends},COLO_REVENUE_SCHEDULE(colo_rfs_dates,colo_mw_blocks,colo_rate_blocks,'
        f"{starts},{ends},colo_escalator_blocks)))}}",
        styles.get("link", "usd"),
    )
    ws.write_array_formula(first, 5, last, 5, f'{{=IF(({mw_rng}<>"")*({mw_rng}>0),COLO_REVENUE_PER_MW({rev_rng},'
                           f'{mw_rng},4),"")}}', styles.get("formula", "usd"))
    wb.define_name("colo_revenue_by_quarter", f"='{ws.name}'!{rev_rng}")
    wb.define_name("colo_quarter_labels", f"='{ws.name}'!{xl_range_abs(first, 0, last, 0)}")
    wb.define_name("colo_quarter_starts", f"='{ws.name}'!{starts}")
    wb.define_name("colo_quarter_ends", f"='{ws.name}'!{ends}")
    for year, q in ((2025, 4), (2026, 4)):  # key results: the ramp at two year-ends
        r = first + QUARTERS.index((year, q))
        wb.define_name(f"colo_billable_mw_q{q}_{year % 100}", f"='{ws.name}'!{xl_range_abs(r, 3, r, 3)}")
        wb.define_name(f"colo_revenue_usd_q{q}_{year % 100}", f"='{ws.name}'!{xl_range_abs(r, 4, r, 4)}")
    _chart(ws, wb, first, last)
    return last


def _chart(ws, wb: Workbook, first: int, last: int) -> None:
    sheet = ws.name
    revenue = wb.add_chart({"type": "column"})
    revenue.add_series({"name": "Modelled revenue (USD)", "categories": [sheet, first, 0, last, 0],
                        "values": [sheet, first, 4, last, 4], "fill": {"color": "#4472C4"}})
    revenue.add_series({"name": "Reported revenue (USD)", "categories": [sheet, first, 0, last, 0],
                        "values": [sheet, first, 6, last, 6], "fill": {"color": "#A5A5A5"}})
    mw = wb.add_chart({"type": "line"})
    mw.add_series({"name": "Billable MW at quarter end", "categories": [sheet, first, 0, last, 0],
                   "values": [sheet, first, 3, last, 3], "y2_axis": True, "line": {"color": "#ED7D31", "width": 2}})
    revenue.combine(mw)
    revenue.set_title({"name": "Billable MW, modelled and reported colocation revenue by quarter"})
    revenue.set_y_axis({"name": "USD", "num_format": "#,##0,,\"M\""})
    mw.set_y2_axis({"name": "MW"})
    revenue.set_legend({"position": "bottom"})
    ws.insert_chart(first - 1, 10, revenue, {"x_scale": 1.4, "y_scale": 1.2})


PEER_ROWS = 80  # rows formatted for the peer table: the covered companies' lease blocks with a stated value


def _write_peer_table(ws, styles: Styles, r: int) -> None:
    """A dynamic-array formula over the Companies sheet's lease blocks that state a contract value: the table grows
    with the rows added there."""
    ws.write_string(r, 0, "Lease blocks of the covered companies: what a MW earns (gross-MW leases flagged, kept out "
                    "of the IT average)", styles.header)
    stated = 'IF((lease_tcv>0)*(lease_mw>0)*(lease_term>0),{},"")'  # ISNUMBER is not lifted over a range headless
    args = ",".join(stated.format(n) for n in ("lease_ticker", "lease_tenant", "lease_mw", "lease_basis",
                                                "lease_term", "lease_tcv"))
    number_formats = ["text", "text", "num0", "text", "num0", "usd", "usd", "usd2", "usd", "text"]
    for i in range(PEER_ROWS):  # format the cells the table spills into
        for c, number in enumerate(number_formats):
            ws.write_blank(r + 1 + i, c, None, styles.get("formula", number))
    ws.write_dynamic_array_formula(r + 1, 0, r + 1, 0, f"=COLO_PEER_TABLE({args},colo_gross_to_it_ratio)",
                                   styles.get("formula", "usd"))
