"""Excel's criteria: the database functions (DSUM, ...) and the conditions they read.

Workbooks are written here with openpyxl and recalculated with xlmodel's engine. The
expected values are Microsoft's documented examples (each cited where it is used),
or follow from the rule the test names and Excel's saved values in the oracle
(tests/oracle/ironcalc_xlsx_tests_calc_tests_DATABASE_DMIN_DMAX_DAVERAGE_DSUM.xlsx).
"""

from __future__ import annotations

import openpyxl
import pytest

from xlmodel.calc import criteria, database, engine
from xlmodel.calc.engine import ErrorValue

# The example table of Microsoft's support pages for the database functions, e.g.
# https://support.microsoft.com/en-us/excel/dsum-function and .../daverage-function,
# .../dget-function, .../dvarp-function (the same trees on every page).
TREES = [["Tree", "Height", "Age", "Yield", "Profit"],
         ["Apple", 18, 20, 14, 105], ["Pear", 12, 12, 10, 96], ["Cherry", 13, 14, 9, 105],
         ["Apple", 14, 15, 10, 75], ["Pear", 9, 8, 8, 77], ["Apple", 8, 9, 6, 45]]


def _calc(tmp_path, cells: dict, formulas: dict, other: dict | None = None):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    for address, value in {**cells, **formulas}.items():
        ws[address] = value
    if other:
        ws2 = wb.create_sheet("Other")
        for address, value in other.items():
            ws2[address] = value
    wb.save(tmp_path / "book.xlsx")
    calc = engine.calculate(tmp_path / "book.xlsx")
    return {address: calc.value("S", address) for address in formulas}


def _trees(pear: str = '="=Pear"', pear_height: str | None = None) -> dict:
    """Criteria A1:F3 (Apple taller than 10 and shorter than 16, or Pear) over the database A4:E10."""
    cells = {"A1": "Tree", "B1": "Height", "C1": "Age", "D1": "Yield", "E1": "Profit", "F1": "Height",
             "A2": '="=Apple"', "B2": ">10", "F2": "<16", "A3": pear}
    if pear_height:
        cells["B3"] = pear_height
    for r, row in enumerate(TREES, start=4):
        for c, value in enumerate(row):
            cells[f"{'ABCDE'[c]}{r}"] = value
    return cells


def test_dsum_as_microsofts_example(tmp_path):
    # support.microsoft.com DSUM: apple trees' profit 225; apple trees 10 to 16 high and all pears 248
    got = _calc(tmp_path, _trees(), {"H1": '=DSUM(A4:E10,"Profit",A1:A2)', "H2": '=DSUM(A4:E10,"Profit",A1:F3)'})
    assert got == {"H1": 225, "H2": 248}


def test_daverage_as_microsofts_example(tmp_path):
    # support.microsoft.com DAVERAGE: yield of apple trees over 10 high 12; age of all trees 13
    # (the database as its own criteria: every record is a criteria row matching itself)
    got = _calc(tmp_path, _trees(), {"H1": '=DAVERAGE(A4:E10,"Yield",A1:B2)', "H2": "=DAVERAGE(A4:E10,3,A4:E10)"})
    assert got == {"H1": 12, "H2": 13}


def test_dget_as_microsofts_example(tmp_path):
    # support.microsoft.com DGET: criteria row 3 is ="Pear" with Height >12; A1:A3 matches many
    # records (#NUM!), A1:F3 only the apple tree of row 7 (yield 10)
    got = _calc(tmp_path, _trees(pear='="Pear"', pear_height=">12"),
                {"H1": '=DGET(A4:E10,"Yield",A1:A3)', "H2": '=DGET(A4:E10,"Yield",A1:F3)'})
    assert got == {"H1": ErrorValue("#NUM!"), "H2": 10}


def test_the_other_database_functions_as_microsofts_examples(tmp_path):
    # support.microsoft.com, each function's page on the same table
    got = _calc(tmp_path, _trees(), {
        "H1": '=DVARP(A4:E10,"Yield",A1:A3)', "H2": '=DVAR(A4:E10,"Yield",A1:A3)',
        "H3": '=DSTDEV(A4:E10,"Yield",A1:A3)', "H4": '=DSTDEVP(A4:E10,"Yield",A1:A3)',
        "H5": '=DPRODUCT(A4:E10,"Yield",A1:F3)', "H6": '=DMAX(A4:E10,"Profit",A1:F3)',
        "H7": '=DMIN(A4:E10,"Profit",A1:B2)', "H8": '=DCOUNT(A4:E10,"Age",A1:F2)',
        "H9": '=DCOUNTA(A4:E10,"Profit",A1:F2)'})
    assert got["H1"] == pytest.approx(7.04) and got["H2"] == pytest.approx(8.8)
    assert got["H3"] == pytest.approx(2.97, abs=0.005) and got["H4"] == pytest.approx(2.65, abs=0.005)
    assert [got[f"H{i}"] for i in range(5, 10)] == [800, 96, 75, 1, 1]


def test_dcount_without_a_field_counts_the_matching_records(tmp_path):
    # support.microsoft.com DCOUNT: "If field is omitted, DCOUNT counts all records in the database that
    # match the criteria" (DCOUNTA likewise). Three apple trees; a typed 0 is no field, and DSUM needs one.
    cells = {**_trees(), "G1": "Tree", "G2": "Apple"}
    got = _calc(tmp_path, cells, {"H1": "=DCOUNT(A4:E10,,G1:G2)", "H2": "=DCOUNTA(A4:E10, ,G1:G2)",
                                  "H3": "=DCOUNT(A4:E10,,A1:F3)", "H4": "=DCOUNT(A4:E10,0,G1:G2)",
                                  "H5": "=DSUM(A4:E10,,G1:G2)"})
    assert [got[f"H{i}"] for i in range(1, 4)] == [3, 3, 3]  # apples 10 to 16 high (1) or pears (2): 3
    assert got["H4"] == got["H5"] == ErrorValue("#VALUE!")


SALES = {"A1": "Region", "B1": "Amount", "A2": "East", "B2": 10, "A3": "West", "B3": 20, "A4": "East", "B4": 30}


def test_a_blank_criteria_row_matches_every_record(tmp_path):
    # DAVERAGE's page: "to perform an operation on an entire column ... enter a blank line below
    # the column labels". Upstream: formualizer 0.13 gives 40 (the East rows only)
    got = _calc(tmp_path, {**SALES, "D1": "Region", "D2": "East"}, {"F1": '=DSUM(A1:B4,"Amount",D1:D3)'})
    assert got == {"F1": 60}


def test_headers_match_as_text_whatever_their_type(tmp_path):
    # oracle rows 56-58: a criteria header TRUE or 1 names the field headed TRUE or 1.
    # Upstream: formualizer 0.13 gives 0 for both
    cells = {**SALES, "C1": True, "C2": "x", "C3": "y", "C4": "x", "D1": 1, "D2": "y", "D3": "x", "D4": "y",
             "F1": True, "F2": "x", "G1": 1, "G2": "y", "H1": "AMOUNT", "H2": ">15"}
    got = _calc(tmp_path, cells, {"J1": '=DSUM(A1:D4,"Amount",F1:F2)', "J2": '=DSUM(A1:D4,"Amount",G1:G2)',
                                  "J3": '=DSUM(A1:D4,"amount",H1:H2)'})
    assert got == {"J1": 40, "J2": 40, "J3": 50}


def test_text_criteria_begin_with(tmp_path):
    # ECMA-376 Part 4, DAVERAGE: "a criteria of "Pea" can result in Pea, Pear, and Peach's being
    # matched, whereas a criteria of "=Pea" will only match Pea". Upstream: formualizer 0.13 gives 0
    cells = {"A1": "Fruit", "A2": "Pea", "A3": "Pear", "A4": "Peach", "A5": "Apple",
             "C1": "Fruit", "C2": "Pea", "D1": "Fruit", "D2": '="=Pea"', "E1": "Fruit", "E2": "pea"}
    got = _calc(tmp_path, cells, {"G1": "=DCOUNTA(A1:A5,1,C1:C2)", "G2": "=DCOUNTA(A1:A5,1,D1:D2)",
                                  "G3": "=DCOUNTA(A1:A5,1,E1:E2)"})
    assert got == {"G1": 3, "G2": 1, "G3": 3}


def test_operators_and_wildcards(tmp_path):
    cells = {"A1": "Name", "B1": "N", "A2": "Hank", "B2": 5, "A3": "Frank", "B3": 10, "A4": "Bob", "B4": 15,
             "A5": "a*b", "B5": None, "A6": "axb", "B6": 20}
    crit = {"D": ("Name", "*ank"), "E": ("Name", "?ob"), "F": ("Name", '="=a~*b"'), "G": ("N", "<>10"),
            "H": ("N", "<10"), "I": ("N", ">=15"), "J": ("N", "<=10"), "K": ("N", "="), "L": ("N", "<>"),
            "M": ("Name", ">C"), "N": ("N", 15)}
    for col, (header, value) in crit.items():
        cells[f"{col}1"], cells[f"{col}2"] = header, value
    got = _calc(tmp_path, cells, {f"{col}9": f"=DCOUNTA(A1:B6,1,{col}1:{col}2)" for col in crit})
    # <>10 takes the blank N too; >C compares text without case (Hank, Frank; not a*b or axb)
    expected = {"D": 2, "E": 1, "F": 1, "G": 4, "H": 1, "I": 2, "J": 2, "K": 1, "L": 4, "M": 2, "N": 1}
    assert got == {f"{col}9": n for col, n in expected.items()}


def test_the_field_by_header_or_position(tmp_path):
    # oracle rows 52-54 and 62: a number is cut to a whole column number; out of range is #VALUE!
    cells = {**SALES, "D1": "Region", "D2": "East"}
    got = _calc(tmp_path, cells, {"F1": '=DSUM(A1:B4,"amount",D1:D2)', "F2": "=DSUM(A1:B4,2.9,D1:D2)",
                                  "F3": "=DSUM(A1:B4,0,D1:D2)", "F4": "=DSUM(A1:B4,3,D1:D2)",
                                  "F5": '=DSUM(A1:B4,"Cost",D1:D2)', "F6": "=DSUM(A1:B1,2,D1:D2)"})
    value = ErrorValue("#VALUE!")
    assert got == {"F1": 40, "F2": 40, "F3": value, "F4": value, "F5": value, "F6": value}


def test_computed_criteria_are_evaluated_for_each_record(tmp_path):
    # "Filter by using advanced criteria" (support.microsoft.com): a formula under a label that is
    # no column label, written with relative references to the first record, absolute ones fixed.
    # Upstream: formualizer 0.13 gives 0
    cells = {**SALES, "D1": "Big", "D2": "=B2>15", "E1": None, "E2": "=B2>AVERAGE($B$2:$B$4)",
             "F1": "Big", "F2": "=B2>15", "F3": "=A2=\"West\""}
    got = _calc(tmp_path, cells, {"H1": '=DSUM(A1:B4,"Amount",D1:D2)', "H2": '=DSUM(A1:B4,"Amount",E1:E2)',
                                  "H3": '=DSUM(A1:B4,"Amount",F1:F3)'})
    assert got == {"H1": 50, "H2": 30, "H3": 50}


def test_computed_criteria_on_another_sheet_read_their_own_sheet(tmp_path):
    other = {"A1": "Region", "B1": "Amount", "A2": "East", "B2": 1, "A3": "West", "B3": 2, "A4": "East",
             "B4": 3, "D1": "Big", "D2": "=B2>1"}
    got = _calc(tmp_path, SALES, {"H1": '=DSUM(A1:B4,"Amount",Other!D1:D2)'}, other)
    assert got == {"H1": 50}  # Other!B3 and B4 are over 1: this sheet's West 20 and East 30 (S!B2:B4: 60)


def test_an_error_in_a_matching_record_is_the_answer(tmp_path):
    # as SUM gives it; DCOUNT counts numbers only and DCOUNTA every value
    cells = {**SALES, "B3": "=NA()", "D1": "Region", "D2": "<>x"}
    got = _calc(tmp_path, cells, {"F1": '=DSUM(A1:B4,"Amount",D1:D2)', "F2": '=DCOUNT(A1:B4,"Amount",D1:D2)',
                                  "F3": '=DCOUNTA(A1:B4,"Amount",D1:D2)'})
    assert got == {"F1": ErrorValue("#N/A"), "F2": 2, "F3": 3}


# --- the criteria module on its own -----------------------------------------------------------------


@pytest.mark.parametrize(("criterion", "value", "expected"), [
    (">=2024-07-01", 45474.0, True),  # a date in the text is a serial number (oracle row 33)
    (">=2024-07-01", "2024-08-01", False),  # text is not a date
    ("7/1/2024", 45474.0, True),
    ("10%", 0.1, True),
    ("TRUE", True, True),
    ("TRUE", 1.0, False),
    ("<>a", {"type": "Error", "kind": "Na"}, True),  # oracle row 57: #N/A is not "a"
    ("#N/A", {"type": "Error", "kind": "Na"}, True),
    (">-1", True, False),  # oracle row 61: booleans and text are not numbers
    (">-1", "42", False),
    ("abc", "ABCDEF", False),  # without prefix=True (COUNTIF), equality
])
def test_a_criterion_matches(criterion, value, expected):
    assert criteria.parse(criterion).matches(value) is expected


def test_a_date_of_this_year_is_not_guessed():
    with pytest.raises(criteria.UnreadableCriterion):
        criteria.parse("1/2")


def test_moving_a_computed_criterion_to_each_record():
    formulas = {("S", "E2"): "=B2>AVERAGE($B$2:$B$4)"}
    got = database.with_computed_criteria('=DSUM(A1:B4,"Amount",E1:E2)', "S", lambda s, a: formulas.get((s, a)))
    assert got == ('=DSUM(A1:B4,"Amount",E1:E2,1,0,VSTACK((B2>AVERAGE($B$2:$B$4)),(B3>AVERAGE($B$2:$B$4)),'
                   '(B4>AVERAGE($B$2:$B$4))))')
    assert database.UNRESOLVED in database.with_computed_criteria("=DSUM(Data,1,E1:E2)", "S", formulas.get)
