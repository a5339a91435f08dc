"""The template's colocation inputs (on Inputs) and the Colocation sheet."""

from __future__ import annotations

import datetime as dt

from xlsxwriter.utility import xl_range_abs
from xlsxwriter.workbook import Workbook

from xlmodel.template.layout import Row, Styles, company_value, header, model_sheet, write_rows

TICKER = "CORZ"  # the company whose colocation the sheet models
CORZ_MAR_24 = "https://investors.corescientific.com/ (March 2024 production update)"
CORZ_Q1_25 = "https://www.businesswire.com/ (Core Scientific Q1-2025 results, 7 May 2025)"
CORZ_OCT_24 = "https://www.sec.gov/Archives/edgar/data/1839341/000162828024043341/corescientifichpcoption3re.htm"
CORZ_NOV_24 = ("https://www.businesswire.com/news/home/20241118256980/en/"
               "Core-Scientific-and-Port-Muskogee-Break-Ground-on-100-MW-HPC-Data-Center/")

COLO_INPUTS = [
    Row("Colocation rate at RFS", 120.0, "USD/kW-month",
        "CoreWeave at Core Scientific: ~360 M USD a year on 250 MW = 1.44 M USD per MW-year; " + CORZ_Q1_25,
        "colo_usd_per_kw_month", "usd2", "input"),
    Row("Annual escalator", 0.0, "fraction per year", "Not disclosed for the CoreWeave contracts; set your view",
        "colo_annual_escalator", "pct", "input"),
    Row("Gross to IT ratio", 1.4, "ratio", "For gross-MW contracts in the peer table (disclosed 1.18 to 1.44)",
        "colo_gross_to_it_ratio", "num", "input"),
]

# (RFS date, MW of critical IT load, source): Core Scientific's disclosed and guided CoreWeave deliveries
RFS_BLOCKS = [
    (dt.date(2024, 3, 31), 16, f"Austin: 16 MW delivered for the HPC client in March 2024; {CORZ_MAR_24}"),
    (dt.date(2025, 5, 31), 8, f"Denton: first 8 MW billable by end of May 2025 (guidance); {CORZ_Q1_25}"),
    (dt.date(2025, 6, 30), 40, f"About 40 MW more by end of Q2-2025 (guidance); {CORZ_Q1_25}"),
    (dt.date(2025, 12, 31), 186, f"Balance to the 250 MW guided billable by year-end 2025; {CORZ_Q1_25}"),
    (dt.date(2026, 12, 31), 70, f"Muskogee: ~70 MW IT, operational in 2026; {CORZ_NOV_24}"),
    (dt.date(2026, 12, 31), 120, f"Final option: ~120 MW IT, operational in H2-2026; {CORZ_OCT_24}"),
]
SPARE_BLOCK_ROWS = 4  # blank rows the analyst can fill; the functions skip blank rows

# (operator, tenant, MW, basis, term years, total value USD, source)
PEER_CONTRACTS = [
    ("Core Scientific", "CoreWeave", 500, "IT", 12, 8.7e9, CORZ_OCT_24),
    ("Applied Digital", "CoreWeave", 400, "IT", 15, 11.0e9,
     "https://www.sec.gov/Archives/edgar/data/1144879/000164117225013199/ex99-2.htm (250 MW, ~7 B USD; "
     "150 MW more in Aug 2025 to ~11 B USD)"),
    ("TeraWulf", "Fluidstack", 200, "IT", 10, 3.7e9,
     "https://blockspace.media/insight/terawulf-signs-10-year-200-mw-hosting-deals-google-takes-8-stake"),
    ("Cipher Mining", "Fluidstack", 168, "IT", 10, 3.0e9,
     "https://stocktitan.net/news/CIFR/cipher-mining-signs-168-mw-10-year-ai-hosting-agreement-with-4xpp2kjak8yk.html"),
    ("Hut 8", "Fluidstack", 245, "IT", 15, 7.0e9,
     "https://dcpulse.com/news/hut-fluidstack-ai-data-center-deal-river-bend"),
    ("Cipher Mining", "AWS", 300, "gross", 15, 5.5e9,
     "https://parameter.io/cipher-mining-cifr-stock-amazon-web-services-partnership-delivers-5-5-billion-ai-deal"),
]
SPARE_PEER_ROWS = 2

QUARTERS = [(y, q) for y in (2024, 2025, 2026, 2027) for q in (1, 2, 3, 4)]
REPORTED_KEY = "revenue.colocation"  # the reported column reads Data_Company: releases offline, filings after a refresh


def _quarter_bounds(year: int, q: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * q - 2, 1)
    end = dt.date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1) - dt.timedelta(days=1)
    return start, end


def write_inputs(ws, wb: Workbook, styles: Styles, first_row: int) -> int:
    """Colocation inputs from ``first_row``: scalars, the RFS schedule and the peer contracts."""
    ws.write_string(first_row, 0, "Colocation", styles.header)
    write_rows(ws, wb, styles, first_row + 1, COLO_INPUTS)
    r = first_row + 2 + len(COLO_INPUTS)
    r = _write_rfs_schedule(ws, wb, styles, r)
    return _write_peer_inputs(ws, wb, styles, r + 1)


def _write_rfs_schedule(ws, wb: Workbook, styles: Styles, r: int) -> int:
    header(ws, styles, r, ["RFS schedule: block", "RFS date", "MW (critical IT)", "source"])
    first = r + 1
    date_fmt, mw_fmt = styles.get("input", "date"), styles.get("input", "num0")
    for i in range(len(RFS_BLOCKS) + SPARE_BLOCK_ROWS):
        ws.write_string(first + i, 0, f"block {i + 1}", styles.label)
        if i < len(RFS_BLOCKS):
            day, mw, source = RFS_BLOCKS[i]
            ws.write_datetime(first + i, 1, dt.datetime.combine(day, dt.time()), date_fmt)
            ws.write_number(first + i, 2, mw, mw_fmt)
            ws.write_string(first + i, 3, source, styles.note)
        else:
            ws.write_blank(first + i, 1, None, date_fmt)
            ws.write_blank(first + i, 2, None, mw_fmt)
    last = first + len(RFS_BLOCKS) + SPARE_BLOCK_ROWS - 1
    wb.define_name("colo_rfs_dates", f"='{ws.name}'!{xl_range_abs(first, 1, last, 1)}")
    wb.define_name("colo_mw_blocks", f"='{ws.name}'!{xl_range_abs(first, 2, last, 2)}")
    return last + 1


PEER_NAMES = ["peer_operators", "peer_tenants", "peer_mw", "peer_basis", "peer_term_years", "peer_total_value_usd"]


def _write_peer_inputs(ws, wb: Workbook, styles: Styles, r: int) -> int:
    header(ws, styles, r, ["Peer contracts: operator", "tenant", "MW", "basis (IT/gross)", "term (years)",
                           "total value (USD)", "source"])
    first = r + 1
    formats = [styles.get("input", "text"), styles.get("input", "text"), styles.get("input", "num0"),
               styles.get("input", "text"), styles.get("input", "num0"), styles.get("input", "usd")]
    for i in range(len(PEER_CONTRACTS) + SPARE_PEER_ROWS):
        row = PEER_CONTRACTS[i] if i < len(PEER_CONTRACTS) else None
        for c, fmt in enumerate(formats):
            value = row[c] if row else None
            if value is None:
                ws.write_blank(first + i, c, None, fmt)
            elif isinstance(value, str):
                ws.write_string(first + i, c, value, fmt)
            else:
                ws.write_number(first + i, c, value, fmt)
        if row:
            ws.write_string(first + i, 6, row[6], styles.note)
    last = first + len(PEER_CONTRACTS) + SPARE_PEER_ROWS - 1
    for c, name in enumerate(PEER_NAMES):
        wb.define_name(name, f"='{ws.name}'!{xl_range_abs(first, c, last, c)}")
    return last + 1


def write_colocation(ws, wb: Workbook, styles: Styles) -> None:
    ws.set_column(0, 0, 16)
    ws.set_column(1, 2, 12)
    ws.set_column(3, 8, 19)
    model_sheet(ws, styles, "Colocation: billable MW, revenue and what a MW earns",
                "RFS schedule, rate and escalator on the Inputs sheet. A block bills from its RFS date at "
                "rate x 12 / 365 per day.")
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
        ws.write_formula(first + i, 6, "=" + company_value(f'"{TICKER}"', f'"{year}-Q{q}"', f'"{REPORTED_KEY}"'),
                         styles.get("link", "usd"))
        ws.write_formula(first + i, 7, f'=IF(G{row}="","",E{row}-G{row})', styles.get("formula", "usd"))
        ws.write_formula(first + i, 8, f'=IF(OR(G{row}="",G{row}=0),"",E{row}/G{row}-1)',
                         styles.get("formula", "pct"))
    starts, ends = xl_range_abs(first, 1, last, 1), xl_range_abs(first, 2, last, 2)
    mw_rng, rev_rng = xl_range_abs(first, 3, last, 3), xl_range_abs(first, 4, last, 4)
    ws.write_array_formula(first, 3, last, 3, f"{{=COLO_BILLABLE_MW(colo_rfs_dates,colo_mw_blocks,{ends})}}",
                           styles.get("link", "num0"))
    ws.write_array_formula(
        first, 4, last, 4,
        f"{{=COLO_REVENUE_SCHEDULE(colo_rfs_dates,colo_mw_blocks,colo_usd_per_kw_month,{starts},{ends},"
        f"colo_annual_escalator)}}",
        styles.get("link", "usd"),
    )
    ws.write_array_formula(first, 5, last, 5, f"{{=COLO_REVENUE_PER_MW({rev_rng},{mw_rng},4)}}",
                           styles.get("formula", "usd"))
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


def _write_peer_table(ws, styles: Styles, r: int) -> None:
    """A dynamic-array formula: the table grows with the contracts the analyst adds on Inputs."""
    ws.write_string(r, 0, "Peer contracts: what a MW earns (gross-MW contracts flagged, kept out of the IT average)",
                    styles.header)
    args = ",".join(PEER_NAMES)
    number_formats = ["text", "text", "num0", "text", "num0", "usd", "usd", "usd2", "usd", "text"]
    for i in range(len(PEER_CONTRACTS) + SPARE_PEER_ROWS + 2):  # format the cells the table spills into
        for c, number in enumerate(number_formats):
            ws.write_blank(r + 1 + i, c, None, styles.get("formula", number))
    ws.write_dynamic_array_formula(r + 1, 0, r + 1, 0, f"=COLO_PEER_TABLE({args},colo_gross_to_it_ratio)",
                                   styles.get("formula", "usd"))
