"""xlwings Server custom scripts: the workbook's Refresh button."""

from .refresh import refresh

__all__ = ["refresh"]
