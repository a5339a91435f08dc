"""The Refresh script, run on the server: every source, SEC included, as ``xlmodel refresh`` does.

Only the Settings sheet and the owned data sheets travel with the request, and only the
owned sheets are written back. The one-line outcome shows as an alert in Excel (a print
would only reach the server's log); the details are in the Sources sheet.

The script is synchronous on purpose: xlwings queues ``app.alert`` on the process's most
recently opened book, so a refresh awaited in a thread could hand its alert to another
request's book. A refresh therefore occupies its worker while it runs (seconds when the
HTTP cache is warm); run several workers (see README.md).
"""

import xlwings as xw

from xlmodel.refresh.buttons import SCRIPT_SHEETS, refresh_book


@xw.script(include=SCRIPT_SHEETS)
def refresh(book: xw.Book) -> None:
    book.app.alert(refresh_book(book), title="xlmodel refresh")
