"""The Peers sheet: every covered ticker, reported figures from Data_Company, derived columns."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from recordings import ENVIRON, Replay

from xlmodel.core import colocation
from xlmodel.data.sec import CIKS
from xlmodel.workbook import engine
from xlmodel.workbook.refresh import refresh_workbook
from xlmodel.workbook.sheets_peers import NOT_YET, PEERS, REPORTED

COLUMN = {key: chr(ord("D") + i) for i, (_, _, key) in enumerate(REPORTED)}


def _rows(path: Path) -> dict[tuple[str, str], int]:
    """(ticker, quarter) -> 1-based row of the reported table."""
    ws = openpyxl.load_workbook(path)["Peers"]
    return {(ws[f"A{r}"].value, ws[f"C{r}"].value): r for r in range(8, 8 + 4 * len(PEERS))}


def test_peers_sheet_names_every_covered_company_in_an_excel_table(template):
    ws = openpyxl.load_workbook(template)["Peers"]
    assert [t for t, _ in PEERS] == list(CIKS)
    assert "PeerQuarters" in ws.tables
    assert {ticker for ticker, _ in _rows(template)} == set(CIKS)


def test_offline_peers_show_the_embedded_quarters_and_say_what_refresh_fills(template, calculated):
    rows, value = _rows(template), lambda c, r: calculated.values.get(("Peers", f"{c}{r}"))
    q3 = rows[("CORZ", "2025-Q3")]
    assert value(COLUMN["reported.revenue"], q3) == pytest.approx(81.1e6)  # Q3-2025 release
    assert value(COLUMN["share"], q3) == pytest.approx(value(COLUMN["revenue.colocation"], q3) / 81.1e6)
    assert value(COLUMN["url"], q3).startswith("http")
    iren = rows[("IREN", "2025-Q1")]
    assert value(COLUMN["url"], iren) == NOT_YET and value(COLUMN["reported.revenue"], iren) in (None, "")
    assert calculated.ok, calculated.issues


def test_contract_value_per_mw_year_is_the_core_function(template, calculated):
    ws = openpyxl.load_workbook(template)["Peers"]
    row = next(r for r in range(1, ws.max_row + 1) if ws[f"A{r}"].value == "CIFR" and ws[f"E{r}"].value == 168)
    got = calculated.values.get(("Peers", f"M{row}"))
    assert got == pytest.approx(float(colocation.contract_revenue_per_mw(3.0e9, 10, 168)))


def test_a_refresh_against_replayed_filings_fills_the_mapped_companies(template, tmp_path):
    book = tmp_path / "book.xlsx"
    shutil.copyfile(template, book)
    report = refresh_workbook(book, transport=Replay(), environ=ENVIRON, tickers=("CORZ", "IREN"),
                              sleep=lambda s: None)
    assert not report.failures
    result = engine.calculate(book)
    assert not [i for i in result.issues if i.sheet == "Peers"]  # (the Bridge's quarters may lack data now)
    rows, value = _rows(book), lambda c, r: result.values.get(("Peers", f"{c}{r}"))
    q1 = rows[("IREN", "2025-Q1")]
    assert value(COLUMN["reported.revenue"], q1) == pytest.approx(148e6)  # the 10-Q's Jan-Mar quarter
    assert "0001878848-25-000020".replace("-", "") in value(COLUMN["url"], q1)
    assert value(COLUMN["url"], rows[("CIFR", "2025-Q1")]) == NOT_YET  # not refreshed: still says so
