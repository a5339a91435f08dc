"""Per-block escalators: a lease portfolio whose leases step at different rates (Hut 8's River Bend at 3%, others
flat) is the sum of its blocks, each valued alone at its own escalator."""

from __future__ import annotations

import datetime as dt

import pytest

from xlmodel.excel import CellError, call

RFS = [[dt.date(2026, 1, 1)], [dt.date(2026, 6, 30)], [dt.date(2027, 3, 31)]]
MW, RATE, TERM, ESC = [[10], [20], [5]], [[100], [120], [150]], [[10], [12], [15]], [[0.03], [0.0], [0.025]]


def _alone(i: int, fn: str, rest):
    return call(fn, [RFS[i]], [MW[i]], [RATE[i]], *rest(i))


def test_lease_npv_with_one_escalator_per_block_is_the_sum_of_the_blocks_alone():
    together = call("VAL_LEASE_NPV", RFS, MW, RATE, 0.85, 0.08, TERM, dt.date(2026, 3, 1), ESC, 0.065)
    alone = sum(_alone(i, "VAL_LEASE_NPV", lambda i: (0.85, 0.08, [TERM[i]], dt.date(2026, 3, 1), ESC[i][0], 0.065))
                for i in range(3))
    assert together == pytest.approx(alone, rel=1e-12)


def test_revenue_schedule_with_one_escalator_per_block_is_the_sum_of_the_blocks_alone():
    starts, ends = [[dt.date(y, 1, 1)] for y in range(2026, 2031)], [[dt.date(y, 12, 31)] for y in range(2026, 2031)]
    together = call("COLO_REVENUE_SCHEDULE", RFS, MW, RATE, starts, ends, ESC)
    alone = sum(_alone(i, "COLO_REVENUE_SCHEDULE", lambda i: (starts, ends, ESC[i][0])) for i in range(3))
    assert together == pytest.approx(alone, rel=1e-12)


def test_a_bad_escalator_names_its_block():
    out = call("VAL_LEASE_NPV", RFS, MW, RATE, 0.85, 0.08, TERM, dt.date(2026, 3, 1), [[0.03], [-0.1], [0]], 0.065)
    assert isinstance(out, CellError) and "annual_escalator" in out and "block 2" in out, out
    out = call("COLO_REVENUE_SCHEDULE", RFS, MW, RATE, [[dt.date(2026, 1, 1)]], [[dt.date(2026, 12, 31)]],
               [[0.03], [0.0]])
    assert isinstance(out, CellError) and "annual_escalator has 2 cells" in out, out
