"""Excel's ODDFPRICE, ODDFYIELD, ODDLPRICE and ODDLYIELD (xlmodel.calc.bonds).

Expected values are Microsoft's help-page examples (support.microsoft.com, "ODDFPRICE
function" etc.; the page shows the value rounded, the comment gives the rounding) and
the Excel 97 help's ODDFYIELD example. The oracle workbook
tests/oracle/ironcalc_xlsx_tests_calc_tests_FINANCIAL_PRICE_YIELD.xlsx holds 93 more
cells Excel computed, checked by tests/test_oracle.py.
"""

from __future__ import annotations

import datetime as dt

import formualizer as fz
import openpyxl
import pytest

from xlmodel.calc import bonds, engine
from xlmodel.calc.engine import ErrorValue

NUM = {"type": "Error", "kind": "Num"}
VALUE = {"type": "Error", "kind": "Value"}


def serial(y: int, m: int, d: int) -> int:
    return (dt.date(y, m, d) - dt.date(1899, 12, 30)).days


# The help pages' bonds (support.microsoft.com ODDFPRICE/ODDFYIELD/ODDLPRICE/ODDLYIELD examples)
FIRST = (serial(2008, 11, 11), serial(2021, 3, 1), serial(2008, 10, 15), serial(2009, 3, 1))
LAST = (serial(2008, 2, 7), serial(2008, 6, 15), serial(2007, 10, 15))


def test_microsofts_examples():
    # ODDFPRICE help: 7.85% coupon, 6.25% yield, semiannual, actual/actual: "$113.60"
    assert round(bonds.oddfprice(*FIRST, 0.0785, 0.0625, 100, 2, 1), 2) == 113.60
    # ODDFYIELD help: 5.75% coupon, price 84.50, semiannual, 30/360: "0.0772 (7.72%)"
    assert round(bonds.oddfyield(*FIRST, 0.0575, 84.50, 100, 2, 0), 4) == 0.0772
    # ODDLPRICE help: 3.75% coupon, 4.05% yield, semiannual, 30/360: "$99.88"
    assert round(bonds.oddlprice(*LAST, 0.0375, 0.0405, 100, 2, 0), 2) == 99.88
    # ODDLYIELD help: 4/20/2008, 6/15/2008, 12/24/2007, 3.75%, price 99.875: "0.045192 (4.52%)"
    last = (serial(2008, 4, 20), serial(2008, 6, 15), serial(2007, 12, 24))
    assert round(bonds.oddlyield(*last, 0.0375, 99.875, 100, 2, 0), 6) == 0.045192


def test_oddfyield_takes_a_first_coupon_off_maturitys_schedule():
    # Excel 97 help, ODDFYIELD: ("1/25/91","1/1/96","1/18/91","7/15/91",0.0575,84.50,100,2,0) "equals .09758"
    dates = (serial(1991, 1, 25), serial(1996, 1, 1), serial(1991, 1, 18), serial(1991, 7, 15))
    assert round(bonds.oddfyield(*dates, 0.0575, 84.50, 100, 2, 0), 5) == 0.09758
    assert bonds.oddfprice(*dates, 0.0575, 0.09758, 100, 2, 0) == NUM  # ODDFPRICE requires the schedule


@pytest.mark.parametrize("basis", range(5))
@pytest.mark.parametrize("frequency", [1, 2, 4])
def test_the_yields_invert_the_prices(basis, frequency):
    short = (serial(2021, 2, 15), serial(2030, 3, 1), serial(2021, 2, 1), serial(2021, 3, 1))  # under a quarter
    long = (serial(2020, 3, 1), serial(2030, 3, 1), serial(2019, 1, 15), serial(2021, 3, 1))  # over a year
    for dates in (short, long):
        price = bonds.oddfprice(*dates, 0.075, 0.05, 120, frequency, basis)
        assert bonds.oddfyield(*dates, 0.075, price, 120, frequency, basis) == pytest.approx(0.05, rel=1e-12)
    for dates in (LAST, (serial(2020, 3, 1), serial(2030, 3, 1), serial(2020, 1, 15))):
        price = bonds.oddlprice(*dates, 0.075, 0.06, 120, frequency, basis)
        assert bonds.oddlyield(*dates, 0.075, price, 120, frequency, basis) == pytest.approx(0.06, rel=1e-12)


def test_a_yield_below_zero_is_found_too():
    price = bonds.oddfprice(*FIRST, 0.0785, 0.0, 100, 2, 1)  # the price at a zero yield, and above it
    assert bonds.oddfyield(*FIRST, 0.0785, price + 5, 100, 2, 1) < 0


def test_date_arguments_are_truncated_to_whole_days():
    fractional = tuple(d + 0.75 for d in FIRST)
    assert bonds.oddfprice(*fractional, 0.0785, 0.0625, 100, 2, 1) == bonds.oddfprice(*FIRST, 0.0785, 0.0625, 100, 2, 1)
    assert bonds.oddlprice(*(d + 0.5 for d in LAST), 0.0375, 0.0405, 100, 2.9, 0.5) == \
        bonds.oddlprice(*LAST, 0.0375, 0.0405, 100, 2, 0)  # frequency and basis truncated too


@pytest.mark.parametrize(("call", "expected"), [
    # the help pages' rules: #NUM! ...
    (lambda: bonds.oddfprice(*FIRST, 0.0785, 0.0625, 100, 3, 1), NUM),  # frequency not 1, 2 or 4
    (lambda: bonds.oddfprice(*FIRST, 0.0785, 0.0625, 100, 2, 5), NUM),  # basis > 4
    (lambda: bonds.oddfyield(*FIRST, 0.0575, 84.5, 100, 2, -1), NUM),  # basis < 0
    (lambda: bonds.oddfprice(*FIRST, -0.01, 0.0625, 100, 2, 1), NUM),  # rate < 0
    (lambda: bonds.oddfprice(*FIRST, 0.0785, -0.01, 100, 2, 1), NUM),  # yld < 0
    (lambda: bonds.oddfyield(*FIRST, 0.0575, 0, 100, 2, 0), NUM),  # pr <= 0
    (lambda: bonds.oddlyield(*LAST, 0.0375, -1, 100, 2, 0), NUM),  # pr <= 0
    (lambda: bonds.oddlprice(*LAST, 0.0375, -0.01, 100, 2, 0), NUM),  # yld < 0
    (lambda: bonds.oddlprice(*LAST, 0.0375, 0.0405, 100, 12, 0), NUM),  # frequency
    # maturity > first_coupon > settlement > issue, else #NUM!
    (lambda: bonds.oddfprice(FIRST[1], FIRST[1], *FIRST[2:], 0.0785, 0.0625, 100, 2, 1), NUM),  # settlement = maturity
    (lambda: bonds.oddfprice(FIRST[3], *FIRST[1:], 0.0785, 0.0625, 100, 2, 1), NUM),  # settlement = first coupon
    (lambda: bonds.oddfyield(FIRST[0], FIRST[1], FIRST[0], FIRST[3], 0.0575, 84.5, 100, 2, 0), NUM),  # issue = settlement
    (lambda: bonds.oddfprice(FIRST[0], FIRST[3], FIRST[2], FIRST[3], 0.0785, 0.0625, 100, 2, 1), NUM),  # first = maturity
    # maturity > settlement > last_interest, else #NUM!
    (lambda: bonds.oddlprice(LAST[2], LAST[1], LAST[2], 0.0375, 0.0405, 100, 2, 0), NUM),
    (lambda: bonds.oddlyield(LAST[1], LAST[1], LAST[2], 0.0375, 99.875, 100, 2, 0), NUM),
    # ... and #VALUE! for what is not a date or a number
    (lambda: bonds.oddfprice("not a date", *FIRST[1:], 0.0785, 0.0625, 100, 2, 1), VALUE),
    (lambda: bonds.oddlprice(*LAST, True, 0.0405, 100, 2, 0), VALUE),
    (lambda: bonds.oddlprice(-1, *LAST[1:], 0.0375, 0.0405, 100, 2, 0), VALUE),
    # an error argument is the answer
    (lambda: bonds.oddlyield(*LAST, 0.0375, {"type": "Error", "kind": "Div"}, 100, 2, 0),
     {"type": "Error", "kind": "Div"}),
])
def test_excels_argument_errors(call, expected):
    assert call() == expected


def test_numbers_given_as_text_count():
    assert bonds.oddlprice(*(str(d) for d in LAST), "0.0375", 0.0405, 100, "2") == \
        bonds.oddlprice(*LAST, 0.0375, 0.0405, 100, 2, 0)


def test_the_engine_alone_lacks_them():
    # Upstream: formualizer 0.13 answers #NAME? for all four (Excel: the help page's 113.597717...)
    wb = fz.Workbook()
    wb.sheet("S").set_formula(1, 1, "=ODDFPRICE(DATE(2008,11,11),DATE(2021,3,1),DATE(2008,10,15),DATE(2009,3,1),"
                                    "0.0785,0.0625,100,2,1)")
    assert wb.evaluate_cell("S", 1, 1) == {"type": "Error", "kind": "Name"}


def test_a_workbook_computes_them_from_date_cells_and_date_formulas(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    ws["A1"], ws["A2"] = dt.datetime(2008, 11, 11), "=DATE(2021,3,1)"  # a date cell and a DATE formula
    ws["A3"], ws["A4"] = dt.datetime(2008, 10, 15), "=DATE(2009,3,1)"
    ws["B1"] = "=ODDFPRICE(A1,A2,A3,A4,0.0785,0.0625,100,2,1)"
    ws["B2"] = "=ODDFYIELD(A1,A2,A3,A4,0.0785,B1,100,2,1)"
    ws["B3"] = "=ODDLPRICE(DATE(2008,2,7),DATE(2008,6,15),DATE(2007,10,15),0.0375,0.0405,100,2)"
    ws["B4"] = "=ODDLYIELD(DATE(2008,2,7),DATE(2008,6,15),DATE(2007,10,15),0.0375,B3,100,2,0)"
    ws["B5"] = "=ODDFPRICE(A2,A1,A3,A4,0.0785,0.0625,100,2,1)"  # settlement after maturity
    wb.save(tmp_path / "bonds.xlsx")
    calc = engine.calculate(tmp_path / "bonds.xlsx")
    assert round(calc.value("S", "B1"), 2) == 113.60
    assert calc.value("S", "B2") == pytest.approx(0.0625, rel=1e-12)
    assert round(calc.value("S", "B3"), 2) == 99.88
    assert calc.value("S", "B4") == pytest.approx(0.0405, rel=1e-12)
    assert calc.value("S", "B5") == ErrorValue("#NUM!")


def test_price_and_yield_follow_excel():
    # Microsoft's PRICE help example: 2/15/2008, 11/15/2017, 5.75%, 6.5%, 100, 2, 0: "$94.63"
    price = bonds.price(serial(2008, 2, 15), serial(2017, 11, 15), 0.0575, 0.065, 100, 2, 0)
    assert round(price, 2) == 94.63
    # Microsoft's YIELD help example: 2/15/2008, 11/15/2016, 5.75%, 95.04287, 100, 2, 0: "0.065 (6.5%)"
    assert round(bonds.yield_(serial(2008, 2, 15), serial(2016, 11, 15), 0.0575, 95.04287, 100, 2, 0), 4) == 0.065
    assert bonds.price(serial(2008, 2, 15), serial(2008, 2, 15), 0.0575, 0.065, 100, 2, 0) == NUM
    assert bonds.yield_(serial(2008, 2, 15), serial(2016, 11, 15), 0.0575, 0, 100, 2, 0) == NUM


H29 = "=PRICE(DATE(2025,4,1),DATE(2028,3,13),0.22,0.12,15,1,2)"
H29_EXCEL = 62.736929069290866  # tests/oracle/ironcalc_xlsx_tests_calc_tests_FINANCIAL_PRICE_YIELD.xlsx PRICE_YIELD!H29


def test_the_engines_price_on_actual_360_is_not_excels():
    # Upstream: formualizer 0.13 takes DSC/E as actual days over actual days on basis 2 (Excel: (E-A)/E, E=360)
    wb = fz.Workbook()
    wb.sheet("S").set_formula(1, 1, H29)
    assert wb.evaluate_cell("S", 1, 1) == pytest.approx(62.74759944598839, rel=1e-12)  # not Excel's
    assert bonds.price(serial(2025, 4, 1), serial(2028, 3, 13), 0.22, 0.12, 15, 1, 2) == pytest.approx(
        H29_EXCEL, rel=1e-12)


def test_a_workbook_prices_through_the_override(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    ws["A1"], ws["A2"] = H29, "=YIELD(DATE(2025,4,1),DATE(2028,3,13),0.22,A1,15,1,2)"
    wb.save(tmp_path / "price.xlsx")
    calc = engine.calculate(tmp_path / "price.xlsx")
    assert calc.value("S", "A1") == pytest.approx(H29_EXCEL, rel=1e-12)
    assert calc.value("S", "A2") == pytest.approx(0.12, rel=1e-12)  # Excel's PRICE_YIELD!I29 reads 0.12


def test_a_formula_calling_them_names_no_unknown_function():
    assert engine.unknown_functions("=ODDFPRICE(A1)+ODDFYIELD(A1)+ODDLPRICE(A1)+ODDLYIELD(A1)+NOSUCH(1)") == {"NOSUCH"}
