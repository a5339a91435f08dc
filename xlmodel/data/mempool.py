"""mempool.space: network hashrate and difficulty, tip height, fees per block.

Field mapping (provider -> xlmodel):
- ``v1/mining/hashrate/{period}``: ``currentHashrate`` [H/s] -> ``hashrate_ehs`` [EH/s];
  ``currentDifficulty`` -> ``difficulty``; ``hashrates[].{timestamp, avgHashrate}`` -> the daily
  hashrate series [EH/s]; ``difficulty[].{time, height, difficulty, adjustment}`` -> adjustments.
  Both currents are 0 when the instance's node is down: that is an error, not a value.
- ``blocks/tip/height``: plain text -> ``tip_height``; the subsidy follows from it.
- ``v1/mining/reward-stats/144``: ``totalFee`` (a JSON string, satoshis) over
  ``endBlock - startBlock + 1`` blocks -> ``avg_fees_btc_per_block`` [BTC].
"""

from __future__ import annotations

from typing import Any

from xlmodel.core import mining
from xlmodel.data.http import Fetcher, SourceError
from xlmodel.data.records import Observation, Provenance, Records, Series, Status, Table
from xlmodel.data.validate import need, number, plausible, unix_date

PROVIDER = "mempool"
INTERVAL_S = 1.0  # no published limit: stay near one request a second
HASHRATE_PATH = "v1/mining/hashrate/1y"
TIP_PATH = "blocks/tip/height"
REWARDS_PATH = "v1/mining/reward-stats/144"
H_PER_EH = 1e18


def parse_hashrate(payload: Any, where: str) -> dict[str, Any]:
    current = number(need(payload, "currentHashrate", where), "currentHashrate", where)
    difficulty = number(need(payload, "currentDifficulty", where), "currentDifficulty", where)
    if current == 0 or difficulty == 0:
        raise SourceError(f"{where}: current hashrate or difficulty is 0 (the instance's node is down)")
    series = []
    for item in need(payload, "hashrates", where):
        date = unix_date(need(item, "timestamp", where), "timestamp", where)
        series.append([date, plausible(number(need(item, "avgHashrate", where), "avgHashrate", where) / H_PER_EH,
                                       1, 1e5, "avgHashrate [EH/s]", where)])
    adjustments = []
    for item in need(payload, "difficulty", where):
        adjustments.append([
            unix_date(need(item, "time", where), "time", where),
            int(number(need(item, "height", where), "height", where)),
            number(need(item, "difficulty", where), "difficulty", where),
            number(need(item, "adjustment", where), "adjustment", where),
        ])
    return {
        "hashrate_ehs": plausible(current / H_PER_EH, 1, 1e5, "currentHashrate [EH/s]", where),
        "difficulty": plausible(difficulty, 1e9, 1e17, "currentDifficulty", where),
        "series": series,
        "adjustments": adjustments,
    }


def parse_tip(text: str, where: str) -> int:
    stripped = text.strip()
    if not stripped.isdigit():
        raise SourceError(f"{where}: tip height is not a whole number: {stripped[:40]!r}")
    return int(plausible(int(stripped), 800_000, 5_000_000, "tip height", where))


def parse_rewards(payload: Any, where: str) -> float:
    start = number(need(payload, "startBlock", where), "startBlock", where)
    end = number(need(payload, "endBlock", where), "endBlock", where)
    fees_sat = number(need(payload, "totalFee", where), "totalFee", where)
    blocks = end - start + 1
    if blocks <= 0:
        raise SourceError(f"{where}: endBlock {end:g} is before startBlock {start:g}")
    return plausible(fees_sat / blocks / mining.SATOSHI_PER_BTC, 0, 50, "fees per block [BTC]", where)


def fetch(fetcher: Fetcher, retrieved: str) -> Records:
    """Latest network values and the hashrate and difficulty series, all validated."""
    stats = parse_hashrate(fetcher.json(HASHRATE_PATH), f"{PROVIDER} {HASHRATE_PATH}")
    tip = parse_tip(fetcher.text(TIP_PATH), f"{PROVIDER} {TIP_PATH}")
    fees = parse_rewards(fetcher.json(REWARDS_PATH), f"{PROVIDER} {REWARDS_PATH}")
    hashrate_url, tip_url, fees_url = (fetcher.url(p) for p in (HASHRATE_PATH, TIP_PATH, REWARDS_PATH))
    latest = {
        "tip_height": (tip, tip_url),
        "difficulty": (stats["difficulty"], hashrate_url),
        "hashrate_ehs": (stats["hashrate_ehs"], hashrate_url),
        "hashrate_from_difficulty_ehs": (float(mining.hashrate_from_difficulty(stats["difficulty"])), hashrate_url),
        "avg_fees_btc_per_block": (fees, fees_url),
        "block_subsidy_btc": (float(mining.block_subsidy(tip)), tip_url),
    }
    return latest_and_series(latest, stats["series"], stats["adjustments"], retrieved, hashrate_url, PROVIDER)


def latest_and_series(latest: dict[str, tuple[float, str]], series: list, adjustments: list, retrieved: str,
                      series_url: str, source: str, status: Status = Status.OK, detail: str = "") -> Records:
    """The network records from latest values and series (also used for the offline snapshot)."""
    observations = [Observation(key, value, retrieved, url) for key, (value, url) in latest.items()]
    prov = lambda block, url, n: Provenance(Table.NETWORK, block, source, url, retrieved, status, n, detail)
    return Records(
        Table.NETWORK, observations,
        [Series("hashrate", ("date", "hashrate_ehs"), series),
         Series("difficulty", ("date", "height", "difficulty", "adjustment"), adjustments)],
        provenance=[prov("latest", ", ".join(dict.fromkeys(url for _, url in latest.values())), len(observations)),
                    prov("hashrate", series_url, len(series)), prov("difficulty", series_url, len(adjustments))],
    )
