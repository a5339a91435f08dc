"""Check a workbook file before any work, and read what the formula engine does not.

Every command that takes a workbook (``xlmodel calc``, ``xlmodel refresh``) calls
:func:`check_workbook` first, so a missing, damaged or encrypted file gives one line
saying what and why, and nothing is written. :func:`scan` reads the sheet XML for the
facts a formula engine loses on load: which formulas are legacy array formulas
(``{=...}`` over a fixed range), which are dynamic arrays and where Excel last spilled
them, what-if data tables, literal error values, tables and the iterative-calculation
setting.
"""

from __future__ import annotations

import html
import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path, PurePosixPath

from lxml import etree

from xlmodel.calc.formula_text import column_index_from_string, range_boundaries
from xlmodel.calc.xlsxpatch import F_TAG, PARSER, PKG_REL_NS, PLAIN_ROOT, Q, sheet_parts

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a compound file: encrypted OOXML or a legacy .xls
MACRO_SUFFIXES = (".xlsm", ".xltm")


class WorkbookFileError(ValueError):
    """A workbook file that cannot be read or written: the message is one line, what and why."""


def check_workbook(path: Path | str, deep: bool = False) -> Path:
    """Return ``path`` when it is a readable .xlsx/.xlsm package, else raise :class:`WorkbookFileError`.

    ``deep`` also parses every XML part (a command that reads the sheets later, as
    ``calc`` does through :func:`scan`, need not).
    """
    path = Path(path)
    if not path.exists():
        raise WorkbookFileError(f"{path}: no such file")
    if path.is_dir():
        raise WorkbookFileError(f"{path}: is a folder, not a workbook")
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise WorkbookFileError(f"{path}: cannot be read ({exc.strerror})") from None
    if head == OLE_MAGIC:
        raise WorkbookFileError(f"{path}: is password-protected (encrypted) or an old .xls file; "
                                "save it from Excel as an unprotected .xlsx or .xlsm")
    if not head.startswith(b"PK"):
        raise WorkbookFileError(f"{path}: is not an Excel workbook (.xlsx/.xlsm are zip packages)")
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "xl/workbook.xml" not in names:
                raise WorkbookFileError(f"{path}: is a zip file but not an Excel workbook (no xl/workbook.xml)")
            damaged = zf.testzip()
            if damaged:
                raise WorkbookFileError(f"{path}: is damaged (part {damaged} fails its checksum)")
            sheet_parts(zf)
            if deep:
                for name in sorted(n for n in names if n.endswith((".xml", ".rels"))):
                    with zf.open(name) as fh:
                        for _, element in etree.iterparse(fh, resolve_entities=False, no_network=True):
                            element.clear()
    except zipfile.BadZipFile as exc:
        raise WorkbookFileError(f"{path}: is truncated or damaged ({exc})") from None
    except (KeyError, etree.XMLSyntaxError) as exc:
        raise WorkbookFileError(f"{path}: is damaged (its workbook part cannot be read: {exc})") from None
    return path


def check_output(source: Path, out: Path) -> Path:
    """Refuse an output the calculated copy could not be written to, before any work."""
    out = Path(out)
    if source.suffix.lower() in MACRO_SUFFIXES and out.suffix.lower() not in MACRO_SUFFIXES:
        raise WorkbookFileError(f"{out}: {source.name} holds macros, so its copy must keep the "
                                f"{source.suffix} extension (Excel refuses macros in .xlsx)")
    if out.is_dir():
        raise WorkbookFileError(f"{out}: is a folder; give a file name for the calculated copy")
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise WorkbookFileError(f"{out}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise WorkbookFileError(f"{out}: cannot be written (no permission)")
    return out


@dataclass
class ArrayFormula:
    """An array formula as saved: its anchor, the range it covers and whether it spills (dynamic)."""

    sheet: str
    anchor: str
    ref: str
    dynamic: bool

    @property
    def shape(self) -> tuple[int, int]:
        min_col, min_row, max_col, max_row = range_boundaries(self.ref)
        return max_row - min_row + 1, max_col - min_col + 1


@dataclass
class DataTable:
    """A what-if data table (``{=TABLE(r1, r2)}``) over ``ref``."""

    sheet: str
    ref: str
    row_input: str | None  # the cell the values across the top are put into
    col_input: str | None  # the cell the values down the left are put into
    two_way: bool
    row_oriented: bool


@dataclass(frozen=True)
class DefinedName:
    """A defined name as saved in the workbook part: its scope (a sheet's name, None for the workbook) and text."""

    name: str
    sheet: str | None
    text: str  # the definition, without "="


@dataclass
class Scan:
    """What the sheet XML says beyond what the engine loads."""

    formulas: dict[tuple[str, str], str] = field(default_factory=dict)  # every formula cell ("" if shared)
    shared: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)  # cell -> its master, text
    _masters: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)  # (sheet, si) -> same
    arrays: list[ArrayFormula] = field(default_factory=list)
    data_tables: list[DataTable] = field(default_factory=list)
    literal_errors: dict[tuple[str, str], str] = field(default_factory=dict)
    empty_formulas: list[tuple[str, str]] = field(default_factory=list)  # <f/> with no text, shared by none
    tables: list[dict] = field(default_factory=list)
    names: list[DefinedName] = field(default_factory=list)
    hidden_rows: dict[str, set[int]] = field(default_factory=dict)  # sheet -> rows hidden (by hand or by a filter)
    filters: list[tuple[str, int, int]] = field(default_factory=list)  # (sheet, first, last row) of active filters
    iterate: bool = False
    iterate_count: int = 100
    iterate_delta: float = 0.001

    def merge(self, other: Scan) -> None:
        """Add what ``other`` found on one sheet (the cells of each sheet are scanned once)."""
        self.formulas.update(other.formulas)
        self.shared.update(other.shared)
        self._masters.update(other._masters)
        self.arrays.extend(other.arrays)
        self.data_tables.extend(other.data_tables)
        self.literal_errors.update(other.literal_errors)
        self.empty_formulas.extend(other.empty_formulas)
        self.hidden_rows.update(other.hidden_rows)
        self.filters.extend(other.filters)


def scan(path: Path) -> Scan:
    """Read the sheet XML of a checked workbook; a part that cannot be read is one line."""
    try:
        return _scan(path)
    except WorkbookFileError as exc:
        raise WorkbookFileError(f"{path}: is damaged ({exc})") from None
    except (etree.XMLSyntaxError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise WorkbookFileError(f"{path}: is damaged (a part cannot be read: {exc})") from None


def _scan(path: Path) -> Scan:
    out = Scan()
    with zipfile.ZipFile(path) as zf:
        book = etree.fromstring(zf.read("xl/workbook.xml"), PARSER)
        out.names = _defined_names(book)
        calc = book.find(f"{Q}calcPr")
        if calc is not None:
            out.iterate = calc.get("iterate") in ("1", "true")
            out.iterate_count = int(calc.get("iterateCount", "100"))
            out.iterate_delta = float(calc.get("iterateDelta", "0.001"))
        for sheet, part in sheet_parts(zf).items():
            _scan_sheet(zf, sheet, part, out)
    return out


def _defined_names(book) -> list[DefinedName]:
    """The workbook's defined names; ``localSheetId`` counts the sheets in the workbook part's order."""
    sheets = [sheet.get("name") for sheet in book.iter(f"{Q}sheet")]
    out = []
    for element in book.iter(f"{Q}definedName"):
        local, text = element.get("localSheetId"), (element.text or "").strip()
        scope = sheets[int(local)] if local is not None and local.isdigit() and int(local) < len(sheets) else None
        if element.get("name") and text and (local is None or scope is not None):
            out.append(DefinedName(element.get("name"), scope, text.removeprefix("=")))
    return out


def _scan_sheet(zf: zipfile.ZipFile, sheet: str, part: str, out: Scan) -> None:
    data = zf.read(part)
    if not _scan_plain_xml(data, sheet, out):
        _scan_parsed(data, sheet, out)
    if b"hidden=" in data:
        _hidden_rows(data, sheet, out)
    _tables(zf, sheet, part, out)


HIDDEN_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="(\d+)"[^>]*?\bhidden="(?:1|true)"|'
                        rb'<(?:\w+:)?row\b[^>]*?\bhidden="(?:1|true)"[^>]*?\br="(\d+)"')
AUTO_FILTER = re.compile(rb'<(?:\w+:)?autoFilter\b[^>]*\bref="([^"]+)"[^>]*?(/>|>(.*?)</(?:\w+:)?autoFilter>)', re.DOTALL)


def _hidden_rows(data: bytes, sheet: str, out: Scan) -> None:
    """Rows hidden on the sheet (SUBTOTAL and AGGREGATE skip them), and its filter if one is applied."""
    rows = {int(a or b) for a, b in HIDDEN_ROW.findall(data)}
    if rows:
        out.hidden_rows[sheet] = rows
        _filters(data, sheet, out)


def _filters(data: bytes, sheet: str, out: Scan) -> None:
    """An autoFilter with criteria: its hidden rows are filtered out (SUBTOTAL 1-11 skips those only)."""
    for ref, _, body in AUTO_FILTER.findall(data):
        if b"filterColumn" in body:
            _, top, _, bottom = range_boundaries(ref.decode().replace("$", ""))
            if top and bottom:
                out.filters.append((sheet, top + 1, bottom))


# A formula cell's start as Excel, openpyxl and XlsxWriter write it: <c ...> then its <f> first (the schema's order).
# A formula cell whose address comes first and whose <f> has no attributes (no shared, array or table formula)
SIMPLE_FORMULA = re.compile(rb'<c r="([A-Z]{1,3}[1-9][0-9]{0,6})"[^>]*>\s*<f>([^<]*)</f>')
FORMULA_START = re.compile(rb'<c\b([^>]*)>\s*<f\b([^>]*?)(?:/>|>([^<]*)</f>)')
ERROR_CELL = re.compile(rb'<c\b([^>]*\bt="e"[^>]*)>\s*<v>([^<]*)</v>')
ATTRIBUTE = re.compile(rb'([\w:]+)="([^"]*)"')


def _scan_plain_xml(data: bytes, sheet: str, out: Scan) -> bool:
    """Scan a sheet written without namespace prefixes by regular expressions (ten times lxml's speed).

    Returns False, having changed nothing, unless every ``<f>`` element was read, so an
    unusual layout falls back to :func:`_scan_parsed`.
    """
    if not PLAIN_ROOT.match(data):
        return False
    expected = len(F_TAG.findall(data))
    found = Scan()
    simple = SIMPLE_FORMULA.findall(data)
    if len(simple) == expected:  # every formula its own, as XlsxWriter and openpyxl write them: one pass
        found.formulas = {(sheet, a.decode()): "=" + _xml_text(t) if t else "" for a, t in simple}
        for _, address in found.formulas:
            if len(address) > 7 and not _within_sheet(address):
                raise WorkbookFileError(f"sheet {sheet} has a formula cell with no valid address ({address!r})")
        cells = []
    else:
        cells = FORMULA_START.findall(data)
        if len(cells) != expected:
            return False
    for c_attrs, f_attrs, text in cells:
        c = _attributes(c_attrs)
        _formula(sheet, c.get("r"), c, _attributes(f_attrs) if f_attrs else {}, _xml_text(text) if text else None,
                 found)
    if b't="e"' in data:
        for c_attrs, value in ERROR_CELL.findall(data):
            _literal_error(sheet, _attributes(c_attrs).get("r") or "", _xml_text(value), found)
    out.merge(found)
    return True


def _attributes(raw: bytes) -> dict[str, str]:
    if raw.startswith(b' r="') and raw.endswith(b'"') and raw.count(b'"') == 2:  # the usual cell: its address
        return {"r": raw[4:-1].decode()}
    return {k.decode(): _xml_text(v) for k, v in ATTRIBUTE.findall(raw)}


def _xml_text(raw: bytes) -> str:
    """Element or attribute text as an XML parser gives it: line ends normalized, then entities."""
    text = raw.decode()
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "&" not in text:
        return text
    if OTHER_ENTITY.search(text):
        return html.unescape(text)
    for entity, char in XML_ENTITIES:  # only XML's own five: replaced in a few passes
        if entity in text:
            text = text.replace(entity, char)
    return text


XML_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&"))  # &amp; last
OTHER_ENTITY = re.compile("&(?!(?:lt|gt|quot|apos|amp);)")


def _scan_parsed(data: bytes, sheet: str, out: Scan) -> None:
    with_errors = b't="e"' in data  # literal error values need every cell read; formulas only their <f>
    tags = (f"{Q}c", f"{Q}row") if with_errors else (f"{Q}f", f"{Q}row")
    for _, element in etree.iterparse(io.BytesIO(data), tag=tags, resolve_entities=False, no_network=True):
        if element.tag == f"{Q}row":
            element.clear()
            continue
        c, f = (element, element.find(f"{Q}f")) if with_errors else (element.getparent(), element)
        if f is not None:
            _formula(sheet, c.get("r"), c.attrib, f.attrib, f.text, out)
        elif c.get("t") == "e":
            v = c.find(f"{Q}v")
            if v is not None and v.text:
                _literal_error(sheet, c.get("r") or "", v.text, out)


def _literal_error(sheet: str, address: str, code: str, out: Scan) -> None:
    if VALID_CELL.match(address) and _within_sheet(address):
        out.literal_errors[(sheet, address)] = code


def _formula(sheet: str, address: str | None, c, f, text: str | None, out: Scan) -> None:
    """One ``<f>`` element: ``c`` and ``f`` are the cell's and the formula's attributes."""
    if not address or not VALID_CELL.match(address) or not _within_sheet(address):
        raise WorkbookFileError(f"sheet {sheet} has a formula cell with no valid address ({address!r})")
    kind = f.get("t")
    if kind == "dataTable":
        out.data_tables.append(DataTable(sheet, f.get("ref"), f.get("r1"), f.get("r2"),
                                         f.get("dt2D") == "1", f.get("dtr") == "1"))
        return
    if not text and kind not in ("shared", "array"):  # Excel for Mac writes <f ca="1"/> in an array's cells
        out.empty_formulas.append((sheet, address))
        return
    out.formulas[(sheet, address)] = "=" + text if text else ""
    if kind == "shared":
        key = (sheet, f.get("si"))
        if text:
            out._masters[key] = (address, out.formulas[(sheet, address)])
        elif key in out._masters:  # Excel writes the master before the cells that share it
            out.shared[(sheet, address)] = out._masters[key]
    if kind == "array":
        out.arrays.append(ArrayFormula(sheet, address, f.get("ref") or address, c.get("cm") is not None))


def _tables(zf: zipfile.ZipFile, sheet: str, part: str, out: Scan) -> None:
    """Excel tables defined on the sheet, for the engine's structured references."""
    rels_path = str(PurePosixPath(part).parent / "_rels" / (PurePosixPath(part).name + ".rels"))
    if rels_path not in zf.namelist():
        return
    rels = etree.fromstring(zf.read(rels_path), PARSER)
    for rel in rels.iter(f"{{{PKG_REL_NS}}}Relationship"):
        if not rel.get("Type", "").endswith("/table"):
            continue
        target = str(PurePosixPath(part).parent / rel.get("Target"))
        target = os.path.normpath(target).replace(os.sep, "/")
        if target not in zf.namelist():
            continue
        table_xml = zf.read(target)
        table = etree.fromstring(table_xml, PARSER)
        min_col, min_row, max_col, max_row = range_boundaries(table.get("ref"))
        if sheet in out.hidden_rows:
            _filters(table_xml, sheet, out)
        columns = [col.get("name") for col in table.iter(f"{Q}tableColumn")]
        out.tables.append({
            "name": table.get("displayName") or table.get("name"), "sheet": sheet,
            "range": (min_row, min_col, max_row, max_col), "headers": columns,
            "header_row": table.get("headerRowCount", "1") != "0",
            "totals_row": int(table.get("totalsRowCount", "0")) > 0,
        })


VALID_CELL = re.compile(r"^([A-Z]{1,3})([1-9][0-9]{0,6})$")
MAX_ROWS, LAST_COLUMN = 1_048_576, "XFD"


def _within_sheet(address: str) -> bool:
    """A1-style address inside Excel's grid (XFD1048576 the last cell); checked without parsing twice."""
    if len(address) < 8:  # at most two letters and six digits: inside
        return True
    letters, digits = VALID_CELL.match(address).groups()
    return int(digits) <= MAX_ROWS and (len(letters) < 3 or letters <= LAST_COLUMN)


A1 = re.compile(r"\$?([A-Za-z]{1,3})\$?([1-9][0-9]*)")


def split_address(address: str) -> tuple[int, int]:
    """``"B7"`` (or ``"$B$7"``) -> ``(7, 2)``: row and column, 1-based."""
    match = A1.fullmatch(address)
    if match is None:
        raise ValueError(f"{address!r} is not a cell address")
    return int(match.group(2)), column_index_from_string(match.group(1))


CELL_LINE = re.compile(r"^\$?([A-Za-z]{1,3})\$?([1-9][0-9]*)$", re.MULTILINE)


def positions(addresses: list[str]) -> tuple[list[int], list[int]]:
    """The rows and the columns (1-based) of many addresses, as :func:`split_address` gives them one at a time."""
    parts = CELL_LINE.findall("\n".join(addresses))
    if len(parts) != len(addresses):
        bad = next(a for a in addresses if not A1.fullmatch(a))
        raise ValueError(f"{bad!r} is not a cell address")
    columns = {letters: column_index_from_string(letters) for letters in set(map(itemgetter(0), parts))}
    return list(map(int, map(itemgetter(1), parts))), list(map(columns.__getitem__, map(itemgetter(0), parts)))
