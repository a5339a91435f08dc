"""The Excel-facing surface: the function registry, argument checks and error text.

``call(name, *args)`` runs any xlmodel Excel function exactly as a worksheet cell would.
"""

from xlmodel.excel.errors import ArgumentError, CellError
from xlmodel.excel.registry import ExcelFunction, call, functions, get

__all__ = ["ArgumentError", "CellError", "ExcelFunction", "call", "functions", "get"]
