"""Provider responses shaped exactly like the real ones, and a transport that replays them.

The traps are the providers' own: satoshi and price amounts as JSON strings, a plain-text
tip height, candles newest first, Kraken's still-open last bar, SEC's columnar submissions,
10-Qs carrying both three-month and year-to-date facts, Q4 only as a full-year fact.
A request with no recording fails the test instead of going to the network.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx

DAY = 86_400
T0 = 1_760_000_000  # 2025-10-09 UTC

MEMPOOL_HASHRATE = {
    "hashrates": [{"timestamp": T0 + i * DAY, "avgHashrate": 1.10e21 + i * 1e18} for i in range(5)],
    "difficulty": [
        {"time": T0, "height": 917_280, "difficulty": 150_839_487_445_890.5, "adjustment": 1.0131},
        {"time": T0 + 4 * DAY, "height": 919_296, "difficulty": 155_973_147_807_927.2, "adjustment": 1.0340},
    ],
    "currentHashrate": 1.1214e21,
    "currentDifficulty": 155_973_147_807_927.2,
}
MEMPOOL_TIP = "921455"
MEMPOOL_REWARDS = {"startBlock": 921_312, "endBlock": 921_455, "totalReward": "455310234567",
                   "totalFee": "5310234567", "totalTx": "512345"}
COINBASE_SPOT = {"data": {"amount": "84312.57", "base": "BTC", "currency": "USD"}}
COINBASE_CANDLES = [  # newest first: [time, low, high, open, close, volume]
    [T0 + 2 * DAY, 83_100.0, 85_020.5, 84_000.1, 84_310.0, 9_812.3],
    [T0 + DAY, 82_500.0, 84_500.0, 83_000.0, 84_000.1, 10_101.7],
    [T0, 81_900.0, 83_600.0, 82_100.0, 83_000.0, 11_002.0],
]
KRAKEN_OHLC = {"error": [], "result": {"XXBTZUSD": [
    [T0, "82100.0", "83600.0", "81900.0", "83000.0", "82700.1", "1203.5", 51234],
    [T0 + DAY, "83000.0", "84500.0", "82500.0", "84000.1", "83500.2", "1150.2", 49876],
    [T0 + 2 * DAY, "84000.1", "84800.0", "83900.0", "84200.0", "84300.0", "310.4", 12001],  # still open
], "last": T0 + 2 * DAY}}

CORZ_SUBMISSIONS = {
    "cik": "1839341", "name": "Core Scientific, Inc./tx", "tickers": ["CORZ"], "fiscalYearEnd": "1231",
    "filings": {"recent": {
        "accessionNumber": ["0001628280-25-046300", "0001628280-25-037000", "0001628280-25-009000",
                            "0001628280-24-046000"],
        "filingDate": ["2025-10-24", "2025-08-08", "2025-02-27", "2024-11-06"],
        "reportDate": ["2025-09-30", "2025-06-30", "2024-12-31", "2024-09-30"],
        "acceptanceDateTime": ["2025-10-24T16:05:00.000Z"] * 4,
        "form": ["10-Q", "10-Q", "10-K", "10-Q"],
        "primaryDocument": ["core-20250930.htm", "core-20250630.htm", "core-20241231.htm", "core-20240930.htm"],
        "primaryDocDescription": ["10-Q", "10-Q", "10-K", "10-Q"],
    }, "files": []},
}


def _fact(start, end, val, accn, form, filed, fy, fp, frame=None):
    fact = {"start": start, "end": end, "val": val, "accn": accn, "fy": fy, "fp": fp, "form": form, "filed": filed}
    if frame:
        fact["frame"] = frame
    return fact


Q3_24, K_24, Q2_25, Q3_25 = ("0001628280-24-046000", "0001628280-25-009000", "0001628280-25-037000",
                             "0001628280-25-046300")
CORZ_FACTS = {"cik": 1839341, "entityName": "Core Scientific, Inc./tx", "facts": {"us-gaap": {
    "RevenueFromContractWithCustomerExcludingAssessedTax": {"label": "Revenue", "units": {"USD": [
        _fact("2024-07-01", "2024-09-30", 95_352_000, Q3_24, "10-Q", "2024-11-06", 2024, "Q3", "CY2024Q3"),
        _fact("2024-01-01", "2024-09-30", 415_733_000, Q3_24, "10-Q", "2024-11-06", 2024, "Q3"),
        _fact("2024-01-01", "2024-12-31", 510_672_000, K_24, "10-K", "2025-02-27", 2024, "FY", "CY2024"),
        # the 10-Q of 2025 repeats the prior-year column: same period, filed later, same value
        _fact("2024-07-01", "2024-09-30", 95_352_000, Q3_25, "10-Q", "2025-10-24", 2025, "Q3"),
        _fact("2025-04-01", "2025-06-30", 78_625_000, Q2_25, "10-Q", "2025-08-08", 2025, "Q2", "CY2025Q2"),
        _fact("2025-07-01", "2025-09-30", 81_107_000, Q3_25, "10-Q", "2025-10-24", 2025, "Q3", "CY2025Q3"),
    ]}},
    "FairValueAdjustmentOfWarrants": {"label": "Change in fair value of warrants", "units": {"USD": [
        # debit balance: a loss is positive
        _fact("2025-07-01", "2025-09-30", 74_900_000, Q3_25, "10-Q", "2025-10-24", 2025, "Q3"),
        _fact("2025-04-01", "2025-06-30", 910_000_000, Q2_25, "10-Q", "2025-08-08", 2025, "Q2"),
    ]}},
    "NetIncomeLoss": {"label": "Net income", "units": {"USD": [
        _fact("2025-07-01", "2025-09-30", -146_700_000, Q3_25, "10-Q", "2025-10-24", 2025, "Q3"),
        _fact("2024-07-01", "2024-09-30", -455_300_000, Q3_24, "10-Q", "2024-11-06", 2024, "Q3"),
        _fact("2024-01-01", "2024-09-30", -1_049_500_000, Q3_24, "10-Q", "2024-11-06", 2024, "Q3"),
        _fact("2024-01-01", "2024-12-31", -1_315_000_000, K_24, "10-K", "2025-02-27", 2024, "FY"),
    ]}},
    "Assets": {"label": "Assets", "units": {"USD": [  # balance sheet: no start, ignored
        _fact(None, "2025-09-30", 3_000_000_000, Q3_25, "10-Q", "2025-10-24", 2025, "Q3"),
    ]}},
}}}
for concept in CORZ_FACTS["facts"]["us-gaap"]["Assets"]["units"]["USD"]:
    concept.pop("start")

IREN_SUBMISSIONS = {**CORZ_SUBMISSIONS, "cik": "1878848", "name": "IREN Ltd", "fiscalYearEnd": "0630",
                    "filings": {"recent": {
                        "accessionNumber": ["0001878848-25-000050", "0001878848-25-000020"],
                        "filingDate": ["2025-08-28", "2025-05-14"], "reportDate": ["2025-06-30", "2025-03-31"],
                        "form": ["10-K", "10-Q"], "primaryDocument": ["iren-20250630.htm", "iren-20250331.htm"]},
                        "files": []}}
IREN_FACTS = {"cik": 1878848, "entityName": "IREN Ltd", "facts": {"us-gaap": {"Revenues": {"units": {"USD": [
    _fact("2024-07-01", "2025-03-31", 313_000_000, "0001878848-25-000020", "10-Q", "2025-05-14", 2025, "Q3"),
    _fact("2025-01-01", "2025-03-31", 148_000_000, "0001878848-25-000020", "10-Q", "2025-05-14", 2025, "Q3"),
    _fact("2024-07-01", "2025-06-30", 501_000_000, "0001878848-25-000050", "10-K", "2025-08-28", 2025, "FY"),
]}}}}}

BASES = {
    "mempool": "https://mempool.test/api",
    "coinbase": "https://coinbase.test",
    "exchange": "https://exchange.test",
    "kraken": "https://kraken.test",
    "sec_data": "https://data.sec.test",
    "sec_archives": "https://www.sec.test",
}
ENVIRON = {
    "XLMODEL_MEMPOOL_URL": BASES["mempool"], "XLMODEL_COINBASE_URL": BASES["coinbase"],
    "XLMODEL_COINBASE_EXCHANGE_URL": BASES["exchange"], "XLMODEL_KRAKEN_URL": BASES["kraken"],
    "XLMODEL_SEC_DATA_URL": BASES["sec_data"], "XLMODEL_SEC_ARCHIVES_URL": BASES["sec_archives"],
    "XLMODEL_SEC_USER_AGENT": "xlmodel tests tests@example.com",
}


def recorded() -> dict[str, httpx.Response | Callable[[httpx.Request], httpx.Response]]:
    """URL (without query) -> response, for every request a full refresh of CORZ and IREN makes."""
    j = lambda obj: httpx.Response(200, json=obj)  # noqa: E731
    m, s = BASES["mempool"], BASES["sec_data"]
    return {
        f"{m}/v1/mining/hashrate/1y": j(MEMPOOL_HASHRATE),
        f"{m}/blocks/tip/height": httpx.Response(200, text=MEMPOOL_TIP, headers={"content-type": "text/plain"}),
        f"{m}/v1/mining/reward-stats/144": j(MEMPOOL_REWARDS),
        f"{BASES['coinbase']}/v2/prices/BTC-USD/spot": j(COINBASE_SPOT),
        f"{BASES['exchange']}/products/BTC-USD/candles": j(COINBASE_CANDLES),
        f"{BASES['kraken']}/0/public/OHLC": j(KRAKEN_OHLC),
        f"{s}/submissions/CIK0001839341.json": j(CORZ_SUBMISSIONS),
        f"{s}/api/xbrl/companyfacts/CIK0001839341.json": j(CORZ_FACTS),
        f"{s}/submissions/CIK0001878848.json": j(IREN_SUBMISSIONS),
        f"{s}/api/xbrl/companyfacts/CIK0001878848.json": j(IREN_FACTS),
    }


class Replay(httpx.MockTransport):
    """Serves recordings; an unrecorded URL raises, so no test can reach the network."""

    def __init__(self, overrides: dict | None = None) -> None:
        self.routes = {**recorded(), **(overrides or {})}
        self.seen: list[httpx.Request] = []
        super().__init__(self._handle)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        url = str(request.url.copy_with(query=None))
        if url not in self.routes:
            raise AssertionError(f"no recording for {request.url}")
        route = self.routes[url]
        response = route(request) if callable(route) else route
        return httpx.Response(response.status_code, headers=response.headers, content=response.content)


def html_error(status: int = 503) -> httpx.Response:
    return httpx.Response(status, text="<html><body><h1>Service Unavailable</h1></body></html>",
                          headers={"content-type": "text/html"})


def as_json_bytes(obj) -> bytes:
    return json.dumps(obj).encode()
