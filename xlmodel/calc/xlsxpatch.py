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

from xlmodel.calc.formula_text import column_index_from_string, get_column_letter
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
T_ATTRIBUTE = re.compile(r'\st="[^"]*"')
R_ATTRIBUTE = re.compile(r'\br="([^"]*)"')
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
ABSENT = object()


def _cells(root) -> dict[str, Any]:
    return {c.get("r"): c for c in root.iter(f"{Q}c")}


def store_values(src: Path, dst: Path, values: dict[str, dict[str, Any]], bake: bool = False,
                 widen: dict[tuple[str, str], str] | None = None) -> None:
    """Write ``src`` to ``dst`` with ``values`` cached in their cells.

    With ``bake`` the formulas are removed and only the values stay (for a render copy
    that a program without xlmodel will recalculate). The workbook's flag to recalculate
    everything on load is dropped so that the stored values are what opens.
    """
    widen = widen or {}

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
            _set_value(cell, value, inline=bake)

    def edit_plain(sheet: str, data: bytes) -> bytes | None:
        if bake or any(s == sheet for s, _ in widen):
            return None
        return _plain_values(data, values.get(sheet, {}))

    _rewrite(src, dst, edit, set(values), drop_full_calc=True, edit_plain=edit_plain)


def _plain_values(data: bytes, values: dict[str, Any]) -> bytes | None:
    """The sheet part with ``values`` cached in its formula cells, edited as text (lxml's tree is slow).

    None, having changed nothing, unless every ``<f>`` was in a formula cell of the usual
    layout, each address in ``values`` is one such cell, once, and every text can be written
    in XML; :func:`store_values` then edits the parsed tree instead.
    """
    if not PLAIN_ROOT.match(data):
        return None
    try:
        text = data.decode()
    except UnicodeDecodeError:
        return None
    stored: list[str] = []  # the address of each cell given its value (a cell written twice shows twice)
    unwritable = False

    def stored_cell(attributes: str, address: str | None, formula: str, v_attributes: str | None,
                    whole: str) -> str:
        nonlocal unwritable
        if address is None:  # not the first attribute (every writer seen puts it first)
            found = R_ATTRIBUTE.search(attributes)
            address = found.group(1) if found else ""
        value = values.get(address, ABSENT)
        if value is ABSENT:
            return whole
        stored.append(address)
        if type(value) is float and math.isfinite(value) and not v_attributes and ' t="' not in attributes:
            return f"<c{attributes}>{formula}<v>{value!r}</v></c>"  # most cells: a number
        kind, v = _value_text(value)
        unwritable = unwritable or (isinstance(value, str) and NOT_XML.search(value) is not None)
        if ' t="' in attributes:
            attributes = T_ATTRIBUTE.sub("", attributes)
        if v_attributes and v:  # the <v> keeps its attributes (xml:space="preserve"), as the tree does
            v = "<v" + v_attributes + v[2:]
        return f"<c{attributes}{kind}>{formula}{v}</c>"

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
    if unwritable or not len(stored) == len(set(stored)) == len(values):
        return None
    return out.encode()


def _value_text(value: Any) -> tuple[str, str]:
    """A cached value as :func:`_set_value` stores it: the ``t`` attribute and the ``<v>`` element."""
    if type(value) is float and math.isfinite(value):
        return "", f"<v>{value!r}</v>"
    if value is None:
        return "", ""
    if isinstance(value, bool):
        return ' t="b"', "<v>1</v>" if value else "<v>0</v>"
    if isinstance(value, (int, float)):
        text = repr(float(value)) if isinstance(value, float) else str(value)
        if text in ("nan", "inf", "-inf"):
            return ' t="e"', "<v>#NUM!</v>"
        return "", f"<v>{text}</v>"
    if isinstance(value, CellError):
        return ' t="e"', f"<v>{value.code}</v>"
    kind = ' t="str"' if isinstance(value, str) else ' t="e"'
    text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    return kind, f"<v>{text}</v>"


def _rewrite(src: Path, dst: Path, edit, sheets: set[str], drop_full_calc: bool = False, edit_plain=None) -> None:
    items = _edited_items(src, edit, sheets, drop_full_calc, edit_plain)
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


def _set_value(cell, value: Any, inline: bool = False) -> None:
    """Store ``value`` as the cell's cached result (``inline``: as a plain value, no formula)."""
    v = None
    for child in cell.iterchildren(V_TAG, IS_TAG):  # reuse the <v> a writer left: cheaper on big sheets
        if child.tag == V_TAG and v is None and not inline:
            v = child
        else:
            cell.remove(child)
    cell.attrib.pop("t", None)
    if value is None or (inline and isinstance(value, str)):
        if v is not None:
            cell.remove(v)
        if value is not None:
            cell.set("t", "inlineStr")
            etree.SubElement(etree.SubElement(cell, IS_TAG), f"{Q}t").text = str(value)
        return
    if v is None:
        v = etree.SubElement(cell, V_TAG)
    if isinstance(value, bool):
        cell.set("t", "b")
        v.text = "1" if value else "0"
    elif isinstance(value, (int, float)):
        v.text = repr(float(value)) if isinstance(value, float) else str(value)
        if v.text in ("nan", "inf", "-inf"):
            cell.set("t", "e")
            v.text = "#NUM!"
    elif isinstance(value, CellError):  # an xlmodel error: its Excel error value (the reason is in the listing)
        cell.set("t", "e")
        v.text = value.code
    elif isinstance(value, str):
        cell.set("t", "str")
        v.text = str(value)
    else:  # an engine error value such as #VALUE!
        cell.set("t", "e")
        v.text = str(value)


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
