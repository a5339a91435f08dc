"""Render a calculated workbook's sheet to PNG with LibreOffice, for a person to look at.

LibreOffice does not know xlmodel's functions and recalculates files it did not write,
so the render copy has the computed values baked in (formulas removed) and every other
sheet hidden; LibreOffice turns it into a PDF and ``pdftoppm`` the first page into PNG.
The template itself is never saved through LibreOffice (it lower-cases unknown names).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from lxml import etree

from xlmodel.calc import xlsxpatch
from xlmodel.calc.engine import Calculation

TIMEOUT_S = 120


class RenderUnavailable(RuntimeError):
    """LibreOffice or pdftoppm is not installed."""


def _tool(*names: str) -> str:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    raise RenderUnavailable(
        f"{names[0]} is not installed; on Debian/Ubuntu: apt-get install libreoffice-calc-nogui poppler-utils"
    )


def render_png(calc: Calculation, workbook: Path, out: Path, sheet: str | None = None) -> Path:
    """Write a PNG of ``sheet`` (default: the workbook's active sheet) with computed values."""
    office = _tool("soffice", "libreoffice")
    pdftoppm = _tool("pdftoppm")
    with tempfile.TemporaryDirectory(prefix="xlmodel-render-") as tmp:
        baked = Path(tmp) / "render.xlsx"
        xlsxpatch.store_values(workbook, baked, calc.by_sheet(), bake=True, widen=calc.spills)
        _show_only(baked, sheet)
        subprocess.run(
            [office, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp}/profile",
             "--convert-to", "pdf", "--outdir", tmp, str(baked)],
            check=True, capture_output=True, timeout=TIMEOUT_S,
        )
        pdf = Path(tmp) / "render.pdf"
        if not pdf.exists():
            raise RenderUnavailable("LibreOffice produced no PDF")
        stem = Path(tmp) / "page"
        subprocess.run([pdftoppm, "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)],
                       check=True, capture_output=True, timeout=TIMEOUT_S)
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(stem.with_suffix(".png")), out)
    return out


def _show_only(path: Path, sheet: str | None) -> None:
    """Hide every sheet but ``sheet`` (or the active one) so the PDF starts with it."""
    import zipfile

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
