"""The segment bridge and walk: identities, properties, embedded data, Excel functions, bad input."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from xlmodel.core import bridge
from xlmodel.data.embedded import company_quarters
from xlmodel.excel import CellError, call, get

# A quarter shaped like Core Scientific's, in whole USD (the vocabulary's units)
QUARTER = {
    "revenue.self_mining": 57_400_000, "revenue.hosted_mining": 8_700_000, "revenue.colocation": 15_000_000,
    "cost_of_revenue.self_mining": 52_000_000, "cost_of_revenue.hosted_mining": 7_400_000,
    "cost_of_revenue.colocation": 11_100_000, "depreciation_amortization": 0, "sga": 38_500_000,
    "impairment": 1_200_000, "other_operating_expense": 300_000, "digital_asset_fair_value_change": 16_000_000,
    "interest_expense": 4_100_000, "other_income": 900_000, "warrant_fair_value_change": -74_900_000,
    "income_tax": 250_000, "stock_based_compensation": 9_800_000, "adjustment.restructuring": 1_500_000,
}


def rows_of(items):
    return {r.key: r.value for r in bridge.bridge(bridge.check_items(items.items()))}


def test_arithmetic_of_the_issue():
    r = rows_of(QUARTER)
    assert r["gross_profit.colocation"] == 15_000_000 - 11_100_000
    assert r["gross_margin.colocation"] == pytest.approx(3_900_000 / 15_000_000)
    gross = 81_100_000 - 70_500_000
    assert r["gross_profit.total"] == gross
    operating = gross - 0 - 38_500_000 - 1_200_000 - 300_000 + 16_000_000
    assert r["operating_income"] == operating
    net = operating - 4_100_000 + 900_000 - 74_900_000 - 250_000
    assert r["net_income"] == net
    assert r["adjusted_ebitda"] == net + 250_000 + 4_100_000 + 0 + 1_200_000 + 9_800_000 + 74_900_000 + 1_500_000


def test_rows_read_like_an_income_statement():
    keys = [r.key for r in bridge.bridge(bridge.check_items(QUARTER.items()))]
    order = ["revenue.self_mining", "revenue.total", "revenue_share.colocation", "cost_of_revenue.total",
             "gross_profit.colocation", "gross_profit.total", "sga", "operating_income", "interest_expense",
             "net_income", "addback.stock_based_compensation", "adjusted_ebitda"]
    assert [keys.index(k) for k in order] == sorted(keys.index(k) for k in order)


def test_checks_against_reported_values():
    r = rows_of({**QUARTER, "reported.net_income": -86_550_000, "reported.adjusted_ebitda": 10_000_000})
    assert r["check.net_income"] == r["net_income"] + 86_550_000
    assert r["check.adjusted_ebitda"] == r["adjusted_ebitda"] - 10_000_000
    assert "check.gross_profit" not in r


amount = st.integers(min_value=0, max_value=10**10).map(float)
signed = st.integers(min_value=-(10**10), max_value=10**10).map(float)


@st.composite
def quarters(draw, segments=("self_mining", "hosted_mining", "colocation")):
    items = {}
    for seg in draw(st.lists(st.sampled_from(segments), min_size=1, unique=True)):
        items[f"revenue.{seg}"] = draw(amount)
        if draw(st.booleans()):
            items[f"cost_of_revenue.{seg}"] = draw(amount)
    for key in ("depreciation_amortization", "sga", "impairment", "interest_expense", "stock_based_compensation"):
        items[key] = draw(amount)
    for key in ("other_operating_expense", "digital_asset_fair_value_change", "other_income",
                "warrant_fair_value_change", "income_tax", "adjustment.one_off"):
        items[key] = draw(signed)
    return items


@given(quarters())
def test_identities_hold(items):
    r = rows_of(items)
    segs = bridge.segments(items)
    assert math.fsum(r[f"gross_profit.{s}"] for s in segs) == r["gross_profit.total"]
    assert math.fsum(r[f"revenue.{s}"] for s in segs) == r["revenue.total"]
    if r["revenue.total"]:
        assert math.fsum(r[f"revenue_share.{s}"] for s in segs) == pytest.approx(1.0)
    lines = [r[k] for k in bridge.OPERATING_LINES]
    assert r["operating_income"] == pytest.approx(r["gross_profit.total"] + math.fsum(lines), abs=1e-3)
    addbacks = [v for k, v in r.items() if k.startswith("addback.")]  # adjustments included
    assert r["addback.one_off"] == items["adjustment.one_off"]
    assert r["adjusted_ebitda"] == pytest.approx(r["net_income"] + math.fsum(addbacks), abs=1e-3)


@given(quarters(), quarters())
def test_walk_ties_exactly(prior, current):
    rows = bridge.walk(prior, current)
    start, changes, end = rows[0].value, [r.value for r in rows[1:-1]], rows[-1].value
    assert start + math.fsum(changes) == end  # whole-dollar inputs: exact
    assert start == rows_of(prior)["net_income"] and end == rows_of(current)["net_income"]


def test_walk_has_a_row_per_segment_of_either_period():
    prior = {"revenue.self_mining": 100.0, "cost_of_revenue.self_mining": 60.0}
    current = {"revenue.self_mining": 80.0, "revenue.colocation": 50.0, "cost_of_revenue.colocation": 20.0}
    keys = [r.key for r in bridge.walk(prior, current)]
    assert keys[1:3] == ["change.gross_profit.self_mining", "change.gross_profit.colocation"]
    values = {r.key: r.value for r in bridge.walk(prior, current)}
    assert values["change.gross_profit.colocation"] == 30.0 and values["change.gross_profit.self_mining"] == 40.0


def test_bridge_frame_has_periods_as_columns():
    frame = bridge.bridge_frame({"Q2": QUARTER, "Q3": {**QUARTER, "revenue.colocation": 20_000_000}})
    assert list(frame.columns) == ["label", "Q2", "Q3"]
    assert frame.loc["revenue.colocation", "Q3"] - frame.loc["revenue.colocation", "Q2"] == 5_000_000
    assert frame.loc["gross_profit.colocation", "label"] == "Gross profit: colocation"


def test_embedded_core_scientific_quarters_tie_to_reported_revenue_within_rounding():
    # Each release gives segment revenue and total revenue in millions to one decimal;
    # the segment sum and the total may differ by the rounding of three figures.
    quarters = company_quarters("CORZ")
    assert [q.period for q in quarters][:2] == ["Q1-24", "Q2-24"] and len(quarters) >= 8
    for q in quarters:
        r = rows_of(q.items)
        assert abs(r["check.revenue"]) <= 150_000, q.period
        assert q.source.startswith(("https://", "Core Scientific")), q.period
    q3 = next(q for q in quarters if q.period == "Q3-25")
    # the segment note's 14.95 M USD of colocation revenue is the release's "15.0 million"
    assert abs(rows_of(q3.items)["revenue.colocation"] - 15_000_000) <= 50_000


def itemised_to_gross_profit(quarter):
    segments = bridge.segments(quarter.items)
    return all(f"cost_of_revenue.{s}" in quarter.items for s in segments)


def test_embedded_core_scientific_quarters_reproduce_reported_gross_profit_within_rounding():
    # Release gross profit and self-mining revenue are in millions to one decimal (+-0.05 M each);
    # colocation revenue and cost, self-mining cost and hosted-mining gross profit come from the
    # segment note to two decimals (+-0.005 M each; hosted cost is its revenue minus that profit).
    tolerance = 2 * 50_000 + 4 * 5_000
    itemised = [q for q in company_quarters("CORZ") if itemised_to_gross_profit(q)]
    assert [q.period for q in itemised] == ["Q1-25", "Q2-25", "Q3-25", "Q4-25", "Q1-26"]
    for q in itemised:
        r = rows_of(q.items)
        if "reported.gross_profit" in q.items:  # Q1-26's release gross profit was not found: nothing to check
            assert abs(r["check.gross_profit"]) <= tolerance, (q.period, r["check.gross_profit"])
        assert r["gross_profit.total"] == pytest.approx(sum(r[f"gross_profit.{s}"] for s in bridge.segments(q.items)))
    q4 = rows_of(itemised[-2].items)  # Q4-2025: colocation 31.34 - 17.08 = 14.26 M USD of segment gross profit
    assert q4["gross_profit.colocation"] == pytest.approx(14_260_000)


def test_every_embedded_item_names_a_web_source_and_its_document():
    forms = set()
    for q in company_quarters("CORZ"):
        assert set(q.item_sources) <= set(q.items), q.period
        for key in q.items:
            source = q.source_of(key)
            assert source.url.startswith("https://") and " " not in source.url, (q.period, key)
            forms.add(source.form)
    # the company's own documents, and each third party named in the form it was read from
    assert {"results release", "10-Q segment note", "10-K segment note"} <= forms
    assert all(form.strip() for form in forms)


def test_reported_operating_income_checks_the_lines_above_it():
    r = rows_of({"revenue.colocation": 100.0, "cost_of_revenue.colocation": 40.0, "sga": 25.0,
                 "reported.operating_income": 36.0})
    assert r["operating_income"] == 35.0 and r["check.operating_income"] == -1.0


# --- the Excel functions -------------------------------------------------------------------------

def excel_args(items):
    return [[k] for k in items], [[v] for v in items.values()]


def test_segment_bridge_spills_three_columns():
    keys, values = excel_args(QUARTER)
    table = call("SEGMENT_BRIDGE", keys, values)
    assert table.shape[1] == 3
    by_key = {row[0]: row for row in table}
    assert by_key["gross_profit.colocation"][1] == "Gross profit: colocation"
    assert by_key["net_income"][2] == rows_of(QUARTER)["net_income"]


def test_segment_walk_through_call():
    keys, values = excel_args(QUARTER)
    current = [[v * 1.1 if isinstance(v, float) else v * 2] for v in QUARTER.values()]
    table = call("SEGMENT_WALK", keys, values, current)
    assert table[0, 0] == "net_income.prior" and table[-1, 0] == "net_income.current"
    assert table[0, 2] + sum(table[1:-1, 2]) == pytest.approx(table[-1, 2])


def test_blank_values_mean_absent_and_blank_rows_are_skipped():
    out = call("SEGMENT_BRIDGE", [["revenue.colocation"], ["sga"], [None], ["impairment"]],
               [[10.0], [None], [None], [2.0]])
    by_key = {row[0]: row[2] for row in out}
    assert by_key["sga"] == 0 and by_key["impairment"] == -2.0 and by_key["operating_income"] == 8.0


def test_zero_revenue_margin_is_an_empty_cell_not_an_error():
    """A company that reports no segment split has no segment revenue: its margins are left empty (a model that
    covers eleven companies must not fill its Bridge with #DIV/0!), while the amounts still add up."""
    out = call("SEGMENT_BRIDGE", [["revenue.colocation"], ["reported.revenue"]], [[0.0], [30.0]])
    rows = {row[0]: row[2] for row in out}
    assert rows["gross_margin.colocation"] == "" and rows["gross_margin.total"] == ""
    assert rows["check.revenue"] == -30.0


@pytest.mark.parametrize(
    "keys,values,message",
    [
        ([["revenue.colocation"], ["revenue_colocation"]], [[1], [2]], "unknown key 'revenue_colocation'"),
        ([["revenue.colocation"], ["revenue.colocation"]], [[1], [2]], "duplicate key revenue.colocation"),
        ([["cost_of_revenue.colocation"]], [[1]], "cost_of_revenue.colocation has no revenue.colocation"),
        ([["revenue.colocation"], ["sga"]], [[1], ["n/a"]], "values for sga must be a number, got text 'n/a'"),
        ([["revenue.colocation"], ["sga"]], [[1], [True]], "values for sga must be a number, got TRUE"),
        ([["revenue.colocation"], ["sga"]], [[1], [-5]], "sga must be >= 0 (revenues and expenses are positive)"),
        ([["revenue.colocation"], [None]], [[1], [5]], "row 2 of values has a value but item_keys is empty there"),
        ([["revenue.colocation"], ["sga"]], [[1]], "item_keys has 2 cells but values has 1"),
        ([["revenue.total"]], [[1]], "revenue.total: 'total' is computed"),
        ([["revenue.Colocation Services"]], [[1]], "unknown key 'revenue.Colocation Services'"),
    ],
)
def test_bad_input_names_the_key(keys, values, message):
    out = call("SEGMENT_BRIDGE", keys, values)
    assert isinstance(out, CellError) and message in out, out


def test_walk_bad_input_names_the_period():
    out = call("SEGMENT_WALK", [["revenue.colocation"], ["sga"]], [[1], [2]], [[1], ["x"]])
    assert isinstance(out, CellError) and "current_values for sga must be a number" in out


def test_signatures_are_the_contract():
    assert get("SEGMENT_BRIDGE").signature == "SEGMENT_BRIDGE(item_keys, values)"
    assert get("SEGMENT_WALK").signature == "SEGMENT_WALK(item_keys, prior_values, current_values)"


def test_numpy_inputs_work():
    keys = np.array([["revenue.colocation"], ["sga"]], dtype=object)
    out = call("SEGMENT_BRIDGE", keys, np.array([[10.0], [4.0]]))
    assert {row[0]: row[2] for row in out}["operating_income"] == 6.0


def test_amounts_beyond_a_float_and_blocks_of_other_shapes_are_named_errors():
    from xlmodel.excel import call

    huge = call("SEGMENT_BRIDGE", [["revenue.a"], ["revenue.b"]], [[1e308], [1e308]])
    assert huge == "#VALUE! values add up beyond what a number can hold (about 1e308 USD): check the amounts' units"
    shapes = call("SEGMENT_BRIDGE", [["revenue.a", "cost_of_revenue.a"], ["sga", "income_tax"]], [[10, 5, 1, 1]])
    assert shapes == "#VALUE! item_keys is a 2x2 range but values is 1x4: give the values in the keys' shape"
    row_for_column = call("SEGMENT_BRIDGE", [["revenue.a"], ["sga"]], [[10, 1]])
    assert row_for_column[0, 2] == 10  # one column of keys with one row of values still pairs up
