
"""Formula rewrites for arguments the formualizer engine reads otherwise than Excel.

Each rewrite keeps the formula's meaning in Excel and spells it so the engine computes
what Excel does. They run once on the formula text, before evaluation
(:func:`xlmodel.calc.engine._prepare`), so no call is routed to Python:

- an error value in a reference argument (``INDEX(#REF!,...)``, left by a deleted range)
  is the call's answer, whatever the arguments after it hold;
- MATCH's match type as a logical (``MATCH(x,r,FALSE)``) is the number Excel makes of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from xlmodel.calc.formula_text import Token, Tokenizer, TokenizerError

ERRORS = r"#(?:NULL!|DIV/0!|VALUE!|REF!|NAME\?|NUM!|N/A)"
ERROR_LITERAL = re.compile(ERRORS + "$")
ERROR_IN_TEXT = re.compile(ERRORS, re.IGNORECASE)
MATCH_CALL = re.compile(r"(?<![\w.])MATCH\s*\(", re.IGNORECASE)
# MATCH(a,b) or MATCH(a,b,0) with no call, parenthesis or comma inside a and b: nothing to rewrite
PLAIN_ARG = r'(?:[^(),"]|"[^"]*")*'
PLAIN_MATCH = re.compile(rf"(?<![\w.])MATCH\s*\({PLAIN_ARG},{PLAIN_ARG}(?:,\s*[-+]?\d+(?:\.\d*)?\s*)?\)",
                         re.IGNORECASE)
# Parameters that take a reference (a range), by position from 1; "even"/"odd": every one from there on.
REFERENCE_PARAMETERS: dict[str, tuple] = {
    "INDEX": (1,), "MATCH": (2,), "XMATCH": (2,), "LOOKUP": (2, 3), "VLOOKUP": (2,), "HLOOKUP": (2,),
    "XLOOKUP": (2, 3), "ROWS": (1,), "COLUMNS": (1,), "ROW": (1,), "COLUMN": (1,), "OFFSET": (1,),
    "COUNTBLANK": (1,), "COUNTIF": (1,), "SUMIF": (1, 3), "AVERAGEIF": (1, 3), "COUNTIFS": ("odd",),
    "SUMIFS": (1, "even"), "AVERAGEIFS": (1, "even"), "MAXIFS": (1, "even"), "MINIFS": (1, "even"),
}


@dataclass
class _Call:
    """A function call as tokens: its name token, its arguments (each a list of parts), its close."""

    open: Token
    args: list[list] = field(default_factory=lambda: [[]])
    close: Token | None = None

    @property
    def name(self) -> str:
        return self.open.value[:-1].upper().removeprefix("_XLFN.").removeprefix("_XLWS.")


def needs_rewriting(formula: str) -> bool:
    """Whether the formula may hold an argument rewritten here (a cheap look at the text).

    Tokenizing costs about 50 microseconds a formula; most MATCH calls are plain ones.
    """
    if ERROR_IN_TEXT.search(formula):
        return True
    calls = len(MATCH_CALL.findall(formula))
    return calls > 0 and calls > len(PLAIN_MATCH.findall(formula))


# MATCH(a,b,FALSE) with a and b plain, in a formula without text: the logical as a number, no tokenizing
LOGICAL_MATCH = re.compile(rf"((?<![\w.])MATCH\s*\({PLAIN_ARG},{PLAIN_ARG},\s*)(TRUE|FALSE)(\s*\))", re.IGNORECASE)


@lru_cache(maxsize=8192)
def rewrite_arguments(formula: str) -> str:
    """The formula with each rewrite of this module made; the same text when none applies."""
    if '"' not in formula and not ERROR_IN_TEXT.search(formula):
        quick = LOGICAL_MATCH.sub(lambda m: m[1] + ("1" if m[2].upper() == "TRUE" else "0") + m[3], formula)
        if not needs_rewriting(quick):  # every MATCH is now plain: the tokenizer would write the same
            return quick
    try:
        parts = _parse(Tokenizer(formula).items)
    except (TokenizerError, ValueError, IndexError):  # what openpyxl cannot read is left as it is
        return formula
    return "=" + _text(_rewrite(parts))


def _parse(tokens: list[Token]) -> list:
    """Tokens as a tree: each function call a :class:`_Call` holding its arguments' parts."""
    root: list = []
    stack: list[_Call | None] = []  # None for an array or parenthesis: its commas separate no arguments
    current = [root]
    for tok in tokens:
        if tok.subtype == Token.OPEN and tok.type in (Token.FUNC, Token.ARRAY, Token.PAREN):
            if tok.type == Token.FUNC:
                call = _Call(tok)
                current[-1].append(call)
                stack.append(call)
                current.append(call.args[0])
                continue
            stack.append(None)
        elif tok.subtype == Token.CLOSE and tok.type in (Token.FUNC, Token.ARRAY, Token.PAREN):
            closing = stack.pop()
            if closing is not None:
                current.pop()
                closing.close = tok
                continue
        elif tok.type == Token.SEP and tok.subtype == Token.ARG and stack and stack[-1] is not None:
            stack[-1].args.append([])
            current[-1] = stack[-1].args[-1]
            continue
        current[-1].append(tok)
    if stack:
        raise ValueError("unbalanced formula")
    return root


def _rewrite(parts: list) -> list:
    out = []
    for part in parts:
        if isinstance(part, _Call):
            part.args = [_rewrite(arg) for arg in part.args]
            error = _error_of_reference_argument(part)
            if error:
                out.append(error)
                continue
            _numeric_match_type(part)
        out.append(part)
    return out


def _error_of_reference_argument(call: _Call) -> str | None:
    """The error an error-valued reference argument makes the call's answer, or None.

    Excel returns a function's first erroneous argument, in order (for OpenFormula,
    OASIS ODF 1.2 part 2, "errors propagate"); a range deleted from a formula is saved as
    ``#REF!`` in its place (``Sheet!#REF!`` when qualified). Only arguments before it
    that cannot be errors (literal numbers, text, logicals) are let pass: which error
    Excel returns when an earlier cell also holds one is not known here.
    Upstream: formualizer 0.13 answers the later argument's error, or none
    (``=INDEX(#REF!,MATCH(1,A1:A3,0))`` gives ``#N/A``, Excel ``#REF!``,
    tests/oracle/tamc_examples_global.xlsx, G.30!C2; ``=ROWS(#REF!)`` gives 1).
    """
    positions = REFERENCE_PARAMETERS.get(call.name)
    if not positions:
        return None
    for i, arg in enumerate(call.args, start=1):
        items = [p for p in arg if isinstance(p, _Call) or p.type != Token.WSPACE]
        single = items[0] if len(items) == 1 and not isinstance(items[0], _Call) else None
        error = _error_literal(single) if single is not None else None
        if error and _is_reference_parameter(positions, i):
            return error
        if items and (single is None or single.type != Token.OPERAND or single.subtype not in (
                Token.NUMBER, Token.TEXT, Token.LOGICAL)):
            return None
    return None


def _is_reference_parameter(positions: tuple, i: int) -> bool:
    return i in positions or ("even" in positions and i % 2 == 0) or ("odd" in positions and i % 2 == 1)


def _error_literal(tok: Token) -> str | None:
    """The error a literal stands for: ``#N/A``, or ``#REF!`` for a deleted range (``Sheet!#REF!``)."""
    if tok.type != Token.OPERAND:
        return None
    code = tok.value.upper()
    if tok.subtype == Token.RANGE and code.endswith("!#REF!"):
        return "#REF!"
    return code if tok.subtype == Token.ERROR and ERROR_LITERAL.match(code) else None


def _numeric_match_type(call: _Call) -> None:
    """MATCH's third argument as the number Excel reads it (FALSE is 0, exact match; TRUE is 1).

    Upstream: formualizer 0.13 reads a match type that is not a number as 1, sorted data
    (``=MATCH("b",{"c","b","a"},FALSE)`` gives ``#N/A``, Excel 2, as 0 does;
    tests/oracle/tamc_spec_test_data_ExampleSpreadsheet.xlsx, Tables!G4). A literal
    logical becomes its number; anything else that is no number literal (a cell that
    may hold FALSE or nothing, a comparison) is turned into a number with ``--``.
    """
    if call.name != "MATCH" or len(call.args) != 3:
        return
    items = [p for p in call.args[2] if isinstance(p, _Call) or p.type != Token.WSPACE]
    if not items:
        return
    single = items[0] if len(items) == 1 and not isinstance(items[0], _Call) else None
    if single is not None and single.type == Token.OPERAND and single.subtype == Token.NUMBER:
        return
    if single is not None and single.type == Token.OPERAND and single.subtype == Token.LOGICAL:
        call.args[2] = ["1" if single.value.upper() == "TRUE" else "0"]
    else:
        call.args[2] = ["--(", *items, ")"]


def _text(parts: list) -> str:
    out = []
    for part in parts:
        if isinstance(part, _Call):
            out.append(part.open.value + ",".join(_text(arg) for arg in part.args) + part.close.value)
        else:
            out.append(part if isinstance(part, str) else part.value)
    return "".join(out)
