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


# --- ACCRINT -----------------------------------------------------------------------------------------


def accrint(issue, first_interest, settlement, rate, par, frequency, basis=0, calc_method=True) -> Any:
    """ACCRINT(issue, first_interest, settlement, rate, par, frequency, [basis], [calc_method]).

    Accrued interest as Microsoft's ACCRINT page gives it: par x rate / frequency x the sum,
    over the quasi-coupon periods of the accrual, of the days accrued in each over its
    length (both counted on ``basis``). The quasi-coupon schedule runs through
    ``first_interest``. With ``calc_method`` TRUE (the default) the accrual runs from issue
    to settlement; FALSE counts only from the quasi-coupon date before settlement (the one
    before first_interest while settlement is not past it), which is negative for a
    settlement inside the first period's first half-year, as Excel's own answers are
    (tests/oracle/ironcalc_accrint_cases.xlsx, 400 cases).
    Upstream: formualizer 0.13 counts basis 1 as actual/365 and ignores calc_method
    (``=ACCRINT(DATE(2021,6,1),DATE(2021,12,1),DATE(2021,9,1),0.05,1000,2,1)``: Excel
    12.568306010928962, formualizer 12.602739726027398).
    """
    if isinstance(calc_method, dict):
        return calc_method
    if isinstance(calc_method, str):
        if calc_method.upper() not in ("TRUE", "FALSE"):
            return bonds.error_value("Value")
        calc_method = calc_method.upper() == "TRUE"
    from_issue = True if calc_method is None else bool(calc_method)

    def run(iss, first, s, r, p, freq, b):
        iss, first, s = serial_date(iss), serial_date(first), serial_date(s)
        freq, b = frequency_basis(freq, b)
        if r <= 0 or p <= 0 or iss >= s:
            raise Refused("Num")
        return p * r / freq * _accrued_periods(iss, first, s, freq, b, from_issue)

    return excel_call(run, (issue, first_interest, settlement, rate, par, frequency, basis))


def _accrued_periods(issue: date, first: date, settlement: date, frequency: int, basis: int, from_issue: bool) -> float:
    """Quasi-coupon periods accrued (see :func:`accrint`): the days of the last, partial, period over its
    length, and each earlier one back to issue."""
    months, month_end = 12 // frequency, bonds._is_month_end(first)
    previous = bonds.add_months(first, -months, month_end)
    length = _period_days(previous, first, frequency, basis)  # Excel divides by the first period's, after it too
    if settlement > first and from_issue:
        following = bonds.add_months(previous, months, month_end)
        while following < settlement:
            previous, following = following, bonds.add_months(following, months, month_end)
    total = bonds.days_between(max(issue, previous), settlement, basis) / length
    while previous > issue:
        following, previous = previous, bonds.add_months(previous, -months, month_end)
        if previous < issue:  # the period issue falls in: the days from issue
            total += bonds.days_between(issue, following, basis) / _period_days(previous, following, frequency, basis)
        elif from_issue:  # a whole period counts 1, whatever its days on bases 2 and 3
            total += 1.0
    return total


def _period_days(previous: date, following: date, frequency: int, basis: int) -> float:
    if basis == 1:
        return float((following - previous).days)
    return (365.0 if basis == 3 else 360.0) / frequency
