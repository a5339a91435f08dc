"""Evaluating a workbook whose dynamic dependencies the engine cannot plan: cell by cell, never failing the book.

Upstream: formualizer 0.13 plans the dependencies of references made at run time
(OFFSET, INDIRECT, spills whose extent depends on values) and gives up on the whole
workbook after five replans (``#N/IMPL!: dynamic dependency evaluation did not converge
after 5 replans``), though Excel computes it. The book of OFFSET edge cases in
tests/oracle/tamc_offset-is-weird.xlsx did so while its legacy OFFSETs spilled into one
another. When that happens, :func:`evaluate` asks the engine for each formula cell in
turn (``evaluate_cell`` computes what the cell reads first), twice, so a cell whose
inputs settled late gets its value; a cell the engine still cannot compute is returned,
for the caller to show as an error with its reason rather than a stale value.
"""

from __future__ import annotations

from collections.abc import Iterable

import formualizer as fz

from xlmodel.calc.package import split_address

NOT_SETTLED = "did not converge"
REASON = ("#N/IMPL! the engine could not order this cell's dynamic references (OFFSET, INDIRECT or a spill "
          "that depends on values); the rest of the workbook was computed cell by cell")
PASSES = 2


def is_unsettled(exc: BaseException) -> bool:
    """Whether the engine's error is its dynamic-dependency planning giving up."""
    return NOT_SETTLED in str(exc)


def evaluate(wb: fz.Workbook, cells: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """Evaluate ``wb`` as a whole, else cell by cell; returns the cells that could not be computed."""
    try:
        wb.evaluate_all()
        return set()
    except fz.ExcelEvaluationError as exc:
        if not is_unsettled(exc):
            raise
    failed = list(cells)
    for _ in range(PASSES):
        failed = [key for key in failed if not _evaluated(wb, key)]
        if not failed:
            break
    return set(failed)


def _evaluated(wb: fz.Workbook, key: tuple[str, str]) -> bool:
    try:
        wb.evaluate_cell(key[0], *split_address(key[1]))
    except Exception:  # noqa: BLE001 - one cell the engine refuses costs that cell, not the book
        return False
    return True
