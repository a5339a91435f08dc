"""Fiscal quarters from reported facts: three-month facts as they are, Q4 as the year minus nine months.

Filers report each quarter's three months in its 10-Q, and in the 10-K only the year:
the fourth quarter is never a fact of its own, so it is the full year minus the
nine-month year-to-date fact of the third quarter's 10-Q.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Fact:
    start: dt.date
    end: dt.date
    value: float
    accession: str
    form: str
    filed: str

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def latest_filed(facts: list[Fact]) -> dict[tuple[dt.date, dt.date], Fact]:
    """One fact per (start, end): the most recently filed (a restatement wins)."""
    out: dict[tuple[dt.date, dt.date], Fact] = {}
    for f in sorted(facts, key=lambda f: f.filed):
        out[(f.start, f.end)] = f
    return out


def quarterly(facts: list[Fact]) -> dict[dt.date, tuple[dt.date, float, Fact, str]]:
    """Quarter end -> (start, value, fact it came from, how): three-month facts, Q4 = FY - 9M."""
    by_period = latest_filed(facts)
    out = {}
    for (start, end), f in by_period.items():
        if 80 <= f.days <= 100:
            out[end] = (start, f.value, f, "three-month fact")
    for (start, end), year in by_period.items():
        if not 350 <= year.days <= 380 or end in out:
            continue
        nine = next((f for (s, e), f in by_period.items() if s == start and 260 <= f.days <= 285), None)
        if nine is not None:
            out[end] = (nine.end + dt.timedelta(days=1), year.value - nine.value, year,
                        f"full year minus nine months ({nine.accession})")
    return out


def _closing_month(end: dt.date) -> int:
    """The month a quarter ending on ``end`` closes (a 52/53-week end early in a month closes the one before)."""
    return end.month if end.day > 15 else (end.month - 2) % 12 + 1


def calendar_quarter(end: dt.date) -> str:
    """'YYYY-Qn' of a quarter ending on ``end``: the calendar_quarter column of Data_Company."""
    return f"{end.year}-Q{(_closing_month(end) - 1) // 3 + 1}"


def fiscal_labels(end: dt.date, fye_month: int) -> tuple[int, str, str]:
    """(fiscal year, 'Q1'..'Q4', calendar quarter 'YYYY-Qn') of a quarter ending on ``end``."""
    month = _closing_month(end)
    quarter = ((month - fye_month - 1) % 12) // 3 + 1
    fiscal_year = end.year if month <= fye_month else end.year + 1
    return fiscal_year, f"Q{quarter}", calendar_quarter(end)
