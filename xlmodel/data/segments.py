"""Segment revenue and cost of revenue from XBRL instances, in the bridge vocabulary.

Which members are which segment is data: one mapping file per company in
``xlmodel/data/mappings/`` (member QName -> segment slug, or null for a member that totals
segments, and the axes to read), with a generic fallback by member name. A member value is
taken only from a context that carries that one axis and nothing else, so facts split
further (related party, geography) are never added twice. Quarters come from three-month facts; Q4 is the 10-K's full year minus
the nine months of the third-quarter 10-Q.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from xlmodel.data import xbrl
from xlmodel.data.quarters import Fact, fiscal_labels, quarterly
from xlmodel.data.records import CompanyFact

REVENUE_CONCEPTS = ("us-gaap:RevenueFromContractWithCustomerExcludingAssessedTax", "us-gaap:Revenues")
COST_CONCEPTS = ("us-gaap:CostOfGoodsAndServiceExcludingDepreciationDepletionAndAmortization",
                 "us-gaap:CostOfRevenue", "us-gaap:CostOfGoodsAndServicesSold")
DEFAULT_AXES = ("srt:ProductOrServiceAxis", "us-gaap:StatementBusinessSegmentsAxis")
GENERIC_MEMBERS = [  # (pattern on the member's local name, segment); first match wins
    (re.compile(r"selfmining|self_mining", re.IGNORECASE), "self_mining"),
    (re.compile(r"colocation|hpc|highdensity|datacent", re.IGNORECASE), "colocation"),
    (re.compile(r"aicloud|gpu|cloud", re.IGNORECASE), "ai_cloud"),
    (re.compile(r"hosted|hosting", re.IGNORECASE), "hosted_mining"),
    (re.compile(r"mining", re.IGNORECASE), "self_mining"),
]


@dataclass
class Mapping:
    ticker: str
    members: dict[str, str | None] = field(default_factory=dict)  # None: a total of segments, never read
    axes: tuple[str, ...] = DEFAULT_AXES
    source: str = "generic"
    consolidated: dict[str, dict] = field(default_factory=dict)  # concept -> {"key", "balance"}
    coverage: str = ""  # what refresh covers for the company (forms filed), in the analyst's words
    covered: bool = True  # False: its filings (40-F/6-K) hold no quarterly us-gaap facts to read
    capital: dict[str, list[str]] = field(default_factory=dict)  # capital line -> concepts (capital.py's defaults)


@cache
def mapping(ticker: str) -> Mapping:
    """The company's mapping file, or the generic rules alone."""
    path = resources.files("xlmodel.data") / "mappings" / f"{ticker.lower()}.json"
    if not path.is_file():
        return Mapping(ticker.upper())
    data = json.loads(path.read_text(encoding="utf-8"))
    return Mapping(ticker.upper(), data.get("members", {}), tuple(data.get("axes", DEFAULT_AXES)),
                   f"xlmodel/data/mappings/{ticker.lower()}.json", data.get("consolidated", {}),
                   data.get("coverage", ""), data.get("covered", True), data.get("capital_structure", {}))


def segment_of(member: str, rules: Mapping) -> str | None:
    if member in rules.members:
        return rules.members[member]
    local = member.split(":")[-1]
    return next((slug for pattern, slug in GENERIC_MEMBERS if pattern.search(local)), None)


@dataclass
class FilingFacts:
    """One filing's instance facts with where they came from."""

    accession: str
    form: str
    filed: str
    url: str
    facts: list[xbrl.Fact]


@dataclass
class Extracted:
    facts: list[CompanyFact]
    unmapped: dict[str, str]  # member -> the filing it was seen in
    consolidated: dict[tuple[str, str], float]  # (period end, key) -> value, for the tie check


def _single_axis_member(fact: xbrl.Fact, axes: tuple[str, ...]) -> tuple[str, str] | None:
    dims = fact.context.dimensions
    if len(dims) == 1 and dims[0][0] in axes:
        return dims[0]
    return None


def extract(ticker: str, filings: list[FilingFacts], fye_month: int) -> Extracted:
    """Segment facts (revenue.<segment>, cost_of_revenue.<segment>) per fiscal quarter, with provenance."""
    rules = mapping(ticker)
    series: dict[tuple[str, str, str, str], list[Fact]] = {}  # (key, axis, member, concept) -> facts
    unmapped: dict[str, str] = {}
    consolidated: dict[tuple[str, str], list[Fact]] = {}
    urls: dict[str, str] = {}
    for filing in filings:
        urls[filing.accession] = filing.url
        for fact in filing.facts:
            kind = "revenue" if fact.concept in REVENUE_CONCEPTS else \
                "cost_of_revenue" if fact.concept in COST_CONCEPTS else None
            if kind is None or fact.unit != "USD" or fact.context.start is None:
                continue
            record = Fact(fact.context.start, fact.context.end, fact.value, filing.accession, filing.form,
                              filing.filed)
            if not fact.context.dimensions:
                consolidated.setdefault((kind, fact.concept), []).append(record)
                continue
            axis_member = _single_axis_member(fact, rules.axes)
            if axis_member is None:
                continue  # split by more than one axis, or an axis the bridge does not read
            segment = segment_of(axis_member[1], rules)
            if segment is None:
                if axis_member[1] not in rules.members:  # null in the mapping file: a total, known and skipped
                    unmapped.setdefault(axis_member[1], filing.accession)
                continue
            series.setdefault((f"{kind}.{segment}", *axis_member, fact.concept), []).append(record)
    facts = _facts(ticker, series, rules, fye_month, urls)
    totals = {}
    for (kind, _concept), reported in consolidated.items():
        for end, (_start, value, _fact, _how) in quarterly(reported).items():
            totals.setdefault((end.isoformat(), kind), value)
    return Extracted(facts, unmapped, totals)


def _facts(ticker, series, rules: Mapping, fye_month: int, urls: dict[str, str]) -> list[CompanyFact]:
    """One fact per (key, quarter), from the highest-priority axis that has it.

    Members of that axis mapped to the same segment are summed (and named together); a
    member reported under two revenue concepts counts once, under the preferred concept.
    """
    concept_rank = {c: i for i, c in enumerate(REVENUE_CONCEPTS + COST_CONCEPTS)}
    axis_rank = {axis: i for i, axis in enumerate(rules.axes)}
    best: dict[tuple[str, object], tuple[int, dict]] = {}
    for (key, axis, member, concept), facts in sorted(
            series.items(), key=lambda kv: (axis_rank.get(kv[0][1], 99), concept_rank.get(kv[0][3], 99))):
        rank = axis_rank.get(axis, 99)
        for end, (start, value, fact, _how) in quarterly(facts).items():
            current = best.get((key, end))
            if current is None or rank < current[0]:
                best[(key, end)] = (rank, {member: (value, concept, fact, start, axis)})
            elif rank == current[0]:
                current[1].setdefault(member, (value, concept, fact, start, axis))
    facts = []
    for (key, end), (_rank, members) in best.items():
        value, concept, fact, start, _axis = next(iter(members.values()))
        fiscal_year, fiscal_period, calendar = fiscal_labels(end, fye_month)
        facts.append(CompanyFact(ticker, fiscal_year, fiscal_period, calendar, start.isoformat(), end.isoformat(),
                                 key, sum(m[0] for m in members.values()), "USD", concept, " + ".join(members),
                                 fact.accession, fact.form, fact.filed, urls.get(fact.accession, "")))
    return sorted(facts, key=lambda f: (f.period_end, f.key))
