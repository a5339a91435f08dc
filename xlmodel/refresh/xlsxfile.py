"""Write the sheets Refresh owns into a workbook, leaving every other part byte for byte.

The owned sheets (``Data_*`` and ``Sources``) hold values only. Their XML is generated
here and swapped into the package; a sheet that does not exist yet is added (a part, a
relationship, a content-type override and an entry in ``workbook.xml``). The new file is
written next to the old one and renamed over it, so a refresh that stops at any point
leaves either the old workbook or the new one.

Values are stored as Excel stores them (:mod:`xlmodel.calc.cell_values`): a character XML
cannot hold is written ``_xHHHH_``. A value no cell can hold (a number that is not finite,
text over 32,767 characters) is refused: its sheet keeps its previous data, and the refusal
names the sheet, the cell and why.
"""

from __future__ import annotations

import os
import re
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

import openpyxl
from lxml import etree
from openpyxl.utils import get_column_letter

from xlmodel.calc.cell_values import escape_text, unescape_text, unstorable
from xlmodel.calc.xlsxpatch import NS, PARSER, PKG_REL_NS, REL_NS, Q, sheet_parts

CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
SHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
SHEET_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"


class UnstorableValue(ValueError):
    """A value no cell can hold: the message names the sheet, the cell and why."""


def sheet_xml(grid: list[list[Any]], name: str = "sheet") -> bytes:
    """A worksheet of plain values: numbers as numbers, everything else as inline text.

    Raises :class:`UnstorableValue` for a value Excel cannot hold (``name``: the sheet, for the message).
    """
    out = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{NS}"><sheetData>']
    for r, row in enumerate(grid, start=1):
        cells = []
        for c, value in enumerate(row, start=1):
            if value is None or value == "":
                continue
            ref = f"{get_column_letter(c)}{r}"
            if not isinstance(value, str) or len(value) > 16_383:  # shorter text always fits
                reason = unstorable(value if isinstance(value, (bool, int, float)) else str(value))
                if reason:
                    raise UnstorableValue(f"{name}!{ref}: {reason}; the sheet keeps its previous data")
            if isinstance(value, bool):
                cells.append(f'<c r="{ref}" t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, (int, float)):  # numpy's own repr would read np.float64(...)
                number = repr(float(value)) if isinstance(value, float) else str(int(value))
                cells.append(f'<c r="{ref}"><v>{number}</v></c>')
            else:
                text = escape(escape_text(str(value)))
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>')
        if cells:
            out.append(f'<row r="{r}">{"".join(cells)}</row>')
    out.append("</sheetData></worksheet>")
    return "".join(out).encode("utf-8")


def read_sheet(path: Path, name: str) -> list[list[Any]]:
    """An existing sheet's values as rows (empty if the sheet does not exist)."""
    return read_sheets(path, (name,))[name]


def read_sheets(source: Path | BinaryIO, names: Iterable[str]) -> dict[str, list[list[Any]]]:
    """Several sheets' values from one opening of the workbook (a path or the file's bytes)."""
    book = open_values(source)
    try:
        return {name: sheet_rows(book, name) for name in names}
    finally:
        book.close()


def open_values(source: Path | BinaryIO) -> openpyxl.Workbook:
    """The workbook opened for reading stored values; close it when done."""
    return openpyxl.load_workbook(source, read_only=True, data_only=True)


def sheet_rows(book: openpyxl.Workbook, name: str) -> list[list[Any]]:
    """A sheet's values as rows of one width (empty if the sheet does not exist).

    Text as Excel reads it: openpyxl hands over a cell's ``_xHHHH_`` escapes as they are written.
    """
    if name not in book.sheetnames:
        return []
    rows = [[unescape_text(v) if isinstance(v, str) else v for v in row]
            for row in book[name].iter_rows(values_only=True)]
    width = max((len(r) for r in rows), default=0)
    return [r + [None] * (width - len(r)) for r in rows]  # sheets without a dimension give ragged rows


def write_sheets(path: Path, sheets: dict[str, list[list[Any]]],
                 _fail_after_bytes: int | None = None) -> dict[str, str]:
    """Replace or add ``sheets`` (name -> rows) in the workbook at ``path``, atomically.

    Returns the sheets refused, each with its reason (:class:`UnstorableValue`): they keep
    their previous data, the others are written.
    """
    path = Path(path)
    refused: dict[str, str] = {}
    xml: dict[str, bytes] = {}
    for name, grid in sheets.items():
        try:
            xml[name] = sheet_xml(grid, name)
        except UnstorableValue as exc:
            refused[name] = str(exc)
    if not xml:
        return refused
    with zipfile.ZipFile(path) as zin:
        parts = sheet_parts(zin)
        items = {info.filename: (info, zin.read(info.filename)) for info in zin.infolist()}
    new_parts: dict[str, bytes] = {}
    for name, data in xml.items():
        part = parts.get(name)
        if part is None:
            part = _add_sheet(items, name, taken=set(new_parts))
            parts[name] = part
        new_parts[part] = data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as raw:
            sink = _FailingWriter(raw, _fail_after_bytes) if _fail_after_bytes is not None else raw
            with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as zout:
                for filename, (info, data) in items.items():
                    zout.writestr(info, new_parts.pop(filename, data), compress_type=zipfile.ZIP_DEFLATED)
                for filename, data in new_parts.items():
                    zout.writestr(filename, data, compress_type=zipfile.ZIP_DEFLATED)
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return refused


def _add_sheet(items: dict[str, tuple[zipfile.ZipInfo, bytes]], name: str, taken: set[str]) -> str:
    """Register a new worksheet part in workbook.xml, its rels and the content types."""
    existing = {f for f in (*items, *taken) if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", f)}
    n = 1
    while f"xl/worksheets/sheet{n}.xml" in existing:
        n += 1
    part = f"xl/worksheets/sheet{n}.xml"

    rels = etree.fromstring(items["xl/_rels/workbook.xml.rels"][1], PARSER)
    ids = {r.get("Id") for r in rels}
    rid = next(f"rId{i}" for i in range(1, 10_000) if f"rId{i}" not in ids)
    etree.SubElement(rels, f"{{{PKG_REL_NS}}}Relationship", Id=rid, Type=SHEET_REL,
                     Target=f"worksheets/sheet{n}.xml")
    _put(items, "xl/_rels/workbook.xml.rels", rels)

    book = etree.fromstring(items["xl/workbook.xml"][1], PARSER)
    sheets = book.find(f"{Q}sheets")
    sheet_id = max([int(s.get("sheetId")) for s in sheets] + [0]) + 1
    sheets.append(etree.Element(f"{Q}sheet", name=name, sheetId=str(sheet_id), **{f"{{{REL_NS}}}id": rid}))
    _put(items, "xl/workbook.xml", book)

    types = etree.fromstring(items["[Content_Types].xml"][1], PARSER)
    etree.SubElement(types, f"{{{CT_NS}}}Override", PartName=f"/{part}", ContentType=SHEET_CT)
    _put(items, "[Content_Types].xml", types)
    return part


def _put(items, filename: str, root) -> None:
    info = items[filename][0]
    items[filename] = (info, etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


class _FailingWriter:
    """A file wrapper that fails after some bytes: tests stop a refresh at any point with it."""

    def __init__(self, raw, limit: int) -> None:
        self.raw, self.left = raw, limit

    def write(self, data: bytes) -> int:
        if len(data) > self.left:
            self.raw.write(data[: self.left])
            raise OSError("simulated interruption")
        self.left -= len(data)
        return self.raw.write(data)

    def __getattr__(self, name: str):
        return getattr(self.raw, name)
