"""BYROW, BYCOL, MAP, REDUCE, SCAN and MAKEARRAY, and a LAMBDA called where it is written.

Upstream: formualizer 0.13 evaluates LET and a LAMBDA that LET binds and calls
(``=LET(f,LAMBDA(x,x+1),f(4))`` is 5), but has none of the functions that call a LAMBDA
once per element (``#NAME?``) and answers ``#N/IMPL!`` for a LAMBDA called where it is
written (``=LAMBDA(x,x+1)(4)``, Microsoft's LAMBDA page: 2 for ``(1)``).

A LAMBDA called where it is written is bound with LET first. Each helper call becomes a call
of xlmodel's, ``MAP(A1:A3,LAMBDA(x,x*$C$1+n))`` -> ``XLMODEL_MAP(7,'S'!$C$1,n,A1:A3)``: 7 names
the LAMBDA, kept in this module with what it reads from outside itself, and the engine hands
over the array and the values of those outside things (cells and ranges, names, LET
variables, spills) as for any function, so it orders the call after them. The LAMBDA is then
evaluated once per element (row, column, cell, step) in a scratch workbook of formualizer's
own, with xlmodel's functions: the cells it reads put at their own addresses (``ROW($C$5)`` is
still 5), the other outside values bound by LET, each element in cells of its own. Only a
LAMBDA that reads cells through INDIRECT or OFFSET (their targets cannot be known before
evaluation) is left as it was: its cell keeps ``#NAME?`` and the listing names the function.

The rules are Microsoft's pages for each function: MAP's arrays are read element by element
(a single value or row or column is repeated to the others' size, as Excel's operators do); a
LAMBDA that returns an array where one value is wanted gives ``#CALC!``; REDUCE and SCAN
without an initial value start from the array's first value; a LAMBDA given the wrong number of
parameters gives ``#VALUE!``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import formualizer as fz

from xlmodel.calc.engine_values import error_value, is_error
from xlmodel.calc.formula_text import FormulaToken, Token, get_column_letter, range_boundaries
from xlmodel.calc.formula_tree import Call, Group, Node, is_range, meaningful, parse, render

HELPERS = {"BYROW": 1, "BYCOL": 1, "MAP": None, "REDUCE": 2, "SCAN": 2, "MAKEARRAY": 2}  # name -> LAMBDA's parameters
PYTHON = {name: f"XLMODEL_{name}" for name in HELPERS}
MENTIONS = re.compile(r"(?<![\w.])(?:_xlfn\.)?(?:BYROW|BYCOL|MAP|REDUCE|SCAN|MAKEARRAY|LAMBDA)\s*\(", re.IGNORECASE)
DYNAMIC_REFERENCES = frozenset({"INDIRECT", "OFFSET"})
BOUND = "_xlmodel_lambda"  # a LAMBDA called where it is written, bound by LET under this name
CONTEXT = "_xlmodel_ctx"  # the LET names of the values a LAMBDA reads from outside
ARGS, OUT, CTX, ACC = "XLMODEL_ARGS", "XLMODEL_OUT", "XLMODEL_CTX", "XLMODEL_ACC"
SHEET = r"(?:'(?:[^']|'')+'|[^'!:()\s,]+)"
CELLS = re.compile(rf"^(?:{SHEET}!)?(?:\$?[A-Za-z]{{1,3}}\$?\d+(?::\$?[A-Za-z]{{1,3}}\$?\d+)?|"
                   r"\$?[A-Za-z]{1,3}:\$?[A-Za-z]{1,3}|\$?\d+:\$?\d+)$")


HELPER_WORDS = ("LAMBDA", "MAP", "REDUCE", "SCAN", "BYROW", "BYCOL", "MAKEARRAY")


def mentions(formula: str) -> bool:
    """A quick look: whether :func:`rewrite` may change ``formula``."""
    if "(" not in formula:
        return False
    upper = formula.upper()
    return any(w in upper for w in HELPER_WORDS) and MENTIONS.search(formula) is not None


# --- the LAMBDAs the rewritten formulas name ------------------------------------------------------


@dataclass
class Lambda:
    """A LAMBDA as a helper call uses it: its text for the scratch workbook and what it reads from outside."""

    kind: str  # the helper: MAP, BYROW, ...
    text: str  # LAMBDA(...) with its outside values renamed to CONTEXT names and its cells qualified
    params: int
    # per outside argument of the call, in order: ("cells", sheet, "C1:C9") read at their own address,
    # or ("value", CONTEXT name, "") bound by LET
    reads: list[tuple[str, str, str]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # the outside arguments' formula text
    omitted_initial: bool = False  # REDUCE(, ...) and SCAN(, ...)

    def read(self, what: str, where: str, cells: str, text: str) -> int:
        """Index of an outside argument (one per distinct text)."""
        if text in self.texts:
            return self.texts.index(text)
        self.reads.append((what, where, cells))
        self.texts.append(text)
        return len(self.texts) - 1


_LAMBDAS: list[Lambda] = []
_IDS: dict[tuple, int] = {}


def _remember(lam: Lambda) -> int:
    key = (lam.kind, lam.text, tuple(lam.reads), lam.omitted_initial)
    if key not in _IDS:
        _IDS[key] = len(_LAMBDAS)
        _LAMBDAS.append(lam)
    return _IDS[key]


# --- rewriting formulas ---------------------------------------------------------------------------


@dataclass
class _Context:
    sheet: str
    static_address: Callable[[str, str], str | None]  # a defined name's cells, if it is a plain reference
    lambda_text: Callable[[str, str], str | None]  # a defined name's LAMBDA, if it is one
    lets: dict[str, Call] = field(default_factory=dict)  # LET names bound to a LAMBDA, in scope


def rewrite(formula: str, sheet: str, names=None) -> str:
    """``formula`` with each helper call made a call of xlmodel's, and each LAMBDA called where written bound by LET.

    ``names``: the workbook's :class:`xlmodel.calc.defined_names.Names`, for names the LAMBDAs read.
    """
    try:
        nodes = parse(formula)
    except ValueError:
        return formula
    ctx = _Context(sheet, _static_address(names), _lambda_text(names))
    return "=" + render(_visit(nodes, ctx))


def _static_address(names) -> Callable[[str, str], str | None]:
    def find(name: str, sheet: str) -> str | None:
        d = names.lookup(name, sheet) if names else None
        return d.text if d is not None and CELLS.match(d.text) and "!" in d.text else None
    return find


def _lambda_text(names) -> Callable[[str, str], str | None]:
    def find(name: str, sheet: str) -> str | None:
        d = names.lookup(name, sheet) if names else None
        return d.text if d is not None and re.match(r"^(?:_xlfn\.)?LAMBDA\s*\(", d.text, re.IGNORECASE) else None
    return find


def _visit(nodes: list[Node], ctx: _Context) -> list[Node]:
    out: list[Node] = []
    i = 0
    while i < len(nodes):
        node = nodes[i]
        if isinstance(node, Call):
            node = _visit_call(node, ctx)
            after = meaningful(nodes[i + 1:])
            if isinstance(node, Call) and node.name == "LAMBDA" and after and isinstance(after[0], Group) \
                    and after[0].open == "(":  # LAMBDA(x,x+1)(4)
                j = nodes.index(after[0], i + 1)
                call = Group("(", _visit(after[0].items, ctx), after[0].close)
                out.extend(parse(f"LET({BOUND},{render([node])},{BOUND}{render([call])})"))
                i = j + 1
                continue
        elif isinstance(node, Group):
            node = Group(node.open, _visit(node.items, ctx), node.close)
        out.append(node)
        i += 1
    return out


def _visit_call(call: Call, ctx: _Context) -> Node:
    name = call.name
    saved = dict(ctx.lets)
    args = []
    for i, arg in enumerate(call.args):
        visited = _visit(arg, ctx)
        args.append(visited)
        if name == "LET" and i % 2 == 1:  # a LET value: a LAMBDA bound to a name is known by it
            bound = meaningful(call.args[i - 1])
            value = meaningful(visited)
            if len(bound) == 1 and is_range(bound[0]):
                key = _plain_name(bound[0].value)
                if len(value) == 1 and isinstance(value[0], Call) and value[0].name == "LAMBDA":
                    ctx.lets[key] = value[0]
                else:
                    ctx.lets.pop(key, None)
    ctx.lets = saved
    visited = Call(call.head, args, call.seps, call.close)
    if name in HELPERS and "!" not in call.head:
        helper = _helper_call(name, visited, ctx)
        if helper is not None:
            return helper
    return visited


def mapped(name: str, args: list[str], at: str = "") -> Call:
    """``NAME(a, b)`` evaluated per element: ``XLMODEL_MAP(id, a, b)`` of ``LAMBDA(p0, p1, NAME(p0, p1))``."""
    params = [f"_xlmodel_p{i}" for i in range(len(args))]
    record = Lambda("MAP", f"LAMBDA({','.join(params)},{name}({','.join(params)}))", len(args))
    return parse(f"{at}{PYTHON['MAP']}({_remember(record)}," + ",".join(args) + ")")[0]


def _plain_name(text: str) -> str:
    return text.upper().removeprefix("_XLPM.")


def _helper_call(name: str, call: Call, ctx: _Context) -> Call | None:
    if len(call.args) < 2:
        return None
    lam = _the_lambda(meaningful(call.args[-1]), name, call, ctx)
    if lam is None:
        return None
    record = Lambda(name, "", len(lam.args) - 1)
    body = _closed(lam, ctx, frozenset(), record)
    if body is None:
        return None
    record.text = render([body])
    own = [render(a) for a in call.args[:-1]]
    if name in ("REDUCE", "SCAN"):
        if len(own) == 1:
            own.insert(0, "")
        record.omitted_initial = not own[0].strip()
        own[0] = own[0] if own[0].strip() else "0"
    at = "@" if call.head.startswith("@") else ""
    return parse(f"{at}{PYTHON[name]}({_remember(record)}," + ",".join(record.texts + own) + ")")[0]


def _the_lambda(last: list[Node], name: str, call: Call, ctx: _Context) -> Call | None:
    """The helper's LAMBDA: written there, bound by an enclosing LET, a defined name, or a function's name."""
    if len(last) != 1:
        return None
    node = last[0]
    if isinstance(node, Call) and node.name == "LAMBDA":
        return node
    if not is_range(node):
        return None
    key = _plain_name(node.value)
    if key in ctx.lets:
        return ctx.lets[key]
    text = ctx.lambda_text(node.value, ctx.sheet)
    if text is not None:
        parsed = meaningful(parse(text))
        return parsed[0] if len(parsed) == 1 and isinstance(parsed[0], Call) else None
    params = HELPERS[name] or len(call.args) - 1
    if re.fullmatch(r"[A-Za-z][\w.]*", node.value) and not CELLS.match(node.value):  # BYROW(A1:C3, SUM)
        names = [f"_xlmodel_p{i}" for i in range(params)]
        return meaningful(parse(f"LAMBDA({','.join(names)},{node.value}({','.join(names)}))"))[0]
    return None


def _closed(node: Node, ctx: _Context, bound: frozenset, record: Lambda) -> Node | None:
    """``node`` with what it reads from outside the LAMBDA made CONTEXT names or qualified cells; None if it
    reads cells through INDIRECT or OFFSET."""
    if isinstance(node, Call):
        name = node.name
        if name in DYNAMIC_REFERENCES:
            return None
        if name == "ANCHORARRAY":  # a spill: its value, bound
            return _bound(render([node]), record)
        args: list[list[Node]] = []
        inner = bound
        last = len(node.args) - 1
        for i, arg in enumerate(node.args):
            if name in ("LET", "LAMBDA") and i < last and (name == "LAMBDA" or i % 2 == 0):
                parts = meaningful(arg)
                if len(parts) == 1 and is_range(parts[0]):
                    inner = inner | {_plain_name(parts[0].value)}
                args.append(arg)
                continue
            closed = _closed_list(arg, ctx, inner if name in ("LET", "LAMBDA") else bound, record)
            if closed is None:
                return None
            args.append(closed)
        return Call(node.head, args, node.seps, node.close)
    if isinstance(node, Group):
        items = _closed_list(node.items, ctx, bound, record)
        return None if items is None else Group(node.open, items, node.close)
    if is_range(node):
        text = node.value.lstrip("@")
        if _plain_name(text) in bound:
            return node
        if CELLS.match(text):
            where, bang, cells = text.rpartition("!")
            sheet = _unquoted(where) if bang else ctx.sheet
            qualified = _quoted(sheet) + "!" + cells
            record.read("cells", sheet, cells.replace("$", ""), qualified)
            return FormulaToken(qualified, Token.OPERAND, Token.RANGE)
        address = ctx.static_address(text, ctx.sheet)
        if address is not None:
            where, _, cells = address.rpartition("!")
            record.read("cells", _unquoted(where), cells.replace("$", ""), address)
            return FormulaToken(address, Token.OPERAND, Token.RANGE)
        return _bound(render([node]), record)
    return node


def _closed_list(nodes: list[Node], ctx: _Context, bound: frozenset, record: Lambda) -> list[Node] | None:
    out: list[Node] = []
    i = 0
    while i < len(nodes):
        node = nodes[i]
        nxt = nodes[i + 1] if i + 1 < len(nodes) else None
        if is_range(node) and isinstance(nxt, FormulaToken) and nxt.type == Token.OP_POST and nxt.value == "#":
            if _plain_name(node.value) in bound:
                out.extend([node, nxt])
            else:  # A1#: the spill's value, bound
                out.append(_bound(node.value + "#", record))
            i += 2
            continue
        closed = _closed(node, ctx, bound, record)
        if closed is None:
            return None
        out.append(closed)
        i += 1
    return out


def _bound(text: str, record: Lambda) -> str:
    """An outside value (a name, a LET variable, a spill) as a CONTEXT name, handed over as an argument."""
    name = f"{CONTEXT}{len(record.texts)}"
    index = record.read("value", name, "", text)
    return record.reads[index][1]


def _unquoted(sheet: str) -> str:
    return sheet[1:-1].replace("''", "'") if sheet.startswith("'") and sheet.endswith("'") else sheet


def _quoted(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


# --- evaluating them ------------------------------------------------------------------------------


class _Scratch:
    """A formualizer workbook with xlmodel's functions where LAMBDAs are evaluated; what is written is emptied after."""

    def __init__(self):
        config = fz.EvaluationConfig()
        config.enable_parallel = False
        config.cycle_detection = "runtime"
        self.wb = fz.Workbook(config=fz.WorkbookConfig(eval_config=config, enable_changelog=False))
        self.wb.set_temporal_egress("serial")
        _REGISTRAR[0](self.wb)
        self.sheets: set[str] = set()
        self.written: set[tuple[str, int, int]] = set()

    def put(self, sheet: str, row: int, col: int, value: Any) -> None:
        if sheet not in self.sheets:
            self.wb.add_sheet(sheet)
            self.sheets.add(sheet)
        if is_error(value):
            value = fz.LiteralValue.error(value["kind"], None)
        elif isinstance(value, float) and not math.isfinite(value):
            value = fz.LiteralValue.error("Num", None)
        self.wb.set_value(sheet, row, col, value)
        self.written.add((sheet, row, col))

    def put_grid(self, sheet: str, row: int, col: int, value: Any) -> str:
        """``value`` (one value or rows of values) from ``row``, ``col``: its cells as a reference."""
        grid = _grid(value)
        for i, values in enumerate(grid):
            for j, v in enumerate(values):
                self.put(sheet, row + i, col + j, v)
        return _area(sheet, row, col, len(grid), max(len(r) for r in grid))

    def formula(self, sheet: str, row: int, col: int, text: str) -> None:
        if sheet not in self.sheets:
            self.wb.add_sheet(sheet)
            self.sheets.add(sheet)
        self.wb.set_formula(sheet, row, col, text)
        self.written.add((sheet, row, col))

    def clear(self) -> None:
        for sheet, row, col in self.written:
            self.wb.set_value(sheet, row, col, None)
        self.written.clear()


_POOL: list[_Scratch] = []
_REGISTRAR: list[Callable[[fz.Workbook], None]] = [lambda wb: register(wb)]  # set by register()


def _call_lambda(lam: Lambda, outside: tuple, evaluate: Callable[[_Scratch, str], Any]) -> Any:
    """Put what ``lam`` reads from outside into a scratch workbook and let ``evaluate`` call it.

    ``evaluate`` gets the scratch workbook and the start of a formula binding the LAMBDA as ``_xlmodel_f``:
    ``LET(..., _xlmodel_f, LAMBDA(...),``, to be completed with its call and ``)``. A nested helper call takes
    another scratch workbook.
    """
    scratch = _POOL.pop() if _POOL else _Scratch()
    try:
        bindings = []
        column = 1
        for (what, where, cells), value in zip(lam.reads, outside):
            if what == "cells":
                min_col, min_row, _, _ = range_boundaries(cells)
                scratch.put_grid(where, min_row or 1, min_col or 1, value)
            else:
                bindings.append(f"{where},{scratch.put_grid(CTX, 1, column, value)}")
                column += max(len(r) for r in _grid(value))
        start = "LET(" + "".join(b + "," for b in bindings) + f"_xlmodel_f,{lam.text},"
        return evaluate(scratch, start)
    finally:
        scratch.clear()
        _POOL.append(scratch)


def _grid(value: Any) -> list[list[Any]]:
    if isinstance(value, list):
        return value if value and isinstance(value[0], list) else [value]
    return [[value]]


def _area(sheet: str, row: int, col: int, rows: int, cols: int) -> str:
    a = f"{get_column_letter(col)}{row}"
    b = f"{get_column_letter(col + cols - 1)}{row + rows - 1}"
    return f"{_quoted(sheet)}!{a}" + ("" if a == b else f":{b}")


def _one(value: Any) -> Any:
    """A LAMBDA's answer where one value is wanted: an array of several is #CALC! (Excel's nested-array error)."""
    if isinstance(value, list):
        grid = _grid(value)
        return grid[0][0] if len(grid) == 1 and len(grid[0]) == 1 else error_value("Calc")
    return value


def _elementwise(scratch: _Scratch, start: str, calls: list[str]) -> list[Any]:
    """Each call's arguments (text) in a cell of its own, evaluated together; an array answer is #CALC!
    (an uncalled LAMBDA is formualizer's #CALC!)."""
    for i, args in enumerate(calls, start=1):
        scratch.formula(OUT, i, 1, f"={start}_xlmodel_r,_xlmodel_f({args}),"
                                   "IF(ROWS(_xlmodel_r)*COLUMNS(_xlmodel_r)>1,LAMBDA(_xlmodel_x,_xlmodel_x),_xlmodel_r))")
    return scratch.wb.evaluate_cells([(OUT, i, 1) for i in range(1, len(calls) + 1)])


def _spilled(scratch: _Scratch, sheet: str, row: int, col: int) -> Any:
    """A cell's value after ``evaluate_cell``: the whole array when its formula spilled (the call gives its first)."""
    value = scratch.wb.evaluate_cell(sheet, row, col)
    spill = scratch.wb.inspect_cell(f"{_quoted(sheet)}!{get_column_letter(col)}{row}").cell.spill
    if spill is None or spill.kind != fz.SpillRoleKind.Anchor or not spill.extent:
        return value
    min_col, min_row, max_col, max_row = range_boundaries(spill.extent.split("!")[-1].replace("$", ""))
    return scratch.wb.sheet(sheet).get_values(fz.RangeAddress(sheet, min_row, min_col, max_row, max_col))


def _shape(grids: list[list[list[Any]]]) -> tuple[int, int]:
    return max(len(g) for g in grids), max(len(g[0]) for g in grids)


def _element(grid: list[list[Any]], r: int, c: int) -> Any:
    """Element (r, c) as Excel pairs arrays of different sizes: a single row or column repeats, else #N/A."""
    rr = 0 if len(grid) == 1 else r
    cc = 0 if len(grid[0]) == 1 else c
    return grid[rr][cc] if rr < len(grid) and cc < len(grid[rr]) else error_value("Na")


def _rows(values: list[Any], rows: int, cols: int) -> list[list[Any]]:
    return [values[r * cols:(r + 1) * cols] for r in range(rows)]


def _map(lam: Lambda, outside: tuple, arrays: tuple) -> Any:
    if lam.params != len(arrays) or not arrays:
        return error_value("Value")
    grids = [_grid(a) for a in arrays]
    rows, cols = _shape(grids)

    def evaluate(scratch: _Scratch, start: str) -> Any:
        calls = []
        for i, (r, c) in enumerate(((r, c) for r in range(rows) for c in range(cols)), start=1):
            for k, grid in enumerate(grids, start=1):
                scratch.put(ARGS, i, k, _element(grid, r, c))
            calls.append(",".join(f"{ARGS}!{get_column_letter(k)}{i}" for k in range(1, len(grids) + 1)))
        return _rows(_elementwise(scratch, start, calls), rows, cols)

    return _call_lambda(lam, outside, evaluate)


def _by(lam: Lambda, outside: tuple, array: Any, by_row: bool) -> Any:
    if lam.params != 1:
        return error_value("Value")
    grid = _grid(array)
    rows, cols = len(grid), len(grid[0])

    def evaluate(scratch: _Scratch, start: str) -> Any:
        calls = []
        for i in range(rows if by_row else cols):
            part = [grid[i]] if by_row else [[grid[r][i]] for r in range(rows)]
            calls.append(scratch.put_grid(ARGS, 1 + i if by_row else 1, 1 if by_row else 1 + i, part))
        answers = _elementwise(scratch, start, calls)
        return [[a] for a in answers] if by_row else [answers]

    return _call_lambda(lam, outside, evaluate)


def _makearray(lam: Lambda, outside: tuple, rows: Any, cols: Any) -> Any:
    if lam.params != 2:
        return error_value("Value")
    try:
        n_rows, n_cols = int(float(rows)), int(float(cols))
    except (TypeError, ValueError):
        return error_value("Value")
    if n_rows < 1 or n_cols < 1:
        return error_value("Value")

    def evaluate(scratch: _Scratch, start: str) -> Any:
        calls = [f"{r},{c}" for r in range(1, n_rows + 1) for c in range(1, n_cols + 1)]
        return _rows(_elementwise(scratch, start, calls), n_rows, n_cols)

    return _call_lambda(lam, outside, evaluate)


def _fold(lam: Lambda, outside: tuple, initial: Any, array: Any, scan: bool) -> Any:
    """REDUCE (the last accumulator) and SCAN (every one, in the array's shape), one element at a time."""
    if lam.params != 2:
        return error_value("Value")
    if is_error(array):
        return array
    grid = _grid(array)
    rows, cols = len(grid), len(grid[0])
    values = [v for row in grid for v in row]

    def evaluate(scratch: _Scratch, start: str) -> Any:
        acc = values[0] if lam.omitted_initial else initial
        steps = [acc] if lam.omitted_initial else []
        shape = None
        for x in values[1:] if lam.omitted_initial else values:
            area = _grid(acc)
            if shape != (len(area), len(area[0])):  # the accumulator's cells, and the call reading them
                for sheet, row, col in [w for w in scratch.written if w[0] == ACC]:
                    scratch.put(ACC, row, col, None)
                shape = (len(area), len(area[0]))
                reference = scratch.put_grid(ACC, 1, 1, acc)
                scratch.formula(OUT, 1, 1, f"={start}_xlmodel_f({reference},{ARGS}!A1))")
            else:
                scratch.put_grid(ACC, 1, 1, acc)
            scratch.put(ARGS, 1, 1, x)
            acc = _spilled(scratch, OUT, 1, 1)
            if scan:
                acc = _one(acc)
                steps.append(acc)
        return _rows(steps, rows, cols) if scan else acc

    return _call_lambda(lam, outside, evaluate)


def _callback(kind: str) -> Callable[..., Any]:
    def run(ident: Any, *args: Any) -> Any:
        lam = _LAMBDAS[int(ident)]
        outside, own = args[:len(lam.reads)], args[len(lam.reads):]
        if kind == "MAP":
            return _map(lam, outside, own)
        if kind in ("BYROW", "BYCOL"):
            return _by(lam, outside, own[0], kind == "BYROW") if len(own) == 1 else error_value("Value")
        if kind == "MAKEARRAY":
            return _makearray(lam, outside, *own) if len(own) == 2 else error_value("Value")
        return _fold(lam, outside, own[0], own[1], kind == "SCAN") if len(own) == 2 else error_value("Value")

    run.__name__ = PYTHON[kind]
    return run


def register(wb: fz.Workbook, every_function: Callable[[fz.Workbook], None] | None = None) -> None:
    """Register the helpers' Python versions; ``every_function`` registers all of xlmodel's (excel_gaps'), which a
    scratch workbook evaluating a LAMBDA gets too (passed in: this module cannot import excel_gaps back)."""
    if every_function is not None:
        _REGISTRAR[0] = every_function
    for kind, name in PYTHON.items():
        wb.register_function(name, _callback(kind), min_args=2, max_args=255)



