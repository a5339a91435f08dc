"""SCN_FIT_VOLATILITY and SCN_FIT_GROWTH against the same statistic built from Excel's own functions
(STDEV.S, LN, SLOPE, EXP) as the formula engine computes them, and their bad inputs."""

from __future__ import annotations

import datetime as dt

import numpy as np
import openpyxl
import pytest

from xlmodel.calc import engine
from xlmodel.excel import CellError, call

RNG = np.random.default_rng(2026)
CLOSES = 80_000 * np.exp(np.cumsum(RNG.normal(0, 0.45 / np.sqrt(365), 200)))
DAYS = [dt.date(2025, 1, 1) + dt.timedelta(days=int(d)) for d in np.cumsum(RNG.integers(1, 20, 40))]
HASHRATE = [900 * 1.5 ** ((d - DAYS[0]).days / 365.25) * np.exp(RNG.normal(0, 0.03)) for d in DAYS]


def test_both_fits_equal_excels_own_formulas(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    for i, c in enumerate(CLOSES, start=1):
        ws.cell(i, 1, float(c))
        if i > 1:
            ws.cell(i, 2, f"=LN(A{i}/A{i - 1})")
    for i, (d, h) in enumerate(zip(DAYS, HASHRATE), start=1):
        ws.cell(i, 4, d)
        ws.cell(i, 5, float(h))
        ws.cell(i, 6, f"=LN(E{i})")
    ws["H1"] = f"=STDEV.S(B2:B{len(CLOSES)})*SQRT(365)"
    ws["H2"] = f"=EXP(365.25*SLOPE(F1:F{len(DAYS)},D1:D{len(DAYS)}))-1"
    path = tmp_path / "fits.xlsx"
    wb.save(path)
    calc = engine.calculate(path)
    assert call("SCN_FIT_VOLATILITY", [[float(c)] for c in CLOSES[:100]] + [[None]] + [[float(c)] for c in
                                                                                        CLOSES[100:]]) == \
        pytest.approx(calc.values[("Sheet", "H1")], rel=1e-12)  # a blank row is skipped
    assert call("SCN_FIT_GROWTH", [[d] for d in DAYS], [[float(h)] for h in HASHRATE]) == \
        pytest.approx(calc.values[("Sheet", "H2")], rel=1e-12)


def test_a_steady_series_fits_its_own_rate():
    days = [[dt.date(2025, 1, 1) + dt.timedelta(days=30 * i)] for i in range(13)]
    assert call("SCN_FIT_GROWTH", days, [[800 * 1.4 ** (30 * i / 365.25)] for i in range(13)]) == pytest.approx(0.4)


@pytest.mark.parametrize(("name", "args", "message"), [
    ("SCN_FIT_VOLATILITY", ([[1.0], [2.0]],), "price_history_usd must hold at least 93 daily closes"),
    ("SCN_FIT_VOLATILITY", ([[1.0]] * 99 + [["n/a"]],), "price_history_usd"),
    ("SCN_FIT_GROWTH", ([["2025-01-01"], ["2025-02-01"]], [[1.0], [2.0]]), "at least 3 dated observations"),
    ("SCN_FIT_GROWTH", ([["2025-01-01"]] * 3, [[1.0], [2.0], [3.0]]), "dates must not all be the same day"),
    ("SCN_FIT_GROWTH", ([["2025-01-01"], ["2025-02-01"], ["2025-03-01"]], [[1.0], [2.0]]), "give one value per date"),
    ("SCN_FIT_GROWTH", ([["2025-01-01"], ["2025-02-01"], ["2025-03-01"]], [[1.0], [0.0], [3.0]]),
     "values must be > 0, got 0 (row 2)"),
])
def test_bad_inputs_are_named(name, args, message):
    out = call(name, *args)
    assert isinstance(out, CellError) and message in out, out
