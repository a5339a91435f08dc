"""Companion module of miner_model.xlsx: the Refresh button on every runtime.

Classic xlwings (Windows): keep this file next to the workbook; the ribbon's "Run main"
runs ``main()`` because the module is named like the workbook, so no macro is needed.
xlwings Lite / Server: paste ``refresh`` into main.py (or import it); it shows as a
script the task pane or a sheet button runs.
"""

import xlwings as xw

from xlmodel.refresh.buttons import SCRIPT_SHEETS, refresh_book


def main() -> None:
    """Classic xlwings: Run main."""
    print(refresh_book(xw.Book.caller()))


@xw.script(include=SCRIPT_SHEETS)
def refresh(book: xw.Book) -> None:
    """xlwings Lite and Server: the Refresh script (its line shows in the task pane's output)."""
    print(refresh_book(book))
