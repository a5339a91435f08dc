"""Formula text and A1 addresses: openpyxl's tokenizer and translator, loaded on first use.

Importing openpyxl costs about 0.1 s (its package imports its whole workbook model),
a tenth of recalculating 50,000 formulas; most formulas of a model are never
tokenized, so ``xlmodel calc`` imports it only when a formula needs editing. The
column arithmetic every recalculation does is here without it.
"""

from __future__ import annotations

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


def Tokenizer(formula: str) -> Any:  # stands in for openpyxl's class of that name
    """openpyxl's ``Tokenizer(formula)`` (its ``.items`` are the tokens)."""
    from openpyxl.formula import tokenizer

    try:
        return tokenizer.Tokenizer(formula)
    except tokenizer.TokenizerError as exc:
        raise TokenizerError(str(exc)) from None


def Translator(formula: str, origin: str) -> Any:  # stands in for openpyxl's class of that name
    """openpyxl's ``Translator``: ``.translate_formula(dest)`` moves the formula's relative references."""
    from openpyxl.formula.translate import Translator as translator

    return translator(formula, origin=origin)


def range_boundaries(ref: str) -> tuple[int | None, int | None, int | None, int | None]:
    """openpyxl's ``range_boundaries``: (min_col, min_row, max_col, max_row), None for a whole row or column."""
    from openpyxl.utils.cell import range_boundaries as boundaries

    return boundaries(ref)


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
