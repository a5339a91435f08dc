"""What the data layer hands on: typed records with their provenance, never sheet rows.

Providers return :class:`Records` (latest observations, series, company facts, and the
provenance of each); :mod:`xlmodel.data.grids` alone turns them into the grids of
the workbook's data sheets.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class Status(StrEnum):
    """The state of a block of data, as the Sources sheet shows it."""

    OK = "ok"  # fetched and validated now
    STALE = "stale"  # its source failed: the previous data is kept
    SKIPPED = "skipped"  # not fetched on purpose (no SEC identity, not offered in this runtime)
    OFFLINE = "offline"  # from the embedded snapshot
    FAILED = "failed"  # its source failed and there was no previous data


class Table(StrEnum):
    """The tables Refresh fills; each is a data sheet of the same name."""

    NETWORK = "Data_Network"
    PRICES = "Data_Prices"
    COMPANY = "Data_Company"
    EQUITIES = "Data_Equities"


def now_utc() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class Provenance:
    """Where one block of a table came from, and whether it is current."""

    table: str
    block: str
    source: str
    url: str
    retrieved: str
    status: Status = Status.OK
    rows: int = 0
    detail: str = ""
    accession: str = ""
    form: str = ""
    filed: str = ""
    concept: str = ""


@dataclass(frozen=True)
class Observation:
    """One latest value (the tip height, the spot price, ...) and where it was read."""

    key: str
    value: float | None
    as_of: str
    source: str


@dataclass(frozen=True)
class Series:
    """A dated series (hashrate, difficulty adjustments, daily prices); ``columns`` name each point's fields."""

    name: str
    columns: tuple[str, ...]
    points: list[list]


@dataclass(frozen=True)
class CompanyFact:
    """One reported figure of one fiscal quarter, in the bridge vocabulary, with the filing it came from."""

    ticker: str
    fiscal_year: int | str
    fiscal_period: str
    calendar_quarter: str
    period_start: str
    period_end: str
    key: str
    value: float
    unit: str
    concept: str
    member: str
    accession: str
    form: str
    filed: str
    url: str
    lookup: str = ""  # set from the fields above: one key column for the workbook's lookups

    def __post_init__(self) -> None:
        object.__setattr__(self, "lookup", fact_lookup(self.ticker, self.calendar_quarter, self.key))


def fact_lookup(ticker: str, calendar_quarter: str, key: str) -> str:
    """The one text a workbook formula matches a Data_Company row by: ``CORZ|2025-Q3|reported.revenue``; a
    capital-structure line, one per ticker and key whatever its date, is ``CORZ|capital.cash``."""
    if str(key).startswith("capital."):
        return f"{ticker}|{key}"
    return f"{ticker}|{calendar_quarter}|{key}"


@dataclass
class Records:
    """What one source produced for one table."""

    table: Table
    observations: list[Observation] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)
    facts: list[CompanyFact] = field(default_factory=list)
    provenance: list[Provenance] = field(default_factory=list)

    @property
    def count(self) -> int:
        """How many values it holds: observations, series points and facts."""
        return len(self.observations) + sum(len(s.points) for s in self.series) + len(self.facts)
