"""SEC EDGAR: the filing list (submissions) and consolidated quarterly figures (companyfacts).

Field mapping (provider -> xlmodel):
- ``submissions/CIK##########.json``: ``fiscalYearEnd`` ("1231", "0630", ...) and the columnar
  ``filings.recent`` (parallel arrays ``accessionNumber, filingDate, reportDate, form,
  primaryDocument``) -> the 10-Q/10-K filings, for provenance and filing URLs.
- ``api/xbrl/companyfacts/CIK##########.json``: the capital-structure instants (``xlmodel.data.capital``) and
  ``facts.us-gaap.<Concept>.units.USD[]`` with
  ``start, end, val, accn, form, filed`` -> one value per fiscal quarter and bridge key. Three-month
  facts are used as they are; Q4 is never a fact of its own, so it is the full-year fact minus the
  nine-month year-to-date fact of the same fiscal year. Concepts are tried in order per period and
  the one used is recorded. ``FairValueAdjustmentOfWarrants`` is a debit-balance concept (a loss is
  positive), so its sign is flipped into the bridge's convention (a gain is positive).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from xlmodel.data import capital, segments, statement_lines, xbrl
from xlmodel.data.concepts import CONCEPTS
from xlmodel.data.http import Fetcher, SourceError
from xlmodel.data.quarters import Fact, fiscal_labels, quarterly
from xlmodel.data.records import CompanyFact, Provenance, Records, Status, Table
from xlmodel.data.validate import need, number

PROVIDER = "sec"
INTERVAL_S = 0.125  # 8 requests a second, below the SEC's 10
CIKS = {
    "CORZ": 1839341, "IREN": 1878848, "CIFR": 1819989, "WULF": 1083301, "HUT": 1964789, "RIOT": 1167419,
    "MARA": 1507605, "CLSK": 827876, "BITF": 1812477, "APLD": 1144879, "HIVE": 1720424,
}
QUARTERS_KEPT = 12
FORMS = ("10-Q", "10-K", "10-Q/A", "10-K/A")

@dataclass(frozen=True)
class Filing:
    accession: str
    form: str
    filed: str
    report_date: str
    primary_document: str


def padded(cik: int) -> str:
    return f"CIK{cik:010d}"


def parse_submissions(payload: Any, where: str) -> tuple[int, list[Filing]]:
    """Fiscal year-end month and the 10-Q/10-K filings from the columnar ``filings.recent``."""
    fye = str(need(payload, "fiscalYearEnd", where) or "1231")
    if len(fye) != 4 or not fye.isdigit() or not 1 <= int(fye[:2]) <= 12:
        raise SourceError(f"{where}: fiscalYearEnd {fye!r} is not MMDD")
    recent = need(need(payload, "filings", where), "recent", where)
    columns = ("accessionNumber", "filingDate", "reportDate", "form", "primaryDocument")
    arrays = [need(recent, c, where) for c in columns]
    if len({len(a) for a in arrays}) != 1:
        raise SourceError(f"{where}: filings.recent columns have different lengths")
    filings = [Filing(acc, form, filed, report, doc) for acc, filed, report, form, doc in zip(*arrays)
               if form in FORMS]
    return int(fye[:2]), filings


def parse_facts(payload: Any, concept: str, where: str) -> list[Fact]:
    """Duration facts in USD of one us-gaap concept from 10-Q/10-K filings (empty if absent)."""
    gaap = need(need(payload, "facts", where), "us-gaap", where)
    units = gaap.get(concept, {}).get("units", {}).get("USD", [])
    facts = []
    for item in units:
        if "start" not in item or item.get("form") not in FORMS:
            continue  # balance-sheet facts have no start
        facts.append(Fact(
            dt.date.fromisoformat(need(item, "start", where)), dt.date.fromisoformat(need(item, "end", where)),
            number(need(item, "val", where), f"{concept}.val", where),
            str(need(item, "accn", where)), item["form"], str(need(item, "filed", where)),
        ))
    return facts


def company_facts(ticker: str, cik: int, facts_payload: Any, fye_month: int, filings: list[Filing],
                  archives_url: str, where: str, retrieved: str = "") -> tuple[list[CompanyFact], list[Provenance]]:
    """One fact per quarter and key, and one provenance line per concept used."""
    docs = {f.accession: f for f in filings}
    facts, used = [], {}
    for key, (concepts, sign) in CONCEPTS.items():
        per_quarter: dict[dt.date, tuple] = {}
        for concept in concepts:
            for end, found in quarterly(parse_facts(facts_payload, concept, where)).items():
                per_quarter.setdefault(end, (*found, concept))
        for end in sorted(per_quarter)[-QUARTERS_KEPT:]:
            start, value, fact, how, concept = per_quarter[end]
            fiscal_year, fiscal_period, calendar = fiscal_labels(end, fye_month)
            url = filing_url(archives_url, cik, fact.accession, docs.get(fact.accession))
            facts.append(CompanyFact(ticker, fiscal_year, fiscal_period, calendar, start.isoformat(), end.isoformat(),
                                     key, sign * value, "USD", concept, "", fact.accession, fact.form, fact.filed,
                                     url))
            used.setdefault((concept, fact.accession), (fact, how, url))
    facts.sort(key=by_period)
    return facts, [
        Provenance(Table.COMPANY, ticker, PROVIDER, url, retrieved, Status.OK,
                   sum(1 for f in facts if f.concept == concept and f.accession == fact.accession), how,
                   fact.accession, fact.form, fact.filed, concept)
        for (concept, _), (fact, how, url) in sorted(used.items())]


def by_period(fact: CompanyFact) -> tuple[str, str]:
    return fact.period_end, fact.key


def filing_url(archives_url: str, cik: int, accession: str, filing: Filing | None) -> str:
    folder = f"{archives_url}/Archives/edgar/data/{cik}/{accession.replace('-', '')}/"
    return folder + filing.primary_document if filing else folder


INSTANCES_KEPT = 8  # the latest 10-Q/10-K instances: two years of quarters, and the 10-K for each Q4


def instance_url(archives_url: str, cik: int, filing: Filing) -> str:
    """The filing's XBRL instance, which EDGAR names after the primary document (``x.htm`` -> ``x_htm.xml``)."""
    stem = filing.primary_document.rsplit(".", 1)[0]
    return f"{archives_url}/Archives/edgar/data/{cik}/{filing.accession.replace('-', '')}/{stem}_htm.xml"


def fetch_instances(archives: Fetcher, ticker: str, cik: int, filings: list[Filing], fye_month: int,
                    retrieved: str) -> tuple[list[CompanyFact], list[Provenance]]:
    """Segment and statement-line facts from the latest filings' instances; a filing that fails is
    reported on its own line, the rest kept."""
    read, provenance = [], []
    for filing in sorted(filings, key=lambda f: f.filed, reverse=True)[:INSTANCES_KEPT]:
        url = instance_url(archives.base_url, cik, filing)
        try:
            instance = xbrl.parse(archives.get(url[len(archives.base_url):]).content)
        except (SourceError, xbrl.InstanceError) as exc:
            provenance.append(Provenance(Table.COMPANY, f"{ticker} segments", PROVIDER, url, retrieved,
                                         Status.FAILED, 0, f"instance not read: {exc}", filing.accession,
                                         filing.form, filing.filed, "XBRL instance"))
            continue
        read.append(segments.FilingFacts(filing.accession, filing.form, filing.filed, url, instance))
    extracted = segments.extract(ticker, read, fye_month)
    rules = segments.mapping(ticker)
    lines = statement_lines.quarterly_lines(ticker, read, fye_month,
                                            statement_lines.line_concepts(rules.consolidated))
    facts = extracted.facts + lines
    for f in read:
        n = sum(1 for fact in facts if fact.accession == f.accession)
        provenance.append(Provenance(Table.COMPANY, f"{ticker} segments", PROVIDER, f.url, retrieved, Status.OK, n,
                                     f"segment and statement-line facts via {rules.source}", f.accession,
                                     f.form, f.filed, "XBRL instance"))
    if extracted.unmapped:
        listed = ", ".join(f"{m} ({acc})" for m, acc in sorted(extracted.unmapped.items()))
        provenance.append(Provenance(Table.COMPANY, f"{ticker} segments", PROVIDER, "", retrieved, Status.OK, 0,
                                     f"unmapped members, not in the bridge: {listed}"))
    return facts, provenance


def fetch_company(data: Fetcher, archives_url: str, ticker: str, retrieved: str,
                  archives: Fetcher | None = None) -> Records:
    """Consolidated quarters from companyfacts and, with ``archives``, segments and statement lines from
    the filings' instances; a quarter and key an instance has comes from the instance."""
    cik = CIKS[ticker]
    sub_path, facts_path = f"submissions/{padded(cik)}.json", f"api/xbrl/companyfacts/{padded(cik)}.json"
    fye_month, filings = parse_submissions(data.json(sub_path), f"sec {sub_path}")
    rules = segments.mapping(ticker)
    where = f"sec {facts_path}"
    try:
        payload = data.json(facts_path)
        facts, provenance = company_facts(ticker, cik, payload, fye_month, filings, archives_url, where, retrieved)
        if not facts:
            raise SourceError(f"{where}: no quarterly facts for any bridge concept")
        docs = {f.accession: f for f in filings}
        lines, line_provenance = capital.capital_facts(
            ticker, payload, rules.capital, lambda accession: filing_url(archives_url, cik, accession,
                                                                         docs.get(accession)), where, retrieved)
    except SourceError as exc:
        if rules.covered:
            raise
        raise SourceError(f"{exc}. {rules.coverage}") from None
    if archives is not None:
        from_instances, instance_provenance = fetch_instances(archives, ticker, cik, filings, fye_month, retrieved)
        have = {by_period(f) for f in from_instances}  # a filing's own line wins over companyfacts'
        facts = sorted([f for f in facts if by_period(f) not in have] + from_instances, key=by_period)
        provenance += instance_provenance
    facts, provenance = sorted(facts + lines, key=by_period), provenance + line_provenance
    head = Provenance(Table.COMPANY, ticker, PROVIDER, data.url(facts_path), retrieved, Status.OK, len(facts),
                      f"{len(filings)} 10-Q/10-K filings listed; fiscal year ends month {fye_month}")
    return Records(Table.COMPANY, facts=facts, provenance=[head, *provenance])
