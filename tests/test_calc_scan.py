"""The sheet scan reads formulas by regular expressions where it safely can, and gives lxml's answer.

Every sheet of the Excel-saved oracle workbooks and of the template is scanned both
ways; the fast path must find exactly what parsing the XML finds, and must step
aside (changing nothing) for a layout it does not read, such as prefixed elements.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from xlmodel.calc import package
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


def test_prefixed_elements_fall_back_to_parsing():
    data = SHEET.replace(b"{p}", b"x:").replace(b"{colon}{prefix}", b":x")
    fast = package.Scan()
    assert not package._scan_plain_xml(data, "S", fast) and not fast.formulas
    parsed = package.Scan()
    package._scan_parsed(data, "S", parsed)
    assert parsed.formulas == {("S", "B1"): '=A1&"x"\n<>'}
