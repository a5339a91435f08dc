"""Consolidated income-statement lines from a filing's XBRL instance, in the bridge vocabulary.

companyfacts carries only standard us-gaap concepts; a company that tags a line with its
own concept (a warrant and CVR fair-value change, say) is complete only in its filings'
instances. Here the facts without dimensions are mapped onto bridge keys: concepts the
company's mapping file names (``"consolidated"``: concept -> key and balance type) come
first, then the standard us-gaap concepts of :data:`xlmodel.data.concepts.CONCEPTS`.

Signs follow the concept's XBRL balance type: a debit concept (an expense or a loss) is
positive when money goes out, a credit concept (revenue or a gain) when it comes in. The
bridge takes revenues and expenses positive and gains positive, so a debit-balance
fair-value change is negated and the rest are kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from xlmodel.core.bridge import LINES
from xlmodel.data import xbrl
from xlmodel.data.concepts import CONCEPTS
from xlmodel.data.quarters import Fact, fiscal_labels, quarterly
from xlmodel.data.records import CompanyFact

GAIN_KEYS = {key for key, (_label, effect) in LINES.items() if effect > 0} | {
    "reported.revenue", "reported.gross_profit", "reported.operating_income", "reported.net_income"}


@dataclass(frozen=True)
class LineConcept:
    concept: str  # prefix:LocalName
    key: str  # bridge key
    sign: int  # into the bridge's convention


def sign_for(key: str, balance: str) -> int:
    """+1 when the concept's balance type already matches the key's convention, else -1."""
    if balance not in ("debit", "credit"):
        raise ValueError(f"balance must be 'debit' or 'credit', got {balance!r}")
    return 1 if (balance == "credit") == (key in GAIN_KEYS) else -1


def line_concepts(company: dict[str, dict]) -> list[LineConcept]:
    """The concepts read, in order of preference: the company's own, then the standard ones."""
    own = [LineConcept(concept, spec["key"], sign_for(spec["key"], spec["balance"]))
           for concept, spec in company.items()]
    standard = [LineConcept(f"us-gaap:{concept}", key, sign)
                for key, (concepts, sign) in CONCEPTS.items() for concept in concepts]
    return own + standard


def quarterly_lines(ticker: str, filings, fye_month: int, concepts: list[LineConcept]) -> list[CompanyFact]:
    """One fact per (key, fiscal quarter), from the filings' undimensioned facts.

    Three-month facts as they are, Q4 as the 10-K year minus the third quarter's nine
    months; per quarter and key the most preferred concept that has a value wins.
    """
    by_concept = {c.concept: c for c in reversed(concepts)}  # the first listing of a concept wins
    rank = {c.concept: i for i, c in enumerate(concepts)}
    series: dict[str, list[Fact]] = {}
    urls = {}
    for filing in filings:
        urls[filing.accession] = filing.url
        for fact in filing.facts:
            if fact.concept in by_concept and _plain_duration(fact):
                series.setdefault(fact.concept, []).append(
                    Fact(fact.context.start, fact.context.end, fact.value, filing.accession, filing.form,
                             filing.filed))
    best: dict[tuple[str, object], tuple[int, CompanyFact]] = {}
    for concept, facts in series.items():
        line = by_concept[concept]
        for end, (start, value, fact, _how) in quarterly(facts).items():
            if (line.key, end) in best and best[(line.key, end)][0] <= rank[concept]:
                continue
            fiscal_year, fiscal_period, calendar = fiscal_labels(end, fye_month)
            best[(line.key, end)] = (rank[concept], CompanyFact(
                ticker, fiscal_year, fiscal_period, calendar, start.isoformat(), end.isoformat(), line.key,
                line.sign * value, "USD", concept, "", fact.accession, fact.form, fact.filed,
                urls.get(fact.accession, "")))
    return sorted((f for _rank, f in best.values()), key=lambda f: (f.period_end, f.key))


def _plain_duration(fact: xbrl.Fact) -> bool:
    return fact.unit == "USD" and fact.context.start is not None and not fact.context.dimensions
