"""`xlmodel calc --render`: the print scale read from the page setup, pages as PNGs sharp enough to read.

The expected print scales are LibreOffice 7.4's, measured in the PDFs it printed of these books
(Carlito for Calibri): a 10-point word's box is 13.0 pt tall at 100%, and was 10.67 pt (82%) on
Letter, 11.45 pt (88%) on A4 and 5.85 pt (45%) for the sixteen-column book.
"""

from __future__ import annotations

import shutil
import struct

import pytest
import xlsxwriter
from typer.testing import CliRunner

from xlmodel.calc import engine
from xlmodel.calc.print_scale import print_scale
from xlmodel.calc.render import page_path, render_pages, sheet_named
from xlmodel.cli import app

LETTER, A4 = (792.0, 612.0), (841.89, 595.304)  # landscape, points
HAS_OFFICE = bool((shutil.which("soffice") or shutil.which("libreoffice")) and shutil.which("pdftoppm"))
needs_office = pytest.mark.skipif(not HAS_OFFICE, reason="LibreOffice and poppler render the pages (apt-get install "
                                  "libreoffice-calc-nogui poppler-utils fonts-crosextra-carlito)")


def wide_book(path, columns=8, rows=150, area=True, fit=True, scale=None, paper=None, chart=False):
    """A label column 40 wide, ``columns - 1`` number columns 15 wide, then a note column 200 wide."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Wide")
    fmt = wb.add_format({"font_size": 10, "font_name": "Calibri"})
    ws.set_column(0, 0, 40)
    ws.set_column(1, columns - 1, 15)
    ws.set_column(columns, columns, 200)
    for r in range(rows):
        ws.write_string(r, 0, f"row {r} label", fmt)
        for c in range(1, columns):
            ws.write_formula(r, c, f"={r}*1000+{c}", fmt)
        ws.write_string(r, columns, "a long note " * 20, fmt)
    if area:
        ws.print_area(0, 0, 1_048_575, columns - 1)
    ws.repeat_rows(0)
    ws.set_landscape()
    if paper:
        ws.set_paper(paper)
    if fit:
        ws.fit_to_pages(1, 0)
    if scale:
        ws.set_print_scale(scale)
    if chart:
        line = wb.add_chart({"type": "line"})
        line.add_series({"values": ["Wide", 0, 1, 9, 1]})
        ws.insert_chart(2, columns + 2, line)  # right of the notes
    wb.close()
    return path


@pytest.mark.parametrize(("options", "page", "expected"), [
    ({}, LETTER, 0.82),
    ({"paper": 9}, A4, 0.88),
    ({"columns": 16, "rows": 100}, LETTER, 0.45),
    ({"fit": False, "scale": 70}, LETTER, 0.70),  # a fixed percentage
])
def test_the_print_scale_is_the_one_libreoffice_prints_at(tmp_path, options, page, expected):
    assert print_scale(wide_book(tmp_path / "w.xlsx", **options), "Wide", *page) == expected


def test_without_a_print_area_the_used_range_and_its_charts_are_printed(tmp_path):
    with_notes = print_scale(wide_book(tmp_path / "a.xlsx", area=False), "Wide", *LETTER)
    with_chart = print_scale(wide_book(tmp_path / "b.xlsx", area=False, chart=True), "Wide", *LETTER)
    width = lambda scale: (792 - 2 * 0.7 * 72) / scale  # the printed width in points at natural size
    assert width(with_notes) > (40.71 + 7 * 15.71 + 200.71) * 5.5  # the note column is printed
    assert width(with_chart) > width(with_notes) + 480 * 0.75 * 0.9  # and the 480-pixel chart beside it


def test_a_sheet_is_found_in_any_case_and_a_wrong_name_lists_the_sheets(template):
    assert sheet_named(template, "valuation") == "Valuation"
    with pytest.raises(ValueError, match=r"^no sheet named 'Valuations'; the sheets are: README, Inputs, Mining"):
        sheet_named(template, "Valuations")


def test_a_wrong_sheet_is_one_line_before_any_calculation(template, tmp_path):
    out = tmp_path / "c.xlsx"
    result = CliRunner().invoke(app, ["calc", str(template), "-o", str(out), "--render", str(tmp_path / "v.png"),
                                      "--sheet", "Nope"])
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1, result.output
    assert "no sheet named 'Nope'; the sheets are: README, Inputs" in result.output and "Scenarios" in result.output
    assert not out.exists()  # nothing calculated, nothing written
    result = CliRunner().invoke(app, ["calc", str(template), "-o", str(out), "--sheet", "Valuation"])
    assert result.exit_code == 2 and "give --render too" in result.output and not out.exists()


def test_pages_are_named_after_the_first():
    from pathlib import Path

    assert [page_path(Path("out/v.png"), n).as_posix() for n in (1, 2, 10)] == ["out/v.png", "out/v-2.png",
                                                                               "out/v-10.png"]


def png_size(path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@needs_office
def test_each_printed_page_is_a_png_where_ten_point_text_is_twelve_pixels(tmp_path):
    book = wide_book(tmp_path / "w.xlsx", columns=16, rows=100)  # LibreOffice: 2 pages at 45%
    pages = render_pages(engine.calculate(book), book, tmp_path / "v.png", "Wide")
    assert pages == [tmp_path / "v.png", tmp_path / "v-2.png"] and not (tmp_path / "v-3.png").exists()
    for page in pages:
        width, height = png_size(page)
        assert width > height  # landscape
        assert width >= 11 * 12 * 72 / (10 * 0.45)  # 10 pt at 45% is 12 px: 2,112 px over 11 inches


@needs_office
def test_without_a_print_area_the_used_range_is_drawn_at_the_same_rule(tmp_path):
    book = wide_book(tmp_path / "w.xlsx", rows=40, area=False, fit=False)  # at 100%, spread over pages
    pages = render_pages(engine.calculate(book), book, tmp_path / "u.png", "Wide")
    assert len(pages) >= 2
    assert all(max(png_size(p)) >= 1600 for p in pages)
