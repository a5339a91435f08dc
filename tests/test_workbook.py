"""The template, the headless engine and the calculated copy."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import numpy as np
import openpyxl
import pytest
import xlsxwriter
from openpyxl.utils.cell import get_column_letter, range_boundaries
from openpyxl.worksheet.formula import ArrayFormula
from typer.testing import CliRunner
from workbook_helpers import operand_value, top_level_call, unguarded

from xlmodel.calc import engine
from xlmodel.cli import app
from xlmodel.core import mining
from xlmodel.excel import CellError, call, get
from xlmodel.template.builder import CONF_SHEET, SHEETS, UDF_MODULE, build_template
from xlmodel.template.inputs import ROW
from xlmodel.template.sourced import INPUTS

REPO = Path(__file__).resolve().parents[1]
COMMITTED = REPO / "workbooks" / "miner_model.xlsx"


def test_template_sheets_names_and_conf(template):
    book = openpyxl.load_workbook(template)
    assert book.sheetnames[: len(SHEETS)] == SHEETS
    for name in ("btc_price_usd", "difficulty", "efficiency_j_per_th", "power_usd_per_mwh",
                 "fleet_hashrate_ehs", "fees_btc_per_block", "hashprice_usd_per_ph_day", "power_cost_usd_per_btc"):
        assert name in book.defined_names, name
    conf = book[CONF_SHEET]
    assert conf["A1"].value == "UDF Modules" and conf["B1"].value == UDF_MODULE
    assert conf["A2"].value is None  # the add-in reads keys from A1 down with no gaps


def _blue(cell) -> bool:
    return cell.font.color is not None and str(cell.font.color.rgb).endswith("0000FF")


def test_inputs_are_blue_formulas_are_not_and_each_sourced_input_shows_its_source(template):
    """Blue on yellow is what the analyst types; a formula never is. Each company input shows, beside the value in
    use, its unit, the sourced figure, a blue override cell, its date, a flag and its source."""
    book = openpyxl.load_workbook(template)
    ws = book["Inputs"]
    scalars = 0
    for name, defn in book.defined_names.items():
        sheet, ref = next(iter(defn.destinations))
        if sheet != "Inputs" or name.startswith("_"):
            continue
        min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
        for row in ws.iter_rows(min_row=min_row, max_row=max_row, min_col=min_col, max_col=max_col):
            for cell in row:
                formula = isinstance(cell.value, str) and cell.value.startswith("=")
                assert _blue(cell) != formula, f"{name} {cell.coordinate}"
        if min_row == max_row and name not in ("model_ticker", "model_override_ticker", "model_missing",
                                               "model_stale", "btc_period_start", "btc_period_end"):
            scalars += 1
            assert ws.cell(min_row, 3).value and ws.cell(min_row, 4).value, name
    assert scalars >= 20
    for spec in INPUTS:
        r = ROW[spec.name] + 1
        assert ws[f"B{r}"].value.startswith("=") and not _blue(ws[f"B{r}"]), spec.name  # in use
        assert ws[f"D{r}"].value.startswith("=") and ws[f"E{r}"].value is None and _blue(ws[f"E{r}"]), spec.name
        assert ws[f"H{r}"].value.startswith("="), spec.name  # its source, looked up beside it


def test_rebuilding_gives_the_same_bytes(template, tmp_path):
    again = build_template(tmp_path / "again.xlsx")
    assert again.read_bytes() == template.read_bytes()


def test_committed_template_is_up_to_date(template):
    assert COMMITTED.read_bytes() == template.read_bytes(), "run: xlmodel template"


def test_every_function_is_known_with_the_right_number_of_arguments(template):
    from xlmodel.calc.excel_gaps import is_builtin

    book = openpyxl.load_workbook(template)
    seen = set()
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                text = cell.value.text if isinstance(cell.value, ArrayFormula) else cell.value
                if not (isinstance(text, str) and text.startswith(("=", "{="))):
                    continue
                for name, n_args in engine.formula_calls(text):
                    fn = get(name)
                    if fn is None:
                        assert is_builtin(name), f"{ws.title}!{cell.coordinate}: {name}"
                    else:
                        assert fn.required <= n_args <= len(fn.args), f"{ws.title}!{cell.coordinate}: {name}"
                        seen.add(name)
    assert {"BTC_HASHPRICE", "BTC_COST_GRID", "BTC_CASH_COST_PER_BTC", "COLO_REVENUE_SCHEDULE",
            "COLO_BILLABLE_MW", "COLO_PEER_TABLE", "COLO_REVENUE_PER_MW", "SEGMENT_BRIDGE", "SEGMENT_WALK"} <= seen


def test_formula_calls_counts_arguments():
    assert engine.formula_calls("=SUM(A1,MAX(B1:B3,2),C1)") == [("MAX", 2), ("SUM", 3)]
    assert engine.formula_calls("=PI()") == [("PI", 0)]


def test_template_calculates_without_errors(calculated):
    assert calculated.ok, calculated.issues
    assert calculated.names["network_hashrate_ehs"] == pytest.approx(1109.5, rel=1e-4)


def test_every_xlmodel_cell_equals_the_python_api(template, calculated):
    book = openpyxl.load_workbook(template)
    checked = 0
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                is_array = isinstance(cell.value, ArrayFormula)
                text = cell.value.text if is_array else cell.value
                parsed = top_level_call(text) if isinstance(text, str) else None
                if not parsed or get(parsed[0]) is None:
                    continue
                name, operands = parsed
                args = [operand_value(book, calculated.values, ws.title, op) for op in operands]
                expected = call(name, *args)
                ref = cell.value.ref if is_array else cell.coordinate
                ref = calculated.spills.get((ws.title, cell.coordinate), ref)  # dynamic arrays as spilled
                min_col, min_row, max_col, max_row = range_boundaries(ref)
                got = np.array([[calculated.value(ws.title, f"{get_column_letter(c)}{r}")
                                 for c in range(min_col, max_col + 1)] for r in range(min_row, max_row + 1)],
                               dtype=object)
                if unguarded(text) != text.lstrip("{").rstrip("}") and (got == "").all():
                    continue  # a guard left it empty: an input it needs is missing (the sheet says which)
                if isinstance(expected, np.ndarray):
                    assert got.shape == expected.shape
                    for e, g in zip(expected.flat, got.flat):
                        assert g == (pytest.approx(e) if isinstance(e, float) else e), f"{ws.title}!{ref}"
                else:
                    assert got[0, 0] == pytest.approx(expected), f"{ws.title}!{ref}"
                checked += 1
    assert checked >= 18  # every plain xlmodel call of Mining and Colocation, array formulas included


def test_bridge_sheet_walk_ties_and_feeds_the_waterfall(calculated):
    from xlmodel.template.bridge import FIRST, WALK_ROWS

    col = lambda c, r: calculated.values.get(("Bridge", f"{get_column_letter(c + 1)}{r + 1}"))
    walk = [col(13, r) for r in range(FIRST, FIRST + WALK_ROWS)]
    assert col(11, FIRST) == "net_income.prior" and col(11, FIRST + WALK_ROWS - 1) == "net_income.current"
    assert walk[0] + sum(walk[1:-1]) == walk[-1]
    assert col(17, FIRST + WALK_ROWS - 1) == walk[-1]  # the waterfall's last level is current net income
    bridges = {col(7, r): col(9, r) for r in range(FIRST, FIRST + 60) if col(7, r)}
    assert bridges["net_income"] == walk[-1]
    assert abs(bridges["check.revenue"]) < 150_000  # the embedded quarter's segments tie to its total
    assert abs(bridges.get("check.gross_profit", 0)) < 150_000  # and segment costs to a reported gross profit


def test_colocation_sheet_sets_modelled_against_reported_through_the_latest_quarter(template, calculated):
    from xlmodel.data.embedded import company_quarters

    labels = openpyxl.load_workbook(template)["Colocation"]
    rows = {labels[f"A{r}"].value: r for r in range(5, 21)}
    latest = company_quarters("CORZ")[-1].period_end  # the last quarter Data_Company has
    label = f"Q{(int(latest[5:7]) - 1) // 3 + 1}-{latest[2:4]}"
    value = lambda c, q: calculated.values.get(("Colocation", f"{c}{rows[q]}"))
    assert value("G", "Q3-25") == pytest.approx(15.0e6, rel=0.01)  # the Q3-25 release: HDC revenue 15.0 M USD
    assert isinstance(value("G", label), float)
    assert value("H", label) == pytest.approx(value("E", label) - value("G", label))
    assert value("I", label) == pytest.approx(value("E", label) / value("G", label) - 1)
    assert value("G", "Q1-24") in (None, "") and value("H", "Q1-24") in (None, "")  # before colocation: blank


def test_block_height_is_the_snapshots_tip(calculated):
    assert calculated.names["block_height"] == 929_699


def test_bridge_shares_and_margins_print_as_percentages_and_the_page_leaves_out_helpers(template):
    from xlmodel.template.bridge import HELPERS

    ws = openpyxl.load_workbook(template)["Bridge"]
    rules = [r for cf in ws.conditional_formatting for r in cf.rules]
    assert rules and all(r.dxf.numFmt.formatCode == "0.0%" for r in rules)
    assert any("gross_margin." in f for r in rules for f in r.formula)
    area = ws.print_area if isinstance(ws.print_area, str) else ws.print_area[0]
    last_col = area.split(":")[-1].replace("$", "").rstrip("0123456789")
    helper_cols = [c.column_letter for c in ws[8] if c.value in HELPERS]
    assert helper_cols and all(openpyxl.utils.column_index_from_string(h) >
                               openpyxl.utils.column_index_from_string(last_col) for h in helper_cols)


def _analyst_book(path: Path) -> Path:
    """A workbook laid out by someone else: other sheets, names, cross-sheet refs, an array formula."""
    wb = openpyxl.Workbook()
    a = wb.active
    a.title = "Assumptions"
    a["A1"], a["B1"] = "BTC", 95_000
    a["A2"], a["B2"] = "Hashrate", 1_000
    a["A3"], a["B3"] = "J/TH", 18
    a["A4"], a["B4"] = "USD/MWh", 45
    a["D1"], a["D2"], a["D3"] = 30, 45, 60
    wb.defined_names["px"] = openpyxl.workbook.defined_name.DefinedName("px", attr_text="Assumptions!$B$1")
    m = wb.create_sheet("Model Q1")
    m["A1"] = "=BTC_HASHPRICE(px,Assumptions!B2,0.03)"
    m["A2"] = "=BTC_POWER_COST_PER_BTC(Assumptions!B3,Assumptions!B4,Assumptions!B2,0.03)"
    m["A3"] = "=IF(px>A2,px-A2,0)"
    m["A4"] = "=ROUND(SUM(A1:A2),2)"
    m["C1"] = ArrayFormula("C1:C3", "=BTC_POWER_COST_PER_BTC(Assumptions!B3,Assumptions!D1:D3,Assumptions!B2)")
    m["D1"] = "=SUM(C1:C3)"
    wb.save(path)
    return path


def test_an_analysts_own_workbook_recalculates(tmp_path):
    calc = engine.calculate(_analyst_book(tmp_path / "mine.xlsx"))
    assert calc.ok, calc.issues
    hp = float(mining.hashprice(95_000, 1_000, 0.03))
    cost = float(mining.power_cost_per_btc(18, 45, 1_000, 0.03))
    assert calc.value("Model Q1", "A1") == pytest.approx(hp)
    assert calc.value("Model Q1", "A2") == pytest.approx(cost)
    assert calc.value("Model Q1", "A3") == pytest.approx(95_000 - cost)
    assert calc.value("Model Q1", "A4") == pytest.approx(round(hp + cost, 2))
    column = [float(mining.power_cost_per_btc(18, p, 1_000)) for p in (30, 45, 60)]
    assert [calc.value("Model Q1", f"C{r}") for r in (1, 2, 3)] == pytest.approx(column)
    assert calc.value("Model Q1", "D1") == pytest.approx(sum(column))


def test_bad_inputs_are_reported_not_crashed(tmp_path):
    path = _analyst_book(tmp_path / "bad.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["Assumptions"]["B2"] = -5  # network hashrate
    wb["Assumptions"]["D2"] = "n/a"  # one bad power price in a range
    wb["Model Q1"]["B1"] = "=NOSUCHFUNC(1)"
    wb.save(path)
    calc = engine.calculate(path)
    issues = {i.address: i for i in calc.issues if i.sheet == "Model Q1"}
    assert "network_hashrate_ehs must be > 0, got -5" in issues["A1"].message
    assert "NOSUCHFUNC" in issues["B1"].message
    result = runner().invoke(app, ["calc", str(path), "-o", str(tmp_path / "out.xlsx")])
    assert result.exit_code == 1
    assert "Model Q1" in result.output and "A1" in result.output


def test_a_bad_element_in_a_range_spoils_only_its_cell(tmp_path):
    path = _analyst_book(tmp_path / "one_bad.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["Assumptions"]["D2"] = "n/a"
    wb.save(path)
    calc = engine.calculate(path)
    assert isinstance(calc.value("Model Q1", "C2"), CellError)
    assert "power_usd_per_mwh must be a number, got text 'n/a'" in calc.value("Model Q1", "C2")
    assert isinstance(calc.value("Model Q1", "C1"), float) and isinstance(calc.value("Model Q1", "C3"), float)


def test_dynamic_array_formula_spills(tmp_path):
    path = tmp_path / "dynamic.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Grid")
    ws.write_column("A1", [30, 50])
    ws.write_row("B1", [900, 1_000])
    ws.write_dynamic_array_formula("D1", "=BTC_COST_GRID(A1:A2,B1:C1,20)")
    ws.write_formula("H1", "=F3*2")  # reads a cell inside the spill
    wb.close()
    calc = engine.calculate(path)
    assert calc.ok, calc.issues
    assert calc.spills == {("Grid", "D1"): "D1:F3"}
    expected = call("BTC_COST_GRID", [[30], [50]], [[900, 1_000]], 20)
    assert calc.value("Grid", "F3") == pytest.approx(expected[2, 2])
    assert calc.value("Grid", "H1") == pytest.approx(2 * expected[2, 2])


def runner() -> CliRunner:
    return CliRunner()


def test_calc_cli_writes_a_copy_with_values_and_formulas(template, calculated, tmp_path):
    out = tmp_path / "calculated.xlsx"
    result = runner().invoke(app, ["calc", str(template), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "power_cost_usd_per_btc" in result.output and "no cell in error" in result.output
    values = openpyxl.load_workbook(out, data_only=True)
    formulas_ = openpyxl.load_workbook(out)
    dest = next(iter(formulas_.defined_names["power_cost_usd_per_btc"].destinations))
    sheet, ref = dest[0], dest[1].replace("$", "")
    assert "BTC_POWER_COST_PER_BTC(" in formulas_[sheet][ref].value
    assert values[sheet][ref].value == pytest.approx(calculated.value(sheet, ref))  # the engine's own run
    # everything else in the package is untouched (charts included)
    import zipfile

    with zipfile.ZipFile(template) as a, zipfile.ZipFile(out) as b:
        assert sorted(a.namelist()) == sorted(b.namelist())
        assert a.read("xl/charts/chart1.xml") == b.read("xl/charts/chart1.xml")


def test_render_png_or_clean_skip(template, tmp_path):
    png = tmp_path / "mining.png"
    result = runner().invoke(app, ["calc", str(template), "-o", str(tmp_path / "c.xlsx"), "--render", str(png)])
    assert result.exit_code == 0, result.output
    if (shutil.which("soffice") or shutil.which("libreoffice")) and shutil.which("pdftoppm"):
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    else:
        assert "not rendered" in result.output and "apt-get install" in result.output


class FakeSheet:
    def __init__(self, name):
        self.name, self.grid = name, []

    class _Range:
        def __init__(self, sheet):
            self.sheet = sheet

        @property
        def value(self):
            return self.sheet.grid or None

        @value.setter
        def value(self, grid):
            self.sheet.grid = [list(r) for r in grid]

    @property
    def used_range(self):
        return FakeSheet._Range(self)

    def __getitem__(self, address):
        assert address == "A1"
        return FakeSheet._Range(self)

    def clear_contents(self):
        self.grid = []


class FakeSheets(list):
    def __getitem__(self, key):
        return next(s for s in self if s.name == key) if isinstance(key, str) else super().__getitem__(key)

    def add(self, name, after=None):
        self.append(FakeSheet(name))
        return self[-1]


class FakeBook:
    """Just what the Refresh button uses of an xlwings Book."""

    def __init__(self, names):
        self.sheets = FakeSheets(FakeSheet(n) for n in names)


def test_companion_module_runs_the_refresh_against_the_open_book(monkeypatch):
    from recordings import ENVIRON, Replay

    for key, value in ENVIRON.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr("xlmodel.data.http.httpx.HTTPTransport", lambda: Replay())
    monkeypatch.setattr("xlmodel.data.http.time.sleep", lambda s: None)
    monkeypatch.setenv("XDG_CACHE_HOME", "/nonexistent-cache-unused")
    monkeypatch.setattr("xlmodel.data.collect.default_cache_dir", lambda: None)
    spec = importlib.util.spec_from_file_location("miner_model", REPO / "workbooks" / "miner_model.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert callable(module.main) and callable(module.refresh)
    book = FakeBook(["Inputs", "Mining", "Settings"])
    book.sheets["Inputs"].grid = [["analyst", "values"]]
    book.sheets["Settings"].grid = [["key", "value"], ["XLMODEL_TICKERS", "CORZ, IREN"]]
    module.refresh(book)
    names = [s.name for s in book.sheets]
    assert names[:3] == ["Inputs", "Mining", "Settings"] and {"Data_Network", "Data_Prices", "Data_Company", "Sources"} <= set(names)
    assert book.sheets["Inputs"].grid == [["analyst", "values"]]  # untouched
    assert book.sheets["Data_Prices"].grid[1][:2] == ["btc_usd_spot", 84312.57]
    statuses = {row[5] for row in book.sheets["Sources"].grid[1:]}
    assert statuses == {"ok"}


def test_only_the_named_sheet_is_left_to_print(template, tmp_path):
    """LibreOffice prints a hidden sheet that has a print area: the render copy keeps only the named one's."""
    import re
    import zipfile

    from xlmodel.calc import render

    copy = tmp_path / "copy.xlsx"
    shutil.copy(template, copy)
    render._show_only(copy, "Peers")
    book = zipfile.ZipFile(copy).read("xl/workbook.xml").decode()
    visible = re.findall(r'<sheet name="([^"]+)"(?![^>]*state="hidden")', book)
    assert visible == ["Peers"]
    peers = [m.group(1) for m in re.finditer(r'<sheet name="([^"]+)"', book)].index("Peers")
    assert set(re.findall(r'name="_xlnm\.Print_Area" localSheetId="(\d+)"', book)) <= {str(peers)}


@pytest.mark.skipif(not ((shutil.which("soffice") or shutil.which("libreoffice")) and shutil.which("pdftoppm")),
                    reason="LibreOffice and pdftoppm render the PNG (apt-get install libreoffice-calc-nogui "
                           "poppler-utils)")
def test_two_sheets_render_as_two_pictures(template, calculated, tmp_path):
    from xlmodel.calc.render import render_pages

    pictures = {}
    for sheet in ("Peers", "Bridge"):  # one calculation, two sheets (the command's path: the test above)
        [png] = render_pages(calculated, template, tmp_path / f"{sheet}.png", sheet)
        pictures[sheet] = png.read_bytes()
    assert pictures["Peers"] != pictures["Bridge"]


def test_array_results_show_in_each_columns_own_format(template):
    """One array formula, several units: months as whole numbers, margins in USD, shares as percentages, and
    the sum of the parts in USD with value per share in USD/share."""
    book = openpyxl.load_workbook(template)

    def cells(name):
        sheet, ref = next(iter(book.defined_names[name].destinations))
        return book[sheet][ref.replace("$", "")]

    for row in cells("scn_margin"):
        assert [c.number_format for c in row] == ["#,##0"] + ["#,##0.00"] * 5 + ["0.0%"]
    per_share = cells("val_value_per_share")
    assert per_share.number_format == "#,##0.00"
    above = per_share.parent.cell(per_share.row - 2, per_share.column)  # equity value
    assert above.number_format == "#,##0"
