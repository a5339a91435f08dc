"""Fetch every source concurrently (each provider within its own rate limit) and validate it.

Returns one :class:`Outcome` per source: its records, or the one-line reason it failed.
Nothing here writes a workbook; :mod:`xlmodel.refresh.store` does that, and only after
every outcome is in.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import httpx

from xlmodel.data import config, embedded, equities, mempool, prices, sec
from xlmodel.data.http import Fetcher, RateLimiter, SourceError
from xlmodel.data.records import Provenance, Records, Status, Table, now_utc

log = logging.getLogger(__name__)
SOURCES = ("network", "prices", "sec", "equities")
PER_TICKER = ("sec", "equities")  # one outcome per ticker, named "sec:CORZ", "equities:CORZ"
DEFAULT_TICKERS = tuple(sec.CIKS)


@dataclass
class Outcome:
    name: str  # "network", "prices", "sec:TICKER" or "equities:TICKER"
    records: Records | None = None
    error: str | None = None
    skipped: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None and not self.skipped


def default_cache_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("xlmodel")) / "http"


@dataclass
class Fetchers:
    """The clients one refresh makes (all sharing a transport, cache folder and sleep), closed together."""

    transport: httpx.BaseTransport | None = None
    cache_dir: Path | None = None
    sleep: Callable[[float], None] | None = None
    made: list[Fetcher] = field(default_factory=list)

    def make(self, provider: str, base_url: str, interval_s: float, headers: dict | None = None,
             limiter: RateLimiter | None = None) -> Fetcher:
        fetcher = Fetcher(provider, base_url, interval_s, headers=headers, transport=self.transport,
                          cache_dir=self.cache_dir, sleep=self.sleep, limiter=limiter)
        self.made.append(fetcher)
        return fetcher

    def close(self) -> None:
        for f in self.made:
            f.close()


def collect(settings: config.Settings, *, tickers: tuple[str, ...] = DEFAULT_TICKERS,
            only: tuple[str, ...] = SOURCES, offline: bool = False, transport: httpx.BaseTransport | None = None,
            cache_dir: Path | None = None, progress: Callable[[str], None] | None = None,
            fetchers_out: list[Fetcher] | None = None, sleep: Callable[[float], None] | None = None,
            sequential: bool = False) -> list[Outcome]:
    """Run the selected sources (concurrently across providers) and return their outcomes.

    ``sequential`` runs one provider after another in this thread, where threads cannot
    start (Pyodide, in xlwings Lite).
    """
    unknown = [t for t in tickers if t not in sec.CIKS]
    if unknown:
        raise config.ConfigError(f"unknown tickers {unknown}; known: {', '.join(sec.CIKS)}")
    if offline:
        return snapshot_outcomes(only, tickers)
    retrieved = now_utc()
    fetchers = Fetchers(transport, cache_dir, sleep)
    jobs: list[Callable[[], list[Outcome]]] = []
    outcomes: list[Outcome] = []
    if "network" in only:
        net = fetchers.make(mempool.PROVIDER, settings.mempool, mempool.INTERVAL_S)
        jobs.append(lambda: [_attempt("network", lambda: mempool.fetch(net, retrieved), progress)])
    if "prices" in only:
        cb = fetchers.make("coinbase", settings.coinbase, 0.2)
        ex = fetchers.make("coinbase-exchange", settings.coinbase_exchange, 0.2)
        kr = fetchers.make("kraken", settings.kraken, 1.0)
        jobs.append(lambda: [_attempt("prices", lambda: prices.fetch(cb, ex, kr, retrieved), progress)])
    if "sec" in only and settings.sec_user_agent is None:
        outcomes += [Outcome(f"sec:{t}", error=config.USER_AGENT_HELP, skipped=True) for t in tickers]
    elif "sec" in only:
        agent = {"User-Agent": settings.sec_user_agent}
        edgar = fetchers.make(sec.PROVIDER, settings.sec_data, sec.INTERVAL_S, agent)
        archives = fetchers.make("sec-archives", settings.sec_archives, sec.INTERVAL_S, agent, limiter=edgar.limiter)
        # tickers one after another: data.sec.gov and www.sec.gov share the SEC's rate limit
        jobs.append(lambda: [
            _attempt(f"sec:{t}", lambda t=t: sec.fetch_company(edgar, settings.sec_archives, t, retrieved,
                                                               archives=archives), progress)
            for t in tickers])
    if "equities" in only and settings.stooq_apikey is None and settings.stooq == config.DEFAULTS[config.STOOQ_URL_KEY]:
        outcomes += [Outcome(f"equities:{t}", error=equities.KEY_NEEDED, skipped=True) for t in tickers]
    elif "equities" in only:
        stooq = equities.Client(fetchers.make(equities.PROVIDER, settings.stooq, equities.INTERVAL_S),
                                settings.stooq_apikey)
        jobs.append(lambda: [_attempt(f"equities:{t}", lambda t=t: stooq.fetch(t, retrieved), progress)
                             for t in tickers])
    try:
        if sequential:
            for job in jobs:
                outcomes += job()
        else:
            with ThreadPoolExecutor(max_workers=max(1, len(jobs))) as pool:
                for future in [pool.submit(job) for job in jobs]:
                    outcomes += future.result()
    finally:
        if fetchers_out is not None:
            fetchers_out.extend(fetchers.made)
        fetchers.close()
    return outcomes


def _attempt(name: str, fetch: Callable[[], Records], progress: Callable[[str], None] | None) -> Outcome:
    """One source's fetch, parse and validation; whatever goes wrong in it fails this source only."""
    try:
        outcome = Outcome(name, records=fetch())
    except SourceError as exc:
        outcome = Outcome(name, error=str(exc))
    except Exception as exc:  # a payload wrong in a way no check foresaw: this source fails, the rest goes on
        log.debug("refresh of %s failed", name, exc_info=True)
        text = (str(exc).strip().splitlines() or [""])[0][:200]
        outcome = Outcome(name, error=f"{name}: unexpected response ({type(exc).__name__}: {text})")
    if progress:
        progress(name)
    return outcome


def load_snapshot() -> dict:
    return json.loads((resources.files("xlmodel.data") / "snapshot.json").read_text(encoding="utf-8"))


def snapshot_outcomes(only: tuple[str, ...], tickers: tuple[str, ...]) -> list[Outcome]:
    """The embedded snapshot as outcomes, marked 'offline' in Sources."""
    snap = load_snapshot()
    outcomes = []
    if "network" in only:
        n = snap["network"]
        latest = {k: (v["value"], v["source"]) for k, v in n["latest"].items()}
        outcomes.append(Outcome("network", mempool.latest_and_series(
            latest, n.get("hashrate", []), n.get("difficulty", []), n["as_of"], n["series_source"],
            "snapshot", Status.OFFLINE, "embedded snapshot")))
    if "prices" in only:
        p = snap["prices"]
        outcomes.append(Outcome("prices", prices.records(
            p["spot"]["value"], p["spot"]["source"], p.get("daily", []), "snapshot", p["daily_source"],
            p["as_of"], Status.OFFLINE, "embedded snapshot", spot_source="snapshot")))
    if "sec" in only:
        for ticker in tickers:
            try:
                facts = embedded.company_facts(ticker)
            except KeyError:
                facts = []
            if not facts:  # no file, or one with no quarters yet
                outcomes.append(Outcome(f"sec:{ticker}", error="no embedded snapshot for this ticker", skipped=True))
                continue
            prov = Provenance(Table.COMPANY, ticker, "snapshot", facts[-1].url, snap["company"]["as_of"],
                              Status.OFFLINE, len(facts),
                              "embedded snapshot: results releases, segment notes and the sourced capital structure")
            outcomes.append(Outcome(f"sec:{ticker}", Records(Table.COMPANY, facts=facts, provenance=[prov])))
    if "equities" in only:
        closes = snap.get("equities", {})
        outcomes += [Outcome(f"equities:{t}", equities.snapshot_records(closes, t)) for t in tickers]
    return outcomes
