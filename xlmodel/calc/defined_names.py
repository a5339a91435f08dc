"""Defined names as Excel resolves them, where formualizer 0.13 does not.

Upstream: formualizer 0.13 loads a defined name that is a plain reference, a constant or
simple arithmetic, and resolves it unqualified; it answers ``#NAME?`` for

- a name qualified by its sheet (``=Inputs!Rate``, ``=SUM('FY 2024'!Revenue)``), even one it loaded;
- a name whose definition calls a function (``=OFFSET(Data!$A$1,0,0,COUNT(Data!$A:$A),1)``,
  the "dynamic range" of older models), holds a relative reference (``=Data!B5``) or is a
  LAMBDA (``week = LAMBDA(d, ...)``, called as ``=week(A2)``): it leaves them out on load;

and ``#REF!`` for ``INDIRECT("'"&B$21&"'!Year.NetBalance")``, a sheet-scoped name reached
through text (a model that builds the sheet's name from a cell). Here each formula using
such a name is given what Excel means: the name's definition in its place (a relative
reference moved to the cell using it, as Excel reads a name saved relative to A1), a
LAMBDA bound with ``LET`` around its call (``LET(_xlmodel_week, LAMBDA(...), _xlmodel_week(A2))``,
which formualizer evaluates), and INDIRECT's text turned into the name's cells by
``XLMODEL_NAME_ADDRESS`` before INDIRECT reads it. A name whose definition reaches itself
(a recursive LAMBDA) is left as it is: the engine cannot call a LAMBDA from its own body.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
import formualizer as fz

from xlmodel.calc.formula_text import FormulaToken, column_index_from_string, get_column_letter
from xlmodel.calc.formula_tree import Call, Group, Node, is_range, meaningful, parse, render
from xlmodel.calc.package import DefinedName

DEFINED_NAME = re.compile(rb"<definedName\b[^>]*>([^<]*)</definedName>")
LITERAL = re.compile(r'^(?:[-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|"(?:[^"]|"")*"|TRUE|FALSE|#REF!)$', re.IGNORECASE)

ADDRESS_FUNCTION = "XLMODEL_NAME_ADDRESS"
SHEET = r"(?:'(?:[^']|'')+'|[^'!:()\s,]+)"
CELL = r"\$?[A-Za-z]{1,3}\$?\d+"
# a plain reference: a cell or an area of one sheet, as a name saved by Excel spells it
STATIC = re.compile(rf"^{SHEET}!{CELL}(?::{CELL})?$")
CELLS = re.compile(rf"^(?:{CELL}(?::{CELL})?|\$?[A-Za-z]{{1,3}}:\$?[A-Za-z]{{1,3}}|\$?\d+:\$?\d+)$")
A1_PART = re.compile(r"(\$?)([A-Za-z]{1,3})(\$?)(\d+)")
ROWS, COLUMNS = 1_048_576, 16_384
MAX_DEPTH = 16  # names defined through names, this deep at most
WORD = re.compile(r"(?<![\w.$\\])[^\W\d][\w.]*|\\[\w.]+")  # a word that may be a name (names may start with "\")
QUALIFIED_WORD = re.compile(r"!([^\W\d][\w.]*|\\[\w.]+)")
BINDING = "_xlmodel_"  # what a LAMBDA name is bound to in LET: formualizer calls a builtin of the same name


def unquoted(sheet: str) -> str:
    return sheet[1:-1].replace("''", "'") if sheet.startswith("'") and sheet.endswith("'") else sheet


def quoted(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def is_lambda(text: str) -> bool:
    return re.match(r"^(?:_xlfn\.)?LAMBDA\s*\(", text, re.IGNORECASE) is not None


class Names:
    """The workbook's defined names, and the edits that make formualizer read them as Excel does."""

    def __init__(self, defined: Iterable[DefinedName], loaded: Iterable[tuple[str | None, str]] = (),
                 sheets: Iterable[str] = ()):
        self.by_key = {(d.sheet, d.name.upper()): d for d in defined if not d.name.lower().startswith("_xl")}
        self.sheets = {s.upper(): s for s in [*sheets, *(d.sheet for d in self.by_key.values() if d.sheet)]}
        loaded = {(sheet, name.upper()) for sheet, name in loaded}
        self.unloaded = {key for key, d in self.by_key.items() if key not in loaded}
        self._unloaded_names = frozenset(name for _, name in self.unloaded)  # left out by the engine
        self._names = frozenset(name for _, name in self.by_key)  # a name after "!", or in INDIRECT's text

    @classmethod
    def of(cls, defined: Iterable[DefinedName], wb: fz.Workbook) -> Names:
        """The names of a workbook loaded in the engine: those it left out are known from what it loaded."""
        loaded = [(e.get("scope_sheet") if e.get("scope") == "sheet" else None, e["name"]) for e in wb.get_named_ranges()]
        return cls(defined, loaded, wb.sheet_names)

    def __bool__(self) -> bool:
        return bool(self._names)

    # --- which formulas -----------------------------------------------------------------------------

    def may_edit(self, formula: str) -> bool:
        """A quick look: whether :meth:`edit` may change ``formula`` (its words looked up, no pattern of names)."""
        if not self._names:
            return False
        words = None
        if self._unloaded_names:
            words = {w.upper() for w in WORD.findall(formula)}
            if not words.isdisjoint(self._unloaded_names):
                return True
        if "!" in formula and not self._names.isdisjoint(w.upper() for w in QUALIFIED_WORD.findall(formula)):
            return True
        if "INDIRECT" in formula.upper():
            words = words if words is not None else {w.upper() for w in WORD.findall(formula)}
            return not words.isdisjoint(self._names)
        return False

    def mentioned(self, text: str) -> bool:
        return not self._names.isdisjoint(w.upper() for w in WORD.findall(text))

    def qualified(self, sheet: str, name: str) -> DefinedName | None:
        """``Sheet!Name``: the sheet's own name, else the workbook's (Excel reads 'FY 2015'!Rate so when the
        workbook names Rate; tests/oracle/tamc_utf8-strings.xlsx, 工作表1!B11), None for a sheet not in the book."""
        sheet = self.sheets.get(unquoted(sheet).upper())
        return self.lookup(name, sheet) if sheet else None

    def is_area(self, text: str, sheet: str) -> bool:
        """Whether a name as written in a formula on ``sheet`` stands for more than one cell."""
        return self.area(text, sheet) is not None

    def area(self, text: str, sheet: str) -> str | None:
        """The cells (``S!$A$1:$A$4``) of a name as written in a formula on ``sheet``, if it stands for several."""
        where, bang, name = text.lstrip("@").rpartition("!")
        d = self.qualified(where, name) if bang else self.lookup(name, sheet)
        return d.text if d is not None and STATIC.match(d.text) and ":" in d.text.rpartition("!")[2] else None

    def lookup(self, name: str, sheet: str | None) -> DefinedName | None:
        """The name as a formula on ``sheet`` sees it: the sheet's own name first, then the workbook's."""
        key = name.upper()
        return self.by_key.get((sheet, key)) or self.by_key.get((None, key))

    # --- the edits -----------------------------------------------------------------------------------

    def edit(self, formula: str, sheet: str, address: str) -> str:
        """``formula`` in ``sheet``!``address`` with the names the engine misreads written as Excel means them."""
        row, col = _position(address)
        try:
            nodes = parse(formula)
        except ValueError:
            return formula
        return "=" + render(self._nodes(nodes, sheet, row, col, frozenset(), 0))

    def _nodes(self, nodes: list[Node], sheet: str, row: int, col: int, bound: frozenset, depth: int) -> list[Node]:
        out: list[Node] = []
        for node in nodes:
            if isinstance(node, Call):
                out.append(self._call(node, sheet, row, col, bound, depth))
            elif isinstance(node, Group):
                out.append(Group(node.open, self._nodes(node.items, sheet, row, col, bound, depth), node.close))
            elif is_range(node):
                out.append(self._operand(node, sheet, row, col, bound, depth))
            else:
                out.append(node)
        return out

    def _operand(self, tok: FormulaToken, sheet: str, row: int, col: int, bound: frozenset, depth: int) -> Node:
        text = tok.value
        at, text = ("@", text[1:]) if text.startswith("@") else ("", text)
        where, bang, name = text.rpartition("!")
        if bang:  # Sheet!Name (the engine answers #NAME? for any)
            d = self.qualified(where, name)
            if d is None:
                return tok
        else:
            if text.upper() in bound or CELLS.match(text):
                return tok
            d = self.lookup(text, sheet)
            if d is None or (d.sheet, d.name.upper()) not in self.unloaded or is_lambda(d.text):
                return tok
        inlined = self._definition(d, sheet, row, col, depth)
        return tok if inlined is None else at + inlined

    def _definition(self, d: DefinedName, sheet: str, row: int, col: int, depth: int) -> str | None:
        """The name's definition as text to put where it is used, or None to leave the name (too deep)."""
        if depth >= MAX_DEPTH:
            return None
        text = moved(d.text, row, col)
        try:
            nodes = meaningful(parse(text))
        except ValueError:
            return None
        text = render(self._nodes(parse(text), d.sheet or sheet, row, col, frozenset(), depth + 1))
        atomic = len(nodes) == 1 and (is_range(nodes[0]) or isinstance(nodes[0], (Call, Group)))
        return text if atomic or STATIC.match(text) else f"({text})"

    def _call(self, call: Call, sheet: str, row: int, col: int, bound: frozenset, depth: int) -> Node:
        name = call.name
        inner = bound
        args = []
        last = len(call.args) - 1
        for i, arg in enumerate(call.args):
            if name in ("LET", "LAMBDA") and i < last and (name == "LAMBDA" or i % 2 == 0):
                args.append(arg)  # a name the call binds
                continue
            if name in ("LET", "LAMBDA"):
                inner = bound | _bound_names(call, name, i)
            args.append(self._nodes(arg, sheet, row, col, inner, depth))
        edited = Call(call.head, args, call.seps, call.close)
        if name == "INDIRECT" and self.mentioned(render(args[0])):  # INDIRECT("'"&B$21&"'!Year.NetBalance")
            edited.args[0] = [f'{ADDRESS_FUNCTION}(', *args[0], f',{_text_literal(sheet)})']
        head = call.head[:-1].lstrip("@")
        if name.upper() not in bound and ":" not in head and "!" not in head:
            d = self.lookup(head, sheet)
            if d is not None and is_lambda(d.text) and (d.sheet, d.name.upper()) in self.unloaded:
                return self._bound_lambda(d, edited, sheet, row, col, depth)
        return edited

    def _bound_lambda(self, d: DefinedName, call: Call, sheet: str, row: int, col: int, depth: int) -> Node:
        """``week(A2)`` as ``LET(_xlmodel_week,LAMBDA(...),_xlmodel_week(A2))``; the call as it is if recursive."""
        definition = self._definition(d, sheet, row, col, depth)
        if definition is None or _calls(definition, d.name):
            return call
        binding = BINDING + re.sub(r"\W", "_", d.name)
        at = "@" if call.head.startswith("@") else ""
        return f"{at}LET({binding},{definition},{binding}(" + \
            ",".join(render(a) for a in call.args) + "))"

    # --- INDIRECT ------------------------------------------------------------------------------------

    def address(self, text, sheet=None):
        """INDIRECT's text naming a defined name with a sheet (``'FY 2024'!Revenue``) turned into that name's cells.

        Anything else comes back as it was, for INDIRECT to read.
        """
        if not isinstance(text, str) or "!" not in text:
            return text
        where, _, name = text.strip().rpartition("!")
        d = self.qualified(where, name)
        return d.text if d is not None and STATIC.match(d.text) else text

    def register(self, wb: fz.Workbook) -> None:
        """Make :meth:`address` the workbook's ``XLMODEL_NAME_ADDRESS`` (in place of the one that passes text on)."""
        wb.unregister_function(ADDRESS_FUNCTION)
        wb.register_function(ADDRESS_FUNCTION, self.address, min_args=1, max_args=2)


def refused(exc: BaseException) -> bool:
    """Whether the engine refused a workbook for one of its defined names (``Undefined name: Sheet1!Range_Sum``,
    a name defined through a name qualified by its sheet)."""
    return "Undefined name" in str(exc)


def plain_names_only(data: bytes) -> bytes:
    """The package with only the defined names formualizer reads (plain references and constants) in its
    workbook part; the others are written into the formulas using them (:class:`Names`)."""
    def keep(match: re.Match) -> bytes:
        text = match.group(1).decode("utf-8", "replace").strip()
        text = text.replace("&quot;", '"').replace("&apos;", "'").replace("&amp;", "&")
        return match.group(0) if STATIC.match(text) or LITERAL.match(text) else b""

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            part = zin.read(info.filename)
            if info.filename == "xl/workbook.xml":
                part = DEFINED_NAME.sub(keep, part).replace(b"<definedNames></definedNames>", b"")
            zout.writestr(info, part)
    return out.getvalue()


def passes_on(text, sheet=None):
    """``XLMODEL_NAME_ADDRESS`` before a workbook's names are known: INDIRECT's text as it is."""
    return text


def register(wb: fz.Workbook) -> None:
    wb.register_function(ADDRESS_FUNCTION, passes_on, min_args=1, max_args=2)


def _bound_names(call: Call, name: str, i: int) -> frozenset:
    """The names a LET (its first, third, ... arguments) or a LAMBDA (all but its last) binds before argument ``i``."""
    positions = range(0, i, 2) if name == "LET" else range(len(call.args) - 1)
    out = set()
    for p in positions:
        parts = meaningful(call.args[p])
        if len(parts) == 1 and is_range(parts[0]):
            out.add(parts[0].value.upper())
            out.add(parts[0].value.upper().removeprefix("_XLPM."))
    return frozenset(out)


def _calls(text: str, name: str) -> bool:
    return re.search(rf"(?<![\w.]){re.escape(name)}\s*\(", text, re.IGNORECASE) is not None


def _text_literal(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _position(address: str) -> tuple[int, int]:
    match = A1_PART.fullmatch(address)
    return (int(match.group(4)), column_index_from_string(match.group(2).upper())) if match else (1, 1)


def moved(definition: str, row: int, col: int) -> str:
    """A name's definition as read from ``row``, ``col``: its relative references moved from A1 (Excel's origin
    for a defined name), wrapping around the sheet's edge as Excel does."""
    if (row, col) == (1, 1) or all(m.group(1) and m.group(3) for m in A1_PART.finditer(definition)):
        return definition
    try:
        nodes = parse(definition)
    except ValueError:
        return definition

    def shift(match: re.Match) -> str:
        col_abs, letters, row_abs, digits = match.groups()
        c = column_index_from_string(letters.upper())
        r = int(digits)
        if not col_abs:
            c = (c - 1 + col - 1) % COLUMNS + 1
        if not row_abs:
            r = (r - 1 + row - 1) % ROWS + 1
        return f"{col_abs}{get_column_letter(c)}{row_abs}{r}"

    def visit(items: list[Node]) -> list[Node]:
        out: list[Node] = []
        for node in items:
            if isinstance(node, Call):
                out.append(Call(node.head, [visit(a) for a in node.args], node.seps, node.close))
            elif isinstance(node, Group):
                out.append(Group(node.open, visit(node.items), node.close))
            elif is_range(node):
                where, bang, cells = node.value.rpartition("!")
                if CELLS.match(cells):
                    cells = A1_PART.sub(shift, cells)
                out.append(where + bang + cells)
            else:
                out.append(node)
        return out

    return render(visit(nodes))

