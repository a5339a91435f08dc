"""Valuation benchmark: VAL_LEASE_NPV and VAL_MINING_NPV through ``xlmodel.excel.call`` against plain numpy.

Run by hand (never part of the test suite):  python benchmarks/bench_valuation.py
Figures are ratios within one run, because the machines are shared and noisy. Aims: each
call within 3x of a plain-numpy floor of the same arithmetic, and under 50 ms.

- leases: 1,000 blocks with 15-year terms (RFS dates as Excel serials, one rate per block,
  a 3% escalator) valued at one date; the floor is the same closed form written directly
  (each contract year's days summed as a geometric series of daily discount factors);
- mining: a 100 x 100 grid of BTC price (across) by power price (down), five years of
  months with growth, halvings and curtailment; the floor broadcasts the months directly.
"""

from __future__ import annotations

import timeit

import numpy as np

from xlmodel.excel import call

rng = np.random.default_rng(5)
BLOCKS, TERM, RATE, MARGIN, ESCALATOR = 1_000, 15, 0.09, 0.82, 0.03
rfs = np.datetime64("2024-01-01") + rng.integers(0, 365 * 4, BLOCKS).astype("timedelta64[D]")
rfs[0] = np.datetime64("2024-02-29")  # one leap-day block; it steps on 1 March in other years
mw, rent = rng.uniform(5, 100, BLOCKS), rng.uniform(100, 190, BLOCKS)
VALUED = np.datetime64("2025-06-30")


def plain_lease() -> float:
    """The same convention written directly; anniversaries as the RFS month plus 12 k months plus the
    RFS day's offset in its month (29 February then falls on 1 March in other years)."""
    start = rfs.astype("datetime64[M]")
    offset = (rfs - start.astype("datetime64[D]")).astype(np.int64)
    anniv = (start[:, None] + 12 * np.arange(TERM + 1)).astype("datetime64[D]").astype(np.int64) + offset[:, None]
    t0 = VALUED.astype(np.int64)
    first = np.maximum(anniv[:, :-1], t0)
    n = np.clip(anniv[:, 1:] - first, 0, None)
    v = (1 + RATE) ** (-1 / 365)
    daily = mw * 1_000 * rent * 12 / 365
    flows = daily[:, None] * (1 + ESCALATOR) ** np.arange(TERM) * v ** (first - t0) * (1 - v ** n) / (1 - v)
    return float(MARGIN * flows.sum())


PRICES = np.linspace(40_000, 160_000, 100).reshape(1, -1)
POWERS = np.linspace(20, 120, 100).reshape(-1, 1)
FLEET, EFF, NETWORK, YEARS, DISCOUNT, G_PRICE, G_NET, FEES, HEIGHT = 16.3, 18, 1_050, 5, 0.12, 0.1, 0.4, 0.03, 929_699


def plain_mining() -> np.ndarray:
    months = np.arange(1, 12 * YEARS + 1)
    t = (months - 0.5) / 12
    blocks = HEIGHT + (months[:, None] - 1) * 4_383 + np.arange(4_383)
    subsidy = np.where(blocks >= 1_050_000, 1.5625, 3.125).mean(axis=1)
    btc = FLEET / (NETWORK * (1 + G_NET) ** t) * 4_383 * (subsidy + FEES)
    margin = btc * PRICES[..., None] * (1 + G_PRICE) ** t - FLEET * EFF * 24 * 365.25 / 12 * POWERS[..., None]
    return (np.maximum(margin, 0) * (1 + DISCOUNT) ** -t).sum(axis=-1)


def best(fn, repeat: int = 7) -> float:
    return min(timeit.repeat(fn, number=1, repeat=repeat))


def main() -> None:
    serial = [[float(d.astype(np.int64) + 25_569)] for d in rfs]
    lease = lambda: call("VAL_LEASE_NPV", serial, mw.reshape(-1, 1), rent.reshape(-1, 1), MARGIN, RATE, TERM,
                         "2025-06-30", ESCALATOR)
    mine = lambda: call("VAL_MINING_NPV", FLEET, EFF, POWERS, PRICES, NETWORK, YEARS, DISCOUNT, G_PRICE, G_NET,
                        FEES, HEIGHT)
    np.testing.assert_allclose(lease(), plain_lease(), rtol=1e-9)
    np.testing.assert_allclose(mine(), plain_mining(), rtol=1e-9)
    for label, ours, floor in (
            (f"VAL_LEASE_NPV, {rfs.size:,} blocks x {TERM}-year terms", lease, plain_lease),
            ("VAL_MINING_NPV, 100 x 100 price x power grid, 60 months", mine, plain_mining)):
        t_ours, t_floor = best(ours), best(floor)
        print(f"{label}: xlmodel.excel.call {t_ours * 1e3:7.2f} ms   plain numpy {t_floor * 1e3:7.2f} ms   "
              f"ratio {t_ours / t_floor:5.2f}")


if __name__ == "__main__":
    main()
