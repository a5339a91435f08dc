"""The data sheets' layout: records in, grids out (the one place that knows where data sits).

Each data sheet has a fixed layout so that the template's formulas can point at fixed
cells: a *latest* block (key, value, unit, as of, source) from row 2, and series tables
side by side from column G. Data_Equities has one latest row per covered ticker (ticker,
close, date, source, status) in the fixed order of ``sec.CIKS`` and the daily closes from
column G. Data_Company holds one row per company fact and Sources one row per provenance
line; both headers are the records' own field names. The template
(``xlmodel.template.datasheets``) and the refresh writer (``xlmodel.refresh``) both write
these grids, so a refreshed workbook has the template's layout.
"""

from __future__ import annotations

from dataclasses import astuple, fields
from typing import Any

from xlmodel.data.collect import Outcome
from xlmodel.data.equities import DAILY_COLUMNS
from xlmodel.data.records import CompanyFact, Provenance, Records, Status, Table, fact_lookup, now_utc
from xlmodel.data.sec import CIKS

NETWORK, PRICES, COMPANY, EQUITIES = (Table.NETWORK.value, Table.PRICES.value, Table.COMPANY.value,
                                      Table.EQUITIES.value)
SOURCES, SETTINGS = "Sources", "Settings"
OWNED_SHEETS = (NETWORK, PRICES, COMPANY, EQUITIES, SOURCES)
SHEET_OF = {"network": NETWORK, "prices": PRICES}
TABLE_OF = {"sec": COMPANY, "equities": EQUITIES}  # the sources with one outcome per ticker

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
HEADER_LABELS = {"retrieved": "retrieved (UTC)"}  # a field name shown with its unit
COMPANY_HEADER = [f.name for f in fields(CompanyFact)]
# Data_Equities: INDEX(Data_Equities!B:B, MATCH("CORZ", Data_Equities!A:A, 0)) is CORZ's latest close, column C its date
EQUITIES_HEADER = ["ticker", "close_usd", "date", "source", "status"]
EQUITIES_DAILY_HEADER = [f"daily: {DAILY_COLUMNS[0]}", *DAILY_COLUMNS[1:]]
SOURCES_HEADER = [HEADER_LABELS.get(f.name, f.name) for f in fields(Provenance)]


def latest_grid(records: Records) -> list[list[Any]]:
    """The latest block in A:E from row 2 (fixed keys, fixed rows), series side by side from column G."""
    sheet = records.table.value
    by_key = {o.key: o for o in records.observations}
    grid: list[list[Any]] = [list(LATEST_HEADER)]
    for key, unit in LATEST_KEYS[sheet]:
        seen = by_key.get(key)
        grid.append([key, seen.value, unit, seen.as_of, seen.source] if seen else [key, None, unit, "", ""])
    col = SERIES_COLUMN
    for series in records.series:
        _place(grid, 0, col, [f"{series.name}: {series.columns[0]}", *series.columns[1:]])
        for i, point in enumerate(series.points, start=1):
            _place(grid, i, col, list(point))
        col += len(series.columns) + 1
    return grid


def _place(grid: list[list[Any]], r: int, c: int, values: list[Any]) -> None:
    while len(grid) <= r:
        grid.append([])
    row = grid[r]
    row.extend([None] * (c + len(values) - len(row)))
    row[c:c + len(values)] = values


def company_grid(previous: list[list[Any]], outcomes: list[Outcome]) -> list[list[Any]]:
    """Facts of refreshed tickers replaced; rows of tickers that failed or were not asked for kept.

    A capital-structure line (``capital.*``) the filings do not tag is kept as it was, with its own
    source, rather than lost: the Valuation sheet reads one line per ticker and key.
    """
    ticker, end, key = (COMPANY_HEADER.index(n) for n in ("ticker", "period_end", "key"))
    new = [list(astuple(f)) for o in outcomes if o.ok and o.records for f in o.records.facts]
    fresh = {o.name.split(":", 1)[1] for o in outcomes if o.ok}
    tagged = {(r[ticker], r[key]) for r in new}
    kept = [_with_lookup(r) for r in previous[1:] if r and r[0] and (r[0] not in fresh or (
        str(r[key]).startswith("capital.") and (r[ticker], r[key]) not in tagged))]
    return [list(COMPANY_HEADER), *sorted(kept + new, key=lambda r: (str(r[ticker]), str(r[end]), str(r[key])))]


def _with_lookup(row: list[Any]) -> list[Any]:
    """A kept row with its lookup column (a workbook written before the column existed has none)."""
    ticker, quarter, key = (COMPANY_HEADER.index(n) for n in ("ticker", "calendar_quarter", "key"))
    row = (list(row) + [None] * len(COMPANY_HEADER))[:len(COMPANY_HEADER)]
    row[-1] = fact_lookup(row[ticker], row[quarter], row[key])
    return row


def equities_grid(previous: list[list[Any]], outcomes: list[Outcome]) -> list[list[Any]]:
    """Closes of refreshed tickers replaced; those of tickers that failed kept, marked stale; the rest kept."""
    width, end = len(EQUITIES_HEADER), SERIES_COLUMN + len(DAILY_COLUMNS)
    old_latest = {r[0]: (list(r[:width]) + [None] * width)[:width] for r in previous[1:] if r and r[0]}
    old_daily = [list(r[SERIES_COLUMN:end]) for r in previous[1:] if len(r) > SERIES_COLUMN and r[SERIES_COLUMN]]
    by_ticker = {o.name.split(":", 1)[1]: o for o in outcomes}
    latest, daily = [], []
    for ticker in [*CIKS, *(t for t in old_latest if t not in CIKS)]:
        outcome = by_ticker.get(ticker)
        if outcome and outcome.ok and outcome.records:
            latest.append(_equity_row(ticker, outcome.records))
            daily += [list(p) for s in outcome.records.series for p in s.points]
            continue
        row = old_latest.get(ticker) or [ticker, None, "", "", "not refreshed"]
        if outcome:  # failed or skipped: the previous close stays, the status says why it is not new
            state = "skipped" if outcome.skipped else ("stale" if row[1] not in (None, "") else "failed")
            row = row[:4] + [f"{state}: {outcome.error}"]
        latest.append(row)
        daily += [r for r in old_daily if r[0] == ticker]
    grid: list[list[Any]] = [list(EQUITIES_HEADER), *latest]
    _place(grid, 0, SERIES_COLUMN, list(EQUITIES_DAILY_HEADER))
    for i, point in enumerate(daily, start=1):
        _place(grid, i, SERIES_COLUMN, point)
    return grid


def _equity_row(ticker: str, records: Records) -> list[Any]:
    prov = records.provenance[0]
    if not records.observations:  # offline, nothing embedded for this ticker: said, never a made-up close
        return [ticker, None, "", "", f"{prov.status.value}: {prov.detail}"]
    close = records.observations[0]
    return [ticker, close.value, close.as_of, close.source, prov.status.value]


def sources_grid(previous: list[list[Any]], outcomes: list[Outcome]) -> list[list[Any]]:
    """Provenance lines: fresh for sources that worked, previous ones marked stale for those that did not."""
    width = len(SOURCES_HEADER)
    old = [list(r) + [None] * (width - len(r)) for r in previous[1:] if r and r[0]]
    status, rows, detail = (SOURCES_HEADER.index(n) for n in ("status", "rows", "detail"))
    lines: list[list[Any]] = []
    touched: set[tuple[str, str]] = set()
    for outcome in outcomes:
        table, block = _target(outcome.name)
        touched.add((table, block))
        if outcome.ok:
            lines += [_provenance_row(p) for p in outcome.records.provenance] if outcome.records else []
            continue
        state = Status.SKIPPED if outcome.skipped else Status.STALE
        stale = [r for r in old if r[0] == table and (block == "*" or r[1] == block)]
        for r in stale:
            lines.append(r[:status] + [state.value, r[rows], f"kept previous data: {outcome.error}"] + r[detail + 1:])
        if not stale:
            missing = Provenance(table, block, outcome.name.split(":")[0], "", now_utc(),
                                 Status.SKIPPED if outcome.skipped else Status.FAILED, 0, outcome.error or "")
            lines.append(_provenance_row(missing))
    untouched = [r for r in old if (r[0], r[1]) not in touched and (r[0], "*") not in touched]
    return [list(SOURCES_HEADER), *lines, *untouched]


def _provenance_row(p: Provenance) -> list[Any]:
    return [v.value if isinstance(v, Status) else v for v in astuple(p)]


def _target(name: str) -> tuple[str, str]:
    source, _, ticker = name.partition(":")
    if ticker:
        return TABLE_OF[source], ticker
    return SHEET_OF[name], "*"


def owned_sheets(outcomes: list[Outcome], previous) -> dict[str, list[list[Any]]]:
    """The grids to write: sheets of sources that worked, the merged company and equities tables, Sources.

    Data_Company is rewritten when a ticker's SEC data came in; Data_Equities whenever share prices
    were asked for, so that a failed ticker's kept close is marked stale next to it.
    """
    sheets: dict[str, list[list[Any]]] = {}
    for outcome in outcomes:
        if outcome.ok and outcome.name in SHEET_OF and outcome.records:
            sheets[SHEET_OF[outcome.name]] = latest_grid(outcome.records)
    sec_outcomes = [o for o in outcomes if o.name.startswith("sec:")]
    if any(o.ok for o in sec_outcomes):
        sheets[COMPANY] = company_grid(previous(COMPANY), sec_outcomes)
    equity_outcomes = [o for o in outcomes if o.name.startswith("equities:")]
    if equity_outcomes:
        sheets[EQUITIES] = equities_grid(previous(EQUITIES), equity_outcomes)
    sheets[SOURCES] = sources_grid(previous(SOURCES), outcomes)
    return sheets
