"""Excel's COUP* functions, DURATION and MDURATION (xlmodel.calc.coupons), which formualizer 0.13 lacks.

Expected values are Microsoft's help-page examples (support.microsoft.com, "COUPDAYBS
function" etc.): settlement 25 Jan 2011, maturity 15 Nov 2011, semiannual, actual/actual
for the schedule functions; the DURATION and MDURATION pages' own bonds. The other
bases' day counts follow the rules the module docstring gives, each checked by hand.
"""

from __future__ import annotations

import datetime as dt

import formualizer as fz
import openpyxl
import pytest

from xlmodel.calc import coupons, engine
from xlmodel.calc.engine import ErrorValue

NUM = {"type": "Error", "kind": "Num"}
VALUE = {"type": "Error", "kind": "Value"}


def serial(y: int, m: int, d: int) -> int:
    return (dt.date(y, m, d) - dt.date(1899, 12, 30)).days


HELP = (serial(2011, 1, 25), serial(2011, 11, 15), 2, 1)  # the COUP* pages' bond


def test_the_schedule_functions_as_microsofts_examples():
    assert coupons.coupdaybs(*HELP) == 71
    assert coupons.coupdays(*HELP) == 181
    assert coupons.coupdaysnc(*HELP) == 110
    assert coupons.coupncd(*HELP) == serial(2011, 5, 15)
    assert coupons.couppcd(*HELP) == serial(2010, 11, 15)
    assert coupons.coupnum(serial(2007, 1, 25), serial(2008, 11, 15), 2, 1) == 4  # COUPNUM's page


def test_durations_as_microsofts_examples():
    # DURATION's page: 10.9191453; MDURATION's page: 5.73567
    assert round(coupons.duration(serial(2018, 7, 1), serial(2048, 1, 1), 0.08, 0.09, 2, 1), 7) == 10.9191453
    assert round(coupons.mduration(serial(2008, 1, 1), serial(2016, 1, 1), 0.08, 0.09, 2, 1), 5) == 5.73567


def test_a_zero_coupon_bonds_duration_is_its_time_to_maturity():
    years = coupons.duration(serial(2020, 1, 1), serial(2030, 1, 1), 0.0, 0.05, 1, 1)
    assert years == pytest.approx(10.0, rel=1e-12)


@pytest.mark.parametrize(("basis", "days_before", "days_after", "period"), [
    (0, 70, 110, 180),  # 30/360 US: 15 Nov to 25 Jan is 70 days; the period's 180 less those
    (1, 71, 110, 181),
    (2, 71, 110, 180),
    (3, 71, 110, 182.5),
    (4, 70, 110, 180),  # European 30/360 from settlement to 15 May
])
def test_each_basis_counts_the_coupon_period(basis, days_before, days_after, period):
    args = (*HELP[:3], basis)
    assert (coupons.coupdaybs(*args), coupons.coupdaysnc(*args), coupons.coupdays(*args)) == \
        (days_before, days_after, period)


def test_on_the_us_basis_the_days_either_side_of_settlement_make_the_whole_period():
    # coupons on the months' last day (maturity 31 Aug 2011): the period runs from February's end, and its
    # 30/360 days with both ends moved (180) are the days since the last coupon plus those to the next
    args = (serial(2011, 3, 31), serial(2011, 8, 31), 2, 0)
    assert coupons.couppcd(*args) == serial(2011, 2, 28) and coupons.coupncd(*args) == serial(2011, 8, 31)
    assert coupons.coupdaybs(*args) + coupons.coupdaysnc(*args) == coupons.coupdays(*args) == 180


@pytest.mark.parametrize(("call", "expected"), [
    (lambda: coupons.coupnum(HELP[1], HELP[0], 2, 1), NUM),  # settlement after maturity
    (lambda: coupons.coupnum(HELP[0], HELP[0], 2, 1), NUM),  # on maturity
    (lambda: coupons.coupdays(HELP[0], HELP[1], 3, 1), NUM),  # frequency not 1, 2 or 4
    (lambda: coupons.coupdays(HELP[0], HELP[1], 2, 5), NUM),  # basis beyond 4
    (lambda: coupons.coupncd("next year", HELP[1], 2), VALUE),
    (lambda: coupons.coupncd(-1, HELP[1], 2), VALUE),  # before Excel's first date
    (lambda: coupons.duration(*HELP[:2], -0.01, 0.05, 2), NUM),  # a negative coupon
    (lambda: coupons.mduration(*HELP[:2], 0.05, -0.01, 2), NUM),  # a negative yield
    (lambda: coupons.coupnum(NUM, HELP[1], 2), NUM),  # an error argument is the answer
])
def test_excels_argument_errors(call, expected):
    assert call() == expected


def test_the_engine_alone_lacks_them():
    # Upstream: formualizer 0.13 answers #NAME? (Excel: 40678, 15 May 2011, COUPNCD's page)
    wb = fz.Workbook()
    wb.sheet("S").set_formula(1, 1, "=COUPNCD(DATE(2011,1,25),DATE(2011,11,15),2,1)")
    assert wb.evaluate_cell("S", 1, 1) == {"type": "Error", "kind": "Name"}


def test_a_workbook_computes_them(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    ws["A1"], ws["A2"] = dt.datetime(2011, 1, 25), "=DATE(2011,11,15)"
    ws["B1"] = "=COUPDAYSNC(A1,A2,2,1)"
    ws["B2"] = "=COUPNCD(A1,A2,2)"  # basis left out: 0
    ws["B3"] = "=COUPNUM(A1,A2,2,1)+COUPDAYS(A1,A2,2,1)+COUPDAYBS(A1,A2,2,1)+COUPPCD(A1,A2,2,1)"
    ws["B4"] = "=DURATION(DATE(2018,7,1),DATE(2048,1,1),0.08,0.09,2,1)"
    ws["B5"] = "=MDURATION(A2,A1,0.08,0.09,2,1)"  # settlement after maturity
    wb.save(tmp_path / "coupons.xlsx")
    calc = engine.calculate(tmp_path / "coupons.xlsx")
    assert calc.value("S", "B1") == 110 and calc.value("S", "B2") == serial(2011, 5, 15)
    assert calc.value("S", "B3") == 2 + 181 + 71 + serial(2010, 11, 15)
    assert round(calc.value("S", "B4"), 7) == 10.9191453
    assert calc.value("S", "B5") == ErrorValue("#NUM!")
    assert engine.unknown_functions("=COUPNCD(A1)+MDURATION(A1)+NOSUCH(1)") == {"NOSUCH"}
