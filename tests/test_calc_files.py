"""Bad workbook files given to `xlmodel calc` and `xlmodel refresh`: one line, exit 2, nothing written."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from xlmodel.calc import engine
from xlmodel.calc.package import OLE_MAGIC, WorkbookFileError
from xlmodel.cli import app

REPO = Path(__file__).resolve().parents[1]
TEMPLATE = REPO / "workbooks" / "miner_model.xlsx"
MACRO_BOOK = Path(__file__).parent / "oracle" / "apache_test-data_spreadsheet_57181.xlsm"


def _missing(tmp: Path) -> Path:
    return tmp / "nowhere.xlsx"


def _folder(tmp: Path) -> Path:
    (tmp / "folder.xlsx").mkdir()
    return tmp / "folder.xlsx"


def _text(tmp: Path) -> Path:
    (tmp / "notes.xlsx").write_text("quarter,revenue\nQ3-25,81.1\n")
    return tmp / "notes.xlsx"


def _truncated(tmp: Path) -> Path:
    data = TEMPLATE.read_bytes()
    (tmp / "cut.xlsx").write_bytes(data[: len(data) // 2])
    return tmp / "cut.xlsx"


def _encrypted(tmp: Path) -> Path:
    (tmp / "locked.xlsx").write_bytes(OLE_MAGIC + bytes(4088))  # how Excel saves a password-protected book
    return tmp / "locked.xlsx"


def _zip_not_workbook(tmp: Path) -> Path:
    with zipfile.ZipFile(tmp / "archive.xlsx", "w") as zf:
        zf.writestr("readme.txt", "not a workbook")
    return tmp / "archive.xlsx"


def _damaged_sheet(tmp: Path) -> Path:
    out = tmp / "damaged.xlsx"
    with zipfile.ZipFile(TEMPLATE) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            zout.writestr(info, data[:100] if info.filename == "xl/worksheets/sheet2.xml" else data)
    return out


BAD_FILES = {
    "missing": (_missing, "no such file"),
    "folder": (_folder, "is a folder"),
    "not a zip": (_text, "is not an Excel workbook"),
    "truncated": (_truncated, "truncated or damaged"),
    "encrypted": (_encrypted, "password-protected"),
    "zip without a workbook": (_zip_not_workbook, "no xl/workbook.xml"),
    "damaged sheet": (_damaged_sheet, "is damaged"),
}


@pytest.mark.parametrize("case", BAD_FILES)
@pytest.mark.parametrize("command", ["calc", "refresh"])
def test_a_bad_file_is_one_line_exit_2_and_nothing_written(tmp_path, case, command):
    make, reason = BAD_FILES[case]
    path = make(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    args = [command, str(path)] + (["--offline"] if command == "refresh" else [])
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert reason in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_engine_raises_the_same_one_line_error(tmp_path):
    with pytest.raises(WorkbookFileError, match="password-protected"):
        engine.calculate(_encrypted(tmp_path))


def test_output_folder_that_does_not_exist_is_refused_before_any_work(tmp_path):
    out = tmp_path / "no" / "such" / "out.xlsx"
    result = CliRunner().invoke(app, ["calc", str(TEMPLATE), "-o", str(out)])
    assert result.exit_code == 2 and "does not exist" in result.output
    assert not out.parent.exists()


def test_a_macro_workbook_keeps_xlsm(tmp_path):
    book = tmp_path / "model.xlsm"
    shutil.copyfile(MACRO_BOOK, book)
    refused = CliRunner().invoke(app, ["calc", str(book), "-o", str(tmp_path / "model.xlsx")])
    assert refused.exit_code == 2 and "holds macros" in refused.output and ".xlsm" in refused.output
    assert not (tmp_path / "model.xlsx").exists()
    result = CliRunner().invoke(app, ["calc", str(book)])
    assert result.exit_code in (0, 1), result.output
    written = tmp_path / "model.calculated.xlsm"
    with zipfile.ZipFile(book) as a, zipfile.ZipFile(written) as b:
        assert a.read("xl/vbaProject.bin") == b.read("xl/vbaProject.bin")  # macros kept byte for byte


SHEET_PARTS = sorted(n for n in zipfile.ZipFile(TEMPLATE).namelist() if n.startswith("xl/worksheets/"))
SNIPPETS = [b"((((", b"#REF!", b'r="ZZZZ99999999"', b"<f>SUM(</f>", b"\xff\xfe", b'<f t="array" ref="A1:ZZ9">',
            b"<c r=\"A1\"><f>A1</f></c>", b"=NOSUCH(", b'cm="1"']


@given(part=st.sampled_from(SHEET_PARTS), edits=st.lists(
    st.tuples(st.floats(0, 1), st.integers(0, 60), st.sampled_from(SNIPPETS)), min_size=1, max_size=4))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_mangled_sheet_is_an_error_list_or_one_line_never_a_traceback(tmp_path, part, edits):
    with zipfile.ZipFile(TEMPLATE) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    data = bytearray(parts[part])
    for where, cut, snippet in edits:
        pos = int(where * (len(data) - 1))
        data[pos:pos + cut] = snippet
    path = tmp_path / "mangled.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        for name, content in parts.items():
            zf.writestr(name, bytes(data) if name == part else content)
    try:
        calc = engine.calculate(path)
    except WorkbookFileError as exc:
        assert str(exc).startswith(str(path)) and "\n" not in str(exc)
    else:
        assert all(issue.message for issue in calc.issues)


@pytest.mark.parametrize("formula", [
    "=BTC_HASHPRICE(A1,((((B1,0.03)", "=SUM(A1((((,B1)",
    '=IF(I#REF!DEX(A1,M((((TCH(B1,A1:B1,0))&INDEX(A1,MATCH(B1,A1:B1,0))<>"","",1)',  # no tokenizer reads it
])
@pytest.mark.parametrize("array", [False, True])
def test_a_formula_the_engine_cannot_parse_is_an_error_in_its_cell(tmp_path, formula, array):
    """What the fuzz test above found: an unbalanced formula in an array formula stopped the calculation."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(tmp_path / "unbalanced.xlsx"))
    sheet = book.add_worksheet("S")
    sheet.write_row(0, 0, [60_000, 900])
    if array:
        sheet.write_array_formula(0, 2, 1, 2, "{" + formula + "}")
    else:
        sheet.write_formula(0, 2, formula)
    book.close()
    calc = engine.calculate(tmp_path / "unbalanced.xlsx")
    assert str(calc.by_sheet()["S"]["C1"]).startswith("#") and all(issue.message for issue in calc.issues)


def test_the_installed_command_keeps_its_exit_codes_and_output_when_it_skips_teardown(tmp_path):
    """`xlmodel` ends by os._exit after flushing: what it printed and its exit code reach the caller."""
    import subprocess
    import sys

    import xlsxwriter

    book = xlsxwriter.Workbook(str(tmp_path / "small.xlsx"))
    sheet = book.add_worksheet("S")
    sheet.write_row(0, 0, [60_000, 900])
    sheet.write_formula(0, 2, "=BTC_HASHPRICE(A1,B1,0.03)")
    sheet.write_formula(0, 3, "=BTC_HASHPRICE(A1,-1,0.03)")
    book.close()

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "xlmodel.cli", *args], capture_output=True, text=True,
                              timeout=120, check=False)

    done = run("calc", str(tmp_path / "small.xlsx"), "-o", str(tmp_path / "out.xlsx"))
    assert done.returncode == 1, done.stderr  # one cell in error
    assert "network_hashrate_ehs" in done.stdout and "wrote calculated copy" in done.stdout
    assert engine.calculate(tmp_path / "out.xlsx").value("S", "C1") > 0  # the copy is whole
    missing = run("calc", str(tmp_path / "nowhere.xlsx"))
    assert missing.returncode == 2 and "no such file" in missing.stdout
    assert run("nosuchcommand").returncode == 2
