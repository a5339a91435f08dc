"""ROW and COLUMN of a reference of several rows or columns: the array Excel gives, where an array is taken.

Excel's ``ROW(A1:A4)`` is the vertical array ``{1;2;3;4}`` and ``COLUMN(A1:D1)`` the horizontal
``{1,2,3,4}`` (Microsoft's ROW and COLUMN pages; of ``A1:B4``, ROW is still ``{1;2;3;4}``), so
``=SUMPRODUCT(ROW(A1:A4))`` is 10, and the tie-break ``A1:A4+ROW(A1:A4)/1E9`` and the "nth match"
``SMALL(IF(cond,ROW(rng)-ROW(first)+1),k)`` work. A plain (non-array) legacy formula whose ROW
stands where one value is taken (``=ROW(A1:A4)``, ``=ROW(A1:A4)*2``) shows the first value, 1.

Upstream: formualizer 0.13 answers the first row or column alone in every context
(``=SUM(ROW(A1:A4))`` is 1). Here each such call is written as the array: a reference written
out (``A1:A4``, ``Sheet1!$B$2:$B$9``, ``2:5``, ``A:C``) as ``SEQUENCE(4,1,1)``, which reads no
cell (no false cycle), and so is a defined name of several cells (by the cells it names); a
reference made by OFFSET, INDIRECT or INDEX (``ROW(INDIRECT("1:"&LEN(A1)))``) as
``SEQUENCE(ROWS(x),1,ROW(x))``, whose cycles through the address alone
:mod:`xlmodel.calc.address_reads` unlinks as before. A whole column's rows
(``ROW(A:A)``) follow the engine, which reads ``A:A`` down to the column's last used row only:
``SEQUENCE(ROWS(A:A=0),1,1)`` pairs element by element with ``A:A`` as the engine reads it
(``SUMPRODUCT((A:A="x")*ROW(A:A))`` is Excel's), where Excel's 1,048,576 rows would not.

In a formula saved without the dynamic-array flag, a call in a place that takes one value (as
:mod:`xlmodel.calc.implicit_intersection` decides: the top, operators, value arguments) is left
as it is: the engine's first value is Excel's there.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from xlmodel.calc.formula_text import range_boundaries
from xlmodel.calc.formula_tree import Call, Group, Node, is_range, meaningful, parse, render
from xlmodel.calc.implicit_intersection import REFERENCE_MAKERS, takes_value

POSITIONS = frozenset({"ROW", "COLUMN"})
GIVEN = re.compile(r"(?<![\w.])(?:ROW|COLUMN)\(\s*[^)\s]")  # in upper-case text: a call with an argument


def mentions(formula: str) -> bool:
    """A quick look: whether ``formula`` calls ROW or COLUMN with an argument."""
    upper = formula.upper()
    return ("ROW(" in upper or "COLUMN(" in upper) and GIVEN.search(upper) is not None


def rewrite(formula: str, legacy: bool = False, area_of: Callable[[str], str | None] | None = None) -> str:
    """``formula`` with ROW and COLUMN of several rows or columns written as the arrays Excel gives.

    ``legacy``: saved as a plain formula, so a call in a value place keeps its first value.
    ``area_of``: the cells a defined name stands for (``S!$A$1:$A$4``), None for one cell or a formula.
    """
    try:
        nodes = parse(formula)
    except ValueError:
        return formula
    edited = _visit(nodes, legacy, area_of or (lambda name: None))
    return "=" + render(edited)


def _visit(nodes: list[Node], value: bool, area_of: Callable[[str], str | None]) -> list[Node]:
    """``nodes`` edited; ``value``: they stand where a legacy formula takes one value."""
    out: list[Node] = []
    for node in nodes:
        if isinstance(node, Call):
            args = [_visit(a, value and takes_value(node.name, i + 1), area_of) for i, a in enumerate(node.args)]
            node = Call(node.head, args, node.seps, node.close)
            if node.name in POSITIONS and not value and not node.head.startswith("@") and len(node.args) == 1:
                node = _as_array(node, area_of) or node
        elif isinstance(node, Group):
            node = Group(node.open, _visit(node.items, value and node.open == "(", area_of), node.close)
        out.append(node)
    return out


def _as_array(call: Call, area_of: Callable[[str], str | None]) -> str | None:
    """ROW(x) or COLUMN(x) as the array Excel gives, or None where it is one number (or cannot be told)."""
    parts = meaningful(call.args[0])
    text = render(call.args[0]).strip()
    down = call.name == "ROW"
    if len(parts) == 1 and is_range(parts[0]) and not text.startswith(("@", "#")):
        area = text.rpartition("!")[2].replace("$", "")
        if ":" not in area:  # a cell, or a name: the cells it stands for
            area = (area_of(text) or "").rpartition("!")[2].replace("$", "")
            if ":" not in area:
                return None
        try:
            min_col, min_row, max_col, max_row = range_boundaries(area)
        except ValueError:
            return None
        first, last = (min_row, max_row) if down else (min_col, max_col)
        if first is None:  # a whole column's rows, a whole row's columns: as far as the engine reads it
            return f"SEQUENCE(ROWS({text}=0),1,1)" if down else f"SEQUENCE(1,COLUMNS({text}=0),1)"
        if last == first:
            return None
        return f"SEQUENCE({last - first + 1},1,{first})" if down else f"SEQUENCE(1,{last - first + 1},{first})"
    if any(isinstance(p, Call) and p.name in REFERENCE_MAKERS for p in parts):
        return _measured(text, down)
    return None


def _measured(reference: str, down: bool) -> str:
    """The array of a reference known only when evaluated: its size and first row or column, read by the engine."""
    if down:
        return f"SEQUENCE(ROWS({reference}),1,ROW({reference}))"
    return f"SEQUENCE(1,COLUMNS({reference}),COLUMN({reference}))"
