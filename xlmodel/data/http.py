"""One HTTP client per provider: rate limit, retries with backoff, an on-disk cache.

- Rate limits are kept per provider (SEC below its 10 requests/s, mempool near 1/s), for
  what goes to the network: a fresh cached response does not wait.
- Timeouts, 429 and 5xx are retried with exponential backoff, honouring ``Retry-After``.
- Responses are cached on disk with hishel in RFC 9111 mode: a fresh entry is served
  from the cache, a stale one is revalidated (``If-None-Match`` / ``If-Modified-Since``)
  instead of downloaded again.
- Every failure becomes a :class:`SourceError` with a one-line reason.
"""

from __future__ import annotations

import email.utils
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

RETRY_STATUS = {429, 500, 502, 503, 504}
MAX_RETRY_AFTER_S = 60.0


class SourceError(RuntimeError):
    """A provider could not be read; the message is the one-line reason shown to the analyst."""


@dataclass
class Counter:
    """What went over the network: full downloads (200) and revalidations (304)."""

    downloads: int = 0
    revalidated: int = 0
    other: int = 0
    urls: list[str] = field(default_factory=list)


class _CountingTransport(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport, counter: Counter) -> None:
        self.inner, self.counter = inner, counter

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        self.counter.urls.append(str(request.url))
        if response.status_code == 304:
            self.counter.revalidated += 1
        elif response.status_code == 200:
            self.counter.downloads += 1
        else:
            self.counter.other += 1
        return response

    def close(self) -> None:
        self.inner.close()


class _RateLimitedTransport(httpx.BaseTransport):
    """Waits for the provider's rate limit before a request goes to the network.

    It sits under the cache, so a fresh cached response is served without waiting;
    a revalidation reaches the network and keeps the limit.
    """

    def __init__(self, inner: httpx.BaseTransport, limiter: RateLimiter) -> None:
        self.inner, self.limiter = inner, limiter

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.limiter.wait()
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


class RateLimiter:
    """At most one request per ``interval_s`` seconds (thread-safe)."""

    def __init__(self, interval_s: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.interval_s, self.clock, self.sleep = interval_s, clock, sleep
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:
            now = self.clock()
            if now < self._next:
                self.sleep(self._next - now)
                now = self._next
            self._next = now + self.interval_s


def retry_after_seconds(value: str | None, default: float) -> float:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date)."""
    if not value:
        return default
    try:
        return min(max(float(value), 0.0), MAX_RETRY_AFTER_S)
    except ValueError:
        try:
            parsed = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):  # neither seconds nor a date ("soon"): the usual backoff
            return default
        if parsed is None:
            return default
        return min(max(parsed.timestamp() - time.time(), 0.0), MAX_RETRY_AFTER_S)


class Fetcher:
    """GETs against one provider's base URL."""

    def __init__(self, provider: str, base_url: str, interval_s: float, *, headers: dict[str, str] | None = None,
                 transport: httpx.BaseTransport | None = None, cache_dir: Path | None = None,
                 retries: int = 3, timeout_s: float = 20.0, backoff_s: float = 1.0,
                 sleep: Callable[[float], None] | None = None, clock: Callable[[], float] = time.monotonic,
                 limiter: RateLimiter | None = None) -> None:
        sleep = sleep or time.sleep
        self.provider, self.base_url = provider, base_url
        self.counter = Counter()
        self.limiter = limiter or RateLimiter(interval_s, clock, sleep)  # shared when two hosts share a limit
        inner: httpx.BaseTransport = _RateLimitedTransport(
            _CountingTransport(transport or httpx.HTTPTransport(), self.counter), self.limiter)
        if cache_dir is not None:
            from hishel import SqliteStorage
            from hishel.httpx import CacheTransport

            cache_dir.mkdir(parents=True, exist_ok=True)
            inner = CacheTransport(inner, storage=SqliteStorage(database_path=cache_dir / f"{provider}.sqlite"),
                                   rfc=True)
        self.client = httpx.Client(transport=inner, headers=headers or {}, timeout=timeout_s)
        self.retries, self.backoff_s, self.sleep = retries, backoff_s, sleep

    def url(self, path: str) -> str:
        return f"{self.base_url}/{path.lstrip('/')}"

    def get(self, path: str, params: dict[str, Any] | None = None) -> httpx.Response:
        url = self.url(path)
        for attempt in range(self.retries + 1):
            try:
                response = self.client.get(url, params=params)
            except httpx.TimeoutException:
                if attempt == self.retries:
                    raise SourceError(f"{self.provider}: timed out after {attempt + 1} tries ({url})") from None
                self.sleep(self.backoff_s * 2**attempt)
                continue
            except httpx.HTTPError as exc:
                raise SourceError(f"{self.provider}: {type(exc).__name__}: {exc} ({url})") from None
            if response.status_code in RETRY_STATUS and attempt < self.retries:
                self.sleep(retry_after_seconds(response.headers.get("Retry-After"), self.backoff_s * 2**attempt))
                continue
            if response.status_code != 200:
                raise SourceError(f"{self.provider}: HTTP {response.status_code}{_hint(self.provider, response)} "
                                  f"({url})")
            return response
        raise AssertionError("unreachable")

    def json(self, path: str, params: dict[str, Any] | None = None) -> Any:
        response = self.get(path, params)
        if "html" in response.headers.get("content-type", "") or response.text.lstrip().startswith("<"):
            raise SourceError(f"{self.provider}: got an HTML page instead of JSON ({self.url(path)})")
        try:
            return response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise SourceError(f"{self.provider}: malformed JSON ({self.url(path)})") from None

    def text(self, path: str) -> str:
        return self.get(path).text

    def close(self) -> None:
        self.client.close()


def _hint(provider: str, response: httpx.Response) -> str:
    if provider == "sec" and response.status_code == 403:
        return " (SEC refused: check XLMODEL_SEC_USER_AGENT and stay under 10 requests/s)"
    if response.status_code == 429:
        return " (rate limited, retries used up)"
    return ""
