"""Lookups computed as Excel does where formualizer 0.13 answers differently (xlmodel.calc.lookups).

Expected values come from Microsoft's function pages (cited per test), from the rules
of Excel's binary search written in lookups.py's docstring, and, for XLOOKUP, from the
170 Excel-computed cells of tests/oracle/ironcalc_xlsx_tests_calc_tests_LOOKUP_AND_REFERENCE_XLOOKUP.xlsx
(checked by tests/test_oracle.py).
"""

from __future__ import annotations

import formualizer as fz
import openpyxl
import pytest

from xlmodel.calc import engine, lookups
from xlmodel.calc import excel_gaps as gaps
from xlmodel.calc.engine import ErrorValue
from xlmodel.calc.lookups import legacy_search, route, xlookup

NA = {"type": "Error", "kind": "Na"}
DIV = {"type": "Error", "kind": "Div"}


def _calc(tmp_path, fill):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    fill(ws)
    wb.save(tmp_path / "book.xlsx")
    return engine.calculate(tmp_path / "book.xlsx")


# --- the last-match idiom and the engine bugs it shows ----------------------------------------


def test_last_match_idiom_over_5000_rows_finds_the_last_row_where_the_condition_holds(tmp_path):
    # Excel: LOOKUP(2,1/(cond),r) skips the #DIV/0! of rows where cond is false; 2 is above every 1,
    # so the search ends on the last 1 (Microsoft's LOOKUP page: "the largest value ... less than or equal").
    def fill(ws):
        for r in range(1, 5001):
            ws.cell(r, 1, r % 7)
            ws.cell(r, 2, r * 10)
        ws["D1"] = "=LOOKUP(2,1/(A1:A5000=3),B1:B5000)"
        ws["D2"] = "=LOOKUP(2,1/(A1:A5000=9),B1:B5000)"  # never true: nothing to find
        ws["D3"] = "=MATCH(2,1/(A1:A5000=3))"
    calc = _calc(tmp_path, fill)
    assert calc.value("S", "D1") == 49940  # row 4994 is the last with ROW() mod 7 = 3; formualizer 0.13: 6260
    assert calc.value("S", "D2") == ErrorValue("#N/A")
    assert calc.value("S", "D3") == 4994


def test_upstream_repro_lookup_steps_over_errors(tmp_path):
    # formualizer 0.13: =LOOKUP(2,1/(A1:A20=3),B1:B20) with A=ROW() mod 7, B=ROW()*10 gives 30; Excel 170.
    def fill(ws):
        for r in range(1, 21):
            ws.cell(r, 1, r % 7)
            ws.cell(r, 2, r * 10)
        ws["D1"] = "=LOOKUP(2,1/(A1:A20=3),B1:B20)"
    assert _calc(tmp_path, fill).value("S", "D1") == 170


def test_upstream_repro_approximate_match_skips_logicals(tmp_path):
    # formualizer 0.13: =MATCH(3,A1:A5,1) over 1,TRUE,3,FALSE,5 gives #N/A and VLOOKUP(3,...,TRUE) #N/A;
    # Excel compares numbers with numbers only (lookups.py's rules) and answers 3 and 30.
    def fill(ws):
        for r, v in enumerate([1, True, 3, False, 5], 1):
            ws.cell(r, 1, v)
            ws.cell(r, 2, r * 10)
        ws["D1"] = "=MATCH(3,A1:A5,1)"
        ws["D2"] = "=VLOOKUP(4,A1:B5,2,TRUE)"
        ws["D3"] = "=LOOKUP(4,A1:A5,B1:B5)"  # formualizer 0.13: 40
    calc = _calc(tmp_path, fill)
    assert [calc.value("S", f"D{r}") for r in (1, 2, 3)] == [3, 30, 30]


# --- Microsoft's documented examples, through the whole engine ----------------------------------


def test_microsoft_lookup_and_match_examples(tmp_path):
    def fill(ws):
        # LOOKUP page, vector form: frequencies and colours
        for r, (f, c) in enumerate([(4.14, "red"), (4.19, "orange"), (5.17, "yellow"), (5.77, "green"),
                                    (6.39, "blue")], 2):
            ws.cell(r, 1, f)
            ws.cell(r, 2, c)
        ws["D1"] = "=LOOKUP(4.19,A2:A6,B2:B6)"
        ws["D2"] = "=LOOKUP(5.75,A2:A6,B2:B6)"
        ws["D3"] = "=LOOKUP(7.66,A2:A6,B2:B6)"
        ws["D4"] = "=LOOKUP(0,A2:A6,B2:B6)"
        ws["D5"] = '=LOOKUP("C",{"a","b","c","d";1,2,3,4})'  # array form, wider than tall
        ws["D6"] = '=LOOKUP("bump",{"a",1;"b",2;"c",3})'  # array form, taller than wide
        # MATCH page: 25, 38, 40, 41
        for r, v in enumerate([25, 38, 40, 41], 2):
            ws.cell(r, 6, v)
        ws["G1"] = "=MATCH(39,F2:F5,1)"
        ws["G2"] = "=MATCH(41,F2:F5,0)"
        ws["G3"] = "=MATCH(40,F2:F5,-1)"  # not in descending order: #N/A
    calc = _calc(tmp_path, fill)
    v = calc.value
    assert [v("S", f"D{r}") for r in range(1, 7)] == ["orange", "yellow", "blue", ErrorValue("#N/A"), 3, 2]
    assert [v("S", f"G{r}") for r in range(1, 4)] == [2, 4, ErrorValue("#N/A")]


# --- the binary search's rules -------------------------------------------------------------------


@pytest.mark.parametrize(("values", "x", "expected"), [
    ([1, 2, 2, 2, 3], 2, 3),  # duplicates in a sorted run: the last of them
    ([1, 2, 2, 2, 3], 2.5, 3),
    ([1, DIV, 3, DIV, DIV, 7], 5, 2),  # errors are stepped over
    ([1, DIV, 3, DIV, DIV, 7], 0, None),  # below everything: #N/A
    ([1, "a", 3, "b", 5, "c"], 4, 2),  # text is another type for a number: stepped over
    ([1, "a", 3, "b", 5, "c"], "b", 3),  # and numbers for text
    ([1, None, 3, None, 5, None, None], 9, 4),  # blanks never compare
    (["apple", "Banana", "cherry"], "BANANA", 1),  # text without case
    ([False, True], True, 1),
    ([DIV, DIV, DIV], 1, None),
    ([5, 1, 4, 2, 9, 3], 4, 2),  # unsorted: where the probes lead (4 at the first probe)
])
def test_legacy_search(values, x, expected):
    assert legacy_search(values, x) == expected


def test_legacy_search_descending_for_match_minus_one():
    assert legacy_search([9, 7, 5, 3, 1], 4, descending=True) == 2  # smallest value >= 4 is 5
    assert legacy_search([9, 7, 5, 3, 1], 10, descending=True) is None


# --- XLOOKUP -------------------------------------------------------------------------------------

COL = [[2.0], [5.0], [4.0], [5.0], [3.0], [True], ["ala"]]  # the oracle's ReturnSmaller!A4:A10
RET = [["a"], ["b"], ["c"], ["d"], ["e"], ["f"], ["g"]]


@pytest.mark.parametrize(("x", "mode", "search", "expected"), [
    (4.8, -1, 1, "c"), (10.0, -1, 1, "b"), (1.0, -1, 1, NA), ("qwerty", -1, 1, "g"), (False, -1, 1, "g"),
    (2.1234, 1, 1, "e"), (10.0, 1, 1, "g"), ("qwerty", 1, 1, "f"), (5.0, 1, -1, "d"),
])
def test_xlookup_next_smaller_and_larger_order_numbers_text_logicals(x, mode, search, expected):
    # Excel's values: oracle sheets ReturnSmaller/ReturnLarger, rows 4-13
    assert xlookup(x, COL, RET, None, float(mode), float(search)) == expected


def test_xlookup_binary_search_takes_the_first_of_equal_values_ascending_and_the_last_descending():
    asc = [[v] for v in (1, 2, 3, 4, 5, 5, 5, 6, 7, 7, 7, 8, 9)]  # oracle MultipleElements!A1:A13
    desc = asc[::-1]
    ret = [[c] for c in "ABCDEFGHIJKLM"]
    assert xlookup(5.0, asc, ret, None, -1.0, 2.0) == "E"
    assert xlookup(7.1, asc, ret, None, -1.0, 2.0) == "K"  # last 7
    assert xlookup(5.0, desc, ret, None, -1.0, -2.0) == "I"  # the last 5 going down
    assert xlookup(7.1, desc, ret, None, 1.0, -2.0) == "B"  # 8


def test_xlookup_wildcards_and_escapes():
    keys = [["Green"], ["Blue"], ["a*b"], ["Friday"]]
    ret = [[1.0], [2.0], [3.0], [4.0]]
    assert xlookup("*r*", keys, ret, None, 2.0, 1.0) == 1.0
    assert xlookup("*r*", keys, ret, None, 2.0, -1.0) == 4.0
    assert xlookup("?~*b", keys, ret, None, 2.0, 1.0) == 3.0  # ~* is a literal star
    assert xlookup("???day", keys, ret, None, 2.0, 1.0) == 4.0
    assert xlookup("*r*", keys, ret, None, 2.0, 2.0) == {"type": "Error", "kind": "Value"}  # not with binary


def test_xlookup_argument_errors_if_not_found_and_shapes():
    keys, ret = [[1.0], [2.0]], [["a"], ["b"]]
    value = {"type": "Error", "kind": "Value"}
    assert xlookup(1.0, keys, ret, None, 3.0, 1.0) == value  # bad match mode
    assert xlookup(1.0, keys, ret, None, 1.0, 0.0) == value  # bad search mode
    assert xlookup(1.0, keys, [["a"]], None, 1.0, 1.0) == value  # shapes differ
    assert xlookup(9.0, keys, ret, "none", 1.0, 1.0, 2.0) == "none"
    assert xlookup(9.0, keys, ret, None, 1.0, 1.0) == NA
    assert xlookup(DIV, keys, ret, None, 1.0, 1.0) == DIV


def test_xlookup_horizontal_and_two_dimensional_results_spill():
    # Microsoft's XLOOKUP page: a return array of several rows or columns returns (spills) the row
    # or column found. Evaluated in the engine directly: openpyxl cannot save the dynamic-array flag.
    wb = fz.Workbook()
    sheet = wb.sheet("S")
    for c, (k, a, b) in enumerate([(2.0, "a", "x"), (3.0, "b", "y"), (5.0, "c", "z")], 1):
        for r, v in ((1, k), (2, a), (3, b)):
            wb.set_value("S", r, c, v)  # across: keys in row 1
            wb.set_value("S", 9 + c, r, v)  # down: keys in column A
    gaps.register_functions(wb)
    sheet.set_formula(5, 1, route("=XLOOKUP(4,A1:C1,A2:C3,,-1)"))  # next smaller: the column of 3
    sheet.set_formula(10, 5, route("=XLOOKUP(4,A10:A12,B10:C12,,1)"))  # next larger: the row of 5
    wb.evaluate_all()
    assert [wb.get_value("S", r, 1) for r in (5, 6)] == ["b", "y"]
    assert [wb.get_value("S", 10, c) for c in (5, 6)] == ["c", "z"]


# --- which calls go to Python --------------------------------------------------------------------


@pytest.mark.parametrize(("formula", "expected"), [
    ("=LOOKUP(2,1/(A1:A9=3),B1:B9)", "=XLMODEL_LOOKUP(2,1/(A1:A9=3),B1:B9)"),
    ("=MATCH(1,A1:A9)", "=XLMODEL_MATCH(1,A1:A9)"),
    ("=MATCH(1,A1:A9,-1)", "=XLMODEL_MATCH(1,A1:A9,-1)"),
    ("=MATCH(1,A1:A9,C1)", "=XLMODEL_MATCH(1,A1:A9,C1)"),
    ("=MATCH(1,A1:A9,0)", "=MATCH(1,A1:A9,0)"),
    ("=MATCH(1,A1:A9,)", "=MATCH(1,A1:A9,)"),  # an empty match_type is 0
    ("=VLOOKUP(1,A1:B9,2)", "=XLMODEL_VLOOKUP(1,A1:B9,2)"),
    ("=VLOOKUP(1,A1:B9,2,FALSE)", "=VLOOKUP(1,A1:B9,2,FALSE)"),
    ("=VLOOKUP(1,A1:B9,2,)", "=VLOOKUP(1,A1:B9,2,)"),
    ("=HLOOKUP(1,A1:I2,2,TRUE)", "=XLMODEL_HLOOKUP(1,A1:I2,2,TRUE)"),
    ("=_xlfn.XLOOKUP(1,A1:A9,B1:B9)", "=_xlfn.XLOOKUP(1,A1:A9,B1:B9)"),
    ("=_xlfn.XLOOKUP(1,A1:A9,B1:B9,,,-1)", "=_xlfn.XLOOKUP(1,A1:A9,B1:B9,,,-1)"),
    ("=_xlfn.XLOOKUP(,L:L,M:M,,1,2)", "=XLMODEL_XLOOKUP(0,L:L,M:M,0,1,2,1,1048576,1,1048576,1)"),
    ('=XLOOKUP(D6, $A$4:$A$10, B4:C10, "no, none", -1)',
     '=XLMODEL_XLOOKUP(D6,$A$4:$A$10,B4:C10,"no, none",-1,1,2,7,1,7,2)'),
    ("=INDEX(B:B,MATCH(A1,C:C,1))", "=INDEX(B:B,XLMODEL_MATCH(A1,C:C,1))"),
    # used as a reference: stays on the engine
    ("=SUM(A1:XLOOKUP(1,B:B,C:C,,1))", "=SUM(A1:XLOOKUP(1,B:B,C:C,,1))"),
    ("=SUM(XLOOKUP(1,B:B,C:C,,1):C5)", "=SUM(XLOOKUP(1,B:B,C:C,,1):C5)"),
    ("=ROW(XLOOKUP(1,B:B,C:C,,1))", "=ROW(XLOOKUP(1,B:B,C:C,,1))"),
    ("=OFFSET(A1,MATCH(1,A:A),1)", "=OFFSET(A1,XLMODEL_MATCH(1,A:A),1)"),  # a count, not the reference
])
def test_routing(formula, expected):
    # as routed once the data is known not to suit the engine (xlmodel.calc.checked_routes)
    assert route(formula, keep=lambda name, args: False) == expected


@pytest.mark.parametrize(("formula", "deferred"), [
    ("=MATCH(1,A1:A9)", True), ("=MATCH(1,A1:A9,1)", True), ("=MATCH(1,A1:A9,-1)", False),
    ("=MATCH(1,A1:A9,C1)", False), ("=VLOOKUP(1,A1:B9,2)", True), ("=VLOOKUP(1,A1:B9,C1,TRUE)", False),
    ("=HLOOKUP(1,A1:I2,2,TRUE)", True), ("=LOOKUP(2,1/(A1:A9=3),B1:B9)", False), ("=LOOKUP(2,A1:A9,B1:B9)", True),
    ("=_xlfn.XLOOKUP(1,L:L,M:M,,1,2)", True), ("=_xlfn.XLOOKUP(1,L:L,M:M,,-1,2)", False),
    ("=_xlfn.XLOOKUP(1,L:L,M:M,,0,-2)", False), ("=_xlfn.XLOOKUP(1,L:L,M:M,,1)", False),
])
def test_calls_judged_by_their_data_wait_for_it(formula, deferred):
    # before evaluation only the calls the engine answers wrongly whatever the data go to Python
    routed = route(formula)
    assert (routed == formula) is deferred


def test_the_python_names_are_not_unknown_functions():
    assert engine.unknown_functions("=XLMODEL_MATCH(1,A1:A3)+XLMODEL_XLOOKUP(1,A1:A3,B1:B3)") == set()
    assert lookups.NAMES == {"XLMODEL_LOOKUP", "XLMODEL_MATCH", "XLMODEL_VLOOKUP", "XLMODEL_HLOOKUP",
                             "XLMODEL_XLOOKUP"}


def test_each_cell_of_a_filled_down_lookup_is_routed(tmp_path):
    # (cells sharing a master's formula are routed by translating the master: the oracle's XLOOKUP
    # book has 214 such cells; openpyxl cannot write shared formulas)
    def fill(ws):
        for r in range(1, 11):
            ws.cell(r, 1, r % 3)
            ws.cell(r, 2, r)
        for r in range(1, 4):
            ws.cell(r, 4, f"=LOOKUP(2,1/($A$1:$A$10={r - 1}),$B$1:$B$10)")
    calc = _calc(tmp_path, fill)
    assert [calc.value("S", f"D{r}") for r in (1, 2, 3)] == [9, 10, 8]  # last rows with mod 0, 1, 2
