"""Scenario parameters fitted to history: BTC's realised volatility and the network's growth rate.

Pure functions on numbers; the Excel layer checks the inputs and names what is wrong.

References
----------
.. [1] Realised volatility of a daily-traded asset: the standard deviation of daily log
   returns times sqrt(365) (BTC trades every day; xlmodel docs: valuation.md section 3.3).
.. [2] Log-linear trend: ordinary least squares of ln(value) on time, the growth rate being
   ``exp(slope) - 1`` per unit of time (e.g. NIST/SEMATECH e-Handbook, 4.1.4.1).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

DAYS_PER_YEAR = 365.0  # BTC trades every day
DAYS_PER_GROWTH_YEAR = 365.25


def annualized_volatility(closes_usd: ArrayLike) -> float:
    """Annualised volatility of daily closes (oldest first) [fraction per year].

    ``std(ln(c[t] / c[t-1]), ddof=1) * sqrt(365)`` [1]_: the sample standard deviation of the
    daily log returns, as Excel's ``STDEV.S`` of them, scaled to a year of daily trading.
    """
    returns = np.diff(np.log(np.asarray(closes_usd, dtype=float)))
    return float(np.std(returns, ddof=1) * np.sqrt(DAYS_PER_YEAR))


def log_linear_growth(days: ArrayLike, values: ArrayLike) -> float:
    """Growth per year of a series fitted log-linearly [fraction per year].

    ``exp(365.25 * b) - 1`` with ``b`` the least-squares slope of ``ln(value)`` on the day
    number [2]_ (Excel: ``EXP(365.25 * SLOPE(LN(values), days)) - 1``).
    """
    t = np.asarray(days, dtype=float)
    y = np.log(np.asarray(values, dtype=float))
    slope = np.polyfit(t - t.mean(), y, 1)[0]
    return float(np.expm1(slope * DAYS_PER_GROWTH_YEAR))
