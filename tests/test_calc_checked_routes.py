"""Calls sent to Python only where their data says the engine is wrong (xlmodel.calc.checked_routes).

Excel's values come from the oracle workbooks Excel saved (the cell is named in each
case): tests/oracle/ironcalc_xlsx_tests_calc_tests_MATH_AND_TRIGONOMETRY_SUMIFS.xlsx
(SUMIFS) and ..._STATISTICAL_COUNTIFS.xlsx (COUNTIFS), the data rebuilt here in small.
"""

from __future__ import annotations

import random

import formualizer as fz
import openpyxl
import pytest

from xlmodel.calc import checked_routes, conditional, engine, lookups
from xlmodel.calc.engine import ErrorValue

# Rows2!A2:A8 of the COUNTIFS oracle
VALUES = [23, "23", True, 1, -23, "hey", False]


def _calc(tmp_path, cells: dict, formulas: dict):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    for address, value in {**cells, **formulas}.items():
        ws[address] = value
    wb.save(tmp_path / "book.xlsx")
    calc = engine.calculate(tmp_path / "book.xlsx")
    return {address: calc.value("S", address) for address in formulas}


def _column(values, col="A", top=1) -> dict:
    return {f"{col}{top + i}": v for i, v in enumerate(values)}


# --- the SUMIFS family: each gap, through the whole engine ----------------------------------------


def test_an_error_on_a_matching_row_of_the_sum_range_is_the_answer(tmp_path):
    # SUMIFS oracle Sheet1!D4:G4: '*o*' matches the row whose sum cell is =NA(): Excel #N/A for all four
    # (formualizer 0.13 skips the error: 87, 87, 29, 29 there)
    cells = {**_column([13, 17, "=NA()", 5]), **_column(["yellow", "red", "brown", "blue"], "B")}
    formulas = {"D1": '=SUMIFS(A1:A4,B1:B4,"*o*")', "D2": '=SUMIF(B1:B4,"*o*",A1:A4)',
                "D3": '=AVERAGEIFS(A1:A4,B1:B4,"*o*")', "D4": '=AVERAGEIF(B1:B4,"*o*",A1:A4)',
                "D5": '=SUMIFS(A1:A4,B1:B4,"red")'}  # the error's row does not match: 17
    assert _calc(tmp_path, cells, formulas) == {"D1": ErrorValue("#N/A"), "D2": ErrorValue("#N/A"),
                                                "D3": ErrorValue("#N/A"), "D4": ErrorValue("#N/A"), "D5": 17}


def test_an_error_value_as_criterion_matches_cells_holding_it(tmp_path):
    # COUNTIFS oracle Rows2!X2 (criterion #N/A: 1), X3 (#DIV/0!: 1), T7 (=NA(): 1), T8 (=1/0 over two: 2),
    # T9 (the text "#N/A" matches the error: 1); formualizer 0.13 answers the error, or 0 for the text
    cells = {**_column(["=NA()", 12, "=1/0", "x", "=1/0"]), "C1": "=NA()", "C2": "=1/0"}
    formulas = {"D1": "=COUNTIFS(A1:A5,C1)", "D2": "=COUNTIFS(A1:A5,C2)", "D3": '=COUNTIFS(A1:A5,"#N/A")'}
    got = _calc(tmp_path, cells, formulas)
    assert got == {"D1": 1, "D2": 2, "D3": 1}


def test_not_equal_to_a_number_keeps_text_that_spells_it(tmp_path):
    # COUNTIFS oracle Rows2!E2: COUNTIFS($A$2:$A$8,"<>23") is 6 (only the number 23 is left out;
    # formualizer 0.13 leaves out the text "23" too: 5); Rows2!C2: 23 itself matches both (2)
    formulas = {"C1": '=COUNTIFS(A1:A7,"<>"&B1)', "C2": '=COUNTIFS(A1:A7,"<>23")', "C3": "=COUNTIFS(A1:A7,B1)",
                "C4": '=COUNTIF(A1:A7,"<>23")'}
    got = _calc(tmp_path, {**_column(VALUES), "B1": 23}, formulas)
    assert got == {"C1": 6, "C2": 6, "C3": 2, "C4": 6}


def test_a_comparison_with_nothing_after_it_matches_nothing(tmp_path):
    # COUNTIFS oracle Rows2!L9:O9 over J2:J15 (numbers, text, logicals, blanks, ""), K9 blank:
    # "<", "<=", ">", ">=" all 0 (formualizer 0.13: 0, 1, 2, 3); "<>" 9 (Rows2!P9)
    cells = _column([*VALUES, 123, None, None, '=""'], "J", 2)
    formulas = {f"{c}1": f'=COUNTIFS($J$2:$J$15,_xlfn.CONCAT("{op}",K9))'
                for c, op in zip("LMNOP", ["<", "<=", ">", ">=", "<>"])}
    assert _calc(tmp_path, cells, formulas) == {"L1": 0, "M1": 0, "N1": 0, "O1": 0, "P1": 9}


def test_whole_columns_and_rows_count_every_cell(tmp_path):
    # COUNTIFS oracle Rows2!H2 ($A:$A, "<>"&23: 1048575), H6 ("<>0": 1048576), Columns2!B8 ($1:$1: 16383);
    # formualizer 0.13 stops where the column's data ends (6, 8, 6)
    cells = {**_column(["Range", *VALUES]), "C1": 23, "C2": 0}
    formulas = {"D1": '=COUNTIFS($A:$A,"<>"&C1)', "D2": '=COUNTIFS($A:$A,"<>"&C2)',
                "D3": '=COUNTIFS($A:$A,C1)'}  # a criterion no blank matches stays on the engine: 2
    got = _calc(tmp_path, cells, formulas)
    assert got == {"D1": 1048575, "D2": 1048576, "D3": 2}
    row = {f"{'BCDEFGH'[i]}1": v for i, v in enumerate(VALUES)} | {"B2": 23}
    assert _calc(tmp_path, row, {"B8": '=COUNTIFS($1:$1,"<>"&B2)'}) == {"B8": 16383}


# --- the engine's own answers, kept as the upstream reports' reproductions --------------------------


@pytest.mark.parametrize(("cells", "formula", "formualizer", "excel"), [
    ({"A1": 1.0, "A2": "#N/A", "B1": "x", "B2": "x"}, '=SUMIF(B1:B2,"x",A1:A2)', 1.0, "#N/A"),
    ({"A1": "#N/A", "A2": 12.0, "C1": "#N/A"}, "=COUNTIF(A1:A2,C1)", "#N/A", 1.0),
    ({"A1": 23.0, "A2": "23", "A3": "hey"}, '=COUNTIF(A1:A3,"<>23")', 1.0, 2.0),
    ({"A1": 23.0, "A2": "hey", "A3": "abc"}, '=COUNTIF(A1:A3,">")', 2.0, 0.0),
    ({"A1": 23.0, "A2": "x"}, '=COUNTIFS(A:A,"<>5")', 2.0, 1048576.0),
])
def test_formualizer_still_answers_so(cells, formula, formualizer, excel):
    # when one of these starts giving Excel's value upstream, its check can trust the engine there
    wb = fz.Workbook()
    s = wb.sheet("S")
    for address, value in cells.items():
        row, col = int(address[1:]), ord(address[0]) - 64
        s.set_value(row, col, fz.LiteralValue.error("Na", None) if value == "#N/A" else value)
    s.set_formula(1, 10, formula)
    wb.evaluate_all()
    got = wb.get_value("S", 1, 10)
    assert (got == {"type": "Error", "kind": "Na"}) if formualizer == "#N/A" else got == formualizer
    assert excel != formualizer


# --- which calls are trusted -----------------------------------------------------------------------


@pytest.fixture
def book():
    wb = fz.Workbook()
    s = wb.sheet("S")
    for r in range(1, 11):
        s.set_value(r, 1, float(r // 2))  # A: ascending with duplicates
        s.set_value(r, 2, float(10 - r))  # B: descending
        s.set_value(r, 3, f"k{r % 3}")  # C: labels
        s.set_value(r, 4, float(r))  # D: amounts
    s.set_value(5, 5, fz.LiteralValue.error("Div", None))  # E: amounts with an error
    s.set_value(3, 6, "23")  # F: a number as text
    s.set_value(1, 7, ">=3")
    s.set_value(2, 7, fz.LiteralValue.error("Na", None))
    s.set_value(3, 7, 4.0)
    s.set_value(12, 1, "total")  # A12: text after a gap (A11 blank)
    wb.evaluate_all()
    return checked_routes.Book(wb)


@pytest.mark.parametrize(("name", "args", "trusted"), [
    ("SUMIFS", ["D1:D10", "C1:C10", '"k1"'], True),
    ("SUMIFS", ["E1:E10", "C1:C10", '"k1"'], False),  # an error in the sum range
    ("COUNTIFS", ["A1:A10", "G1"], True),  # ">=3" read from a cell
    ("COUNTIFS", ["A1:A10", "G2"], False),  # #N/A as criterion
    ("COUNTIFS", ["A1:A10", '"#N/A"'], False),
    ("COUNTIFS", ["A1:A10", '">"'], False),
    ("COUNTIFS", ["A1:A10", '"<"'], True),  # matches nothing in both
    ("COUNTIFS", ["F1:F10", '"<>23"'], False),  # "23" as text there
    ("COUNTIFS", ["A1:A10", '"<>23"'], True),
    ("COUNTIFS", ["F1:F10", '"<>"&G3'], True),  # computed ("<>4"): no "4" as text
    ("COUNTIFS", ["A:A", '"<>x"'], False),  # a whole column where blanks match
    ("COUNTIFS", ["A:A", '">0"'], True),
    ("COUNTIF", ["A:A", '"<>x"'], True),  # COUNTIF counts the whole column itself
    ("AVERAGEIF", ["C1:C10", '"k1"', "D1:D10"], True),
    ("SUMIFS", ["D1:D10", "OFFSET(C1,0,0,10,1)", '"k1"'], True),  # no check reads that range
    ("SUMIFS", ["OFFSET(D1,0,0,10,1)", "C1:C10", '"k1"'], False),  # its errors cannot be read
])
def test_conditional_trust(book, name, args, trusted):
    total, pairs = checked_routes._parts(name, args)
    if book.missing or any(book.value("S", c) is checked_routes.UNKNOWN for _, c in pairs):
        book.probe()
    assert checked_routes.conditional_trusted(book, "S", name, total, pairs) is trusted


@pytest.mark.parametrize(("formula", "trusted"), [
    ("=MATCH(2.5,A1:A10,1)", True),
    ("=MATCH(2.5,A1:A11)", True),  # a blank after the numbers
    ("=MATCH(2.5,A1:A12)", False),  # text after them
    ("=MATCH(2.5,B1:B10,1)", False),  # not ascending
    ('=MATCH("x",A1:A10,1)', False),  # not a number looked up
    ("=MATCH(D3,A1:A10)", True),
    ("=VLOOKUP(2.5,A1:D10,4,TRUE)", True),
    ("=VLOOKUP(2.5,A1:D10,5,TRUE)", False),  # #REF! as Python answers it
    ("=LOOKUP(2.5,A1:A10,D1:D10)", True),
    ("=LOOKUP(2.5,A1:A11,D1:D11)", False),  # the engine reads the trailing blank
    ("=_xlfn.XLOOKUP(2.5,A1:A10,D1:D10,,1,2)", True),
    ("=_xlfn.XLOOKUP(2.5,A:A,D:D,,1,2)", False),
])
def test_lookup_trust(book, formula, trusted):
    routed = checked_routes._rewritten(book, "S", formula)
    assert (routed == formula) is trusted


def test_the_rewrite_passes_each_ranges_whole_shape(book):
    text = checked_routes._rewritten(book, "S", '=COUNTIFS($A:$A,"<>x",$1:$1,"<>y")+SUMIF(C1:C10,"k1",E1)')
    assert text == ('=XLMODEL_COUNTIFS($A:$A,"<>x",$1:$1,"<>y",1048576,1,1,16384)'
                    "+XLMODEL_SUMIF(C1:C10,\"k1\",'S'!E1:E10,10,1,10,1)")  # SUMIF's sum range as Excel sizes it


# --- lookups: the engine where it agrees, Python where not ------------------------------------------


def test_engine_and_python_agree_on_trusted_lookups_over_sorted_numbers():
    # the claim the checks rest on, on random ascending data with duplicates
    rnd = random.Random(7)
    for trial in range(20):
        keys = sorted(float(rnd.randint(-5, 30)) for _ in range(rnd.randint(1, 30)))
        wb = fz.Workbook()
        s = wb.sheet("S")
        for i, k in enumerate(keys, 1):
            s.set_value(i, 1, k)
            s.set_value(i, 2, float(i * 10))
        n = len(keys) + (trial % 2) * 3  # trailing blanks every other time (MATCH, VLOOKUP)
        book = checked_routes.Book(wb)
        column = [[k] for k in keys] + [[None]] * (n - len(keys))
        for x in (-6.0, 0.0, 2.5, 7.0, 31.0, *keys[::4]):
            cases = {f"=MATCH({x},A1:A{n})": lookups.match(x, column),
                     f"=VLOOKUP({x},A1:B{n},2)": lookups.vlookup(x, [[k, 10.0 * (i + 1)] for i, [k] in
                                                                      enumerate(column)], 2.0)}
            if n == len(keys):
                cases[f"=LOOKUP({x},A1:A{n},B1:B{n})"] = lookups.lookup(x, column, [[10.0 * (i + 1)] for i in
                                                                                    range(n)])
                cases[f"=_xlfn.XLOOKUP({x},A1:A{n},B1:B{n},,1,2)"] = lookups.xlookup(
                    x, column, [[10.0 * (i + 1)] for i in range(n)], None, 1.0, 2.0)
            for row, (formula, python) in enumerate(cases.items(), start=1):
                assert checked_routes._rewritten(book, "S", formula) == formula
                s.set_formula(row, 5, formula)
                wb.evaluate_cell("S", row, 5)
                assert wb.get_value("S", row, 5) == python, formula


def test_unsorted_or_broken_lookup_ranges_are_answered_as_excel_does(tmp_path):
    # Microsoft's MATCH page: MATCH(39,{25,38,40,41},1) is 2; the same with an error and text among them
    # (stepped over, lookups.py's rules) still 2; descending data for match_type 1: where the search ends
    cells = {**_column([25, 38, 40, 41]), **_column([25, "=1/0", 38, "x", 40, 41], "B"),
             **_column([41, 40, 38, 25], "C")}
    formulas = {"E1": "=MATCH(39,A1:A4,1)", "E2": "=MATCH(39,B1:B6,1)", "E3": "=VLOOKUP(39,B1:B6,1)",
                "E4": "=MATCH(39,C1:C4,1)"}
    assert _calc(tmp_path, cells, formulas) == {"E1": 2, "E2": 3, "E3": 38, "E4": ErrorValue("#N/A")}


def test_a_book_without_these_functions_is_not_touched(tmp_path):
    got = _calc(tmp_path, {"A1": 2}, {"B1": "=SUM(A1:A3)*2", "B2": '=IF(A1>1,"y","n")'})
    assert got == {"B1": 4, "B2": "y"}


def test_the_python_names_are_known():
    assert engine.unknown_functions("=XLMODEL_SUMIFS(A1:A2,B1:B2,1,2,1,2,1)+XLMODEL_COUNTIF(A:A,1,1,1)") == set()
    assert set(conditional.PYTHON) == {"SUMIF", "SUMIFS", "AVERAGEIF", "AVERAGEIFS", "COUNTIF", "COUNTIFS"}


def test_calls_over_defined_names_are_judged_by_the_named_cells(tmp_path):
    """Models name their data columns: a SUMIFS over clean named ranges stays on the engine, one with an error not."""
    from openpyxl.workbook.defined_name import DefinedName

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    for i, (key, value) in enumerate([("a", 1), ("b", 2), ("a", 4)], start=1):
        ws[f"A{i}"], ws[f"B{i}"], ws[f"C{i}"] = key, value, value
    ws["C2"] = "=NA()"  # on a row that does not match "a"
    ws["C3"] = "=1/0"  # on a row that matches "a"
    for name, ref in (("keys", "$A$1:$A$3"), ("clean", "$B$1:$B$3"), ("broken", "$C$1:$C$3"), ("wanted", "$E$1")):
        wb.defined_names[name] = DefinedName(name, attr_text=f"S!{ref}")
    ws["E1"] = "a"
    ws["F1"], ws["F2"] = "=SUMIFS(clean,keys,wanted)", "=SUMIFS(broken,keys,wanted)"
    wb.save(tmp_path / "named.xlsx")
    calc = engine.calculate(tmp_path / "named.xlsx")
    assert calc.value("S", "F1") == 5 and calc.value("S", "F2") == ErrorValue("#DIV/0!")

    book_scan = engine.scan(tmp_path / "named.xlsx")
    wb_engine = engine._load(tmp_path / "named.xlsx", book_scan)
    engine._prepare(wb_engine, book_scan)
    engine._evaluate(wb_engine, tmp_path / "named.xlsx")
    checked_routes.route_untrusted(wb_engine, book_scan)
    held = {a: engine.gaps.engine_formula(wb_engine, "S", a) for a in ("F1", "F2")}
    assert "XLMODEL_" not in held["F1"] and "XLMODEL_SUMIFS" in held["F2"]
