"""Refresh a workbook: collect every source, then write the owned sheets in one atomic step.

A source that failed leaves its sheet (or, for SEC, its ticker's rows) as it was, and the
Sources sheet keeps its previous lines marked ``stale`` with the reason. Sheets Refresh
does not own are never rewritten.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import httpx

from xlmodel.data import config
from xlmodel.data.refresh import DEFAULT_TICKERS, SOURCES, Outcome, collect
from xlmodel.data.tables import (
    COMPANY,
    COMPANY_HEADER,
    LATEST_HEADER,
    LATEST_KEYS,
    NETWORK,
    PRICES,
    SERIES_COLUMN,
    SETTINGS,
    SOURCES_HEADER,
    Block,
    now_utc,
)
from xlmodel.data.tables import (
    SOURCES as SOURCES_SHEET,
)
from xlmodel.workbook.datasheets import read_sheet, write_sheets

SHEET_OF = {"network": NETWORK, "prices": PRICES}
TICKERS_KEY = "XLMODEL_TICKERS"


@dataclass
class Report:
    outcomes: list[Outcome]
    written: list[str]

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.error and not o.skipped]

    @property
    def skipped(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.skipped]


class Store(Protocol):
    """Where the owned sheets are read from and written to: a file, or a workbook open in Excel."""

    def read(self, sheet: str) -> list[list[Any]]: ...

    def write(self, sheets: dict[str, list[list[Any]]]) -> None: ...


@dataclass
class FileStore:
    """A workbook file: owned sheets swapped in as XML, the file replaced atomically."""

    path: Path

    def read(self, sheet: str) -> list[list[Any]]:
        return read_sheet(self.path, sheet)

    def write(self, sheets: dict[str, list[list[Any]]]) -> None:
        write_sheets(self.path, sheets)


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

    Without ``tickers``, the Settings sheet's ``XLMODEL_TICKERS`` (comma-separated) chooses,
    else every covered ticker.
    """
    sheet = read_settings(store)
    settings = config.load(sheet, environ)
    if tickers is None:
        listed = sheet.get(TICKERS_KEY, "")
        tickers = tuple(t.strip().upper() for t in listed.split(",") if t.strip()) or DEFAULT_TICKERS
    outcomes = collect(settings, tickers=tickers, only=only, offline=offline, transport=transport,
                       cache_dir=cache_dir, progress=progress, **collect_options)
    sheets = owned_sheets(outcomes, store.read)
    store.write(sheets)
    return Report(outcomes, list(sheets))


def owned_sheets(outcomes: list[Outcome], previous: Callable[[str], list[list[Any]]]) -> dict[str, list[list[Any]]]:
    """The grids to write: sheets of sources that worked, the merged company table, Sources."""
    sheets: dict[str, list[list[Any]]] = {}
    for outcome in outcomes:
        if outcome.ok and outcome.name in SHEET_OF:
            sheets[SHEET_OF[outcome.name]] = layout(SHEET_OF[outcome.name], outcome.blocks)
    sec_outcomes = [o for o in outcomes if o.name.startswith("sec:")]
    if any(o.ok for o in sec_outcomes):
        sheets[COMPANY] = company_grid(previous(COMPANY), sec_outcomes)
    sheets[SOURCES_SHEET] = sources_grid(previous(SOURCES_SHEET), outcomes)
    return sheets


def layout(sheet: str, blocks: list[Block]) -> list[list[Any]]:
    """The latest block in A:E from row 2 (fixed keys, fixed rows), series side by side from column G."""
    latest = next(b for b in blocks if b.name == "latest")
    by_key = {row[0]: row for row in latest.rows}
    grid: list[list[Any]] = [list(LATEST_HEADER)]
    for key, unit in LATEST_KEYS[sheet]:
        _, value, _, as_of, source = by_key.get(key, [key, None, unit, "", ""])
        grid.append([key, value, unit, as_of, source])
    col = SERIES_COLUMN
    for block in (b for b in blocks if b.name != "latest"):
        _place(grid, 0, col, [block.name + ": " + block.header[0], *block.header[1:]])
        for i, row in enumerate(block.rows, start=1):
            _place(grid, i, col, row)
        col += len(block.header) + 1
    return grid


def _place(grid: list[list[Any]], r: int, c: int, values: list[Any]) -> None:
    while len(grid) <= r:
        grid.append([])
    row = grid[r]
    row.extend([None] * (c + len(values) - len(row)))
    row[c:c + len(values)] = values


def company_grid(previous: list[list[Any]], outcomes: list[Outcome]) -> list[list[Any]]:
    """Rows of refreshed tickers replaced; rows of tickers that failed or were not asked for kept."""
    fresh = {o.name.split(":", 1)[1] for o in outcomes if o.ok}
    kept = [r for r in previous[1:] if r and r[0] and r[0] not in fresh]
    new = [row for o in outcomes if o.ok for b in o.blocks for row in b.rows]
    return [list(COMPANY_HEADER), *sorted(kept + new, key=lambda r: (str(r[0]), str(r[5]), str(r[6])))]


def sources_grid(previous: list[list[Any]], outcomes: list[Outcome]) -> list[list[Any]]:
    """Provenance lines: fresh for sources that worked, previous ones marked stale for those that did not."""
    old = [list(r) + [None] * (len(SOURCES_HEADER) - len(r)) for r in previous[1:] if r and r[0]]
    lines: list[list[Any]] = []
    touched: set[tuple[str, str]] = set()
    for outcome in outcomes:
        table, block = _target(outcome.name)
        touched.add((table, block))
        if outcome.ok:
            lines += [p.row() for b in outcome.blocks for p in b.provenance]
            continue
        status = "skipped" if outcome.skipped else "stale"
        stale = [r for r in old if r[0] == table and (block == "*" or r[1] == block)]
        for r in stale:
            lines.append(r[:5] + [status, r[6], f"kept previous data: {outcome.error}"] + r[8:])
        if not stale:
            lines.append([table, block, outcome.name.split(":")[0], "", now_utc(), "failed" if not outcome.skipped
                          else "skipped", 0, outcome.error, "", "", "", ""])
    untouched = [r for r in old if (r[0], r[1]) not in touched and (r[0], "*") not in touched]
    return [list(SOURCES_HEADER), *lines, *untouched]


def _target(name: str) -> tuple[str, str]:
    if name.startswith("sec:"):
        return COMPANY, name.split(":", 1)[1]
    return SHEET_OF[name], "*"
