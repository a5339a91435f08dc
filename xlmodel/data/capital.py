"""Capital-structure lines from SEC companyfacts: shares outstanding, cash, debt, convertible notes, bitcoin held.

These are instants (cover-page and balance-sheet facts, without ``start``). Which concepts
supply each line is data, in the company's mapping file (``"capital_structure"``: key ->
concepts in order of preference; :data:`CAPITAL_CONCEPTS` where a file has none). Per line
the latest date any of its concepts reports wins (the more preferred concept on a tie), so
Data_Company holds one value per ticker and line, with its date, concept and filing.

Field mapping (provider -> xlmodel):
- ``facts.dei.EntityCommonStockSharesOutstanding.units.shares[]``: the 10-Q/10-K cover page,
  ``end`` its "as of" date -> ``capital.shares_outstanding`` [shares];
- ``facts.us-gaap.CashAndCashEquivalentsAtCarryingValue.units.USD[]`` -> ``capital.cash`` [USD];
- ``LongTermDebt`` and its fallbacks -> ``capital.debt`` [USD], and ``ConvertibleNotesPayable``
  and its fallbacks -> ``capital.convertible_notes`` [USD]: carrying amounts as the filer tags them
  (the concept column says which). Principal per note is tagged only with a debt-instrument
  dimension, which companyfacts does not carry;
- ``facts.us-gaap.CryptoAssetNumberOfUnits.units.<unit>[]`` -> ``capital.btc_held`` [BTC], whatever
  unit name the filer declared (``pure``, ``bitcoin``, ``BTC``), never a USD amount.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from xlmodel.data.quarters import calendar_quarter
from xlmodel.data.records import CompanyFact, Provenance, Status, Table
from xlmodel.data.validate import need, number, plausible

FORMS = ("10-Q", "10-K", "10-Q/A", "10-K/A")


@dataclass(frozen=True)
class Line:
    unit: str  # the unit Data_Company shows
    units: tuple[str, ...] | None  # the companyfacts unit names read; None: any but USD (counts of coins)
    plausible: tuple[float, float]


LINES = {
    "capital.shares_outstanding": Line("shares", ("shares",), (1e5, 1e11)),
    "capital.cash": Line("USD", ("USD",), (0.0, 1e12)),
    "capital.debt": Line("USD", ("USD",), (0.0, 1e12)),
    "capital.convertible_notes": Line("USD", ("USD",), (0.0, 1e12)),
    "capital.btc_held": Line("BTC", None, (0.0, 2.1e7)),
}
CAPITAL_CONCEPTS: dict[str, list[str]] = {
    "capital.shares_outstanding": ["dei:EntityCommonStockSharesOutstanding"],
    "capital.cash": ["us-gaap:CashAndCashEquivalentsAtCarryingValue"],
    "capital.debt": ["us-gaap:LongTermDebt", "us-gaap:DebtLongtermAndShorttermCombinedAmount",
                     "us-gaap:LongTermDebtNoncurrent"],
    "capital.convertible_notes": ["us-gaap:ConvertibleNotesPayable", "us-gaap:ConvertibleDebt",
                                  "us-gaap:ConvertibleLongTermNotesPayable", "us-gaap:ConvertibleDebtNoncurrent"],
    "capital.btc_held": ["us-gaap:CryptoAssetNumberOfUnits"],
}


@dataclass(frozen=True)
class Instant:
    end: str
    value: float
    unit: str
    concept: str
    accession: str
    form: str
    filed: str
    fiscal_year: int | str
    fiscal_period: str


def instants(payload: Any, concept: str, line: Line, where: str) -> list[Instant]:
    """The concept's instants from 10-Q/10-K filings in the line's units (empty if the concept is absent)."""
    taxonomy, name = concept.split(":", 1)
    units = need(payload, "facts", where).get(taxonomy, {}).get(name, {}).get("units", {})
    found = []
    for unit, items in units.items():
        if (line.units is not None and unit not in line.units) or (line.units is None and unit.upper() == "USD"):
            continue
        for item in items:
            if "start" in item or item.get("form") not in FORMS:
                continue  # a duration, or a form whose figures are not the company's own quarter
            value = plausible(number(need(item, "val", where), f"{name}.val", where), *line.plausible, name, where)
            end = dt.date.fromisoformat(str(need(item, "end", where))).isoformat()
            found.append(Instant(end, value, line.unit, concept, str(need(item, "accn", where)), item["form"],
                                 str(need(item, "filed", where)), item.get("fy", ""), item.get("fp", "")))
    return found


def latest(payload: Any, concepts: list[str], line: Line, where: str) -> Instant | None:
    """The line's latest instant over its concepts; on a tie the more preferred concept, then the latest filing."""
    best = None
    for rank, concept in enumerate(concepts):
        for fact in instants(payload, concept, line, where):
            key = (fact.end, -rank, fact.filed)
            if best is None or key > best[0]:
                best = (key, fact)
    return best[1] if best else None


def capital_facts(ticker: str, payload: Any, concepts: dict[str, list[str]], url_of, where: str,
                  retrieved: str) -> tuple[list[CompanyFact], list[Provenance]]:
    """One fact per capital line the filings report (its latest value) and a provenance line each.

    ``url_of(accession)`` gives the filing's address.
    """
    facts, provenance = [], []
    for key, line in LINES.items():
        fact = latest(payload, concepts.get(key, CAPITAL_CONCEPTS[key]), line, where)
        if fact is None:
            continue
        url = url_of(fact.accession)
        facts.append(CompanyFact(ticker, fact.fiscal_year, fact.fiscal_period,
                                 calendar_quarter(dt.date.fromisoformat(fact.end)), "", fact.end, key, fact.value,
                                 fact.unit, fact.concept, "", fact.accession, fact.form, fact.filed, url))
        provenance.append(Provenance(Table.COMPANY, ticker, "sec", url, retrieved, Status.OK, 1,
                                     f"{key}: latest instant, as of {fact.end}", fact.accession, fact.form,
                                     fact.filed, fact.concept))
    return facts, provenance
