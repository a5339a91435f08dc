"""One ticker drives the book, and the Coverage sheet values every company the same way (issue 27).

Each company's copy of the template is recalculated headlessly with its ticker typed in (as
``xlmodel calc --set model_ticker=...`` does): the Valuation sheet's inputs must be that company's
own records, no cell may be in error, and its Coverage row must be the Valuation sheet's numbers.
"""

from __future__ import annotations

import json
from importlib import resources

import pytest
from openpyxl.utils.cell import get_column_letter
from workbook_helpers import range_values

from xlmodel.calc import engine, typed_inputs
from xlmodel.data import embedded
from xlmodel.template import inputs
from xlmodel.template.peers import PEERS
from xlmodel.template.sourced import CAPITAL, OPERATIONS

TICKERS = [t for t, _ in PEERS]
RATIO = 1.4  # Inputs' default gross-to-IT ratio
COMPARED = {  # Valuation's name -> Coverage's column: one computation, read in two places
    "val_value_per_share": "cov_value_per_share", "val_value_per_share_at_value": "cov_value_per_share_at_value",
    "val_leases_usd": "cov_leases_usd", "val_mining_usd": "cov_mining_usd", "val_pipeline_usd": "cov_pipeline_usd",
    "val_corporate_usd": "cov_corporate_usd", "val_contracted_mw": "cov_contracted_mw",
    "val_implied_usd_per_mw": "cov_ev_per_mw", "val_diluted_shares": "cov_diluted_shares",
    "val_net_debt": "cov_net_debt", "val_share_price": "cov_share_price",
}


def _cell(row: int, col: int) -> str:
    return f"Inputs!{get_column_letter(col + 1)}{row + 1}"


def _calculate_with(template, tmp_path, **cells):
    """The template recalculated with values typed in, as ``xlmodel calc --set`` types them (ISO text is a date)."""
    copy = tmp_path / "case.xlsx"
    typed = {k: typed_inputs.parse_value(v) if isinstance(v, str) else v for k, v in cells.items()}
    typed_inputs.set_inputs(template, copy, typed)
    return engine.calculate(copy)


def _column(calc, name: str) -> dict[str, object]:
    """A Coverage (or Companies) column by ticker: both list the companies in the Peers order."""
    return dict(zip(TICKERS, range_values(calc, name)))


def _close(ticker: str) -> float | str:
    snapshot = json.loads((resources.files("xlmodel.data") / "snapshot.json").read_text(encoding="utf-8"))
    return next((c["close_usd"] for c in snapshot["equities"]["closes"] if c["ticker"] == ticker), "")


def _record(ticker: str, key: str):
    lines = [*embedded.capital_lines(ticker), *embedded.operating_lines(ticker)]
    value = next((line.value for line in lines if line.key == key), None)
    return "" if value is None else value


def _contracted_mw(ticker: str) -> float:
    """Critical-IT MW owned, from the company's own lease rows: gross converted at the ratio, times ownership."""
    return sum(lease.mw / (RATIO if lease.basis == "gross" else 1) * lease.ownership
               for lease in embedded.leases(ticker) if lease.mw is not None)


@pytest.fixture(scope="module", params=TICKERS)
def switched(request, template, tmp_path_factory):
    ticker = request.param
    path = tmp_path_factory.mktemp(ticker) / "book.xlsx"
    typed_inputs.set_inputs(template, path, {"model_ticker": ticker, "model_override_ticker": ticker})
    return ticker, engine.calculate(path)


def test_switching_the_ticker_takes_every_input_from_that_company_and_leaves_no_cell_in_error(switched):
    ticker, calc = switched
    n = calc.names
    assert calc.ok, [(i.sheet, i.address, i.message) for i in calc.issues][:5]
    assert n["val_ticker"] == ticker and n["bridge_ticker"] == ticker
    assert n["val_share_price"] == _close(ticker)
    for spec in CAPITAL[1:] + OPERATIONS:
        assert n[spec.name] == _record(ticker, spec.record), spec.name
    blocks = [mw for mw in range_values(calc, "colo_mw_blocks") if mw != ""]
    assert len(blocks) == len([lease for lease in embedded.leases(ticker) if lease.mw is not None])
    assert sum(blocks) == pytest.approx(_contracted_mw(ticker))
    assert n["val_contracted_mw"] == pytest.approx(_contracted_mw(ticker))


def test_a_coverage_row_is_the_valuation_sheet_for_its_company(switched):
    ticker, calc = switched
    for val_name, cov_name in COMPARED.items():
        expected, got = calc.names[val_name], _column(calc, cov_name)[ticker]
        assert got == (pytest.approx(expected, rel=1e-12) if isinstance(expected, float) else expected), val_name


def test_what_is_missing_names_the_input_and_where_to_type_it(switched):
    ticker, calc = switched
    missing = calc.names["model_missing"]
    assert missing == _column(calc, "cmp_missing")[ticker]
    fleet = _record(ticker, "ops.fleet_hashrate_ehs")
    for spec in CAPITAL[1:] + OPERATIONS:
        needed = spec.part and (spec.part != "mining" or spec.name == "fleet_hashrate_ehs" or fleet not in (0, ""))
        if needed and _record(ticker, spec.record) == "":
            assert f"{ticker}: {spec.label} ({spec.unit}) not found: type it in Inputs!E{inputs.ROW[spec.name] + 1}" \
                in missing
    if missing:  # a result that needs a missing input is empty, never an error or a borrowed figure
        assert calc.names["val_value_per_share"] == "" and calc.names["val_value_per_share_at_value"] == ""
    else:
        assert isinstance(calc.names["val_value_per_share"], float)


def test_every_sheet_uses_one_contracted_mw(calculated):
    n = calculated.names
    corz = _contracted_mw("CORZ")
    assert n["val_contracted_mw"] == pytest.approx(corz) == sum(m for m in range_values(calculated, "colo_mw_blocks")
                                                                if m != "")
    assert _column(calculated, "cov_contracted_mw")["CORZ"] == pytest.approx(corz)
    assert n["colo_billable_mw_q4_26"] <= corz  # billing ramps up to it


def test_offline_value_per_share_computes_for_at_least_five_companies(calculated):
    values = _column(calculated, "cov_value_per_share")
    computed = [t for t, v in values.items() if isinstance(v, float)]
    assert len(computed) >= 5, values
    at_value = _column(calculated, "cov_value_per_share_at_value")
    assert all(isinstance(at_value[t], float) for t in computed)


def test_a_ticker_that_is_not_covered_is_named_and_leaves_results_empty(template, tmp_path):
    calc = _calculate_with(template, tmp_path, model_ticker="XYZ")
    assert calc.ok, calc.issues[:3]
    assert calc.names["model_missing"].startswith("XYZ is not a covered company: one of CORZ, IREN, CIFR")
    for name in ("val_share_price", "val_leases_usd", "val_mining_usd", "val_value_per_share", "fleet_hashrate_ehs"):
        assert calc.names[name] == "", name


BLOCK = inputs.BLOCK_FIRST  # the row of the first lease block on Inputs (0-based)


EFFICIENCY = inputs.ROW["efficiency_j_per_th"]
# (row, column, typed, message), two books of bad overrides each in its own cell: a book per calculation
BAD_OVERRIDES = [[
    (EFFICIENCY, 4, "fast", "fleet efficiency (J/TH) must be a number, got fast"),
    (BLOCK, 10, -40, "MW override must be >= 0, got -40"),
    (BLOCK + 1, 14, 0, "term override must be a whole number of years >= 1, got 0"),
    (BLOCK + 2, 12, "2041-01-01", "RFS override must be in 2015-2040, got 2041-01-01"),
    (BLOCK + 3, 16, 1.5, "ownership override must be in (0, 1], got 1.5"),
], [
    (EFFICIENCY, 4, -3, "fleet efficiency (J/TH) must be > 0, got -3"),
    (BLOCK, 12, "2014-06-30", "RFS override must be in 2015-2040, got 2014-06-30"),
    (BLOCK + 1, 16, "half", "ownership override must be a number, got half"),
]]


@pytest.mark.parametrize("cases", BAD_OVERRIDES, ids=["book1", "book2"])
def test_a_bad_override_gets_a_named_message_beside_it_and_is_not_used(template, calculated, tmp_path, cases):
    calc = _calculate_with(template, tmp_path, **{_cell(row, col): typed for row, col, typed, _ in cases})
    assert calc.ok, calc.issues[:3]
    for row, _, _, message in cases:
        flag = calc.values[("Inputs", f"G{row + 1}")]
        assert message in flag, flag
    assert calc.names["efficiency_j_per_th"] == calculated.names["efficiency_j_per_th"]
    for name in ("colo_mw_blocks", "colo_rfs_dates", "colo_term_blocks"):
        assert range_values(calc, name) == range_values(calculated, name), name


def test_an_override_applies_to_its_own_company_only(template, tmp_path):
    eff = _cell(inputs.ROW["efficiency_j_per_th"], 4)
    calc = _calculate_with(template, tmp_path, **{"model_ticker": "IREN", "model_override_ticker": "CORZ", eff: 12.5})
    assert calc.names["efficiency_j_per_th"] == _record("IREN", "ops.efficiency_j_per_th")
    assert "not applied: the overrides are for CORZ" in calc.values[("Inputs", f"G{inputs.ROW['efficiency_j_per_th'] + 1}")]
    assert _column(calc, "cmp_efficiency_j_per_th")["CORZ"] == 12.5  # CORZ's row on Coverage takes it
    same = _calculate_with(template, tmp_path, **{eff: 12.5})
    assert same.names["efficiency_j_per_th"] == 12.5
    assert same.values[("Inputs", f"G{inputs.ROW['efficiency_j_per_th'] + 1}")] == "overridden"
