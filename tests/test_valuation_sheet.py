"""The template's Valuation sheet and the Peers sheet's market columns, recalculated headlessly.

The sheet's value per share must be what the core functions give on the same inputs, read
back from the calculated workbook; the sensitivity grid's centre must be that value; and
Core Scientific and at least three peers must price their contracted MW offline.
"""

from __future__ import annotations

import numpy as np
import openpyxl
import pytest
from openpyxl.utils.cell import get_column_letter, range_boundaries

from xlmodel.core import valuation
from xlmodel.data import embedded
from xlmodel.excel import call
from xlmodel.template.peers import MARKET, PEERS


@pytest.fixture(scope="module")
def book(template):
    return openpyxl.load_workbook(template)


def _range(book, calculated, name: str) -> list:
    """The values of a named range, flat (computed values, else what was typed; blanks as None)."""
    sheet, ref = next(iter(book.defined_names[name].destinations))
    c1, r1, c2, r2 = range_boundaries(ref.replace("$", ""))
    cells = [f"{get_column_letter(c)}{r}" for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]
    return [calculated.values.get((sheet, a), book[sheet][a].value) for a in cells]


def _instruments(ticker: str) -> tuple[list, list, list, list]:
    """The embedded instruments of one company as the sheet's table holds them (uncounted rows left out)."""
    rows = embedded.instruments(ticker)
    tranches = [(i.count, i.strike_usd) for i in rows if i.count is not None]
    notes = [(i.principal_usd, i.conversion_price_usd) for i in rows if i.principal_usd is not None]
    return [c for c, _ in tranches], [s for _, s in tranches], [p for p, _ in notes], [c for _, c in notes]


def test_value_per_share_is_the_core_functions_on_the_sheets_inputs(book, calculated):
    n = calculated.names
    price, basic, cash, debt = n["val_share_price"], n["val_basic_shares"], n["val_cash"], n["val_debt"]
    assert (n["val_ticker"], price, basic) == ("CORZ", 18.08, 310_060_000)  # the embedded close and cover count
    counts, strikes, principals, conversions = _instruments("CORZ")
    diluted = float(valuation.diluted_shares(basic, price, counts, strikes, principals, conversions))
    converted = sum(p for p, c in zip(principals, conversions) if price >= c)
    net_debt = debt - cash - converted
    assert n["val_diluted_shares"] == pytest.approx(diluted) and n["val_net_debt"] == pytest.approx(net_debt)

    rfs = [d for d in _range(book, calculated, "colo_rfs_dates") if d is not None]
    mw = [m for m in _range(book, calculated, "colo_mw_blocks") if m is not None]
    days = np.array([d.date() for d in rfs], dtype="datetime64[D]")
    leases = valuation.lease_npv(
        valuation.lease_years(days, mw, n["colo_usd_per_kw_month"], n["val_term_years"], n["colo_annual_escalator"]),
        n["val_noi_margin"], n["val_discount_rate"], np.datetime64("2026-01-31"), n["val_cap_rate"], n["val_capex_usd"])
    mining = valuation.mining_npv(
        n["fleet_hashrate_ehs"], n["efficiency_j_per_th"], n["power_usd_per_mwh"], n["btc_price_usd"],
        n["network_hashrate_ehs"], n["val_mining_years"], n["val_discount_rate"], n["val_btc_price_growth"],
        n["val_network_growth"], n["fees_btc_per_block"], n["block_height"], n["val_mining_other_usd"], True,
        n["pool_fee"])
    pipeline = n["val_pipeline_mw"] * n["val_pipeline_usd_per_mw"] * n["val_pipeline_probability"]
    totals = valuation.sotp([float(leases), pipeline, float(mining)], net_debt, diluted, 0.0, n["btc_price_usd"])
    assert n["val_leases_usd"] == pytest.approx(float(leases), rel=1e-12)
    assert n["val_mining_usd"] == pytest.approx(float(mining), rel=1e-12)
    assert n["val_value_per_share"] == pytest.approx(totals["value_per_share"], rel=1e-12)
    assert n["val_value_per_share"] > 0 and n["val_leases_usd"] > 1e9


def test_the_sensitivity_grid_centres_on_the_value_per_share(book, calculated):
    grid = np.array(_range(book, calculated, "val_sensitivity"), dtype=float).reshape(7, 5)
    assert grid[3, 2] == pytest.approx(calculated.names["val_value_per_share"], rel=1e-12)
    assert (np.diff(grid, axis=0) < 0).all()  # a higher discount rate never raises the value


def test_the_market_pays_per_contracted_mw_as_the_core_function_says(calculated):
    n = calculated.names
    other = n["val_pipeline_usd"] + n["val_mining_usd"]  # no bitcoin held found for Core Scientific
    expected = call("VAL_IMPLIED_USD_PER_MW", n["val_share_price"], n["val_diluted_shares"], n["val_net_debt"],
                    other, 590)
    assert n["val_contracted_mw"] == 590  # the CoreWeave leases, critical IT (2026-03-02 release)
    assert n["val_implied_usd_per_mw"] == pytest.approx(expected)
    assert n["ref_jpm_low_usd_per_mw"] == 8e6 and n["ref_crwv_usd_per_gross_mw"] == 6.9e6


def test_core_scientific_and_at_least_three_peers_price_their_signed_mw_offline(book, calculated):
    ws = book["Peers"]
    header = next(r for r in ws.iter_rows() if r[0].value == "ticker" and any(c.value == MARKET[0][0] for c in r))
    col = {c.value: c.column_letter for c in header if c.value}
    rows = {ws[f"A{r}"].value: r for r in range(header[0].row + 1, header[0].row + 1 + len(PEERS))}
    value = lambda title, ticker: calculated.value("Peers", f"{col[title]}{rows[ticker]}")
    priced = [t for t, _ in PEERS if isinstance(value(MARKET[-1][0], t), float)]
    assert "CORZ" in priced and len(priced) >= 4, priced
    for ticker in priced:  # each is VAL_IMPLIED_USD_PER_MW of its own row (no bitcoin held found for these)
        args = [value(title, ticker) for title, _ in (MARKET[0], MARKET[3], MARKET[4], MARKET[5])]
        btc = next((line.value for line in embedded.capital_lines(ticker) if line.key == "capital.btc_held"), 0)
        expected = call("VAL_IMPLIED_USD_PER_MW", args[0], args[1], args[2], btc * calculated.names["btc_price_usd"],
                        args[3])
        assert value(MARKET[-1][0], ticker) == pytest.approx(expected), ticker
    assert value(MARKET[-1][0], "MARA") == ""  # no signed lease, no debt line: left blank, never a guess


def test_each_looked_up_line_says_where_it_comes_from(book, calculated):
    ws = book["Valuation"]
    notes = {ws[f"A{r}"].value: calculated.values.get(("Valuation", f"D{r}")) for r in range(1, 30)}
    assert notes["Share price"] == "close of 2026-01-22 (Data_Equities; see Sources)"
    assert notes["Basic shares outstanding"].startswith("as of 2026-01-22: third_party: StockAnalysis")
    assert notes["Debt"].startswith("as of 2024-12-31: derived: 3% notes due 2029")
    assert notes["Bitcoin held"] == "not in Data_Company: type a figure in column B"
