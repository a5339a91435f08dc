"""References read only for their address are not cycles, as in Excel (issue #22, part 1).

Excel computes ``=ROW(C1)*2`` in C1 (2), ``=COLUMN(D1)`` in D1 (4),
``=SUM(OFFSET(E5,-4,0,4,1))`` in E5 (the four cells above) and the scenario
selector ``=OFFSET(H19, MATCH($B$2, $A20:$A22, 0), 0)`` in H19 (the chosen case's
row): each reads where a cell is, never its value (Microsoft's ROW, COLUMN, OFFSET,
CELL and ISREF pages describe the argument as a reference). A cycle through values
stays ``#CIRC!``. Each workbook is written by openpyxl and recalculated headless.
"""

from __future__ import annotations

import openpyxl
import pytest

from xlmodel.calc import address_reads, engine


def _calc(tmp_path, cells: dict[str, object], iterate: bool = False):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    for address, value in cells.items():
        ws[address] = value
    if iterate:
        wb.calculation.iterate = True
    wb.save(tmp_path / "book.xlsx")
    return engine.calculate(tmp_path / "book.xlsx")


SELECTOR = {"B2": 2, "A20": 1, "A21": 2, "A22": 3, "H20": "=10", "H21": "=20*1", "H22": 30,
            "H19": "=OFFSET(H19, MATCH($B$2, $A20:$A22, 0), 0)", "H30": "=H19+1"}


def test_the_scenario_selector_reads_the_chosen_row_below_itself(tmp_path):
    calc = _calc(tmp_path, SELECTOR)
    assert calc.ok, calc.issues
    assert calc.value("S", "H19") == 20 and calc.value("S", "H30") == 21


@pytest.mark.parametrize(("cells", "cell", "excel"), [
    ({"C1": "=ROW(C1)*2"}, "C1", 2),
    ({"D1": "=COLUMN(D1)"}, "D1", 4),
    ({"E1": 1, "E2": 2, "E3": 3, "E4": 4, "E5": "=SUM(OFFSET(E5,-4,0,4,1))"}, "E5", 10),
    ({"A1": '=CELL("address",A1)'}, "A1", "$A$1"),
    ({"A2": '=CELL("row",A2)'}, "A2", 2),
    ({"A3": "=ISREF(A3)"}, "A3", True),
    ({"A4": "=ROWS(A1:A5)"}, "A4", 5),
    ({"A5": "=COLUMNS(A5:C5)"}, "A5", 3),
    ({"A1": 1, "A2": 2, "A3": 3, "A5": "=SUM(A1:INDEX(A1:A5,3))"}, "A5", 6),
    ({"A1": 1, "A2": 2, "A3": 3, "A5": "=SUM(INDEX(A1:A5,2):A3)"}, "A5", 5),
    ({"A1": "=ROW(B1)", "B1": "=A1*10"}, "B1", 10),  # a cycle only through an address, across two cells
])
def test_an_address_only_reference_computes(tmp_path, cells, cell, excel):
    calc = _calc(tmp_path, cells)
    assert calc.ok, calc.issues
    assert calc.value("S", cell) == excel


def test_a_cycle_through_values_is_still_circular(tmp_path):
    cells = dict(SELECTOR, H21="=H30*0+20")  # the chosen row reads the cell that reads the selector
    calc = _calc(tmp_path, cells)
    issues = {i.address: i.message for i in calc.issues}
    assert calc.value("S", "H19") == 0  # openpyxl saves no value: Excel shows 0
    assert set(issues) == {"H19", "H21", "H30"}
    assert all("circular reference" in m for m in issues.values())


def test_a_cell_reading_its_own_value_and_address_is_circular(tmp_path):
    calc = _calc(tmp_path, {"A1": '=CELL("contents",A1)', "B1": "=ROW(B1)+B1"})
    assert {i.address for i in calc.issues} == {"A1", "B1"}


def test_the_selector_computes_in_a_workbook_that_iterates(tmp_path):
    calc = _calc(tmp_path, SELECTOR, iterate=True)
    assert calc.ok, calc.issues
    assert calc.value("S", "H19") == 20


@pytest.mark.parametrize(("formula", "unlinked"), [
    ("=OFFSET(H19, MATCH($B$2, $A20:$A22, 0), 0)",
     "=OFFSET(INDIRECT(\"'S 1'!H19\"), MATCH($B$2, $A20:$A22, 0), 0)"),
    ("=ROW(C1)*2", "=ROW(INDIRECT(\"'S 1'!C1\"))*2"),
    ("=ROWS(Other!A1:A5)+ROW(Start)", '=ROWS(INDIRECT("Other!A1:A5"))+ROW(INDIRECT("Start"))'),
    ("=SUM(A1:INDEX(A1:A5,3))", "=SUM(A1:INDEX(INDIRECT(\"'S 1'!A1:A5\"),3))"),
    ('=CELL("contents",A1)&CELL("col",A1)', '=CELL("contents",A1)&CELL("col",INDIRECT("\'S 1\'!A1"))'),
    ("=INDEX(A1:A5,2)", "=INDEX(A1:A5,2)"),  # INDEX read for its value: its range is read
    ("=OFFSET(A1,SUM({1,2}),(B1),C1)+ROW(D1)", "=OFFSET(INDIRECT(\"'S 1'!A1\"),SUM({1,2}),(B1),C1)+ROW(INDIRECT(\"'S 1'!D1\"))"),
    ("=ROW(A1+1)", "=ROW(A1+1)"),  # an expression, not one reference: left as it is
    ("=SUM(A1:B5 B2:C3)+ROW( A1 )", "=SUM(A1:B5 B2:C3)+ROW( INDIRECT(\"'S 1'!A1\") )"),  # the space intersects
])
def test_unlink_names_the_same_cells_through_indirect(formula, unlinked):
    assert address_reads.unlink(formula, "S 1") == unlinked
