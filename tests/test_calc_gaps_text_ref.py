"""TEXT's format checks, errors in reference arguments, MATCH's logical match type: as Excel does.

Each test recalculates a tiny workbook written by openpyxl through
``xlmodel.calc.engine.calculate``. Every expected value is Excel's, with its source:
a cell of an Excel-saved workbook in tests/oracle/, or the rule stated beside it.
"""

from __future__ import annotations

import openpyxl
import pytest

from xlmodel.calc import engine
from xlmodel.calc.engine import ErrorValue
from xlmodel.calc.number_format import mixes_dates_and_digits

VALUE, REF, NA = ErrorValue("#VALUE!"), ErrorValue("#REF!"), ErrorValue("#N/A")


def _book(tmp_path, cells: dict[str, object]):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    for address, value in cells.items():
        ws[address] = value
    wb.save(tmp_path / "book.xlsx")
    return engine.calculate(tmp_path / "book.xlsx")


# --- TEXT: a format mixing date codes with digit placeholders --------------------------------------


@pytest.mark.parametrize(("serial", "number_format", "excel"), [
    # tests/oracle/ironcalc_xlsx_tests_calc_tests_TEXT_TEXT.xlsx, DATES!G2, G15, G24 (mm### refused)
    (41181, "mm###", VALUE),
    (1, "mm###", VALUE),
    (2958465, "mm###", VALUE),
    # the same book, DATES!B2, C2, F2: date formats with literals beside the codes are fine
    (41181, "m/d/y", "9/29/12"),
    (41181, "dd/mm--yy", "29/09--12"),
    (41181, "ddddd/mmmmm/yyyyy", "Saturday/S/2012"),
])
def test_text_refuses_a_format_mixing_date_codes_and_digit_placeholders(tmp_path, serial, number_format, excel):
    # Upstream ssf formats "mm###" (41181 gives "0941181"); Excel answers #VALUE!.
    calc = _book(tmp_path, {"A1": serial, "B1": number_format, "C1": "=TEXT(A1,B1)"})
    assert calc.value("S", "C1") == excel


@pytest.mark.parametrize("number_format", [
    "mm###", "yyyy0", "0 d", "d ??", "[h] 0", "mm###;0", "0;mm###",  # placeholders beside date/time codes
    "ss00", "ss.##",  # after seconds only zeros after a point are fractions of a second
])
def test_formats_excel_refuses(number_format):
    # The oracle's refused format is "mm###" (TEXT_TEXT.xlsx, DATES!G2:G24); the others follow the
    # same rule, as LibreOffice's format scanner states it (zforscan.cxx, ScanType).
    assert mixes_dates_and_digits(number_format)


@pytest.mark.parametrize("number_format", [
    "[h]:mm:ss.00", "mm:ss.000", "[mm]:ss.0",  # fractions of a second (Exceljet, "time in hundredths")
    'd "0"', "d\\0", "0_d", '0 "days"',  # literals: quoted, escaped, spaced
    "[Red]#.#", "[$-409]mmmm", "[>100]0;[Red]0", "[Red]d/m/y",  # brackets that are no codes
    "#,##0_);(#,##0)", "0.00E+00", "General", "h:mm AM/PM", "@",
    '#,#.00 "Millions!"',  # TEXT_TEXT.xlsx, NUMBERS!J2 (Excel: 12 shows as "12.00 Millions!")
])
def test_formats_excel_accepts(number_format):
    assert not mixes_dates_and_digits(number_format)
