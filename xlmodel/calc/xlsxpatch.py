"""Edit cells inside an .xlsx package without a round trip through a workbook library.

openpyxl drops charts, dynamic-array flags and cached values when it saves, so the
calculated copy is written by changing only the ``<c>`` elements of the sheet XML:
every other part of the package (charts, styles, VBA, metadata) is copied byte for byte.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

from lxml import etree

from xlmodel.calc import rich_data
from xlmodel.calc.cell_values import escape_text, too_long, unstorable
from xlmodel.calc.engine_values import ErrorValue
from xlmodel.calc.formula_text import column_index_from_string, get_column_letter
from xlmodel.calc.rich_data import RichError, stored_error
from xlmodel.excel.errors import CellError

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
Q = f"{{{NS}}}"
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
V_TAG, IS_TAG = f"{Q}v", f"{Q}is"
CELL_RE = re.compile(r"^([A-Z]+)(\d+)$")


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> path of its XML part inside the package."""
    book = etree.fromstring(zf.read("xl/workbook.xml"), PARSER)
    rels = etree.fromstring(zf.read("xl/_rels/workbook.xml.rels"), PARSER)
    targets = {r.get("Id"): r.get("Target") for r in rels.iter(f"{{{PKG_REL_NS}}}Relationship")}
    out = {}
    for sheet in book.iter(f"{Q}sheet"):
        target = targets[sheet.get(f"{{{REL_NS}}}id")]
        path = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        out[sheet.get("name")] = path
    return out


# A sheet part written without namespace prefixes, and a formula cell in it as Excel, openpyxl and
# XlsxWriter write one: <c ...>, its <f> first (the schema's order), then at most a cached <v>.
PLAIN_ROOT = re.compile(rb"\s*(?:<\?[^>]*\?>\s*)?<(?:worksheet|chartsheet|dialogsheet)\b")
F_TAG = re.compile(rb"<f[\s>/]")
# groups: the cell's attributes, its address when it comes first, the <f> and the <v>'s attributes
FORMULA_CELL = re.compile(r'<c\b((?: r="([^"]*)")?[^>]*)>(\s*<f\b[^>]*?(?:/>|>[^<]*</f>))\s*'
                          r'(?:<v(\s[^>]*)?>[^<]*</v>|<v\s*/>)?\s*</c>')
VALUE_CELL = re.compile(r"<c\b([^>]*?)(?:/>|>(\s*<f\b)?(?:(?!</c>).)*?(?:<v(\s[^>]*)?>(?:(?!</c>).)*)?</c>)",
                        re.DOTALL)  # group 2: a formula (left to FORMULA_CELL); group 3: the <v>'s attributes
T_ATTRIBUTES = re.compile(r'\s(?:t|vm)="[^"]*"')  # a cell's type, and its rich value (rewritten with the value)
R_ATTRIBUTE = re.compile(r'\br="([^"]*)"')
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
ABSENT = object()


def _cells(root) -> dict[str, Any]:
    return {c.get("r"): c for c in root.iter(f"{Q}c")}


def store_values(src: Path, dst: Path, values: dict[str, dict[str, Any]], bake: bool = False,
                 widen: dict[tuple[str, str], str] | None = None) -> None:
    """Write ``src`` to ``dst`` with ``values`` cached in their cells, each as Excel stores it.

    With ``bake`` the formulas are removed and only the values stay (for a render copy
    that a program without xlmodel will recalculate). The workbook's flag to recalculate
    everything on load is dropped so that the stored values are what opens. A value a cell
    cannot hold is stored as the error Excel gives for it (:func:`_stored`); ``#SPILL!`` and
    ``#CALC!`` get their rich values (:mod:`xlmodel.calc.rich_data`).
    """
    widen = widen or {}
    records = {r for cells in values.values() for v in cells.values()
               if type(v) is not float and (r := _rich_record(v)) is not None}
    vm_of: dict[RichError, int] = {}
    parts: dict[str, bytes] = {}
    if records:
        with zipfile.ZipFile(src) as zf:
            vm_of, parts = rich_data.add_errors(zf, records)

    def edit(sheet: str, root) -> None:
        cells = _cells(root)
        given = values.get(sheet, {})
        cells.update(_insert_cells(root, [a for a in given if a not in cells]))  # a spill's cells, in one pass
        for address, value in given.items():
            cell = cells[address]
            if (sheet, address) in widen:
                cell.find(f"{Q}f").set("ref", widen[(sheet, address)])
            if bake:
                for f in cell.findall(f"{Q}f"):
                    cell.remove(f)
                cell.attrib.pop("cm", None)  # a dynamic array's flag goes with its formula
            _set_value(cell, value, vm_of, inline=bake)

    def edit_plain(sheet: str, data: bytes) -> bytes | None:
        if bake or any(s == sheet for s, _ in widen):
            return None
        return _plain_values(data, values.get(sheet, {}), vm_of)

    _rewrite(src, dst, edit, set(values), drop_full_calc=True, edit_plain=edit_plain, parts=parts)


def _rich_record(value: Any) -> RichError | None:
    if type(value) is ErrorValue or isinstance(value, CellError):
        return stored_error(value.code, getattr(value, "detail", None))[1]
    return None


def _plain_values(data: bytes, values: dict[str, Any], vm_of: dict[RichError, int]) -> bytes | None:
    """The sheet part with ``values`` cached in its formula cells, edited as text (lxml's tree is slow).

    None, having changed nothing, unless every ``<f>`` was in a formula cell of the usual
    layout and each address in ``values`` is one such cell, once; :func:`store_values` then
    edits the parsed tree instead.
    """
    if not PLAIN_ROOT.match(data):
        return None
    try:
        text = data.decode()
    except UnicodeDecodeError:
        return None
    stored: list[str] = []  # the address of each cell given its value (a cell written twice shows twice)

    def stored_cell(attributes: str, address: str | None, formula: str, v_attributes: str | None,
                    whole: str) -> str:
        if address is None:  # not the first attribute (every writer seen puts it first)
            found = R_ATTRIBUTE.search(attributes)
            address = found.group(1) if found else ""
        value = values.get(address, ABSENT)
        if value is ABSENT:
            return whole
        stored.append(address)
        if type(value) is float and math.isfinite(value) and not v_attributes and ' t="' not in attributes \
                and ' vm="' not in attributes:
            return f"<c{attributes}>{formula}<v>{value!r}</v></c>"  # most cells: a number
        kind, text, record = _stored(value)
        if ' t="' in attributes or ' vm="' in attributes:
            attributes = T_ATTRIBUTES.sub("", attributes)
        if kind:
            attributes += f' t="{kind}"'
        if record is not None:
            attributes += f' vm="{vm_of[record]}"'
        if text is None:
            return f"<c{attributes}>{formula}</c>"
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return f"<c{attributes}>{formula}<v{v_attributes or ''}>{text}</v></c>"  # <v> keeps xml:space, as the tree

    def cell(match: re.Match) -> str:
        return stored_cell(*match.groups(), match.group(0))

    def value_cell(match: re.Match) -> str:  # a cell holding no formula
        if match.group(2) is not None:
            return match.group(0)
        return stored_cell(match.group(1), None, "", match.group(3), match.group(0))

    out, cells = FORMULA_CELL.subn(cell, text)
    if cells != len(F_TAG.findall(data)):
        return None
    if len(stored) < len(values):  # cells of a spilled or fitted array that hold no formula
        out = VALUE_CELL.sub(value_cell, out)
    if not len(stored) == len(set(stored)) == len(values):
        return None
    return out.encode()


def _stored(value: Any) -> tuple[str, str | None, RichError | None]:
    """What a cell stores for ``value``: its ``t`` ("" for a number), ``<v>`` text (None: none) and rich value.

    As Excel stores it: text escaped (``_xHHHH_``), text too long for a cell as ``#VALUE!``,
    a number that is not finite as ``#NUM!``, an error Excel does not read from ``<v>`` as the
    literal it stores for it (:func:`xlmodel.calc.rich_data.stored_error`).
    """
    if type(value) is float:
        return ("", repr(value), None) if math.isfinite(value) else ("e", "#NUM!", None)
    if value is None:
        return "", None, None
    if isinstance(value, bool):
        return "b", "1" if value else "0", None
    if isinstance(value, (int, float)):
        if unstorable(value):
            return "e", "#NUM!", None
        return "", repr(float(value)) if isinstance(value, float) else str(value), None
    if type(value) is ErrorValue or isinstance(value, CellError):  # an xlmodel error: its code (the reason is listed)
        return "e", *stored_error(value.code, getattr(value, "detail", None))
    if isinstance(value, str):
        return ("e", "#VALUE!", None) if too_long(value) else ("str", escape_text(value), None)
    return "e", *stored_error(str(value))


def _rewrite(src: Path, dst: Path, edit, sheets: set[str], drop_full_calc: bool = False, edit_plain=None,
             parts: dict[str, bytes] | None = None) -> None:
    """``src`` written to ``dst`` with ``sheets`` edited and ``parts`` (name -> content) replaced or added."""
    items = _edited_items(src, edit, sheets, drop_full_calc, edit_plain)
    if parts:
        items = [(info, parts.pop(info.filename, data)) for info, data in items] + list(parts.items())
    tmp = Path(dst).with_name(Path(dst).name + ".part")
    _write_zip(tmp, items)
    tmp.replace(dst)


def without_array_values(src: Path, ranges: dict[str, list[str]]) -> bytes:
    """The package with the values Excel saved inside array ranges removed (in memory).

    ``ranges`` maps a sheet to the ranges of its array formulas; each cell but the
    anchor loses its cached value, so an engine sees an empty range to fill.
    """
    def edit(sheet: str, root) -> None:
        cells = _cells(root)
        for ref in ranges[sheet]:
            first, _, last = ref.partition(":")
            (c0, r0), (c1, r1) = _col_row(first), _col_row(last or first)
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    cell = cells.get(f"{get_column_letter(c)}{r}")
                    if cell is None or (r, c) == (r0, c0) or cell.find(f"{Q}f") is not None:
                        continue
                    for child in list(cell):
                        cell.remove(child)
                    cell.attrib.pop("t", None)

    buffer = io.BytesIO()
    _write_zip(buffer, _edited_items(src, edit, set(ranges)))
    return buffer.getvalue()


def _col_row(address: str) -> tuple[int, int]:
    letters, row = CELL_RE.match(address.replace("$", "")).groups()
    return column_index_from_string(letters), int(row)


def _edited_items(src: Path, edit, sheets: set[str], drop_full_calc: bool = False,
                  edit_plain=None) -> list[tuple[Any, bytes]]:
    """Every part of ``src``; each sheet in ``sheets`` edited as text by ``edit_plain`` when it can, else as a tree."""
    with zipfile.ZipFile(src) as zin:
        parts = sheet_parts(zin)
        edited = {}
        for sheet in sheets:
            data = zin.read(parts[sheet])
            plain = edit_plain(sheet, data) if edit_plain else None
            if plain is not None:
                edited[parts[sheet]] = plain
                continue
            root = etree.fromstring(data, PARSER)
            edit(sheet, root)
            edited[parts[sheet]] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        if drop_full_calc:
            edited["xl/workbook.xml"] = _without_full_calc(zin.read("xl/workbook.xml"))
        return [(info, edited.get(info.filename) or zin.read(info.filename)) for info in zin.infolist()]


def _write_zip(target, items: list[tuple[Any, bytes]]) -> None:
    # level 3 of 9: a third of the default's time on big sheets, for a file about 10% larger
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=3) as zout:
        for info, data in items:
            zout.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=3)


def _without_full_calc(xml: bytes) -> bytes:
    root = etree.fromstring(xml, PARSER)
    for calc in root.iter(f"{Q}calcPr"):
        calc.attrib.pop("fullCalcOnLoad", None)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _set_value(cell, value: Any, vm_of: dict[RichError, int], inline: bool = False) -> None:
    """Store ``value`` as the cell's cached result (``inline``: as a plain value, no formula)."""
    v = None
    for child in cell.iterchildren(V_TAG, IS_TAG):  # reuse the <v> a writer left: cheaper on big sheets
        if child.tag == V_TAG and v is None and not inline:
            v = child
        else:
            cell.remove(child)
    cell.attrib.pop("t", None)
    cell.attrib.pop("vm", None)
    kind, text, record = _stored(value)
    if text is None or (inline and kind == "str"):
        if v is not None:
            cell.remove(v)
        if text is not None:
            cell.set("t", "inlineStr")
            t = etree.SubElement(etree.SubElement(cell, IS_TAG), f"{Q}t")
            t.text = text
            if text != text.strip():
                t.set(XML_SPACE, "preserve")
        return
    if v is None:
        v = etree.SubElement(cell, V_TAG)
    v.text = text
    if kind:
        cell.set("t", kind)
    if record is not None:
        cell.set("vm", str(vm_of[record]))


def _insert_cells(root, addresses: list[str]) -> dict[str, Any]:
    """New empty ``<c>`` elements at ``addresses``, rows and cells kept in order: one pass over the sheet's rows
    and over each row touched, however many cells (a spill of 10,000 trials adds 10,000)."""
    if not addresses:
        return {}
    by_row: dict[int, list[tuple[tuple[int, str], str]]] = {}
    for address in addresses:
        letters, number = CELL_RE.match(address).groups()
        by_row.setdefault(int(number), []).append(((len(letters), letters), address))
    data = root.find(f"{Q}sheetData")
    rows = {int(r.get("r")): r for r in data.findall(f"{Q}row")}
    for number in sorted(set(by_row) - set(rows)):
        row = etree.Element(f"{Q}row", r=str(number))
        rows[number] = row
    ordered = sorted(rows)
    for row in data.findall(f"{Q}row"):
        data.remove(row)
    data.extend(rows[n] for n in ordered)
    made = {}
    for number, wanted in by_row.items():
        row = rows[number]
        existing = [(_col_key(c.get("r")), c) for c in row.findall(f"{Q}c")]
        for c in row.findall(f"{Q}c"):
            row.remove(c)
        new = []
        for key, address in wanted:
            cell = etree.Element(f"{Q}c", r=address)
            made[address] = cell
            new.append((key, cell))
        row.extend(cell for _, cell in sorted(existing + new, key=lambda kc: kc[0]))
        row.attrib.pop("spans", None)
    return made


def _insert_cell(root, address: str):
    """A new empty ``<c>`` at ``address``, rows and cells kept in order."""
    letters, row_number = CELL_RE.match(address).groups()
    data = root.find(f"{Q}sheetData")
    rows = data.findall(f"{Q}row")
    row = next((r for r in rows if int(r.get("r")) == int(row_number)), None)
    if row is None:
        row = etree.Element(f"{Q}row", r=row_number)
        later = [r for r in rows if int(r.get("r")) > int(row_number)]
        (later[0].addprevious(row) if later else data.append(row))
    cell = etree.Element(f"{Q}c", r=address)
    key = (len(letters), letters)
    later_cells = [c for c in row.findall(f"{Q}c") if _col_key(c.get("r")) > key]
    (later_cells[0].addprevious(cell) if later_cells else row.append(cell))
    row.attrib.pop("spans", None)
    return cell


def _col_key(address: str) -> tuple[int, str]:
    letters = CELL_RE.match(address).group(1)
    return len(letters), letters
