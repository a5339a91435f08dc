"""Excel's coupon-schedule functions (COUPPCD, COUPNCD, COUPNUM, COUPDAYS, COUPDAYBS, COUPDAYSNC)
and bond durations (DURATION, MDURATION).

Upstream: formualizer 0.13 has none of them
(``=COUPNCD(DATE(2011,1,25),DATE(2011,11,15),2,1)`` gives ``#NAME?``, Excel 40678, 15 May 2011).

The schedule steps back from maturity as :func:`bonds.coupon_dates` does for PRICE; the
day counts per basis are Microsoft's (the functions' help pages) and, where those say
nothing, the F# ExcelFinancialFunctions library's (daycountbasis.fs), which was checked
against Excel case by case: on basis 0 the days to the next coupon are the period's
30/360 days with both ends moved, less the days since the last coupon; on basis 4 the
European 30/360 count to the next coupon; on the others, actual days. DURATION is the
Macaulay duration of the cash flows PRICE discounts (the first ``DSC/E`` of a period
away, DSC = E - A as in PRICE), MDURATION that over ``1 + yld/frequency``.

Each function takes the worksheet arguments as the engine passes them and returns a
number (a date as its serial) or an engine error value.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from xlmodel.calc import bonds
from xlmodel.calc.bonds import Refused, days_360_eu, days_360_us, excel_call, frequency_basis, serial_date

SCHEDULE = ("COUPPCD", "COUPNCD", "COUPNUM", "COUPDAYS", "COUPDAYBS", "COUPDAYSNC")  # (settlement, maturity, frequency, [basis])
DURATIONS = ("DURATION", "MDURATION")  # (settlement, maturity, coupon, yld, frequency, [basis])


def _schedule_call(compute, settlement, maturity, frequency, basis) -> Any:
    """One COUP* call: the dates checked as Excel checks them, then ``compute(s, mat, freq, basis)``."""
    def run(s, mat, freq, b):
        s, mat = serial_date(s), serial_date(mat)
        freq, b = frequency_basis(freq, b)
        if not mat > s:
            raise Refused("Num")
        return float(compute(s, mat, freq, b))

    return excel_call(run, (settlement, maturity, frequency, basis))


def _serial(d: date) -> int:
    return d.toordinal() - bonds.SERIAL_ORIGIN


def days_to_next_coupon(settlement: date, maturity: date, frequency: int, basis: int) -> float:
    """COUPDAYSNC's count (see the module docstring for basis 0 and 4)."""
    previous, following = bonds.coupon_dates(settlement, maturity, frequency)
    if basis == 0:
        return float(days_360_us(previous, following, True) - days_360_us(previous, settlement))
    if basis == 4:
        return float(days_360_eu(settlement, following))
    return float((following - settlement).days)


def couppcd(settlement, maturity, frequency, basis=0) -> Any:
    """COUPPCD(settlement, maturity, frequency, [basis]): the coupon date before settlement, as a serial."""
    return _schedule_call(lambda s, m, f, b: _serial(bonds.coupon_dates(s, m, f)[0]), settlement, maturity,
                          frequency, basis)


def coupncd(settlement, maturity, frequency, basis=0) -> Any:
    """COUPNCD(settlement, maturity, frequency, [basis]): the coupon date after settlement, as a serial."""
    return _schedule_call(lambda s, m, f, b: _serial(bonds.coupon_dates(s, m, f)[1]), settlement, maturity,
                          frequency, basis)


def coupnum(settlement, maturity, frequency, basis=0) -> Any:
    """COUPNUM(settlement, maturity, frequency, [basis]): coupons payable from settlement to maturity."""
    return _schedule_call(lambda s, m, f, b: bonds.coupon_count(s, m, f), settlement, maturity, frequency, basis)


def coupdays(settlement, maturity, frequency, basis=0) -> Any:
    """COUPDAYS(settlement, maturity, frequency, [basis]): days in the coupon period holding settlement."""
    return _schedule_call(bonds.coupon_days, settlement, maturity, frequency, basis)


def coupdaybs(settlement, maturity, frequency, basis=0) -> Any:
    """COUPDAYBS(settlement, maturity, frequency, [basis]): days from the period's start to settlement."""
    return _schedule_call(lambda s, m, f, b: bonds.days_between(bonds.coupon_dates(s, m, f)[0], s, b),
                          settlement, maturity, frequency, basis)


def coupdaysnc(settlement, maturity, frequency, basis=0) -> Any:
    """COUPDAYSNC(settlement, maturity, frequency, [basis]): days from settlement to the next coupon."""
    return _schedule_call(days_to_next_coupon, settlement, maturity, frequency, basis)


def macaulay(settlement: date, maturity: date, coupon: float, yld: float, frequency: int, basis: int) -> float:
    """DURATION in years: the cash flows' times weighted by their present values."""
    n, a, e = bonds.regular_factors(settlement, maturity, frequency, basis)
    first, v = (e - a) / e, 1 + yld / frequency
    times = [first + k for k in range(n)]  # in coupon periods
    flows = [100 * coupon / frequency] * n
    flows[-1] += 100
    values = [cf / v ** t for cf, t in zip(flows, times)]
    return sum(t * pv for t, pv in zip(times, values)) / sum(values) / frequency


def _duration_call(modified: bool, settlement, maturity, coupon, yld, frequency, basis) -> Any:
    def run(s, mat, c, y, freq, b):
        s, mat = serial_date(s), serial_date(mat)
        freq, b = frequency_basis(freq, b)
        if not mat > s or c < 0 or y < 0:
            raise Refused("Num")
        years = macaulay(s, mat, c, y, freq, b)
        return years / (1 + y / freq) if modified else years

    return excel_call(run, (settlement, maturity, coupon, yld, frequency, basis))


def duration(settlement, maturity, coupon, yld, frequency, basis=0) -> Any:
    """DURATION(settlement, maturity, coupon, yld, frequency, [basis]): Macaulay duration in years."""
    return _duration_call(False, settlement, maturity, coupon, yld, frequency, basis)


def mduration(settlement, maturity, coupon, yld, frequency, basis=0) -> Any:
    """MDURATION(settlement, maturity, coupon, yld, frequency, [basis]): DURATION / (1 + yld/frequency)."""
    return _duration_call(True, settlement, maturity, coupon, yld, frequency, basis)
