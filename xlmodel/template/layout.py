"""Cell styles, a small row writer and the Data_Company lookup shared by the template's sheets.

Colours follow the sell-side convention the README sheet explains: blue text on a pale
yellow fill is an input the analyst may change, black is a formula, green is a
formula that reads another sheet or the data tables.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

NUMBER_FORMATS = {
    "usd": "#,##0",
    "usd2": "#,##0.00",
    "num": "#,##0.00",
    "num0": "#,##0",
    "num4": "0.0000",
    "pct": "0.0%",
    "sci": "0.000E+00",
    "date": "yyyy-mm-dd",
    "text": "@",
}

COMPANY_ROWS = 5000  # Data_Company rows the lookups read
LOOKUP_COLUMNS = {"company_ticker": 0, "company_quarter": 3, "company_period_end": 5, "company_key": 6,
                  "company_value": 7, "company_form": 12, "company_url": 14, "company_lookup": 15}
EQUITY_ROWS = "Data_Equities!$A$2:$A$100"  # the latest close of each ticker, one row each (column B: close, C: date)


@dataclass
class Styles:
    """The workbook's formats, made once per workbook."""

    wb: Workbook
    _cache: dict[tuple[str, str], Any] = field(default_factory=dict)

    def get(self, role: str, number: str = "num") -> Any:
        key = (role, number)
        if key not in self._cache:
            props: dict[str, Any] = {"num_format": NUMBER_FORMATS[number], "font_name": "Calibri", "font_size": 10}
            if role == "input":
                props.update(font_color="#0000FF", bg_color="#FFF2CC", border=1, border_color="#BFBFBF")
            elif role == "link":
                props.update(font_color="#00703C")
            elif role == "key":
                props.update(bold=True, bg_color="#E2EFDA")
            self._cache[key] = self.wb.add_format(props)
        return self._cache[key]

    @property
    def title(self) -> Any:
        return self._named("title", bold=True, font_size=14)

    @property
    def header(self) -> Any:
        return self._named("header", bold=True, bottom=1, bg_color="#D9E1F2", font_size=10)

    @property
    def header_wrap(self) -> Any:
        """A header over narrow number columns: its text wraps in a taller row instead of being cut."""
        return self._named("header_wrap", bold=True, bottom=1, bg_color="#D9E1F2", font_size=10, text_wrap=True,
                           valign="top")

    @property
    def note(self) -> Any:
        return self._named("note", italic=True, font_color="#595959", font_size=9)

    @property
    def label(self) -> Any:
        return self._named("label", font_size=10)

    @property
    def alert(self) -> Any:
        return self._named("alert", font_color="#C00000", bold=True)

    @property
    def wrap(self) -> Any:
        return self._named("wrap", text_wrap=True, valign="top", font_size=10)

    def _named(self, name: str, **props: Any) -> Any:
        key = (name, "")
        if key not in self._cache:
            self._cache[key] = self.wb.add_format({"font_name": "Calibri", **props})
        return self._cache[key]


@dataclass
class Row:
    """One labelled line: a value or formula in column B, its unit and a note beside it."""

    label: str
    value: Any
    unit: str
    note: str = ""
    name: str | None = None  # defined name for the value cell
    number: str = "num"
    role: str = "formula"  # input | formula | link | key


def write_rows(ws: Worksheet, wb: Workbook, styles: Styles, first_row: int, rows: list[Row]) -> dict[str, str]:
    """Write label | value | unit | note lines from ``first_row``; return name -> absolute cell."""
    names: dict[str, str] = {}
    for i, row in enumerate(rows):
        r = first_row + i
        ws.write_string(r, 0, row.label, styles.label)
        fmt = styles.get(row.role, row.number)
        if isinstance(row.value, str) and row.value.startswith("{="):  # a one-cell array formula
            ws.write_array_formula(r, 1, r, 1, row.value, fmt)
        elif isinstance(row.value, str) and row.value.startswith("="):
            ws.write_formula(r, 1, row.value, fmt)
        elif isinstance(row.value, str):
            ws.write_string(r, 1, row.value, fmt)
        elif isinstance(row.value, dt.date):
            ws.write_datetime(r, 1, dt.datetime.combine(row.value, dt.time()), fmt)
        else:
            ws.write_number(r, 1, row.value, fmt)
        ws.write_string(r, 2, row.unit, styles.label)
        if row.note.startswith("{="):  # where a looked-up value comes from, looked up beside it
            ws.write_array_formula(r, 3, r, 3, row.note, styles.note)
        elif row.note.startswith("="):
            ws.write_formula(r, 3, row.note, styles.note)
        elif row.note:
            ws.write_string(r, 3, row.note, styles.note)
        if row.name:
            cell = xl_rowcol_to_cell(r, 1, row_abs=True, col_abs=True)
            wb.define_name(row.name, f"='{ws.name}'!{cell}")
            names[row.name] = f"'{ws.name}'!{cell}"
    return names


def model_sheet(ws: Worksheet, styles: Styles, title: str, note: str) -> None:
    """A model sheet's title and note in A1:A2 (how it prints: printing.py)."""
    ws.write_string(0, 0, title, styles.title)
    ws.write_string(1, 0, note, styles.note)


def array_formula(ws: Worksheet, first_row: int, first_col: int, last_row: int, last_col: int, formula: str,
                  formats: list[Any]) -> None:
    """A fixed-size array formula (``{=...}``) with one number format per column.

    XlsxWriter pads an array's range with zeros in the formula's one format; each column's cells are
    padded again here in their own (the first cell, which holds the formula, takes the first column's).
    """
    ws.write_array_formula(first_row, first_col, last_row, last_col, formula, formats[0])
    for row in range(first_row, last_row + 1):
        for k, fmt in enumerate(formats):
            if (row, k) != (first_row, 0):
                ws.write_number(row, first_col + k, 0, fmt)


def header(ws: Worksheet, styles: Styles, row: int, titles: list[str]) -> None:
    for c, t in enumerate(titles):
        ws.write_string(row, c, t, styles.header)


def company_value(ticker: str, quarter: str, key: str) -> str:
    """A Data_Company figure as a formula (no leading '='), empty text when it has none (blank, not
    zero). The arguments are formula operands: a cell, a name or a quoted string."""
    match = f"company_ticker,{ticker},company_quarter,{quarter},company_key,{key}"
    return f'IF(COUNTIFS({match})=0,"",SUMIFS(company_value,{match}))'


def company_line(ticker: str, key: str) -> str:
    """A capital-structure line of Data_Company (one per ticker and key, whatever its date) as a formula
    (no leading '='), empty text when there is none. The arguments are formula operands."""
    match = f"company_ticker,{ticker},company_key,{key}"
    return f'IF(COUNTIFS({match})=0,"",SUMIFS(company_value,{match}))'


def company_line_source(ticker: str, key: str, missing: str) -> str:
    """Where that line comes from, 'as of <date>: <form> <url>', as a one-cell array formula ({=...})."""
    at = f"MATCH(1,(company_ticker={ticker})*(company_key={key}),0)"
    return (f'{{=IFERROR("as of "&INDEX(company_period_end,{at})&": "&INDEX(company_form,{at})&" "&'
            f'INDEX(company_url,{at}),"{missing}")}}')


def latest_close(ticker: str) -> str:
    """A ticker's latest close in Data_Equities (column B of its row), empty text when there is none."""
    return f'IFERROR(1*INDEX(Data_Equities!$B$2:$B$100,MATCH({ticker},{EQUITY_ROWS},0)),"")'


def latest_close_date(ticker: str) -> str:
    """The date of that close (column C), as text."""
    return f'IFERROR(INDEX(Data_Equities!$C$2:$C$100,MATCH({ticker},{EQUITY_ROWS},0))&"","")'
