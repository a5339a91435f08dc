"""Errors Excel stores as rich values (``#SPILL!``, ``#CALC!``), and the package parts that hold them.

Excel reads only eight error literals from a cell's ``<v>`` (:mod:`xlmodel.calc.cell_values`).
For ``#SPILL!`` and ``#CALC!`` it writes ``<c t="e" vm="N"><v>#VALUE!</v></c>``: ``vm`` is the
1-based index of a ``valueMetadata`` block in ``xl/metadata.xml`` (ECMA-376 Part 1, 18.9),
whose record points (``rc t``: the ``XLRICHVALUE`` metadata type, ``v``: a block of the
``XLRICHVALUE`` future metadata) at ``<xlrd:rvb i>``, a rich value in
``xl/richData/rdrichvalue.xml`` ([MS-XLSX] 2.6.175 CT_RichValue) whose structure in
``xl/richData/rdrichvaluestructure.xml`` is ``_error``. Excel writes
``xl/richData/rdRichValueTypes.xml`` (the reserved keys' flags) beside them. The parts, their
relationships from the workbook, their content types and the metadata's attributes are written
as Excel writes them, the way rust_xlsxwriter (``metadata.rs``, ``rich_value*.rs``) and
XlsxWriter (``packager.py``, ``contenttypes.py``, ``relationships.py``) write them for an image
in a cell, which Excel stores the same way.

A package that has these parts already (a book Excel saved with such errors, or with images in
cells) keeps every record it has: new ones are appended, so the ``vm`` of each cell left
untouched still points where it did.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from lxml import etree

from xlmodel.calc.cell_values import EXCEL_ERRORS

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RD_NS = "http://schemas.microsoft.com/office/spreadsheetml/2017/richdata"
RD2_NS = "http://schemas.microsoft.com/office/spreadsheetml/2017/richdata2"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
M, RD = f"{{{NS}}}", f"{{{RD_NS}}}"
RICH_VALUE_EXT = "{3e2802c4-a4d2-4d8b-9148-e3be6c30e623}"  # the futureMetadata extension of a rich value block
METADATA_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sheetMetadata"
RD_REL = "http://schemas.microsoft.com/office/2017/06/relationships/"
PARTS = {  # relationship type -> (the part Excel names, its content type)
    METADATA_REL: ("xl/metadata.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheetMetadata+xml"),
    RD_REL + "rdRichValue": ("xl/richData/rdrichvalue.xml", "application/vnd.ms-excel.rdrichvalue+xml"),
    RD_REL + "rdRichValueStructure": ("xl/richData/rdrichvaluestructure.xml",
                                      "application/vnd.ms-excel.rdrichvaluestructure+xml"),
    RD_REL + "rdRichValueTypes": ("xl/richData/rdRichValueTypes.xml", "application/vnd.ms-excel.rdrichvaluetypes+xml"),
}
# the metadata type's flags as Excel writes XLRICHVALUE
RICH_TYPE_FLAGS = ("copy", "pasteAll", "pasteValues", "merge", "splitFirst", "rowColShift", "clearFormats",
                   "clearComments", "assign", "coerce")
# rdRichValueTypes.xml's reserved keys and their flags, as Excel writes them
KEY_FLAGS = (("_Self", ("ExcludeFromFile", "ExcludeFromCalcComparison")), ("_DisplayString", ()), ("_Flags", ()),
             ("_Format", ()), ("_SubLabel", ()), ("_Attribution", ()), ("_Icon", ()), ("_Display", ()),
             ("_CanonicalPropertyNames", ()), ("_ClassificationId", ()))
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)

ERROR_TYPES = {"#SPILL!": 8, "#CALC!": 13}  # the _error structure's errorType (see excel_errors)
STAND_INS = {"#N/IMPL!": "#NAME?"}  # what the copy holds for an error Excel does not have (else #VALUE!)


@dataclass(frozen=True)
class RichError:
    """The rich value Excel writes for a ``#SPILL!`` or ``#CALC!`` (the cell's ``<v>`` holds ``#VALUE!``)."""

    code: str
    sub_type: int = 0
    offset: tuple[int, int] | None = None  # (rows, columns) from a blocked spill's formula to what is in the way

    @property
    def keys(self) -> tuple[tuple[str, str], ...]:
        """The ``_error`` structure's keys, name and type, in Excel's order."""
        if self.offset is None:
            return (("errorType", "i"), ("subType", "i"))
        return (("colOffset", "i"), ("errorType", "i"), ("rwOffset", "i"), ("subType", "i"))

    @property
    def values(self) -> tuple[str, ...]:
        """The rich value's ``<v>`` texts, one a key."""
        error_type = str(ERROR_TYPES[self.code])
        if self.offset is None:
            return error_type, str(self.sub_type)
        return str(self.offset[1]), error_type, str(self.offset[0]), str(self.sub_type)


def stored_error(code: str, detail: object = None) -> tuple[str, RichError | None]:
    """The literal a cell's ``<v>`` holds for the error ``code``, and the rich value beside it (None for none)."""
    if code in EXCEL_ERRORS:
        return code, None
    if code in ERROR_TYPES:
        return "#VALUE!", detail if isinstance(detail, RichError) else RichError(code)
    return STAND_INS.get(code, "#VALUE!"), None


def add_errors(zf: zipfile.ZipFile, records: set[RichError]) -> tuple[dict[RichError, int], dict[str, bytes]]:
    """The ``vm`` of each record, and the package parts to write (new or edited) that hold them.

    ``zf``: the package the copy is made from (read, not changed).
    """
    names = set(zf.namelist())
    rels = _parse(zf.read("xl/_rels/workbook.xml.rels"))
    types = _parse(zf.read("[Content_Types].xml"))
    found = {r.get("Type"): _target(r.get("Target")) for r in rels.iter(f"{{{PKG_REL_NS}}}Relationship")}
    paths: dict[str, str] = {}
    for rel_type, (default, content_type) in PARTS.items():
        path = found.get(rel_type)
        if path is None or path not in names:
            path = default
            _relate(rels, rel_type, PurePosixPath(path).relative_to("xl").as_posix())
            _declare(types, path, content_type)
        paths[rel_type] = path
    read = {rel: _parse(zf.read(path)) if path in names else None for rel, path in paths.items()}
    structures = _existing(read[RD_REL + "rdRichValueStructure"], RD + "rvStructures", RD_NS)
    rich_values = _existing(read[RD_REL + "rdRichValue"], RD + "rvData", RD_NS)
    metadata = _existing(read[METADATA_REL], M + "metadata", NS)
    type_index, future = _rich_value_type(metadata)
    blocks = _child(metadata, "valueMetadata", before=("extLst",))
    vm_of = {}
    for record in sorted(records, key=repr):  # a stable order: the same book gives the same file
        rv = etree.SubElement(rich_values, RD + "rv", s=str(_structure(structures, record.keys)))
        for text in record.values:
            etree.SubElement(rv, RD + "v").text = text
        bk = etree.SubElement(future, M + "bk")
        ext = etree.SubElement(etree.SubElement(bk, M + "extLst"), M + "ext", uri=RICH_VALUE_EXT)
        etree.SubElement(ext, RD + "rvb", i=str(len(rich_values.findall(RD + "rv")) - 1))
        etree.SubElement(etree.SubElement(blocks, M + "bk"), M + "rc", t=str(type_index),
                         v=str(len(future.findall(M + "bk")) - 1))
        vm_of[record] = len(blocks.findall(M + "bk"))
    for element, child in ((structures, RD + "s"), (rich_values, RD + "rv"), (future, M + "bk"), (blocks, M + "bk")):
        element.set("count", str(len(element.findall(child))))
    etree.cleanup_namespaces(metadata, top_nsmap={"xlrd": RD_NS})  # one declaration on the root, as Excel has it
    out = {paths[METADATA_REL]: metadata, paths[RD_REL + "rdRichValue"]: rich_values,
           paths[RD_REL + "rdRichValueStructure"]: structures,
           "xl/_rels/workbook.xml.rels": rels, "[Content_Types].xml": types}
    if read[RD_REL + "rdRichValueTypes"] is None:
        out[paths[RD_REL + "rdRichValueTypes"]] = _value_types()
    return vm_of, {name: _bytes(root) for name, root in out.items()}


def _rich_value_type(metadata) -> tuple[int, etree._Element]:
    """The 1-based index of the XLRICHVALUE metadata type (added if missing) and its futureMetadata."""
    kinds = _child(metadata, "metadataTypes", before=("metadataStrings", "mdxMetadata", "futureMetadata",
                                                      "cellMetadata", "valueMetadata", "extLst"))
    names = [t.get("name") for t in kinds.findall(M + "metadataType")]
    if "XLRICHVALUE" not in names:
        etree.SubElement(kinds, M + "metadataType", name="XLRICHVALUE", minSupportedVersion="120000",
                         **dict.fromkeys(RICH_TYPE_FLAGS, "1"))
        names.append("XLRICHVALUE")
        kinds.set("count", str(len(names)))
    future = next((f for f in metadata.findall(M + "futureMetadata") if f.get("name") == "XLRICHVALUE"), None)
    if future is None:
        future = etree.Element(M + "futureMetadata", name="XLRICHVALUE", count="0")
        later = [c for c in metadata if c.tag in (M + "cellMetadata", M + "valueMetadata", M + "extLst")]
        (later[0].addprevious(future) if later else metadata.append(future))
    return names.index("XLRICHVALUE") + 1, future


def _child(parent, name: str, before: tuple[str, ...]):
    """``parent``'s child ``name``, made (empty, before the first of ``before``) when it has none."""
    found = parent.find(M + name)
    if found is None:
        found = etree.Element(M + name, count="0")
        later = [c for c in parent if c.tag in {M + b for b in before}]
        (later[0].addprevious(found) if later else parent.append(found))
    return found


def _structure(structures, keys: tuple[tuple[str, str], ...]) -> int:
    """The index of the ``_error`` structure with ``keys`` (added when there is none)."""
    found = structures.findall(RD + "s")
    for n, s in enumerate(found):
        if s.get("t") == "_error" and tuple((k.get("n"), k.get("t")) for k in s.findall(RD + "k")) == keys:
            return n
    s = etree.SubElement(structures, RD + "s", t="_error")
    for name, kind in keys:
        etree.SubElement(s, RD + "k", n=name, t=kind)
    return len(found)


def _value_types():
    root = etree.Element(f"{{{RD2_NS}}}rvTypesInfo", nsmap={None: RD2_NS})
    flags = etree.SubElement(etree.SubElement(root, f"{{{RD2_NS}}}global"), f"{{{RD2_NS}}}keyFlags")
    for key, extra in KEY_FLAGS:
        element = etree.SubElement(flags, f"{{{RD2_NS}}}key", name=key)
        for flag in extra or ("ExcludeFromCalcComparison",):
            etree.SubElement(element, f"{{{RD2_NS}}}flag", name=flag, value="1")
    return root


def _relate(rels, rel_type: str, target: str) -> None:
    ids = {r.get("Id") for r in rels}
    rid = next(f"rId{i}" for i in range(1, len(ids) + 2) if f"rId{i}" not in ids)
    etree.SubElement(rels, f"{{{PKG_REL_NS}}}Relationship", Id=rid, Type=rel_type, Target=target)


def _declare(types, path: str, content_type: str) -> None:
    if not any(o.get("PartName") == f"/{path}" for o in types.iter(f"{{{CT_NS}}}Override")):
        etree.SubElement(types, f"{{{CT_NS}}}Override", PartName=f"/{path}", ContentType=content_type)


def _target(target: str | None) -> str | None:
    if not target:
        return None
    return target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)


def _existing(root, tag: str, namespace: str):
    """The part's root as read, or a new empty one."""
    if root is not None:
        return root
    if namespace == NS:  # xl/metadata.xml
        return etree.Element(tag, nsmap={None: NS, "xlrd": RD_NS})
    return etree.Element(tag, nsmap={None: namespace}, count="0")


def _parse(data: bytes):
    return etree.fromstring(data, PARSER)


def _bytes(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
