"""The tables Refresh writes, with the provenance of every block of rows.

Each data sheet has a fixed layout so that the template's formulas can point at fixed
cells: a *latest* block (key, value, unit, as of, source) from row 2, and series tables
to the right. The Sources sheet lists where each block came from and in what state.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

NETWORK, PRICES, COMPANY, SOURCES, SETTINGS = "Data_Network", "Data_Prices", "Data_Company", "Sources", "Settings"
OWNED_SHEETS = (NETWORK, PRICES, COMPANY, SOURCES)

# fixed keys of each sheet's latest block, in row order from row 2 (the template reads these cells)
LATEST_KEYS = {
    NETWORK: [
        ("tip_height", "blocks"),
        ("difficulty", "difficulty"),
        ("hashrate_ehs", "EH/s"),
        ("hashrate_from_difficulty_ehs", "EH/s"),
        ("avg_fees_btc_per_block", "BTC per block"),
        ("block_subsidy_btc", "BTC per block"),
    ],
    PRICES: [("btc_usd_spot", "USD"), ("btc_usd_last_close", "USD")],
}
LATEST_HEADER = ["key", "value", "unit", "as of (UTC)", "source"]
SERIES_COLUMN = 6  # series tables start in column G (0-based 6)
SOURCES_HEADER = ["table", "block", "source", "url", "retrieved (UTC)", "status", "rows", "detail",
                  "accession", "form", "filed", "concept"]
COMPANY_HEADER = ["ticker", "fiscal_year", "fiscal_period", "calendar_quarter", "period_start", "period_end",
                  "key", "value", "unit", "concept", "member", "accession", "form", "filed", "url"]


def now_utc() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass
class Provenance:
    """Where one block of a table came from, and whether it is current."""

    table: str
    block: str
    source: str
    url: str
    retrieved: str
    status: str = "ok"  # ok | stale | skipped | offline
    rows: int = 0
    detail: str = ""
    accession: str = ""
    form: str = ""
    filed: str = ""
    concept: str = ""

    def row(self) -> list[Any]:
        return [self.table, self.block, self.source, self.url, self.retrieved, self.status, self.rows, self.detail,
                self.accession, self.form, self.filed, self.concept]


@dataclass
class Block:
    """A block of rows for one sheet: the latest values or one series, with its provenance."""

    sheet: str
    name: str
    header: list[str]
    rows: list[list[Any]]
    provenance: list[Provenance] = field(default_factory=list)
