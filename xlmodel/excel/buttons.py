"""What the workbook's Refresh button does, shared by every runtime's entry point.

The entry points stay thin: classic xlwings runs ``main()`` of the module named like
the workbook (``workbooks/miner_model.py``), xlwings Lite and Server run an
``@xw.script`` that receives the book. Both call :func:`refresh_book`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

STATUS_SHEET = "README"
STATUS_CELL = "C1"


def refresh_book(book: Any) -> str:
    """Recalculate the open workbook and say when, in the README sheet's status cell.

    Network, price and SEC data are not pulled yet (the refresh issue adds them); the
    button already runs the same path on every runtime.
    """
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    status = f"Recalculated {stamp}"
    try:
        book.app.calculate()
    except Exception as exc:  # xlwings Lite has no app-level calculate; Excel recalcs on its own there
        status = f"Recalculation left to Excel ({type(exc).__name__}) at {stamp}"
    if STATUS_SHEET in [s.name for s in book.sheets]:
        book.sheets[STATUS_SHEET][STATUS_CELL].value = status
    return status
