"""Refresh: provider mappings, every failure mode, provenance, no data loss, atomic writes."""

from __future__ import annotations

import copy
import datetime as dt
import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import httpx
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from recordings import (
    COINBASE_CANDLES,
    CORZ_FACTS,
    CORZ_SUBMISSIONS,
    ENVIRON,
    IREN_FACTS,
    IREN_SUBMISSIONS,
    KRAKEN_OHLC,
    MEMPOOL_HASHRATE,
    Replay,
    html_error,
    recorded,
    stooq_url,
)
from typer.testing import CliRunner

from xlmodel.calc.xlsxpatch import sheet_parts
from xlmodel.cli import app
from xlmodel.data import config, embedded, mempool, prices, sec
from xlmodel.data.grids import COMPANY, EQUITIES, NETWORK, OWNED_SHEETS, PRICES, SOURCES
from xlmodel.data.http import Fetcher, RateLimiter, SourceError, retry_after_seconds
from xlmodel.refresh.store import refresh_workbook
from xlmodel.refresh.xlsxfile import read_sheet, read_sheets, write_sheets
from xlmodel.template.builder import build_template

NO_SLEEP = {"sleep": lambda s: None}


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return build_template(tmp_path_factory.mktemp("tpl") / "miner_model.xlsx")


@pytest.fixture
def book(template, tmp_path) -> Path:
    path = tmp_path / "book.xlsx"
    shutil.copyfile(template, path)
    return path


@pytest.fixture(scope="module")
def refreshed(template, tmp_path_factory) -> Path:
    """The template after one good refresh from the recordings."""
    path = tmp_path_factory.mktemp("refreshed") / "book.xlsx"
    shutil.copyfile(template, path)
    refresh(path)
    return path


TICKERS = ("CORZ", "IREN", "RIOT")  # every company the recordings hold


def refresh(book, transport=None, **kw):
    return refresh_workbook(book, transport=transport or Replay(), environ=ENVIRON, tickers=TICKERS,
                            **NO_SLEEP, **kw)


def latest(path: Path, sheet: str) -> dict:
    return key_values(read_sheet(path, sheet))


def key_values(rows: list[list]) -> dict:
    """A key/value sheet's rows below its header as a dict."""
    return {row[0]: row[1] for row in rows[1:] if row and row[0]}


# --- provider mappings ---------------------------------------------------------------------------

def test_numbers_from_providers_are_finite():
    from xlmodel.data.http import SourceError
    from xlmodel.data.validate import number

    assert number("84312.57", "amount", "t") == 84312.57 and number(10**30, "n", "t") == 1e30
    for odd in ("1e999", "-1e999", "nan", float("inf"), float("nan"), 10**400, True, "n/a", None):
        with pytest.raises(SourceError, match="'x' is not a finite number|'x' is a boolean"):
            number(odd, "x", "t")


def test_mempool_units_and_traps():
    stats = mempool.parse_hashrate(MEMPOOL_HASHRATE, "t")
    assert stats["hashrate_ehs"] == pytest.approx(1121.4)  # H/s -> EH/s
    assert stats["series"][0] == ["2025-10-09", pytest.approx(1100.0)]
    assert mempool.parse_tip("921455\n", "t") == 921_455  # plain text
    fees = mempool.parse_rewards({"startBlock": 1, "endBlock": 144, "totalFee": "5184000000", "totalReward": "0",
                                  "totalTx": "0"}, "t")
    assert fees == pytest.approx(0.36)  # satoshi strings over 144 blocks


def test_mempool_timestamps_in_milliseconds_are_read_as_such():
    payload = {**MEMPOOL_HASHRATE, "hashrates": [{"timestamp": 1_760_000_000_000, "avgHashrate": 1.1e21}]}
    assert mempool.parse_hashrate(payload, "t")["series"][0][0] == "2025-10-09"


def test_mempool_node_down_is_an_error():
    with pytest.raises(SourceError, match="node is down"):
        mempool.parse_hashrate({**MEMPOOL_HASHRATE, "currentHashrate": 0, "currentDifficulty": 0}, "t")


def test_candles_are_sorted_oldest_first_and_kraken_drops_the_open_bar():
    rows = prices.parse_coinbase_candles(COINBASE_CANDLES, "t")
    assert [r[0] for r in rows] == ["2025-10-09", "2025-10-10", "2025-10-11"]
    assert rows[-1][4] == 84_310.0
    kraken = prices.parse_kraken(KRAKEN_OHLC, "t")
    assert len(kraken) == 2 and kraken[-1][4] == 84_000.1  # strings converted, open bar dropped
    with pytest.raises(SourceError, match="Kraken error"):
        prices.parse_kraken({"error": ["EGeneral:Too many requests"], "result": {}}, "t")


def test_sec_quarters_q4_from_full_year_and_sign_of_debit_concepts():
    fye, filings = sec.parse_submissions(CORZ_SUBMISSIONS, "t")
    facts, provenance = sec.company_facts("CORZ", 1839341, CORZ_FACTS, fye, filings, "https://www.sec.test", "t")
    got = {(f.period_end, f.key): f for f in facts}
    q4 = got[("2024-12-31", "reported.revenue")]
    assert q4.value == 510_540_000 - 415_640_000 and q4.period_start == "2024-10-01"  # FY minus nine months
    assert q4.accession == "0001628280-25-009000" and q4.form == "10-K"
    assert got[("2025-09-30", "warrant_fair_value_change")].value == -74_900_000  # debit balance: a loss
    q3_24 = got[("2024-09-30", "reported.revenue")]
    assert q3_24.filed == "2025-10-24"  # the later filing of the same period wins
    assert q3_24.url.endswith("/000162828025046300/core-20250930.htm")
    q3_25 = got[("2025-09-30", "reported.revenue")]
    assert (q3_25.fiscal_period, q3_25.calendar_quarter) == ("Q3", "2025-Q3")
    assert {p.concept for p in provenance} >= {"RevenueFromContractWithCustomerExcludingAssessedTax",
                                               "FairValueAdjustmentOfWarrants", "NetIncomeLoss"}


def test_sec_fiscal_year_ending_in_june():
    fye, filings = sec.parse_submissions(IREN_SUBMISSIONS, "t")
    assert fye == 6
    facts, _ = sec.company_facts("IREN", 1878848, IREN_FACTS, fye, filings, "https://www.sec.test", "t")
    by_end = {f.period_end: f for f in facts}
    labels = lambda f: (f.fiscal_year, f.fiscal_period, f.calendar_quarter)
    assert labels(by_end["2025-03-31"]) == (2025, "Q3", "2025-Q1")
    q4 = by_end["2025-06-30"]
    assert labels(q4) == (2025, "Q4", "2025-Q2") and q4.value == 501_000_000 - 313_000_000


def test_sec_columnar_arrays_must_line_up():
    bad = copy.deepcopy(IREN_SUBMISSIONS)
    bad["filings"]["recent"]["form"].append("8-K")
    with pytest.raises(SourceError, match="different lengths"):
        sec.parse_submissions(bad, "t")


# --- configuration -------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["https://mempool.example/api", "http://127.0.0.1:8080/api", "http://localhost/x",
                                 "http://[::1]:9000"])
def test_allowed_urls(url):
    assert config.check_url("K", url) == url.rstrip("/")


@pytest.mark.parametrize("url", ["http://mempool.space/api", "ftp://x", "http://10.0.0.5/api", "mempool.space"])
def test_refused_urls(url):
    with pytest.raises(config.ConfigError, match="K must be an https URL"):
        config.check_url("K", url)


def test_environment_overrides_the_settings_sheet():
    s = config.load({"XLMODEL_MEMPOOL_URL": "https://sheet.example/api", "XLMODEL_SEC_USER_AGENT": "Sheet a@b.c"},
                    {"XLMODEL_MEMPOOL_URL": "https://env.example/api"})
    assert s.mempool == "https://env.example/api" and s.sec_user_agent == "Sheet a@b.c"
    assert config.load({}, {}).sec_user_agent is None


# --- the client ----------------------------------------------------------------------------------

def test_retries_honour_retry_after_then_succeed():
    calls, waits = [], []

    def handler(request):
        calls.append(request)
        return httpx.Response(429, headers={"Retry-After": "7"}) if len(calls) < 3 else httpx.Response(200, json={})

    f = Fetcher("p", "https://p.test", 0, transport=httpx.MockTransport(handler), sleep=waits.append)
    assert f.json("x") == {}
    assert waits == [7.0, 7.0]


def test_retry_after_as_http_date_and_cap():
    future = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert 25 <= retry_after_seconds(future, 1.0) <= 31
    assert retry_after_seconds("3600", 1.0) == 60.0
    assert retry_after_seconds(None, 2.0) == 2.0


def test_timeouts_are_retried_with_backoff_then_reported():
    waits = []

    def handler(request):
        raise httpx.ReadTimeout("slow", request=request)

    f = Fetcher("p", "https://p.test", 0, transport=httpx.MockTransport(handler), sleep=waits.append, retries=2)
    with pytest.raises(SourceError, match="timed out after 3 tries"):
        f.get("x")
    assert waits == [1.0, 2.0]


def test_rate_limiter_spaces_requests():
    now, slept = [0.0], []

    def sleep(s):
        slept.append(s)
        now[0] += s

    limiter = RateLimiter(0.125, clock=lambda: now[0], sleep=sleep)
    for _ in range(5):
        limiter.wait()
    assert slept == [0.125] * 4  # SEC: at most 8 a second


# --- refresh end to end --------------------------------------------------------------------------

def test_full_refresh_fills_every_table_with_provenance(book):
    report = refresh(book)
    assert not report.failures, [o.error for o in report.failures]
    net = latest(book, NETWORK)
    assert net["tip_height"] == 921_455 and net["block_subsidy_btc"] == 3.125
    assert net["difficulty"] == pytest.approx(155_973_147_807_927.2)
    assert latest(book, PRICES)["btc_usd_spot"] == pytest.approx(84_312.57)
    company = read_sheet(book, COMPANY)
    assert company[0][:3] == ["ticker", "fiscal_year", "fiscal_period"]
    refreshed = set(TICKERS)  # the other embedded tickers keep their offline rows, still marked so
    assert {r[0] for r in company[1:]} == refreshed | set(embedded.tickers())
    sources = read_sheet(book, SOURCES)
    sec_rows = [r for r in sources if r[0] == COMPANY and r[9] == "10-K"]
    assert sec_rows and sec_rows[0][8].startswith("0001628280-25") and sec_rows[0][10] == "2025-02-27"
    kept = [r for r in sources[1:] if r[0] == COMPANY and r[1].split()[0] not in refreshed]  # "CORZ segments"
    assert {r[1] for r in kept} == set(embedded.tickers()) - refreshed and all(r[5] == "offline" for r in kept)
    kept_closes = [r for r in sources[1:] if r[0] == EQUITIES and r[1] not in refreshed]  # the template's, offline
    assert {r[1] for r in kept_closes} == set(sec.CIKS) - refreshed and all(r[5] == "offline" for r in kept_closes)
    assert {r[1] for r in sources[1:] if r[0] == EQUITIES and r[5] == "ok"} == refreshed
    assert all(r[5] == "ok" for r in sources[1:] if r not in kept and r not in kept_closes)
    assert all(r[4] for r in sources[1:])  # retrieval time on every line


def test_sheets_refresh_does_not_own_survive_byte_for_byte(book, template):
    from xlmodel.calc.xlsxpatch import sheet_parts
    from xlmodel.data.grids import OWNED_SHEETS

    refresh(book)
    with zipfile.ZipFile(template) as before, zipfile.ZipFile(book) as after:
        owned = {part for name, part in sheet_parts(before).items() if name in OWNED_SHEETS}
        assert len(owned) == 5
        for name in before.namelist():
            if name not in owned:
                assert before.read(name) == after.read(name), name  # every other part, byte for byte
            else:
                assert before.read(name) != after.read(name), name
    refresh(book)  # a second refresh replaces its own sheets in place
    assert openpyxl.load_workbook(book).sheetnames.count(NETWORK) == 1


def failing(kind: str):
    if kind == "timeout":
        def raise_timeout(request):
            raise httpx.ConnectTimeout("down", request=request)
        return raise_timeout
    return {
        "429": httpx.Response(429, text="<html>Too Many Requests</html>", headers={"content-type": "text/html"}),
        "503": html_error(503),
        "html": httpx.Response(200, text="<!DOCTYPE html><html>maintenance</html>",
                               headers={"content-type": "text/html"}),
        "malformed": httpx.Response(200, text='{"currentHashrate": 1.1e21, "hashr',
                                    headers={"content-type": "application/json"}),
        "renamed": httpx.Response(200, json={**{k: v for k, v in MEMPOOL_HASHRATE.items() if k != "currentHashrate"},
                                             "current_hashrate": 1.1e21}),
        "403": httpx.Response(403, text="<html>Your request has been identified as part of a network of automated "
                                        "tools</html>", headers={"content-type": "text/html"}),
    }[kind]


SOURCE_URLS = {
    "network": "https://mempool.test/api/v1/mining/hashrate/1y",
    "prices": "https://coinbase.test/v2/prices/BTC-USD/spot",
    "sec": "https://data.sec.test/api/xbrl/companyfacts/CIK0001839341.json",
    "equities": stooq_url("CORZ"),
}


@pytest.mark.parametrize("kind", ["timeout", "429", "503", "html", "malformed", "renamed", "403"])
@pytest.mark.parametrize("source", ["network", "prices", "sec", "equities"])
def test_a_failing_source_keeps_its_previous_data_and_the_others_update(refreshed, tmp_path, source, kind):
    book = tmp_path / "book.xlsx"
    shutil.copyfile(refreshed, book)  # a good refresh first
    tables = (NETWORK, PRICES, COMPANY, EQUITIES)
    before = read_sheets(book, tables)
    changed = {**recorded()}
    changed["https://mempool.test/api/v1/mining/hashrate/1y"] = httpx.Response(200, json={
        **MEMPOOL_HASHRATE, "currentDifficulty": 160e12})
    changed["https://coinbase.test/v2/prices/BTC-USD/spot"] = httpx.Response(200, json={
        "data": {"amount": "90000.00", "base": "BTC", "currency": "USD"}})
    changed[SOURCE_URLS[source]] = failing(kind)
    report = refresh(book, Replay(changed))
    failed = {o.name for o in report.failures}
    expected = {"network": {"network"}, "prices": {"prices"}, "sec": {"sec:CORZ"}, "equities": {"equities:CORZ"}}
    assert failed == expected[source]
    after = read_sheets(book, (*tables, SOURCES))
    sheet = {"network": NETWORK, "prices": PRICES, "sec": COMPANY, "equities": EQUITIES}[source]
    if source == "sec":
        corz = lambda rows: [r for r in rows if r and r[0] == "CORZ"]
        assert corz(after[COMPANY]) == corz(before[COMPANY])
    elif source == "equities":  # CORZ's close and its daily closes kept, its status says stale
        equities = after[EQUITIES]
        assert equities[1][:4] == before[EQUITIES][1][:4] and equities[1][0] == "CORZ"
        assert equities[1][4].startswith("stale: stooq")
        daily = lambda rows: [r[6:10] for r in rows if len(r) > 6 and r[6] == "CORZ"]
        assert daily(equities) and daily(equities) == daily(before[EQUITIES])
    else:
        assert after[sheet] == before[sheet]
    if source != "network":
        assert key_values(after[NETWORK])["difficulty"] == 160e12
    if source != "prices":
        assert key_values(after[PRICES])["btc_usd_spot"] == 90_000.0
    stale = [r for r in after[SOURCES] if r[0] == sheet and r[5] == "stale"]
    assert stale and all("kept previous data" in r[7] for r in stale)
    reason = report.failures[0].error
    assert "\n" not in reason and len(reason) < 300


def test_kraken_is_used_when_coinbase_candles_fail(book):
    changed = {**recorded(), "https://exchange.test/products/BTC-USD/candles": html_error()}
    report = refresh(book, Replay(changed), only=("prices",))
    assert not report.failures
    sources = [r for r in read_sheet(book, SOURCES) if r[0] == PRICES and r[1] == "daily"]
    assert sources[0][2] == "kraken" and "Kraken used" in sources[0][7]


def test_sec_is_skipped_with_how_to_without_a_user_agent(book):
    environ = {k: v for k, v in ENVIRON.items() if k != "XLMODEL_SEC_USER_AGENT"}
    replay = Replay()
    report = refresh_workbook(book, transport=replay, environ=environ, tickers=("CORZ",), **NO_SLEEP)
    assert not report.failures and report.skipped
    assert "XLMODEL_SEC_USER_AGENT" in report.skipped[0].error
    assert not any("sec.test" in str(r.url) for r in replay.seen)
    assert [r[5] for r in read_sheet(book, SOURCES) if r[0] == COMPANY and r[1] == "CORZ"] == ["skipped"]


def test_tickers_come_from_the_environment_before_the_settings_sheet(book):
    replay = Replay()  # the template's Settings sheet says CORZ
    report = refresh_workbook(book, transport=replay, environ={**ENVIRON, "XLMODEL_TICKERS": "IREN"},
                              only=("sec",), **NO_SLEEP)
    assert not report.failures
    asked = " ".join(str(r.url) for r in replay.seen)
    assert "CIK0001878848" in asked and "CIK0001839341" not in asked


def test_offline_refresh_fills_from_the_snapshot(book):
    report = refresh_workbook(book, offline=True, tickers=("CORZ",))
    assert not report.failures
    assert latest(book, PRICES)["btc_usd_spot"] == 81_000.0
    assert {r[5] for r in read_sheet(book, SOURCES)[1:]} == {"offline"}


def test_cli_exit_codes_and_one_line_reasons(book, monkeypatch):
    for key, value in ENVIRON.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr("xlmodel.data.http.time.sleep", lambda s: None)
    monkeypatch.setenv("XDG_CACHE_HOME", str(book.parent / "cache"))
    routes = {**recorded(), SOURCE_URLS["prices"]: html_error(502)}
    monkeypatch.setattr("xlmodel.data.http.httpx.HTTPTransport", lambda: Replay(routes))
    result = CliRunner().invoke(app, ["refresh", str(book), "--tickers", "CORZ", "--only", "network,prices"])
    assert result.exit_code == 1, result.output
    assert "failed prices: coinbase: HTTP 502" in result.output and "ok network" in result.output
    result = CliRunner().invoke(app, ["refresh", str(book), "--offline", "--tickers", "CORZ"])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(app, ["refresh", str(book), "--only", "weather"])
    assert result.exit_code != 0 and "--only takes" in result.output


# --- atomic writes -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def difficulty_one(template, tmp_path_factory) -> bytes:
    """The template's bytes with a Network table saying difficulty 1."""
    path = tmp_path_factory.mktemp("atomic") / "book.xlsx"
    shutil.copyfile(template, path)
    write_sheets(path, {NETWORK: [["key", "value"], ["difficulty", 1.0]]})
    return path.read_bytes()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fraction=st.floats(min_value=0.0, max_value=0.999))
def test_a_write_stopped_at_any_point_leaves_the_old_workbook(difficulty_one, tmp_path_factory, fraction):
    path = tmp_path_factory.mktemp("atomic") / "book.xlsx"
    path.write_bytes(difficulty_one)
    old = path.read_bytes()
    stop_at = int(len(old) * fraction)
    with pytest.raises(OSError, match="simulated interruption"):
        write_sheets(path, {NETWORK: [["key", "value"], ["difficulty", 2.0]]}, _fail_after_bytes=stop_at)
    assert path.read_bytes() == old
    assert latest(path, NETWORK)["difficulty"] == 1.0  # it opens, with the old table
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]
    write_sheets(path, {NETWORK: [["key", "value"], ["difficulty", 2.0]]})
    assert latest(path, NETWORK)["difficulty"] == 2.0


# --- the cache -----------------------------------------------------------------------------------

def test_a_warm_cache_revalidates_instead_of_downloading(book, tmp_path):
    routes = recorded()

    def conditional(response):
        def handle(request):
            if request.headers.get("if-none-match") == '"v1"':
                return httpx.Response(304, headers={"ETag": '"v1"', "Cache-Control": "no-cache"})
            return httpx.Response(200, content=response.content, headers={
                **dict(response.headers), "ETag": '"v1"', "Cache-Control": "no-cache"})
        return handle

    replay = Replay({url: conditional(r) for url, r in routes.items()})
    fetchers: list = []
    refresh(book, replay, cache_dir=tmp_path / "cache", fetchers_out=fetchers)
    first = sum(f.counter.downloads for f in fetchers)
    fetchers.clear()
    report = refresh(book, replay, cache_dir=tmp_path / "cache", fetchers_out=fetchers)
    assert not report.failures
    expected = len(routes) - 1  # every recording but Kraken's, which is only the fallback
    assert first == expected and sum(f.counter.downloads for f in fetchers) == 0
    assert sum(f.counter.revalidated for f in fetchers) == expected


def test_a_fresh_cached_response_does_not_wait_for_the_rate_limiter(tmp_path):
    waits, calls = [], []

    def handler(request):
        calls.append(request)
        headers = {"ETag": '"v1"', "Cache-Control": "max-age=600" if "fresh" in request.url.path else "no-cache"}
        if request.headers.get("if-none-match") == '"v1"':
            return httpx.Response(304, headers=headers)
        return httpx.Response(200, json={"ok": 1}, headers=headers)

    clock = iter(range(1000)).__next__  # each look at the clock is 1 s later than the last...
    f = Fetcher("p", "https://p.test", 30, transport=httpx.MockTransport(handler), cache_dir=tmp_path,
                sleep=waits.append, clock=lambda: float(clock()))  # ...and the limit is one request per 30 s
    for _ in range(3):
        assert f.json("fresh") == {"ok": 1}
    assert len(calls) == 1 and len(waits) == 0  # one download, then served from the cache, no waiting
    for _ in range(2):
        assert f.json("stale") == {"ok": 1}
    # the stale path's download and its revalidation both went to the network, each 30 s after the last
    assert len(calls) == 3 and waits == [29.0, 58.0]
    assert f.counter.downloads == 2 and f.counter.revalidated == 1


def test_cli_against_a_local_server_replaying_the_providers(book, monkeypatch, tmp_path):
    from replay_server import ReplayServer

    with ReplayServer() as server:
        for key, value in server.environ().items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
        monkeypatch.setattr("xlmodel.data.http.time.sleep", lambda s: None)
        result = CliRunner().invoke(app, ["refresh", str(book), "--tickers", "CORZ,IREN"])
        assert result.exit_code == 0, result.output
        first = len(server.requests)
        result = CliRunner().invoke(app, ["refresh", str(book), "--tickers", "CORZ,IREN"])
        assert result.exit_code == 0, result.output
    assert latest(book, NETWORK)["tip_height"] == 921_455
    sources = read_sheet(book, SOURCES)
    assert all(r[3].startswith("http://127.0.0.1:") for r in sources[1:] if r[2] in ("mempool", "sec", "stooq") and r[3])
    assert {r[1] for r in sources[1:] if r[0] == EQUITIES and r[5] == "ok"} == {"CORZ", "IREN"}
    second = server.requests[first:]
    assert second and all(etag for _, etag in second)  # the second refresh only revalidated


# --- payloads wrong in ways no check foresaw ---------------------------------------------------------

def _paths(obj, prefix=()):
    """Every key or index path in a JSON value, leaves and containers alike."""
    yield prefix
    items = obj.items() if isinstance(obj, dict) else enumerate(obj) if isinstance(obj, list) else ()
    for key, value in items:
        yield from _paths(value, prefix + (key,))


def _mutated(obj, path, mutation):
    obj = copy.deepcopy(obj)
    if not path:
        return mutation[1] if mutation[0] == "set" else None
    parent = obj
    for key in path[:-1]:
        parent = parent[key]
    if mutation[0] == "drop":
        del parent[path[-1]]
    else:
        parent[path[-1]] = mutation[1]
    return obj


JSON_ROUTES = sorted(url for url, r in recorded().items()
                     if isinstance(r, httpx.Response) and r.headers.get("content-type") == "application/json")
ODD_VALUES = [None, "", "2025-13-45", 1e308, -1, -1e308, [], {}, "n/a", True, "1e999", [[1]], 10**30]


@pytest.fixture(scope="module")
def template_tables(template) -> dict[str, list[list]]:
    return read_sheets(template, (NETWORK, PRICES, COMPANY))


@pytest.mark.parametrize("url", JSON_ROUTES)  # every route mangled, and the examples spread over workers
@given(data=st.data())
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_mangled_payload_fails_only_its_source_with_one_line(template, template_tables, tmp_path_factory, url,
                                                                 data):
    payload = recorded()[url].json()
    path = data.draw(st.sampled_from(list(_paths(payload))))
    mutation = data.draw(st.one_of(st.tuples(st.just("set"), st.sampled_from(ODD_VALUES)),
                                   st.just(("drop", None)) if path else st.just(("set", None))))
    headers = data.draw(st.sampled_from([{"content-type": "application/json"}, {"content-type": "text/plain"},
                                         {"content-type": "application/json", "Retry-After": "soon"}]))
    status = data.draw(st.sampled_from([200, 200, 200, 429]))
    body = httpx.Response(status, json=_mutated(payload, path, mutation), headers=headers)
    book = tmp_path_factory.mktemp("fuzz") / "book.xlsx"
    shutil.copyfile(template, book)
    report = refresh(book, Replay({url: body}))
    for outcome in report.failures:
        assert outcome.error and "\n" not in outcome.error and "Traceback" not in outcome.error
    failed = {o.name for o in report.failures}
    after = read_sheets(book, OWNED_SHEETS)  # the file is whole: every sheet Refresh writes opens...
    with zipfile.ZipFile(template) as was, zipfile.ZipFile(book) as now:  # ...and the rest is as it was
        owned = {part for name, part in sheet_parts(was).items() if name in OWNED_SHEETS}
        assert now.testzip() is None and sorted(now.namelist()) == sorted(was.namelist())
        assert all(now.read(part) == was.read(part) for part in was.namelist() if part not in owned)
    for name, sheet in (("network", NETWORK), ("prices", PRICES)):
        if name in failed:
            assert after[sheet] == template_tables[sheet]  # its previous data stays
    for outcome in report.failures:  # each failure is in Sources with its reason, the data kept marked stale
        assert any(outcome.error in str(r[7]) and r[5] in ("stale", "failed") for r in after[SOURCES][1:]), \
            outcome.error


# --- two refreshes of one workbook -------------------------------------------------------------------

def _cli(*args: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLMODEL_")}
    return subprocess.Popen([sys.executable, "-m", "xlmodel.cli", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=env)


REFRESH_ON_EACH_LINE = textwrap.dedent("""
    import sys
    from xlmodel.refresh.store import refresh_workbook
    path, part = sys.argv[1:]
    print("ready", flush=True)
    for _ in sys.stdin:
        report = refresh_workbook(path, offline=True, only=(part,))
        print("failed" if report.failures else "ok", flush=True)
""")


def test_two_processes_refreshing_one_workbook_lose_no_update(book):
    # without the lock, 12 such rounds lost an update here; each round starts both at once. The two
    # processes stay up between rounds, so a round costs two refreshes, not two interpreter starts.
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLMODEL_")}
    runs = [subprocess.Popen([sys.executable, "-c", REFRESH_ON_EACH_LINE, str(book), part], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
            for part in ("network", "prices")]
    try:
        assert [p.stdout.readline().strip() for p in runs] == ["ready", "ready"]
        for _ in range(12):
            write_sheets(book, {NETWORK: [["key", "value"]], PRICES: [["key", "value"]]})
            for p in runs:
                p.stdin.write("go\n")
                p.stdin.flush()
            assert [p.stdout.readline().strip() for p in runs] == ["ok", "ok"]
            assert latest(book, NETWORK).get("difficulty") and latest(book, PRICES).get("btc_usd_spot")
    finally:
        for p in runs:
            p.stdin.close()  # the end of the rounds
        outputs = [p.stdout.read() for p in runs]
    assert [p.wait(timeout=60) for p in runs] == [0, 0], outputs


def test_a_refresh_that_cannot_get_the_lock_stops_with_busy_and_exit_2(book):
    from filelock import FileLock

    before = book.read_bytes()
    with FileLock(book.with_name(book.name + ".lock")):  # another refresh is writing
        run = _cli("refresh", str(book), "--offline", "--wait", "0.5")
        output = run.communicate(timeout=120)[0]
    assert run.returncode == 2 and "workbook is busy: another refresh holds it" in output, output
    assert book.read_bytes() == before
