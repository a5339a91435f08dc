"""How the template's model sheets print: their model block, landscape, one page wide.

One line per sheet in ``PRINT_SETUP``: the sheet's model block (its inputs, results, tables
and charts, not the long note and source columns to their right) and the rows repeated at the
top of every page after the first. A block given as columns, ``"A:G"``, runs down to the last
row holding a cell or a chart, found once the sheet's own module has written it, so a block
that grows by rows still prints whole; a block given as a range, ``"A1:T17"``, prints just that
(a summary above thousands of rows). (Whole columns, ``$A:$G``, print the same in Excel and
LibreOffice, but openpyxl 3.1 drops such a print area, with a warning on every load.)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from xlsxwriter.utility import xl_cell_to_rowcol
from xlsxwriter.worksheet import Worksheet


@dataclass(frozen=True)
class PrintSetup:
    block: str  # the model block as Excel writes it: columns "A:G", or a range "A1:T17"
    title_rows: str  # rows repeated at the top of each page, "1:6"


PRINT_SETUP = {
    "Inputs": PrintSetup("A:T", "1:3"),  # I:T the RFS block table; AA and on: the hidden override checks
    "Mining": PrintSetup("A:L", "1:2"),  # the sensitivity chart reaches L
    "Colocation": PrintSetup("A:U", "1:4"),  # the revenue chart reaches U
    "Bridge": PrintSetup("A:O", "1:6"),  # the walk chart reaches O; P:Z hold its helper columns
    "Peers": PrintSetup("A:T", "1:2"),
    "Valuation": PrintSetup("A:R", "1:3"),  # the distribution's histogram and tornado reach R
    "Coverage": PrintSetup("A:AC", "1:4"),  # AC: what is missing
    "Scenarios": PrintSetup("A:V", "1:2"),
    "Trials": PrintSetup("A1:T46", "1:2"),  # the summary; the spilled trials below run to 10,000 rows
    "Companies": PrintSetup("A:AN", "1:4"),
}


def set_up_printing(sheets: Mapping[str, Worksheet], setup: Mapping[str, PrintSetup] = PRINT_SETUP) -> None:
    """Give each sheet of ``setup`` its print area, title rows and page setup."""
    for name, how in setup.items():
        ws = sheets[name]
        (top, left), (bottom, right) = (_cell(end) for end in how.block.split(":"))
        ws.print_area(top or 0, left, last_row(ws) if bottom is None else bottom, right)
        first, last = (int(r) - 1 for r in how.title_rows.split(":"))
        ws.repeat_rows(first, last)
        ws.set_landscape()
        ws.fit_to_pages(1, 0)  # one page wide, as many pages tall as it takes
        ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        ws.set_footer("&L&8&A&R&8page &P of &N")


def last_row(ws: Worksheet) -> int:
    """The last row (0-based) with a cell or under a chart, from what XlsxWriter holds before it saves."""
    bottom = ws.dim_rowmax or 0
    for row, col, chart, x_offset, y_offset, x_scale, y_scale, anchor, *_ in ws.charts:
        width, height = int(0.5 + chart.width * x_scale), int(0.5 + chart.height * y_scale)
        end = ws._position_object_pixels(col, row, x_offset, y_offset, width, height, anchor)[5]
        bottom = max(bottom, end)
    return bottom


def _cell(end: str) -> tuple[int | None, int]:
    """(row or None for a bare column, column), 0-based, of one end of a block: "G" or "T17"."""
    row, col = xl_cell_to_rowcol(end if end[-1].isdigit() else f"{end}1")
    return (row if end[-1].isdigit() else None), col
