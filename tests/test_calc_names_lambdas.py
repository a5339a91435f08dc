"""Defined names, LAMBDA and its helpers, spills and functions lifted over arrays, as Excel computes them.

No Excel-saved book in tests/oracle/ holds these cases but one (tamc_utf8-strings.xlsx,
工作表1!B11, INDIRECT to a name with its sheet; tests/test_oracle.py), so each book here is
built with XlsxWriter, which writes dynamic-array formulas and defined names as Excel does,
and recalculated as ``xlmodel calc`` runs a file. Expected values follow Microsoft's pages
for each function (support.microsoft.com, "BYROW function" and so on): their formulas, on
sample data of our own where the page shows its data as a picture, so each expected value
is the page's rule applied by hand (written beside it).
"""

from __future__ import annotations

from typing import Any

import pytest
from workbook_helpers import calculated_book as calculated

from xlmodel.calc import engine, lambdas
from xlmodel.calc.defined_names import Names, moved
from xlmodel.calc.engine import ErrorValue
from xlmodel.calc.package import DefinedName


def values(calc: engine.Calculation, sheet: str, *addresses: str) -> list[Any]:
    return [calc.value(sheet, a) for a in addresses]


DATA = {"A1": 1, "B1": 2, "C1": 3, "A2": 4, "B2": 5, "C2": 6}  # the sample data of the helpers' pages, ours


# --- defined names ----------------------------------------------------------------------------------


def test_a_sheet_scoped_name_qualified_by_its_sheet_from_another_sheet(tmp_path):
    # Microsoft's "Define and use names in formulas": a worksheet-level name is used elsewhere as Sheet1!Name
    calc = calculated(tmp_path, {"Inputs": {"B2": 0.25}, "Model": {"A1": "=Inputs!TaxRate*100",
                                                                    "A2": "=SUM('Q1 2025'!Sales)"},
                                 "Q1 2025": {"A1": 10, "A2": 20}},
                      {"Inputs!TaxRate": "=Inputs!$B$2", "'Q1 2025'!Sales": "='Q1 2025'!$A$1:$A$2"})
    assert calc.ok, calc.issues
    assert values(calc, "Model", "A1", "A2") == [25.0, 30.0]


def test_indirect_to_a_sheet_scoped_name_built_from_a_cell(tmp_path):
    # the issue's model: INDIRECT("'"&B$21&"'!Year.NetBalance"), each year's sheet with its own name
    sheets = {"2024": {"C5": 100}, "2025": {"C5": 250},
              "Summary": {"B1": "2024", "C1": "2025", "B2": "=INDIRECT(\"'\"&B$1&\"'!Year.NetBalance\")",
                          "C2": "=INDIRECT(\"'\"&C$1&\"'!Year.NetBalance\")*2",
                          "D2": '=INDIRECT("Nowhere!Year.NetBalance")'}}
    calc = calculated(tmp_path, sheets, {"'2024'!Year.NetBalance": "='2024'!$C$5",
                                         "'2025'!Year.NetBalance": "='2025'!$C$5"})
    assert values(calc, "Summary", "B2", "C2") == [100.0, 500.0]
    assert calc.value("Summary", "D2") == ErrorValue("#REF!")  # no such sheet: INDIRECT's own #REF!


def test_named_formulas_the_engine_leaves_out(tmp_path):
    # DevExpress "How to: Create Named Formulas" (opened in Excel): Range_Sum scoped to Sheet1, Range_DoubleSum
    # = 2*Sheet1!Range_Sum; and the "dynamic range" of older models, OFFSET over COUNT
    sheet1 = {f"{c}{r}": r * 10 + i for r in range(1, 4) for i, c in enumerate("ABC", 1)}
    sheet1.update({"E1": 5, "E2": 7, "E3": 9})
    calc = calculated(tmp_path, {"Sheet1": sheet1, "Sheet2": {"C2": "=Sheet1!Range_Sum", "C3": "=Range_DoubleSum",
                                                             "C4": "=Range_DoubleSum + 100", "C5": "=SUM(Growing)",
                                                             "C6": "=ROWS(Growing)"}},
                      {"Sheet1!Range_Sum": "=SUM(Sheet1!$A$1:$C$3)", "Range_DoubleSum": "=2*Sheet1!Range_Sum",
                       "Growing": "=OFFSET(Sheet1!$E$1,0,0,COUNT(Sheet1!$E:$E),1)"})
    assert calc.ok, calc.issues
    total = sum(sheet1[f"{c}{r}"] for r in range(1, 4) for c in "ABC")  # 198
    assert values(calc, "Sheet2", "C2", "C3", "C4", "C5", "C6") == [total, 2 * total, 2 * total + 100, 21.0, 3.0]


def test_a_name_with_a_relative_reference_is_read_from_the_cell_using_it():
    # a name saved relative to A1 (``=Data!B1``) used in C5 reads four rows down and two columns right: D5
    assert moved("Data!B1", 5, 3) == "Data!D5"
    assert moved("Data!$B1", 5, 3) == "Data!$B5"
    assert moved("Data!XFD1", 1, 2) == "Data!A1"  # "the cell to my left", as Excel saves it, wraps around
    assert moved("SUM(Data!$A$1:$A$9)", 5, 3) == "SUM(Data!$A$1:$A$9)"


def test_lambda_names_as_microsofts_lambda_page(tmp_path):
    # Microsoft's LAMBDA page: ToCelsius = LAMBDA(temp, (5/9) * (Temp-32)); Hypotenuse = LAMBDA(a, b, SQRT((a^2+b^2)))
    cells = {"A1": 104, "A2": 50, "B1": "=ToCelsius(A1)", "B2": "=ToCelsius(A2)", "C1": "=Hypotenuse(3,4)",
             "C2": "=Hypotenuse(5,12)", "D1": "=LAMBDA(number, number + 1)(1)", "D2": "=SUM(MAP(A1:A2,ToCelsius))"}
    calc = calculated(tmp_path, {"S": cells}, {"ToCelsius": "=LAMBDA(temp, (5/9) * (Temp-32))",
                                               "Hypotenuse": "=LAMBDA(a, b, SQRT((a^2+b^2)))"})
    assert calc.ok, calc.issues
    assert values(calc, "S", "B1", "B2", "C1", "C2", "D1") == pytest.approx([40.0, 10.0, 5.0, 13.0, 2.0])
    assert calc.value("S", "D2") == pytest.approx(50.0)


def test_a_lambda_name_is_bound_under_a_name_no_builtin_has():
    # formualizer calls its builtin FACT for a LET name "fact": a LAMBDA named so must not be bound as "fact"
    names = Names([DefinedName("fact", None, "LAMBDA(n,n+1)")])
    edited = names.edit("=fact(5)", "S", "A1")
    assert edited == "=LET(_xlmodel_fact,LAMBDA(n,n+1),_xlmodel_fact(5))"


def test_a_recursive_lambda_name_is_left_to_the_engine():
    names = Names([DefinedName("Down", None, "LAMBDA(n,IF(n<=0,0,n+Down(n-1)))")])
    assert names.edit("=Down(3)", "S", "A1") == "=Down(3)"


# --- BYROW, BYCOL, MAP, REDUCE, SCAN, MAKEARRAY -------------------------------------------------------


HELPERS = {
    # Microsoft's pages: the formula, and the page's rule applied to DATA (1 2 3 / 4 5 6)
    "E1": ("=BYROW(A1:C2, LAMBDA(array, MAX(array)))", [[3.0], [6.0]]),
    "F1": ("=BYROW(A1:C2, LAMBDA(array, SUMSQ(array)))", [[14.0], [77.0]]),
    "E4": ("=BYCOL(A1:C2, LAMBDA(array, MAX(array)))", [[4.0, 5.0, 6.0]]),
    "E6": ("=MAP(A1:C2, LAMBDA(a, IF(a>4,a*a,a)))", [[1.0, 2.0, 3.0], [4.0, 25.0, 36.0]]),
    "E9": ("=REDUCE(, A1:C2, LAMBDA(a,b,a+b^2))", [[91.0]]),
    "E10": ("=REDUCE(1,A1:C2,LAMBDA(a,b,IF(b>3,a*b,a)))", [[120.0]]),  # the page's "PRODUCTIF", over 3
    "E11": ("=SCAN(1,A1:C1,LAMBDA(a,b,a*b))", [[1.0, 2.0, 6.0]]),  # running products
    "E12": ("=MAKEARRAY(3, 3, LAMBDA(r,c, r*c))", [[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [3.0, 6.0, 9.0]]),
}


def test_lambda_helpers_as_microsofts_pages(tmp_path):
    cells = {**DATA, **{address: formula for address, (formula, _) in HELPERS.items()}}
    calc = calculated(tmp_path, {"S": cells}, dynamic={f"S!{a}" for a in HELPERS})
    assert calc.ok, calc.issues
    for address, (formula, expected) in HELPERS.items():
        col, row = address[0], int(address[1:])
        got = [[calc.value("S", f"{chr(ord(col) + j)}{row + i}") for j in range(len(expected[0]))]
               for i in range(len(expected))]
        assert got == expected, formula


def test_scan_joins_text_as_microsofts_scan_page(tmp_path):
    calc = calculated(tmp_path, {"S": {"A1": "a", "B1": "b", "C1": "c", "A2": "d", "B2": "e", "C2": "f",
                                       "E1": '=SCAN("",A1:C2,LAMBDA(a,b,a&b))'}}, dynamic={"S!E1"})
    assert values(calc, "S", "E1", "F1", "G1", "E2", "G2") == ["a", "ab", "abc", "abcd", "abcdef"]


def test_what_a_lambda_reads_from_outside_it(tmp_path):
    # cells, a LET variable, a LET-bound LAMBDA, a name, a spill, and a nested helper reading the outer parameter
    cells = {**DATA, "E1": 10, "G1": "=SEQUENCE(2)",
             "A5": "=MAP(A1:A2,LAMBDA(x,x*$E$1+Rate))", "B5": "=LET(n,100,f,LAMBDA(x,x+n),MAP(A1:A2,f))",
             "C5": "=MAP(A1:A2,LAMBDA(x,SUM(G1#)*x))", "D5": "=SUM(MAP(A1:A2,LAMBDA(x,SUM(MAP(B1:C1,LAMBDA(y,x*y))))))",
             "E5": "=BYROW(A1:C2,LAMBDA(r,ROW(r)))", "F5": "=SUM(MAP(A1:C2,B1:B2,LAMBDA(x,y,x*y)))"}
    calc = calculated(tmp_path, {"S": cells}, {"Rate": "=0.5"}, dynamic={f"S!{c}5" for c in "ABCDE"} | {"S!G1"})
    assert calc.ok, calc.issues
    assert values(calc, "S", "A5", "A6") == [10.5, 40.5]
    assert values(calc, "S", "B5", "B6") == [101.0, 104.0]
    assert values(calc, "S", "C5", "C6") == [3.0, 12.0]
    assert calc.value("S", "D5") == 25.0  # 1*(2+3) + 4*(2+3)
    assert values(calc, "S", "E5", "E6") == [1.0, 2.0]  # the row handed over is still the row's cells
    assert calc.value("S", "F5") == 87.0  # a single column paired with every column, as Excel pairs arrays


def test_a_lambda_giving_an_array_where_one_value_is_wanted_is_calc(tmp_path):
    # BYROW page: "anything but a single value returned from the LAMBDA function returns a #CALC error"
    calc = calculated(tmp_path, {"S": {**DATA, "E1": "=BYROW(A1:C2,LAMBDA(r,r*2))",
                                       "F1": "=MAP(A1:A2,LAMBDA(x,x*2,x))"}}, dynamic={"S!E1", "S!F1"})
    assert values(calc, "S", "E1", "E2") == [ErrorValue("#CALC!")] * 2
    assert calc.value("S", "F1") == ErrorValue("#VALUE!")  # a LAMBDA of the wrong number of parameters


def test_reduce_with_an_array_accumulator(tmp_path):
    calc = calculated(tmp_path, {"S": {**DATA, "E1": "=REDUCE(0,A1:A2,LAMBDA(a,b,VSTACK(a,b*10)))"}},
                      dynamic={"S!E1"})
    assert values(calc, "S", "E1", "E2", "E3") == [0.0, 10.0, 40.0]


def test_helper_calls_are_rewritten_with_their_outside_values():
    text = lambdas.rewrite("=MAP(A1:A3,LAMBDA(x,x*$C$1+n))", "S")
    assert text.startswith("=XLMODEL_MAP(") and text.endswith(",'S'!$C$1,n,A1:A3)")
    assert lambdas.rewrite("=LAMBDA(x,x+1)(4)", "S") == "=LET(_xlmodel_lambda,LAMBDA(x,x+1),_xlmodel_lambda(4))"
    # a LAMBDA reading cells through OFFSET or INDIRECT is left as it is (its targets cannot be put in place)
    assert lambdas.rewrite("=MAP(A1:A3,LAMBDA(x,OFFSET(x,1,0)))", "S") == "=MAP(A1:A3,LAMBDA(x,OFFSET(x,1,0)))"


# --- spills inside functions and functions lifted over arrays -----------------------------------------


def test_spill_references_inside_other_functions(tmp_path):
    cells = {"A1": "East", "A2": "West", "A3": "East", "B1": 10, "B2": 20, "B3": 30,
             "D1": "=UNIQUE(A1:A3)", "E1": "=SUMIFS(B1:B3,A1:A3,D1#)", "F1": "=SUM(E1#)",
             "F2": '=XLOOKUP("West",D1#,E1#)', "F3": '=INDEX(E1#,MATCH("West",D1#,0))', "F4": "=ROWS(D1#)"}
    calc = calculated(tmp_path, {"S": cells}, dynamic={"S!D1", "S!E1"})
    assert calc.ok, calc.issues
    assert values(calc, "S", "E1", "E2") == [40.0, 20.0]  # SUMIFS given an array of criteria answers each
    assert values(calc, "S", "F1", "F2", "F3", "F4") == [60.0, 20.0, 20.0, 2.0]


def test_functions_of_one_value_lifted_over_arrays(tmp_path):
    # Microsoft's dynamic-array pages: a function given an array answers per element
    cells = {"A1": "ab1", "A2": "cd", "A3": "ab2", "B1": 1, "B2": 2, "B3": 4, "C1": "x", "C2": 7, "C3": True,
             "E1": '=SUMPRODUCT((LEFT(A1:A3,2)="ab")*B1:B3)', "E2": '=SUMPRODUCT(--ISNUMBER(SEARCH("b",A1:A3)))',
             "E3": "=SUMPRODUCT(N(IF(1,C1:C3)))", "E5": "=SUMPRODUCT(N(C2:C3))", "E4": "=SUMPRODUCT(LEN(A1:A3))",
             "G1": "=IF(ISNUMBER(C1:C3),1,0)", "H1": "=ROUND(B1:B3/3,2)"}
    calc = calculated(tmp_path, {"S": cells}, dynamic={"S!G1", "S!H1"})
    assert calc.ok, calc.issues
    assert values(calc, "S", "E1", "E2", "E3", "E4") == [5.0, 2.0, 8.0, 8.0]  # N: "x" 0, 7, TRUE 1
    assert calc.value("S", "E5") == 7.0  # N given a range reads its first cell, as T does (oracle POI O1352)
    assert values(calc, "S", "G1", "G2", "G3") == [0.0, 1.0, 0.0]
    assert values(calc, "S", "H1", "H2", "H3") == [0.33, 0.67, 1.33]


def test_a_legacy_formula_still_intersects_before_lifting(tmp_path):
    # =ROUND(A1:A3,0) saved without the dynamic-array flag in row 5: no cell of A1:A3 in that row, #VALUE!
    calc = calculated(tmp_path, {"S": {"A1": 1.4, "A2": 2.6, "A3": 3.5, "B2": "=ROUND(A1:A3,0)",
                                       "B5": "=ROUND(A1:A3,0)"}})
    assert calc.value("S", "B2") == 3.0 and calc.value("S", "B5") == ErrorValue("#VALUE!")
