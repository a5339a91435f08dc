"""Mining benchmark: core functions against hand-written numpy, and array vs scalar calls.

Run by hand (never part of the test suite):  python benchmarks/bench_mining.py
Figures are ratios within one run, because the machines are shared and noisy.
Aims: each core function within 1.5x of raw numpy; one array call through
``xlmodel.excel.call`` at least 100x faster than the same work as scalar calls.
"""

from __future__ import annotations

import timeit

import numpy as np

from xlmodel.core import mining
from xlmodel.excel import call

N = 1_000_000
rng = np.random.default_rng(7)
height = rng.integers(0, 1_400_000, N)
difficulty = rng.uniform(50e12, 200e12, N)
price = rng.uniform(20_000, 150_000, N)
net = rng.uniform(500, 1_500, N)
fleet = rng.uniform(1, 50, N)
fees = rng.uniform(0, 0.2, N)
eff = rng.uniform(12, 35, N)
power = rng.uniform(20, 90, N)
days = rng.uniform(28, 92, N)
btc = rng.uniform(100, 3_000, N)
cost, credits, other, sga, dep, sbc, interest = (rng.uniform(0, 1e8, N) for _ in range(7))

# (name, xlmodel core call, the same formula written by hand in numpy)
CASES = [
    ("block_subsidy", lambda: mining.block_subsidy(height),
     lambda: np.where(height // 210_000 >= 64, 0, 5_000_000_000 >> np.minimum(height // 210_000, 63)) / 1e8),
    ("hashrate_from_difficulty", lambda: mining.hashrate_from_difficulty(difficulty),
     lambda: difficulty * 2**32 / 600 / 1e18),
    ("hashprice", lambda: mining.hashprice(price, net, fees),
     lambda: 144 * (3.125 + fees) * price / (net * 1_000)),
    ("hashcost", lambda: mining.hashcost(eff, power), lambda: 0.024 * eff * power),
    ("fleet_power_mw", lambda: mining.fleet_power_mw(fleet, eff), lambda: fleet * eff),
    ("btc_mined", lambda: mining.btc_mined(fleet, net, days, fees, 3.125, 0.98, 0.01),
     lambda: fleet / net * 144 * days * (3.125 + fees) * (1 - 0.01) * 0.98),
    ("power_cost_per_btc", lambda: mining.power_cost_per_btc(eff, power, net, fees),
     lambda: 0.024 * eff * power * net * 1_000 / (144 * (3.125 + fees))),
    ("cash_cost_per_btc", lambda: mining.cash_cost_per_btc(btc, cost, credits, other, sga),
     lambda: (cost - credits + other + sga) / btc),
    ("all_in_cost_per_btc", lambda: mining.all_in_cost_per_btc(btc, cost, credits, other, sga, dep, sbc, interest),
     lambda: (cost - credits + other + sga + dep + sbc + interest) / btc),
    ("breakeven_power_price", lambda: mining.breakeven_power_price(price, eff, net, fees, 3.125, 0.01),
     lambda: 144 * (3.125 + fees) * price * (1 - 0.01) / (net * 1_000) / (0.024 * eff)),
    ("breakeven_btc_price", lambda: mining.breakeven_btc_price(eff, power, net, fees, 3.125, 0.0, 1_000.0),
     lambda: 0.024 * eff * power * net * 1_000 / (144 * (3.125 + fees)) + 1_000.0),
    ("cost_grid (1000x1000)", lambda: mining.cost_grid(power[:1_000], net[:1_000], 20.0, 0.03),
     lambda: 0.024 * 20.0 * power[:1_000, None] * net[None, :1_000] * 1_000 / (144 * 3.155)),
]


def best(fn, number: int = 1, repeat: int = 7) -> float:
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


def core_vs_numpy() -> None:
    print(f"core functions on {N:,} elements (best of 7)")
    print(f"{'function':<28}{'xlmodel ms':>12}{'numpy ms':>12}{'ratio':>8}")
    for name, ours, raw in CASES:
        np.testing.assert_allclose(ours(), raw(), rtol=1e-9)
        t_ours, t_raw = best(ours), best(raw)
        print(f"{name:<28}{t_ours * 1e3:>12.2f}{t_raw * 1e3:>12.2f}{t_ours / t_raw:>8.2f}")


def array_vs_scalar_calls(n: int = 10_000) -> None:
    prices = [[float(p)] for p in price[:n]]
    hashrates = [[float(h)] for h in net[:n]]
    t_scalar = best(lambda: [call("BTC_HASHPRICE", p[0], h[0], 0.03) for p, h in zip(prices, hashrates)], repeat=3)
    t_array = best(lambda: call("BTC_HASHPRICE", prices, hashrates, 0.03), repeat=7)
    print(f"\nBTC_HASHPRICE through xlmodel.excel.call, {n:,} values")
    print(f"  {n:,} scalar calls: {t_scalar * 1e3:.1f} ms ({t_scalar / n * 1e6:.1f} us per call)")
    print(f"  one call over a {n:,}x1 range: {t_array * 1e3:.2f} ms")
    print(f"  ratio scalar loop / array call: {t_scalar / t_array:.0f}x")


if __name__ == "__main__":
    core_vs_numpy()
    array_vs_scalar_calls()
