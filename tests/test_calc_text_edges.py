"""VALUE, LEFT and RIGHT at the edges where formualizer 0.13 answers otherwise, as Excel does.

Expected values: Microsoft's VALUE page (an empty cell is 0) and the Excel-saved
tests/oracle/poi_FormulaEvalTestData_Copy.xlsx (cells named beside each case), recalculated
through the engine module as ``xlmodel calc`` runs a file.
"""

from __future__ import annotations

import pytest
import xlsxwriter

from xlmodel.calc import engine, text_edges
from xlmodel.calc.engine import ErrorValue


def test_value_left_and_right_through_a_file(tmp_path):
    path = tmp_path / "book.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("S")
    ws.write("A1", "12%")
    formulas = {"B1": "=VALUE(Z9)", "B2": '=VALUE("$1,000")', "B3": "=VALUE(A1)", "B4": '=VALUE("(1,234.5)")',
                "B5": '=VALUE("abc")', "B6": '=VALUE("")', "B7": "=LEFT(TRUE,2)", "B8": "=RIGHT(FALSE,3)",
                "B9": '=SUM(VALUE({"$1","2"}))', "B10": '=VALUE("2024-01-15")'}
    for address, formula in formulas.items():
        ws.write_formula(address, formula)
    wb.close()
    calc = engine.calculate(path)
    assert calc.value("S", "B1") == 0.0  # Microsoft's VALUE page: an empty cell
    assert calc.value("S", "B2") == 1000.0  # oracle POI EverythingTests!E1444
    assert calc.value("S", "B3") == pytest.approx(0.12)
    assert calc.value("S", "B4") == -1234.5
    assert calc.value("S", "B5") == ErrorValue("#VALUE!") and calc.value("S", "B6") == ErrorValue("#VALUE!")
    assert calc.value("S", "B7") == "TR" and calc.value("S", "B8") == "LSE"  # oracle POI I824, I1168
    assert calc.value("S", "B9") == 3.0
    assert calc.value("S", "B10") == 45306.0  # a date: the engine's own reading stands


@pytest.mark.parametrize(("text", "number"), [("$1,000", 1000.0), ("1,234,567.5", 1234567.5), ("-$5", -5.0),
                                               ("$-5", -5.0), ("(12)", -12.0), ("50%", 0.5), ("1e3", 1000.0),
                                               (" 7 ", 7.0), ("1,23", None), ("12)", None), ("--5", None)])
def test_number_text(text, number):
    assert text_edges.number_text(text) == number
