"""Refresh a workbook: collect every source, then write the owned sheets in one atomic step.

A source that failed leaves its sheet (or, for SEC and share prices, its ticker's rows) as it
was, and the Sources sheet keeps its previous lines marked ``stale`` with the reason; a ticker's
kept close in Data_Equities says ``stale`` in its status cell too. Sheets Refresh
does not own are never rewritten.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import httpx

from xlmodel.data import config
from xlmodel.data.collect import DEFAULT_TICKERS, SOURCES, Outcome, collect
from xlmodel.data.grids import SETTINGS, owned_sheets
from xlmodel.refresh.xlsxfile import open_values, sheet_rows, write_sheets


@dataclass
class Report:
    outcomes: list[Outcome]
    written: list[str]
    refused: list[str] = field(default_factory=list)  # a sheet holding a value no cell can hold: why, one line each

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.error and not o.skipped]

    @property
    def skipped(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.skipped]


class Store(Protocol):
    """Where the owned sheets are read from and written to: a file, or a workbook open in Excel."""

    def read(self, sheet: str) -> list[list[Any]]: ...

    def write(self, sheets: dict[str, list[list[Any]]]) -> dict[str, str] | None:
        """Write ``sheets``; the sheets refused (they keep their previous data), each with its reason."""


@dataclass
class FileStore:
    """A workbook file: read from one parse of its bytes, owned sheets swapped in as XML, the file
    replaced atomically. A refresh holds the file's lock over both, so what it read is what it replaces."""

    path: Path
    _book: Any = field(default=None, init=False, repr=False)

    def read(self, sheet: str) -> list[list[Any]]:
        if self._book is None:  # parsing the workbook costs more than reading any one owned sheet
            self._book = open_values(io.BytesIO(self.path.read_bytes()))
        return sheet_rows(self._book, sheet)

    def write(self, sheets: dict[str, list[list[Any]]]) -> dict[str, str]:
        self._book = None
        return write_sheets(self.path, sheets)


def read_settings(store: Store) -> dict[str, str]:
    """Keys in column A and values in column B of the workbook's Settings sheet."""
    return {str(r[0]).strip(): str(r[1]).strip() for r in store.read(SETTINGS)
            if r and r[0] and len(r) > 1 and r[1] not in (None, "")}


LOCK_WAIT_S = 30.0


class WorkbookBusy(RuntimeError):
    """Another refresh holds the workbook's lock."""


def refresh_workbook(path: Path, *, lock_wait_s: float = LOCK_WAIT_S, **options: Any) -> Report:
    """Refresh the workbook file at ``path`` in place (see :func:`refresh_store`).

    An exclusive lock beside the workbook (``NAME.lock``) is held from reading the
    previous data to the atomic rename, so two refreshes of one file never lose an
    update: the second waits up to ``lock_wait_s`` seconds, then raises :class:`WorkbookBusy`.
    """
    from filelock import FileLock, Timeout

    path = Path(path)
    try:
        with FileLock(path.with_name(path.name + ".lock"), timeout=lock_wait_s):
            return refresh_store(FileStore(path), **options)
    except Timeout:
        raise WorkbookBusy(f"workbook is busy: another refresh holds it ({path}); "
                           f"waited {lock_wait_s:g} s") from None


def refresh_store(store: Store, *, offline: bool = False, tickers: tuple[str, ...] | None = None,
                  only: tuple[str, ...] = SOURCES, transport: httpx.BaseTransport | None = None,
                  cache_dir: Path | None = None, environ: dict[str, str] | None = None,
                  progress: Callable[[str], None] | None = None, **collect_options: Any) -> Report:
    """Collect every source first, then write all owned sheets in one go.

    Without ``tickers``, ``XLMODEL_TICKERS`` (comma-separated) chooses: the environment
    variable, else the Settings sheet's key, else every covered ticker.
    """
    sheet = read_settings(store)
    settings = config.load(sheet, environ)
    if tickers is None:
        tickers = settings.tickers or DEFAULT_TICKERS
    outcomes = collect(settings, tickers=tickers, only=only, offline=offline, transport=transport,
                       cache_dir=cache_dir, progress=progress, **collect_options)
    sheets = owned_sheets(outcomes, store.read)
    refused = store.write(sheets) or {}
    return Report(outcomes, [s for s in sheets if s not in refused], list(refused.values()))
