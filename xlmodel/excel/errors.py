"""What a cell shows when an xlmodel function cannot compute."""

from __future__ import annotations

from typing import Self


class ArgumentError(ValueError):
    """Bad input for a whole call: the message names the argument and what was wrong."""


class CellError(str):
    """An error value as a cell shows it: ``#VALUE! <message>``.

    A ``str`` so that every runtime writes it as the text the analyst reads (classic
    xlwings and Office.js alike); arithmetic on it in Excel gives ``#VALUE!``, so it
    never passes for a number. ``code`` and ``message`` keep the two parts.
    """

    code: str
    message: str

    def __new__(cls, message: str, code: str = "#VALUE!") -> Self:
        self = super().__new__(cls, f"{code} {message}")
        self.code = code
        self.message = message
        return self

    def __reduce__(self):
        return (CellError, (self.message, self.code))
