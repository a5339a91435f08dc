"""The segment bridge and walk as Excel functions (``SEGMENT_*``)."""

from __future__ import annotations

import math

import numpy as np

from xlmodel.core import bridge
from xlmodel.excel.args import Arg, shape_text, to_grid
from xlmodel.excel.errors import ArgumentError
from xlmodel.excel.registry import ExcelFunction, register

CATEGORY = "xlmodel bridge"
KEYS = Arg("item_keys", "key", "Keys from the bridge vocabulary: revenue.<segment>, cost_of_revenue.<segment>, sga, ...",
           kind="text")
VALUES = Arg("values", "USD", "Amount of each key: revenues and expenses positive, gains positive", kind="raw")
PRIOR = Arg("prior_values", "USD", "Amounts of the prior period, one per key", kind="raw")
CURRENT = Arg("current_values", "USD", "Amounts of the current period, one per key", kind="raw")


def _items(keys: np.ndarray, value, arg: Arg) -> dict[str, float]:
    """Key/value pairs from two same-size ranges; a blank value means the item is absent."""
    flat_keys = keys.ravel()
    grid = to_grid(value, arg.name)
    values = grid.ravel()
    if values.size != flat_keys.size:
        raise ArgumentError(f"item_keys has {flat_keys.size} cells but {arg.name} has {values.size}: "
                            "give one value per key")
    if grid.shape != keys.shape and min(keys.shape) > 1:  # a block of keys pairs only with a block like it
        raise ArgumentError(f"item_keys is a {shape_text(keys.shape)} range but {arg.name} is "
                            f"{shape_text(grid.shape)}: give the values in the keys' shape")
    pairs = []
    for i, (key, v) in enumerate(zip(flat_keys, values)):
        blank = v is None or (isinstance(v, str) and not v.strip())
        if not key:
            if not blank:
                raise ArgumentError(f"row {i + 1} of {arg.name} has a value but item_keys is empty there")
            continue
        if blank:
            continue
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.integer, np.floating)):
            shown = f"text '{v}'" if isinstance(v, str) else str(v).upper()
            raise ArgumentError(f"{arg.name} for {key} must be a number, got {shown}")
        pairs.append((key, float(v)))
    try:
        return bridge.check_items(pairs)
    except bridge.BridgeError as exc:
        raise ArgumentError(f"{exc} ({arg.name})") from None


def _table(rows: list[bridge.Row]) -> np.ndarray:
    out = np.empty((len(rows), 3), dtype=object)
    for i, row in enumerate(rows):
        out[i, 0], out[i, 1] = row.key, row.label
        out[i, 2] = "" if math.isnan(row.value) else row.value  # a margin of no revenue: empty, as the label says
    return out


def _segment_bridge(keys: np.ndarray, values) -> np.ndarray:
    items = _items(keys, values, VALUES)
    return _table(_finite(lambda: bridge.bridge(items), VALUES))


def _segment_walk(keys: np.ndarray, prior, current) -> np.ndarray:
    before, after = _items(keys, prior, PRIOR), _items(keys, current, CURRENT)
    return _table(_finite(lambda: bridge.walk(before, after), CURRENT))


def _finite(compute, arg: Arg) -> list[bridge.Row]:
    """The rows, or a named message when the amounts add up beyond what a number can hold."""
    try:
        rows = compute()
    except OverflowError:
        rows = None
    if rows is None or any(math.isinf(r.value) for r in rows):
        raise ArgumentError(f"{arg.name} add up beyond what a number can hold (about 1e308 USD): "
                            "check the amounts' units")
    return rows


register(ExcelFunction(
    "SEGMENT_BRIDGE",
    "Segment revenue to gross profit, operating income, net income and adjusted EBITDA, with checks against reported.",
    "table: key, label, value (USD; margins and shares as fractions)", (KEYS, VALUES), _segment_bridge, CATEGORY,
    elementwise=False))
register(ExcelFunction(
    "SEGMENT_WALK",
    "Prior net income to current: the change in each segment's gross profit and in each other line.",
    "table: key, label, value (USD)", (KEYS, PRIOR, CURRENT), _segment_walk, CATEGORY, elementwise=False))
