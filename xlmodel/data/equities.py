"""Share prices: daily closes of the covered companies from Stooq's CSV download.

Field mapping (provider -> xlmodel):
- ``q/d/l/?s=<symbol>&i=d`` (symbol ``corz.us``; BITF and HIVE trade in the US too, ``bitf.us``,
  ``hive.us``): CSV ``Date,Open,High,Low,Close,Volume``, a row a trading day since the listing,
  oldest first. ``Date`` (``YYYY-MM-DD``) -> ``date``; ``Close`` [USD] -> ``close_usd``, the last
  row's -> the latest close. Volume may be absent; only Date and Close are read.
- Stooq answers its refusals with HTTP 200 and text instead of CSV: ``No data`` (or ``N/D``) for
  an unknown symbol, ``Exceeded the daily hits limit`` when the quota is used up, an HTML page
  asking for an API key (since March 2026, without ``apikey``) and an HTML proof-of-work
  challenge to non-browser clients (reported since July 2026). The last three answer every symbol
  alike, so :class:`Client` asks no further symbol after one of them.

The request has no date range, so its URL stays the same from day to day and the HTTP cache
can revalidate it; the last :data:`KEEP_DAYS` calendar days are kept.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from xlmodel.data.http import Fetcher, SourceError
from xlmodel.data.records import Observation, Provenance, Records, Series, Status, Table
from xlmodel.data.validate import number, plausible

PROVIDER = "stooq"
INTERVAL_S = 1.0  # no published limit, a low daily quota: stay near one request a second
PATH = "q/d/l/"
KEEP_DAYS = 400  # calendar days up to the latest close: about 275 trading days, a year of closes and a margin
CLOSE_RANGE = (0.01, 100_000.0)  # USD per share
DAILY_COLUMNS = ("ticker", "date", "close_usd", "source")
APIKEY_HELP = ("set XLMODEL_STOOQ_APIKEY (a key from https://stooq.com/q/d/?s=spy.us&get_apikey) or point "
               "XLMODEL_STOOQ_URL at a source that serves the same CSV")


KEY_NEEDED = f"share prices skipped: Stooq's CSV download has asked for an API key since March 2026; {APIKEY_HELP}"


class Refused(SourceError):
    """An answer Stooq gives every symbol alike (quota, API key, browser check): no point asking again."""


def symbol(ticker: str) -> str:
    return f"{ticker.lower()}.us"


def parse_csv(text: str, where: str) -> list[tuple[str, float]]:
    """Dated closes, oldest first, each checked: a date, ascending, a finite and plausible close."""
    body = text.lstrip("\ufeff").strip()
    _refusal(body, where)
    lines = body.splitlines()
    header = [h.strip().lower() for h in lines[0].split(",")]
    if header[:1] != ["date"]:
        raise SourceError(f"{where}: expected CSV starting 'Date,Open,High,Low,Close,Volume', got {lines[0][:60]!r}")
    if "close" not in header:
        raise SourceError(f"{where}: the CSV has no Close column ({lines[0][:60]!r})")
    close_at = header.index("close")
    closes: list[tuple[str, float]] = []
    for n, line in enumerate(lines[1:], start=2):
        fields = line.split(",")
        if len(fields) <= close_at:
            raise SourceError(f"{where}: line {n} has {len(fields)} fields, not {len(header)}: {line[:60]!r}")
        date = _date(fields[0].strip(), where, n)
        if closes and date <= closes[-1][0]:
            raise SourceError(f"{where}: dates not ascending at line {n} ({date} after {closes[-1][0]})")
        close = plausible(number(fields[close_at].strip(), "Close", where), *CLOSE_RANGE, "close [USD]", where)
        closes.append((date, close))
    if not closes:
        raise SourceError(f"{where}: the CSV has a header but no closes")
    return closes


def _refusal(body: str, where: str) -> None:
    """The texts Stooq sends with HTTP 200 in place of CSV, each as a one-line reason."""
    lowered = body.lower()
    if not body:
        raise SourceError(f"{where}: empty body instead of CSV")
    if "exceeded the daily hits limit" in lowered:
        raise Refused(f"{where}: 'Exceeded the daily hits limit': Stooq's daily quota is used up, try tomorrow")
    if lowered in ("no data", "n/d"):
        raise SourceError(f"{where}: {body!r}: Stooq has no daily closes for this symbol")
    if body.startswith("<"):
        if "__verify" in lowered or "proof-of-work" in lowered or "proof of work" in lowered:
            raise Refused(f"{where}: Stooq sent a browser check (proof-of-work page) instead of CSV; {APIKEY_HELP}")
        if "apikey" in lowered or "api key" in lowered:
            raise Refused(f"{where}: Stooq asks for an API key; {APIKEY_HELP}")
        raise SourceError(f"{where}: got an HTML page instead of CSV")


def _date(value: str, where: str, line: int) -> str:
    try:
        date = dt.date.fromisoformat(value)
    except ValueError:
        raise SourceError(f"{where}: line {line} has no date: {value[:40]!r}") from None
    if not dt.date(1990, 1, 1) <= date <= dt.date(2100, 1, 1):
        raise SourceError(f"{where}: line {line}: date {date} is outside 1990 to 2100")
    return date.isoformat()


def recent(closes: list[tuple[str, float]], days: int = KEEP_DAYS) -> list[tuple[str, float]]:
    """The closes of the ``days`` calendar days up to the latest one (the latest's date minus ``days`` excluded)."""
    first = (dt.date.fromisoformat(closes[-1][0]) - dt.timedelta(days=days)).isoformat()
    return [c for c in closes if c[0] > first]


def fetch(fetcher: Fetcher, ticker: str, retrieved: str, apikey: str | None = None) -> Records:
    """One ticker's closes of the last :data:`KEEP_DAYS` days, validated."""
    params = {"s": symbol(ticker), "i": "d"}
    url = f"{fetcher.url(PATH)}?s={params['s']}&i=d"  # the key stays out of the workbook
    where = f"{PROVIDER} {PATH}?s={params['s']}"
    closes = recent(parse_csv(fetcher.get(PATH, {**params, **({"apikey": apikey} if apikey else {})}).text, where))
    detail = f"{len(closes)} daily closes, {closes[0][0]} to {closes[-1][0]}"
    return records(ticker, [(d, c, url) for d, c in closes], PROVIDER, url, retrieved, Status.OK, detail)


class Client:
    """One refresh's requests to Stooq, one ticker at a time.

    After a :class:`Refused` answer the remaining tickers fail with the same reason and no
    request: the quota, the key and the browser check answer every symbol alike.
    """

    def __init__(self, fetcher: Fetcher, apikey: str | None = None) -> None:
        self.fetcher, self.apikey = fetcher, apikey
        self.refusal: str | None = None

    def fetch(self, ticker: str, retrieved: str) -> Records:
        if self.refusal:
            raise SourceError(f"{PROVIDER} {PATH}?s={symbol(ticker)}: not asked, {self.refusal}")
        try:
            return fetch(self.fetcher, ticker, retrieved, self.apikey)
        except Refused as exc:
            self.refusal = f"after {exc}"
            raise


def records(ticker: str, closes: list[tuple[str, float, str]], source: str, url: str, retrieved: str,
            status: Status, detail: str) -> Records:
    """The latest close and the daily closes ``(date, close, source url)`` of one ticker (also offline)."""
    latest = [Observation(ticker, closes[-1][1], closes[-1][0], closes[-1][2])] if closes else []
    return Records(Table.EQUITIES, latest, [Series("daily", DAILY_COLUMNS, [[ticker, *c] for c in closes])],
                   provenance=[Provenance(Table.EQUITIES, ticker, source, url, retrieved, status, len(closes), detail)])


def snapshot_records(snapshot: dict[str, Any], ticker: str) -> Records:
    """The embedded dated closes of one ticker (``snapshot.json``'s ``equities``), checked like a response."""
    where = f"snapshot.json equities {ticker}"
    entries = sorted((c for c in snapshot.get("closes", []) if c.get("ticker") == ticker), key=lambda c: c["date"])
    closes = [(_date(str(c["date"]), where, i), plausible(number(c["close_usd"], "close_usd", where), *CLOSE_RANGE,
                                                           "close [USD]", where), c["url"])
              for i, c in enumerate(entries, start=1)]
    if not closes:
        return records(ticker, [], "snapshot", "", snapshot.get("as_of") or "none embedded", Status.OFFLINE,
                       "no embedded close for this ticker")
    document = entries[-1].get("document", "")
    return records(ticker, closes, "snapshot", entries[-1]["url"], snapshot.get("as_of") or closes[-1][0],
                   Status.OFFLINE, f"embedded snapshot: {document}" if document else "embedded snapshot")
