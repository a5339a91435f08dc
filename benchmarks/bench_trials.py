"""Trials benchmark: SCN_MINING_NPV_TRIALS at 10,000 trials x 48 months against a plain numpy floor, and one
call of each trial function (and VAL_VALUE_PER_SHARE over the column) at 10,000 and 2,000 trials.

Run by hand (never part of the test suite):  python benchmarks/bench_trials.py [--limit]
Prints the time of SCN_MINING_NPV_TRIALS through ``xlmodel.excel.call`` and its ratio to a plain
numpy formulation of the same arithmetic (correlated price and hashrate paths, each month at the
geometric mean of its ends, the halving schedule, margin, curtailment, discounting), all in one
run, the best of 15 taken in turn; then the best of 5 of each function at 10,000 and 2,000 trials. ``--limit`` also
runs the largest calls allowed (1,000,000 trials; 240 months for the mining trials) each in a fresh
process and prints its time and peak memory (ru_maxrss). The aim: within 3x of the floor.
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

FLEET, EFFICIENCY, POWER, PRICE, NETWORK, RATE = 16.3, 18.0, 45.0, 90_000, 1_050, 0.1
VOL, DRIFT, GROWTH, HASH_VOL, RHO, FEES, HEIGHT, OTHER, POOL = 0.5, 0.0, 0.3, 0.3, 0.5, 0.025, 900_000, 1e6, 0.01


def mining_args(years: float, trials: int) -> tuple:
    return (FLEET, EFFICIENCY, POWER, PRICE, NETWORK, years, RATE, VOL, trials, 7, DRIFT, GROWTH, HASH_VOL, RHO,
            FEES, HEIGHT, OTHER, True, POOL)


def plain_numpy(months: int = 48, trials: int = 10_000) -> np.ndarray:
    """The same model written directly: every month of every trial at once."""
    rng = np.random.default_rng(7)
    dt = 1 / 12
    z = rng.standard_normal((months, trials))
    zh = rng.standard_normal((months, trials))
    t_end = np.arange(1, months + 1)[:, None] * dt
    log_s = math.log(PRICE) + np.cumsum((DRIFT - VOL**2 / 2) * dt + VOL * math.sqrt(dt) * z, axis=0)
    w_h = np.cumsum(math.sqrt(dt) * (RHO * z + math.sqrt(1 - RHO**2) * zh), axis=0)
    log_n = math.log(NETWORK) + t_end * math.log1p(GROWTH) + HASH_VOL * w_h - HASH_VOL**2 * t_end / 2
    x = log_s - log_n
    before = np.vstack([np.full((1, trials), math.log(PRICE / NETWORK)), x[:-1]])
    ratio = np.exp((before + x) / 2)
    btc_per_ratio = FLEET * mining.BLOCKS_PER_MONTH * (1 - POOL) * (mining.monthly_subsidy(HEIGHT, months) + FEES)
    power = FLEET * EFFICIENCY * 24 * mining.DAYS_PER_MONTH * POWER
    margin = np.maximum(ratio * btc_per_ratio[:, None] - power, 0)
    discount = (1 + RATE) ** -((np.arange(1, months + 1) - 0.5) * dt)
    return discount @ margin - OTHER / 12 * discount.sum()


def plain_numpy_in_place(months: int = 48, trials: int = 10_000) -> np.ndarray:
    """The same arithmetic with as few temporaries as numpy allows: the tighter floor."""
    rng = np.random.default_rng(7)
    dt = 1 / 12
    z = rng.standard_normal((months, trials))
    zh = rng.standard_normal((months, trials))
    zh *= math.sqrt(1 - RHO**2)
    zh += RHO * z
    zh *= HASH_VOL * math.sqrt(dt)
    x = np.multiply(z, VOL * math.sqrt(dt), out=z)
    x += (DRIFT - VOL**2 / 2 + HASH_VOL**2 / 2 - math.log1p(GROWTH)) * dt
    x -= zh
    x[0] += math.log(PRICE / NETWORK)
    np.cumsum(x, axis=0, out=x)
    ratio = zh  # each month at the geometric mean of its ends
    np.add(x[1:], x[:-1], out=ratio[1:])
    np.add(x[0], math.log(PRICE / NETWORK), out=ratio[0])
    ratio *= 0.5
    np.exp(ratio, out=ratio)
    ratio *= (FLEET * mining.BLOCKS_PER_MONTH * (1 - POOL) * (mining.monthly_subsidy(HEIGHT, months) + FEES))[:, None]
    ratio -= FLEET * EFFICIENCY * 24 * mining.DAYS_PER_MONTH * POWER
    margin = np.maximum(ratio, 0, out=ratio)
    discount = (1 + RATE) ** -((np.arange(1, months + 1) - 0.5) * dt)
    return discount @ margin - OTHER / 12 * discount.sum()


def best(fn, repeat: int = 7) -> float:
    return min(timeit.repeat(fn, number=1, repeat=repeat))


def best_interleaved(fns: list, repeat: int = 15) -> list[float]:
    """The best time of each function, run in turn ``repeat`` times: on a shared machine a slow spell then
    lands on all of them, not on one."""
    times = [[] for _ in fns]
    for _ in range(repeat):
        for fn, seen in zip(fns, times):
            seen.append(timeit.timeit(fn, number=1))
    return [min(t) for t in times]


RFS = [["2024-02-29"], ["2025-06-30"], ["2025-09-30"], ["2026-02-28"], ["2026-06-30"], ["2027-01-15"]]
MW = [[8], [40], [202], [50], [120], [30]]
SITES = [[200], [300], [1_000], [250]]


def calls(trials: int) -> dict[str, tuple]:
    return {
        "SCN_PRICE_TRIALS": (PRICE, VOL, 36, trials, 7),
        "SCN_MINING_NPV_TRIALS": mining_args(4, trials),
        "SCN_LEASE_NPV_TRIALS": (RFS, MW, 130, 0.82, 0.09, 12, "2025-06-30", 4, trials, 7, 3, 0.03, 0.07, 2e8,
                                 "CORZ"),
        "SCN_PIPELINE_TRIALS": (SITES, 2e6, [[0.5], [0.25], [0.1], [0.75]], trials, 7, "CORZ"),
    }


FRESH = textwrap.dedent(
    """
    import resource, sys, time
    from xlmodel.excel import call
    import bench_trials as b
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    name, trials = sys.argv[1], int(sys.argv[2])
    args = b.mining_args(20, trials) if name == "SCN_MINING_NPV_TRIALS" else b.calls(trials)[name]
    start = time.perf_counter()
    out = call(name, *args)
    took = time.perf_counter() - start
    assert out.shape == (trials, 1), out
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{took:.2f} {before / 1024:.0f} {peak / 1024:.0f}")
    """
)


def fresh_process(name: str, trials: int) -> None:
    out = subprocess.run([sys.executable, "-c", FRESH, name, str(trials)], capture_output=True, text=True,
                         check=True, cwd=__file__.rsplit("/", 1)[0])
    took, before, peak = out.stdout.split()
    horizon = " x 240 months" if name == "SCN_MINING_NPV_TRIALS" else ""
    print(f"  {name}, {trials:,} trials{horizon}, fresh process: {float(took):.2f} s, peak RSS {peak} MB "
          f"({before} MB after importing xlmodel)")


def main() -> None:
    ours = lambda: call("SCN_MINING_NPV_TRIALS", *mining_args(4, 10_000))
    got = ours()
    assert got.shape == (10_000, 1)
    # same model, different random numbers: the distributions agree within Monte Carlo error
    q = [5, 25, 50, 75, 95]
    np.testing.assert_allclose(np.percentile(got, q), np.percentile(plain_numpy(), q), rtol=0.1)
    np.testing.assert_allclose(plain_numpy_in_place(), plain_numpy(), rtol=1e-9)  # one arithmetic, two ways
    t_ours, t_floor, t_tight = best_interleaved([ours, plain_numpy, plain_numpy_in_place])
    print("SCN_MINING_NPV_TRIALS, 10,000 trials x 48 months, hashrate noise, correlation, halving (best of 15, "
          "interleaved)")
    print(f"  through xlmodel.excel.call {t_ours * 1e3:7.2f} ms")
    print(f"  plain numpy, expressions   {t_floor * 1e3:7.2f} ms   ratio {t_ours / t_floor:5.2f}")
    print(f"  plain numpy, in place      {t_tight * 1e3:7.2f} ms   ratio {t_ours / t_tight:5.2f}")
    print("One call each (best of 5)            10,000 trials   2,000 trials")
    by_size = {n: calls(n) for n in (10_000, 2_000)}
    for name in calls(1):
        times = [best(lambda args=by_size[n][name]: call(name, *args), repeat=5) for n in (10_000, 2_000)]
        print(f"  {name:<28} {times[0] * 1e3:12.2f} ms {times[1] * 1e3:11.2f} ms")
    equity = {n: call("SCN_MINING_NPV_TRIALS", *mining_args(4, n)) + 5e9 for n in (10_000, 2_000)}
    notes = ([[5e6], [1e6]], [[6.81], [0]], [[400e6], [625e6]], [[11.0], [22.49]])
    times = [best(lambda column=equity[n]: call("VAL_VALUE_PER_SHARE", column, 300e6, *notes), repeat=5)
             for n in (10_000, 2_000)]
    print(f"  {'VAL_VALUE_PER_SHARE (column)':<28} {times[0] * 1e3:12.2f} ms {times[1] * 1e3:11.2f} ms")
    if "--limit" in sys.argv:
        for name in calls(1):
            fresh_process(name, 1_000_000)


if __name__ == "__main__":
    main()
