"""Rebuild docs/img/ from the template: the pages of the sheets the README shows.

    .venv/bin/python scripts/docs_images.py

Builds the template from code into a temporary folder, types ``TICKER`` into ``model_ticker`` (a
company whose every part computes from its own sourced figures, so the pictures show a whole
valuation), recalculates it once, and draws each
sheet of ``SHEETS`` as ``xlmodel calc --render`` does (one PNG per printed page:
``valuation.png``, ``valuation-2.png``, ...). A sheet the template does not have is skipped with
a line. Each PNG is then made smaller with pngquant (256 colours) and optipng when they are
installed (``apt-get install pngquant optipng``). Needs LibreOffice, poppler and Carlito, as
``--render`` does. A script, not an ``xlmodel`` command: it writes into this repository's docs,
which an analyst's install has no use for.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from xlmodel.calc import engine, typed_inputs
from xlmodel.calc.render import render_pages, sheet_named
from xlmodel.template.builder import build_template

SHEETS = ("Valuation", "Coverage", "Scenarios", "Peers")
TICKER = "WULF"
OUT = Path(__file__).resolve().parents[1] / "docs" / "img"


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="xlmodel-docs-") as tmp:
        built = build_template(Path(tmp) / "built.xlsx")
        book = Path(tmp) / "miner_model.xlsx"
        typed_inputs.set_inputs(built, book, {"model_ticker": TICKER})
        calc = engine.calculate(book, checked=True)
        for sheet in SHEETS:
            try:
                sheet_named(book, sheet)
            except ValueError:
                print(f"skipped {sheet}: the template has no such sheet")
                continue
            stem = sheet.lower()
            for old in OUT.glob(f"{stem}*.png"):
                if re.fullmatch(rf"{stem}(-\d+)?\.png", old.name):
                    old.unlink()
            for page in render_pages(calc, book, OUT / f"{stem}.png", sheet):
                shrink(page)
                print(f"wrote {page.relative_to(OUT.parents[1])} ({page.stat().st_size // 1024} KB)")
    return 0


def shrink(png: Path) -> None:
    """Fewer colours, then the smallest lossless encoding; each step only when its tool is installed."""
    if shutil.which("pngquant"):
        subprocess.run(["pngquant", "--force", "--skip-if-larger", "--strip", "--quality", "60-95",
                        "--output", str(png), str(png)], check=False, capture_output=True)
    if shutil.which("optipng"):
        subprocess.run(["optipng", "-quiet", "-o2", "-strip", "all", str(png)], check=True, capture_output=True)


if __name__ == "__main__":
    sys.exit(main())
