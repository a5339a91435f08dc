"""The template's Settings sheet and its Data_* and Sources sheets, filled from the embedded snapshot.

The data sheets are laid out exactly as Refresh writes them (``xlmodel.data.grids``),
so the Inputs formulas that read them keep working after every refresh.
"""

from __future__ import annotations

from typing import Any

from xlsxwriter.workbook import Workbook

from xlmodel.data import config, embedded
from xlmodel.data.collect import DEFAULT_TICKERS, snapshot_outcomes
from xlmodel.data.grids import OWNED_SHEETS, SETTINGS, owned_sheets
from xlmodel.template.layout import Styles

SETTINGS_NOTES = {
    "XLMODEL_MEMPOOL_URL": "mempool.space API, or your own instance",
    "XLMODEL_COINBASE_URL": "Coinbase spot prices",
    "XLMODEL_COINBASE_EXCHANGE_URL": "Coinbase Exchange daily candles",
    "XLMODEL_KRAKEN_URL": "Kraken, the fallback for daily prices",
    "XLMODEL_SEC_DATA_URL": "data.sec.gov (submissions, companyfacts)",
    "XLMODEL_SEC_ARCHIVES_URL": "www.sec.gov (filing archives)",
    "XLMODEL_STOOQ_URL": "Stooq's CSV download: daily closes of the covered shares",
    config.USER_AGENT_KEY: "Required for SEC: 'Your Name your.address@example.com'",
    config.STOOQ_APIKEY_KEY: "Stooq API key, if Stooq asks for one (saved with the workbook: prefer the environment)",
    config.TICKERS_KEY: "Tickers whose SEC figures and share prices Refresh pulls, comma-separated",
}
DEFAULT_VALUES = {**config.DEFAULTS, config.TICKERS_KEY: "CORZ"}


def write_settings(ws, styles: Styles) -> None:
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 48)
    ws.set_column(2, 2, 60)
    ws.write_row(0, 0, ["key", "value", "what it is"], styles.header)
    for r, (key, note) in enumerate(SETTINGS_NOTES.items(), start=1):
        ws.write_string(r, 0, key, styles.label)
        ws.write_string(r, 1, DEFAULT_VALUES.get(key, ""), styles.get("input", "text"))
        ws.write_string(r, 2, note + " (environment variables of the same name win)", styles.note)


def write_data_sheets(wb: Workbook, styles: Styles) -> None:
    """Data_Network, Data_Prices, Data_Company (every embedded ticker), Data_Equities (every covered ticker) and
    Sources as an offline refresh writes them."""
    outcomes = (snapshot_outcomes(("network", "prices", "sec"), embedded.tickers())
                + snapshot_outcomes(("equities",), DEFAULT_TICKERS))
    grids = owned_sheets(outcomes, lambda sheet: [])
    for name in OWNED_SHEETS:
        ws = wb.add_worksheet(name)
        ws.set_column(0, 0, 22)
        ws.set_column(1, 30, 14)
        for r, row in enumerate(grids[name]):
            for c, value in enumerate(row):
                _write(ws, r, c, value, styles.header if r == 0 else None)


def _write(ws, r: int, c: int, value: Any, fmt) -> None:
    if value is None or value == "":
        return
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        ws.write_number(r, c, value, fmt)
    else:
        ws.write_string(r, c, str(value), fmt)


SHEET_NAMES = (SETTINGS, *OWNED_SHEETS)
