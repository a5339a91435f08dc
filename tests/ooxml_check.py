"""Read an .xlsx package the way Excel does and list what it would refuse or repair (a test helper).

``problems(path)`` returns one line per problem, empty for a file Excel opens without a
repair prompt as far as these checks go:

- the package: every part has a content type, every relationship's target exists;
- every XML part in the ISO/IEC 29500-4 (Transitional) namespaces is valid against the schemas in
  ``../shared/ooxml/`` (``local/all.xsd``, read with lxml) after markup-compatibility processing, as
  Excel reads it: content in the namespaces an element declares ``mc:Ignorable`` is dropped and
  ``mc:AlternateContent`` is replaced by its ``mc:Fallback`` (ISO/IEC 29500-3). The schemas fix the
  order of the parts inside ``<worksheet>``, ``<row>`` and ``<c>``;
- Excel's rules for cells, which the schemas leave open: an error cell holds one of the eight
  literals Excel reads; a number is finite; text is at most 32,767 characters once its ``_xHHHH_``
  escapes are read; rows and the cells in a row come in order, once each; a shared formula's cells
  have its master, inside the master's range; an array or data-table formula is anchored at its
  range's first cell, and no other cell of the range has a formula; ``cm`` and ``vm`` point at
  blocks of ``xl/metadata.xml`` (a dynamic array's ``XLDAPR``, a rich value's ``XLRICHVALUE`` in
  ``xl/richData/``), and a rich ``_error`` stands behind an error cell holding ``#VALUE!``;
  ``calcChain.xml`` lists only cells holding a formula.

Each book's parts are read once; the schema set is compiled once per process (about 0.1 s).
"""

from __future__ import annotations

import math
import os
import re
import zipfile
from functools import cache
from pathlib import Path, PurePosixPath

from lxml import etree

from xlmodel.calc.cell_values import EXCEL_ERRORS, TEXT_LIMIT, unescape_text
from xlmodel.calc.formula_text import get_column_letter, range_boundaries
from xlmodel.calc.package import split_address

# the schemas beside the repository (../shared/ooxml), or where XLMODEL_OOXML_SCHEMAS says
SCHEMAS = Path(os.environ.get("XLMODEL_OOXML_SCHEMAS") or Path(__file__).resolve().parents[2] / "shared" / "ooxml")
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
XML_NS = "http://www.w3.org/XML/1998/namespace"
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
RD_NS = "http://schemas.microsoft.com/office/spreadsheetml/2017/richdata"
METADATA_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sheetMetadata"
RD_REL = "http://schemas.microsoft.com/office/2017/06/relationships/"
Q, RD = f"{{{NS}}}", f"{{{RD_NS}}}"
SML = "application/vnd.openxmlformats-officedocument.spreadsheetml."
CONTENT_TYPES = {  # the workbook's relationship types (last part) -> the content type their parts have
    "worksheet": SML + "worksheet+xml", "styles": SML + "styles+xml", "sharedStrings": SML + "sharedStrings+xml",
    "sheetMetadata": SML + "sheetMetadata+xml", "calcChain": SML + "calcChain+xml",
    "theme": "application/vnd.openxmlformats-officedocument.theme+xml",
    "rdRichValue": "application/vnd.ms-excel.rdrichvalue+xml",
    "rdRichValueStructure": "application/vnd.ms-excel.rdrichvaluestructure+xml",
    "rdRichValueTypes": "application/vnd.ms-excel.rdrichvaluetypes+xml",
}
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
MAX_LISTED = 20  # problems listed for one part of one kind


@cache
def schema() -> tuple[etree.XMLSchema, frozenset[str]]:
    """The ISO/IEC 29500-4 schema set, and the namespaces it defines (those ``local/all.xsd`` imports)."""
    root = SCHEMAS / "local" / "all.xsd"
    if not root.exists():
        raise FileNotFoundError(f"{root}: the OOXML schemas are not there (see ../shared/ooxml/README.md)")
    namespaces, seen, todo = set(), set(), [root.resolve()]
    while todo:
        xsd = todo.pop()
        if xsd in seen or not xsd.exists():
            continue
        seen.add(xsd)
        tree = etree.parse(str(xsd)).getroot()
        if tree.get("targetNamespace") and not tree.get("targetNamespace").startswith("urn:local"):
            namespaces.add(tree.get("targetNamespace"))
        for ref in tree.iter("{http://www.w3.org/2001/XMLSchema}import", "{http://www.w3.org/2001/XMLSchema}include"):
            if ref.get("schemaLocation"):
                todo.append((xsd.parent / ref.get("schemaLocation")).resolve())
    return etree.XMLSchema(etree.parse(str(root))), frozenset(namespaces)


def problems(path: Path | str) -> list[str]:
    """Everything in the package at ``path`` that Excel would refuse or repair, one line each."""
    out: list[str] = []
    with zipfile.ZipFile(path) as zf:
        package = Package(zf, out)
        package.check_parts()
        package.check_sheets()
    return out


def assert_opens_in_excel(path: Path | str) -> None:
    found = problems(path)
    assert not found, f"{path}: {len(found)} problems, e.g.\n" + "\n".join(found[:30])


class Package:
    """The parts of one package, parsed once, and the checks over them."""

    def __init__(self, zf: zipfile.ZipFile, out: list[str]) -> None:
        self.zf, self.out = zf, out
        self.names = [n for n in zf.namelist() if not n.endswith("/")]
        self.trees: dict[str, etree._Element] = {}
        for name in self.names:
            if name.endswith((".xml", ".rels")):  # not .vml: Excel's own VML is not well-formed XML
                try:
                    self.trees[name] = etree.fromstring(zf.read(name), PARSER)
                except etree.XMLSyntaxError as exc:
                    out.append(f"{name}: not well-formed XML ({exc})")
        self.book_rels = self.relationships("xl/workbook.xml")

    # -- the package --------------------------------------------------------------------------

    def relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id -> (type, target part) of ``part`` (external targets left out)."""
        source = PurePosixPath(part)
        rels = self.trees.get(str(source.parent / "_rels" / f"{source.name}.rels"))
        out = {}
        for rel in rels.iter(f"{{{PKG_REL_NS}}}Relationship") if rels is not None else ():
            if rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target", "")
            resolved = target.lstrip("/") if target.startswith("/") else _normal(source.parent / target)
            out[rel.get("Id")] = (rel.get("Type"), resolved)
        return out

    def part_of(self, rel_type: str) -> str | None:
        return next((target for kind, target in self.book_rels.values() if kind == rel_type), None)

    def check_parts(self) -> None:
        types = self.trees.get("[Content_Types].xml")
        if types is None:
            self.out.append("[Content_Types].xml: missing")
            return
        defaults = {d.get("Extension", "").lower() for d in types.iter(f"{{{CT_NS}}}Default")}
        overrides = {o.get("PartName", "").lower() for o in types.iter(f"{{{CT_NS}}}Override")}
        lower = {n.lower() for n in self.names}
        for name in self.names:
            if name != "[Content_Types].xml" and f"/{name.lower()}" not in overrides and \
                    name.rsplit(".", 1)[-1].lower() not in defaults:
                self.out.append(f"{name}: no content type")
        for part in overrides:
            if part.lstrip("/") not in lower:
                self.out.append(f"[Content_Types].xml: an override for {part}, which the package does not hold")
        typed = {o.get("PartName", "").lower(): o.get("ContentType") for o in types.iter(f"{{{CT_NS}}}Override")}
        by_extension = {d.get("Extension", "").lower(): d.get("ContentType") for d in types.iter(f"{{{CT_NS}}}Default")}
        for rel_type, part in self.book_rels.values():
            wanted = CONTENT_TYPES.get(rel_type.rsplit("/", 1)[-1])
            found = typed.get(f"/{part.lower()}") or by_extension.get(part.rsplit(".", 1)[-1].lower())
            if wanted and part.lower() in lower and found != wanted:
                self.out.append(f"{part}: content type {found}, not the {wanted} its relationship needs")
        for name in self.names:
            if name.endswith(".rels"):
                source = PurePosixPath(name)
                owner = str(source.parent.parent / source.name.removesuffix(".rels"))
                ids = [r.get("Id") for r in self.trees.get(name, etree.Element("x"))]
                if len(ids) != len(set(ids)):
                    self.out.append(f"{name}: relationship ids repeat")
                for rid, (_, target) in self.relationships("" if owner == "." else owner).items():
                    if target.lower() not in lower:
                        self.out.append(f"{name}: {rid} points at {target}, which the package does not hold")
        understood = schema()[1]
        for name, root in self.trees.items():
            if etree.QName(root).namespace in understood:
                self.validate(name, root)
        self.check_rich_data()

    def validate(self, name: str, root) -> None:
        xsd = schema()[0]
        readable = compatible(root)
        if not xsd.validate(readable):
            errors = [f"{name}: line {e.line}: {e.message}" for e in xsd.error_log]
            self.out.extend(errors[:MAX_LISTED])

    # -- metadata and rich values --------------------------------------------------------------

    def metadata(self) -> etree._Element | None:
        part = self.part_of(METADATA_REL)
        return self.trees.get(part) if part else None

    def rich_part(self, kind: str) -> etree._Element | None:
        part = self.part_of(RD_REL + kind)
        return self.trees.get(part) if part else None

    def check_rich_data(self) -> None:
        metadata = self.metadata()
        if metadata is not None:
            for tag, child in (("metadataTypes", "metadataType"), ("futureMetadata", "bk"),
                               ("cellMetadata", "bk"), ("valueMetadata", "bk")):
                for element in metadata.findall(Q + tag):
                    held = len(element.findall(Q + child))
                    if element.get("count") is not None and int(element.get("count")) != held:
                        self.out.append(f"xl/metadata.xml: {tag} says count {element.get('count')}, holds {held}")
        structures, values = self.rich_part("rdRichValueStructure"), self.rich_part("rdRichValue")
        if values is None:
            return
        keys = [s.findall(RD + "k") for s in structures.findall(RD + "s")] if structures is not None else []
        for n, rv in enumerate(values.findall(RD + "rv")):
            s = int(rv.get("s", "-1"))
            if not 0 <= s < len(keys):
                self.out.append(f"rdrichvalue.xml: rich value {n} has structure {s}, which is not there")
            elif len(rv.findall(RD + "v")) != len(keys[s]):
                self.out.append(f"rdrichvalue.xml: rich value {n} has {len(rv.findall(RD + 'v'))} values for "
                                f"{len(keys[s])} keys")
        for root, child in ((values, "rv"), (structures, "s")):
            if root is not None and root.get("count") != str(len(root.findall(RD + child))):
                self.out.append(f"{etree.QName(root).localname}: count {root.get('count')} for "
                                f"{len(root.findall(RD + child))} entries")

    def block(self, kind: str, index: int):
        """``kind`` (cellMetadata, valueMetadata) block ``index`` (1-based, as ``cm`` and ``vm`` count): its
        metadata type's name and, for a rich value, (its structure, the rich value); or the problem, as text."""
        metadata = self.metadata()
        if metadata is None:
            return f"{kind} {index}, but the workbook has no metadata part"
        blocks = metadata.find(Q + kind)
        blocks = blocks.findall(Q + "bk") if blocks is not None else []
        if not 1 <= index <= len(blocks):
            return f"{kind} {index}, but xl/metadata.xml has {len(blocks)}"
        rc = blocks[index - 1].find(Q + "rc")
        types = [t.get("name") for t in metadata.iterfind(f"{Q}metadataTypes/{Q}metadataType")]
        t, v = int(rc.get("t")), int(rc.get("v"))
        if not 1 <= t <= len(types):
            return f"{kind} {index} has type {t}, but there are {len(types)} metadata types"
        name = types[t - 1]
        future = next((f for f in metadata.findall(Q + "futureMetadata") if f.get("name") == name), None)
        if future is None or not 0 <= v < len(future.findall(Q + "bk")):
            return f"{kind} {index} points at {name} block {v}, which is not there"
        if name != "XLRICHVALUE":
            return name, None
        rvb = future.findall(Q + "bk")[v].find(f".//{RD}rvb")
        values, structures = self.rich_part("rdRichValue"), self.rich_part("rdRichValueStructure")
        if rvb is None or values is None or structures is None:
            return f"{kind} {index} is a rich value, but the rich value parts are not there"
        rvs = values.findall(RD + "rv")
        i = int(rvb.get("i"))
        if not 0 <= i < len(rvs):
            return f"{kind} {index} points at rich value {i}, which is not there"
        s = int(rvs[i].get("s"))
        found = structures.findall(RD + "s")
        return name, (found[s] if 0 <= s < len(found) else None, rvs[i])

    # -- sheets ----------------------------------------------------------------------------------

    def sheets(self) -> dict[str, str]:
        """Sheet id -> its part, in workbook order."""
        book = self.trees.get("xl/workbook.xml")
        out = {}
        for sheet in book.iter(f"{Q}sheet") if book is not None else ():
            rel = self.book_rels.get(sheet.get(f"{{{REL_NS}}}id"))
            if rel is None:
                self.out.append(f"xl/workbook.xml: sheet {sheet.get('name')!r} has no relationship")
            else:
                out[sheet.get("sheetId")] = rel[1]
        return out

    def check_sheets(self) -> None:
        strings = self.shared_strings()
        checked: dict[str, tuple[set[str], list[str]]] = {}  # sheet id -> its formula cells, its arrays' ranges
        for sheet_id, part in self.sheets().items():
            root = self.trees.get(part)
            if root is not None and root.tag == Q + "worksheet":
                check = SheetCheck(self, part, strings)
                checked[sheet_id] = (check.run(root), check.in_arrays)
        chain = self.trees.get(self.part_of(
            "http://schemas.openxmlformats.org/officeDocument/2006/relationships/calcChain") or "")
        listed, sheet = 0, None
        for c in chain.iter(f"{Q}c") if chain is not None else ():
            sheet = c.get("i") or sheet  # an entry without i is on the sheet of the one before
            formulas, arrays = checked.get(sheet, (None, []))
            address = c.get("r")
            if formulas is not None and address not in formulas and not any(_inside(address, a) for a in arrays):
                listed += 1
                if listed <= MAX_LISTED:
                    self.out.append(f"calcChain.xml: cell {address} of sheet {sheet} holds no formula")

    def shared_strings(self) -> list[str]:
        part = self.part_of("http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings")
        root = self.trees.get(part) if part else None
        if root is None:
            return []
        out = []
        for n, si in enumerate(root.findall(Q + "si")):
            text = unescape_text("".join(t.text or "" for t in si.iter(Q + "t") if t.getparent().tag != Q + "rPh"))
            if len(text) > TEXT_LIMIT:
                self.out.append(f"{part}: string {n} has {len(text):,} characters (a cell holds {TEXT_LIMIT:,})")
            out.append(text)
        return out


class SheetCheck:
    """Excel's cell rules over one worksheet part."""

    def __init__(self, package: Package, part: str, strings: list[str]) -> None:
        self.package, self.part, self.strings = package, part, strings
        self.listed: dict[str, int] = {}
        self.in_arrays: list[str] = []  # the ranges of the sheet's array formulas

    def say(self, kind: str, message: str) -> None:
        self.listed[kind] = self.listed.get(kind, 0) + 1
        if self.listed[kind] <= MAX_LISTED:
            self.package.out.append(f"{self.part}: {message}")

    def run(self, root) -> set[str]:
        """Check every cell; the addresses of the cells holding a formula."""
        formulas: set[str] = set()
        texts: set[str] = set()  # the cells with a formula of their own (an array's other cells may hold <f/>)
        masters: dict[str, tuple[str, str]] = {}  # si -> master cell, its range
        sharing: list[tuple[str, str]] = []  # (cell, si) of the cells using a master's formula
        arrays: list[tuple[str, str]] = []  # (anchor, range)
        last_row = 0
        for row in root.iterfind(f"{Q}sheetData/{Q}row"):
            r = int(row.get("r", last_row + 1))
            if r <= last_row:
                self.say("row order", f"row {r} comes after row {last_row}")
            last_row, last_col = r, 0
            for c in row.iterfind(Q + "c"):
                address = c.get("r")
                if address is None:
                    last_col += 1
                    continue
                cell_row, col = split_address(address)
                if cell_row != r:
                    self.say("cell row", f"{address} is inside row {r}")
                if col <= last_col:
                    self.say("cell order", f"{address} comes after a cell to its right in row {r}")
                last_col = col
                f = c.find(Q + "f")
                if f is not None:
                    formulas.add(address)
                    if f.text or f.get("t"):
                        texts.add(address)
                    self.formula(address, f, masters, sharing, arrays)
                self.value(address, c)
                self.metadata(address, c, f)
        for address, si in sharing:
            master = masters.get(si)
            if master is None:
                self.say("shared", f"{address} shares formula {si}, which has no master")
            elif not _inside(address, master[1]):
                self.say("shared", f"{address} shares formula {si}, outside its master's range {master[1]}")
        for anchor, ref in arrays:  # an array's other cells hold at most an empty <f> (Excel's ca="1" flag)
            for address in _cells(ref) if _size(ref) < len(texts) else texts:
                if address != anchor and address in texts and _inside(address, ref):
                    self.say("array", f"{address} has a formula inside the array {ref} of {anchor}")
            self.in_arrays.append(ref)
        return formulas

    def formula(self, address: str, f, masters, sharing, arrays) -> None:
        kind, ref = f.get("t", "normal"), f.get("ref")
        if kind == "shared":
            if f.get("si") is None:
                self.say("shared", f"{address}: a shared formula without si")
            elif f.text:
                if ref is None or not _inside(address, ref):
                    self.say("shared", f"{address}: the master of shared formula {f.get('si')} has range {ref}")
                masters[f.get("si")] = (address, ref or address)
            else:
                sharing.append((address, f.get("si")))
        elif kind in ("array", "dataTable"):
            if ref is None or ref.split(":")[0].replace("$", "") != address:
                self.say("anchor", f"{address}: its {kind} formula's range {ref} does not start at it")
            else:
                arrays.append((address, ref))

    def value(self, address: str, c) -> None:
        kind = c.get("t", "n")
        v = c.find(Q + "v")
        text = (v.text or "") if v is not None else None
        if kind == "inlineStr":
            text = "".join(t.text or "" for t in c.iterfind(f"{Q}is//{Q}t"))
        if text is None:
            if kind in ("e", "b", "s"):
                self.say("value", f"{address}: type {kind} without a value")
            return
        if kind == "e" and text not in EXCEL_ERRORS:
            self.say("error", f"{address}: error {text!r} is not one Excel reads from a cell")
        elif kind == "n" and not (NUMBER.fullmatch(text.strip()) and math.isfinite(float(text))):
            self.say("number", f"{address}: {text[:40]!r} is not a finite number")
        elif kind == "b" and text not in ("0", "1"):
            self.say("boolean", f"{address}: {text!r} is not a boolean")
        elif kind == "s" and not (text.isdigit() and int(text) < len(self.strings)):
            self.say("string", f"{address}: shared string {text!r} is not there")
        elif kind in ("str", "inlineStr") and len(unescape_text(text)) > TEXT_LIMIT:
            length = len(unescape_text(text))
            self.say("text", f"{address}: text of {length:,} characters (a cell holds {TEXT_LIMIT:,})")

    def metadata(self, address: str, c, f) -> None:
        cm, vm = c.get("cm"), c.get("vm")
        if cm is not None:
            found = self.package.block("cellMetadata", int(cm))
            if isinstance(found, str):
                self.say("cm", f"{address}: cm points at {found}")
            elif f is None or f.get("t") != "array":
                self.say("cm", f"{address}: cm {cm} ({found[0]}) on a cell without an array formula")
        if vm is not None:
            found = self.package.block("valueMetadata", int(vm))
            if isinstance(found, str):
                self.say("vm", f"{address}: vm points at {found}")
            elif found[1] is not None:
                structure, rv = found[1]
                if structure is None:
                    self.say("vm", f"{address}: vm {vm}'s rich value has no structure")
                elif structure.get("t") == "_error":
                    v = c.find(Q + "v")
                    if c.get("t") != "e" or v is None or v.text != "#VALUE!":
                        self.say("vm", f"{address}: a rich error behind a cell that does not hold #VALUE!")
                    keys = [k.get("n") for k in structure.findall(RD + "k")]
                    error_type = rv.findall(RD + "v")[keys.index("errorType")].text if "errorType" in keys else None
                    if not (error_type or "").isdigit():
                        self.say("vm", f"{address}: a rich error without an errorType")


def compatible(root) -> etree._Element:
    """A copy of ``root`` as a reader of only the schemas' namespaces sees it (ISO/IEC 29500-3)."""
    copy = etree.fromstring(etree.tostring(root), PARSER)
    _understand(copy, frozenset())
    return copy


def _understand(element, ignorable: frozenset[str]) -> None:
    """Drop what a reader of the schemas' namespaces ignores, in place.

    Also: ``xml:space`` and ``xml:lang`` belong to XML itself (XML 1.0, 2.10 and 2.12), which the
    schemas do not declare; an extension's content (``<ext uri>``, read by the applications that
    know its uri) is the extension's own, and the schema's ``CT_Extension`` takes one element:
    the first is kept for it.
    """
    declared = element.get(f"{{{MC}}}Ignorable")
    if declared:
        ignorable = ignorable | {element.nsmap.get(prefix) for prefix in declared.split()}
    for name in list(element.attrib):
        namespace = etree.QName(name).namespace
        if namespace in (MC, XML_NS) or namespace in ignorable:
            del element.attrib[name]
    if etree.QName(element).localname == "ext":
        for extra in [c for c in element if isinstance(c.tag, str)][1:]:
            element.remove(extra)
        return
    for child in list(element):
        if not isinstance(child.tag, str):
            continue
        namespace = etree.QName(child).namespace
        if child.tag == f"{{{MC}}}AlternateContent":
            fallback = child.find(f"{{{MC}}}Fallback")
            at = element.index(child)
            element.remove(child)
            for n, taken in enumerate(list(fallback) if fallback is not None else []):
                element.insert(at + n, taken)
                _understand(taken, ignorable)
        elif namespace in ignorable:
            element.remove(child)
        else:
            _understand(child, ignorable)


def _inside(address: str, ref: str) -> bool:
    min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
    row, col = split_address(address)
    return min_row <= row <= max_row and min_col <= col <= max_col


def _size(ref: str) -> int:
    min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
    return (max_row - min_row + 1) * (max_col - min_col + 1)


def _cells(ref: str) -> list[str]:
    min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
    return [f"{get_column_letter(c)}{r}" for r in range(min_row, max_row + 1) for c in range(min_col, max_col + 1)]


def _normal(path: PurePosixPath) -> str:
    parts: list[str] = []
    for part in path.parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part not in (".", ""):
            parts.append(part)
    return "/".join(parts)
