"""Every file xlmodel writes opens in Excel without a repair prompt (issue #30).

Each file is read back with tests/ooxml_check.py: the ISO/IEC 29500-4 schemas in
../shared/ooxml/ after markup-compatibility processing, and Excel's own rules for cells.
The files: the template, calculated copies (of the template, of every Excel-saved oracle
book, and of a book built to hold each case Excel stores otherwise than the engine gives
it) and refreshed copies. The checker itself is checked on the Excel-saved oracle books
(Excel wrote them, so they pass) and on copies broken on purpose (each break is found).

Where a value is stored as Excel stores it, the expected XML is Excel's: ``#SPILL!`` and
``#CALC!`` as ``#VALUE!`` with a rich ``_error`` value (errorType 8 and 13; a spill blocked
by a value: subType 1 with the offset of the cell in the way; a FILTER matching nothing:
subType 3, as Excel 16 saved them), a control character as ``_xHHHH_`` and a literal
``_xHHHH_`` with its underscore escaped (XlsxWriter's ``_escape_control_characters``, which
its tests compare with Excel's files), a cycle's cells at the value Excel saved for them.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from lxml import etree
from ooxml_check import RD, SCHEMAS, Q, assert_opens_in_excel, problems
from rich.console import Console
from test_oracle import BOOKS, ORACLE, calculation
from typer.testing import CliRunner

from xlmodel import cli
from xlmodel.calc import engine, excel_errors, xlsxpatch
from xlmodel.calc.cell_values import escape_text, unescape_text
from xlmodel.calc.engine import Calculation, ErrorValue
from xlmodel.calc.package import Scan
from xlmodel.cli import app
from xlmodel.data.grids import NETWORK
from xlmodel.refresh.store import refresh_workbook
from xlmodel.refresh.xlsxfile import read_sheet, write_sheets

pytestmark = pytest.mark.skipif(not (SCHEMAS / "local" / "all.xsd").exists(),
                                reason=f"the OOXML schemas are not in {SCHEMAS}")


# -- the files xlmodel writes ------------------------------------------------------------------------

def test_the_template_opens_in_excel(template):
    assert_opens_in_excel(template)


def test_the_calculated_template_opens_in_excel(template, calculated, tmp_path):
    assert_opens_in_excel(engine.write_calculated(calculated, tmp_path / "calculated.xlsx", source=template))


@pytest.mark.parametrize("name", BOOKS)
def test_a_calculated_oracle_book_opens_in_excel_as_its_original_does(name, tmp_path):
    assert problems(ORACLE / name) == []  # Excel saved it: the checker finds nothing in Excel's own file
    assert_opens_in_excel(engine.write_calculated(calculation(name), tmp_path / name, source=ORACLE / name))


def test_a_refreshed_template_opens_in_excel(template, tmp_path):
    book = shutil.copyfile(template, tmp_path / "refreshed.xlsx")
    report = refresh_workbook(book, offline=True, tickers=("CORZ",))
    assert report.written and not report.refused
    assert_opens_in_excel(book)


# -- a book holding each case --------------------------------------------------------------------------

CASES = {  # cell -> (formula, the value Excel saved, what the listing says)
    "B1": ("=B2+1", 12.5, "circular reference through S!B1, S!B2"),
    "B2": ("=B1*2", 25, "circular reference through S!B1, S!B2"),
    "B3": ("=B1+100", 0, "reads the circular reference through S!B1, S!B2"),
    "C1": ("=SEQUENCE(3)", 0, "#SPILL! the result's range (3 x 1) is not empty: S!C3 is in the way"),
    "D1": ("=FILTER(A1:A3,A1:A3>100)", 0, "#CALC! FILTER matched nothing"),
    "E1": ('=CHAR(1)&"x"', 0, None),
    "E2": ('=REPT("x",40000)', 0, "#VALUE!"),
    "E3": ('=REPT("x",20000)&REPT("y",20000)', 0, "#VALUE! the text result has 40,000 characters"),
    "E4": ("=LEN(E3)", 0, "#VALUE!"),
    "E5": ("=NOSUCHFUNC(1)", 0, "#NAME? unknown function NOSUCHFUNC"),
    "E6": ("=C1+1", 0, "#SPILL! from a cell it reads"),
    "E7": ('="a_x"&"0041_b"&CHAR(13)', 0, None),
    "E8": ("=1E308*10", 0, "#NUM!"),
}
DYNAMIC = ("C1", "D1")


def _cases_book(path: Path) -> Path:
    """The cases as Excel saves them: cached values, dynamic arrays flagged (XlsxWriter writes both so)."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("S")
    sheet.write_column("A1", [1, 2, 3])
    sheet.write("C3", "in the way")
    for cell, (formula, saved, _) in CASES.items():
        if cell in DYNAMIC:
            sheet.write_dynamic_array_formula(f"{cell}:{cell}", formula, None, saved)
        else:
            sheet.write_formula(cell, formula, None, saved)
    sheet.write_dynamic_array_formula("G1:H2", "=SEQUENCE(2,2)")  # a spill that is not blocked
    book.close()
    return path


def _wide() -> Console:
    """A console wide enough that no line of the listing wraps (xdist's workers set COLUMNS=80, which the
    module's console reads once, at import)."""
    return Console(width=400)


@pytest.fixture(scope="module")
def cases(tmp_path_factory) -> tuple[Path, Path, str]:
    folder = tmp_path_factory.mktemp("cases")
    book = _cases_book(folder / "cases.xlsx")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(cli, "console", _wide())
        result = CliRunner().invoke(app, ["calc", str(book), "-o", str(folder / "cases.calculated.xlsx")])
    assert result.exit_code == 1, result.output  # cells in error: the listing says so, and the exit code
    return book, folder / "cases.calculated.xlsx", result.output


def _cells(path: Path, sheet: str = "xl/worksheets/sheet1.xml") -> dict[str, etree._Element]:
    with zipfile.ZipFile(path) as zf:
        return {c.get("r"): c for c in etree.fromstring(zf.read(sheet)).iter(Q + "c")}


def _rich_error(path: Path, vm: str) -> dict[str, str]:
    """The keys and values of the rich value a cell's ``vm`` points at."""
    with zipfile.ZipFile(path) as zf:
        metadata = etree.fromstring(zf.read("xl/metadata.xml"))
        values = etree.fromstring(zf.read("xl/richData/rdrichvalue.xml")).findall(RD + "rv")
        structures = etree.fromstring(zf.read("xl/richData/rdrichvaluestructure.xml")).findall(RD + "s")
    rc = metadata.find(Q + "valueMetadata").findall(Q + "bk")[int(vm) - 1].find(Q + "rc")
    types = [t.get("name") for t in metadata.iter(Q + "metadataType")]
    assert types[int(rc.get("t")) - 1] == "XLRICHVALUE"
    future = next(f for f in metadata.findall(Q + "futureMetadata") if f.get("name") == "XLRICHVALUE")
    rv = values[int(future.findall(Q + "bk")[int(rc.get("v"))].find(f".//{RD}rvb").get("i"))]
    structure = structures[int(rv.get("s"))]
    assert structure.get("t") == "_error"
    return dict(zip([k.get("n") for k in structure.findall(RD + "k")], [v.text for v in rv.findall(RD + "v")]))


def test_the_cases_book_recalculates_into_a_copy_excel_opens(cases):
    book, copy, _ = cases
    assert problems(book) == []
    assert_opens_in_excel(copy)


def test_each_case_is_named_in_the_listing(cases):
    book, _, output = cases
    issues = {i.address: i.message for i in engine.calculate(book).issues}
    for cell, (_, _, said) in CASES.items():
        if said:
            assert said in issues[cell], (cell, issues.get(cell))
            assert re.search(rf"\b{cell}\b.*{re.escape(said[:20])}", output), cell  # printed in the listing
        else:
            assert cell not in issues, issues[cell]
    assert "holds 12.5, the value Excel saved for it" in issues["B1"]
    assert issues["B3"].endswith("computed from the values held there")


def test_a_cycle_holds_excels_saved_values_and_the_rest_is_computed_from_them(cases):
    _, copy, _ = cases
    values = openpyxl.load_workbook(copy, data_only=True)["S"]
    assert [values[c].value for c in ("B1", "B2", "B3")] == [12.5, 25, 112.5]
    assert _cells(copy)["B1"].find(Q + "f").text == "B2+1"  # the formula stays for Excel to recalculate


def test_spill_and_calc_errors_are_stored_as_excel_stores_them(cases):
    _, copy, _ = cases
    cells = _cells(copy)
    for cell in ("C1", "D1", "E6"):
        assert cells[cell].get("t") == "e" and cells[cell].findtext(Q + "v") == "#VALUE!", cell
        assert cells[cell].get("cm") == _cells(cases[0])[cell].get("cm")  # a dynamic array keeps its flag
    assert _rich_error(copy, cells["C1"].get("vm")) == {"colOffset": "0", "errorType": "8", "rwOffset": "2",
                                                        "subType": "1"}  # C3, two rows down, is in the way
    assert _rich_error(copy, cells["D1"].get("vm")) == {"errorType": "13", "subType": "3"}
    assert _rich_error(copy, cells["E6"].get("vm")) == {"errorType": "8", "subType": "0"}
    assert cells["C1"].find(Q + "f").get("ref") == "C1"
    assert [cells[c].findtext(Q + "v") for c in ("G1", "H1", "G2", "H2")] == ["1.0", "2.0", "3.0", "4.0"]
    assert all("vm" not in cells[c].attrib for c in ("G1", "E5", "E8"))


def test_text_and_numbers_are_stored_as_excel_stores_them(cases):
    _, copy, _ = cases
    cells = _cells(copy)
    assert cells["E1"].get("t") == "str" and cells["E1"].findtext(Q + "v") == "_x0001_x"
    assert cells["E7"].findtext(Q + "v") == "a_x005F_x0041_b_x000D_"
    assert unescape_text(cells["E7"].findtext(Q + "v")) == "a_x0041_b\r"
    stored = {c: (cells[c].get("t"), cells[c].findtext(Q + "v")) for c in ("E2", "E3", "E4", "E5", "E8")}
    assert stored == {"E2": ("e", "#VALUE!"), "E3": ("e", "#VALUE!"), "E4": ("e", "#VALUE!"),
                      "E5": ("e", "#NAME?"), "E8": ("e", "#NUM!")}


def test_a_spill_blocked_now_keeps_only_its_formulas_cell(tmp_path):
    """Saved spilling into C1:C2, the result now needs C3, where text is: Excel keeps the range to C1."""
    book = xlsxwriter.Workbook(str(tmp_path / "book.xlsx"))
    sheet = book.add_worksheet("S")
    sheet.write_dynamic_array_formula("C1:C2", "=SEQUENCE(3)", None, 1)
    sheet.write("C2", 2)
    sheet.write("C3", "in the way")
    book.close()
    calc = engine.calculate(tmp_path / "book.xlsx")
    cells = _cells(engine.write_calculated(calc, tmp_path / "copy.xlsx"))
    assert cells["C1"].find(Q + "f").get("ref") == "C1" and cells["C2"].find(Q + "v") is None
    assert _rich_error(tmp_path / "copy.xlsx", cells["C1"].get("vm"))["rwOffset"] == "2"
    assert_opens_in_excel(tmp_path / "copy.xlsx")


def test_recalculating_a_copy_keeps_every_rich_value_it_holds(cases, tmp_path):
    """The copy holds Excel's rich-value parts already; a copy of it adds to them and stays consistent."""
    _, copy, _ = cases
    again = engine.write_calculated(engine.calculate(copy), tmp_path / "again.xlsx", source=copy)
    assert_opens_in_excel(again)
    cells = _cells(again)
    assert _rich_error(again, cells["C1"].get("vm"))["rwOffset"] == "2"
    assert _rich_error(again, cells["D1"].get("vm")) == {"errorType": "13", "subType": "3"}


def test_errors_excel_does_not_have_are_stored_as_the_ones_it_shows(tmp_path):
    """#N/IMPL! (the engine lacks a function) as #NAME?; any other literal Excel does not read as #VALUE!."""
    book = _cases_book(tmp_path / "book.xlsx")
    calc = Calculation(path=book, values={("S", "E5"): ErrorValue("#N/IMPL!"), ("S", "E8"): ErrorValue("#CIRC!")},
                       formulas={("S", "E5"): "=X()", ("S", "E8"): "=Y()"})
    messages = excel_errors.settle(None, Scan(), calc, excel_errors.Held())
    assert messages[("S", "E5")].endswith("; the copy holds #NAME?")
    cells = _cells(engine.write_calculated(calc, tmp_path / "copy.xlsx"))
    assert (cells["E5"].findtext(Q + "v"), cells["E8"].findtext(Q + "v")) == ("#NAME?", "#VALUE!")
    assert_opens_in_excel(tmp_path / "copy.xlsx")


@pytest.mark.parametrize(("text", "written"), [
    ("\x00\x08\x0b\x0c\x0e\x1f", "_x0000__x0008__x000B__x000C__x000E__x001F_"),
    ("tab\tline\n", "tab\tline\n"),
    ("\ufffe\uffff", "_xFFFE__xFFFF_"),
    ("_x0041_ _x00ff_ _X00FF_ _x12_ _xZZZZ_", "_x005F_x0041_ _x005F_x00ff_ _X00FF_ _x12_ _xZZZZ_"),
])
def test_text_is_escaped_as_excel_writes_it_and_reads_back(text, written):
    assert escape_text(text) == written and unescape_text(written) == text


# -- the refresh writer ----------------------------------------------------------------------------------

def test_the_refresh_writer_stores_control_characters_as_excel_does(template, tmp_path):
    book = shutil.copyfile(template, tmp_path / "book.xlsx")
    rows = [["key", "value"], ["note\x01", "_x0041_\r\n"]]
    assert write_sheets(book, {NETWORK: rows}) == {}
    assert read_sheet(book, NETWORK) == rows  # and a second refresh reads back what the first wrote
    assert_opens_in_excel(book)


@pytest.mark.parametrize(("value", "reason"), [
    (float("nan"), "Data_Network!B2: nan is not a finite number"),
    (float("-inf"), "Data_Network!B2: -inf is not a finite number"),
    ("x" * 32_768, "Data_Network!B2: text of 32,768 characters is longer than a cell holds (32,767)"),
    (10 ** 400, "Data_Network!B2: a whole number of 401 digits is beyond Excel's number range"),
], ids=["nan", "-inf", "long text", "huge whole number"])
def test_the_refresh_writer_refuses_what_no_cell_holds_and_keeps_the_sheet(template, tmp_path, value, reason):
    book = shutil.copyfile(template, tmp_path / "book.xlsx")
    before = read_sheet(book, NETWORK)
    refused = write_sheets(book, {NETWORK: [["key", "value"], ["difficulty", value]], "Data_Other": [["kept"]]})
    assert list(refused) == [NETWORK] and refused[NETWORK].startswith(reason)
    assert read_sheet(book, NETWORK) == before and read_sheet(book, "Data_Other") == [["kept"]]
    assert_opens_in_excel(book)


def test_a_refusal_is_a_named_line_and_exit_code_1(template, tmp_path, monkeypatch):
    from xlmodel.refresh import store

    book = shutil.copyfile(template, tmp_path / "book.xlsx")
    real = store.owned_sheets
    monkeypatch.setattr(store, "owned_sheets", lambda outcomes, read: {**real(outcomes, read),
                                                                       NETWORK: [["difficulty", float("inf")]]})
    monkeypatch.setattr(cli, "console", _wide())
    result = CliRunner().invoke(app, ["refresh", str(book), "--offline", "--tickers", "CORZ"])
    assert result.exit_code == 1
    assert "refused Data_Network!B1: inf is not a finite number" in result.output
    assert NETWORK not in result.output.split("wrote", 1)[1].split(" in ")[0]


# -- the checker finds what Excel refuses ------------------------------------------------------------------

BREAKS = [  # (what is changed in sheet1.xml of the cases' copy, what the checker says)
    (r'(<c r="C1"[^>]*>.*?)<v>#VALUE!</v>', r"\1<v>#SPILL!</v>", "error '#SPILL!' is not one Excel reads"),
    (r'<c r="E8" t="e">(.*?)<v>#NUM!</v>', r'<c r="E8">\1<v>nan</v>', "'nan' is not a finite number"),
    (r'(<c r="D1"[^>]*) vm="\d+"', r'\1 vm="99"', "vm points at valueMetadata 99"),
    (r'(<c r="G1"[^>]*>)(<f[^>]*>[^<]*</f>)(<v>[^<]*</v>)', r"\1\3\2", "This element is not expected"),
    (r'ref="G1:H2"', 'ref="G2:H2"', "its array formula's range G2:H2 does not start at it"),
    (r'<row r="2"', '<row r="1"', "row 1 comes after row 1"),
    (r'(<c r="E1" t="str">.*?<v>)[^<]*', r"\1" + "x" * 32_768, "text of 32,768 characters"),
    (r'(<c r="B1"[^>]*>)<f>', r'\1<f t="shared" si="7"/><f>', "This element is not expected"),
    (r'<c r="B3"><f>B1\+100</f>', '<c r="B3"><f t="shared" si="7"/>', "shares formula 7, which has no master"),
    (r'(<c r="G1"[^>]*) cm="1"', r'\1 cm="5"', "cm points at cellMetadata 5"),
    (r"_x0001_x", "\x01x", "not well-formed XML"),
]


@pytest.mark.parametrize(("pattern", "replacement", "said"), BREAKS, ids=[b[2][:40] for b in BREAKS])
def test_the_checker_finds_each_break_excel_would_repair(cases, tmp_path, pattern, replacement, said):
    _, copy, _ = cases
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(copy) as zin, zipfile.ZipFile(broken, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                changed = re.sub(pattern, replacement, data.decode(), count=1, flags=re.DOTALL)
                assert changed != data.decode(), pattern
                data = changed.encode()
            zout.writestr(info, data)
    found = problems(broken)
    assert any(said in line for line in found), found


def test_the_checker_finds_a_part_of_the_wrong_content_type_and_a_missing_target(cases, tmp_path):
    _, copy, _ = cases
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(copy) as zin, zipfile.ZipFile(broken, "w") as zout:
        for info in zin.infolist():
            if info.filename != "xl/richData/rdrichvalue.xml":
                data = zin.read(info.filename)
                if info.filename == "[Content_Types].xml":
                    data = data.replace(b'<Override PartName="/xl/metadata.xml"', b'<Override PartName="/xl/other.xml"')
                zout.writestr(info, data)
    found = "\n".join(problems(broken))
    assert "xl/metadata.xml: content type application/xml, not the " \
           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheetMetadata+xml" in found
    assert "points at xl/richData/rdrichvalue.xml, which the package does not hold" in found


def test_the_copy_stored_through_the_tree_is_the_same_as_through_text(cases, tmp_path, monkeypatch):
    """The sheet edited as parsed XML (a layout the text path does not read) stores the same cells."""
    book, copy, _ = cases
    monkeypatch.setattr(xlsxpatch, "_plain_values", lambda data, values, vm_of: None)
    tree = engine.write_calculated(engine.calculate(book), tmp_path / "tree.xlsx", source=book)
    assert_opens_in_excel(tree)
    strip = {"t", "vm", "cm", "s"}
    as_text = {r: ({k: v for k, v in c.attrib.items() if k in strip}, c.findtext(Q + "v"))
               for r, c in _cells(copy).items()}
    assert as_text == {r: ({k: v for k, v in c.attrib.items() if k in strip}, c.findtext(Q + "v"))
                       for r, c in _cells(tree).items()}


def test_the_rich_value_parts_are_declared_as_excel_declares_them(cases):
    _, copy, _ = cases
    with zipfile.ZipFile(copy) as zf:
        types = zf.read("[Content_Types].xml").decode()
        rels = zf.read("xl/_rels/workbook.xml.rels").decode()
        richtypes = etree.parse(io.BytesIO(zf.read("xl/richData/rdRichValueTypes.xml"))).getroot()
    for part, content_type in (("/xl/richData/rdrichvalue.xml", "application/vnd.ms-excel.rdrichvalue+xml"),
                               ("/xl/richData/rdrichvaluestructure.xml",
                                "application/vnd.ms-excel.rdrichvaluestructure+xml"),
                               ("/xl/richData/rdRichValueTypes.xml", "application/vnd.ms-excel.rdrichvaluetypes+xml")):
        assert f'PartName="{part}" ContentType="{content_type}"' in types
    for kind in ("rdRichValue", "rdRichValueStructure", "rdRichValueTypes"):
        assert f'Type="http://schemas.microsoft.com/office/2017/06/relationships/{kind}"' in rels
    assert etree.QName(richtypes).localname == "rvTypesInfo"
