"""Colocation benchmark: the revenue schedule, 1,000 blocks x 200 quarterly periods in one call.

Run by hand (never part of the test suite):  python benchmarks/bench_colocation.py
Prints xlmodel's time and its ratio to a plain numpy formulation of the same convention
(overlap days of each block with each period, times the daily rent), with and without
an escalator, and the cost of the same call through ``xlmodel.excel.call`` from Excel-style
serial dates.
"""

from __future__ import annotations

import timeit

import numpy as np

from xlmodel.core import colocation
from xlmodel.excel import call

BLOCKS, PERIODS = 1_000, 200
rng = np.random.default_rng(11)
rfs = np.datetime64("2024-01-01") + rng.integers(0, 365 * 8, BLOCKS).astype("timedelta64[D]")
mw = rng.uniform(1, 50, BLOCKS)
rate = rng.uniform(90, 200, BLOCKS)
months = np.datetime64("2024-01", "M") + 3 * np.arange(PERIODS + 1)
starts = months[:-1].astype("datetime64[D]")
ends = months[1:].astype("datetime64[D]") - 1


def plain_numpy() -> np.ndarray:
    """Same convention, written directly: billed days of each block in each period."""
    daily = mw * 1_000 * rate * 12 / 365
    first = np.maximum(starts[None, :], rfs[:, None])
    days = np.clip((ends[None, :] - first).astype(np.int64) + 1, 0, None)
    return daily @ days


def plain_numpy_escalator(esc: float = 0.03) -> np.ndarray:
    """With an escalator: overlap of every (block, period, contract year), all broadcast at once."""
    daily = mw * 1_000 * rate * 12 / 365
    years = int((ends.max() - rfs.min()).astype(int) // 365 + 2)
    k = np.arange(years + 1)
    month0 = rfs.astype("datetime64[M]")
    offset = (rfs - month0.astype("datetime64[D]")).astype(np.int64)
    anniv = (month0[:, None] + 12 * k[None, :]).astype("datetime64[D]").astype(np.int64) + offset[:, None]
    lo = np.maximum(starts.astype(np.int64)[None, :, None], anniv[:, None, :-1])
    hi = np.minimum(ends.astype(np.int64)[None, :, None], anniv[:, None, 1:] - 1)
    days = np.clip(hi - lo + 1, 0, None)
    return np.einsum("b,bpk,k->p", daily, days, (1 + esc) ** k[:-1])


def best(fn, repeat: int = 5) -> float:
    return min(timeit.repeat(fn, number=1, repeat=repeat))


def main() -> None:
    ours = lambda: colocation.revenue_schedule(rfs, mw, rate, starts, ends)
    ours_esc = lambda: colocation.revenue_schedule(rfs, mw, rate, starts, ends, 0.03)
    np.testing.assert_allclose(ours(), plain_numpy(), rtol=1e-9)
    np.testing.assert_allclose(ours_esc(), plain_numpy_escalator(), rtol=1e-9)
    print(f"revenue schedule, {BLOCKS:,} blocks x {PERIODS} quarterly periods, one call (best of 5)")
    for label, a, b in (("no escalator", ours, plain_numpy), ("3% escalator", ours_esc, plain_numpy_escalator)):
        t_a, t_b = best(a), best(b)
        print(f"  {label:<13} xlmodel {t_a * 1e3:8.2f} ms   plain numpy {t_b * 1e3:8.2f} ms   ratio {t_a / t_b:5.2f}")
    serial = lambda d: (d.astype(np.int64) + 25_569).astype(float)
    args = ([[v] for v in serial(rfs)], [[v] for v in mw], [[v] for v in rate],
            [[v] for v in serial(starts)], [[v] for v in serial(ends)], 0.03)
    t_call = best(lambda: call("COLO_REVENUE_SCHEDULE", *args))
    print(f"  through xlmodel.excel.call from serial dates (3% escalator): {t_call * 1e3:.2f} ms "
          f"({t_call / best(ours_esc):.2f}x the core call)")
    many_blocks()


def many_blocks(blocks: int = 100_000, periods: int = 8) -> None:
    """The other extreme: a long list of blocks over a few quarters; the escalator against none."""
    b_rfs = np.datetime64("2024-01-01") + rng.integers(0, 365 * 3, blocks).astype("timedelta64[D]")
    b_mw, b_rate = rng.uniform(1, 50, blocks), rng.uniform(90, 200, blocks)
    edges = np.datetime64("2025-01", "M") + 3 * np.arange(periods + 1)
    b_starts, b_ends = edges[:-1].astype("datetime64[D]"), edges[1:].astype("datetime64[D]") - 1
    flat = best(lambda: colocation.revenue_schedule(b_rfs, b_mw, b_rate, b_starts, b_ends), 9)
    esc = best(lambda: colocation.revenue_schedule(b_rfs, b_mw, b_rate, b_starts, b_ends, 0.03), 9)
    print(f"{blocks:,} blocks x {periods} quarterly periods: no escalator {flat * 1e3:.2f} ms, "
          f"3% escalator {esc * 1e3:.2f} ms, ratio {esc / flat:.2f}")


if __name__ == "__main__":
    main()
