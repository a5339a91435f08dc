"""Where Refresh fetches from: base URLs, the SEC identity and Stooq's key, from the environment or the workbook.

Every base URL can point at a user's own mempool instance or a proxy. Only ``https``
URLs, or ``http`` to a loopback address (a local instance, a test server), are accepted.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

DEFAULTS = {
    "XLMODEL_MEMPOOL_URL": "https://mempool.space/api",
    "XLMODEL_COINBASE_URL": "https://api.coinbase.com",
    "XLMODEL_COINBASE_EXCHANGE_URL": "https://api.exchange.coinbase.com",
    "XLMODEL_KRAKEN_URL": "https://api.kraken.com",
    "XLMODEL_SEC_DATA_URL": "https://data.sec.gov",
    "XLMODEL_SEC_ARCHIVES_URL": "https://www.sec.gov",
    "XLMODEL_STOOQ_URL": "https://stooq.com",
}
USER_AGENT_KEY = "XLMODEL_SEC_USER_AGENT"
STOOQ_URL_KEY = "XLMODEL_STOOQ_URL"
STOOQ_APIKEY_KEY = "XLMODEL_STOOQ_APIKEY"  # optional: Stooq has asked for one since March 2026
TICKERS_KEY = "XLMODEL_TICKERS"
USER_AGENT_HELP = (
    "SEC sources skipped: the SEC asks every client to declare who it is. Set XLMODEL_SEC_USER_AGENT "
    "(or the same key on the workbook's Settings sheet) to 'Your Name your.address@example.com'; "
    "see https://www.sec.gov/os/accessing-edgar-data"
)


class ConfigError(ValueError):
    """A setting that cannot be used; the message names the key."""


@dataclass(frozen=True)
class Settings:
    mempool: str
    coinbase: str
    coinbase_exchange: str
    kraken: str
    sec_data: str
    sec_archives: str
    sec_user_agent: str | None
    tickers: tuple[str, ...] = ()  # XLMODEL_TICKERS, comma-separated; empty: the caller's default
    stooq: str = DEFAULTS["XLMODEL_STOOQ_URL"]
    stooq_apikey: str | None = None


def check_url(key: str, url: str) -> str:
    """The URL without a trailing slash, if it is https or http to a loopback address."""
    parts = urlsplit(url.strip())
    if parts.scheme == "https" and parts.hostname:
        return url.strip().rstrip("/")
    if parts.scheme == "http" and parts.hostname and _loopback(parts.hostname):
        return url.strip().rstrip("/")
    raise ConfigError(f"{key} must be an https URL, or http to a loopback address (127.0.0.1, localhost), got {url!r}")


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def load(sheet: Mapping[str, str] | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from the workbook's Settings sheet, overridden by environment variables."""
    environ = os.environ if environ is None else environ
    merged = {**DEFAULTS, **{k: v for k, v in (sheet or {}).items() if v}, **{
        k: environ[k] for k in (*DEFAULTS, USER_AGENT_KEY, TICKERS_KEY, STOOQ_APIKEY_KEY) if environ.get(k)}}
    urls = {k: check_url(k, merged[k]) for k in DEFAULTS}
    agent = (merged.get(USER_AGENT_KEY) or "").strip() or None
    return Settings(
        mempool=urls["XLMODEL_MEMPOOL_URL"],
        coinbase=urls["XLMODEL_COINBASE_URL"],
        coinbase_exchange=urls["XLMODEL_COINBASE_EXCHANGE_URL"],
        kraken=urls["XLMODEL_KRAKEN_URL"],
        sec_data=urls["XLMODEL_SEC_DATA_URL"],
        sec_archives=urls["XLMODEL_SEC_ARCHIVES_URL"],
        sec_user_agent=agent,
        tickers=tuple(t.strip().upper() for t in str(merged.get(TICKERS_KEY) or "").split(",") if t.strip()),
        stooq=urls["XLMODEL_STOOQ_URL"],
        stooq_apikey=(merged.get(STOOQ_APIKEY_KEY) or "").strip() or None,
    )
