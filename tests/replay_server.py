"""A local HTTP server on 127.0.0.1 that replays the recorded provider responses.

Each provider lives under its own path prefix, so one server stands in for all of them;
a recording whose URL has a query (Stooq's symbol) is served for that query only.
Responses carry an ETag and answer ``If-None-Match`` with 304, like the real CDNs do.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import httpx
from recordings import BASES, ENVIRON, recorded

PREFIX = {"mempool": "/mempool/api", "coinbase": "/coinbase", "exchange": "/exchange", "kraken": "/kraken",
          "sec_data": "/sec-data", "sec_archives": "/sec-www", "stooq": "/stooq"}
ENV_KEY = {"mempool": "XLMODEL_MEMPOOL_URL", "coinbase": "XLMODEL_COINBASE_URL",
           "exchange": "XLMODEL_COINBASE_EXCHANGE_URL", "kraken": "XLMODEL_KRAKEN_URL",
           "sec_data": "XLMODEL_SEC_DATA_URL", "sec_archives": "XLMODEL_SEC_ARCHIVES_URL", "stooq": "XLMODEL_STOOQ_URL"}


class ReplayServer:
    """``cache_control`` maps a provider (a key of PREFIX) to the Cache-Control it sends (default no-cache)."""

    def __init__(self, routes: dict[str, httpx.Response] | None = None,
                 cache_control: dict[str, str] | None = None) -> None:
        control = {PREFIX[name]: value for name, value in (cache_control or {}).items()}
        by_path = {}
        for url, response in (routes or recorded()).items():
            for name, base in BASES.items():
                if url.startswith(base):
                    by_path[PREFIX[name] + url[len(base):]] = response
        self.by_path, self.requests, self.statuses = by_path, [], []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                server.requests.append((self.path, self.headers.get("If-None-Match")))
                response = server.by_path.get(self.path, server.by_path.get(path))  # Stooq's are by query
                if response is None:
                    server.statuses.append(404)
                    self.send_error(404)
                    return
                etag = f'"{hash(response.content) & 0xFFFFFFFF:x}"'
                if self.headers.get("If-None-Match") == etag:
                    server.statuses.append(304)
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                server.statuses.append(response.status_code)
                self.send_response(response.status_code)
                self.send_header("Content-Type", response.headers.get("content-type", "application/json"))
                self.send_header("ETag", etag)
                self.send_header("Cache-Control", next(
                    (v for prefix, v in control.items() if path.startswith(prefix + "/")), "no-cache"))
                self.send_header("Content-Length", str(len(response.content)))
                self.end_headers()
                self.wfile.write(response.content)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def environ(self) -> dict[str, str]:
        env = {ENV_KEY[name]: self.base + prefix for name, prefix in PREFIX.items()}
        env["XLMODEL_SEC_USER_AGENT"] = ENVIRON["XLMODEL_SEC_USER_AGENT"]
        return env

    def __enter__(self) -> ReplayServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
