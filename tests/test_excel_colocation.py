"""The COLO_* Excel functions through ``xlmodel.excel.call``: dates, shapes, tables, bad input."""

import datetime as dt

import numpy as np
import pytest
from excel_samples import sample_args

from xlmodel.core import colocation as colo
from xlmodel.excel import CellError, call, get

CONTRACT = {
    "COLO_REVENUE_PER_MW": "revenue_usd, billable_mw, [periods_per_year=1.0]",
    "COLO_USD_PER_KW_MONTH": "usd_per_mw_year",
    "COLO_USD_PER_MW_YEAR": "usd_per_kw_month",
    "COLO_CONTRACT_REVENUE_PER_MW": "total_contract_value_usd, term_years, mw",
    "COLO_ANNUALIZED_REVENUE": "billable_mw, usd_per_kw_month",
    "COLO_CRITICAL_IT_MW": "gross_mw, [gross_to_it_ratio=1.4]",
    "COLO_BILLABLE_MW": "rfs_dates, mw_blocks, as_of_dates",
    "COLO_REVENUE_SCHEDULE": "rfs_dates, mw_blocks, usd_per_kw_month, period_starts, period_ends, "
    "[annual_escalator=0.0]",
}


@pytest.mark.parametrize("name,args", CONTRACT.items())
def test_names_and_argument_order_are_the_contract(name, args):
    assert get(name).signature == f"{name}({args})"


def test_peer_table_leads_with_the_contract_columns():
    assert [a.name for a in get("COLO_PEER_TABLE").args][:6] == [
        "operators", "tenants", "mw", "basis", "term_years", "total_value_usd"]


def test_quarter_revenue_per_mw():
    # Q3-2025 colocation revenue 15.0 M USD (Core Scientific release) over 48 billable MW
    assert call("COLO_REVENUE_PER_MW", 15.0e6, 48, 4) == pytest.approx(1.25e6)
    out = call("COLO_REVENUE_PER_MW", [[10.6e6, 15.0e6]], [[40, 48]], 4)
    np.testing.assert_allclose(out, [[1.06e6, 1.25e6]])


SERIAL_2025_06_30 = 45838  # Excel serial of 30 June 2025


@pytest.mark.parametrize(
    "as_of",
    [SERIAL_2025_06_30, float(SERIAL_2025_06_30) + 0.75, dt.date(2025, 6, 30), dt.datetime(2025, 6, 30, 18),
     "2025-06-30", np.datetime64("2025-06-30")],
    ids=["serial", "serial with time", "date", "datetime", "iso text", "datetime64"],
)
def test_dates_in_every_form_excel_sends(as_of):
    assert call("COLO_BILLABLE_MW", [["2025-05-31"], ["2025-06-30"]], [[8], [40]], as_of) == 48


def test_billable_mw_has_the_shape_of_as_of_dates():
    rfs, mw = sample_args(get("COLO_BILLABLE_MW"))[:2]
    out = call("COLO_BILLABLE_MW", rfs, mw, [["2025-05-30"], ["2025-06-01"], ["2025-07-01"], ["2026-01-01"]])
    assert out.shape == (4, 1)
    np.testing.assert_array_equal(out.ravel(), [0, 8, 48, 250])


def test_blank_rows_of_a_schedule_are_skipped():
    out = call("COLO_BILLABLE_MW", [["2025-05-31"], [None], ["2025-06-30"], [""]], [[8], [None], [40], [None]],
               "2026-01-01")
    assert out == 48


def test_revenue_schedule_by_quarter_matches_the_core():
    args = sample_args(get("COLO_REVENUE_SCHEDULE"))
    out = call("COLO_REVENUE_SCHEDULE", *args)
    expected = colo.revenue_schedule(["2025-05-31", "2025-06-30", "2025-12-31"], [8, 40, 202], 120,
                                     ["2025-04-01", "2025-07-01", "2025-10-01"],
                                     ["2025-06-30", "2025-09-30", "2025-12-31"], 0.03)
    assert out.shape == (3, 1)
    np.testing.assert_allclose(out.ravel(), expected)


def test_revenue_schedule_takes_one_rate_per_block():
    out = call("COLO_REVENUE_SCHEDULE", [["2025-01-01"], ["2025-01-01"]], [[10], [10]], [[100], [140]],
               "2025-01-01", "2025-12-31")
    assert out == pytest.approx(10_000 * 12 * (100 + 140))


def test_revenue_schedule_result_is_shaped_like_period_ends():
    out = call("COLO_REVENUE_SCHEDULE", [["2025-01-01"]], [[10]], 120, [["2025-01-01", "2025-04-01"]],
               [["2025-03-31", "2025-06-30"]])
    assert out.shape == (1, 2)


def test_peer_table_flags_gross_and_averages_it_only():
    table = call("COLO_PEER_TABLE", *sample_args(get("COLO_PEER_TABLE")))
    assert list(table[0][:3]) == ["operator", "tenant", "MW"]
    bases = list(table[1:4, 3])
    assert bases == ["IT", "IT", "gross"]  # IT-basis rows first
    gross = table[3]
    assert "not comparable" in gross[-1]
    assert gross[8] == pytest.approx(gross[6] * 1.4)  # IT-equivalent at the default ratio
    avg = table[4]
    assert avg[0].startswith("IT-basis")
    assert avg[6] == pytest.approx((8.7e9 / 12 + 3.7e9 / 10) / 700)  # MW-weighted, gross row excluded
    assert table[1][7] == pytest.approx(8.7e9 / 12 / 500 / 12_000)


@pytest.mark.parametrize(
    "args,message",
    [
        ((["2025-05-31"], [[-8]], "2026-01-01"), "mw_blocks must be >= 0, got -8"),
        (([["2025-05-31"], ["2025-06-30"]], [[8]], "2026-01-01"),
         "rfs_dates has 2 cells but mw_blocks has 1: give one MW figure per RFS date"),
        (([["2025-13-45"]], [[8]], "2026-01-01"), "rfs_dates must be a date such as 2025-06-30, got text '2025-13-45'"),
        (([["2025-05-31"]], [[8]], "soon"), "as_of_dates must be a date such as 2025-06-30, got text 'soon'"),
        (([["2025-05-31"]], [[8]], 12), "as_of_dates must be a date (an Excel serial from 61"),
        (([["2025-05-31"]], [[8]], True), "as_of_dates must be a date, got TRUE"),
        (([["2025-05-31"], [None]], [[8], [3]], "2026-01-01"), "rfs_dates is empty for block 2, which has 3 MW"),
    ],
)
def test_billable_mw_bad_input(args, message):
    out = call("COLO_BILLABLE_MW", *args)
    assert isinstance(out, CellError) and message in out, out


def test_a_bad_as_of_date_spoils_only_its_cell():
    out = call("COLO_BILLABLE_MW", [["2025-05-31"]], [[8]], [["2026-01-01", "later", "2024-01-01"]])
    assert out[0, 0] == 8 and out[0, 2] == 0
    assert isinstance(out[0, 1], CellError)


def test_schedule_bad_input():
    rfs, mw = [["2025-01-01"]], [[10]]
    single = call("COLO_REVENUE_SCHEDULE", rfs, mw, 120, "2025-04-01", "2025-03-31")
    assert "period_ends must be on or after period_starts, got 2025-03-31 before 2025-04-01" in single
    mixed = call("COLO_REVENUE_SCHEDULE", rfs, mw, 120, [["2025-01-01"], ["2025-04-01"]],
                 [["2025-03-31"], ["2025-03-01"]])
    assert isinstance(mixed[1, 0], CellError) and mixed[0, 0] == pytest.approx(10_000 * 120 * 12 * 90 / 365)
    assert "must have one start per end" in call("COLO_REVENUE_SCHEDULE", rfs, mw, 120,
                                                 [["2025-01-01", "2025-04-01"]], "2025-03-31")
    assert "give one rate, or one per block (1)" in call("COLO_REVENUE_SCHEDULE", rfs, mw, [[1, 2]], "2025-01-01",
                                                         "2025-03-31")
    assert "annual_escalator must be between 0 and 1, got 3" in call("COLO_REVENUE_SCHEDULE", rfs, mw, 120,
                                                                     "2025-01-01", "2025-03-31", 3)


def test_peer_table_bad_input():
    args = sample_args(get("COLO_PEER_TABLE"))
    bad_basis = list(args)
    bad_basis[3] = [["IT"], ["hall"], ["gross"]]
    assert "basis must be 'IT' or 'gross', got 'hall' (contract 2)" in call("COLO_PEER_TABLE", *bad_basis)
    zero_term = list(args)
    zero_term[4] = [[12], [0], [15]]
    assert "term_years must be > 0, got 0 (contract 2)" in call("COLO_PEER_TABLE", *zero_term)
    short = list(args)
    short[2] = [[500], [200]]
    assert "mw has 2 cells but operators has 3" in call("COLO_PEER_TABLE", *short)


def test_zero_term_contract_value():
    out = call("COLO_CONTRACT_REVENUE_PER_MW", 8.7e9, 0, 500)
    assert isinstance(out, CellError) and "term_years must be > 0, got 0" in out


def test_a_rate_on_a_skipped_blank_schedule_row_may_be_blank_too():
    rfs, mw = [["2025-01-01"], ["2025-06-01"], [None]], [[100], [50], [None]]
    with_blank = call("COLO_REVENUE_SCHEDULE", rfs, mw, [[120], [130], [None]], [["2025-01-01"]], [["2025-12-31"]])
    without = call("COLO_REVENUE_SCHEDULE", rfs[:2], mw[:2], [[120], [130]], [["2025-01-01"]], [["2025-12-31"]])
    assert with_blank == pytest.approx(without)
    missing = call("COLO_REVENUE_SCHEDULE", rfs, mw, [[120], [None], [None]], [["2025-01-01"]], [["2025-12-31"]])
    assert missing == "#VALUE! usd_per_kw_month is empty for block 2, which has an RFS date and MW"


def test_revenue_beyond_a_float_is_a_named_error_not_infinity():
    got = call("COLO_REVENUE_SCHEDULE", [["2025-01-01"]], [[100]], 1e308, [["2025-01-01"]], [["2025-12-31"]])
    assert got.startswith("#VALUE! revenue is beyond what a number can hold") and "usd_per_kw_month" in got
