
"""References that a function reads only for their address, which Excel does not count as cycles.

``=ROW(C1)`` in C1, ``=SUM(OFFSET(E5,-4,0,4,1))`` in E5 and the scenario selector
``=OFFSET(H19, MATCH($B$2, $A20:$A22, 0), 0)`` in H19 read where a cell is, never
its value, so Excel computes them. The engine module asks formualizer for runtime
cycle detection (only cycles through values actually read are cycles), which
settles ROW, COLUMN, OFFSET, ISREF and INDEX used as a reference. Where the engine
still stamps ``#CIRC!``, this module rewrites each address-only argument of the
formulas concerned to the same reference through INDIRECT, which names the range
without making the cell depend on its values, and the workbook is evaluated again;
a true cycle stays ``#CIRC!``.

Upstream: formualizer 0.13 with ``cycle_detection = "runtime"`` still answers
``#CIRC!`` for ``=ROWS(A1:A5)`` in A4, ``=COLUMNS(A5:C5)`` in A5 and
``=CELL("address",A1)`` in A1 (Excel: 5, 3 and ``$A$1``).
"""

from __future__ import annotations

from xlmodel.calc.formula_text import Token, Tokenizer, range_boundaries

# function -> index of its argument read only for its address
ADDRESS_ARGUMENT = {"OFFSET": 0, "ROW": 0, "COLUMN": 0, "ROWS": 0, "COLUMNS": 0, "ISREF": 0, "CELL": 1}
CELL_ADDRESS_INFO = {"ADDRESS", "ROW", "COL"}  # CELL's info types that need no value
REFERENCE_RESULT = {"INDEX"}  # functions that return a reference whose first argument is then address-only


def _name(tok: Token) -> str:
    """The called function's name (``A1:INDEX(`` is one token to openpyxl: a range ending in a call)."""
    return tok.value[:-1].rsplit(":", 1)[-1].upper().removeprefix("_XLFN.").removeprefix("@")


def unlink(formula: str, sheet: str) -> str:
    """``formula`` with each address-only reference argument written as ``INDIRECT("Sheet!ref")``.

    Only an argument that is one plain reference (a cell, a range or a name) is
    rewritten; an expression there is left as it is. ``sheet`` qualifies references
    written without a sheet, so the text names the same cells.
    """
    every = Tokenizer(formula).items
    out = [t.value for t in every]
    where = [n for n, t in enumerate(every) if t.type != Token.WSPACE]  # spaces kept: one is an operator
    tokens = [every[n] for n in where]
    stack: list[list] = []  # per open call: [name, argument index, returns a reference read for its address]
    for i, tok in enumerate(tokens):
        prev_tok = tokens[i - 1] if i else None
        next_tok = tokens[i + 1] if i + 1 < len(tokens) else None
        if tok.type == Token.FUNC and tok.subtype == Token.OPEN:
            as_reference = _name(tok) in REFERENCE_RESULT and (
                ":" in tok.value or _range_follows(tokens, i)
                or (_address_position(stack, tokens, i) and _opens_argument(prev_tok)))
            stack.append([_name(tok), 0, as_reference])
        elif tok.type in (Token.ARRAY, Token.PAREN) and tok.subtype == Token.OPEN:
            stack.append(["", 0, False])  # its commas separate no arguments of the call around it
        elif tok.type in (Token.FUNC, Token.ARRAY, Token.PAREN) and tok.subtype == Token.CLOSE and stack:
            stack.pop()
        elif tok.type == Token.SEP and tok.subtype == Token.ARG and stack:
            stack[-1][1] += 1
        elif (tok.type == Token.OPERAND and tok.subtype == Token.RANGE and not tok.value.startswith(("#", "[", ":"))
              and _opens_argument(prev_tok) and _closes_argument(next_tok) and _address_position(stack, tokens, i)):
            out[where[i]] = _indirect(tok.value, sheet)
    return "=" + "".join(out)


def _address_position(stack: list[list], tokens: list[Token], i: int) -> bool:
    """Whether token ``i`` is in an argument that the innermost open call reads only for its address."""
    if not stack:
        return False
    name, arg, as_reference = stack[-1]
    if as_reference and arg == 0:
        return True
    if ADDRESS_ARGUMENT.get(name) != arg:
        return False
    return name != "CELL" or _cell_info(tokens, i) in CELL_ADDRESS_INFO


def _cell_info(tokens: list[Token], i: int) -> str | None:
    """CELL's info_type when it is a text literal: the token two before its reference argument."""
    if i >= 2 and tokens[i - 2].type == Token.OPERAND and tokens[i - 2].subtype == Token.TEXT:
        return tokens[i - 2].value.strip('"').upper()
    return None


def _opens_argument(tok: Token | None) -> bool:
    return tok is not None and (tok.type == Token.FUNC and tok.subtype == Token.OPEN
                                or tok.type == Token.SEP and tok.subtype == Token.ARG)


def _closes_argument(tok: Token | None) -> bool:
    return tok is not None and (tok.type == Token.FUNC and tok.subtype == Token.CLOSE
                                or tok.type == Token.SEP and tok.subtype == Token.ARG)


def _range_follows(tokens: list[Token], i: int) -> bool:
    """Whether the call opened at token ``i`` is the left operand of ``:`` (``INDEX(...):A3``)."""
    depth = 0
    for j in range(i, len(tokens)):
        if tokens[j].type == Token.FUNC:
            depth += 1 if tokens[j].subtype == Token.OPEN else -1
            if depth == 0:
                after = tokens[j + 1] if j + 1 < len(tokens) else None
                return after is not None and after.value.startswith(":")
    return False


def _indirect(ref: str, sheet: str) -> str:
    if "!" not in ref and not _is_name(ref):
        ref = "'" + sheet.replace("'", "''") + "'!" + ref
    return 'INDIRECT("' + ref.replace('"', '""') + '")'


def _is_name(ref: str) -> bool:
    try:
        range_boundaries(ref.replace("$", ""))
    except ValueError:
        return True
    return False


def has_address_argument(formula: str) -> bool:
    """A cheap test before tokenizing: does ``formula`` call a function with an address-only argument."""
    upper = formula.upper()
    return any(f"{name}(" in upper for name in (*ADDRESS_ARGUMENT, *REFERENCE_RESULT))
