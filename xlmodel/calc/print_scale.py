"""The scale a sheet prints at, read from its page setup, so a render can be sharp enough to read.

A sheet prints at its page setup's percentage, or, fitted to N pages wide (and M tall), at what
makes its printed columns (rows) fit the page's printable width (height), never above 100%.
The printed columns are the print area's, else the used range's and its charts'. Widths are
in characters of the default font, as the file stores them; ``CHAR_PT`` is one character in
points as LibreOffice lays it out (7.4, with Carlito standing in for Calibri 11: columns of
width 15.71 were 87.2 pt apart in its PDF).
"""

from __future__ import annotations

import math
import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from lxml import etree

from xlmodel.calc.formula_text import column_index_from_string, range_boundaries
from xlmodel.calc.xlsxpatch import PARSER, PKG_REL_NS, Q, sheet_parts

CHAR_PT = 5.55
DEFAULT_WIDTH = 8.43  # characters: Excel's column width when the file gives none
DEFAULT_HEIGHT_PT = 15.0
DEFAULT_MARGINS_IN = {"left": 0.7, "right": 0.7, "top": 0.75, "bottom": 0.75}  # Excel's "Normal"
DRAWING_NS = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"


@dataclass(frozen=True)
class Block:
    """The printed cells: 1-based first and last column and row."""

    first_col: int
    last_col: int
    first_row: int
    last_row: int


def print_scale(path: Path | str, sheet: str, page_w_pt: float, page_h_pt: float) -> float:
    """The fraction of natural size ``sheet`` prints at on a page of the given size (points)."""
    with zipfile.ZipFile(path) as zf:
        part = sheet_parts(zf)[sheet]
        root = etree.fromstring(zf.read(part), PARSER)
        block = printed_block(zf, sheet, part, root)
    setup = root.find(f"{Q}pageSetup")
    setup = {} if setup is None else dict(setup.attrib)
    fit = root.find(f"{Q}sheetPr/{Q}pageSetUpPr")
    if fit is None or fit.get("fitToPage") not in ("1", "true"):
        return int(setup.get("scale", "100")) / 100
    margins = root.find(f"{Q}pageMargins")
    margin = {k: float(margins.get(k, v)) * 72 if margins is not None else v * 72
              for k, v in DEFAULT_MARGINS_IN.items()}
    scale = 1.0
    pages_wide, pages_tall = int(setup.get("fitToWidth", "1")), int(setup.get("fitToHeight", "1"))
    if pages_wide:
        width = sum(column_widths(root, block.first_col, block.last_col)) * CHAR_PT
        scale = min(scale, pages_wide * (page_w_pt - margin["left"] - margin["right"]) / width)
    if pages_tall:
        height = sum(row_heights(root, block.first_row, block.last_row))
        scale = min(scale, pages_tall * (page_h_pt - margin["top"] - margin["bottom"]) / height)
    return max(math.floor(scale * 100) / 100, 0.1)  # whole percents, 10% at least, as spreadsheets print


def printed_block(zf: zipfile.ZipFile, sheet: str, part: str, root) -> Block:
    """The print area (the widest and tallest of several), whole rows or columns cut to the used range."""
    used = used_block(zf, part, root)
    areas = []
    book = etree.fromstring(zf.read("xl/workbook.xml"), PARSER)
    index = str(list(sheet_parts(zf)).index(sheet))
    for name in book.iter(f"{Q}definedName"):
        if name.get("name") == "_xlnm.Print_Area" and name.get("localSheetId") == index:
            areas += [range_boundaries(ref.rsplit("!", 1)[-1]) for ref in (name.text or "").split(",")]
    if not areas:
        return used
    cols = [(c0 or used.first_col, c1 or used.last_col) for c0, _, c1, _ in areas]
    rows = [(r0 or used.first_row, r1 or used.last_row) for _, r0, _, r1 in areas]
    first_col, last_col = max(cols, key=lambda c: c[1] - c[0])
    first_row, last_row = max(rows, key=lambda r: r[1] - r[0])
    return Block(first_col, last_col, first_row, min(last_row, used.last_row))


def used_block(zf: zipfile.ZipFile, part: str, root) -> Block:
    """The cells with content and the cells under the sheet's charts and pictures."""
    cols, rows = [1], [1]
    for cell in root.iter(f"{Q}c"):
        letters, number = re.match(r"([A-Z]+)(\d+)", cell.get("r", "A1")).groups()
        cols.append(column_index_from_string(letters))
        rows.append(int(number))
    for col, row in drawing_ends(zf, part):
        cols.append(col)
        rows.append(row)
    return Block(1, max(cols), 1, max(rows))


def drawing_ends(zf: zipfile.ZipFile, part: str) -> list[tuple[int, int]]:
    """The last column and row (1-based) each chart or picture of the sheet at ``part`` covers."""
    rels = PurePosixPath(part).parent / "_rels" / (PurePosixPath(part).name + ".rels")
    if str(rels) not in zf.namelist():
        return []
    ends = []
    for rel in etree.fromstring(zf.read(str(rels)), PARSER).iter(f"{{{PKG_REL_NS}}}Relationship"):
        drawing = posixpath.normpath(str(PurePosixPath(part).parent / rel.get("Target")))
        if not rel.get("Type", "").endswith("/drawing") or drawing not in zf.namelist():
            continue
        for to in etree.fromstring(zf.read(drawing), PARSER).iter(f"{{{DRAWING_NS}}}to"):
            col, col_off = int(to.findtext(f"{{{DRAWING_NS}}}col")), int(to.findtext(f"{{{DRAWING_NS}}}colOff"))
            row, row_off = int(to.findtext(f"{{{DRAWING_NS}}}row")), int(to.findtext(f"{{{DRAWING_NS}}}rowOff"))
            ends.append((col + (col_off > 0), row + (row_off > 0)))  # ending at a cell's edge: the one before
    return ends


def column_widths(root, first: int, last: int) -> list[float]:
    """Widths in characters of columns ``first`` to ``last`` (1-based), 0 for a hidden one."""
    fmt = root.find(f"{Q}sheetFormatPr")
    default = DEFAULT_WIDTH
    if fmt is not None and fmt.get("defaultColWidth"):
        default = float(fmt.get("defaultColWidth"))
    elif fmt is not None and fmt.get("baseColWidth"):
        default = float(fmt.get("baseColWidth")) + DEFAULT_WIDTH - 8
    widths = {}
    for col in root.iter(f"{Q}col"):
        width = 0.0 if col.get("hidden") in ("1", "true") else float(col.get("width", default))
        for c in range(int(col.get("min")), int(col.get("max")) + 1):
            widths[c] = width
    return [widths.get(c, default) for c in range(first, last + 1)]


def row_heights(root, first: int, last: int) -> list[float]:
    """Heights in points of rows ``first`` to ``last`` (1-based), 0 for a hidden one."""
    fmt = root.find(f"{Q}sheetFormatPr")
    default = float(fmt.get("defaultRowHeight", DEFAULT_HEIGHT_PT)) if fmt is not None else DEFAULT_HEIGHT_PT
    heights = {}
    for row in root.iter(f"{Q}row"):
        hidden = row.get("hidden") in ("1", "true")
        heights[int(row.get("r"))] = 0.0 if hidden else float(row.get("ht", default))
    return [heights.get(r, default) for r in range(first, last + 1)]
