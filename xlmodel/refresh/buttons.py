"""What the workbook's Refresh button does, shared by every runtime's entry point.

The entry points stay thin: classic xlwings runs ``main()`` of the module named like
the workbook (``workbooks/miner_model.py``), xlwings Lite and Server run an
``@xw.script`` that receives the book. Both call :func:`refresh_book`, which runs the
same refresh as ``xlmodel refresh`` against the open workbook: every source is fetched
and validated first, then the owned sheets (``Data_*``, ``Sources``) are written through
xlwings; no other sheet is touched. What happened is in the Sources sheet.
"""

from __future__ import annotations

from typing import Any

from xlmodel.data.grids import OWNED_SHEETS, SETTINGS

# What the Refresh script reads and writes: an Office.js runtime (Lite, Server) need send no other
# sheet's values with the request (``@xw.script(include=SCRIPT_SHEETS)``).
SCRIPT_SHEETS = [SETTINGS, *OWNED_SHEETS]


class BookStore:
    """The owned sheets of a workbook open in Excel, read and written through xlwings."""

    def __init__(self, book: Any) -> None:
        self.book = book

    def _names(self) -> list[str]:
        return [s.name for s in self.book.sheets]

    def read(self, sheet: str) -> list[list[Any]]:
        if sheet not in self._names():
            return []
        values = self.book.sheets[sheet].used_range.value
        if values is None:
            return []
        if not isinstance(values, list):
            return [[values]]
        return [row if isinstance(row, list) else [row] for row in values] if isinstance(values[0], list) \
            else [values]

    def write(self, sheets: dict[str, list[list[Any]]]) -> None:
        for name, grid in sheets.items():
            if name not in self._names():
                self.book.sheets.add(name, after=self.book.sheets[len(self.book.sheets) - 1])
            sheet = self.book.sheets[name]
            sheet.clear_contents()
            width = max((len(r) for r in grid), default=0)
            if width:
                sheet["A1"].value = [list(r) + [None] * (width - len(r)) for r in grid]


def refresh_book(book: Any, **options: Any) -> str:
    """Refresh the open workbook; returns a one-line summary (details in the Sources sheet).

    In xlwings Lite (Pyodide) the browser fetches network and price data one provider
    after another, and the summary says why SEC data and share prices are left as they were.
    """
    from xlmodel.data import browser
    from xlmodel.refresh.store import refresh_store

    notes = []
    if browser.in_browser():
        options = {**options, "only": browser.BROWSER_SOURCES, "sequential": True, "cache_dir": None,
                   "transport": options.get("transport") or browser.BrowserTransport()}
        notes.append(browser.NOT_IN_BROWSER)
    else:
        from xlmodel.data.collect import default_cache_dir

        options.setdefault("cache_dir", default_cache_dir())
    try:
        report = refresh_store(BookStore(book), **options)
    except Exception as exc:  # a button must answer in one line, in every runtime, never with a traceback
        return f"Refresh stopped, nothing written: {type(exc).__name__}: {exc}"
    failed = [f"{o.name}: {o.error}" for o in report.failures]
    return "Refresh: " + "; ".join((["all sources updated"] if not failed else failed) + notes)
