"""xlmodel calc --set: values typed into input cells of a copy before it is recalculated."""

from __future__ import annotations

import openpyxl
import pytest
from typer.testing import CliRunner

from xlmodel.calc import engine, typed_inputs
from xlmodel.cli import app


@pytest.fixture
def book(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "In puts"
    ws["A1"], ws["A2"], ws["B1"] = 2.0, "CORZ", "=A1*10"
    ws["B2"] = '=A2&"!"'
    wb.defined_names["rate"] = openpyxl.workbook.defined_name.DefinedName("rate", attr_text="'In puts'!$A$1")
    path = tmp_path / "book.xlsx"
    wb.save(path)
    return path


@pytest.mark.parametrize(("text", "value"), [("12", 12.0), ("1,250.5", 1250.5), ("TRUE", True), ("false", False),
                                             ("2026-03-31", 46112.0), ("IREN", "IREN"), ("", "")])
def test_typed_text_becomes_what_excel_would_make_of_it(text, value):
    assert typed_inputs.parse_value(text) == value


def test_values_typed_by_name_and_by_address_reach_the_formulas(book, tmp_path):
    out = tmp_path / "case.xlsx"
    where = typed_inputs.set_inputs(book, out, {"rate": 3.5, "'In puts'!A2": "IREN", "'In puts'!D9": 7.0})
    assert where == {("In puts", "A1"): 3.5, ("In puts", "A2"): "IREN", ("In puts", "D9"): 7.0}
    calc = engine.calculate(out)
    assert calc.values[("In puts", "B1")] == 35.0 and calc.values[("In puts", "B2")] == "IREN!"
    assert openpyxl.load_workbook(out)["In puts"]["D9"].value == 7  # a cell that was not there is made


@pytest.mark.parametrize(("target", "message"), [
    ("'In puts'!B1", "holds a formula: --set types into input cells only"),
    ("nosuch", "not a cell such as Inputs!B5 or a defined name"),
    ("Nope!A1", "no sheet named 'Nope'"),
])
def test_what_cannot_be_typed_into_is_named(book, tmp_path, target, message):
    with pytest.raises(typed_inputs.InputError, match=message):
        typed_inputs.set_inputs(book, tmp_path / "case.xlsx", {target: 1.0})


def test_the_command_types_recalculates_and_says_what_is_wrong(book, tmp_path):
    runner = CliRunner()
    out = tmp_path / "calculated.xlsx"
    result = runner.invoke(app, ["calc", str(book), "-o", str(out), "--set", "rate=4"])
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(out, data_only=True)["In puts"]["B1"].value == 40
    assert not list(tmp_path.glob(".*inputs*"))  # the typed copy is not left behind
    result = runner.invoke(app, ["calc", str(book), "-o", str(out), "--set", "rate"])
    assert result.exit_code == 2 and "write TARGET=VALUE" in result.output
