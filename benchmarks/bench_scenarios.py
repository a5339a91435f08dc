"""Scenario benchmark: SCN_MINING_MARGIN at 10,000 paths x 36 months, and the memory of a large call.

Run by hand (never part of the test suite):  python benchmarks/bench_scenarios.py [--limit]
Prints the time of SCN_MINING_MARGIN through ``xlmodel.excel.call`` and its ratio to a
plain numpy formulation of the same simulation (correlated price and hashrate paths, the
halving schedule, hashprice less hashcost, percentiles and the negative share), all in
one run; then runs 100,000 paths x 60 months in a fresh process and prints its peak
memory (ru_maxrss). ``--limit`` also runs the largest call allowed, 1,000,000 x 240.
The aim: within 3x of the floor, and under 600 MB for 100,000 x 60.
"""

from __future__ import annotations

import math
import subprocess
import sys
import textwrap
import timeit

import numpy as np

from xlmodel.core import mining
from xlmodel.excel import call

PRICE, VOL, NETWORK, GROWTH, EFFICIENCY, POWER = 90_000, 0.5, 1_000, 0.4, 17.5, 45
FEES, HEIGHT, HASH_VOL, RHO = 0.025, 900_000, 0.3, 0.5
PERCENTILES = [5, 25, 50, 75, 95]


def args(months: int, paths: int) -> tuple:
    return (PRICE, VOL, NETWORK, GROWTH, EFFICIENCY, POWER, months, paths, 7, FEES, HEIGHT, HASH_VOL, RHO,
            [PERCENTILES])


def plain_numpy(months: int = 36, paths: int = 10_000, sort: bool = False) -> np.ndarray:
    """The same model written directly, paths x months at once."""
    rng = np.random.default_rng(7)
    dt = 1 / 12
    t = np.arange(1, months + 1) * dt
    z = rng.standard_normal((paths, months))
    zh = rng.standard_normal((paths, months))
    log_s = math.log(PRICE) + np.cumsum((-VOL**2 / 2) * dt + VOL * math.sqrt(dt) * z, axis=1)
    w_h = np.cumsum(math.sqrt(dt) * (RHO * z + math.sqrt(1 - RHO**2) * zh), axis=1)
    log_n = math.log(NETWORK) + t * math.log1p(GROWTH) + HASH_VOL * w_h - HASH_VOL**2 * t / 2
    subsidy = mining.monthly_subsidy(HEIGHT, months)
    hashprice = 144 * (subsidy + FEES) / 1_000 * np.exp(log_s - log_n)
    margin = hashprice - 0.024 * EFFICIENCY * POWER
    negative = (margin < 0).mean(axis=0)
    if not sort:
        return np.column_stack([np.percentile(margin, PERCENTILES, axis=0).T, negative])
    ordered = np.sort(margin, axis=0)
    rank = np.array(PERCENTILES) / 100 * (paths - 1)
    lo = np.floor(rank).astype(int)
    hi = np.minimum(lo + 1, paths - 1)
    pct = ordered[lo] + (ordered[hi] - ordered[lo]) * (rank - lo)[:, None]
    return np.column_stack([pct.T, negative])


def best(fn, repeat: int = 7) -> float:
    return min(timeit.repeat(fn, number=1, repeat=repeat))


FRESH = textwrap.dedent(
    """
    import resource, sys, time
    from xlmodel.excel import call
    import bench_scenarios as b
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    months, paths = int(sys.argv[1]), int(sys.argv[2])
    start = time.perf_counter()
    out = call("SCN_MINING_MARGIN", *b.args(months, paths))
    took = time.perf_counter() - start
    assert out.shape == (months, 7), out
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{took:.2f} {before / 1024:.0f} {peak / 1024:.0f}")
    """
)


def fresh_process(months: int, paths: int) -> None:
    out = subprocess.run([sys.executable, "-c", FRESH, str(months), str(paths)], capture_output=True, text=True,
                         check=True, cwd=__file__.rsplit("/", 1)[0])
    took, before, peak = out.stdout.split()
    print(f"  {paths:,} paths x {months} months in a fresh process: {float(took):.2f} s, "
          f"peak RSS {peak} MB ({before} MB after importing xlmodel)")


def main() -> None:
    ours = lambda: call("SCN_MINING_MARGIN", *args(36, 10_000))
    assert ours().shape == (36, 7)
    # same model, different random numbers: hashprice percentiles and negative shares agree within Monte Carlo error
    cost = 0.024 * EFFICIENCY * POWER
    np.testing.assert_allclose(ours()[:, 1:6] + cost, plain_numpy()[:, :5] + cost, rtol=0.1)
    np.testing.assert_allclose(ours()[:, 6], plain_numpy()[:, 5], atol=0.05)
    t_ours, t_floor, t_sorted = best(ours), best(plain_numpy), best(lambda: plain_numpy(sort=True))
    print("SCN_MINING_MARGIN, 10,000 paths x 36 months, hashrate noise, correlation, halvings (best of 7)")
    print(f"  through xlmodel.excel.call {t_ours * 1e3:7.2f} ms")
    print(f"  plain numpy, np.percentile {t_floor * 1e3:7.2f} ms   ratio {t_ours / t_floor:5.2f}")
    print(f"  plain numpy, sorted        {t_sorted * 1e3:7.2f} ms   ratio {t_ours / t_sorted:5.2f}")
    t_price = best(lambda: call("SCN_BTC_PRICE", PRICE, VOL, 36, 10_000, 7))
    print(f"  SCN_BTC_PRICE at the same size: {t_price * 1e3:.2f} ms")
    colo = ([["2025-06-30"], ["2025-09-30"], ["2026-03-31"], ["2026-06-30"]], [[40], [60], [100], [50]], 130,
            [[str(d)] for d in (np.datetime64("2025-07", "M") + 3 * np.arange(16)).astype("datetime64[D]")],
            [[str(d)] for d in (np.datetime64("2025-10", "M") + 3 * np.arange(16)).astype("datetime64[D]") - 1],
            4, 10_000, 7, 3, None, 0.03)
    t_colo = best(lambda: call("SCN_COLO_REVENUE", *colo))
    print(f"  SCN_COLO_REVENUE, 4 blocks x 16 quarters x 10,000 paths, 3% escalator: {t_colo * 1e3:.2f} ms")
    fresh_process(60, 100_000)
    if "--limit" in sys.argv:
        fresh_process(240, 1_000_000)


if __name__ == "__main__":
    main()
