"""A formula as a tree of calls and brackets, for edits that move or wrap whole arguments.

The other modules that edit formulas walk the flat token list; inlining a defined name or
turning a LAMBDA helper into a call of xlmodel's needs each call's arguments as units
(``MAP(A1:A3,LAMBDA(x,x*2))`` is a call of two arguments, the second a call of two).
:func:`parse` gives the nodes, :func:`render` spells them back exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Union

from xlmodel.calc.formula_text import FormulaToken, Token, Tokenizer

PREFIXES = re.compile(r"^(?:_xlfn\.|_xlws\.)+", re.IGNORECASE)
CALLED = re.compile(r"(?<![\w.])(?:_XLFN\.|_XLWS\.)*([A-Z][A-Z0-9.]*)\s*\(")  # in upper-case text


def calls_any(text: str, names: frozenset[str]) -> bool:
    """Whether ``text`` calls a function of ``names`` (upper case, unprefixed): the called names found by one
    simple pattern and looked up, far quicker than a pattern of hundreds of alternatives."""
    return "(" in text and not names.isdisjoint(CALLED.findall(text.upper()))


@dataclass
class Call:
    """A function call: its opening token as written (``SUM(``, ``_xlfn.MAP(``, ``@INDEX(``), its arguments."""

    head: str
    args: list[list[Node]] = field(default_factory=lambda: [[]])
    seps: list[str] = field(default_factory=list)  # what separates the arguments, as written
    close: str = ")"

    @property
    def name(self) -> str:
        """``MAP`` for ``_xlfn.MAP(``; ``INDEX`` for ``A1:INDEX(`` and ``@INDEX(``."""
        return PREFIXES.sub("", self.head[:-1].rpartition(":")[2].lstrip("@")).upper()


@dataclass
class Group:
    """A bracketed part: ``( ... )`` or an array constant ``{ ... }``."""

    open: str
    items: list[Node] = field(default_factory=list)
    close: str = ""


Node = Union[FormulaToken, str, Call, Group]  # a str is text put in by an edit, rendered as it is


def parse(formula: str) -> list[Node]:
    """The nodes of ``formula`` (with or without its leading ``=``)."""
    text = formula if formula.startswith("=") else "=" + formula
    root: list[Node] = []
    stack: list[Call | Group] = []

    def place(node: Node) -> None:
        top = stack[-1] if stack else None
        if isinstance(top, Call):
            top.args[-1].append(node)
        elif isinstance(top, Group):
            top.items.append(node)
        else:
            root.append(node)

    for tok in Tokenizer(text).items:
        kind = (tok.type, tok.subtype)
        if kind == (Token.FUNC, Token.OPEN):
            call = Call(tok.value)
            place(call)
            stack.append(call)
        elif kind in ((Token.PAREN, Token.OPEN), (Token.ARRAY, Token.OPEN)):
            group = Group(tok.value)
            place(group)
            stack.append(group)
        elif tok.subtype == Token.CLOSE and tok.type in (Token.FUNC, Token.PAREN, Token.ARRAY) and stack:
            stack.pop().close = tok.value
        elif kind == (Token.SEP, Token.ARG) and stack and isinstance(stack[-1], Call):
            stack[-1].seps.append(tok.value)
            stack[-1].args.append([])
        else:
            place(tok)
    return root


def render(nodes: list[Node]) -> str:
    """The text of ``nodes`` (no leading ``=``)."""
    out: list[str] = []
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, Call):
            out.append(node.head)
            for i, arg in enumerate(node.args):
                if i:
                    out.append(node.seps[i - 1])
                out.append(render(arg))
            out.append(node.close)
        elif isinstance(node, Group):
            out.append(node.open + render(node.items) + node.close)
        else:
            out.append(node.value)
    return "".join(out)


def is_range(node: Node) -> bool:
    """A reference or name operand (``A1``, ``Sheet1!A1:B2``, ``rate``, ``x``)."""
    return isinstance(node, FormulaToken) and node.type == Token.OPERAND and node.subtype == Token.RANGE


def meaningful(nodes: list[Node]) -> list[Node]:
    """``nodes`` without white space."""
    return [n for n in nodes if not (isinstance(n, FormulaToken) and n.type == Token.WSPACE)]


def walk(nodes: list[Node]):
    """Every node, depth first (a call's arguments and a group's items after the call or group)."""
    for node in nodes:
        yield node
        if isinstance(node, Call):
            for arg in node.args:
                yield from walk(arg)
        elif isinstance(node, Group):
            yield from walk(node.items)
