"""The Refresh button inside xlwings Lite: Pyodide, where threads cannot start and the browser fetches."""

from __future__ import annotations

from typing import ClassVar

import httpx
import pytest
from recordings import ENVIRON, recorded
from test_workbook import FakeBook

from xlmodel.data import browser
from xlmodel.refresh.buttons import refresh_book


class FakeXHR:
    """What Pyodide's ``js.XMLHttpRequest.new()`` offers, answering from the recordings."""

    sent: ClassVar[list[tuple[str, str, dict]]] = []

    def __init__(self, routes: dict) -> None:
        self.routes, self.headers = routes, {}

    def open(self, method, url, asynchronous):
        assert asynchronous is False
        self.method, self.url = method, url

    def setRequestHeader(self, name, value):
        self.headers[name] = value

    def send(self, body=None):
        FakeXHR.sent.append((self.method, self.url, self.headers))
        route = self.routes.get(self.url.split("?")[0])
        if route is None:  # like a CORS refusal: no status, no body
            self.status, self.responseText, self.raw = 0, "", ""
            return
        response = route(httpx.Request("GET", self.url)) if callable(route) else route
        self.status, self.responseText = response.status_code, response.text
        self.raw = "\r\n".join(f"{k}: {v}" for k, v in response.headers.items())

    def getAllResponseHeaders(self):
        return self.raw


def test_the_browser_transport_maps_status_headers_and_body():
    routes = {"https://p.test/a": httpx.Response(429, json={"x": 1}, headers={"Retry-After": "3"})}
    transport = browser.BrowserTransport(lambda: FakeXHR(routes))
    with httpx.Client(transport=transport, headers={"User-Agent": "x", "Accept": "application/json"}) as client:
        response = client.get("https://p.test/a")
        assert response.status_code == 429 and response.json() == {"x": 1}
        assert response.headers["retry-after"] == "3"
        assert "User-Agent" not in FakeXHR.sent[-1][2] and FakeXHR.sent[-1][2]["accept"] == "application/json"
        with pytest.raises(httpx.ConnectError, match="refused"):
            client.get("https://p.test/not-allowed")


def test_refresh_in_lite_fetches_network_and_prices_in_order_and_says_why_not_sec_or_shares(monkeypatch):
    monkeypatch.setattr(browser, "in_browser", lambda: True)

    def no_threads(*args, **kwargs):
        raise RuntimeError("can't start new thread")  # what Pyodide answers

    monkeypatch.setattr("xlmodel.data.collect.ThreadPoolExecutor", no_threads)
    for key, value in ENVIRON.items():
        monkeypatch.setenv(key, value)
    routes = recorded()
    book = FakeBook(["Inputs", "Settings"])
    book.sheets["Settings"].grid = [["key", "value"]]
    summary = refresh_book(book, transport=browser.BrowserTransport(lambda: FakeXHR(routes)),
                           sleep=lambda s: None)
    assert summary.startswith("Refresh: all sources updated; SEC data and share prices cannot be fetched from "
                              "xlwings Lite")
    names = [s.name for s in book.sheets]
    assert {"Data_Network", "Data_Prices", "Sources"} <= set(names)
    assert "Data_Company" not in names and "Data_Equities" not in names
    assert book.sheets["Data_Prices"].grid[1][:2] == ["btc_usd_spot", 84312.57]
    assert not any("sec" in url or "stooq" in url for _, url, _ in FakeXHR.sent)


def test_a_button_answers_in_one_line_whatever_happens(monkeypatch):
    monkeypatch.setattr("xlmodel.refresh.store.read_settings", lambda store: 1 / 0)
    summary = refresh_book(FakeBook(["Inputs"]))
    assert summary == "Refresh stopped, nothing written: ZeroDivisionError: division by zero"
