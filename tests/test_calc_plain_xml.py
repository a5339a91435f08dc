"""Sheet XML read and written as text where it safely can be, with lxml's answer.

The scan finds formulas, and the calculated copy stores values, by regular
expressions on sheets of the usual layout. Every sheet of the Excel-saved oracle
workbooks and of the template goes both ways; the text path must give exactly what
the parsed tree gives, and must step aside (changing nothing) for a layout it does
not read, such as prefixed elements.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

from xlmodel.calc import engine, package, xlsxpatch
from xlmodel.calc.xlsxpatch import sheet_parts

ROOT = Path(__file__).parent.parent
BOOKS = sorted([*ROOT.glob("tests/oracle/*.xls*"), ROOT / "workbooks" / "miner_model.xlsx"])


def _found(scan: package.Scan):
    return scan.formulas, scan.shared, scan.arrays, scan.data_tables, scan.literal_errors


@pytest.mark.parametrize("book", BOOKS, ids=lambda p: p.name)
def test_the_fast_scan_finds_what_parsing_finds(book):
    with zipfile.ZipFile(book) as zf:
        for sheet, part in sheet_parts(zf).items():
            data = zf.read(part)
            fast, parsed = package.Scan(), package.Scan()
            assert package._scan_plain_xml(data, sheet, fast), f"{sheet} fell back"
            package._scan_parsed(data, sheet, parsed)
            assert _found(fast) == _found(parsed), sheet


SHEET = (b'<?xml version="1.0" encoding="UTF-8"?>\r\n<{p}worksheet xmlns{colon}{prefix}="http://schemas.openxmlformats.org/'
         b'spreadsheetml/2006/main"><{p}sheetData><{p}row r="1"><{p}c r="A1"><{p}v>1</{p}v></{p}c>'
         b'<{p}c s="2" r="B1"><{p}f>A1&amp;"x"\r\n&lt;&gt;</{p}f><{p}v>1</{p}v></{p}c>'
         b'<{p}c r="C1" t="e"><{p}v>#N/A</{p}v></{p}c></{p}row></{p}sheetData></{p}worksheet>')


def test_attributes_in_any_order_entities_and_line_ends_read_as_xml_does():
    data = SHEET.replace(b"{p}", b"").replace(b"{colon}{prefix}", b"")
    fast, parsed = package.Scan(), package.Scan()
    assert package._scan_plain_xml(data, "S", fast)
    package._scan_parsed(data, "S", parsed)
    assert fast.formulas == parsed.formulas == {("S", "B1"): '=A1&"x"\n<>'}
    assert fast.literal_errors == parsed.literal_errors == {("S", "C1"): "#N/A"}


@pytest.mark.parametrize("raw", [b"A1&amp;lt;2", b"&lt;&gt;&quot;&apos;&amp;", b"&#13;&#x41;&amp;", b"a\r\nb\rc",
                                 b"&amp;amp;", b"plain"])
def test_xml_text_reads_entities_and_line_ends_as_lxml_does(raw):
    assert package._xml_text(raw) == etree.fromstring(b"<f>" + raw + b"</f>").text


def test_prefixed_elements_fall_back_to_parsing():
    data = SHEET.replace(b"{p}", b"x:").replace(b"{colon}{prefix}", b":x")
    fast = package.Scan()
    assert not package._scan_plain_xml(data, "S", fast) and not fast.formulas
    parsed = package.Scan()
    package._scan_parsed(data, "S", parsed)
    assert parsed.formulas == {("S", "B1"): '=A1&"x"\n<>'}


def _stored_cells(path: Path) -> dict:
    out = {}
    with zipfile.ZipFile(path) as zf:
        for sheet, part in sheet_parts(zf).items():
            for c in etree.fromstring(zf.read(part), xlsxpatch.PARSER).iter(f"{xlsxpatch.Q}c"):
                out[(sheet, c.get("r"))] = dict(c.attrib), [(ch.tag, ch.text, dict(ch.attrib)) for ch in c]
    return out


WRITABLE = BOOKS  # tamc_utf8-strings holds CHAR(1)..CHAR(31): written as Excel writes them, _xHHHH_


@pytest.mark.parametrize("book", WRITABLE, ids=lambda p: p.name)
def test_values_stored_as_text_are_what_the_tree_stores(book, tmp_path, monkeypatch):
    calc = engine.calculate(book)
    engine.write_calculated(calc, tmp_path / "text.xlsx")
    plain = xlsxpatch._plain_values
    used = []
    monkeypatch.setattr(xlsxpatch, "_plain_values",
                        lambda data, values, vm_of: used.append(plain(data, values, vm_of)) or None)
    engine.write_calculated(calc, tmp_path / "tree.xlsx")
    assert all(u is not None for u in used), "a sheet was not stored as text"
    assert _stored_cells(tmp_path / "text.xlsx") == _stored_cells(tmp_path / "tree.xlsx")


def test_a_character_xml_cannot_hold_is_escaped_as_excel_writes_it():
    data = SHEET.replace(b"{p}", b"").replace(b"{colon}{prefix}", b"")
    stored = xlsxpatch._plain_values(data, {"B1": 'bell\x07 a<b & "c"\r _x0041_'}, {})
    assert b'<c s="2" r="B1" t="str"><f>' in stored
    assert b'<v>bell_x0007_ a&lt;b &amp; "c"_x000D_ _x005F_x0041_</v></c>' in stored


def test_a_cell_written_twice_or_a_value_with_no_cell_goes_through_the_tree():
    data = (b'<?xml version="1.0"?><worksheet><sheetData><row r="1"><c r="A1"><f>1+1</f><v>0</v></c>'
            b'<c r="A1"><f>1+1</f><v>0</v></c><c r="B1"><f>2+2</f></c></row></sheetData></worksheet>')
    assert xlsxpatch._plain_values(data, {"A1": 2.0, "B1": 4.0}, {}) is None  # A1 twice
    once = data.replace(b'<c r="A1"><f>1+1</f><v>0</v></c>', b"", 1)
    assert xlsxpatch._plain_values(once, {"A1": 2.0, "B1": 4.0, "C1": 1.0}, {}) is None  # no cell C1
    stored = xlsxpatch._plain_values(once, {"A1": 2.0, "B1": 4.0}, {})
    assert b'<c r="A1"><f>1+1</f><v>2.0</v></c><c r="B1"><f>2+2</f><v>4.0</v></c>' in stored


def test_formula_text_stands_in_for_openpyxl():
    """The token names and column arithmetic xlmodel keeps without importing openpyxl are openpyxl's."""
    from openpyxl.formula.tokenizer import Token
    from openpyxl.utils.cell import column_index_from_string, get_column_letter

    from xlmodel.calc import formula_text

    names = [n for n in vars(formula_text.Token) if n.isupper()]
    assert names and all(getattr(formula_text.Token, n) == getattr(Token, n) for n in names)
    for n in (1, 26, 27, 52, 702, 703, 16384, 18278):
        assert formula_text.get_column_letter(n) == get_column_letter(n)
        assert formula_text.column_index_from_string(get_column_letter(n)) == n == column_index_from_string(
            get_column_letter(n))
    from openpyxl.utils.cell import range_boundaries

    for ref in ("A1", "$B$7", "A1:C9", "$A$1:$XFD$1048576", "B:D", "$C:$C", "3:5", "a2:b3", ""):
        assert formula_text.range_boundaries(ref) == range_boundaries(ref), ref
    for bad in ("A1:B", "1A", "A1:2"):
        with pytest.raises(ValueError):
            range_boundaries(bad)
        with pytest.raises(ValueError):
            formula_text.range_boundaries(bad)
    with pytest.raises(formula_text.TokenizerError):
        formula_text.Tokenizer('=SUM("open')


def test_recalculating_a_plain_book_imports_neither_openpyxl_nor_numpy_random(tmp_path):
    import subprocess
    import sys

    import xlsxwriter

    book = xlsxwriter.Workbook(str(tmp_path / "plain.xlsx"))
    sheet = book.add_worksheet("S")
    sheet.write_row(0, 0, [1, 2])
    sheet.write_formula(0, 2, "=SUM(A1:B1)")
    book.close()
    code = ("import sys; from xlmodel.calc import engine; c = engine.calculate(sys.argv[1]); "
            "assert c.value('S', 'C1') == 3; print('openpyxl' in sys.modules, 'numpy.random' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "plain.xlsx")], capture_output=True, text=True,
                         check=True).stdout
    assert out.split() == ["False", "False"]  # 0.1 s and 0.03 s of start-up a command that needs neither


def test_formualizer_tokens_are_openpyxls_wherever_openpyxl_spells_the_formula_back():
    """Every formula of the oracle books and the template: the tokens spell it back exactly, as openpyxl's."""
    from openpyxl.formula.tokenizer import Tokenizer

    from xlmodel.calc import formula_text

    formulas = set()
    for book in BOOKS:
        book_scan = package.scan(book)
        formulas |= {t for t in book_scan.formulas.values() if t} | {m for _, m in book_scan.shared.values()}
    formulas |= {"=SUM(A1:B5 B2:C3)+ROW( A1 )", "=@INDEX(A:A,2)", "=SUM(INDEX(A1:A5,2):A3)", "=SUM(A1:INDEX(A1:A5,3))",
                 "=Sheet1!#REF!+#REF!", '=_xlfn.CONCAT("a""b",A1)', "={1,2;3,4}", "=-A1+3%"}
    compared = 0
    for formula in formulas:
        ours = [(t.type, t.subtype, t.value) for t in formula_text.Tokenizer(formula).items]
        assert "".join(t[2] for t in ours) == formula[1:], formula
        theirs = [(t.type, t.subtype, t.value) for t in Tokenizer(formula).items]
        if "".join(t[2] for t in theirs) == formula[1:]:  # openpyxl drops spaces after a line break
            assert ours == theirs, formula
            compared += 1
    assert compared > 4000
