"""Functions of one value given arrays, answered element by element as Excel does.

Upstream: formualizer 0.13 lifts only IF, IFERROR, IFNA, SIN, COS, TAN and ATAN2 over an
array argument; the other functions that take one value (LEFT, SEARCH, N, ISNUMBER, LEN,
ROUND, YEAR, ... :data:`LIFTED`) give one value for the whole array. So
``=SUM((LEFT(A1:A3,2)="ab")*B1:B3)`` over "ab1","cd","ab2" and 1,2,4 is 7 where Excel gives 5,
``=SUMPRODUCT(--ISNUMBER(SEARCH("b",A1:A3)))`` counts one row at most, and
``=IF(ISNUMBER(A1:A3),...)`` as a dynamic array shows one value.

Here such a call, where an argument may be an array (a range not cut down by implicit
intersection, an array constant, a spill, a function that makes arrays, another lifted call),
is evaluated by :mod:`xlmodel.calc.lambdas` as ``MAP(args, LAMBDA(a, b, LEFT(a, b)))``: the
engine's own LEFT per element, arrays of different sizes paired as Excel pairs them. The type
tests (ISNUMBER, ISTEXT, ...), N and T are answered in Python, as they depend on the type alone;
N and T given a range (not an array) read its first cell, as in Excel (``=N(A1:A3)`` is N(A1)).
In a formula saved without the dynamic-array flag this runs after implicit intersection, so
only ranges Excel reads as arrays there (SUMPRODUCT's arguments, an array formula's) are lifted.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import formualizer as fz

from xlmodel.calc import lambdas
from xlmodel.calc.engine_values import error_value, is_error
from xlmodel.calc.formula_text import Token
from xlmodel.calc.formula_tree import Call, Group, Node, calls_any, is_range, parse, render
from xlmodel.calc.implicit_intersection import REFERENCE_MAKERS, VALUE_FUNCTIONS
from xlmodel.calc.row_column_arrays import POSITIONS  # of several cells, an array

ENGINE_LIFTS = frozenset({"IF", "IFERROR", "IFNA", "SIN", "COS", "TAN", "ATAN2"})
FIRST_CELL = frozenset({"N", "T"})  # given a range they read its first cell (implicit_intersection's docstring)
LIFTED = (VALUE_FUNCTIONS | FIRST_CELL) - ENGINE_LIFTS
# functions whose answer is an array when given one (or always): an argument calling one may be an array
ARRAY_RESULTS = frozenset({
    "SEQUENCE", "RANDARRAY", "FILTER", "SORT", "SORTBY", "UNIQUE", "TRANSPOSE", "MMULT", "MINVERSE", "MUNIT",
    "FREQUENCY", "HSTACK", "VSTACK", "TAKE", "DROP", "CHOOSEROWS", "CHOOSECOLS", "TOCOL", "TOROW", "EXPAND",
    "TEXTSPLIT", "ANCHORARRAY", "XLMODEL_MAP", "XLMODEL_BYROW", "XLMODEL_BYCOL", "XLMODEL_SCAN", "XLMODEL_MAKEARRAY",
    "XLMODEL_LIFT",
}) | ENGINE_LIFTS
LIFT = "XLMODEL_LIFT"

TYPE_TESTS: dict[str, Callable[[Any], Any]] = {
    "ISNUMBER": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "ISTEXT": lambda v: isinstance(v, str),
    "ISNONTEXT": lambda v: not isinstance(v, str),
    "ISLOGICAL": lambda v: isinstance(v, bool),
    "ISBLANK": lambda v: v is None,
    "ISERROR": is_error,
    "ISNA": lambda v: is_error(v) and v.get("kind") == "Na",
    "ISERR": lambda v: is_error(v) and v.get("kind") != "Na",
    "N": lambda v: v if is_error(v) else (float(v) if isinstance(v, (int, float)) else 0.0),
    "T": lambda v: v if is_error(v) or isinstance(v, str) else "",
}


STRING = re.compile(r'"(?:[^"]|"")*"')
INNER_CALL = re.compile(r"(@?)((?<![\w.])[A-Za-z_][\w.]*)\(([^()]*)\)")
INTERSECTED = re.compile(r"@[^,()+\-*/^&=<>]*")  # "@A1:A3": one value
WRAPPED = "\x00"  # a lifted call found arrayish, reduced to one token
MADE = "\x01"  # a reference-making call, reduced to one token


def mentions(text: str) -> bool:
    """The quickest look (over a whole book's formulas at once): a function of one value and a range, an array
    constant, a spill or a ROW or COLUMN (of a reference made by OFFSET, say)."""
    if not (":" in text or "{" in text or "#" in text):
        upper = text.upper()
        if "ROW(" not in upper and "COLUMN(" not in upper:
            return False
    return calls_any(text, LIFTED)


def may_lift(formula: str) -> bool:
    """A quick look, by text: whether a function of one value may be given an array (a range, an array
    constant, a spill or an array's maker) in ``formula``; only then is it parsed."""
    if not mentions(formula):
        return False
    text = STRING.sub('""', formula)
    while True:  # innermost calls first: a call making one value becomes "0", a lifted one given arrays says so
        found = False

        def reduce(match: re.Match) -> str:
            nonlocal found
            at, name, args = match.groups()
            args = INTERSECTED.sub("", args)
            upper = name.upper().removeprefix("_XLFN.").removeprefix("_XLWS.")
            arrayish = not at and (":" in args or "{" in args or "#" in args or WRAPPED in args)
            if upper in LIFTED and arrayish:
                found = True
            if upper in REFERENCE_MAKERS:
                return "0" if at else MADE  # may be several cells: ROW and COLUMN of it an array
            array = upper in ARRAY_RESULTS or (upper in (LIFTED | POSITIONS) and arrayish) or \
                (upper in POSITIONS and MADE in args)
            return WRAPPED if not at and array else "0"

        text, n = INNER_CALL.subn(reduce, text)
        if found:
            return True
        if not n or not calls_any(text, LIFTED):
            return False


def lift(formula: str, is_area: Callable[[str], bool] | None = None) -> str:
    """``formula`` with each call of :data:`LIFTED` that may be given an array evaluated element by element.

    ``is_area``: whether a name (a defined name) stands for more than one cell.
    """
    try:
        nodes = parse(formula)
    except ValueError:
        return formula
    return "=" + render(_visit(nodes, is_area or (lambda name: False)))


def _visit(nodes: list[Node], is_area: Callable[[str], bool]) -> list[Node]:
    out: list[Node] = []
    for node in nodes:
        if isinstance(node, Call):
            call = Call(node.head, [_visit(a, is_area) for a in node.args], node.seps, node.close)
            name = call.name
            if name in FIRST_CELL and len(call.args) == 1 and _is_range_reference(call.args[0], is_area):
                node = Call(call.head, [[f"INDEX({render(call.args[0]).strip()},1,1)"]], call.seps, call.close)
            elif name in LIFTED and ":" not in node.head[:-1] and any(_arrayish(a, is_area) for a in call.args):
                node = _lifted(call)
            else:
                node = call
        elif isinstance(node, Group):
            node = Group(node.open, _visit(node.items, is_area), node.close)
        out.append(node)
    return out


def _is_range_reference(nodes: list[Node], is_area: Callable[[str], bool]) -> bool:
    parts = [n for n in nodes if not (getattr(n, "type", None) == Token.WSPACE)]
    return len(parts) == 1 and is_range(parts[0]) and not parts[0].value.startswith("@") and (
        ":" in parts[0].value.rpartition("!")[2] or is_area(parts[0].value))


def _arrayish(nodes: list[Node], is_area: Callable[[str], bool]) -> bool:
    """Whether an argument may be an array: a range not intersected, an array constant, a spill, an array's maker."""
    for i, node in enumerate(nodes):
        if is_range(node):
            text = node.value
            if text.startswith("@"):
                continue
            if ":" in text.rpartition("!")[2] or is_area(text):
                return True
            nxt = nodes[i + 1] if i + 1 < len(nodes) else None
            if nxt is not None and getattr(nxt, "type", None) == Token.OP_POST and nxt.value == "#":
                return True
        elif isinstance(node, Group):
            if node.open == "{" or _arrayish(node.items, is_area):
                return True
        elif isinstance(node, Call):
            if node.head.startswith("@"):
                continue
            name = node.name
            if name in ARRAY_RESULTS and (name not in ENGINE_LIFTS or any(_arrayish(a, is_area) for a in node.args)):
                return True
            if name in POSITIONS and any(_arrayish(a, is_area) or _made_reference(a) for a in node.args):
                return True
    return False


def _made_reference(nodes: list[Node]) -> bool:
    """A reference OFFSET, INDIRECT or INDEX makes (``ROW(INDIRECT("1:"&LEN(A1)))`` is an array)."""
    return any(isinstance(n, Call) and n.name in REFERENCE_MAKERS and not n.head.startswith("@") for n in nodes)


def _lifted(call: Call) -> Node:
    """``LEFT(a, b)`` as ``XLMODEL_LIFT(id, a, b)`` (a type test) or a MAP of a LAMBDA calling the engine's LEFT."""
    args = [render(a) for a in call.args]
    at = "@" if call.head.startswith("@") else ""
    if call.name in TYPE_TESTS and len(args) == 1:
        return parse(f'{at}{LIFT}("{call.name}",{args[0]})')[0]
    return lambdas.mapped(call.name, args, at)


def type_test(name: Any, value: Any) -> Any:
    """ISNUMBER, ISTEXT, ..., N and T of each element of ``value``."""
    test = TYPE_TESTS.get(str(name).upper())
    if test is None:
        return error_value("Value")
    if isinstance(value, list):
        return [[test(v) for v in row] for row in value]
    return test(value)


def register(wb: fz.Workbook) -> None:
    wb.register_function(LIFT, type_test, min_args=2, max_args=2)
