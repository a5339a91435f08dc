"""Minimal reproductions of the formualizer 0.13 gaps xlmodel works around, on the bare engine.

Each case is a tiny workbook built in memory in formualizer itself (no xlmodel code
in between), its formula, and Excel's value with where that value comes from. They
are strict xfails: when an upstream release computes Excel's value, the case fails
as XPASS and says that the workaround named beside it can go. docs/formualizer-gaps.md
holds the same cases as lines to paste into an upstream report.
"""

from __future__ import annotations

import math
from typing import Any

import formualizer as fz
import pytest

from xlmodel.calc.package import split_address


def evaluate(cells: dict[str, Any], target: str, runtime_cycles: bool = False) -> Any:
    """Excel-style ``cells`` (values, or formulas starting with ``=``) in sheet S; ``target``'s value."""
    config = fz.EvaluationConfig()
    if runtime_cycles:
        config.cycle_detection = "runtime"
    wb = fz.Workbook(config=fz.WorkbookConfig(eval_config=config))
    sheet = wb.sheet("S")
    for address, value in cells.items():
        row, col = split_address(address)
        if isinstance(value, str) and value.startswith("="):
            sheet.set_formula(row, col, value)
        else:
            sheet.set_value(row, col, value)
    wb.evaluate_all()
    value = wb.get_value("S", *split_address(target))
    return f"#{value['kind']}" if isinstance(value, dict) else value


def same(ours: Any, excel: Any) -> bool:
    if isinstance(excel, float) and isinstance(ours, (int, float)) and not isinstance(ours, bool):
        return math.isclose(ours, excel, rel_tol=1e-9, abs_tol=5e-7)  # documented values have six decimals
    return ours == excel


def _rows(n: int, fill) -> dict[str, Any]:
    return {k: v for i in range(1, n + 1) for k, v in fill(i).items()}


REGION = {"A1": "Region", "B1": "Amount", "A2": "East", "B2": 10, "A3": "West", "B3": 20, "A4": "East", "B4": 30}

# (case id, cells, target cell, Excel's value, where Excel's value comes from, xlmodel's workaround)
CASES = [
    ("row-of-itself-static", {"C1": "=ROW(C1)*2"}, "C1", 2.0,
     "Microsoft's ROW page: the reference's row number", "engine config cycle_detection='runtime'"),
    ("rows-of-a-range-holding-itself", {"A4": "=ROWS(A1:A5)"}, "A4", 5.0,
     "Microsoft's ROWS page", "calc/address_reads.py (INDIRECT), even with runtime detection"),
    ("cell-address-of-itself", {"A1": '=CELL("address",A1)'}, "A1", "$A$1",
     "Microsoft's CELL page", "calc/address_reads.py (INDIRECT), even with runtime detection"),
    ("vdb", {"A1": "=VDB(2400,300,10,0,1)"}, "A1", 480.0,
     "Microsoft's VDB page: the first year's depreciation", "calc/excel_gaps.py vdb"),
    ("text-sections", {"A1": '=TEXT(-12,"#,##0_);(#,##0)")'}, "A1", "(12)",
     "Excel's number-format sections: the second one is for negatives", "calc/excel_gaps.py text (ssf)"),
    ("oddfprice", {"A1": "=ODDFPRICE(DATE(2008,11,11),DATE(2021,3,1),DATE(2008,10,15),DATE(2009,3,1),"
                         "0.0785,0.0625,100,2,1)"}, "A1", 113.597717,
     "Microsoft's ODDFPRICE page (113.597717)", "calc/bonds.py"),
    ("price-actual-360", {"A1": "=PRICE(DATE(2025,4,1),DATE(2028,3,13),0.22,0.12,15,1,2)"}, "A1", 62.736929069290866,
     "tests/oracle FINANCIAL_PRICE_YIELD PRICE_YIELD!H29, saved by Excel", "calc/bonds.py price"),
    ("lookup-last-match", {**_rows(20, lambda i: {f"A{i}": float(i % 7), f"B{i}": float(i * 10)}),
                           "D1": "=LOOKUP(2,1/(A1:A20=3),B1:B20)"}, "D1", 170.0,
     "Microsoft's LOOKUP page: the largest value <= 2, errors ignored: the last row with A = 3", "calc/lookups.py"),
    ("xlookup-next-smaller", {**{f"A{4 + i}": v for i, v in enumerate([2, 5, 4, 5, 3, True, "ala"])},
                              **{f"B{4 + i}": v for i, v in enumerate("abcdefg")},
                              "D1": "=XLOOKUP(4.8,A4:A10,B4:B10,,-1)"}, "D1", "c",
     "tests/oracle LOOKUP_AND_REFERENCE_XLOOKUP ReturnSmaller!E6, saved by Excel", "calc/lookups.py"),
    ("dsum-blank-criteria-row", {**REGION, "D1": "Region", "D2": "East", "F1": '=DSUM(A1:B4,"Amount",D1:D3)'},
     "F1", 60.0, "Microsoft's DSUM page: a blank criteria row matches every record", "calc/database.py"),
    ("dsum-begins-with", {**REGION, "D1": "Region", "D2": "Ea", "F1": '=DSUM(A1:B4,"Amount",D1:D2)'},
     "F1", 40.0, "ECMA-376 Part 4, DAVERAGE: text criteria match values that begin with them", "calc/database.py"),
]


@pytest.mark.parametrize(("cells", "target", "excel", "source", "workaround"),
                         [pytest.param(*case[1:], id=case[0],
                                       marks=pytest.mark.xfail(strict=True, raises=AssertionError,
                                                                 reason=f"worked around in {case[5]}"))
                          for case in CASES])
def test_bare_formualizer_gives_excels_value(cells, target, excel, source, workaround):
    assert same(evaluate(cells, target), excel), source


def test_runtime_cycle_detection_settles_references_read_for_their_address():
    """What the engine module relies on: with runtime detection ROW, OFFSET and INDEX as a reference compute."""
    assert evaluate({"C1": "=ROW(C1)*2"}, "C1", runtime_cycles=True) == 2.0
    assert evaluate({"E1": 1, "E2": 2, "E3": 3, "E4": 4, "E5": "=SUM(OFFSET(E5,-4,0,4,1))"}, "E5",
                    runtime_cycles=True) == 10.0
    assert evaluate({"A1": "=B1", "B1": "=A1+1"}, "A1", runtime_cycles=True) == "#Circ"
