"""Lookup, reference, text and date functions at their edges, on Microsoft's documented examples.

formualizer 0.13 answers these as Excel does (checked here so that a later edit of xlmodel's
or an engine upgrade cannot change them unnoticed); the oracle books hold many more such
cells (tests/test_oracle.py). Each book is recalculated as ``xlmodel calc`` runs a file.
"""

from __future__ import annotations

import pytest
import xlsxwriter

from xlmodel.calc import engine
from xlmodel.calc.engine import ErrorValue

CASES = {
    # Microsoft's CHOOSE page: a fractional index is truncated; below 1 or beyond the list, #VALUE!
    "C1": ('=CHOOSE(2.9,"a","b","c")', "b"), "C2": ('=CHOOSE(0,"a")', "#VALUE!"), "C3": ('=CHOOSE(3,"a","b")', "#VALUE!"),
    # Microsoft's INDEX page: row and column numbers are truncated; outside the range, #REF!
    "C4": ("=INDEX(A1:B3,2.7,1.2)", 5.0), "C5": ("=INDEX(A1:B3,4,1)", "#REF!"),
    # Microsoft's OFFSET page: beyond the sheet's edge, #REF!; rows and columns are truncated
    "C6": ("=OFFSET(A1,1.9,0)", 5.0), "C7": ("=OFFSET(A1,-1,0)", "#REF!"), "C8": ("=OFFSET(B2,-1.5,0)", 10.0),
    # Microsoft's LOOKUP page, the array form: a wide array is searched in its first row, a tall one in its column
    "C9": ('=LOOKUP("C",{"a","b","c","d";1,2,3,4})', 3.0), "C10": ('=LOOKUP("bump",{"a",1;"b",2;"c",3})', 2.0),
    # Microsoft's MATCH page on E1:E4 = 25, 38, 40, 41
    "C11": ("=MATCH(39,E1:E4,1)", 2.0), "C12": ("=MATCH(41,E1:E4,0)", 4.0), "C13": ("=MATCH(40,E1:E4,-1)", "#N/A"),
    # Microsoft's YEARFRAC page, 1 January to 30 July 2012, and its errors
    "C14": ("=YEARFRAC(DATE(2012,1,1),DATE(2012,7,30))", 0.58055556),
    "C15": ("=YEARFRAC(DATE(2012,1,1),DATE(2012,7,30),1)", 0.57650273),
    "C16": ("=YEARFRAC(DATE(2012,1,1),DATE(2012,7,30),3)", 0.57808219),
    "C17": ('=YEARFRAC("x",2)', "#VALUE!"), "C18": ("=YEARFRAC(1,2,5)", "#NUM!"),
    # the TEXT example: a format ending in the decimal point keeps it
    "C19": ('=TEXT(1,"#.###")', "1."),
}


@pytest.fixture(scope="module")
def calc(tmp_path_factory):
    path = tmp_path_factory.mktemp("edges") / "book.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("S")
    for address, value in {"A1": 1, "A2": 5, "A3": 3, "B1": 10, "B2": 50, "B3": 30, "E1": 25, "E2": 38, "E3": 40,
                           "E4": 41}.items():
        ws.write(address, value)
    for address, (formula, _) in CASES.items():
        ws.write_formula(address, formula)
    # OFFSET and INDIRECT making several cells in plain formulas: intersected with the formula's row (Excel's
    # implicit intersection), summed whole inside SUM
    ws.write_formula("G2", "=OFFSET(A1,0,0,3,1)")
    ws.write_formula("G3", '=INDIRECT("A1:A3")*2')
    ws.write_formula("G4", "=SUM(OFFSET(A1,0,0,3,1))")
    ws.write_formula("G5", "=OFFSET(A1,0,0,3,1)")
    wb.close()
    return engine.calculate(path)


@pytest.mark.parametrize("address", sorted(CASES))
def test_edges_as_microsofts_pages(calc, address):
    formula, excel = CASES[address]
    value = calc.value("S", address)
    if isinstance(excel, str) and excel.startswith("#"):
        assert value == ErrorValue(excel), formula
    elif isinstance(excel, float):
        assert value == pytest.approx(excel, abs=5e-9), formula
    else:
        assert value == excel, formula


def test_offset_and_indirect_of_several_cells_in_plain_formulas(calc):
    assert calc.value("S", "G2") == 5.0  # A2, the formula's row
    assert calc.value("S", "G3") == 6.0  # A3 * 2
    assert calc.value("S", "G4") == 9.0
    assert calc.value("S", "G5") == ErrorValue("#VALUE!")  # row 5 meets none of A1:A3
