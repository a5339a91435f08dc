"""Excel's matrix functions MMULT, MDETERM and MINVERSE, which formualizer 0.13 lacks.

Upstream: formualizer 0.13 answers ``#NAME?`` for all three (``=MMULT({1,2;3,4},{5;6})``:
Excel 17 and 39, Microsoft's MMULT page), and a dynamic array of them leaves its spill range
empty. Microsoft's pages: MMULT needs as many columns in ``array1`` as rows in ``array2``;
MDETERM and MINVERSE need a square array; any cell that is empty or holds text (or a
logical) makes the answer ``#VALUE!``, an error value in the arrays is the answer, and a
singular matrix has no inverse (``#NUM!``). A single number is a 1x1 matrix.
Checked against tests/oracle/ironcalc_MMULT.xlsx and poi_MatrixFormulaEvalTestData.xlsx.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from xlmodel.calc.engine_values import error_value, is_error


class _Refused(Exception):
    def __init__(self, kind: str):
        self.kind = kind


def _matrix(value: Any) -> np.ndarray:
    """An argument as a matrix of numbers; the first error value in it is raised as the answer."""
    grid = value if isinstance(value, list) else [[value]]
    for row in grid:
        for v in row:
            if is_error(v):
                raise _Answer(v)
    if any(isinstance(v, bool) or not isinstance(v, (int, float)) for row in grid for v in row):
        raise _Refused("Value")
    return np.array(grid, dtype=float)


class _Answer(Exception):
    def __init__(self, value: dict):
        self.value = value


def _call(compute, *args: Any) -> Any:
    try:
        result = compute(*(_matrix(a) for a in args))
    except _Answer as answer:
        return answer.value
    except _Refused as refused:
        return error_value(refused.kind)
    if isinstance(result, np.ndarray):
        if not np.all(np.isfinite(result)):
            return error_value("Num")
        return result.tolist()
    return float(result) if np.isfinite(result) else error_value("Num")


def _product(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if a.shape[1] != b.shape[0]:
        raise _Refused("Value")
    return a @ b


def _square(a: np.ndarray) -> np.ndarray:
    if a.shape[0] != a.shape[1]:
        raise _Refused("Value")
    return a


def _determinant(a: np.ndarray) -> float:
    return float(np.linalg.det(_square(a)))


def _inverse(a: np.ndarray) -> np.ndarray:
    a = _square(a)
    if np.linalg.matrix_rank(a) < a.shape[0]:
        raise _Refused("Num")
    return np.linalg.inv(a)


def mmult(array1: Any, array2: Any) -> Any:
    """MMULT(array1, array2): the matrix product."""
    return _call(_product, array1, array2)


def mdeterm(array: Any) -> Any:
    """MDETERM(array): the determinant of a square array."""
    return _call(_determinant, array)


def minverse(array: Any) -> Any:
    """MINVERSE(array): the inverse of a square array; ``#NUM!`` when it has none."""
    return _call(_inverse, array)


def register(wb) -> None:
    wb.register_function("MMULT", mmult, min_args=2, max_args=2, allow_override_builtin=True)
    wb.register_function("MDETERM", mdeterm, min_args=1, max_args=1, allow_override_builtin=True)
    wb.register_function("MINVERSE", minverse, min_args=1, max_args=1, allow_override_builtin=True)
