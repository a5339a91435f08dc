"""Valuation as Excel functions (``VAL_*``)."""
