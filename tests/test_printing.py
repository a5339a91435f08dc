"""The template's model sheets print their model block: landscape, one page wide, titles on every page."""

from __future__ import annotations

import zipfile

from lxml import etree

from xlmodel.calc.formula_text import range_boundaries
from xlmodel.calc.print_scale import drawing_ends, used_block
from xlmodel.calc.xlsxpatch import PARSER, Q, sheet_parts
from xlmodel.template.builder import MODEL_SHEETS
from xlmodel.template.printing import PRINT_SETUP


def defined(book, name: str) -> dict[str, str]:
    sheets = list(sheet_parts(book))
    root = etree.fromstring(book.read("xl/workbook.xml"), PARSER)
    return {sheets[int(d.get("localSheetId"))]: d.text for d in root.iter(f"{Q}definedName") if d.get("name") == name}


def test_every_model_sheet_has_a_print_setup():
    assert set(PRINT_SETUP) == {"Inputs", *MODEL_SHEETS}


def test_each_prints_its_block_landscape_one_page_wide_with_its_title_rows(template):
    with zipfile.ZipFile(template) as book:
        areas, titles, parts = defined(book, "_xlnm.Print_Area"), defined(book, "_xlnm.Print_Titles"), sheet_parts(book)
        for name, setup in PRINT_SETUP.items():
            sheet, _, area = areas[name].rpartition("!")
            root = etree.fromstring(book.read(parts[name]), PARSER)
            first, top, last, bottom = range_boundaries(setup.block)
            if bottom is None:  # columns: down to the last row with a cell or a chart
                top, bottom = 1, used_block(book, parts[name], root).last_row
            assert (sheet, range_boundaries(area.replace("$", ""))) == (name, (first, top, last, bottom))
            top, bottom = setup.title_rows.split(":")
            assert titles[name] == f"{name}!${top}:${bottom}"
            page = root.find(f"{Q}pageSetup")
            assert page.get("orientation") == "landscape" and page.get("fitToHeight") == "0"
            assert page.get("fitToWidth", "1") == "1"
            assert root.find(f"{Q}sheetPr/{Q}pageSetUpPr").get("fitToPage") == "1"


def test_openpyxl_reads_the_print_areas(template):
    import warnings

    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # openpyxl warns and drops a print area it cannot read
        book = openpyxl.load_workbook(template, read_only=True)
        book.close()


def test_no_chart_is_cut_by_a_print_area(template):
    with zipfile.ZipFile(template) as book:
        parts = sheet_parts(book)
        charts = {name: drawing_ends(book, parts[name]) for name in PRINT_SETUP}
    assert sum(map(len, charts.values())) >= 6  # Mining, Colocation, Bridge and Scenarios' four
    for name, ends in charts.items():
        last_col = range_boundaries(PRINT_SETUP[name].block)[2]
        assert all(col <= last_col for col, _ in ends), (name, PRINT_SETUP[name].block, ends)


def test_a_block_is_columns_down_to_the_last_row_or_a_fixed_range(tmp_path):
    import xlsxwriter

    from xlmodel.template.printing import PrintSetup, set_up_printing

    wb = xlsxwriter.Workbook(str(tmp_path / "p.xlsx"))
    sheets = {name: wb.add_worksheet(name) for name in ("Grows", "Summary")}
    for ws in sheets.values():
        for r in range(500):  # a summary above a long column, as a sheet of trials has
            ws.write_number(r, 0, r)
    chart = wb.add_chart({"type": "line"})
    chart.add_series({"values": ["Grows", 0, 0, 9, 0]})
    sheets["Grows"].insert_chart(495, 1, chart)  # 15 rows tall: below the last cell
    set_up_printing(sheets, {"Grows": PrintSetup("A:J", "1:2"), "Summary": PrintSetup("A1:D17", "1:1")})
    wb.close()
    with zipfile.ZipFile(tmp_path / "p.xlsx") as book:
        areas = defined(book, "_xlnm.Print_Area")
    assert areas == {"Grows": "Grows!$A$1:$J$510", "Summary": "Summary!$A$1:$D$17"}
