"""SUBTOTAL and AGGREGATE over hidden and filtered rows, and AGGREGATE 14-19, as Microsoft's pages describe them.

tests/oracle/ironcalc_tables.xlsx holds Excel's answers over hidden rows and filtered tables
(tests/test_oracle.py); here the AGGREGATE page's example data and its rules for hidden rows
(SUBTOTAL 1-11 skips only the rows a filter hides, 101-111 every hidden row; AGGREGATE's
options 1, 3, 5, 7 skip hidden rows, 2, 3, 6, 7 errors).
"""

from __future__ import annotations

import pytest
import xlsxwriter

from xlmodel.calc import engine
from xlmodel.calc.engine import ErrorValue
from xlmodel.calc.package import Scan
from xlmodel.calc.subtotals import Visibility

# Microsoft's AGGREGATE page: its example data in A1:B11 (errors in A1 and A4)
COLUMN_A = ["#DIV/0!", 72, 30, "#NUM!", 31, 96, 32, 81, 33, 53, 34]
COLUMN_B = [82, 65, 95, 63, 53, 71, 55, 83, 100, 91, 89]


def book(tmp_path, formulas: dict[str, str], hidden: tuple[int, ...] = ()) -> engine.Calculation:
    path = tmp_path / "book.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("S")
    for i, (a, b) in enumerate(zip(COLUMN_A, COLUMN_B)):
        if isinstance(a, str):
            ws.write_formula(i, 0, "=1/0" if a == "#DIV/0!" else "=SQRT(-1)")
        else:
            ws.write_number(i, 0, a)
        ws.write_number(i, 1, b)
    for row in hidden:
        ws.set_row(row - 1, None, None, {"hidden": True})
    for address, formula in formulas.items():
        ws.write_formula(address, formula)
    wb.close()
    return engine.calculate(path)


def test_aggregate_as_microsofts_page(tmp_path):
    calc = book(tmp_path, {"D1": "=AGGREGATE(4, 6, A1:A11)", "D2": "=AGGREGATE(14, 6, A1:A11, 3)",
                           "D3": "=AGGREGATE(15, 6, A1:A11)", "D4": "=AGGREGATE(12, 6, A1:A11, B1:B11)",
                           "D5": "=MAX(A1:A2)"})
    assert calc.value("S", "D1") == 96.0
    assert calc.value("S", "D2") == 72.0  # the third largest, errors ignored
    assert calc.value("S", "D3") == ErrorValue("#VALUE!")  # SMALL without its k
    assert calc.value("S", "D4") == 68.0  # the median of both columns, errors ignored
    assert calc.value("S", "D5") == ErrorValue("#DIV/0!")


def test_aggregate_14_to_19(tmp_path):
    numbers = sorted(v for v in COLUMN_A if not isinstance(v, str))  # 30 31 32 33 34 53 72 81 96
    calc = book(tmp_path, {"D1": "=AGGREGATE(15,6,A1:A11,2)", "D2": "=AGGREGATE(16,6,A1:A11,0.25)",
                           "D3": "=AGGREGATE(17,6,A1:A11,3)", "D4": "=AGGREGATE(18,6,A1:A11,0.5)",
                           "D5": "=AGGREGATE(19,6,A1:A11,1)", "D6": "=AGGREGATE(14,4,A1:A11,1)",
                           "D7": "=AGGREGATE(18,6,A1:A11,0.05)", "D8": "=AGGREGATE(14,6,A1:A11/(B1:B11>80),1)"})
    assert calc.value("S", "D1") == numbers[1]
    assert calc.value("S", "D2") == 32.0  # PERCENTILE.INC: rank 0.25*(9-1) = 2
    assert calc.value("S", "D3") == 72.0  # QUARTILE.INC 3 = PERCENTILE.INC 0.75: rank 6
    assert calc.value("S", "D4") == 34.0  # PERCENTILE.EXC 0.5: rank 0.5*10 = 5th
    assert calc.value("S", "D5") == pytest.approx(31.5)  # QUARTILE.EXC 1: rank 2.5 between 31 and 32
    assert calc.value("S", "D6") == ErrorValue("#DIV/0!")  # option 4 ignores nothing: the first error
    assert calc.value("S", "D7") == ErrorValue("#NUM!")  # rank 0.5 is below the first value
    assert calc.value("S", "D8") == 81.0  # the array form, errors of the division skipped: A where B > 80


def test_hidden_rows_by_hand(tmp_path):
    # rows 2 and 3 (72 and 30) hidden by hand: 101-111 and AGGREGATE's option 5 skip them, 1-11 do not
    calc = book(tmp_path, {"D1": "=SUBTOTAL(9,B1:B11)", "D2": "=SUBTOTAL(109,B1:B11)", "D3": "=AGGREGATE(9,5,B1:B11)",
                           "D4": "=AGGREGATE(9,4,B1:B11)", "D5": "=SUBTOTAL(102,A1:A11)", "D6": "=SUBTOTAL(101.9,B2:B3)",
                           "D7": "=AGGREGATE(4,7,A1:A11)"}, hidden=(2, 3))
    total = float(sum(COLUMN_B))
    assert [calc.value("S", a) for a in ("D1", "D2", "D3", "D4")] == [total, total - 65 - 95, total - 65 - 95, total]
    assert calc.value("S", "D5") == 7.0  # COUNT of A's numbers but the two hidden
    assert calc.value("S", "D6") == ErrorValue("#DIV/0!")  # 101.9 is AVERAGE: both rows hidden, none left
    assert calc.value("S", "D7") == 96.0


def test_rows_a_filter_hides_are_skipped_by_every_subtotal():
    scan = Scan(hidden_rows={"S": {3, 4, 9}}, filters=[("S", 2, 6)])  # a filter over rows 2-6 hides 3 and 4
    seen = Visibility(scan)
    values = [("S", 1, 1, [[1.0], [2.0], [4.0], [8.0], [16.0], [32.0], [64.0], [128.0], [256.0], [512.0]])]
    assert seen.subtotal(9, *values[0]) == 1023.0 - 4 - 8  # filtered rows only
    assert seen.subtotal(109, *values[0]) == 1023.0 - 4 - 8 - 256  # and the row hidden by hand
    assert seen.aggregate(9, 5, *values[0]) == 1023.0 - 4 - 8 - 256


def test_calls_that_need_none_of_it_stay_on_the_engine():
    seen = Visibility(Scan(hidden_rows={"Other": {3}}))
    assert seen.rewrite("=SUBTOTAL(109,A1:A9)", "S") == "=SUBTOTAL(109,A1:A9)"
    assert seen.rewrite("=AGGREGATE(9,6,A1:A9)", "S") == "=AGGREGATE(9,6,A1:A9)"
    assert seen.rewrite("=SUBTOTAL(109,Other!A1:A9)", "S").startswith("=XLMODEL_SUBTOTAL(109,\"Other\",")
    assert seen.rewrite("=AGGREGATE(14,6,A1:A9,1)", "S").startswith("=XLMODEL_AGGREGATE(14,6,\"S\",")
