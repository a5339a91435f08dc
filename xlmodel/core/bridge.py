"""The segment bridge: from segment revenue to GAAP net income and adjusted EBITDA.

Inputs are items keyed in xlmodel's vocabulary (amounts in USD): revenues and expenses
are positive numbers; items named as a fair-value change or a gain are positive when
they are a gain. Outputs show each line's effect on net income, so losses and expenses
are negative and every section sums to its total.

Vocabulary
----------
``revenue.<segment>``, ``cost_of_revenue.<segment>``, ``depreciation_amortization``,
``sga``, ``impairment``, ``other_operating_expense``, ``digital_asset_fair_value_change``,
``interest_expense``, ``other_income``, ``warrant_fair_value_change``, ``income_tax``,
``stock_based_compensation`` (already inside SG&A or cost of revenue: an add-back only),
``adjustment.<name>`` (company-specific adjusted-EBITDA items, added as given),
``reported.net_income``, ``reported.adjusted_ebitda``, and (xlmodel's additions, to tie a
partial set of inputs step by step) ``reported.revenue``, ``reported.gross_profit``,
``reported.operating_income``.
Each reported value adds a ``check.*`` row: computed minus reported.

Arithmetic
----------
gross profit = revenue - cost of revenue (per segment and in total);
operating income = gross profit - D&A - SG&A - impairment - other operating expense
+ digital asset fair-value change;
net income = operating income - interest expense + other income + warrant/CVR fair-value
change - income tax;
adjusted EBITDA = net income + income tax + interest + D&A + impairment + SBC
- warrant/CVR fair-value change + adjustments.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

SLUG = re.compile(r"^[a-z0-9][a-z0-9_]*$")

# line key -> (label, sign of its effect on net income, section)
OPERATING_LINES = {
    "depreciation_amortization": ("Depreciation and amortization", -1),
    "sga": ("Selling, general and administrative", -1),
    "impairment": ("Impairment", -1),
    "other_operating_expense": ("Other operating expense", -1),
    "digital_asset_fair_value_change": ("Fair-value change of digital assets", +1),
}
BELOW_THE_LINE = {
    "interest_expense": ("Interest expense", -1),
    "other_income": ("Other income", +1),
    "warrant_fair_value_change": ("Fair-value change of warrants and CVRs", +1),
    "income_tax": ("Income tax", -1),
}
ADD_BACK_ONLY = {"stock_based_compensation": "Stock-based compensation"}
REPORTED = {"revenue": "revenue", "gross_profit": "gross profit", "operating_income": "operating income",
            "net_income": "net income", "adjusted_ebitda": "adjusted EBITDA"}
NON_NEGATIVE = {"depreciation_amortization", "sga", "impairment", "interest_expense", "stock_based_compensation"}
LINES = {**OPERATING_LINES, **BELOW_THE_LINE}


class BridgeError(ValueError):
    """Bad bridge input: the message names the key."""


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    value: float


def _words(slug: str) -> str:
    return slug.replace("_", " ")


def check_items(items: Iterable[tuple[str, float]]) -> dict[str, float]:
    """Validate (key, value) pairs and return them as a dict, keeping their order."""
    out: dict[str, float] = {}
    for key, value in items:
        if key in out:
            raise BridgeError(f"duplicate key {key}")
        _check_key(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise BridgeError(f"{key} must be a finite number, got {value!r}")
        if value < 0 and (key.split(".")[0] in ("revenue", "cost_of_revenue") or key in NON_NEGATIVE):
            raise BridgeError(f"{key} must be >= 0 (revenues and expenses are positive), got {value:g}")
        out[key] = float(value)
    for key in out:
        if key.startswith("cost_of_revenue.") and "revenue." + key.split(".", 1)[1] not in out:
            raise BridgeError(f"{key} has no revenue.{key.split('.', 1)[1]}: a cost needs its segment's revenue")
    return out


def _check_key(key: str) -> None:
    if key in LINES or key in ADD_BACK_ONLY:
        return
    prefix, _, rest = key.partition(".")
    if prefix in ("revenue", "cost_of_revenue", "adjustment") and SLUG.match(rest):
        if prefix != "adjustment" and rest == "total":
            raise BridgeError(f"{key}: 'total' is computed, not an input segment")
        return
    if prefix == "reported" and rest in REPORTED:
        return
    raise BridgeError(f"unknown key {key!r}: see the bridge vocabulary (revenue.<segment>, sga, ...)")


def segments(items: Mapping[str, float]) -> list[str]:
    return [k.split(".", 1)[1] for k in items if k.startswith("revenue.")]


def bridge(items: Mapping[str, float]) -> list[Row]:
    """The bridge as rows that read like an income statement (``items`` already checked)."""
    segs = segments(items)
    revenue = {s: items[f"revenue.{s}"] for s in segs}
    cost = {s: items.get(f"cost_of_revenue.{s}", 0.0) for s in segs}
    total_revenue = math.fsum(revenue.values())
    total_cost = math.fsum(cost.values())
    rows = [Row(f"revenue.{s}", f"Revenue: {_words(s)}", revenue[s]) for s in segs]
    rows.append(Row("revenue.total", "Revenue: total", total_revenue))
    rows += [Row(f"revenue_share.{s}", f"Share of revenue: {_words(s)}", _ratio(revenue[s], total_revenue))
             for s in segs]
    rows += [Row(f"cost_of_revenue.{s}", f"Cost of revenue: {_words(s)}", -cost[s]) for s in segs]
    rows.append(Row("cost_of_revenue.total", "Cost of revenue: total", -total_cost))
    for s in segs:
        rows.append(Row(f"gross_profit.{s}", f"Gross profit: {_words(s)}", revenue[s] - cost[s]))
        rows.append(Row(f"gross_margin.{s}", f"Gross margin: {_words(s)}", _ratio(revenue[s] - cost[s], revenue[s])))
    gross = total_revenue - total_cost
    rows.append(Row("gross_profit.total", "Gross profit: total", gross))
    rows.append(Row("gross_margin.total", "Gross margin: total", _ratio(gross, total_revenue)))
    operating = gross + _lines(rows, items, OPERATING_LINES)
    rows.append(Row("operating_income", "Operating income (loss)", operating))
    net = operating + _lines(rows, items, BELOW_THE_LINE)
    rows.append(Row("net_income", "Net income (loss)", net))
    rows += _adjusted_ebitda(items, net)
    rows += _checks(items, {"revenue": total_revenue, "gross_profit": gross, "operating_income": operating,
                            "net_income": net, "adjusted_ebitda": rows[-1].value})
    return rows


def _ratio(part: float, whole: float) -> float:
    return part / whole if whole else math.nan


def _lines(rows: list[Row], items: Mapping[str, float], lines: Mapping[str, tuple[str, int]]) -> float:
    total = 0.0
    for key, (label, sign) in lines.items():
        effect = sign * items[key] if items.get(key) else 0.0
        rows.append(Row(key, ("Less: " if sign < 0 else "Plus: ") + label, effect))
        total += effect
    return total


def _adjusted_ebitda(items: Mapping[str, float], net: float) -> list[Row]:
    addbacks = [
        ("income_tax", "Add back: income tax", items.get("income_tax", 0.0)),
        ("interest_expense", "Add back: interest expense", items.get("interest_expense", 0.0)),
        ("depreciation_amortization", "Add back: depreciation and amortization",
         items.get("depreciation_amortization", 0.0)),
        ("impairment", "Add back: impairment", items.get("impairment", 0.0)),
        ("stock_based_compensation", "Add back: stock-based compensation", items.get("stock_based_compensation", 0.0)),
        ("warrant_fair_value_change", "Remove: fair-value change of warrants and CVRs",
         -items["warrant_fair_value_change"] if items.get("warrant_fair_value_change") else 0.0),
    ]
    addbacks += [(k.split(".", 1)[1], f"Adjustment: {_words(k.split('.', 1)[1])}", v)
                 for k, v in items.items() if k.startswith("adjustment.")]
    rows = [Row(f"addback.{key}", label, value) for key, label, value in addbacks]
    rows.append(Row("adjusted_ebitda", "Adjusted EBITDA", net + math.fsum(v for _, _, v in addbacks)))
    return rows


def _checks(items: Mapping[str, float], computed: Mapping[str, float]) -> list[Row]:
    rows = []
    for name, words in REPORTED.items():
        key = f"reported.{name}"
        if key in items:
            rows.append(Row(key, f"Reported {words}", items[key]))
            rows.append(Row(f"check.{name}", f"Check: {words} computed minus reported", computed[name] - items[key]))
    return rows


def net_income_effects(items: Mapping[str, float]) -> dict[str, float]:
    """Each line's contribution to net income: segment gross profits and the other lines."""
    effects = {f"gross_profit.{s}": items[f"revenue.{s}"] - items.get(f"cost_of_revenue.{s}", 0.0)
               for s in segments(items)}
    for key, (_, sign) in LINES.items():
        effects[key] = sign * items[key] if items.get(key) else 0.0
    return effects


def walk(prior: Mapping[str, float], current: Mapping[str, float]) -> list[Row]:
    """From prior-period net income to current: one row per change, summing exactly.

    The first row is prior net income, the last current net income; in between, the
    change in each segment's gross profit and in each other line's effect on net income.
    The changes add up to the difference by construction (each is current effect minus
    prior effect of the same line).
    """
    before, after = net_income_effects(prior), net_income_effects(current)
    keys = list(dict.fromkeys([k for k in before if k.startswith("gross_profit.")]
                              + [k for k in after if k.startswith("gross_profit.")]))
    keys += list(LINES)
    start = math.fsum(before.values())
    rows = [Row("net_income.prior", "Net income: prior period", start)]
    for key in keys:
        label = (f"Change in gross profit: {_words(key.split('.', 1)[1])}" if key.startswith("gross_profit.")
                 else f"Change: {LINES[key][0]}")
        rows.append(Row(f"change.{key}", label, after.get(key, 0.0) - before.get(key, 0.0)))
    rows.append(Row("net_income.current", "Net income: current period", math.fsum(after.values())))
    return rows


def bridge_frame(periods: Mapping[str, Mapping[str, float]]) -> pd.DataFrame:
    """The bridge of several periods side by side: one row per key, one column per period.

    ``periods`` maps a period label (e.g. ``"Q3-25"``) to its items. Rows keep
    income-statement order; a key missing in a period (a segment it did not have) is NaN.
    """
    columns: dict[str, dict[str, float]] = {}
    labels: dict[str, str] = {}
    for period, items in periods.items():
        rows = bridge(check_items(items.items()))
        columns[period] = {r.key: r.value for r in rows}
        for r in rows:
            labels.setdefault(r.key, r.label)
    order = _merged_order([[r for r in columns[p]] for p in columns])
    import pandas as pd  # only the DataFrame helper needs pandas: a cell and a headless calc do not

    frame = pd.DataFrame({p: [columns[p].get(k, math.nan) for k in order] for p in columns}, index=order)
    frame.insert(0, "label", [labels[k] for k in order])
    frame.index.name = "key"
    return frame


def _merged_order(orders: list[list[str]]) -> list[str]:
    """One key order that keeps each period's order (segments new in later periods slot in)."""
    merged: list[str] = []
    for order in orders:
        for i, key in enumerate(order):
            if key in merged:
                continue
            anchor = next((k for k in reversed(order[:i]) if k in merged), None)
            merged.insert(merged.index(anchor) + 1 if anchor else 0, key)
    return merged
