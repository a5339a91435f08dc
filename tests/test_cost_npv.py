"""VAL_COST_NPV: corporate costs paid day by day to the leases' horizon, against Excel's XNPV as the formula engine
computes it on the same dated flows, with its zero-rate and perpetuity identities and bad inputs."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from xlmodel.calc import engine
from xlmodel.excel import CellError, call


def test_cost_npv_is_xnpv_of_the_daily_costs(tmp_path):
    start, end, rate, cost = dt.date(2026, 1, 22), dt.date(2028, 3, 1), 0.09, 120e6
    wb = openpyxl.Workbook()
    ws = wb.active
    day, row = start, 1
    while day < end:
        ws.cell(row, 1, day)
        ws.cell(row, 2, cost / 365)
        day, row = day + dt.timedelta(days=1), row + 1
    ws["D1"] = f"=XNPV({rate},B1:B{row - 1},A1:A{row - 1})"
    path = tmp_path / "xnpv.xlsx"
    wb.save(path)
    xnpv = engine.calculate(path).values[("Sheet", "D1")]
    assert call("VAL_COST_NPV", cost, rate, start.isoformat(), end.isoformat()) == pytest.approx(xnpv, rel=1e-10)


def test_zero_rate_is_the_cost_times_the_years_and_a_perpetuity_adds_cost_over_cap_discounted():
    assert call("VAL_COST_NPV", 73e6, 0, "2026-01-01", "2031-01-01") == pytest.approx(73e6 * 1826 / 365, rel=1e-12)
    without = call("VAL_COST_NPV", 50e6, 0.08, "2026-01-01", "2036-01-01")
    with_tv = call("VAL_COST_NPV", 50e6, 0.08, "2026-01-01", "2036-01-01", 0.065)
    days = (dt.date(2036, 1, 1) - dt.date(2026, 1, 1)).days
    assert with_tv - without == pytest.approx(50e6 / 0.065 / 1.08 ** (days / 365), rel=1e-12)
    assert call("VAL_COST_NPV", 50e6, 0.08, "2026-01-01", "2025-01-01") == 0.0  # an end already past: nothing left


def test_rates_down_and_costs_across_give_a_grid_that_falls_with_the_rate():
    grid = call("VAL_COST_NPV", [[40e6, 80e6]], [[0.06], [0.08], [0.10]], "2026-01-01", "2038-01-01")
    assert grid.shape == (3, 2) and (grid[:-1] > grid[1:]).all() and grid[:, 1] == pytest.approx(2 * grid[:, 0])


@pytest.mark.parametrize(("args", "message"), [
    ((-1, 0.08, "2026-01-01", "2030-01-01"), "cost_usd_per_year must be >= 0, got -1"),
    ((1e6, -1.5, "2026-01-01", "2030-01-01"), "discount_rate must be > -1, got -1.5"),
    ((1e6, 0.08, "2026-01-01", "soon"), "end_date"),
    ((1e6, 0.08, "2026-01-01", "2030-01-01", 0), "terminal_cap_rate must be > 0"),
])
def test_bad_inputs_are_named(args, message):
    out = call("VAL_COST_NPV", *args)
    assert isinstance(out, CellError) and message in out, out
