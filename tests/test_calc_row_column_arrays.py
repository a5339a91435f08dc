"""ROW and COLUMN of several rows or columns: the arrays Excel gives, through ``xlmodel calc``.

Each book is written by XlsxWriter (legacy array formulas, dynamic arrays and plain formulas as
Excel saves them) and recalculated by ``engine.calculate``. Expected values: Microsoft's ROW and
COLUMN pages (support.microsoft.com, "ROW function", "COLUMN function": a range entered as a
vertical (horizontal) array formula gives the row (column) numbers as a vertical (horizontal)
array; not entered as an array, COLUMN gives the leftmost column), and otherwise LibreOffice 7.4's
values for the same book, recalculated on load (measured; noted "LibreOffice" beside each).
Before this change every multi-cell case below gave the first row or column alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from workbook_helpers import calculated_book

from xlmodel.calc import engine
from xlmodel.calc.row_column_arrays import rewrite

TIE_BREAK = ('MATCH(LARGE(IF($A$1:$A$4<>"",$A$1:$A$4+ROW($A$1:$A$4)/1E9),{k}),'
             'IF($A$1:$A$4<>"",$A$1:$A$4+ROW($A$1:$A$4)/1E9),0)')


def calculated(tmp_path: Path, cells: dict[str, Any], dynamic: frozenset[str] = frozenset(),
               names: dict[str, str] | None = None) -> engine.Calculation:
    """Sheet S of ``cells`` (as :func:`calculated_book` takes them); ``dynamic`` names S's addresses."""
    return calculated_book(tmp_path, {"S": cells}, names, {f"S!{a}" for a in dynamic})


def values(calc: engine.Calculation, *addresses: str) -> list[Any]:
    return [calc.value("S", a) for a in addresses]


def test_row_of_a_range_as_microsoft_documents_it(tmp_path):
    calc = calculated(tmp_path, {"K1:K4": "{=ROW(D5:D8)}", "F1": "=ROW(D5:D8)", "A1": "=ROW(C10)",
                                 "H1": "=ROW(D5:D8)"}, dynamic=frozenset({"F1"}))
    assert values(calc, "K1", "K2", "K3", "K4") == [5.0, 6.0, 7.0, 8.0]  # entered as a vertical array
    assert values(calc, "F1", "F2", "F3", "F4") == [5.0, 6.0, 7.0, 8.0]  # a dynamic array spills it
    assert calc.spills == {("S", "F1"): "F1:F4"}
    assert calc.value("S", "A1") == 10.0  # the page's =ROW(C10)
    assert calc.value("S", "H1") == 5.0 and ("S", "H2") not in calc.values  # plain: the first row, no spill


def test_column_of_a_range_as_microsoft_documents_it(tmp_path):
    calc = calculated(tmp_path, {"L1:N1": "{=COLUMN(D2:F3)}", "F7": "=COLUMN(D2:F3)", "A5": "=COLUMN(D10)",
                                 "H5": "=COLUMN(D2:F3)"}, dynamic=frozenset({"F7"}))
    assert values(calc, "L1", "M1", "N1") == [4.0, 5.0, 6.0]  # entered as a horizontal array
    assert values(calc, "F7", "G7", "H7") == [4.0, 5.0, 6.0]  # a dynamic array spills it across
    assert calc.value("S", "A5") == 4.0  # the page's =COLUMN(D10)
    assert calc.value("S", "H5") == 4.0  # not entered as an array: the leftmost column


def test_the_tie_break_idiom(tmp_path):
    # the largest values with ties broken by row: 0.5 (row 1), then the zeros of rows 4, 3, 2 (LibreOffice 1, 4, 3, 2)
    cells: dict[str, Any] = {f"A{i}": v for i, v in enumerate([0.5, 0, 0, 0], 1)}
    cells.update({f"C{k}": "{=" + TIE_BREAK.format(k=k) + "}" for k in (1, 2, 3, 4)})
    cells["D1"] = "{=SUM(ROW($A$1:$A$4))}"
    calc = calculated(tmp_path, cells)
    assert values(calc, "C1", "C2", "C3", "C4") == [1.0, 4.0, 3.0, 2.0]
    assert calc.value("S", "D1") == 10.0  # LibreOffice 10


def test_the_nth_match_idiom_and_sumproduct(tmp_path):
    cells: dict[str, Any] = {}
    for i, v in enumerate(["x", "y", "x", "z", "x"], 11):
        cells[f"H{i}"], cells[f"I{i}"] = v, i * 10
    cells["J11"] = '{=INDEX($I$11:$I$15,SMALL(IF($H$11:$H$15="x",ROW($H$11:$H$15)-ROW($H$11)+1),2))}'
    cells["J12"] = "=SUMPRODUCT(ROW(H11:H14))"
    cells["J13"] = '=SUMPRODUCT((H:H="x")*ROW(H:H))'  # whole columns: rows 11 + 13 + 15
    cells["J14"] = '=SUMPRODUCT(--(MID("banana",ROW(INDIRECT("1:"&LEN("banana"))),1)="a"))'
    cells["J15"] = "=SUMPRODUCT(ROW(OFFSET(H11,1,0,3,1)))"
    cells["J16"] = "=SUMPRODUCT(ROW(Rng))"
    calc = calculated(tmp_path, cells, names={"Rng": "=S!$H$11:$H$12"})
    # LibreOffice: 130 (the second "x" is row 13), 50, 39, 3 (the a's of banana), 39 (12+13+14), 23
    assert values(calc, "J11", "J12", "J13", "J14", "J15", "J16") == [130.0, 50.0, 39.0, 3.0, 39.0, 23.0]
    assert calc.ok


def test_plain_formulas_take_the_first_value_where_one_is_taken(tmp_path):
    calc = calculated(tmp_path, {"J1": "=ROW(A1:A4)*2", "J2": "=INDEX(ROW(A1:A4),3)", "J3": "=SUM(ROW(A1:A4))"})
    # LibreOffice: 2 (one value at the top), 3 (INDEX takes the array), 10 (SUM takes it)
    assert values(calc, "J1", "J2", "J3") == [2.0, 3.0, 10.0]
    assert not calc.spills


def test_a_range_holding_the_formula_is_no_cycle(tmp_path):
    # ROW and COLUMN read the address only (LibreOffice 21 and 6, no circular reference)
    calc = calculated(tmp_path, {"A5": "=SUMPRODUCT(ROW(A1:A6))", "A6": "=SUMPRODUCT(COLUMN(A6:C6))",
                                 "B3": "=SUMPRODUCT(ROW(Own))", "C2": "=SUMPRODUCT(ROW(OFFSET(C1,0,0,3,1)))"},
                      names={"Own": "=S!$B$1:$B$4"})
    assert values(calc, "A5", "A6", "B3", "C2") == [21.0, 6.0, 10.0, 6.0]
    assert calc.ok


@pytest.mark.parametrize(("formula", "legacy", "expected"), [
    ("=SUM(ROW(A1:A4))", True, "=SUM(SEQUENCE(4,1,1))"),
    ("=ROW(A1:A4)", True, "=ROW(A1:A4)"),  # a value place of a plain formula: the engine's first value is Excel's
    ("=ROW(A1:A4)", False, "=SEQUENCE(4,1,1)"),
    ("=SUMPRODUCT(COLUMN(Sheet1!$B$1:$D$9))", True, "=SUMPRODUCT(SEQUENCE(1,3,2))"),
    ("=SUMPRODUCT(ROW(2:5))", True, "=SUMPRODUCT(SEQUENCE(4,1,2))"),
    ("=SUMPRODUCT(ROW(A1:D1))", True, "=SUMPRODUCT(ROW(A1:D1))"),  # one row: one number
    ("=ROW()+ROW(A1)+COLUMN()", False, "=ROW()+ROW(A1)+COLUMN()"),
    ("=SUMPRODUCT(ROW(Rng))", True, "=SUMPRODUCT(SEQUENCE(3,1,2))"),  # a name: the cells it names
    ("=SUMPRODUCT(ROW(One))", True, "=SUMPRODUCT(ROW(One))"),  # a name of one cell
    ('=SUMPRODUCT(ROW(INDIRECT("1:"&A1)))', True,
     '=SUMPRODUCT(SEQUENCE(ROWS(INDIRECT("1:"&A1)),1,ROW(INDIRECT("1:"&A1))))'),
])
def test_rewrite(formula, legacy, expected):
    assert rewrite(formula, legacy, lambda name: "S!$A$2:$B$4" if name == "Rng" else None) == expected
