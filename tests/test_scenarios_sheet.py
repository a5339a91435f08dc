"""The template's Scenarios sheet, recalculated headlessly: the fans, the halving, RFS slips against the plan."""

from __future__ import annotations

import datetime as dt

import numpy as np
import openpyxl
import pytest
from openpyxl.utils.cell import get_column_letter, range_boundaries

from xlmodel.core import mining
from xlmodel.data import embedded
from xlmodel.excel import call
from xlmodel.template.colocation import QUARTERS
from xlmodel.template.scenarios import MONTHS


@pytest.fixture(scope="module")
def table(template, calculated):
    book = openpyxl.load_workbook(template)

    def read(name: str) -> np.ndarray:
        sheet, ref = next(iter(book.defined_names[name].destinations))
        c1, r1, c2, r2 = range_boundaries(ref.replace("$", ""))
        return np.array([[calculated.value(sheet, f"{get_column_letter(c)}{r}") for c in range(c1, c2 + 1)]
                         for r in range(r1, r2 + 1)], dtype=float)
    return read


def test_the_price_fan_is_the_function_on_the_sheets_inputs(table, calculated):
    n = calculated.names
    fan = table("scn_btc_price")
    assert fan.shape == (MONTHS, 6)
    expected = call("SCN_BTC_PRICE", n["btc_price_usd"], n["scn_volatility"], MONTHS, n["scn_paths"], n["scn_seed"],
                    n["scn_drift"])
    np.testing.assert_allclose(fan, expected, rtol=1e-12)
    assert (np.diff(fan[:, 1:], axis=1) > 0).all()  # P5 < P25 < ... < P95 every month


def test_the_2028_halving_shows_in_the_margin_and_the_share_of_negative_months(table, calculated):
    height = calculated.names["block_height"]
    halving_month = int((mining.HALVING_INTERVAL_BLOCKS * 5 - height) // mining.BLOCKS_PER_MONTH) + 1
    assert 1 < halving_month < MONTHS - 1
    for name in ("scn_margin", "scn_margin_stress"):
        margin = table(name)
        median, negative = margin[:, 3], margin[:, -1]
        drop = median[halving_month - 2] - median[halving_month]  # the months around the halving
        usual = (median[0] - median[halving_month - 2]) / (halving_month - 2)  # the average month before it
        assert drop > 3 * usual > 0, name
        assert negative[halving_month] > negative[halving_month - 2] and 0 <= negative.min() <= negative.max() <= 1
    assert table("scn_margin_stress")[0, 1] < table("scn_margin")[0, 1]  # a wider spread: a lower P5


def test_slips_never_raise_a_quarter_above_the_plan_and_delivered_blocks_do_not_move(table, calculated):
    plan, slipped = table("scn_colo_plan")[:, 0], table("scn_colo_revenue")
    assert (slipped <= plan[:, None] * (1 + 1e-12) + 1e-6).all()
    # the quarters that end before the first block not billing by the valuation date: nothing in them can slip
    valuation = dt.date(1899, 12, 30) + dt.timedelta(days=int(calculated.names["val_valuation_date"]))
    first_slip = min(dt.date.fromisoformat(lease.rfs_date) for lease in embedded.leases("CORZ")
                     if dt.date.fromisoformat(lease.rfs_date) > valuation)
    held = sum(1 for year, q in QUARTERS if dt.date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1) <= first_slip)
    assert held >= 8
    np.testing.assert_allclose(slipped[:held], np.repeat(plan[:held, None], 5, 1))
    assert slipped[held + 1, 0] < plan[held + 1]  # the later blocks slip into the quarters after
