"""Functions xlmodel computes where formualizer 0.13 lacks them or answers otherwise, on Microsoft's examples.

Each expected value is from Microsoft's page for the function (support.microsoft.com,
"DEC2BIN function" and so on) unless a comment names an oracle cell; the oracle books in
tests/oracle/ hold many more of Excel's answers (tests/test_oracle.py). Formulas run in an
engine workbook with xlmodel's functions registered, as ``xlmodel calc`` runs them.
"""

from __future__ import annotations

import math
from typing import Any

import formualizer as fz
import openpyxl
import pytest

from xlmodel.calc import engine, settle
from xlmodel.calc import excel_gaps as gaps
from xlmodel.calc.package import split_address


def value_of(formula: str, cells: dict[str, Any] | None = None) -> Any:
    """``formula`` in Z1 of a workbook holding ``cells``, evaluated with xlmodel's functions."""
    wb = fz.Workbook()
    wb.add_sheet("S")
    gaps.register_functions(wb)
    for address, value in (cells or {}).items():
        wb.set_value("S", *split_address(address), value)
    wb.set_formula("S", 1, 26, gaps.unprefixed(formula))
    wb.evaluate_all()
    value = wb.get_value("S", 1, 26)
    return "#" + value["kind"] if isinstance(value, dict) else value


def spilled(formula: str, rows: int, cols: int, cells: dict[str, Any]) -> list[list[Any]]:
    wb = fz.Workbook()
    wb.add_sheet("S")
    gaps.register_functions(wb)
    for address, value in cells.items():
        wb.set_value("S", *split_address(address), value)
    wb.set_formula("S", 20, 20, formula)
    wb.evaluate_all()
    return [[wb.get_value("S", 20 + r, 20 + c) for c in range(cols)] for r in range(rows)]


@pytest.mark.parametrize(("formula", "excel"), [
    ("=DEC2BIN(9,4)", "1001"), ("=DEC2BIN(-100)", "1110011100"), ("=DEC2OCT(58,3)", "072"),
    ("=DEC2OCT(-100)", "7777777634"), ("=DEC2HEX(100,4)", "0064"), ("=DEC2HEX(-54)", "FFFFFFFFCA"),
    ("=DEC2HEX(28)", "1C"), ("=DEC2HEX(64,1)", "#Num"), ("=BIN2DEC(1100100)", 100.0), ("=BIN2DEC(1111111111)", -1.0),
    ("=BIN2HEX(11111011,4)", "00FB"), ("=BIN2HEX(1110)", "E"), ("=BIN2HEX(1111111111)", "FFFFFFFFFF"),
    ("=BIN2OCT(1001,3)", "011"), ("=BIN2OCT(1111111111)", "7777777777"), ("=HEX2BIN(\"F\",8)", "00001111"),
    ("=HEX2BIN(\"FFFFFFFFFF\")", "1111111111"), ("=HEX2DEC(\"A5\")", 165.0), ("=HEX2DEC(\"FFFFFFFF5B\")", -165.0),
    ("=HEX2OCT(\"F\",3)", "017"), ("=HEX2OCT(\"FFFFFFFF00\")", "7777777400"), ("=OCT2BIN(3,3)", "011"),
    ("=OCT2BIN(7777777000)", "1000000000"), ("=OCT2DEC(7777777533)", -165.0), ("=OCT2HEX(100,4)", "0040"),
    ("=OCT2HEX(7777777533)", "FFFFFFFF5B"),
    # tests/oracle/xlcalculator_BASES.xlsx: places ignored for negatives; digits outside the base; places checked first
    ("=DEC2BIN(-25,5)", "1111100111"), ("=BIN2OCT(\"A\")", "#Num"), ("=DEC2BIN(\"E\",0)", "#Num"),
    ("=DEC2BIN(\"E\",1)", "#Value"), ("=OCT2BIN(A1)", "0"),
])
def test_number_bases(formula, excel):
    assert value_of(formula) == excel


def test_accrint_as_microsofts_examples():
    bond = "DATE(2008,8,31),DATE(2008,5,1),0.1,1000,2,0"
    assert value_of(f"=ACCRINT(DATE(2008,3,1),{bond})") == pytest.approx(16.666667, abs=1e-6)
    assert value_of(f"=ACCRINT(DATE(2008,3,5),{bond},FALSE)") == pytest.approx(15.555556, abs=1e-6)
    assert value_of(f"=ACCRINT(DATE(2008,4,5),{bond},TRUE)") == pytest.approx(7.2222222, abs=1e-6)
    # tests/oracle/ironcalc_accrint_cases.xlsx I4 (actual/actual) and I33 (FALSE before the first coupon)
    assert value_of("=ACCRINT(DATE(2021,6,1),DATE(2021,12,1),DATE(2021,9,1),0.05,1000,2,1)") == \
        pytest.approx(12.568306010928962, rel=1e-12)
    assert value_of("=ACCRINT(DATE(2020,12,1),DATE(2021,12,1),DATE(2021,3,1),0.075,100,2,0,FALSE)") == \
        pytest.approx(-1.875, rel=1e-12)
    assert value_of(f"=ACCRINT(DATE(2008,5,1),{bond})") == "#Num"  # issue >= settlement


def test_matrix_functions_as_microsofts_examples():
    cells = {"A1": 1.0, "B1": 3.0, "A2": 7.0, "B2": 2.0, "D1": 2.0, "E1": 0.0, "D2": 0.0, "E2": 2.0}
    assert spilled("=MMULT(A1:B2,D1:E2)", 2, 2, cells) == [[2.0, 6.0], [14.0, 4.0]]
    matrix = {f"{c}{r + 1}": v for r, row in enumerate([[1, 3, 8, 5], [1, 3, 6, 1], [1, 1, 1, 0], [7, 3, 10, 2]])
              for c, v in zip("ABCD", row)}
    assert value_of("=MDETERM(A1:D4)", matrix) == pytest.approx(88.0)
    inverse = spilled("=MINVERSE(A1:B2)", 2, 2, {"A1": 4.0, "B1": -1.0, "A2": 2.0, "B2": 0.0})
    assert inverse == [[pytest.approx(0.0), pytest.approx(0.5)], [pytest.approx(-1.0), pytest.approx(2.0)]]
    assert value_of("=MMULT(A1:B2,D1:D3)", cells) == "#Value"  # columns of the first != rows of the second
    assert value_of("=MINVERSE(A1:B2)", {"A1": 1.0, "B1": 2.0, "A2": 2.0, "B2": 4.0}) == "#Num"
    assert value_of("=MDETERM(A1:B2)", {"A1": 1.0, "B1": "x", "A2": 2.0, "B2": 4.0}) == "#Value"


@pytest.mark.parametrize(("formula", "excel"), [
    ("=CEILING(2.5,1)", 3.0), ("=CEILING(-2.5,-2)", -4.0), ("=CEILING(-2.5,2)", -2.0), ("=CEILING(1.5,0.1)", 1.5),
    ("=CEILING(0.234,0.01)", 0.24), ("=CEILING(2.5,-2)", "#Num"), ("=CEILING(5,0)", 0.0),
    ("=FLOOR(3.7,2)", 2.0), ("=FLOOR(-2.5,-2)", -2.0), ("=FLOOR(2.5,-2)", "#Num"), ("=FLOOR(1.58,0.1)", 1.5),
    ("=FLOOR(0.234,0.01)", 0.23), ("=FLOOR(-2.5,2)", -4.0), ("=FLOOR(5,0)", "#Div"), ("=FLOOR(0,0)", 0.0),
    ("=FLOOR(-2.2,-1.1)", -2.2),  # tests/oracle/poi_FormulaEvalTestData_Copy.xlsx F544
    ("=CEILING.MATH(24.3,5)", 25.0), ("=CEILING.MATH(6.7)", 7.0), ("=CEILING.MATH(-8.1,2)", -8.0),
    ("=CEILING.MATH(-5.5,2,-1)", -6.0), ("=_xlfn.CEILING.MATH(-5.5,2,-1)", -6.0), ("=CEILING.MATH(24.3,0)", 0.0),
    ("=FLOOR.MATH(24.3,5)", 20.0), ("=FLOOR.MATH(6.7)", 6.0), ("=FLOOR.MATH(-8.1,2)", -10.0),
    ("=FLOOR.MATH(-5.5,2,-1)", -4.0), ("=CEILING.PRECISE(4.3)", 5.0), ("=CEILING.PRECISE(-4.3)", -4.0),
    ("=CEILING.PRECISE(4.3,-2)", 6.0), ("=CEILING.PRECISE(-4.3,-2)", -4.0), ("=FLOOR.PRECISE(-3.2,-1)", -4.0),
    ("=FLOOR.PRECISE(3.2,-1)", 3.0), ("=FLOOR.PRECISE(-3.2,1)", -4.0), ("=FLOOR.PRECISE(3.2)", 3.0),
    ("=ISO.CEILING(-4.3,2)", -4.0),
])
def test_ceiling_and_floor(formula, excel):
    got = value_of(formula)
    assert got == excel or (isinstance(excel, float) and math.isclose(got, excel, rel_tol=1e-12))


@pytest.mark.parametrize(("formula", "excel"), [
    ('=TEXTAFTER("A-B-C","-",1,0,0,"none")', "B-C"), ('=TEXTBEFORE("A-B-C","-",-1)', "A-B"),
    ('=TEXTAFTER("A-B-C","+",1,0,0,"none")', "none"), ('=TEXTAFTER("A-B-C","+")', "#Na"),
    ('=TEXTAFTER("a.B.c","b",1,1)', ".c"), ('=TEXTAFTER("a.B.c","b",1,0,0,"x")', "x"),
    # tests/oracle/ironcalc_TEXTBEFORE_TEXTAFTER.xlsx rows 4, 14, 28 and 10
    ('=_xlfn.TEXTAFTER("123 the 456 the 891","the",2,1,0,"@")', " 891"),
    ('=TEXTBEFORE("123 the 456 the 891","the",-1.2,1,0,"x")', "123 "),
    ('=TEXTAFTER("123 the 456 the 891","Hello",1,1,1,"x")', ""),
    ('=TEXTAFTER("A day in the woods","the",0,1,0,"x")', "#Value"),
])
def test_textbefore_and_textafter(formula, excel):
    assert value_of(formula) == excel


def calculated(tmp_path, rows: dict[str, Any], name: str = "book.xlsx") -> engine.Calculation:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    for address, value in rows.items():
        ws[address] = value
    wb.save(tmp_path / name)
    return engine.calculate(tmp_path / name)


def test_a_plain_formula_intersects_its_ranges_as_excel_does(tmp_path):
    """Implicit intersection: tests/oracle/poi_FormulaEvalTestData_Copy.xlsx and tamc_offset-is-weird.xlsx."""
    cells = {**{f"{c}1": float(i) for i, c in enumerate("ABCDEF", 1)},
             "B3": "=ABS(A1:F1)", "C4": "=A1:F1*10", "H5": "=A1:F1*10", "D6": "=OFFSET($A$1:$F$1,0,0)",
             "E7": "=SUM(A1:F1)", "F8": "=SUMPRODUCT(A1:F1*2)", "B9": "=COUNTIF(A1:F1,A1:F1)"}
    calc = calculated(tmp_path, cells)
    assert calc.value("S", "B3") == 2.0
    assert calc.value("S", "C4") == 30.0
    assert calc.value("S", "H5") == engine.ErrorValue("#VALUE!")  # column H meets no cell of A1:F1
    assert calc.value("S", "D6") == 4.0
    assert calc.value("S", "E7") == 21.0 and calc.value("S", "F8") == 42.0
    assert calc.value("S", "B9") == 1.0  # the criterion is B1's value, not each cell's


def test_dynamic_references_the_engine_cannot_order_are_computed_cell_by_cell():
    """formualizer 0.13 gives up after five replans (tests/test_formualizer_upstream.py holds the repro)."""
    wb = fz.Workbook()
    wb.add_sheet("S")
    for c in range(1, 7):
        wb.set_value("S", 1, c, float(c))
    cells = []
    for r in (2, 3):
        for c in range(2, 5):
            wb.set_formula("S", r, c, "=OFFSET($A$1:$F$1,0,0)")
            cells.append(("S", f"{'ABCDEF'[c - 1]}{r}"))
    wb.set_formula("S", 4, 2, "=SUM(OFFSET($A$1:$F$1,0,0,1,2))")
    wb.set_formula("S", 10, 8, "=A1*2")  # reads nothing that spills
    with pytest.raises(fz.ExcelEvaluationError, match="did not converge"):
        wb.evaluate_all()
    failed = settle.evaluate(wb, [*cells, ("S", "B4"), ("S", "H10")])
    assert ("S", "H10") not in failed and wb.get_value("S", 10, 8) == 2.0
    assert failed <= {*cells, ("S", "B4")}  # returned, for the engine module to show as #N/IMPL! with the reason


def test_a_legacy_arrays_na_cells_do_not_block_its_result():
    """tests/oracle/poi_MatrixFormulaEvalTestData.xlsx H62:J64: Excel saves #N/A beyond the result as literal errors."""
    calc = engine.calculate(engine.Path(__file__).parent / "oracle" / "poi_MatrixFormulaEvalTestData.xlsx")
    assert calc.value("Sheet1", "H62") == 2.0 and calc.value("Sheet1", "I64") == 4.0
    assert calc.value("Sheet1", "J62") == engine.ErrorValue("#N/A")
