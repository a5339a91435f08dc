"""BTC price: Coinbase spot and daily candles, Kraken daily bars as the fallback.

Field mapping (provider -> xlmodel):
- Coinbase ``v2/prices/BTC-USD/spot``: ``data.amount`` (a JSON string) -> ``btc_usd_spot`` [USD].
- Coinbase Exchange ``products/BTC-USD/candles?granularity=86400``: arrays
  ``[time, low, high, open, close, volume]``, newest first, at most 300 -> daily rows, oldest first.
- Kraken ``0/public/OHLC?pair=XBTUSD&interval=1440``: ``result.XXBTZUSD`` arrays
  ``[time, open, high, low, close, vwap, volume, count]`` with prices as strings, the last bar
  still open (dropped); errors come as HTTP 200 with a non-empty ``error`` list.
"""

from __future__ import annotations

from typing import Any

from xlmodel.data.http import Fetcher, SourceError
from xlmodel.data.records import Observation, Provenance, Records, Series, Status, Table
from xlmodel.data.validate import need, number, plausible, unix_date

SPOT_PATH = "v2/prices/BTC-USD/spot"
CANDLES_PATH = "products/BTC-USD/candles"
KRAKEN_PATH = "0/public/OHLC"
CANDLE_HEADER = ["date", "open", "high", "low", "close", "volume_btc"]
PRICE_RANGE = (100.0, 10_000_000.0)


def parse_spot(payload: Any, where: str) -> float:
    data = need(payload, "data", where)
    if need(data, "base", where) != "BTC" or need(data, "currency", where) != "USD":
        raise SourceError(f"{where}: expected BTC-USD, got {data.get('base')}-{data.get('currency')}")
    return plausible(number(need(data, "amount", where), "amount", where), *PRICE_RANGE, "BTC price", where)


def parse_coinbase_candles(payload: Any, where: str) -> list[list[Any]]:
    if not isinstance(payload, list) or not payload:
        raise SourceError(f"{where}: expected a non-empty list of candles")
    rows = []
    for candle in payload:
        if not isinstance(candle, list) or len(candle) < 6:
            raise SourceError(f"{where}: a candle is not [time, low, high, open, close, volume]")
        time, low, high, open_, close, volume = (number(v, "candle", where) for v in candle[:6])
        rows.append([unix_date(time, "time", where), open_, high, low,
                     plausible(close, *PRICE_RANGE, "close", where), volume])
    return sorted(rows)  # the provider sends newest first


def parse_kraken(payload: Any, where: str) -> list[list[Any]]:
    errors = need(payload, "error", where)
    if errors:
        raise SourceError(f"{where}: Kraken error {errors}")
    bars = need(need(payload, "result", where), "XXBTZUSD", where)
    if not isinstance(bars, list) or len(bars) < 2:
        raise SourceError(f"{where}: expected daily bars under XXBTZUSD")
    rows = []
    for bar in bars[:-1]:  # the last bar is still open
        time, open_, high, low, close, _vwap, volume = (number(v, "bar", where) for v in bar[:7])
        rows.append([unix_date(time, "time", where), open_, high, low,
                     plausible(close, *PRICE_RANGE, "close", where), volume])
    return sorted(rows)


def fetch(coinbase: Fetcher, exchange: Fetcher, kraken: Fetcher, retrieved: str) -> Records:
    """Spot from Coinbase; daily history from Coinbase Exchange, else Kraken."""
    spot = parse_spot(coinbase.json(SPOT_PATH), f"coinbase {SPOT_PATH}")
    detail = ""
    try:
        params = {"granularity": 86400}
        history = parse_coinbase_candles(exchange.json(CANDLES_PATH, params), f"coinbase-exchange {CANDLES_PATH}")
        history_source, history_url = "coinbase-exchange", exchange.url(CANDLES_PATH) + "?granularity=86400"
    except SourceError as exc:
        params = {"pair": "XBTUSD", "interval": 1440}
        history = parse_kraken(kraken.json(KRAKEN_PATH, params), f"kraken {KRAKEN_PATH}")
        history_source, history_url = "kraken", kraken.url(KRAKEN_PATH) + "?pair=XBTUSD&interval=1440"
        detail = f"Coinbase candles failed, Kraken used: {exc}"
    return records(spot, coinbase.url(SPOT_PATH), history, history_source, history_url, retrieved, detail=detail)


def records(spot: float, spot_url: str, history: list[list[Any]], history_source: str, history_url: str,
            retrieved: str, status: Status = Status.OK, detail: str = "", spot_source: str = "coinbase") -> Records:
    """The price records: spot and last close, and the daily series (also used for the offline snapshot)."""
    last_close = history[-1][4] if history else None
    observations = [Observation("btc_usd_spot", spot, retrieved, spot_url),
                    Observation("btc_usd_last_close", last_close, history[-1][0] if history else retrieved,
                                history_url)]
    return Records(
        Table.PRICES, observations, [Series("daily", tuple(CANDLE_HEADER), history)],
        provenance=[Provenance(Table.PRICES, "latest", spot_source, spot_url, retrieved, status, 2, detail),
                    Provenance(Table.PRICES, "daily", history_source, history_url, retrieved, status, len(history),
                               detail)],
    )
