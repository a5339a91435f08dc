"""Share prices from Stooq: the CSV and every refusal Stooq answers with, refresh per ticker, no loss, the cache."""

from __future__ import annotations

import shutil

import httpx
import openpyxl
import pytest
from recordings import (
    ENVIRON,
    STOOQ_APIKEY_PAGE,
    STOOQ_CHALLENGE_PAGE,
    STOOQ_CSV,
    STOOQ_HEADER,
    STOOQ_HITS_LIMIT,
    STOOQ_ND,
    STOOQ_NO_DATA,
    Replay,
    csv,
    html_error,
    stooq_text,
    stooq_url,
)
from typer.testing import CliRunner

from xlmodel.cli import app
from xlmodel.data import collect, equities
from xlmodel.data.grids import EQUITIES, SOURCES
from xlmodel.data.http import SourceError
from xlmodel.data.sec import CIKS
from xlmodel.refresh.store import refresh_workbook
from xlmodel.refresh.xlsxfile import read_sheet

TICKERS = ("CORZ", "IREN", "RIOT")  # the tickers the recordings hold
WHERE = "stooq q/d/l/?s=corz.us"


@pytest.fixture
def book(template, tmp_path):
    path = tmp_path / "book.xlsx"
    shutil.copyfile(template, path)
    return path


def refresh(book, routes=None, **kw):
    options = {"environ": ENVIRON, "tickers": TICKERS, "only": ("equities",), "sleep": lambda s: None, **kw}
    return refresh_workbook(book, transport=Replay(routes), **options)


def latest(book) -> dict[str, list]:
    """Data_Equities' latest block: ticker -> [close_usd, date, source, status]."""
    return {r[0]: r[1:5] for r in read_sheet(book, EQUITIES)[1:] if r[0]}


def daily(book, ticker: str) -> list[list]:
    return [r[6:10] for r in read_sheet(book, EQUITIES)[1:] if len(r) > 6 and r[6] == ticker]


def sources(book, ticker: str) -> list[list]:
    return [r for r in read_sheet(book, SOURCES)[1:] if r[0] == EQUITIES and r[1] == ticker]


def with_close(ticker: str, body: str) -> dict:
    return {stooq_url(ticker): csv(body)}


# --- the CSV -------------------------------------------------------------------------------------------

def test_the_recorded_csv_gives_dated_closes_oldest_first():
    closes = equities.parse_csv(STOOQ_CSV["CORZ"], WHERE)
    assert closes[0] == ("2024-07-01", 9.31) and closes[-1] == ("2025-10-10", 17.36) and len(closes) == 8
    kept = equities.recent(closes)  # 400 calendar days up to 2025-10-10: from 2024-09-06
    assert [d for d, _ in kept][:2] == ["2024-09-06", "2025-10-06"] and len(kept) == 6


@pytest.mark.parametrize("body, expected", [
    ("\ufeffDate,Open,High,Low,Close,Volume\r\n2025-10-09,1,2,0.5,1.5,100\r\n2025-10-10,1,2,0.5,1.75,90\r\n",
     [("2025-10-09", 1.5), ("2025-10-10", 1.75)]),  # a byte-order mark and CRLF line ends
    ("Date,Open,High,Low,Close\n2025-10-09,1,2,0.5,1.5\n", [("2025-10-09", 1.5)]),  # no Volume (Stooq's indices)
    ("Date,Open,High,Low,Close,Volume\n20250225,11.4,11.47,11.23,11.37,2493805\n", [("2025-02-25", 11.37)]),
])
def test_csv_variants_that_are_still_closes(body, expected):
    assert equities.parse_csv(body, WHERE) == expected


ROW = "2025-10-09,17.1,17.6,16.9,{close},15432100"
BAD_CSV = [  # body, what the one-line reason says, whether Stooq answers every symbol alike
    (STOOQ_NO_DATA, "'No data': Stooq has no daily closes for this symbol", False),
    (STOOQ_ND, "'N/D': Stooq has no daily closes", False),
    (STOOQ_HITS_LIMIT, "'Exceeded the daily hits limit': Stooq's daily quota is used up", True),
    ("Exceeded the daily hits limit!\n", "daily quota is used up", True),
    (STOOQ_APIKEY_PAGE, "Stooq asks for an API key; set XLMODEL_STOOQ_APIKEY", True),
    (STOOQ_CHALLENGE_PAGE, "Stooq sent a browser check \\(proof-of-work page\\)", True),
    ("<!DOCTYPE html><html><body>maintenance</body></html>", "got an HTML page instead of CSV", False),
    ("", "empty body instead of CSV", False),
    (" \r\n", "empty body instead of CSV", False),
    (STOOQ_HEADER + "\n", "the CSV has a header but no closes", False),
    ("Date,Open,High,Low,Volume\n2025-10-09,1,2,0.5,100\n", "the CSV has no Close column", False),
    (f"{STOOQ_HEADER}\n{ROW.format(close='abc')}", "'Close' is not a finite number: 'abc'", False),
    (f"{STOOQ_HEADER}\n{ROW.format(close='nan')}", "'Close' is not a finite number", False),
    (f"{STOOQ_HEADER}\n{ROW.format(close='')}", "'Close' is not a finite number", False),
    (f"{STOOQ_HEADER}\n{ROW.format(close='0')}", "close \\[USD\\] = 0 is outside the plausible range 0.01", False),
    (f"{STOOQ_HEADER}\n{ROW.format(close='-3.2')}", "close \\[USD\\] = -3.2 is outside", False),
    (f"{STOOQ_HEADER}\n{ROW.format(close='250000')}", "close \\[USD\\] = 250000 is outside", False),
    (f"{STOOQ_HEADER}\n2025-13-45,1,2,0.5,1.5,100", "line 2 has no date: '2025-13-45'", False),
    (f"{STOOQ_HEADER}\n1970-01-02,1,2,0.5,1.5,100", "line 2: date 1970-01-02 is outside 1990 to 2100", False),
    (f"{STOOQ_HEADER}\n2025-10-10,1,2,0.5,1.5,100\n2025-10-09,1,2,0.5,1.6,100", "dates not ascending at line 3",
     False),
    (f"{STOOQ_HEADER}\n2025-10-09,1,2,0.5,1.5,100\n2025-10-09,1,2,0.5,1.6,100", "dates not ascending", False),
    (f"{STOOQ_HEADER}\n2025-10-09,1,2", "line 2 has 3 fields, not 6", False),
    # PHP warnings printed above the header were seen in Stooq's CSV (jjttcc/market-analysis-system's notes)
    ("Warning: Division by zero in /home/stooq/www/makro/lib/download.inc on line 102\n" + STOOQ_CSV["RIOT"],
     "expected CSV starting 'Date,Open,High,Low,Close,Volume', got 'Warning", False),
    ('{"error": "unknown"}', "expected CSV starting", False),
]


@pytest.mark.parametrize("body, reason, refused", BAD_CSV)
def test_every_malformed_or_refused_answer_is_one_line(body, reason, refused):
    with pytest.raises(SourceError, match=reason) as caught:
        equities.parse_csv(body, WHERE)
    message = str(caught.value)
    assert message.startswith(WHERE + ": ") and "\n" not in message and len(message) < 300
    assert isinstance(caught.value, equities.Refused) == refused


# --- refresh, per ticker ---------------------------------------------------------------------------------

def test_a_refresh_through_the_replay_server_writes_ticker_date_close_and_source(book):
    from replay_server import ReplayServer

    with ReplayServer() as server:
        report = refresh_workbook(book, environ=server.environ(), tickers=TICKERS, only=("equities",),
                                  sleep=lambda s: None)
    assert not report.failures, [o.error for o in report.failures]
    grid = read_sheet(book, EQUITIES)
    assert grid[0][:5] == ["ticker", "close_usd", "date", "source", "status"]
    assert [r[0] for r in grid[1:len(CIKS) + 1]] == list(CIKS)  # fixed rows, whatever was refreshed
    url = f"{server.base}/stooq/q/d/l/?s=corz.us&i=d"
    # what INDEX(Data_Equities!B:B, MATCH("CORZ", Data_Equities!A:A, 0)) and column C read
    assert latest(book)["CORZ"] == [17.36, "2025-10-10", url, "ok"]
    assert latest(book)["RIOT"][:2] == [19.41, "2025-10-10"]
    assert grid[0][6:10] == ["daily: ticker", "date", "close_usd", "source"]
    corz = daily(book, "CORZ")
    assert corz[0] == ["CORZ", "2024-09-06", 10.47, url] and corz[-1] == ["CORZ", "2025-10-10", 17.36, url]
    assert len(corz) == 6 and [r[1] for r in corz] == sorted(r[1] for r in corz)  # the 400 days, oldest first
    assert [r[:2] for r in daily(book, "IREN")] == [["IREN", "2025-10-08"], ["IREN", "2025-10-09"],
                                                     ["IREN", "2025-10-10"]]
    line = sources(book, "CORZ")[0]
    assert line[2:4] == ["stooq", url] and line[5:7] == ["ok", 6] and line[7] == "6 daily closes, 2024-09-06 to 2025-10-10"
    assert latest(book)["CIFR"][0] == 17.57 and latest(book)["CIFR"][3].startswith("offline")  # not refreshed: kept


def test_an_analysts_index_match_reads_the_latest_close_and_its_date(book, tmp_path):
    from xlmodel.calc import engine

    refresh(book)
    sheet = openpyxl.Workbook()  # the formulas an analyst types, over a copy of the refreshed Data_Equities
    sheet.active.title = "Model"
    sheet.active["A1"] = '=INDEX(Data_Equities!B:B, MATCH("CORZ", Data_Equities!A:A, 0))'
    sheet.active["A2"] = '=INDEX(Data_Equities!C:C, MATCH("RIOT", Data_Equities!A:A, 0))'
    data = sheet.create_sheet(EQUITIES)
    for row in read_sheet(book, EQUITIES):
        data.append(row)
    sheet.save(tmp_path / "model.xlsx")
    calc = engine.calculate(tmp_path / "model.xlsx")
    assert calc.ok and calc.values[("Model", "A1")] == 17.36 and calc.values[("Model", "A2")] == "2025-10-10"


def test_one_ticker_failing_keeps_its_closes_marked_stale_and_the_others_update(book):
    refresh(book)
    before_corz, before_daily = latest(book)["CORZ"], daily(book, "CORZ")
    newer_iren = STOOQ_CSV["IREN"] + "2025-10-13,57.5,61.0,57.1,60.11,40123400\n"
    report = refresh(book, {stooq_url("CORZ"): stooq_text(STOOQ_NO_DATA), **with_close("IREN", newer_iren)})
    assert [o.name for o in report.failures] == ["equities:CORZ"]
    corz = latest(book)["CORZ"]
    assert corz[:3] == before_corz[:3] and daily(book, "CORZ") == before_daily  # nothing lost
    assert corz[3] == "stale: stooq q/d/l/?s=corz.us: 'No data': Stooq has no daily closes for this symbol"
    assert latest(book)["IREN"][:2] == [60.11, "2025-10-13"] and len(daily(book, "IREN")) == 4
    assert latest(book)["RIOT"][3] == "ok"
    (line,) = sources(book, "CORZ")
    assert line[5] == "stale" and line[6] == 6 and line[7].startswith("kept previous data: stooq q/d/l/?s=corz.us")
    assert [r[5] for r in sources(book, "IREN")] == ["ok"]


def test_a_ticker_not_asked_for_keeps_its_rows_as_they_were(book):
    refresh(book)
    before = read_sheet(book, EQUITIES)
    report = refresh(book, tickers=("IREN",))
    assert not report.failures
    after = read_sheet(book, EQUITIES)
    assert after[1] == before[1] and daily(book, "CORZ") == [r[6:10] for r in before[1:] if r[6] == "CORZ"]


NOT_CSV = {  # the other answers a provider gives: HTTP errors (retried first), a page, a body cut short
    "html": html_error(200),
    "429": httpx.Response(429, text="Too Many Requests"),
    "500": httpx.Response(500, text="Internal Server Error"),
    "503": html_error(503),
    "no data": stooq_text(STOOQ_NO_DATA),
    "n/d": stooq_text(STOOQ_ND),
    "empty": stooq_text(""),
    "no close column": csv("Date,Open,High,Low,Volume\n2025-10-09,1,2,0.5,100\n"),
    "non-numeric close": csv(f"{STOOQ_HEADER}\n{ROW.format(close='n/a')}\n"),
    "non-positive close": csv(f"{STOOQ_HEADER}\n{ROW.format(close='-1')}\n"),
    "cut short": csv(STOOQ_CSV["CORZ"][:120]),
}


@pytest.mark.parametrize("kind", NOT_CSV)
def test_a_malformed_payload_fails_its_ticker_with_one_line_and_nothing_is_lost(book, kind):
    refresh(book)
    before = latest(book)["CORZ"], daily(book, "CORZ")
    report = refresh(book, {stooq_url("CORZ"): NOT_CSV[kind]})
    assert [o.name for o in report.failures] == ["equities:CORZ"]
    reason = report.failures[0].error
    assert reason.startswith("stooq") and "\n" not in reason and len(reason) < 300, reason
    assert (latest(book)["CORZ"][:3], daily(book, "CORZ")) == (before[0][:3], before[1])
    assert latest(book)["CORZ"][3] == f"stale: {reason}" and latest(book)["IREN"][3] == "ok"


@pytest.mark.parametrize("body", [STOOQ_HITS_LIMIT, STOOQ_APIKEY_PAGE, STOOQ_CHALLENGE_PAGE])
def test_an_answer_stooq_gives_every_symbol_is_not_asked_for_again(book, body):
    refresh(book)
    replay = Replay({stooq_url("CORZ"): stooq_text(body)})
    report = refresh_workbook(book, transport=replay, environ=ENVIRON, tickers=TICKERS, only=("equities",),
                              sleep=lambda s: None)
    assert [str(r.url) for r in replay.seen] == [stooq_url("CORZ")]  # one request, not three
    assert [o.name for o in report.failures] == ["equities:CORZ", "equities:IREN", "equities:RIOT"]
    first = report.failures[0].error
    assert report.failures[1].error == f"stooq q/d/l/?s=iren.us: not asked, after {first}"
    assert all(row[3].startswith("stale: ") for t, row in latest(book).items() if t in TICKERS)
    assert all(len(o.error) < 400 and "\n" not in o.error for o in report.failures)


def test_the_cache_serves_a_fresh_response_without_a_new_request(book, tmp_path):
    from replay_server import ReplayServer

    with ReplayServer(cache_control={"stooq": "public, max-age=600"}) as server:
        options = {"environ": server.environ(), "tickers": TICKERS, "only": ("equities",), "sleep": lambda s: None,
                   "cache_dir": tmp_path / "cache"}
        assert not refresh_workbook(book, **options).failures
        first = len(server.requests)
        assert first == len(TICKERS)
        report = refresh_workbook(book, **options)
    assert not report.failures and len(server.requests) == first  # served from the cache: no request at all
    assert latest(book)["CORZ"][:2] == [17.36, "2025-10-10"] and latest(book)["CORZ"][3] == "ok"


def test_an_api_key_is_sent_and_never_written_into_the_workbook(book):
    key = "k3y-not-for-the-sheet"
    replay = Replay({f"{stooq_url(t)}&apikey={key}": csv(STOOQ_CSV[t]) for t in TICKERS})
    report = refresh_workbook(book, transport=replay, environ={**ENVIRON, "XLMODEL_STOOQ_APIKEY": key},
                              tickers=TICKERS, only=("equities",), sleep=lambda s: None)
    assert not report.failures and all(r.url.params["apikey"] == key for r in replay.seen)
    cells = [str(v) for sheet in (EQUITIES, SOURCES) for row in read_sheet(book, sheet) for v in row]
    assert not [c for c in cells if key in c]
    assert latest(book)["CORZ"][2] == stooq_url("CORZ")


# --- offline: the embedded snapshot --------------------------------------------------------------------

def test_the_template_shows_every_ticker_with_its_embedded_close_or_says_there_is_none(template):
    embedded = {}
    for c in sorted(collect.load_snapshot()["equities"]["closes"], key=lambda c: c["date"]):
        embedded[c["ticker"]] = [c["close_usd"], c["date"], c["url"], "offline"]  # the latest one wins
    rows = read_sheet(template, EQUITIES)
    assert [r[0] for r in rows[1:len(CIKS) + 1]] == list(CIKS)
    for r in rows[1:len(CIKS) + 1]:  # a ticker without an embedded close: empty, never a made-up number
        assert r[1:5] == embedded.get(r[0], [None, None, None, "offline: no embedded close for this ticker"]), r
    settings = {r[0].value: (r[1].value, r[2].value) for r in openpyxl.load_workbook(template)["Settings"].iter_rows()}
    assert settings["XLMODEL_STOOQ_URL"][0] == "https://stooq.com" and "Stooq" in settings["XLMODEL_STOOQ_URL"][1]
    assert not settings["XLMODEL_STOOQ_APIKEY"][0]


SNAPSHOT_CLOSES = {"as_of": "2025-12-31", "closes": [  # made up for this test, never shipped
    {"ticker": "CORZ", "date": "2025-12-31", "close_usd": 15.25, "url": "https://example.test/corz-close",
     "document": "a quote page"},
    {"ticker": "CORZ", "date": "2025-12-30", "close_usd": 15.5, "url": "https://example.test/corz-close-30",
     "document": "another quote page"},
]}


def test_offline_fills_embedded_closes_and_leaves_the_rest_empty(book, monkeypatch):
    snapshot = {**collect.load_snapshot(), "equities": SNAPSHOT_CLOSES}
    monkeypatch.setattr(collect, "load_snapshot", lambda: snapshot)
    report = refresh_workbook(book, offline=True, tickers=("CORZ", "IREN"), only=("equities",))
    assert not report.failures
    assert latest(book)["CORZ"] == [15.25, "2025-12-31", "https://example.test/corz-close", "offline"]
    assert daily(book, "CORZ") == [["CORZ", "2025-12-30", 15.5, "https://example.test/corz-close-30"],
                                   ["CORZ", "2025-12-31", 15.25, "https://example.test/corz-close"]]
    assert latest(book)["IREN"] == [None, None, None, "offline: no embedded close for this ticker"]
    (line,) = sources(book, "CORZ")
    assert line[2:8] == ["snapshot", "https://example.test/corz-close", "2025-12-31", "offline", 2,
                         "embedded snapshot: a quote page"]


def test_an_embedded_close_is_checked_like_a_response():
    bad = {"as_of": "2025-12-31", "closes": [{**SNAPSHOT_CLOSES["closes"][0], "close_usd": -15.25}]}
    with pytest.raises(SourceError, match="snapshot.json equities CORZ: close \\[USD\\] = -15.25 is outside"):
        equities.snapshot_records(bad, "CORZ")


# --- the command line ----------------------------------------------------------------------------------

def test_cli_only_equities(book, monkeypatch):
    for key, value in ENVIRON.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("XDG_CACHE_HOME", str(book.parent / "cache"))
    monkeypatch.setattr("xlmodel.data.http.time.sleep", lambda s: None)
    routes = {stooq_url("IREN"): stooq_text(STOOQ_NO_DATA)}
    monkeypatch.setattr("xlmodel.data.http.httpx.HTTPTransport", lambda: Replay(routes))
    result = CliRunner().invoke(app, ["refresh", str(book), "--only", "equities", "--tickers", "CORZ,IREN"])
    assert result.exit_code == 1, result.output
    assert "ok equities:CORZ (" in result.output
    assert "failed equities:IREN: stooq q/d/l/?s=iren.us: 'No data'" in result.output
    assert "wrote Data_Equities, Sources" in result.output


def test_without_a_key_stooq_itself_is_not_asked_and_the_reason_says_how_to_fix_it():
    """Stooq's own CSV download has asked for an API key since March 2026: like SEC without an identity,
    the source is skipped with the fix, and nothing is requested (a transport that raises proves it)."""
    def no_request(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"requested {request.url}")

    outcomes = collect.collect(collect.config.load({}, {}), tickers=("CORZ", "RIOT"), only=("equities",),
                               transport=httpx.MockTransport(no_request))
    assert [o.name for o in outcomes] == ["equities:CORZ", "equities:RIOT"]
    assert all(o.skipped and o.error == equities.KEY_NEEDED for o in outcomes)
    assert "XLMODEL_STOOQ_APIKEY" in equities.KEY_NEEDED
