"""What the headless engine does the way Excel does, beyond evaluating formulas.

Each workbook here is written by openpyxl (as another program would), so the engine
reads array formulas, data tables and the iterative setting from the file itself.
The expected values are Excel's documented behaviour, worked out by hand per test.
"""

from __future__ import annotations

import openpyxl
import pytest
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from xlmodel.calc import engine
from xlmodel.calc.engine import ErrorValue
from xlmodel.calc.excel_gaps import fill_omitted_arguments, structured_references, vdb
from xlmodel.calc.number_format import text
from xlmodel.excel import call


def _book(tmp_path, fill, name="book.xlsx", iterate=None):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    fill(ws)
    if iterate is not None:
        wb.calculation.iterate = True
        wb.calculation.iterateCount, wb.calculation.iterateDelta = iterate
    wb.save(tmp_path / name)
    return engine.calculate(tmp_path / name)


def _what_if(ws):
    ws["B1"], ws["B2"], ws["B3"] = 5, 10, "=B1*B2"  # price, quantity, revenue
    ws["D1"] = "=B3"
    for i, v in enumerate([1, 2, 3]):
        ws.cell(1, 5 + i, v)  # prices across the top
        ws.cell(2 + i, 4, 10 * (i + 1))  # quantities down the left
        ws.cell(7 + i, 4, i + 1)  # one-way: quantities down
        ws.cell(11, 5 + i, i + 1)  # one-way, row-oriented: prices across
    ws["E2"] = DataTableFormula(ref="E2:G4", dt2D=True, r1="B1", r2="B2")
    ws["E6"] = "=B3"
    ws["E7"] = DataTableFormula(ref="E7:E9", r1="B2")
    ws["D12"] = "=B3"
    ws["E12"] = DataTableFormula(ref="E12:G12", dtr=True, r1="B1")
    ws["I1"] = "=SUM(E2:G4)"


def test_data_tables_substitute_their_inputs_as_excel_does(tmp_path):
    calc = _book(tmp_path, _what_if)
    assert calc.ok, calc.issues
    v = calc.value
    assert [[v("S", f"{c}{r}") for c in "EFG"] for r in (2, 3, 4)] == [[10, 20, 30], [20, 40, 60], [30, 60, 90]]
    assert [v("S", f"E{r}") for r in (7, 8, 9)] == [5, 10, 15]  # price 5 x quantity 1..3
    assert [v("S", f"{c}12") for c in "EFG"] == [10, 20, 30]  # price 1..3 x quantity 10
    assert v("S", "I1") == 360  # cells reading the table see its values
    assert v("S", "B3") == 50 and v("S", "D1") == 50  # the inputs are back afterwards


def _debt(ws):
    ws["B1"], ws["B2"] = 1000, 0.1  # opening debt, rate
    ws["B3"] = "=100-B4"  # cash sweep after interest
    ws["B4"] = "=B2*(B1+B5)/2"  # interest on average debt: circular on purpose
    ws["B5"] = "=B1-B3"
    ws["B7"] = "=B4*2"


def test_a_circular_model_iterates_when_the_workbook_says_so(tmp_path):
    calc = _book(tmp_path, _debt, iterate=(100, 1e-9))
    assert calc.ok, calc.issues
    assert calc.value("S", "B4") == pytest.approx(100)  # B3 = 100 - B4 and B4 = 100 - B3/20 give B3 = 0
    assert calc.value("S", "B7") == pytest.approx(200)


def test_without_iteration_a_cycle_is_named_and_holds_what_excel_shows(tmp_path):
    """Excel shows 0 in a cycle it has no saved value for (openpyxl saves none); B7 is computed from it."""
    calc = _book(tmp_path, _debt)
    issues = {i.address: i.message for i in calc.issues}
    assert set(issues) == {"B3", "B4", "B5", "B7"}
    assert "circular reference through S!B3, S!B4, S!B5;" in issues["B4"]
    assert issues["B4"].endswith("holds 0, as Excel shows a cycle it has no saved value for")
    assert issues["B7"] == ("#CIRC! reads the circular reference through S!B3, S!B4, S!B5; "
                            "computed from the values held there")
    assert [calc.value("S", a) for a in ("B3", "B4", "B5", "B7")] == [0, 0, 0, 0]


def _cycles_through_ranges(ws):
    ws["A1"] = 1
    ws["A5"] = "=SUM(A1:A5)"  # a total that takes itself in
    ws["B1"] = "=A5*2"
    ws["C1"] = "=SUM(C2:C3)"  # two cells through a range
    ws["C2"] = "=C1+1"
    ws["D1"] = "=SUM(D:D)"  # a whole column


def test_cycles_through_ranges_name_their_own_cells(tmp_path):
    """The engine reports a range it reads by its extent only: the cycle is still named, each with its own cells."""
    issues = {i.address: i.message for i in _book(tmp_path, _cycles_through_ranges).issues}
    assert set(issues) == {"A5", "B1", "C1", "C2", "D1"}
    assert issues["A5"].startswith("#CIRC! circular reference through S!A5; iterative calculation is off")
    assert "circular reference through S!C1, S!C2;" in issues["C1"] and "through S!C1, S!C2;" in issues["C2"]
    assert "circular reference through S!D1;" in issues["D1"]
    assert issues["B1"] == "#CIRC! reads the circular reference through S!A5; computed from the values held there"


def _arrays(ws):
    ws["B1"], ws["B2"], ws["B3"] = 1, 2, 3
    ws["A1"] = ArrayFormula("A1:A4", "=B1:B3*2")  # a range larger than the result: #N/A beyond
    ws["C1"] = ArrayFormula("C1:D2", "=SUM(B1:B3)")  # one value fills the range
    ws["C5"] = ArrayFormula("C5:E6", "=TRANSPOSE(B1:B3)")  # one row repeats down
    ws["F2"] = "=B1:B3"  # legacy formula: implicit intersection with row 2
    ws["G3"] = "=B1:B3*10"  # ... and with row 3
    ws["F9"] = "=B1:B3"  # no row in common: #VALUE!
    ws["H1"] = "=SUM(A1:A3)"


def test_legacy_array_formulas_fit_their_range_and_plain_formulas_intersect(tmp_path):
    calc = _book(tmp_path, _arrays)
    v = calc.value
    assert [v("S", f"A{r}") for r in (1, 2, 3)] == [2, 4, 6] and v("S", "A4") == ErrorValue("#N/A")
    assert {v("S", a) for a in ("C1", "D1", "C2", "D2")} == {6}
    assert [[v("S", f"{c}{r}") for c in "CDE"] for r in (5, 6)] == [[1, 2, 3], [1, 2, 3]]
    assert v("S", "F2") == 2 and v("S", "G3") == 30
    assert v("S", "F9") == ErrorValue("#VALUE!")
    assert v("S", "H1") == 12
    assert not calc.spills  # nothing was widened: legacy formulas keep their ranges


def test_one_bad_cell_does_not_abort_the_workbook(tmp_path):
    def fill(ws):
        ws["A1"], ws["A2"] = 3, "=NOSUCHFUNC(A1)"
        ws["A3"] = "=A2+1"  # depends on the bad cell
        ws["A4"] = "=Nowhere!A1"  # a sheet that does not exist
        ws["A5"] = "=A1*2"
        ws["A6"] = '="#N/A is only text here"'  # text that looks like an error stays text

    calc = _book(tmp_path, fill)
    issues = {i.address: i.message for i in calc.issues}
    assert issues["A2"] == "#NAME? unknown function NOSUCHFUNC"
    assert issues["A3"].startswith("#NAME?") and issues["A4"].startswith("#REF!")
    assert calc.value("S", "A5") == 6
    assert calc.value("S", "A6") == "#N/A is only text here" and "A6" not in issues


def test_an_empty_argument_takes_the_functions_default(tmp_path):
    def fill(ws):
        ws["A1"] = "=BTC_MINED(10,1000,1,,,0.9)"  # fees and subsidy left empty, uptime 90%
        ws["A2"] = "=BTC_MINED(10, 1000, 1, 0, 0, 0.9)"  # a typed 0 subsidy

    calc = _book(tmp_path, fill)
    assert calc.value("S", "A1") == pytest.approx(call("BTC_MINED", 10, 1000, 1, None, None, 0.9))
    assert calc.value("S", "A1") == pytest.approx(10 / 1000 * 144 * 3.125 * 0.9)  # the default 3.125 subsidy
    assert calc.value("S", "A2") == 0


def test_fill_omitted_arguments_touches_only_xlmodel_calls():
    names = frozenset({"BTC_MINED"})
    assert fill_omitted_arguments("=BTC_MINED(A1,,B1, )", names) == '=BTC_MINED(A1,"",B1, "")'
    assert fill_omitted_arguments("=SUM(1,,2)+BTC_MINED(A1,B1,C1)", names) == "=SUM(1,,2)+BTC_MINED(A1,B1,C1)"
    assert fill_omitted_arguments("=BTC_MINED(A1,B1,C1,{1,2})", names) == "=BTC_MINED(A1,B1,C1,{1,2})"


@pytest.mark.parametrize(("formula", "excel"), [
    ("=ROUNDDOWN(0.03-0.01,2)", 0.02),  # 0.019999999999999997 shows as 0.02 at 15 digits
    ("=ROUND(2.675,2)", 2.68),
    ("=ROUNDUP(3.2-3,1)", 0.2),
    ("=TRUNC(4.35*100)", 435),
    ("=ROUNDDOWN(1.005*1000,0)", 1005),
])
def test_rounding_uses_excels_15_significant_digits(tmp_path, formula, excel):
    calc = _book(tmp_path, lambda ws: ws.__setitem__("A1", formula))
    assert calc.value("S", "A1") == excel


def test_structured_references_become_the_ranges_excel_means():
    table = {"name": "Fleet", "sheet": "Sites", "range": (2, 2, 6, 4), "headers": ["Site", "MW", "EH/s"],
             "header_row": True, "totals_row": True}
    ref = lambda f, row=4: structured_references(f, row, [table])
    assert ref("=SUM(Fleet[MW])") == "=SUM('Sites'!C3:C5)"  # data rows: no header, no totals
    assert ref("=Fleet[@MW]*2") == "='Sites'!C4*2"
    assert ref("=Fleet[[#This Row],[MW]:[EH/s]]") == "='Sites'!C4:D4"
    assert ref("=Fleet[[#Totals],[MW]]") == "='Sites'!C6"
    assert ref("=Fleet[#All]") == "='Sites'!B2:D6"
    assert ref('="see Fleet[MW]"') == '="see Fleet[MW]"'  # text stays text
    assert ref("=Other[MW]") == "=Other[MW]"


def test_vdb_and_text_follow_excel():
    # Excel's own values (tests/oracle/bradbase_tests_resources_VDB.xlsx, Sheet1!D24 and D27)
    assert vdb(1, 0, 14, 0.5, 1.5, 1.25) == pytest.approx(0.08529974489795919, rel=1e-12)
    assert vdb(1, 0, 14, 3.5, 4.5, 1.25) == pytest.approx(0.06872629045468406, rel=1e-12)
    assert vdb(2400, 300, 10, 0, 1) == pytest.approx(480)  # Excel's help example
    assert vdb(2400, 300, 10, 5, 1) is None  # end before start: #NUM!
    assert text(-12, "#,##0_);(#,##0)") == "(12)"
    assert text(0.25, "0.0%") == "25.0%"
    assert text(-0.001, "0.00") == "0.00"


def test_xlmodel_errors_are_excel_errors_headless_with_their_reasons_listed(tmp_path):
    def fill(ws):
        ws["A1"], ws["A2"], ws["A3"] = 20, "n/a", 18
        ws["B1"] = ArrayFormula("B1:B3", "=BTC_HASHCOST(A1:A3,50)")
        ws["C1"] = "=ISERROR(B2)"  # Excel, xlwings Lite and Server: TRUE
        ws["C2"] = "=IFERROR(BTC_HASHPRICE(80000,-5,0.03),\"check hashrate\")"
        ws["C3"] = "=BTC_HASHPRICE(80000,-5,0.03)"
        ws["C4"] = "=C3*2"
        ws["C5"] = '=XLMODEL_EXPLAIN("BTC_HASHPRICE",80000,-5,0.03)'

    calc = _book(tmp_path, fill)
    v = calc.value
    assert v("S", "B1") == pytest.approx(24.0) and v("S", "B3") == pytest.approx(21.6)
    assert v("S", "C1") is True and v("S", "C2") == "check hashrate"
    assert v("S", "C5") == "network_hashrate_ehs must be > 0, got -5"
    issues = {i.address: i.message for i in calc.issues}
    assert issues["B2"] == "#VALUE! efficiency_j_per_th must be a number, got text 'n/a'"
    assert issues["C3"] == "#VALUE! network_hashrate_ehs must be > 0, got -5"
    assert issues["C4"].startswith("#VALUE!")  # what reads an error is an error
    out = tmp_path / "copy.xlsx"
    engine.write_calculated(calc, out)
    import zipfile

    sheet = zipfile.ZipFile(out).read("xl/worksheets/sheet1.xml").decode()
    assert '<c r="C3" t="e"><f>BTC_HASHPRICE(80000,-5,0.03)</f><v>#VALUE!</v></c>' in sheet


def test_the_quick_look_lets_through_every_formula_that_is_edited():
    """The quick look skips most formulas untouched; it must never skip one ``_edited`` changes."""
    from pathlib import Path

    from xlmodel.calc import defined_names, excel_gaps, package

    edited = 0
    for book in sorted((Path(__file__).parent / "oracle").glob("*.xls*")):
        book_scan = package.scan(book)
        names = excel_gaps.xlmodel_names()
        defined = defined_names.Names(book_scan.names)  # as if the engine had loaded none of them
        may_edit = engine._edit_test(book_scan, defined)
        for (sheet, address) in book_scan.formulas:
            text = engine._scanned_formula(book_scan, sheet, address)
            if text and engine._edited(text, sheet, address, book_scan, names, defined=defined) != text:
                edited += 1
                assert may_edit and may_edit(text), (book.name, address, text)
    assert edited > 300  # tables, lookups and database calls are edited across the oracle


def test_every_formula_that_spills_is_one_the_spill_test_asks_about():
    """Only formulas that can be arrays are asked their spill role; none that spilled may be skipped."""
    from pathlib import Path

    from xlmodel.calc import excel_gaps, package

    books = [*sorted((Path(__file__).parent / "oracle").glob("*.xls*")),
             Path(__file__).parent.parent / "workbooks" / "miner_model.xlsx"]
    spilled = 0
    for book in books:
        book_scan = package.scan(book)
        wb = engine._load(book, book_scan)
        engine._prepare(wb, book_scan)
        engine._evaluate(wb, book)
        texts = {key: engine._formula_text(wb, book_scan, *key) for key in book_scan.formulas}
        mentions = engine._array_mentions(wb, "\n".join(texts.values()))
        anchors = {(a.sheet, a.anchor) for a in book_scan.arrays}  # array formulas are fitted, not asked
        for (sheet, address) in book_scan.formulas:
            if excel_gaps.spill_extent(wb, sheet, address) is not None:
                spilled += 1
                text = engine._formula_text(wb, book_scan, sheet, address)
                assert (sheet, address) in anchors or engine._may_spill(text, mentions), (book.name, sheet, address)
    assert spilled > 20
