"""SEC EDGAR: the filing list (submissions) and consolidated quarterly figures (companyfacts).

Field mapping (provider -> xlmodel):
- ``submissions/CIK##########.json``: ``fiscalYearEnd`` ("1231", "0630", ...) and the columnar
  ``filings.recent`` (parallel arrays ``accessionNumber, filingDate, reportDate, form,
  primaryDocument``) -> the 10-Q/10-K filings, for provenance and filing URLs.
- ``api/xbrl/companyfacts/CIK##########.json``: ``facts.us-gaap.<Concept>.units.USD[]`` with
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

from xlmodel.data.http import Fetcher, SourceError
from xlmodel.data.tables import COMPANY, Block, Provenance
from xlmodel.data.validate import need, number

PROVIDER = "sec"
INTERVAL_S = 0.125  # 8 requests a second, below the SEC's 10
CIKS = {
    "CORZ": 1839341, "IREN": 1878848, "CIFR": 1819989, "WULF": 1083301, "HUT": 1964789, "RIOT": 1167419,
    "MARA": 1507605, "CLSK": 827876, "BITF": 1812477, "APLD": 1144879, "HIVE": 1720424,
}
QUARTERS_KEPT = 12
FORMS = ("10-Q", "10-K", "10-Q/A", "10-K/A")

# bridge key -> (concepts in order of preference, sign into the bridge's convention)
CONCEPTS: dict[str, tuple[tuple[str, ...], int]] = {
    "reported.revenue": (("RevenueFromContractWithCustomerExcludingAssessedTax", "Revenues"), 1),
    "reported.cost_of_revenue": (("CostOfGoodsAndServiceExcludingDepreciationDepletionAndAmortization",
                                  "CostOfRevenue", "CostOfGoodsAndServicesSold"), 1),
    "reported.gross_profit": (("GrossProfit",), 1),
    "reported.operating_income": (("OperatingIncomeLoss",), 1),
    "sga": (("SellingGeneralAndAdministrativeExpense", "GeneralAndAdministrativeExpense"), 1),
    "depreciation_amortization": (("DepreciationDepletionAndAmortization", "DepreciationAndAmortization",
                                   "Depreciation"), 1),
    "impairment": (("ImpairmentOfLongLivedAssetsHeldForUse", "AssetImpairmentCharges"), 1),
    "digital_asset_fair_value_change": (("CryptoAssetGainLoss", "CryptoAssetFairValueGainLoss"), 1),
    "warrant_fair_value_change": (("FairValueAdjustmentOfWarrants",), -1),
    "interest_expense": (("InterestExpense", "InterestExpenseNonoperating"), 1),
    "other_income": (("OtherNonoperatingIncomeExpense",), 1),
    "income_tax": (("IncomeTaxExpenseBenefit",), 1),
    "stock_based_compensation": (("ShareBasedCompensation", "AllocatedShareBasedCompensationExpense"), 1),
    "reported.net_income": (("NetIncomeLoss",), 1),
}


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


def fiscal_labels(end: dt.date, fye_month: int) -> tuple[int, str, str]:
    """(fiscal year, 'Q1'..'Q4', calendar quarter 'YYYY-Qn') of a quarter ending on ``end``."""
    month = end.month if end.day > 15 else (end.month - 2) % 12 + 1  # a 52/53-week end early in a month
    quarter = ((month - fye_month - 1) % 12) // 3 + 1
    fiscal_year = end.year if month <= fye_month else end.year + 1
    return fiscal_year, f"Q{quarter}", f"{end.year}-Q{(month - 1) // 3 + 1}"


def company_rows(ticker: str, cik: int, facts_payload: Any, fye_month: int, filings: list[Filing],
                 archives_url: str, where: str, retrieved: str = "") -> tuple[list[list[Any]], list[Provenance]]:
    """Data_Company rows (one per quarter and key) and one provenance line per concept used."""
    docs = {f.accession: f for f in filings}
    rows, used = [], {}
    for key, (concepts, sign) in CONCEPTS.items():
        per_quarter: dict[dt.date, tuple] = {}
        for concept in concepts:
            for end, found in quarterly(parse_facts(facts_payload, concept, where)).items():
                per_quarter.setdefault(end, (*found, concept))
        for end in sorted(per_quarter)[-QUARTERS_KEPT:]:
            start, value, fact, how, concept = per_quarter[end]
            fiscal_year, fiscal_period, calendar = fiscal_labels(end, fye_month)
            url = filing_url(archives_url, cik, fact.accession, docs.get(fact.accession))
            rows.append([ticker, fiscal_year, fiscal_period, calendar, start.isoformat(), end.isoformat(), key,
                         sign * value, "USD", concept, "", fact.accession, fact.form, fact.filed, url])
            used.setdefault((concept, fact.accession), (fact, how, url))
    rows.sort(key=lambda r: (r[5], r[6]))
    return rows, [
        Provenance(COMPANY, ticker, PROVIDER, url, retrieved, "ok",
                   sum(1 for r in rows if r[9] == concept and r[11] == fact.accession), how, fact.accession,
                   fact.form, fact.filed, concept)
        for (concept, _), (fact, how, url) in sorted(used.items())]


def filing_url(archives_url: str, cik: int, accession: str, filing: Filing | None) -> str:
    folder = f"{archives_url}/Archives/edgar/data/{cik}/{accession.replace('-', '')}/"
    return folder + filing.primary_document if filing else folder


INSTANCES_KEPT = 8  # the latest 10-Q/10-K instances: two years of quarters, and the 10-K for each Q4


def instance_url(archives_url: str, cik: int, filing: Filing) -> str:
    """The filing's XBRL instance, which EDGAR names after the primary document (``x.htm`` -> ``x_htm.xml``)."""
    stem = filing.primary_document.rsplit(".", 1)[0]
    return f"{archives_url}/Archives/edgar/data/{cik}/{filing.accession.replace('-', '')}/{stem}_htm.xml"


def fetch_segments(archives: Fetcher, ticker: str, cik: int, filings: list[Filing], fye_month: int,
                   retrieved: str) -> tuple[list[list[Any]], list[Provenance]]:
    """Segment rows from the latest filings' instances; a filing that fails is reported, the rest kept."""
    from xlmodel.data import segments, statement_lines, xbrl

    read, provenance = [], []
    for filing in sorted(filings, key=lambda f: f.filed, reverse=True)[:INSTANCES_KEPT]:
        url = instance_url(archives.base_url, cik, filing)
        try:
            facts = xbrl.parse(archives.get(url[len(archives.base_url):]).content)
        except (SourceError, xbrl.InstanceError) as exc:
            provenance.append(Provenance(COMPANY, f"{ticker} segments", PROVIDER, url, retrieved, "failed", 0,
                                         f"instance not read: {exc}", filing.accession, filing.form, filing.filed,
                                         "XBRL instance"))
            continue
        read.append(segments.FilingFacts(filing.accession, filing.form, filing.filed, url, facts))
    extracted = segments.extract(ticker, read, fye_month)
    rules = segments.mapping(ticker)
    lines = statement_lines.quarterly_lines(ticker, read, fye_month,
                                            statement_lines.line_concepts(rules.consolidated))
    rows = extracted.rows + lines
    for f in read:
        n = sum(1 for r in rows if r[11] == f.accession)
        provenance.append(Provenance(COMPANY, f"{ticker} segments", PROVIDER, f.url, retrieved, "ok", n,
                                     f"segment and statement-line facts via {rules.source}", f.accession,
                                     f.form, f.filed, "XBRL instance"))
    if extracted.unmapped:
        listed = ", ".join(f"{m} ({acc})" for m, acc in sorted(extracted.unmapped.items()))
        provenance.append(Provenance(COMPANY, f"{ticker} segments", PROVIDER, "", retrieved, "ok", 0,
                                     f"unmapped members, not in the bridge: {listed}"))
    return rows, provenance


def fetch_company(data: Fetcher, archives_url: str, ticker: str, retrieved: str,
                  archives: Fetcher | None = None) -> Block:
    """Consolidated quarters from companyfacts and, with ``archives``, segments and statement lines from
    the filings' instances; a quarter and key an instance has comes from the instance."""
    cik = CIKS[ticker]
    sub_path, facts_path = f"submissions/{padded(cik)}.json", f"api/xbrl/companyfacts/{padded(cik)}.json"
    fye_month, filings = parse_submissions(data.json(sub_path), f"sec {sub_path}")
    rows, provenance = company_rows(ticker, cik, data.json(facts_path), fye_month, filings, archives_url,
                                    f"sec {facts_path}", retrieved)
    if not rows:
        raise SourceError(f"sec {facts_path}: no quarterly facts for any bridge concept")
    head = Provenance(COMPANY, ticker, PROVIDER, data.url(facts_path), retrieved, "ok", len(rows),
                      f"{len(filings)} 10-Q/10-K filings listed; fiscal year ends month {fye_month}")
    if archives is not None:
        instance_rows, segment_provenance = fetch_segments(archives, ticker, cik, filings, fye_month, retrieved)
        from_instances = {(r[5], r[6]) for r in instance_rows}  # a filing's own line wins over companyfacts'
        rows = sorted([r for r in rows if (r[5], r[6]) not in from_instances] + instance_rows,
                      key=lambda r: (r[5], r[6]))
        provenance += segment_provenance
        head.rows = len(rows)
    return Block(COMPANY, ticker, [], rows, [head, *provenance])
