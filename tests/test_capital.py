"""Capital-structure lines from SEC companyfacts (shares, cash, debt, convertible notes, bitcoin held).

The payload is shaped like companyfacts: ``dei`` beside ``us-gaap``, instants without
``start``, the cover-page share count dated after the quarter it belongs to, the same
instant repeated by a later filing, durations and 8-K facts that must be skipped, and a
coin count whose unit the filer names (``pure`` or ``bitcoin``).
"""

from __future__ import annotations

import datetime as dt

import pytest

from xlmodel.data import capital, embedded, segments
from xlmodel.data.http import SourceError

Q2, Q3, EIGHT_K = "0001628280-25-037000", "0001628280-25-046300", "0001628280-25-050000"


def _instant(end, val, accn, form, filed, fy=2025, fp="Q3"):
    return {"end": end, "val": val, "accn": accn, "fy": fy, "fp": fp, "form": form, "filed": filed}


PAYLOAD = {"cik": 1839341, "entityName": "Core Scientific, Inc./tx", "facts": {
    "dei": {"EntityCommonStockSharesOutstanding": {"label": "Entity Common Stock, Shares Outstanding", "units": {
        "shares": [_instant("2025-07-31", 305_000_000, Q2, "10-Q", "2025-08-08", fp="Q2"),
                   _instant("2025-10-20", 306_500_000, Q3, "10-Q", "2025-10-24")]}}},
    "us-gaap": {
        "CashAndCashEquivalentsAtCarryingValue": {"units": {"USD": [
            _instant("2025-06-30", 581_300_000, Q2, "10-Q", "2025-08-08", fp="Q2"),
            _instant("2025-09-30", 453_400_000, Q3, "10-Q", "2025-10-24"),
            # an 8-K's pro forma figure is no quarter-end balance
            _instant("2025-11-30", 999_000_000, EIGHT_K, "8-K", "2025-12-05"),
            # a duration under the same concept (cash flow statement style) is skipped
            {**_instant("2025-09-30", 1, Q3, "10-Q", "2025-10-24"), "start": "2025-01-01"},
        ]}},
        "LongTermDebtNoncurrent": {"units": {"USD": [_instant("2025-09-30", 1_010_000_000, Q3, "10-Q", "2025-10-24")]}},
        "LongTermDebt": {"units": {"USD": [
            _instant("2025-06-30", 1_100_000_000, Q2, "10-Q", "2025-08-08", fp="Q2"),
            _instant("2025-09-30", 1_050_000_000, Q3, "10-Q", "2025-10-24")]}},
        "ConvertibleNotesPayable": {"units": {"USD": [_instant("2025-09-30", 1_002_000_000, Q3, "10-Q", "2025-10-24")]}},
        "CryptoAssetNumberOfUnits": {"units": {"bitcoin": [_instant("2025-09-30", 1_612, Q3, "10-Q", "2025-10-24")]}},
    }}}


def _lines(payload=PAYLOAD, concepts=None):
    facts, provenance = capital.capital_facts("CORZ", payload, concepts or {}, lambda a: f"https://sec/{a}",
                                              "sec companyfacts", "2025-11-01T00:00:00Z")
    return {f.key: f for f in facts}, provenance


def test_each_line_is_its_latest_instant_with_date_concept_and_filing():
    lines, provenance = _lines()
    shares = lines["capital.shares_outstanding"]
    assert (shares.value, shares.period_end, shares.unit, shares.concept) == (
        306_500_000, "2025-10-20", "shares", "dei:EntityCommonStockSharesOutstanding")
    assert (shares.accession, shares.form, shares.url, shares.calendar_quarter) == (Q3, "10-Q", f"https://sec/{Q3}",
                                                                                     "2025-Q4")
    assert lines["capital.cash"].value == 453_400_000  # not the 8-K's figure, not the duration
    assert lines["capital.debt"].value == 1_050_000_000  # LongTermDebt preferred over the noncurrent part
    assert lines["capital.debt"].concept == "us-gaap:LongTermDebt"
    assert lines["capital.convertible_notes"].value == 1_002_000_000
    btc = lines["capital.btc_held"]
    assert (btc.value, btc.unit) == (1_612, "BTC")
    assert len(provenance) == 5 and all(p.accession == Q3 for p in provenance)


def test_a_later_date_of_a_less_preferred_concept_wins():
    payload = {"facts": {"us-gaap": {
        "LongTermDebt": {"units": {"USD": [_instant("2025-06-30", 900.0e6, Q2, "10-Q", "2025-08-08")]}},
        "LongTermDebtNoncurrent": {"units": {"USD": [_instant("2025-09-30", 950.0e6, Q3, "10-Q", "2025-10-24")]}},
    }}}
    lines, _ = _lines(payload)
    assert lines["capital.debt"].value == 950.0e6 and lines["capital.debt"].period_end == "2025-09-30"
    assert set(lines) == {"capital.debt"}  # lines a filer does not tag are left out, not zero


def test_a_coin_count_is_never_read_from_a_usd_unit():
    payload = {"facts": {"us-gaap": {"CryptoAssetNumberOfUnits": {"units": {
        "USD": [_instant("2025-09-30", 241_400_000, Q3, "10-Q", "2025-10-24")],
        "pure": [_instant("2025-06-30", 1_500, Q2, "10-Q", "2025-08-08")]}}}}}
    lines, _ = _lines(payload)
    assert lines["capital.btc_held"].value == 1_500


def test_the_mapping_files_concepts_are_used_in_their_order():
    own = {"capital.cash": ["us-gaap:CashCashEquivalentsRestrictedCashAndRestrictedCashEquivalents",
                            "us-gaap:CashAndCashEquivalentsAtCarryingValue"]}
    payload = {"facts": {"us-gaap": {
        "CashCashEquivalentsRestrictedCashAndRestrictedCashEquivalents": {"units": {"USD": [
            _instant("2025-09-30", 460_000_000, Q3, "10-Q", "2025-10-24")]}},
        "CashAndCashEquivalentsAtCarryingValue": {"units": {"USD": [
            _instant("2025-09-30", 453_400_000, Q3, "10-Q", "2025-10-24")]}}}}}
    lines, _ = _lines(payload, own)
    assert lines["capital.cash"].value == 460_000_000
    assert segments.mapping("CORZ").capital == capital.CAPITAL_CONCEPTS  # every file lists its lines


@pytest.mark.parametrize("val,message", [
    ("1e999", "is not a finite number"),
    (-5, "outside the plausible range"),
    (True, "is a boolean"),
])
def test_a_bad_value_fails_the_source_with_one_line(val, message):
    payload = {"facts": {"us-gaap": {"CashAndCashEquivalentsAtCarryingValue": {"units": {"USD": [
        _instant("2025-09-30", val, Q3, "10-Q", "2025-10-24")]}}}}}
    with pytest.raises(SourceError, match=message):
        _lines(payload)


# --- the embedded capital structure ---------------------------------------------------------------

@pytest.mark.parametrize("ticker", embedded.tickers())
def test_every_embedded_capital_figure_names_its_address_document_and_date(ticker):
    for item in [*embedded.capital_lines(ticker), *embedded.instruments(ticker), *embedded.contracts(ticker)]:
        assert item.url.startswith("http") and " " not in item.url, (ticker, item)
        assert item.document and item.quote_type, (ticker, item)
    for line in embedded.capital_lines(ticker):
        assert line.key in capital.LINES and line.unit == capital.LINES[line.key].unit, line
        assert dt.date.fromisoformat(line.as_of) and line.value >= 0
    assert len({line.key for line in embedded.capital_lines(ticker)}) == len(embedded.capital_lines(ticker))
    for i in embedded.instruments(ticker):
        share_based = i.count is not None and i.strike_usd is not None
        note = i.principal_usd is not None and i.conversion_price_usd is not None and i.conversion_price_usd > 0
        assert share_based or note or "not" in i.note.lower(), i  # what is not counted says why
    for c in embedded.contracts(ticker):
        assert c.basis in ("IT", "gross") and c.mw > 0, c


def test_embedded_capital_lines_reach_data_company_as_of_their_own_date():
    facts = {f.key: f for f in embedded.company_facts("RIOT") if f.key.startswith("capital.")}
    shares = facts["capital.shares_outstanding"]
    assert (shares.value, shares.period_end, shares.calendar_quarter, shares.unit) == (
        371_807_186, "2025-10-29", "2025-Q4", "shares")
    assert shares.form.startswith("third_party_quoting_company: ") and shares.url.startswith("https://www.stocktitan.net/")
    debt = facts["capital.debt"]
    assert debt.value == 725_000_000 and debt.form.startswith("derived: 0.75% converts 2030 525,000,000")


def test_a_refresh_writes_the_filings_lines_and_keeps_an_untagged_one_with_its_source(template, tmp_path):
    import shutil

    from recordings import ENVIRON
    from replay_server import ReplayServer

    from xlmodel.data.grids import COMPANY, COMPANY_HEADER
    from xlmodel.refresh.store import refresh_workbook
    from xlmodel.refresh.xlsxfile import read_sheet

    book = shutil.copy(template, tmp_path / "book.xlsx")
    with ReplayServer() as server:
        report = refresh_workbook(book, environ={**ENVIRON, **server.environ()}, tickers=("CORZ",), only=("sec",),
                                  sleep=lambda s: None)
    assert not report.failures, [o.error for o in report.failures]
    rows = [dict(zip(COMPANY_HEADER, r)) for r in read_sheet(book, COMPANY)[1:]]
    corz = {r["key"]: r for r in rows if r["ticker"] == "CORZ" and str(r["key"]).startswith("capital.")}
    shares = corz["capital.shares_outstanding"]
    assert (shares["value"], shares["period_end"], shares["concept"]) == (
        306_200_000, "2025-10-20", "dei:EntityCommonStockSharesOutstanding")
    assert shares["url"].endswith("/core-20250930.htm") and corz["capital.cash"]["value"] == 453_400_000
    debt = corz["capital.debt"]  # not tagged in the replayed filings: the embedded, sourced line stays
    embedded_debt = next(line for line in embedded.capital_lines("CORZ") if line.key == "capital.debt")
    assert debt["value"] == embedded_debt.value and debt["form"] == f"{embedded_debt.quote_type}: {embedded_debt.document}"
    assert debt["lookup"] == "CORZ|capital.debt"  # the one key column the workbook's lookups match
