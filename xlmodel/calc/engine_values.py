"""The formualizer engine's error values, as its Python binding hands them over: ``{"type": "Error", "kind": ...}``.

One home for what every module that reads or returns engine values needs (the
engine module, the functions registered with the engine, the checks).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ERROR_KINDS = {"Div": "#DIV/0!", "Na": "#N/A", "Name": "#NAME?", "Value": "#VALUE!", "Ref": "#REF!",
               "Num": "#NUM!", "Null": "#NULL!", "Spill": "#SPILL!", "Calc": "#CALC!", "Circ": "#CIRC!",
               "GettingData": "#GETTING_DATA", "NImpl": "#N/IMPL!"}
KIND_OF_CODE = {code: kind for kind, code in ERROR_KINDS.items()}


@dataclass(frozen=True)
class ErrorValue:
    """An Excel error value computed by the engine (``#DIV/0!``, ``#N/A``, ...).

    ``detail``: what Excel records beside the error in the file, for the errors it stores
    as rich values (a :class:`xlmodel.calc.rich_data.RichError`); not part of equality.
    """

    code: str
    detail: Any = field(default=None, compare=False, repr=False)

    def __str__(self) -> str:
        return self.code


def error_value(kind: str) -> dict:
    """The engine's error value of ``kind`` (``"Na"``, ``"Value"``, ...)."""
    return {"type": "Error", "kind": kind}


def is_error(value: Any) -> bool:
    return isinstance(value, dict) and value.get("type") == "Error"
