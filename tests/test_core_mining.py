"""Core mining formulas against published figures, plus invariants (hypothesis)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from xlmodel.core import mining

# Each row: inputs, expected, relative tolerance, source of the expected figure.
PUBLISHED = [
    # domain.md section 2: "difficulty 155e12 gives about 1,109.5 EH/s"
    (mining.hashrate_from_difficulty, (155e12,), 1109.5, 1e-4),
    # domain.md section 2: BTC 70,000 USD, 1,000 EH/s, 3.125 + 0.03 BTC/block -> about 31.8 USD/PH/day
    (mining.hashprice, (70_000, 1_000, 0.03, 3.125), 31.8, 2e-3),
    # domain.md section 2: 20 J/TH, 50 USD/MWh, 1,000 EH/s, 3.155 BTC/block -> about 52,800 USD/BTC
    (mining.power_cost_per_btc, (20, 50, 1_000, 0.03, 3.125, 0.0), 52_800, 1e-3),
    # hashcost: 1 PH/s at 20 J/TH draws 20 kW; a day is 0.48 MWh, at 50 USD/MWh 24 USD
    (mining.hashcost, (20, 50), 24.0, 1e-12),
    # fleet power: 10 EH/s at 20 J/TH = 1e7 TH/s * 20 W = 200 MW
    (mining.fleet_power_mw, (10, 20), 200.0, 1e-12),
]


@pytest.mark.parametrize("func,args,expected,rtol", PUBLISHED, ids=lambda v: getattr(v, "__name__", None))
def test_published_figures(func, args, expected, rtol):
    assert float(func(*args)) == pytest.approx(expected, rel=rtol)


@pytest.mark.parametrize(
    "height,subsidy",
    [
        (0, 50.0),
        (209_999, 50.0),
        (210_000, 25.0),
        (839_999, 6.25),
        (840_000, 3.125),  # 20 Apr 2024 halving, domain.md section 2
        (1_049_999, 3.125),
        (1_050_000, 1.5625),  # the 2028 halving
        (32 * 210_000, 1e-8),  # 5,000,000,000 sat >> 32 is the last single satoshi
        (33 * 210_000, 0.0),
        (64 * 210_000, 0.0),  # zero from the 64th halving on
        (100 * 210_000, 0.0),
    ],
)
def test_block_subsidy_schedule(height, subsidy):
    assert mining.block_subsidy(height) == subsidy


def test_subsidy_is_whole_satoshis():
    # 10th halving: 5e9 >> 10 = 4,882,812.5 sat, truncated to 4,882,812 sat
    assert mining.block_subsidy(10 * 210_000) == 4_882_812 / 1e8


def test_core_broadcasts():
    prices = np.array([[60_000.0], [80_000.0]])
    hashrates = np.array([[900.0, 1_000.0, 1_100.0]])
    out = mining.hashprice(prices, hashrates, 0.03)
    assert out.shape == (2, 3)
    assert out[1, 1] == pytest.approx(float(mining.hashprice(80_000, 1_000, 0.03)))


def test_core_scientific_fy2024_cash_cost_top_down():
    # Core Scientific FY-2024 10-K self-mining segment (USD thousands): power fees 160,833;
    # BTC self-mined 2,825 + 1,680 + 1,115 + 974 = 6,594 -> about 24,391 USD of power per BTC.
    btc = 2_825 + 1_680 + 1_115 + 974
    power = 160_833_000
    assert float(mining.cash_cost_per_btc(btc, power)) == pytest.approx(24_391, rel=1e-4)
    # Adding facility operations (13,274) and other (5,600) as other direct cash costs:
    cost = float(mining.cash_cost_per_btc(btc, power, 0, 13_274_000 + 5_600_000))
    assert cost == pytest.approx((160_833 + 13_274 + 5_600) * 1_000 / btc)
    # All-in adds depreciation 108,499:
    all_in = float(mining.all_in_cost_per_btc(btc, power, 0, 0, 0, 108_499_000))
    assert all_in == pytest.approx((160_833 + 108_499) * 1_000 / btc)


def test_cost_grid_matches_pointwise():
    grid = mining.cost_grid([30, 50, 70], [800, 1_000], 18, 0.03)
    assert grid.shape == (3, 2)
    assert grid[2, 0] == pytest.approx(float(mining.power_cost_per_btc(18, 70, 800, 0.03)))


positive = st.floats(min_value=1e-3, max_value=1e6, allow_nan=False, allow_infinity=False)
fraction = st.floats(min_value=0.0, max_value=0.5)


@given(eff=positive, power=positive, net=positive, fees=st.floats(0, 5), bump=st.floats(1.01, 10))
def test_power_cost_rises_with_power_price_and_hashrate_and_falls_with_fees(eff, power, net, fees, bump):
    base = mining.power_cost_per_btc(eff, power, net, fees)
    assert mining.power_cost_per_btc(eff, power * bump, net, fees) > base
    assert mining.power_cost_per_btc(eff, power, net * bump, fees) > base
    assert mining.power_cost_per_btc(eff, power, net, fees + bump) < base


@given(price=positive, net=positive, fees=st.floats(0, 5), k=st.floats(0.01, 100))
def test_hashprice_linear_in_price(price, net, fees, k):
    assert mining.hashprice(price * k, net, fees) == pytest.approx(k * mining.hashprice(price, net, fees), rel=1e-12)


@given(price=positive, eff=positive, net=positive, fees=st.floats(0, 5), pool=fraction)
def test_breakeven_power_price_makes_revenue_equal_cost(price, eff, net, fees, pool):
    p_star = mining.breakeven_power_price(price, eff, net, fees, 3.125, pool)
    revenue = mining.hashprice(price, net, fees) * (1 - pool)
    assert mining.hashcost(eff, p_star) == pytest.approx(revenue, rel=1e-9)
    # and at that power price, power cost per BTC is the BTC price
    assert mining.power_cost_per_btc(eff, p_star, net, fees, 3.125, pool) == pytest.approx(price, rel=1e-9)


@given(eff=positive, power=positive, net=positive, other=st.floats(0, 1e5))
def test_breakeven_price_is_cost_per_btc_plus_other(eff, power, net, other):
    assert mining.breakeven_btc_price(eff, power, net, 0.0, 3.125, 0.0, other) == pytest.approx(
        mining.power_cost_per_btc(eff, power, net) + other, rel=1e-12
    )


@given(n=st.integers(min_value=0, max_value=70))
def test_subsidy_halves_exactly_at_multiples_of_210000(n):
    before = mining.block_subsidy(n * 210_000 - 1) if n > 0 else None
    at = mining.block_subsidy(n * 210_000)
    if n == 0:
        assert at == 50.0
    elif n < 64:
        assert round(at * 1e8) == round(before * 1e8) >> 1
    else:
        assert at == 0.0
    assert mining.block_subsidy(n * 210_000 + 209_999) == at


@given(fleet=positive, net=positive, days=st.floats(1, 365), pool=fraction, uptime=st.floats(0, 1))
def test_btc_mined_is_share_of_network_reward(fleet, net, days, pool, uptime):
    mined = mining.btc_mined(fleet, net, days, 0.0, 3.125, uptime, pool)
    assert mined == pytest.approx(fleet / net * 144 * days * 3.125 * (1 - pool) * uptime, rel=1e-12)
