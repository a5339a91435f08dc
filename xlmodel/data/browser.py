"""Refresh inside a browser: xlwings Lite runs Python in Pyodide (WebAssembly).

There, threads cannot start and httpx has no network of its own; requests go through
the browser, which only lets a page read providers that allow cross-origin requests.
mempool.space, Coinbase and Kraken do; the SEC does not, and Stooq's CSV download is not
known to (people put their own CORS proxies in front of it, and it answers non-browser
clients with a proof-of-work page), so SEC data and share prices need classic xlwings,
xlwings Server or ``xlmodel refresh``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import httpx

BROWSER_SOURCES = ("network", "prices")
NOT_IN_BROWSER = ("SEC data and share prices cannot be fetched from xlwings Lite (the SEC does not allow "
                  "requests from a browser page, Stooq is not known to): use classic xlwings, xlwings Server or "
                  "`xlmodel refresh`")


def in_browser() -> bool:
    """Whether this Python runs in Pyodide (xlwings Lite)."""
    return sys.platform == "emscripten"


class BrowserTransport(httpx.BaseTransport):
    """httpx requests sent by the browser with a synchronous XMLHttpRequest.

    ``make_request`` builds the XMLHttpRequest (``js.XMLHttpRequest.new`` in Pyodide;
    a stand-in in tests).
    """

    def __init__(self, make_request: Callable[[], Any] | None = None) -> None:
        if make_request is None:
            import js  # Pyodide's bridge to the browser

            make_request = js.XMLHttpRequest.new
        self.make_request = make_request

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        xhr = self.make_request()
        xhr.open(request.method, str(request.url), False)  # synchronous: no threads or event loop needed
        for name, value in request.headers.items():
            if name.lower() not in ("user-agent", "host", "accept-encoding", "connection", "content-length"):
                xhr.setRequestHeader(name, value)  # the browser refuses to let a page set those
        try:
            xhr.send(request.content or None)
        except Exception as exc:  # the browser's network or CORS refusal, raised through Pyodide
            raise httpx.ConnectError(f"the browser refused the request: {exc}", request=request) from None
        if xhr.status == 0:  # what a CORS refusal or an offline browser looks like from a page
            raise httpx.ConnectError("the browser refused the request (offline, or no cross-origin access)",
                                     request=request)
        return httpx.Response(xhr.status, headers=_headers(xhr.getAllResponseHeaders()),
                              content=str(xhr.responseText).encode("utf-8"), request=request)


def _headers(raw: str) -> list[tuple[str, str]]:
    out = []
    for line in str(raw or "").splitlines():
        name, sep, value = line.partition(":")
        if sep and name.strip().lower() not in ("content-encoding", "content-length"):  # already decoded
            out.append((name.strip(), value.strip()))
    return out
