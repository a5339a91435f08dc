"""The embedded, sourced dataset shipped as package data (works offline).

Per company (``companies/<ticker>.json``; the schema is ``docs/company-data.md``): reported
quarters in the bridge vocabulary; its capital structure (one line per key: shares, cash, debt,
bitcoin held, with its date), the dilutive instruments and the HPC contracts; its operations
(fleet, efficiency, power price, BTC mined, cash SG&A), its colocation leases block by block and
its uncontracted pipeline site by site. Each figure carries the address it was read from.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from xlmodel.data import quarters
from xlmodel.data.records import CompanyFact


@dataclass(frozen=True)
class Source:
    """Where a figure was read: a web address and the document it stands for."""

    url: str
    form: str = "results release"


@dataclass(frozen=True)
class Quarter:
    """One reported quarter in the bridge vocabulary, with where its figures come from."""

    period: str
    period_end: str
    items: dict[str, float]
    source: str
    notes: str = ""
    item_sources: dict[str, Source] = field(default_factory=dict)

    @property
    def calendar_quarter(self) -> str:
        """'2025-Q3': where the quarter sits in Data_Company, whatever the company's fiscal year."""
        return quarters.calendar_quarter(dt.date.fromisoformat(self.period_end))

    def source_of(self, key: str) -> Source:
        """Where one item comes from: its own source if it has one, else the quarter's release."""
        if key in self.item_sources:
            return self.item_sources[key]
        return Source((re.search(r"https://\S+", self.source) or [self.source])[0])


@cache
def _company(ticker: str) -> dict:
    path = resources.files("xlmodel.data") / "companies" / f"{ticker.lower()}.json"
    if not path.is_file():
        raise KeyError(f"no embedded data for ticker {ticker!r}")
    return json.loads(path.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class CapitalLine:
    """One capital-structure figure (``capital.shares_outstanding``, ``capital.cash``, ...) as of a date."""

    key: str
    value: float
    unit: str
    as_of: str
    url: str
    document: str
    quote_type: str
    note: str = ""


@dataclass(frozen=True)
class Instrument:
    """A dilutive instrument: options, warrants or RSUs (count and strike) or a convertible note
    (principal and conversion price). A count or strike left None was not found: not counted."""

    ticker: str
    name: str
    kind: str
    count: float | None
    strike_usd: float | None
    principal_usd: float | None
    conversion_price_usd: float | None
    as_of: str
    url: str
    document: str
    quote_type: str
    note: str = ""


@dataclass(frozen=True)
class Contract:
    """A signed HPC colocation lease: MW on its basis (critical IT or gross), term and total value."""

    ticker: str
    tenant: str
    mw: float
    basis: str | None
    term_years: float | None
    total_value_usd: float | None
    as_of: str
    url: str
    document: str
    quote_type: str
    note: str = ""


@dataclass(frozen=True)
class OperatingLine:
    """One operating figure (``ops.fleet_hashrate_ehs``, ``ops.power_usd_per_mwh``, ...) as of a date; ``value``
    None is a gap that was searched for. BTC mined carries the period it covers."""

    key: str
    value: float | None
    unit: str
    as_of: str
    url: str = ""
    document: str = ""
    quote_type: str = ""
    note: str = ""
    period_start: str | None = None
    period_end: str | None = None


@dataclass(frozen=True)
class Lease:
    """One block or phase of a signed colocation lease: MW on its basis, RFS date, term, value or rate."""

    ticker: str
    tenant: str
    site: str
    mw: float
    basis: str
    rfs_date: str | None
    term_years: float | None
    total_value_usd: float | None
    usd_per_kw_month: float | None
    annual_escalator: float | None
    ownership: float
    status: str
    as_of: str
    url: str
    document: str
    quote_type: str
    note: str = ""
    rfs_stated: str = ""


@dataclass(frozen=True)
class PipelineSite:
    """Uncontracted MW at one site (gross unless ``basis`` says otherwise)."""

    ticker: str
    site: str
    mw: float
    basis: str
    as_of: str
    url: str
    document: str
    quote_type: str
    note: str = ""


@dataclass(frozen=True)
class BuildCapex:
    """What the company still spends to build a contracted MW [USD per critical-IT MW]; 0 where the tenant
    funds the build."""

    ticker: str
    usd_per_mw: float
    tenant_funded: bool
    as_of: str
    url: str
    document: str
    quote_type: str
    note: str = ""


def operating_lines(ticker: str) -> list[OperatingLine]:
    return [OperatingLine(**line) for line in _company(ticker).get("operations", {}).get("lines", [])]


def leases(ticker: str) -> list[Lease]:
    """The company's lease rows, in file order (the order of its blocks on the sheets)."""
    return [Lease(ticker.upper(), **row) for row in _company(ticker).get("leases", [])]


def leases_note(ticker: str) -> str:
    return _company(ticker).get("leases_note", "")


def pipeline(ticker: str) -> list[PipelineSite]:
    return [PipelineSite(ticker.upper(), **site) for site in _company(ticker).get("pipeline", [])]


def build_capex(ticker: str) -> BuildCapex | None:
    found = _company(ticker).get("build_capex")
    return BuildCapex(ticker.upper(), **found) if found else None


def capital_lines(ticker: str) -> list[CapitalLine]:
    return [CapitalLine(**line) for line in _company(ticker).get("capital", {}).get("lines", [])]


def instruments(ticker: str) -> list[Instrument]:
    return [Instrument(ticker.upper(), **i) for i in _company(ticker).get("capital", {}).get("instruments", [])]


def contracts(ticker: str) -> list[Contract]:
    return [Contract(ticker.upper(), **c) for c in _company(ticker).get("capital", {}).get("contracts", [])]


def company_quarters(ticker: str) -> list[Quarter]:
    """The company's embedded quarters, oldest first."""
    return [
        Quarter(q["period"], q["period_end"], {k: float(v) for k, v in q["items"].items()}, q["source"],
                q.get("notes", ""), {k: Source(**s) for k, s in q.get("item_sources", {}).items()})
        for q in _company(ticker)["quarters"]
    ]


def company_name(ticker: str) -> str:
    return _company(ticker)["name"]


def tickers() -> tuple[str, ...]:
    """The tickers with embedded data, in file-name order."""
    folder = resources.files("xlmodel.data") / "companies"
    return tuple(sorted(f.name[:-5].upper() for f in folder.iterdir() if f.name.endswith(".json")))


def company_facts(ticker: str) -> list[CompanyFact]:
    """The embedded quarters as company facts.

    The form says what each figure was read from (a results release, or the segment note
    of a 10-Q or 10-K); the url where. A period is named for its fiscal quarter ("Q1-26"
    is IREN's July-September 2025) and placed on the calendar quarter of its end date. The
    capital-structure lines follow, each dated as of its own date.
    """
    facts = []
    for q in company_quarters(ticker):
        fiscal_year = 2000 + int(q.period[3:])
        for key, value in q.items.items():
            source = q.source_of(key)
            facts.append(CompanyFact(ticker.upper(), fiscal_year, q.period[:2], q.calendar_quarter, "",
                                     q.period_end, key, value, "USD", "", "", "", source.form, "", source.url))
    for line in capital_lines(ticker):  # as of its own date; the form column says what it was read from
        facts.append(CompanyFact(ticker.upper(), "", "", quarters.calendar_quarter(dt.date.fromisoformat(line.as_of)),
                                 "", line.as_of, line.key, float(line.value), line.unit, "", "", "",
                                 f"{line.quote_type}: {line.document}", "", line.url))
    return facts
