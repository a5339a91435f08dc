"""Provider responses shaped exactly like the real ones, and a transport that replays them.

The traps are the providers' own: satoshi and price amounts as JSON strings, a plain-text
tip height, candles newest first, Kraken's still-open last bar, SEC's columnar submissions,
10-Qs carrying both three-month and year-to-date facts, Q4 only as a full-year fact, Stooq's
refusals as HTTP 200 text in place of CSV. A request with no recording fails the test instead
of going to the network.
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
        _fact("2024-07-01", "2024-09-30", 95_300_000, Q3_24, "10-Q", "2024-11-06", 2024, "Q3", "CY2024Q3"),
        _fact("2024-01-01", "2024-09-30", 415_640_000, Q3_24, "10-Q", "2024-11-06", 2024, "Q3"),
        _fact("2024-01-01", "2024-12-31", 510_540_000, K_24, "10-K", "2025-02-27", 2024, "FY", "CY2024"),
        # the 10-Q of 2025 repeats the prior-year column: same period, filed later, same value
        _fact("2024-07-01", "2024-09-30", 95_300_000, Q3_25, "10-Q", "2025-10-24", 2025, "Q3"),
        _fact("2025-04-01", "2025-06-30", 78_625_000, Q2_25, "10-Q", "2025-08-08", 2025, "Q2", "CY2025Q2"),
        _fact("2025-07-01", "2025-09-30", 81_100_000, Q3_25, "10-Q", "2025-10-24", 2025, "Q3", "CY2025Q3"),
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
# capital-structure instants: the cover page's share count under dei, balance-sheet cash under us-gaap
# (values made up for the replay; CORZ tags no LongTermDebt here, so the embedded debt line must survive)
CORZ_FACTS["facts"]["dei"] = {"EntityCommonStockSharesOutstanding": {
    "label": "Entity Common Stock, Shares Outstanding", "units": {"shares": [
        _fact(None, "2025-07-31", 305_100_000, Q2_25, "10-Q", "2025-08-08", 2025, "Q2"),
        _fact(None, "2025-10-20", 306_200_000, Q3_25, "10-Q", "2025-10-24", 2025, "Q3")]}}}
CORZ_FACTS["facts"]["us-gaap"]["CashAndCashEquivalentsAtCarryingValue"] = {"label": "Cash", "units": {"USD": [
    _fact(None, "2025-09-30", 453_400_000, Q3_25, "10-Q", "2025-10-24", 2025, "Q3")]}}
for concept in ("Assets", "CashAndCashEquivalentsAtCarryingValue"):
    for fact in CORZ_FACTS["facts"]["us-gaap"][concept]["units"]["USD"]:
        fact.pop("start")
for fact in CORZ_FACTS["facts"]["dei"]["EntityCommonStockSharesOutstanding"]["units"]["shares"]:
    fact.pop("start")

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
    "stooq": "https://stooq.test",
}
ENVIRON = {
    "XLMODEL_MEMPOOL_URL": BASES["mempool"], "XLMODEL_COINBASE_URL": BASES["coinbase"],
    "XLMODEL_COINBASE_EXCHANGE_URL": BASES["exchange"], "XLMODEL_KRAKEN_URL": BASES["kraken"],
    "XLMODEL_SEC_DATA_URL": BASES["sec_data"], "XLMODEL_SEC_ARCHIVES_URL": BASES["sec_archives"],
    "XLMODEL_SEC_USER_AGENT": "xlmodel tests tests@example.com",
    "XLMODEL_STOOQ_URL": BASES["stooq"],
}


def recorded() -> dict[str, httpx.Response | Callable[[httpx.Request], httpx.Response]]:
    """URL -> response, for every request a full refresh of CORZ, IREN and RIOT makes.

    The URL is without its query, except Stooq's, whose query names the symbol asked for.
    """
    j = lambda obj: httpx.Response(200, json=obj)
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
        f"{s}/submissions/CIK0001167419.json": j(RIOT_SUBMISSIONS),
        f"{s}/api/xbrl/companyfacts/CIK0001167419.json": j(RIOT_FACTS),
        **instances(),
        **{stooq_url(t): csv(body) for t, body in STOOQ_CSV.items()},
    }


class Replay(httpx.MockTransport):
    """Serves recordings; an unrecorded URL raises, so no test can reach the network."""

    def __init__(self, overrides: dict | None = None) -> None:
        self.routes = {**recorded(), **(overrides or {})}
        self.seen: list[httpx.Request] = []
        super().__init__(self._handle)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        url = str(request.url)
        if url not in self.routes:
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


# --- XBRL instance documents (the *_htm.xml of each filing) ----------------------------------------

INSTANCE_HEAD = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<xbrli:xbrl xmlns:xbrli="http://www.xbrl.org/2003/instance" xmlns:link="http://www.xbrl.org/2003/linkbase" '
    'xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:xbrldi="http://xbrl.org/2006/xbrldi" '
    'xmlns:iso4217="http://www.xbrl.org/2003/iso4217" xmlns:us-gaap="http://fasb.org/us-gaap/2025" '
    'xmlns:srt="http://fasb.org/srt/2025" xmlns:dei="http://xbrl.sec.gov/dei/2025" xmlns:{prefix}="{ext}">\n'
    '<link:schemaRef xlink:type="simple" xlink:href="{prefix}-{date}.xsd"/>\n'
    '<xbrli:unit id="usd"><xbrli:measure>iso4217:USD</xbrli:measure></xbrli:unit>\n'
)
REV = "us-gaap:RevenueFromContractWithCustomerExcludingAssessedTax"
COST = "us-gaap:CostOfGoodsAndServiceExcludingDepreciationDepletionAndAmortization"
PRODUCT = "srt:ProductOrServiceAxis"


def instance(cik: str, prefix: str, ext: str, date: str, facts: list[tuple]) -> bytes:
    """An instance from (concept, start, end, dims, value) rows; equal periods/dims share a context."""
    contexts: dict[tuple, str] = {}
    body = []
    for concept, start, end, dims, value in facts:
        key = (start, end, tuple(dims))
        if key not in contexts:
            cid = f"c-{len(contexts) + 1}"
            contexts[key] = cid
            members = "".join(f'<xbrldi:explicitMember dimension="{a}">{m}</xbrldi:explicitMember>' for a, m in dims)
            segment = f"<xbrli:segment>{members}</xbrli:segment>" if dims else ""
            body.append(
                f'<xbrli:context id="{cid}"><xbrli:entity><xbrli:identifier scheme="http://www.sec.gov/CIK">'
                f"{cik}</xbrli:identifier>{segment}</xbrli:entity><xbrli:period><xbrli:startDate>{start}"
                f"</xbrli:startDate><xbrli:endDate>{end}</xbrli:endDate></xbrli:period></xbrli:context>")
        body.append(f'<{concept} contextRef="{contexts[key]}" unitRef="usd" decimals="-3">{value}</{concept}>')
    return (INSTANCE_HEAD.format(prefix=prefix, ext=ext, date=date) + "\n".join(body) + "\n</xbrli:xbrl>").encode()


def _corz(date: str, periods: list[tuple[str, str, dict, dict]], extra: list[tuple] = ()) -> bytes:
    """CORZ facts: per period, revenue and cost by member, and the consolidated totals."""
    rows = list(extra)
    for start, end, revenue, cost in periods:
        for member, value in revenue.items():
            rows.append((REV, start, end, [(PRODUCT, f"core:{member}")], value))
        for member, value in cost.items():
            rows.append((COST, start, end, [(PRODUCT, f"core:{member}")], value))
        rows.append((REV, start, end, [], sum(revenue.values())))
        rows.append((COST, start, end, [], sum(cost.values())))
    return instance("0001839341", "core", "http://www.corescientific.com/" + date, date, rows)


SM, HM, CO, HPC = ("DigitalAssetSelfMiningServiceMember", "DigitalAssetHostedMiningServiceMember",
                   "ColocationServiceMember", "HPCHostingServiceMember")
CORZ_Q3_25 = _corz("20250930", [
    ("2025-07-01", "2025-09-30", {SM: 57_400_000, HM: 8_700_000, CO: 15_000_000},
     {SM: 58_900_000, HM: 7_200_000, CO: 11_100_000}),
    # the prior-year column: colocation was still tagged as HPC hosting, a member seen only here
    ("2024-07-01", "2024-09-30", {SM: 68_100_000, HM: 16_900_000, HPC: 10_300_000},
     {SM: 70_000_000, HM: 14_900_000, HPC: 10_600_000}),
], extra=[
    # split further by customer: must not be added to the colocation total
    (REV, "2025-07-01", "2025-09-30", [("srt:CounterpartyNameAxis", "core:CoreWeaveMember"),
                                        (PRODUCT, "core:ColocationServiceMember")], 15_000_000),
    # the same fact again under another context id
    (REV, "2025-07-01", "2025-09-30", [(PRODUCT, "core:ColocationServiceMember")], 15_000_000),
    ("us-gaap:FairValueAdjustmentOfWarrants", "2025-07-01", "2025-09-30", [], 74_900_000),
    # the rest of the consolidated statement. Revenue, cost, gross profit, the warrant change and net
    # income are the quarter's reported figures; the split of the other lines (-75.7 M in all) is made up
    # for this test, so that the lines sum to the reported net loss as a filing's do.
    *[(f"us-gaap:{concept}", "2025-07-01", "2025-09-30", [], value) for concept, value in (
        ("GrossProfit", 3_900_000), ("SellingGeneralAndAdministrativeExpense", 48_000_000),
        ("DepreciationDepletionAndAmortization", 22_500_000), ("CryptoAssetGainLoss", 2_100_000),
        ("OperatingIncomeLoss", -64_500_000), ("InterestExpense", 8_600_000),
        ("OtherNonoperatingIncomeExpense", 1_300_000), ("IncomeTaxExpenseBenefit", 0),
        ("NetIncomeLoss", -146_700_000))],
])
CORZ_Q2_25 = _corz("20250630", [
    ("2025-04-01", "2025-06-30", {SM: 62_400_000, HM: 5_600_000, CO: 10_600_000},
     {SM: 60_000_000, HM: 4_600_000, CO: 9_000_000}),
])
CORZ_Q3_24 = _corz("20240930", [
    ("2024-07-01", "2024-09-30", {SM: 68_100_000, HM: 16_900_000, HPC: 10_300_000},
     {SM: 70_000_000, HM: 14_900_000, HPC: 10_600_000}),
    ("2024-01-01", "2024-09-30", {SM: 328_840_000, HM: 71_000_000, HPC: 15_800_000},
     {SM: 245_000_000, HM: 50_000_000, HPC: 14_000_000}),
])
CORZ_10K_24 = _corz("20241231", [
    ("2024-01-01", "2024-12-31", {SM: 408_740_000, HM: 77_500_000, HPC: 24_300_000},
     {SM: 314_335_000, HM: 56_000_000, HPC: 21_500_000}),
])

IREN_PRODUCT = [("iren:BitcoinMiningRevenueMember", "mining"), ("iren:AICloudServicesMember", "ai"),
                ("test:UnseenLineMember", "other")]  # the third is made up: a member no mapping or rule knows


def _iren(date: str, periods: list[tuple[str, str, dict]]) -> bytes:
    rows = []
    for start, end, revenue in periods:
        for member, key in IREN_PRODUCT:
            rows.append(("us-gaap:Revenues", start, end, [(PRODUCT, member)], revenue[key]))
        rows.append(("us-gaap:Revenues", start, end, [], sum(revenue.values())))
    return instance("0001878848", "iren", "http://iren.com/" + date, date, rows)


IREN_Q3_FY25 = _iren("20250331", [
    ("2025-01-01", "2025-03-31", {"mining": 141_200_000, "ai": 6_800_000, "other": 0}),
    ("2024-07-01", "2025-03-31", {"mining": 301_000_000, "ai": 12_000_000, "other": 0}),
])
IREN_10K_FY25 = _iren("20250630", [
    ("2024-07-01", "2025-06-30", {"mining": 484_200_000, "ai": 16_800_000, "other": 0}),
])


# Riot's Q1-2025 10-Q (0001558370-25-006119). The members and which of them share a context are the
# filing's own (its context list, seen through openfilings.com); the axes are the us-gaap taxonomy's.
# Revenue 161.4, Bitcoin Mining 142.9 and Engineering 13.9 M USD are the quarter's reported figures (the
# other 4.6 M was Data Center Hosting, whose member was not seen, so it is left out here); the
# elimination and the reportable-segment total are the shapes that must not be added again, their values
# made up for this test.
SEGMENT_AXIS, CONSOLIDATION_AXIS = "us-gaap:StatementBusinessSegmentsAxis", "srt:ConsolidationItemsAxis"
RIOT_Q1_25_PERIOD = ("2025-01-01", "2025-03-31")
RIOT_Q1_25 = instance("0001167419", "riot", "http://www.riotplatforms.com/20250331", "20250331x10q", [
    ("us-gaap:Revenues", *RIOT_Q1_25_PERIOD, [(SEGMENT_AXIS, "riot:BitcoinMiningSegmentMember")], 142_900_000),
    ("us-gaap:Revenues", *RIOT_Q1_25_PERIOD, [(SEGMENT_AXIS, "riot:EngineeringSegmentMember")], 13_900_000),
    ("us-gaap:Revenues", *RIOT_Q1_25_PERIOD, [(CONSOLIDATION_AXIS, "us-gaap:IntersegmentEliminationMember"),
                                              (SEGMENT_AXIS, "riot:EngineeringSegmentMember")], -1_000_000),
    ("us-gaap:Revenues", *RIOT_Q1_25_PERIOD, [
        (CONSOLIDATION_AXIS, "us-gaap:OperatingSegmentsMember"),
        (SEGMENT_AXIS, "us-gaap:ReportableSegmentAggregationBeforeOtherOperatingSegmentMember")], 161_400_000),
    ("us-gaap:Revenues", *RIOT_Q1_25_PERIOD,
     [(SEGMENT_AXIS, "us-gaap:ReportableSegmentAggregationBeforeOtherOperatingSegmentMember")], 161_400_000),
    ("us-gaap:Revenues", *RIOT_Q1_25_PERIOD, [], 161_400_000),
])
RIOT_SUBMISSIONS = {**CORZ_SUBMISSIONS, "cik": "1167419", "name": "Riot Platforms, Inc.", "tickers": ["RIOT"],
                    "filings": {"recent": {
                        "accessionNumber": ["0001558370-25-006119"], "filingDate": ["2025-05-01"],
                        "reportDate": ["2025-03-31"], "form": ["10-Q"],
                        "primaryDocument": ["riot-20250331x10q.htm"]}, "files": []}}
RIOT_FACTS = {"cik": 1167419, "entityName": "Riot Platforms, Inc.", "facts": {"us-gaap": {
    "Revenues": {"units": {"USD": [
        _fact("2025-01-01", "2025-03-31", 161_400_000, "0001558370-25-006119", "10-Q", "2025-05-01", 2025, "Q1")]}},
    "NetIncomeLoss": {"units": {"USD": [
        _fact("2025-01-01", "2025-03-31", -296_400_000, "0001558370-25-006119", "10-Q", "2025-05-01", 2025, "Q1")]}},
}}}


def instances() -> dict[str, httpx.Response]:
    a = BASES["sec_archives"] + "/Archives/edgar/data"
    xml = lambda content: httpx.Response(200, content=content, headers={"content-type": "application/xml"})
    return {
        f"{a}/1839341/000162828025046300/core-20250930_htm.xml": xml(CORZ_Q3_25),
        f"{a}/1839341/000162828025037000/core-20250630_htm.xml": xml(CORZ_Q2_25),
        f"{a}/1839341/000162828025009000/core-20241231_htm.xml": xml(CORZ_10K_24),
        f"{a}/1839341/000162828024046000/core-20240930_htm.xml": xml(CORZ_Q3_24),
        f"{a}/1878848/000187884825000050/iren-20250630_htm.xml": xml(IREN_10K_FY25),
        f"{a}/1878848/000187884825000020/iren-20250331_htm.xml": xml(IREN_Q3_FY25),
        f"{a}/1167419/000155837025006119/riot-20250331x10q_htm.xml": xml(RIOT_Q1_25),
    }


# --- Stooq's CSV download (q/d/l/?s=<symbol>&i=d) -----------------------------------------------------
# The layout is Stooq's: header Date,Open,High,Low,Close,Volume, one row a trading day, oldest first,
# every day since the listing (seen in public clients' parsers and tests, e.g. HKUDS/Vibe-Trading's
# stooq_loader and api-evangelist/stooq's OHLCV record schema). The closes are made up for these tests.
# The content types are not confirmed anywhere (text/html for the refusals follows apis.io's quota example);
# the parser reads the body, never the content type.
# CORZ's first two rows lie more than 400 days before its last (2024-09-04 is 401 days before 2025-10-10,
# 2024-09-06 is 399), so a refresh keeps CORZ's closes from 2024-09-06.
STOOQ_HEADER = "Date,Open,High,Low,Close,Volume"
STOOQ_CSV = {
    "CORZ": """Date,Open,High,Low,Close,Volume
2024-07-01,9.12,9.5,8.95,9.31,8123400
2024-09-04,10.02,10.4,9.7,9.88,7954100
2024-09-06,9.9,10.55,9.85,10.47,9011200
2025-10-06,17.1,17.64,16.9,17.48,15432100
2025-10-07,17.5,17.9,16.8,16.95,14876500
2025-10-08,17.0,18.22,16.99,18.05,18234000
2025-10-09,18.1,18.75,17.85,18.61,16543200
2025-10-10,18.55,18.9,17.2,17.36,20456700
""",
    "IREN": """Date,Open,High,Low,Close,Volume
2025-10-08,58.1,61.2,57.4,60.83,41234500
2025-10-09,61.0,63.95,60.2,62.4,39876100
2025-10-10,62.1,62.9,56.3,57.02,45678900
""",
    "RIOT": """Date,Open,High,Low,Close,Volume
2025-10-09,20.5,21.3,20.1,20.95,30123400
2025-10-10,20.9,21.1,19.2,19.41,35432100
""",
}
STOOQ_NO_DATA = "No data"  # an unknown symbol, HTTP 200 (clients compare the body with 'No data')
STOOQ_ND = "N/D"  # an unknown symbol or empty window (HKUDS/Vibe-Trading's stooq_loader)
# the quota used up: HTTP 200, text/html, the message alone (apis.io's Stooq quota example; clients check the body)
STOOQ_HITS_LIMIT = "Exceeded the daily hits limit"
# Since March 2026 a request without apikey gets an HTML page saying how to get one, HTTP 200
# (pydata/pandas-datareader#1012). Reconstructed from that report: only its gist is known.
STOOQ_APIKEY_PAGE = ("<!DOCTYPE html><html><head><title>stooq</title></head><body><p>To download data, get your "
                     "apikey: <a href=\"/q/d/?s=spy.us&get_apikey\">get apikey</a></p></body></html>")
# Since July 2026 non-browser clients get a JavaScript proof-of-work page with a POST /__verify handshake,
# HTTP 200, text/html (Verdenroz/finance-query#263, HKUDS/Vibe-Trading#1315). Reconstructed from those reports.
STOOQ_CHALLENGE_PAGE = ("<!DOCTYPE html><html><head><title>Checking your browser</title></head><body><script>"
                        "/* SHA-256 proof-of-work */ fetch('/__verify', {method: 'POST'})</script></body></html>")


def stooq_url(ticker: str) -> str:
    return f"{BASES['stooq']}/q/d/l/?s={ticker.lower()}.us&i=d"


def csv(body: str) -> httpx.Response:
    return httpx.Response(200, text=body, headers={"content-type": "text/csv"})


def stooq_text(body: str, content_type: str = "text/html") -> httpx.Response:
    """A refusal as Stooq sends it: HTTP 200 and text in place of CSV."""
    return httpx.Response(200, text=body, headers={"content-type": content_type})
