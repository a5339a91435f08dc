"""Segment figures from XBRL instances: safe parsing, members, quarters, ties, failures per filing."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from recordings import (
    CORZ_10K_24,
    CORZ_Q2_25,
    CORZ_Q3_24,
    CORZ_Q3_25,
    ENVIRON,
    IREN_10K_FY25,
    IREN_Q3_FY25,
    RIOT_Q1_25,
    Replay,
)

from xlmodel.core import bridge
from xlmodel.data import segments, xbrl
from xlmodel.data.grids import COMPANY, SOURCES
from xlmodel.refresh.store import refresh_workbook
from xlmodel.refresh.xlsxfile import read_sheet
from xlmodel.template.builder import build_template

CORZ_FILINGS = [
    ("0001628280-25-046300", "10-Q", "2025-10-24", CORZ_Q3_25),
    ("0001628280-25-037000", "10-Q", "2025-08-08", CORZ_Q2_25),
    ("0001628280-25-009000", "10-K", "2025-02-27", CORZ_10K_24),
    ("0001628280-24-046000", "10-Q", "2024-11-06", CORZ_Q3_24),
]


def filing_facts(filings):
    return [segments.FilingFacts(acc, form, filed, f"https://www.sec.test/{acc}", xbrl.parse(content))
            for acc, form, filed, content in filings]


@pytest.fixture(scope="module")
def corz():
    return segments.extract("CORZ", filing_facts(CORZ_FILINGS), 12)


def values(extracted):
    return {(f.period_end, f.key): f for f in extracted.facts}


def test_member_values_come_from_single_axis_contexts_once(corz):
    v = values(corz)
    # the colocation fact is repeated under another context and split by customer: counted once
    assert v[("2025-09-30", "revenue.colocation")].value == 15_000_000
    assert v[("2025-09-30", "revenue.self_mining")].member == "core:DigitalAssetSelfMiningServiceMember"


def test_q4_is_the_10k_year_minus_nine_months_of_the_q3_10q(corz):
    v = values(corz)
    q4 = v[("2024-12-31", "revenue.self_mining")]
    assert q4.value == 408_740_000 - 328_840_000 and q4.period_start == "2024-10-01"
    assert q4.accession == "0001628280-25-009000" and q4.form == "10-K"


def test_a_member_seen_only_in_the_prior_year_column_still_maps(corz):
    fact = values(corz)[("2024-09-30", "revenue.colocation")]
    assert fact.member == "core:HPCHostingServiceMember" and fact.value == 10_300_000
    assert fact.filed == "2025-10-24"  # the latest filing that reports the period wins


@pytest.mark.parametrize("end", ["2024-09-30", "2024-12-31", "2025-06-30", "2025-09-30"])
def test_segments_tie_to_the_consolidated_totals_of_the_same_filing(corz, end):
    v = values(corz)
    items = {k: f.value for (e, k), f in v.items() if e == end}
    rows = {r.key: r.value for r in bridge.bridge(bridge.check_items(items.items()))}
    assert rows["revenue.total"] == corz.consolidated[(end, "revenue")]
    assert -rows["cost_of_revenue.total"] == corz.consolidated[(end, "cost_of_revenue")]


def test_fiscal_year_ending_in_june():
    extracted = segments.extract("IREN", filing_facts([
        ("0001878848-25-000050", "10-K", "2025-08-28", IREN_10K_FY25),
        ("0001878848-25-000020", "10-Q", "2025-05-14", IREN_Q3_FY25),
    ]), 6)
    v = values(extracted)
    q4 = v[("2025-06-30", "revenue.self_mining")]
    assert q4.value == 484_200_000 - 301_000_000
    assert (q4.fiscal_year, q4.fiscal_period, q4.calendar_quarter) == (2025, "Q4", "2025-Q2")
    assert v[("2025-03-31", "revenue.ai_cloud")].value == 6_800_000
    assert "test:UnseenLineMember" in extracted.unmapped  # listed, not dropped silently


def test_parsing_is_safe_from_entities_and_dtds():
    bomb = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<xbrli:xbrl xmlns:xbrli="http://www.xbrl.org/2003/instance"><note>&lol3;&xxe;</note></xbrli:xbrl>"""
    assert xbrl.parse(bomb) == []  # parsed without expanding or reading anything


def test_scale_sign_and_decimals():
    doc = (b'<xbrli:xbrl xmlns:xbrli="http://www.xbrl.org/2003/instance" xmlns:us-gaap="http://fasb.org/us-gaap/2025">'
           b'<xbrli:context id="c"><xbrli:entity><xbrli:identifier scheme="x">1</xbrli:identifier></xbrli:entity>'
           b'<xbrli:period><xbrli:startDate>2025-01-01</xbrli:startDate><xbrli:endDate>2025-03-31</xbrli:endDate>'
           b'</xbrli:period></xbrli:context><xbrli:unit id="u"><xbrli:measure>iso4217:USD</xbrli:measure></xbrli:unit>'
           b'<us-gaap:Revenues contextRef="c" unitRef="u" decimals="-5" scale="6" sign="-">1.5</us-gaap:Revenues>'
           b'<us-gaap:NetIncomeLoss contextRef="c" unitRef="u" decimals="0">-2500</us-gaap:NetIncomeLoss>'
           b'</xbrli:xbrl>')
    facts = {f.concept: f for f in xbrl.parse(doc)}
    assert facts["us-gaap:Revenues"].value == -1_500_000 and facts["us-gaap:Revenues"].decimals == "-5"
    assert facts["us-gaap:NetIncomeLoss"].value == -2_500 and facts["us-gaap:NetIncomeLoss"].unit == "USD"


@pytest.mark.parametrize("broken", [CORZ_Q2_25[: len(CORZ_Q2_25) // 2], b"<html>Not Found</html>"])
def test_a_malformed_instance_is_reported_per_filing_and_the_rest_kept(tmp_path, broken):
    book = build_template(tmp_path / "book.xlsx")
    url = "https://www.sec.test/Archives/edgar/data/1839341/000162828025037000/core-20250630_htm.xml"
    report = refresh_workbook(book, transport=Replay({url: httpx.Response(200, content=broken)}), environ=ENVIRON,
                              tickers=("CORZ",), only=("sec",), sleep=lambda s: None)
    assert not report.failures
    failed = [r for r in read_sheet(book, SOURCES) if r[5] == "failed"]
    assert len(failed) == 1 and failed[0][8] == "0001628280-25-037000" and "instance not read" in failed[0][7]
    keys = {(r[5], r[6]) for r in read_sheet(book, COMPANY)[1:]}
    assert ("2025-09-30", "revenue.colocation") in keys and ("2025-06-30", "revenue.colocation") not in keys


def test_refresh_fills_corz_bridge_inputs_with_provenance(tmp_path):
    book = build_template(tmp_path / "book.xlsx")
    refresh_workbook(book, transport=Replay(), environ=ENVIRON, tickers=("CORZ",), sleep=lambda s: None)
    rows = [r for r in read_sheet(book, COMPANY)[1:] if r[0] == "CORZ" and r[5] == "2025-09-30"]
    by_key = {r[6]: r for r in rows}
    for key in ("revenue.self_mining", "revenue.hosted_mining", "revenue.colocation", "cost_of_revenue.colocation",
                "reported.revenue", "warrant_fair_value_change"):
        assert key in by_key, key
    colo = by_key["revenue.colocation"]
    assert colo[10] == "core:ColocationServiceMember" and colo[11] == "0001628280-25-046300"
    assert colo[14].endswith("/000162828025046300/core-20250930_htm.xml")
    segment_sum = sum(by_key[f"revenue.{s}"][7] for s in ("self_mining", "hosted_mining", "colocation"))
    assert segment_sum == by_key["reported.revenue"][7]  # segments tie to companyfacts' consolidated revenue


def test_unknown_ticker_is_refused(tmp_path):
    from xlmodel.data.config import ConfigError

    book = build_template(tmp_path / "book.xlsx")
    before = book.read_bytes()
    with pytest.raises(ConfigError, match="unknown tickers"):
        refresh_workbook(book, tickers=("ZZZZ",), environ=ENVIRON)
    assert book.read_bytes() == before


def _bridge_of_refreshed_corz(tmp_path) -> tuple[Path, dict]:
    """Refresh CORZ from the replayed filings, point the Bridge sheet at Q2/Q3-25 and recalculate.

    Returns the book and the current quarter's bridge (key -> value); no cell may be in error.
    """
    from xlmodel.calc import engine, xlsxpatch
    from xlmodel.template.bridge import FIRST

    book = build_template(tmp_path / "book.xlsx")
    refresh_workbook(book, transport=Replay(), environ=ENVIRON, tickers=("CORZ",), sleep=lambda s: None)
    pointed = tmp_path / "pointed.xlsx"
    xlsxpatch.store_values(book, pointed, {"Bridge": {"B5": "2025-Q2", "B6": "2025-Q3"}}, bake=True)
    calc = engine.calculate(pointed)
    assert calc.ok, calc.issues[:3]
    return book, {calc.values.get(("Bridge", f"H{r}")): calc.values.get(("Bridge", f"J{r}"))
                  for r in range(FIRST + 1, FIRST + 80)}


def test_bridge_sheet_pointed_at_refreshed_quarters_ties_to_the_filing(tmp_path):
    _, current = _bridge_of_refreshed_corz(tmp_path)
    assert current["revenue.colocation"] == 15_000_000
    assert current["gross_profit.colocation"] == 15_000_000 - 11_100_000
    assert current["check.revenue"] == 0  # the segments tie to the filing's consolidated revenue
    assert current["warrant_fair_value_change"] == -74_900_000  # a loss, in the bridge's sign


def test_a_quarter_refreshed_from_its_filing_ties_at_net_income(tmp_path):
    book, current = _bridge_of_refreshed_corz(tmp_path)
    assert current["net_income"] == -146_700_000
    assert current["check.net_income"] == 0 and current["check.operating_income"] == 0
    assert current["digital_asset_fair_value_change"] == 2_100_000  # a credit-balance gain stays positive
    rows = {r[6]: r for r in read_sheet(book, COMPANY)[1:] if r[0] == "CORZ" and r[5] == "2025-09-30"}
    assert rows["sga"][9] == "us-gaap:SellingGeneralAndAdministrativeExpense"
    assert rows["sga"][11] == "0001628280-25-046300"  # from the filing's instance, not companyfacts


def test_a_company_concept_named_in_the_mapping_file_comes_first_with_its_balance_sign(monkeypatch):
    from recordings import instance

    from xlmodel.data import statement_lines

    # a hypothetical company concept for the warrant and CVR change, as some filers tag it
    own = "core:ChangeInFairValueOfWarrantsAndContingentValueRights"
    content = instance("0001839341", "core", "http://www.corescientific.com/20250930", "20250930", [
        (own, "2025-07-01", "2025-09-30", [], 80_000_000),
        ("us-gaap:FairValueAdjustmentOfWarrants", "2025-07-01", "2025-09-30", [], 74_900_000),
        ("us-gaap:SellingGeneralAndAdministrativeExpense", "2025-07-01", "2025-09-30", [], 48_000_000),
    ])
    filing = filing_facts([("0001628280-25-046300", "10-Q", "2025-10-24", content)])
    concepts = statement_lines.line_concepts({own: {"key": "warrant_fair_value_change", "balance": "debit"}})
    facts = {f.key: f for f in statement_lines.quarterly_lines("CORZ", filing, 12, concepts)}
    assert facts["warrant_fair_value_change"].value == -80_000_000 and facts["warrant_fair_value_change"].concept == own
    assert facts["sga"].value == 48_000_000
    assert statement_lines.sign_for("other_income", "credit") == 1
    assert statement_lines.sign_for("interest_expense", "credit") == -1


def test_every_covered_ticker_has_a_mapping_file_saying_what_refresh_covers():
    import json
    from importlib import resources

    from xlmodel.data.sec import CIKS

    slugs = {"self_mining", "hosted_mining", "colocation", "ai_cloud", "engineering", None}  # None: a total
    for ticker in CIKS:
        path = resources.files("xlmodel.data") / "mappings" / f"{ticker.lower()}.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["ticker"] == ticker and data["coverage"], ticker
        assert set(data["members"].values()) <= slugs, ticker
        assert segments.mapping(ticker).source.endswith(f"{ticker.lower()}.json")


def test_a_40f_filer_fails_with_what_refresh_cannot_cover(tmp_path):
    from recordings import ENVIRON, Replay

    s = "https://data.sec.test"
    submissions = {"cik": "1812477", "name": "Bitfarms Ltd.", "fiscalYearEnd": "1231", "filings": {"recent": {
        "accessionNumber": ["0001812477-25-000010", "0001812477-25-000020"], "filingDate": ["2025-03-20", "2025-05-14"],
        "reportDate": ["2024-12-31", "2025-03-31"], "acceptanceDateTime": ["2025-05-14T16:05:00.000Z"] * 2,
        "form": ["40-F", "6-K"], "primaryDocument": ["bitf-40f.htm", "bitf-6k.htm"],
        "primaryDocDescription": ["40-F", "6-K"]}, "files": []}}
    facts = {"cik": 1812477, "entityName": "Bitfarms Ltd.", "facts": {"ifrs-full": {"Revenue": {"units": {"USD": [
        {"start": "2025-01-01", "end": "2025-03-31", "val": 66_800_000, "accn": "0001812477-25-000020",
         "fy": 2025, "fp": "Q1", "form": "6-K", "filed": "2025-05-14"}]}}}}}
    book = build_template(tmp_path / "book.xlsx")
    replay = Replay({f"{s}/submissions/CIK0001812477.json": httpx.Response(200, json=submissions),
                     f"{s}/api/xbrl/companyfacts/CIK0001812477.json": httpx.Response(200, json=facts)})
    report = refresh_workbook(book, transport=replay, environ=ENVIRON, tickers=("BITF",), only=("sec",),
                              sleep=lambda s: None)
    assert len(report.failures) == 1 and "40-F/6-K" in report.failures[0].error


def test_riot_segments_come_from_its_own_members_and_nothing_is_counted_twice():
    extracted = segments.extract("RIOT", filing_facts([("0001558370-25-006119", "10-Q", "2025-05-01", RIOT_Q1_25)]),
                                 12)
    v = values(extracted)
    mining, engineering = v[("2025-03-31", "revenue.self_mining")], v[("2025-03-31", "revenue.engineering")]
    assert (mining.value, mining.member) == (142_900_000, "riot:BitcoinMiningSegmentMember")
    assert (engineering.value, engineering.member) == (13_900_000, "riot:EngineeringSegmentMember")
    # the elimination shares its context with a second axis, and the reportable-segment total is a total
    assert {f.key for f in extracted.facts} == {"revenue.self_mining", "revenue.engineering"}
    assert not extracted.unmapped  # the total is named in the mapping file, so it is not listed as unknown
    assert extracted.consolidated[("2025-03-31", "revenue")] == 161_400_000
