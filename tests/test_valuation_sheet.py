"""The template's Valuation sheet and the Peers sheet's market columns, recalculated headlessly.

The sheet's value per share must be what the core functions give on the same inputs, read back
from the calculated workbook; the sensitivity grid's centre must be that value; what the market
pays per MW must take every other part out; and Peers must show the Coverage sheet's figures.
Riot is the company here: every input it needs is sourced, so every part computes.
"""

from __future__ import annotations

import numpy as np
import openpyxl
import pytest
from workbook_helpers import range_values

from xlmodel.calc import engine, typed_inputs
from xlmodel.core import valuation
from xlmodel.data import embedded
from xlmodel.excel import call
from xlmodel.template import inputs
from xlmodel.template.peers import MARKET, PEERS

TICKER = "RIOT"


@pytest.fixture(scope="module")
def riot(template, tmp_path_factory):
    path = tmp_path_factory.mktemp("riot") / "riot.xlsx"
    typed_inputs.set_inputs(template, path, {"model_ticker": TICKER, "model_override_ticker": TICKER})
    return engine.calculate(path)


def _instruments(ticker: str) -> tuple[list, list, list, list]:
    """The embedded instruments of one company as the sheet counts them (rows with a gap left out)."""
    rows = embedded.instruments(ticker)
    tranches = [(i.count, i.strike_usd) for i in rows if i.count is not None and i.strike_usd is not None]
    notes = [(i.principal_usd, i.conversion_price_usd) for i in rows
             if i.principal_usd is not None and i.conversion_price_usd is not None]
    return [c for c, _ in tranches], [s for _, s in tranches], [p for p, _ in notes], [c for _, c in notes]


def _blocks(calc) -> tuple[np.ndarray, list, list, list, list]:
    names = ("colo_rfs_dates", "colo_mw_blocks", "colo_rate_blocks", "colo_term_blocks", "colo_escalator_blocks")
    rows = [r for r in zip(*(range_values(calc, n) for n in names)) if r[0] not in (None, "")]
    rfs, mw, rate, term, esc = zip(*rows)
    days = np.datetime64("1899-12-30") + np.array([int(d) for d in rfs], dtype="timedelta64[D]")
    return days, list(mw), list(rate), [int(t) for t in term], list(esc)


def test_value_per_share_is_the_core_functions_on_the_sheets_inputs(riot):
    n = riot.names
    assert n["val_ticker"] == TICKER and n["model_missing"] == ""
    price, basic, cash, debt = n["val_share_price"], n["val_basic_shares"], n["val_cash"], n["val_debt"]
    counts, strikes, principals, conversions = _instruments(TICKER)
    diluted = float(valuation.diluted_shares(basic, price, counts, strikes, principals, conversions))
    converted = sum(p for p, c in zip(principals, conversions) if price >= c)
    net_debt = debt - cash - converted
    assert n["val_diluted_shares"] == pytest.approx(diluted) and n["val_net_debt"] == pytest.approx(net_debt)

    day = np.datetime64("1899-12-30") + np.timedelta64(int(n["val_valuation_date"]), "D")
    rfs, mw, rate, term, esc = _blocks(riot)
    leases = valuation.lease_npv(valuation.lease_years(rfs, mw, rate, term, esc), n["val_noi_margin"],
                                 n["val_discount_rate"], day, n["val_cap_rate"], n["val_capex_usd"])
    mining = valuation.mining_npv(
        n["fleet_hashrate_ehs"], n["efficiency_j_per_th"], n["power_usd_per_mwh"], n["btc_price_usd"],
        n["network_hashrate_ehs"], n["val_mining_years"], n["val_discount_rate"], n["val_btc_price_growth"],
        n["val_network_growth"], n["fees_btc_per_block"], n["block_height"], n["val_mining_other_usd"], True,
        n["pool_fee"])
    lease_end = np.datetime64("1899-12-30") + np.timedelta64(int(n["val_lease_end"]), "D")
    corporate = -valuation.cost_npv(n["cash_sga_usd_per_year"], n["val_discount_rate"], day, lease_end,
                                    n["val_cap_rate"])
    pipeline = n["val_pipeline_expected_mw"] * n["val_pipeline_usd_per_mw"]
    totals = valuation.sotp([float(leases), pipeline, float(mining), float(corporate)], net_debt, diluted,
                            n["val_btc_held"], n["btc_price_usd"])
    assert n["val_leases_usd"] == pytest.approx(float(leases), rel=1e-12)
    assert n["val_mining_usd"] == pytest.approx(float(mining), rel=1e-12)
    assert n["val_corporate_usd"] == pytest.approx(float(corporate), rel=1e-12)
    assert n["val_value_per_share"] == pytest.approx(totals["value_per_share"], rel=1e-12)
    at_value = call("VAL_VALUE_PER_SHARE", n["val_equity_notes_as_debt"], basic, [[c] for c in counts] or None,
                    [[s] for s in strikes] or None, [[p] for p in principals] or None,
                    [[c] for c in conversions] or None)
    assert n["val_value_per_share_at_value"] == pytest.approx(at_value, rel=1e-12)


def test_the_sensitivity_grid_centres_on_the_value_per_share(riot):
    grid = np.array(range_values(riot, "val_sensitivity"), dtype=float).reshape(7, 5)
    assert grid[3, 2] == pytest.approx(riot.names["val_value_per_share"], rel=1e-12)
    assert (np.diff(grid, axis=1) > 0).all()  # a higher BTC price raises the value: mining and bitcoin held


def test_the_market_pays_per_contracted_mw_with_every_other_part_taken_out(riot):
    n = riot.names
    other = n["val_pipeline_usd"] + n["val_mining_usd"] + n["val_btc_held"] * n["btc_price_usd"] + n["val_corporate_usd"]
    assert n["val_other_values_usd"] == pytest.approx(other)
    expected = call("VAL_IMPLIED_USD_PER_MW", n["val_share_price"], n["val_diluted_shares"], n["val_net_debt"], other,
                    n["val_contracted_mw"])
    assert n["val_implied_usd_per_mw"] == pytest.approx(expected)
    assert n["val_lease_value_per_mw"] == pytest.approx(n["val_leases_usd"] / n["val_contracted_mw"])
    assert n["ref_crwv_usd_per_it_mw"] == pytest.approx(6.9e6 * n["colo_gross_to_it_ratio"])


def test_peers_market_columns_are_the_coverage_sheets(template, calculated):
    """No second formula for the same figure: Peers shows each company's Coverage row."""
    ws = openpyxl.load_workbook(template)["Peers"]
    header = next(r for r in ws.iter_rows() if any(c.value == MARKET[0][0] for c in r))
    col = {c.value: c.column_letter for c in header if c.value}
    first = header[0].row + 1
    tickers = [t for t, _ in PEERS]
    assert [ws[f"A{first + i}"].value for i in range(len(tickers))] == tickers
    for title, _, name in MARKET:
        coverage = range_values(calculated, name)
        shown = [calculated.values.get(("Peers", f"{col[title]}{first + i}")) for i in range(len(tickers))]
        assert shown == coverage, title
    priced = [t for t, v in zip(tickers, range_values(calculated, "cov_ev_per_mw")) if isinstance(v, float)]
    assert {"RIOT", "WULF"} <= set(priced)


def test_each_company_line_says_where_it_comes_from(calculated):
    for name in ("val_share_price", "val_basic_shares", "val_cash", "val_debt"):
        source = calculated.values[("Inputs", f"H{inputs.ROW[name] + 1}")]
        assert source and ("http" in source or source.startswith("close of")), (name, source)
    assert calculated.values[("Inputs", f"H{inputs.ROW['val_share_price'] + 1}")].startswith("close of 2026-01-22")
