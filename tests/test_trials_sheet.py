"""The Trials sheet and the Valuation sheet's distribution block, recalculated headlessly (issue 28).

On Riot, whose inputs are all sourced: the columns add up trial by trial, value per share is
VAL_VALUE_PER_SHARE of the equity column, the statistics are Excel's over the trials, the tornado
bars come from the same trials, and the scenario parameters switch to values fitted to history.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from openpyxl.utils import range_boundaries
from workbook_helpers import range_values

from xlmodel.calc import engine, typed_inputs
from xlmodel.data import embedded
from xlmodel.excel import call
from xlmodel.template.distribution import DRIVERS
from xlmodel.template.peers import PEERS
from xlmodel.template.trials import COVERAGE_PATHS, MODEL_PATHS

TICKER = "RIOT"


@pytest.fixture(scope="module")
def riot(template, tmp_path_factory):
    path = tmp_path_factory.mktemp("trials") / "riot.xlsx"
    typed_inputs.set_inputs(template, path, {"model_ticker": TICKER, "model_override_ticker": TICKER})
    return engine.calculate(path)


def _column(calc, name: str) -> np.ndarray:
    return np.array(range_values(calc, name), dtype=float)


def test_the_parts_add_up_trial_by_trial_into_value_per_share(riot):
    n = riot.names
    parts = {name: _column(riot, name) for name in ("trial_leases_usd", "trial_pipeline_usd", "trial_mining_usd",
                                                    "trial_btc_usd", "trial_equity_usd", "trial_value_per_share")}
    assert all(v.shape == (MODEL_PATHS,) for v in parts.values())
    assert np.allclose(parts["trial_btc_usd"], n["val_btc_held"] * _column(riot, "trial_btc_price"), rtol=1e-12)
    equity = (parts["trial_leases_usd"] + parts["trial_pipeline_usd"] + parts["trial_mining_usd"] + parts["trial_btc_usd"]
              + n["val_corporate_usd"] - n["val_net_debt_notes_as_debt"])
    assert np.allclose(parts["trial_equity_usd"], equity, rtol=1e-12)
    notes = [(i.principal_usd, i.conversion_price_usd) for i in embedded.instruments(TICKER)
             if i.principal_usd is not None and i.conversion_price_usd is not None]
    expected = call("VAL_VALUE_PER_SHARE", [[e] for e in equity], n["val_basic_shares"], None, None,
                    [[p] for p, _ in notes], [[c] for _, c in notes])
    assert np.allclose(parts["trial_value_per_share"], np.ravel(expected), rtol=1e-12)
    assert parts["trial_leases_usd"].max() <= n["val_leases_usd"] * (1 + 1e-9)  # a slip never adds value


def test_the_statistics_are_excels_over_the_trials(riot):
    n, value = riot.names, _column(riot, "trial_value_per_share")
    for q in (5, 25, 50, 75, 95):
        assert n[f"val_value_p{q}"] == pytest.approx(np.percentile(value, q), rel=1e-12)  # PERCENTILE.INC
    assert n["val_value_mean"] == pytest.approx(value.mean(), rel=1e-12)
    assert n["val_p_above_price"] == pytest.approx((value > n["val_share_price"]).mean(), abs=1e-12)
    counts = np.array(range_values(riot, "val_histogram"), dtype=object).reshape(-1, 4)[:, 2].astype(float)
    assert counts.sum() == MODEL_PATHS  # every trial in one bin, the tails in the end bins


def test_the_flat_btc_price_is_the_mean_and_its_median_falls_with_volatility(riot):
    n = riot.names
    years = n["val_mining_years"]
    drag = math.exp(-n["scn_volatility"] ** 2 / 2 * years)  # GBM at zero drift: median / mean
    assert n["btc_price_median_usd"] == pytest.approx(n["btc_price_usd"] * drag, rel=0.03)
    assert n["btc_price_median_usd"] < n["btc_price_usd"]


def test_every_covered_company_that_computes_has_its_probability_and_median(riot):
    tickers = [t for t, _ in PEERS]
    value = dict(zip(tickers, range_values(riot, "cov_value_per_share")))
    p_above = dict(zip(tickers, range_values(riot, "cov_p_above_price")))
    p50 = dict(zip(tickers, range_values(riot, "cov_value_p50")))
    price = dict(zip(tickers, range_values(riot, "cov_share_price")))
    computing = [t for t in tickers if isinstance(value[t], float)]
    assert len(computing) >= 5
    for t in computing:
        trials = _column(riot, f"cov_trials_{t.lower()}")
        assert trials.shape == (COVERAGE_PATHS,)
        assert p_above[t] == pytest.approx((trials > price[t]).mean(), abs=1e-12)
        assert p50[t] == pytest.approx(np.percentile(trials, 50), rel=1e-12)
    for t in set(tickers) - set(computing):
        assert p_above[t] == "" and p50[t] == ""  # empty, with what is missing beside it


def test_the_tornado_moves_one_driver_at_a_time_from_one_base(riot):
    rows = np.array(range_values(riot, "val_tornado"), dtype=object).reshape(len(DRIVERS), 7)
    base = riot.names["val_tornado_base"]
    assert isinstance(base, float)
    low, high = rows[:, 4].astype(float), rows[:, 5].astype(float)
    by_driver = {label: (lo, hi) for (label, *_), lo, hi in zip(DRIVERS, low, high)}
    # Riot's corporate costs outweigh its one small lease, so a lower rate lowers its value: the sign is the
    # company's, the bar only has to move
    assert by_driver["Discount rate"][0] != by_driver["Discount rate"][1]
    assert by_driver["NOI margin"][0] < base < by_driver["NOI margin"][1]  # a richer lease, more value
    assert by_driver["BTC price (x today's)"][0] < base < by_driver["BTC price (x today's)"][1]
    assert by_driver["Power price (x the company's)"][0] >= base >= by_driver["Power price (x the company's)"][1]
    assert np.allclose(rows[:, 6].astype(float), np.abs(high - low))


def test_the_tornado_chart_lists_every_driver_once_widest_first(riot):
    rows = np.array(range_values(riot, "val_tornado"), dtype=object).reshape(len(DRIVERS), 7)
    labels = [label for label, *_ in DRIVERS]  # typed text: the engine's values hold formula cells only
    swing = dict(zip(labels, rows[:, 6].astype(float)))
    ranked = np.array(range_values(riot, "val_tornado_sorted"), dtype=object).reshape(len(DRIVERS), 3)
    assert sorted(ranked[:, 0]) == sorted(swing)  # each once
    assert [swing[d] for d in ranked[:, 0]] == sorted(swing.values(), reverse=True)
    base = riot.names["val_tornado_base"]
    by_driver = {d: (lo, hi) for d, lo, hi in zip(labels, rows[:, 4].astype(float), rows[:, 5].astype(float))}
    for driver, low_less_base, high_less_base in ranked:
        assert low_less_base == pytest.approx(by_driver[driver][0] - base)
        assert high_less_base == pytest.approx(by_driver[driver][1] - base)


def test_drivers_that_swing_alike_each_keep_their_place(template, tmp_path):
    """Low = high for three drivers: three swings of 0, each listed once (a tie-break on ROW()/1E9 listed the
    first of them three times in the headless engine)."""
    first = range_boundaries(_defined_ref(template, "val_tornado").replace("$", ""))[1]
    tied = {"Terminal cap rate", "NOI margin", "RFS slip, mean (months)"}
    cells = {"model_ticker": TICKER}
    for k, (label, *_rest) in enumerate(DRIVERS):
        if label in tied:
            cells[f"Valuation!C{first + k}"] = _rest[1]  # high typed as the low
    path = tmp_path / "ties.xlsx"
    typed_inputs.set_inputs(template, path, cells)
    calc = engine.calculate(path)
    ranked = np.array(range_values(calc, "val_tornado_sorted"), dtype=object).reshape(len(DRIVERS), 3)
    assert sorted(ranked[:, 0]) == sorted(label for label, *_ in DRIVERS)
    assert set(ranked[-3:, 0]) == tied


def _defined_ref(path, name: str) -> str:
    import zipfile

    from xlmodel.calc.typed_inputs import _defined_names

    with zipfile.ZipFile(path) as zf:
        return _defined_names(zf)[name.lower()].rsplit("!", 1)[1]


def test_parameters_fitted_to_history_are_used_when_the_switch_says_so(template, tmp_path):
    rng = np.random.default_rng(5)
    closes = 70_000 * np.exp(np.cumsum(rng.normal(0, 0.6 / math.sqrt(365), 150)))
    cells = {f"Data_Prices!K{i + 2}": float(c) for i, c in enumerate(closes)}
    days = [46000 + 30 * i for i in range(8)]
    cells.update({f"Data_Network!G{i + 2}": float(d) for i, d in enumerate(days)})
    cells.update({f"Data_Network!H{i + 2}": 900.0 * 1.3 ** (30 * i / 365.25) for i in range(8)})
    cells.update({"scn_volatility_source": "fitted", "scn_network_growth_source": "fitted"})
    path = tmp_path / "fitted.xlsx"
    typed_inputs.set_inputs(template, path, cells)
    n = engine.calculate(path).names
    assert n["scn_volatility_fitted"] == pytest.approx(call("SCN_FIT_VOLATILITY", [[float(c)] for c in closes]))
    assert n["scn_volatility"] == n["scn_volatility_fitted"] != n["scn_volatility_typed"]
    assert n["scn_network_growth"] == n["scn_network_growth_fitted"] == pytest.approx(0.3)
    assert n["val_network_growth"] == n["scn_network_growth"]  # the valuation's mining follows the switch
