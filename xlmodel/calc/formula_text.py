"""Formula text and A1 addresses: tokens in openpyxl's shape, its translator loaded on first use.

Formulas are tokenized by formualizer's tokenizer and handed on as openpyxl's tokens,
which the modules that edit formulas were written for. Importing openpyxl costs about
0.1 s (its package imports its whole workbook model), a tenth of recalculating 50,000
formulas, so ``xlmodel calc`` imports it only when a formula needs translating or
formualizer cannot tokenize one. The cell and range arithmetic every recalculation does
is here without it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any


class Token:
    """The type and subtype names of openpyxl's ``Token`` (tests hold them equal)."""

    OPERAND, FUNC, ARRAY, PAREN, SEP = "OPERAND", "FUNC", "ARRAY", "PAREN", "SEP"
    OP_PRE, OP_IN, OP_POST, WSPACE = "OPERATOR-PREFIX", "OPERATOR-INFIX", "OPERATOR-POSTFIX", "WHITE-SPACE"
    TEXT, NUMBER, LOGICAL, ERROR, RANGE = "TEXT", "NUMBER", "LOGICAL", "ERROR", "RANGE"
    OPEN, CLOSE, ARG, ROW = "OPEN", "CLOSE", "ARG", "ROW"


class TokenizerError(ValueError):
    """A formula openpyxl's tokenizer cannot read."""


@dataclass(slots=True)
class FormulaToken:
    """One token, with openpyxl's type, subtype and value."""

    value: str
    type: str
    subtype: str


@dataclass(slots=True)
class Tokens:
    items: list


TYPES = {"Operand": Token.OPERAND, "Func": Token.FUNC, "Array": Token.ARRAY, "Paren": Token.PAREN, "Sep": Token.SEP,
         "OpPrefix": Token.OP_PRE, "OpInfix": Token.OP_IN, "OpPostfix": Token.OP_POST, "Whitespace": Token.WSPACE}
SUBTYPES = {"Text": Token.TEXT, "Number": Token.NUMBER, "Logical": Token.LOGICAL, "Error": Token.ERROR,
            "Range": Token.RANGE, "Open": Token.OPEN, "Close": Token.CLOSE, "Arg": Token.ARG, "Row": Token.ROW}


def Tokenizer(formula: str) -> Tokens:  # stands in for openpyxl's class of that name
    """The tokens of ``formula`` as openpyxl's ``Tokenizer(formula).items`` gives them.

    formualizer's tokenizer (Rust) reads a formula about fifteen times faster; its tokens
    are turned into openpyxl's (``A1:INDEX(`` and ``@A1`` are one token there, the space
    that intersects two ranges is white space). Where its tokens do not spell the formula
    back exactly (``Sheet1!#REF!`` loses its sheet), openpyxl's tokenizer reads it.
    """
    import formualizer as fz

    try:
        tokens = _openpyxl_shaped(fz.tokenize(formula))
    except Exception:  # noqa: BLE001 - what formualizer cannot read, openpyxl is asked
        tokens = None
    if tokens is None or "".join(t.value for t in tokens) != formula[1:]:
        return _openpyxl_tokens(formula)
    return Tokens(tokens)


def _openpyxl_shaped(tokenized: Any) -> list[FormulaToken]:
    out = [FormulaToken(t.value, TYPES[str(t.token_type)], SUBTYPES.get(str(t.subtype), "")) for t in tokenized]
    i = 0
    while i < len(out):
        tok = out[i]
        nxt = out[i + 1] if i + 1 < len(out) else None
        if tok.type == Token.OP_IN and tok.value.isspace():  # the intersection operator
            tok.type = Token.WSPACE
        elif tok.type == Token.OP_PRE and tok.value == "@" and nxt is not None and nxt.type in (Token.OPERAND, Token.FUNC):
            nxt.value = "@" + nxt.value
            del out[i]
            continue
        elif tok.type == Token.OP_IN and tok.value == ":" and 0 < i and nxt is not None:
            before = out[i - 1]
            if (before.type, before.subtype) == (Token.OPERAND, Token.RANGE) and \
                    (nxt.type, nxt.subtype) == (Token.FUNC, Token.OPEN):  # A1:INDEX( is one token to openpyxl
                nxt.value = before.value + ":" + nxt.value
                del out[i - 1:i + 1]
                i -= 1
                continue
            if (before.type, before.subtype) == (Token.FUNC, Token.CLOSE) and \
                    (nxt.type, nxt.subtype) == (Token.FUNC, Token.OPEN):  # ...):OFFSET( opens a call ":OFFSET("
                nxt.value = ":" + nxt.value
                del out[i]
                continue
            if (before.type, before.subtype) == (Token.FUNC, Token.CLOSE) and \
                    (nxt.type, nxt.subtype) == (Token.OPERAND, Token.RANGE):  # ...):A3 ends with an operand ":A3"
                nxt.value = ":" + nxt.value
                del out[i]
                continue
        i += 1
    return out


def _openpyxl_tokens(formula: str) -> Tokens:
    from openpyxl.formula import tokenizer

    try:
        return Tokens(tokenizer.Tokenizer(formula).items)
    except tokenizer.TokenizerError as exc:
        raise TokenizerError(str(exc)) from None


def Translator(formula: str, origin: str) -> Any:  # stands in for openpyxl's class of that name
    """openpyxl's ``Translator``: ``.translate_formula(dest)`` moves the formula's relative references."""
    from openpyxl.formula.translate import Translator as translator

    return translator(formula, origin=origin)


RANGE = re.compile(r"^\$?([A-Za-z]{1,3})?\$?(\d+)?(:\$?([A-Za-z]{1,3})?\$?(\d+)?)?$")


def range_boundaries(ref: str) -> tuple[int | None, int | None, int | None, int | None]:
    """(min_col, min_row, max_col, max_row) of ``"A1:B2"``, None for a whole row or column, as openpyxl gives them."""
    match = RANGE.match(ref)
    if not match:
        raise ValueError(f"{ref} is not a valid coordinate or range")
    min_col, min_row, colon, max_col, max_row = match.groups()
    if colon:
        cols, rows = (min_col, max_col), (min_row, max_row)
        if not (all(cols + rows) or (all(cols) and not any(rows)) or (all(rows) and not any(cols))):
            raise ValueError(f"{ref} is not a valid coordinate or range")
    first_col = column_index_from_string(min_col) if min_col else None
    first_row = int(min_row) if min_row else None
    last_col = column_index_from_string(max_col) if max_col else first_col
    last_row = int(max_row) if max_row else first_row
    return first_col, first_row, last_col, last_row


@cache
def get_column_letter(number: int) -> str:
    """1 -> ``"A"``, 28 -> ``"AB"`` (columns are few: each is worked out once)."""
    if not 1 <= number <= 18278:
        raise ValueError(f"column {number} is outside A to ZZZ")
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@cache
def column_index_from_string(letters: str) -> int:
    """``"AB"`` -> 28."""
    if not 1 <= len(letters) <= 3 or not letters.isalpha() or not letters.isascii():
        raise ValueError(f"{letters!r} is not a column")
    number = 0
    for ch in letters.upper():
        number = number * 26 + ord(ch) - 64
    return number
