"""Render a calculated workbook's sheet to PNG pages with LibreOffice, for a person to read.

LibreOffice does not know xlmodel's functions and recalculates files it did not write,
so the render copy has the computed values baked in (formulas removed) and every other
sheet hidden. LibreOffice prints it to PDF as the sheet's page setup says (its print area,
else its used range) and ``pdftoppm`` turns each page into a PNG: ``v.png``, ``v-2.png``, ...
The resolution makes 10-point text at the print scale at least ``TEXT_PX`` pixels high and a
page's long side at least ``PAGE_PX`` pixels. The template itself is never saved through
LibreOffice (it lower-cases unknown names).
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from lxml import etree

from xlmodel.calc import xlsxpatch
from xlmodel.calc.engine import Calculation
from xlmodel.calc.print_scale import print_scale

TIMEOUT_S = 120
TEXT_PX = 12  # pixels for 10-point text
PAGE_PX = 1600  # pixels along a page's long side
INSTALL = "on Debian/Ubuntu: apt-get install libreoffice-calc-nogui poppler-utils fonts-crosextra-carlito"


class RenderUnavailable(RuntimeError):
    """LibreOffice or poppler's tools are not installed."""


def sheet_named(workbook: Path, name: str) -> str:
    """The workbook's sheet called ``name`` (in any case, as Excel matches names); else one line listing them."""
    with zipfile.ZipFile(workbook) as zf:
        names = list(xlsxpatch.sheet_parts(zf))
    found = [n for n in names if n.casefold() == name.casefold()]
    if not found:
        raise ValueError(f"no sheet named {name!r}; the sheets are: {', '.join(names)}")
    return found[0]


def page_path(out: Path, number: int) -> Path:
    """Where page ``number`` (1-based) of a render to ``out`` goes: ``out``, then ``out``-2, -3, ..."""
    return out if number == 1 else out.with_name(f"{out.stem}-{number}{out.suffix}")


def render_pages(calc: Calculation, workbook: Path, out: Path, sheet: str | None = None) -> list[Path]:
    """Write one PNG per printed page of ``sheet`` (default: the active sheet), with computed values."""
    office = _tool("soffice", "libreoffice")
    pdftoppm, pdfinfo = _tool("pdftoppm"), _tool("pdfinfo")
    with tempfile.TemporaryDirectory(prefix="xlmodel-render-") as tmp:
        baked = Path(tmp) / "render.xlsx"
        xlsxpatch.store_values(workbook, baked, calc.by_sheet(), bake=True, widen=calc.spills)
        kept = _show_only(baked, sheet)
        subprocess.run(
            [office, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp}/profile",
             "--convert-to", "pdf", "--outdir", tmp, str(baked)],
            check=True, capture_output=True, timeout=TIMEOUT_S,
        )
        pdf = Path(tmp) / "render.pdf"
        if not pdf.exists():
            raise RenderUnavailable("LibreOffice produced no PDF")
        width_pt, height_pt = _page_size(pdfinfo, pdf)
        scale = print_scale(baked, kept, width_pt, height_pt)
        dpi = math.ceil(max(PAGE_PX * 72 / max(width_pt, height_pt), TEXT_PX * 72 / (10 * scale)))
        subprocess.run([pdftoppm, "-png", "-r", str(dpi), str(pdf), str(Path(tmp) / "page")],
                       check=True, capture_output=True, timeout=TIMEOUT_S)
        pages = sorted(Path(tmp).glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        return [Path(shutil.move(str(page), page_path(out, i))) for i, page in enumerate(pages, start=1)]


def _tool(*names: str) -> str:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    raise RenderUnavailable(f"{names[0]} is not installed; {INSTALL}")


def _page_size(pdfinfo: str, pdf: Path) -> tuple[float, float]:
    """The first page's width and height in points."""
    info = subprocess.run([pdfinfo, str(pdf)], check=True, capture_output=True, text=True, timeout=TIMEOUT_S)
    match = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info.stdout)
    if not match:
        raise RenderUnavailable("pdfinfo gave no page size")
    return float(match.group(1)), float(match.group(2))


def _show_only(path: Path, sheet: str | None) -> str:
    """Hide every sheet but ``sheet`` (or the active one) so the PDF holds only its pages; return its name."""
    with zipfile.ZipFile(path) as zf:
        book = etree.fromstring(zf.read("xl/workbook.xml"), xlsxpatch.PARSER)
        items = [(i, zf.read(i.filename)) for i in zf.infolist()]
    q = xlsxpatch.Q
    sheets = list(book.iter(f"{q}sheet"))
    view = book.find(f"{q}bookViews/{q}workbookView")
    active = int(view.get("activeTab", "0")) if view is not None else 0
    keep = sheet or sheets[active].get("name")
    if keep not in [s.get("name") for s in sheets]:
        raise ValueError(f"no sheet named {keep!r}")
    kept = [s.get("name") for s in sheets].index(keep)
    for i, s in enumerate(sheets):
        if i == kept:
            s.attrib.pop("state", None)
            if view is not None:
                view.set("activeTab", str(i))
                view.set("firstSheet", str(i))
        else:
            s.set("state", "hidden")
    for name in list(book.iter(f"{q}definedName")):  # LibreOffice prints a hidden sheet that has a print area
        if name.get("name", "").startswith("_xlnm.Print") and name.get("localSheetId") not in (None, str(kept)):
            name.getparent().remove(name)
    data = etree.tostring(book, xml_declaration=True, encoding="UTF-8", standalone=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, content in items:
            zf.writestr(info, data if info.filename == "xl/workbook.xml" else content)
    return keep
