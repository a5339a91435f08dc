"""SUMIF, SUMIFS, AVERAGEIF, AVERAGEIFS, COUNTIF and COUNTIFS as Excel computes them, in Python.

Only the calls :mod:`xlmodel.calc.checked_routes` finds the engine can get wrong reach
these (registered as ``XLMODEL_SUMIFS``, ...); the rest stay on the engine. Where
formualizer 0.13 differs from Excel
(tests/oracle/ironcalc_xlsx_tests_calc_tests_MATH_AND_TRIGONOMETRY_SUMIFS.xlsx and
..._STATISTICAL_COUNTIFS.xlsx hold Excel's answers):

- an error in the sum or average range on a matching row is the answer (the first in
  row order); the engine skips it (``=SUMIF(B2:B3,"x",A2:A3)`` over A = 1, #N/A gives 1);
- an error value as criterion matches the cells holding that error; the engine counts none;
- ``"<>23"`` excludes the number 23 only, not the text "23" (Excel counts it, the engine not),
  though ``23`` and ``"=23"`` match both;
- ``"<"``, ``"<="``, ``">"`` and ``">="`` with nothing after them match nothing (the engine
  compares with empty text);
- a whole column (``$A:$A``) or row counts all its 1,048,576 (16,384) cells; the engine
  cuts it where the column's data ends, so ``COUNTIFS($A:$A,"<>x")`` misses the blanks below.

The rest follows Microsoft's COUNTIFS page: a criterion that refers to an empty cell is
0; ``""`` matches blank cells and empty text; ``"="`` blank cells only, ``"<>"`` every
cell that is not blank (empty text included).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from xlmodel.calc import criteria as crit
from xlmodel.calc.engine_values import error_value, is_error

NAMES = ("SUMIF", "SUMIFS", "AVERAGEIF", "AVERAGEIFS", "COUNTIF", "COUNTIFS")
PYTHON = {name: f"XLMODEL_{name}" for name in NAMES}


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class Condition:
    """One criterion of COUNTIFS and its kin, with the rules that differ from the database functions'."""

    def __init__(self, criterion: Any):
        self.value = criterion
        self.empty_text = criterion == ""
        parsed = crit.parse(0.0 if criterion is None else criterion)
        self.criterion = parsed
        # 23 and "=23" match the text "23" too (COUNTIFS oracle, Rows2!C2 and D2: 2); "<>23" keeps it
        self.number_text = crit.as_text(parsed.operand).casefold() if (
            parsed.op == "=" and _is_number(parsed.operand)) else None

    def matches(self, value: Any) -> bool:
        if self.empty_text:
            return value is None or value == ""
        if self.number_text is not None and isinstance(value, str):
            return value.casefold() == self.number_text
        return self.criterion.matches(value)


def _grid(value: Any) -> list[list[Any]]:
    return value if isinstance(value, list) else [[value]]


class Area:
    """A range argument as the engine handed it, with the shape it has in Excel.

    The engine cuts a whole column or row where its data ends; the cells beyond are blank.
    """

    def __init__(self, value: Any, rows: float = 0, cols: float = 0):
        self.grid = _grid(value)
        self.rows = int(rows) or len(self.grid)
        self.cols = int(cols) or max((len(r) for r in self.grid), default=0)

    @property
    def shape(self) -> tuple[int, int]:
        return self.rows, self.cols

    def at(self, r: int, c: int) -> Any:
        row = self.grid[r] if r < len(self.grid) else ()
        return row[c] if c < len(row) else None

    def given(self) -> tuple[int, int]:
        """The extent handed over: every cell outside it is blank."""
        return min(len(self.grid), self.rows), min(max((len(r) for r in self.grid), default=0), self.cols)


def _matching(areas: list[Area], conditions: list[Condition]) -> tuple[list[tuple[int, int]], int]:
    """The cells (row, column) where every condition holds, and how many more match blank beyond the data."""
    rows = max(a.given()[0] for a in areas)
    cols = max(a.given()[1] for a in areas)
    hits = [(r, c) for r in range(rows) for c in range(cols)
            if all(cond.matches(area.at(r, c)) for area, cond in zip(areas, conditions))]
    total = areas[0].rows * areas[0].cols
    beyond = total - rows * cols if all(cond.matches(None) for cond in conditions) else 0
    return hits, beyond


def _per_criterion(fn: Callable[[list[Condition]], Any], criteria: list[Any]) -> Any:
    """``fn`` over the conditions; an array criterion gives an array of results (as Excel spills them)."""
    arrays = [c for c in criteria if isinstance(c, list)]
    if not arrays:
        return fn([Condition(c) for c in criteria])
    shape = _grid(arrays[0])
    out = []
    for i, row in enumerate(shape):
        out.append([fn([Condition(_element(c, i, j)) for c in criteria]) for j in range(len(row))])
    return out


def _element(value: Any, i: int, j: int) -> Any:
    if not isinstance(value, list):
        return value
    row = value[min(i, len(value) - 1)]
    return row[min(j, len(row) - 1)]


def _aggregate(total: Area | None, areas: list[Area], criteria: list[Any], average: bool) -> Any:
    if any(a.shape != areas[0].shape for a in areas) or (total and total.shape != areas[0].shape):
        return error_value("Value")

    def run(conditions: list[Condition]) -> Any:
        hits, beyond = _matching(areas, conditions)
        if total is None:
            return float(len(hits) + beyond)
        numbers = []
        for r, c in hits:
            value = total.at(r, c)
            if is_error(value):
                return value
            if _is_number(value):
                numbers.append(float(value))
        if average:
            return sum(numbers) / len(numbers) if numbers else error_value("Div")
        return float(sum(numbers))

    return _per_criterion(run, criteria)


def _shapes(args: tuple, n_ranges: int) -> tuple[list, list[tuple[float, float]]]:
    """The call's own arguments, and the (rows, columns) :func:`checked_routes` appended per range."""
    own, tail = list(args[:len(args) - 2 * n_ranges]), args[len(args) - 2 * n_ranges:]
    return own, [(tail[2 * i], tail[2 * i + 1]) for i in range(n_ranges)]


def sumifs(*args: Any) -> Any:
    own, shapes = _shapes(args, (len(args) + 1) // 4)
    return _ifs(own, shapes, average=False)


def averageifs(*args: Any) -> Any:
    own, shapes = _shapes(args, (len(args) + 1) // 4)
    return _ifs(own, shapes, average=True)


def _ifs(own: list, shapes: list, average: bool) -> Any:
    total = Area(own[0], *shapes[0])
    areas = [Area(own[i], *shapes[1 + i // 2]) for i in range(1, len(own), 2)]
    return _aggregate(total, areas, own[2::2], average)


def countifs(*args: Any) -> Any:
    own, shapes = _shapes(args, len(args) // 4)
    areas = [Area(own[i], *shapes[i // 2]) for i in range(0, len(own), 2)]
    return _aggregate(None, areas, own[1::2], average=False)


def countif(*args: Any) -> Any:
    return countifs(*args)


def sumif(*args: Any) -> Any:
    return _if(args, average=False)


def averageif(*args: Any) -> Any:
    return _if(args, average=True)


def _if(args: tuple, average: bool) -> Any:
    """SUMIF/AVERAGEIF: the sum range is the criteria range's shape from its own top-left cell."""
    own, shapes = _shapes(args, 2 if len(args) == 7 else 1)
    area = Area(own[0], *shapes[0])
    total = Area(own[2], *shapes[1]) if len(own) == 3 else area
    total = Area(total.grid, *area.shape)
    return _aggregate(total, [area], [own[1]], average)


FUNCTIONS: dict[str, tuple[Callable[..., Any], int, int]] = {
    "SUMIF": (sumif, 4, 7), "SUMIFS": (sumifs, 7, 1024), "AVERAGEIF": (averageif, 4, 7),
    "AVERAGEIFS": (averageifs, 7, 1024), "COUNTIF": (countif, 4, 4), "COUNTIFS": (countifs, 4, 1024),
}


def register(wb) -> None:
    for name, (fn, lo, hi) in FUNCTIONS.items():
        wb.register_function(PYTHON[name], fn, min_args=lo, max_args=hi)
