"""Refresh benchmark: every ticker's SEC data and share prices and every network series, from a local replay server.

Run by hand (never part of the test suite):  python benchmarks/bench_refresh.py
The server (tests/replay_server.py) replays recorded, real-shaped responses over HTTP on
127.0.0.1 with ETags; the providers' rate limits are the real ones. Prints wall time and
requests for a cold refresh, then for a second refresh with a warm cache, which must make
no full downloads: fresh entries are served from the cache without waiting for the rate
limiter, stale ones are revalidated (304) within it.

The Cache-Control each provider sends is this benchmark's assumption (CACHE_CONTROL), not
a recording: filings in the SEC archive never change once filed, companyfacts and
submissions change when a company files, prices and the network tip change by the minute,
a share's daily closes once a trading day.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from recordings import BASES, CORZ_FACTS, CORZ_SUBMISSIONS, STOOQ_CSV, csv, instances, recorded, stooq_url
from replay_server import ReplayServer

from xlmodel.data.records import Status
from xlmodel.data.sec import CIKS, padded
from xlmodel.refresh.store import refresh_workbook
from xlmodel.template.builder import build_template

CACHE_CONTROL = {
    "sec_archives": "public, max-age=86400",  # a filing's XBRL instance is fixed once filed
    "sec_data": "public, max-age=600",
    "mempool": "public, max-age=60",
    "coinbase": "no-cache", "exchange": "no-cache", "kraken": "no-cache",
    "stooq": "public, max-age=3600",
}


def all_tickers() -> dict:
    routes = recorded()
    for ticker in CIKS:  # every covered ticker's closes, shaped like Core Scientific's
        routes.setdefault(stooq_url(ticker), csv(STOOQ_CSV["CORZ"]))
    for cik in CIKS.values():  # every covered ticker, shaped like Core Scientific's filings
        routes.setdefault(f"{BASES['sec_data']}/submissions/{padded(cik)}.json", httpx.Response(200, json={
            **CORZ_SUBMISSIONS, "cik": str(cik)}))
        routes.setdefault(f"{BASES['sec_data']}/api/xbrl/companyfacts/{padded(cik)}.json",
                          httpx.Response(200, json={**CORZ_FACTS, "cik": cik}))
        for url, response in instances().items():  # and the same four filings' instances
            if "/1839341/" in url:
                routes.setdefault(url.replace("/1839341/", f"/{cik}/"), response)
    return routes


def run(label: str, book: Path, server: ReplayServer, cache: Path) -> float:
    start_req = len(server.statuses)
    t0 = time.perf_counter()
    report = refresh_workbook(book, environ=server.environ(), cache_dir=cache, tickers=tuple(CIKS))
    wall = time.perf_counter() - t0
    statuses = server.statuses[start_req:]
    failed_filings = sum(1 for o in report.outcomes if o.records for p in o.records.provenance
                         if p.status == Status.FAILED)
    print(f"{label:<22} {wall:6.2f} s  requests {len(statuses):3d}  full downloads {statuses.count(200):3d}  "
          f"revalidated (304) {statuses.count(304):3d}  failed sources {len(report.failures)}  "
          f"failed filings {failed_filings}")
    return wall


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp, ReplayServer(all_tickers(), CACHE_CONTROL) as server:
        book = build_template(Path(tmp) / "book.xlsx")
        cache = Path(tmp) / "cache"
        print(f"refresh of {len(CIKS)} tickers (SEC, share prices) + network + prices from {server.base} "
              "(real rate limits)")
        cold = run("cold cache", book, server, cache)
        warm = run("warm cache", book, server, cache)
        print(f"warm / cold: {warm / cold:.2f} ({cold / warm:.1f}x faster warm)")
        shutil.rmtree(cache)


if __name__ == "__main__":
    os.environ.pop("XLMODEL_SEC_USER_AGENT", None)
    main()
