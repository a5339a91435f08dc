"""Excel's bond prices and yields: odd first or last coupon periods, and PRICE and YIELD.

Upstream: formualizer 0.13 has no ODDFPRICE, ODDFYIELD, ODDLPRICE or ODDLYIELD
(``=ODDFPRICE(DATE(2008,11,11),DATE(2021,3,1),DATE(2008,10,15),DATE(2009,3,1),0.0785,0.0625,100,2,1)``
gives ``#NAME?``, Excel 113.597717...).

The formulas are Microsoft's (the ODDFPRICE, ODDFYIELD, ODDLPRICE and ODDLYIELD help
pages: DSC, E, A, N for a short first period; NC, DCi, Ai, NLi summed over the
quasi-coupon periods of a long one), with the day counts and coupon schedules as
Excel counts them; where the help pages say nothing (which coupon date a quasi-period
starts on, how a 30/360 basis counts the end of February) this follows the F#
ExcelFinancialFunctions library (fsprojects/ExcelFinancialFunctions, oddbonds.fs and
daycountbasis.fs), which was checked against Excel case by case; IronCalc ports the same.
LibreOffice is no guide here: its ODDFPRICE and ODDFYIELD always fail
(scaddins analysishelper.cxx, GetOddfprice throws) and its ODDLPRICE and ODDLYIELD
count the whole odd last period as one YEARFRAC, which differs from Excel when that
period is longer than a coupon period.

PRICE and YIELD replace the engine's own, which counts the part of a coupon period
left differently from Excel on bases 2 and 3 and steps a month-end maturity's
coupon dates off the month's end (see :func:`price`); every call can be affected, so
every call is computed here (about 20 us a PRICE, 40 us a YIELD in Python).

Each public function takes the worksheet arguments as the engine passes them (date
serials, numbers, text, booleans, None for an empty cell, error dicts) and returns a
number or an engine error value.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from xlmodel.calc.engine_values import error_value

SERIAL_ORIGIN = 693594  # date(1899, 12, 30).toordinal(): Excel's serial 0 (right from March 1900 on)
LAST_SERIAL = 2958465  # 9999-12-31
FREQUENCIES = (1, 2, 4)
MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


class Refused(Exception):
    """An argument Excel refuses: ``kind`` is the engine's error kind (``Num``, ``Value``)."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


class _ErrorArgument(Exception):
    """An argument that is an error value: Excel's answer is that error."""

    def __init__(self, value: dict):
        super().__init__(value.get("kind"))
        self.value = value


# --- arguments ---------------------------------------------------------------------------------------


def _numbers(args: tuple) -> list[float]:
    """The arguments as numbers, Excel's way for these functions.

    An error argument is returned as it is (the first one); an empty cell counts as 0;
    text that reads as a number counts as that number. Booleans, other text and ranges
    are ``#VALUE!`` (Excel parses date text too; the engine's own YEARFRAC does not, and
    neither does this, so such a cell shows ``#VALUE!`` rather than a guessed date).
    """
    for a in args:
        if isinstance(a, dict) and a.get("type") == "Error":
            raise _ErrorArgument(a)
    out = []
    for a in args:
        if a is None:
            out.append(0.0)
        elif isinstance(a, (bool, list, dict)):
            raise Refused("Value")
        elif isinstance(a, (int, float)):
            out.append(float(a))
        else:
            try:
                out.append(float(str(a).strip()))
            except ValueError:
                raise Refused("Value") from None
    return out


def serial_date(serial: float) -> date:
    """A date argument truncated to a whole day, as Excel does; ``#VALUE!`` outside Excel's dates."""
    if not 0 <= serial < LAST_SERIAL + 1:
        raise Refused("Value")
    return date.fromordinal(SERIAL_ORIGIN + int(serial))


def frequency_basis(frequency: float, basis: float) -> tuple[int, int]:
    f, b = math.trunc(frequency), math.trunc(basis)
    if f not in FREQUENCIES or not 0 <= b <= 4:
        raise Refused("Num")
    return f, b


def excel_call(compute, args: tuple) -> Any:
    """Run one worksheet call: the number, or the error value Excel shows."""
    try:
        value = compute(*_numbers(args))
    except _ErrorArgument as e:
        return e.value
    except Refused as e:
        return error_value(e.kind)
    except (OverflowError, ZeroDivisionError, ValueError):
        return error_value("Num")
    return value if math.isfinite(value) else error_value("Num")


# --- day counts and coupon dates (Excel's COUPDAYS, COUPPCD, COUPNCD, COUPNUM) -------------------------


def _month_length(year: int, month: int) -> int:
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return MONTH_DAYS[month - 1]


def _is_month_end(d: date) -> bool:
    return d.day == _month_length(d.year, d.month)


def _is_feb_end(d: date) -> bool:
    return d.month == 2 and _is_month_end(d)


def days_360_us(start: date, end: date, both: bool = False) -> int:
    """US (NASD) 30/360 days; ``both`` adjusts the end date's 31st and February's end unconditionally.

    The plain rule is Excel's for basis 0; ``both`` is the variant Excel's odd-last-period
    functions use for a coupon period's length (ExcelFinancialFunctions' "PSA hack").
    """
    sd, ed = start.day, end.day
    if _is_feb_end(end) and (_is_feb_end(start) or both):
        ed = 30
    if ed == 31 and (sd >= 30 or both):
        ed = 30
    if sd == 31 or _is_feb_end(start):
        sd = 30
    return (end.year - start.year) * 360 + (end.month - start.month) * 30 + ed - sd


def days_360_eu(start: date, end: date) -> int:
    sd, ed = min(start.day, 30), min(end.day, 30)
    return (end.year - start.year) * 360 + (end.month - start.month) * 30 + ed - sd


def days_between(start: date, end: date, basis: int) -> float:
    """Days from ``start`` to ``end`` as ``basis`` counts them (actual days for bases 1, 2 and 3)."""
    if basis == 0:
        return float(days_360_us(start, end))
    if basis == 4:
        return float(days_360_eu(start, end))
    return float((end - start).days)


def _days_not_negative(start: date, end: date, basis: int, both_for_us: bool = False) -> float:
    days = float(days_360_us(start, end, True)) if both_for_us and basis == 0 else days_between(start, end, basis)
    return max(days, 0.0)


def add_months(d: date, months: int, month_end: bool = False) -> date:
    """``d`` moved by whole months, the day cut to the month's length; the month's last day if ``month_end``."""
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    last = _month_length(year, month + 1)
    return date(year, month + 1, last if month_end else min(d.day, last))


def coupon_dates(settlement: date, maturity: date, frequency: int) -> tuple[date, date]:
    """The coupon dates either side of settlement (COUPPCD, COUPNCD), stepping back from maturity.

    Each step moves the previous date (a day cut at a short month stays cut, as in Excel),
    and a maturity on a month's last day keeps every coupon on a month's last day.
    """
    step, month_end = -12 // frequency, _is_month_end(maturity)
    previous, following = maturity, settlement
    while previous > settlement:
        following, previous = previous, add_months(previous, step, month_end)
    return previous, following


def coupon_count(settlement: date, maturity: date, frequency: int) -> int:
    """COUPNUM: coupons payable after settlement up to maturity."""
    return _periods_after(coupon_dates(settlement, maturity, frequency)[0], maturity, frequency)


def _periods_after(previous: date, maturity: date, frequency: int) -> int:
    months = (maturity.year - previous.year) * 12 + maturity.month - previous.month
    return months * frequency // 12


def coupon_days(settlement: date, maturity: date, frequency: int, basis: int) -> float:
    """COUPDAYS (E): the days in the coupon period holding settlement."""
    if basis == 1:
        previous, following = coupon_dates(settlement, maturity, frequency)
        return float((following - previous).days)
    return (365.0 if basis == 3 else 360.0) / frequency


def _quasi_periods(first_coupon: date, settlement: date, months: int) -> float:
    """Whole quasi-coupon periods from settlement to the first coupon (Nq in Microsoft's long-period formula)."""
    month_end = _is_month_end(first_coupon)
    if not month_end and first_coupon.month != 2 and 28 < first_coupon.day:
        month_end = _is_month_end(settlement)  # a 29th/30th coupon in a 31-day month follows settlement's day
    start = add_months(settlement, 0, month_end)
    count = 1.0 if settlement < start else 0.0
    front = add_months(start, months, month_end)
    while front < first_coupon:
        count += 1
        front = add_months(front, months, month_end)
    return count


# --- odd first period --------------------------------------------------------------------------------


def oddf_price(settlement: date, maturity: date, issue: date, first_coupon: date, rate: float, yld: float,
               redemption: float, frequency: int, basis: int) -> float:
    """Price per 100 face value of a bond whose first period (issue to first coupon) is odd."""
    e = coupon_days(settlement, first_coupon, frequency, basis)
    dfc = _days_not_negative(issue, first_coupon, basis)
    if dfc < e:
        return _oddf_short(settlement, maturity, issue, first_coupon, rate, yld, redemption, frequency, basis, e)
    return _oddf_long(settlement, maturity, issue, first_coupon, rate, yld, redemption, frequency, basis, e)


def _oddf_short(settlement, maturity, issue, first_coupon, rate, yld, redemption, m, basis, e) -> float:
    n = coupon_count(settlement, maturity, m)
    dfc = _days_not_negative(issue, first_coupon, basis)
    dsc = _days_not_negative(settlement, first_coupon, basis)
    a = _days_not_negative(issue, settlement, basis)
    x, y, coupon = 1 + yld / m, dsc / e, 100 * rate / m
    price = redemption / x ** (n - 1 + y) + coupon * dfc / e / x ** y
    price += sum(coupon / x ** (k - 1 + y) for k in range(2, n + 1))
    return price - coupon * a / e


def _oddf_long(settlement, maturity, issue, first_coupon, rate, yld, redemption, m, basis, e) -> float:
    months = 12 // m
    dcnl, anl = _oddf_quasi_sums(settlement, issue, first_coupon, m, basis, e)
    if basis in (2, 3):
        dsc = _days_not_negative(settlement, coupon_dates(settlement, first_coupon, m)[1], basis)
    else:
        dsc = e - days_between(coupon_dates(settlement, first_coupon, m)[0], settlement, basis)
    nq = _quasi_periods(first_coupon, settlement, months)
    n = coupon_count(first_coupon, maturity, m)
    x, y, coupon = 1 + yld / m, dsc / e, 100 * rate / m
    price = redemption / x ** (y + nq + n) + coupon * dcnl / x ** (nq + y)
    price += sum(coupon / x ** (k + nq + y) for k in range(1, n + 1))
    return price - coupon * anl


def _oddf_quasi_sums(settlement, issue, first_coupon, m, basis, e) -> tuple[float, float]:
    """Sum of DCi/NLi and Ai/NLi over the quasi-coupon periods of a long first period, latest first."""
    nc = coupon_count(issue, first_coupon, m)
    late, dcnl, anl = first_coupon, 0.0, 0.0
    for index in range(nc, 0, -1):
        early = add_months(late, -12 // m)
        nl = _days_not_negative(early, late, basis) if basis == 1 else e
        dci = nl if index > 1 else _days_not_negative(issue, late, basis)
        a = _days_not_negative(max(issue, early), min(settlement, late), basis)
        dcnl, anl, late = dcnl + dci / nl, anl + a / nl, early
    return dcnl, anl


def _check_first_period(settlement: date, maturity: date, issue: date, first_coupon: date) -> None:
    """Excel's ordering: maturity > first_coupon > settlement > issue, else ``#NUM!``."""
    if not maturity > first_coupon > settlement > issue:
        raise Refused("Num")


def _check_on_schedule(maturity: date, first_coupon: date, frequency: int) -> None:
    """ODDFPRICE's first coupon must fall on maturity's coupon schedule, else ``#NUM!``.

    Not in Microsoft's help page; ExcelFinancialFunctions found Excel needs it ("not in
    the docs, but nevertheless is needed"). ODDFYIELD does not check it: the Excel 97
    help's own example has a first coupon (7/15/91) off maturity's (1/1/96) schedule.
    """
    step, month_end = -12 // frequency, _is_month_end(maturity)
    d = add_months(maturity, step, month_end)
    while d > first_coupon:
        d = add_months(d, step, month_end)
    if d != first_coupon:
        raise Refused("Num")


def oddfprice(settlement, maturity, issue, first_coupon, rate, yld, redemption, frequency, basis=0) -> Any:
    """ODDFPRICE(settlement, maturity, issue, first_coupon, rate, yld, redemption, frequency, [basis])."""
    def compute(s, mat, iss, fc, r, y, red, freq, b):
        s, mat, iss, fc = serial_date(s), serial_date(mat), serial_date(iss), serial_date(fc)
        freq, b = frequency_basis(freq, b)
        _check_first_period(s, mat, iss, fc)
        _check_on_schedule(mat, fc, freq)
        if r < 0 or y < 0 or red <= 0:
            raise Refused("Num")
        return oddf_price(s, mat, iss, fc, r, y, red, freq, b)

    return excel_call(compute, (settlement, maturity, issue, first_coupon, rate, yld, redemption, frequency,
                                 basis))


def oddfyield(settlement, maturity, issue, first_coupon, rate, pr, redemption, frequency, basis=0) -> Any:
    """ODDFYIELD(settlement, maturity, issue, first_coupon, rate, pr, redemption, frequency, [basis])."""
    def compute(s, mat, iss, fc, r, p, red, freq, b):
        s, mat, iss, fc = serial_date(s), serial_date(mat), serial_date(iss), serial_date(fc)
        freq, b = frequency_basis(freq, b)
        _check_first_period(s, mat, iss, fc)
        if r < 0 or p <= 0 or red <= 0:
            raise Refused("Num")
        return solve_yield(lambda y: oddf_price(s, mat, iss, fc, r, y, red, freq, b), p, freq,
                           _first_guess(s, mat, r, p, b))

    return excel_call(compute, (settlement, maturity, issue, first_coupon, rate, pr, redemption, frequency,
                                 basis))


def _first_guess(settlement: date, maturity: date, rate: float, price: float, basis: int) -> float:
    """A starting yield from the bond-yield approximation ExcelFinancialFunctions starts from."""
    years = days_between(settlement, maturity, basis)
    px = price - 100
    guess = (rate * years * 100 - px) / (px / 4 + years * px / 2 + years * 100)
    return guess if math.isfinite(guess) and guess > -0.5 else rate


def solve_yield(price_at, target: float, frequency: int, guess: float) -> float:
    """The yield at which ``price_at(yield)`` equals ``target``: Newton's method, bisection if it strays.

    Price falls as yield rises (every cash flow is positive), from +inf near a yield of
    ``-frequency`` (one plus the period yield at zero), so a bracket always exists.
    """
    y = guess
    for _ in range(50):
        f = price_at(y) - target
        h = 1e-7 * max(1.0, abs(y))
        slope = (price_at(y + h) - price_at(y - h)) / (2 * h)
        if not (math.isfinite(f) and math.isfinite(slope)) or slope >= 0:
            break
        step = f / slope
        y -= step
        if y <= -frequency:
            break
        if abs(step) <= 1e-14 * max(1.0, abs(y)):
            return y
    return _bisect_yield(price_at, target, frequency)


def _bisect_yield(price_at, target: float, frequency: int) -> float:
    low, high = -frequency * (1 - 1e-9), 1.0
    while price_at(high) > target:
        high *= 2
        if high > 1e6:
            raise Refused("Num")
    for _ in range(200):
        mid = (low + high) / 2
        if price_at(mid) > target:
            low = mid
        else:
            high = mid
        if high - low <= 1e-15 * max(1.0, abs(mid)):
            break
    return (low + high) / 2


# --- odd last period ---------------------------------------------------------------------------------


def oddl_sums(settlement: date, maturity: date, last_interest: date, frequency: int,
              basis: int) -> tuple[float, float, float]:
    """Sums over the quasi-coupon periods from the last coupon to maturity: DCi/NLi, Ai/NLi, DSCi/NLi."""
    nc = coupon_count(last_interest, maturity, frequency)
    early, dcnl, anl, dscnl = last_interest, 0.0, 0.0, 0.0
    for index in range(1, nc + 1):
        late = add_months(early, 12 // frequency)
        nl = _days_not_negative(early, late, basis, both_for_us=True)
        dci = nl if index < nc else _days_not_negative(early, maturity, basis, both_for_us=True)
        if late < settlement:
            a = dci
        elif early < settlement:
            a = _days_not_negative(early, settlement, basis)
        else:
            a = 0.0
        dsc = _days_not_negative(max(settlement, early), min(maturity, late), basis)
        dcnl, anl, dscnl, early = dcnl + dci / nl, anl + a / nl, dscnl + dsc / nl, late
    return dcnl, anl, dscnl


def oddl_price(settlement, maturity, last_interest, rate, yld, redemption, frequency, basis) -> float:
    dcnl, anl, dscnl = oddl_sums(settlement, maturity, last_interest, frequency, basis)
    coupon = 100 * rate / frequency
    return (redemption + dcnl * coupon) / (1 + dscnl * yld / frequency) - anl * coupon


def oddl_yield(settlement, maturity, last_interest, rate, price, redemption, frequency, basis) -> float:
    """Microsoft's closed form (the ODDLYIELD help page): no iteration needed."""
    dcnl, anl, dscnl = oddl_sums(settlement, maturity, last_interest, frequency, basis)
    coupon = 100 * rate / frequency
    paid = price + anl * coupon
    return (redemption + dcnl * coupon - paid) / paid * frequency / dscnl


def _last_period_call(formula, settlement, maturity, last_interest, rate, value, redemption, frequency, basis,
                      value_ok) -> Any:
    def compute(s, mat, last, r, v, red, freq, b):
        s, mat, last = serial_date(s), serial_date(mat), serial_date(last)
        freq, b = frequency_basis(freq, b)
        if not mat > s > last or r < 0 or not value_ok(v) or red <= 0:
            raise Refused("Num")
        return formula(s, mat, last, r, v, red, freq, b)

    return excel_call(compute, (settlement, maturity, last_interest, rate, value, redemption, frequency, basis))


def oddlprice(settlement, maturity, last_interest, rate, yld, redemption, frequency, basis=0) -> Any:
    """ODDLPRICE(settlement, maturity, last_interest, rate, yld, redemption, frequency, [basis])."""
    return _last_period_call(oddl_price, settlement, maturity, last_interest, rate, yld, redemption, frequency,
                             basis, lambda y: y >= 0)


def oddlyield(settlement, maturity, last_interest, rate, pr, redemption, frequency, basis=0) -> Any:
    """ODDLYIELD(settlement, maturity, last_interest, rate, pr, redemption, frequency, [basis])."""
    return _last_period_call(oddl_yield, settlement, maturity, last_interest, rate, pr, redemption, frequency,
                             basis, lambda p: p > 0)


# --- regular coupon periods (PRICE, YIELD) -----------------------------------------------------------


def regular_factors(settlement: date, maturity: date, frequency: int, basis: int) -> tuple[int, float, float]:
    """N, A and E of Microsoft's PRICE formula; DSC is E - A for every basis, as in Excel."""
    previous, following = coupon_dates(settlement, maturity, frequency)
    e = float((following - previous).days) if basis == 1 else (365.0 if basis == 3 else 360.0) / frequency
    return _periods_after(previous, maturity, frequency), days_between(previous, settlement, basis), e


def regular_price(settlement: date, maturity: date, rate: float, yld: float, redemption: float, frequency: int,
                  basis: int) -> float:
    """Excel's PRICE: the help page's formula, one coupon period left priced with simple interest."""
    return _price_at(*regular_factors(settlement, maturity, frequency, basis), rate, redemption, frequency)(yld)


def _price_at(n: int, a: float, e: float, rate: float, redemption: float, frequency: int):
    """PRICE as a function of the yield alone, the coupon schedule counted once."""
    coupon, t = 100 * rate / frequency, (e - a) / e  # t: DSC/E, the part of a period before the next coupon
    accrued = coupon * a / e
    if n == 1:
        return lambda y: (redemption + coupon) / (1 + t * y / frequency) - accrued

    def at(y: float) -> float:
        v = 1 / (1 + y / frequency)
        first = v ** t
        coupons = coupon * first * (n if v == 1 else (1 - v ** n) / (1 - v))
        return redemption * first * v ** (n - 1) + coupons - accrued

    return at


def regular_yield(settlement: date, maturity: date, rate: float, pr: float, redemption: float, frequency: int,
                  basis: int) -> float:
    """Excel's YIELD: the help page's closed form for one period left, else PRICE solved for the yield."""
    n, a, e = regular_factors(settlement, maturity, frequency, basis)
    if n == 1:
        paid = pr / 100 + a / e * rate / frequency
        return (redemption / 100 + rate / frequency - paid) / paid * frequency * e / (e - a)
    return solve_yield(_price_at(n, a, e, rate, redemption, frequency), pr, frequency, rate or 0.05)


def _regular_call(formula, settlement, maturity, rate, value, redemption, frequency, basis, value_ok) -> Any:
    def compute(s, mat, r, v, red, freq, b):
        s, mat = serial_date(s), serial_date(mat)
        freq, b = frequency_basis(freq, b)
        if not mat > s or r < 0 or not value_ok(v) or red <= 0:
            raise Refused("Num")
        return formula(s, mat, r, v, red, freq, b)

    return excel_call(compute, (settlement, maturity, rate, value, redemption, frequency, basis))


def price(settlement, maturity, rate, yld, redemption, frequency, basis=0) -> Any:
    """PRICE(settlement, maturity, rate, yld, redemption, frequency, [basis]).

    Upstream: formualizer 0.13's PRICE counts the fraction of the coupon period left as
    actual days over the period's actual days for basis 2, where Excel takes E - A over
    E = 360/frequency (``=PRICE(DATE(2025,4,1),DATE(2028,3,13),0.22,0.12,15,1,2)`` gives
    62.7475994..., Excel 62.7369290...), and so its YIELD inverts the wrong price.
    """
    return _regular_call(regular_price, settlement, maturity, rate, yld, redemption, frequency, basis,
                         lambda y: y >= 0)


def yield_(settlement, maturity, rate, pr, redemption, frequency, basis=0) -> Any:
    """YIELD(settlement, maturity, rate, pr, redemption, frequency, [basis]); see :func:`price`."""
    return _regular_call(regular_yield, settlement, maturity, rate, pr, redemption, frequency, basis,
                         lambda p: p > 0)
