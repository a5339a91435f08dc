"""Scenarios as Excel functions (``SCN_*``)."""
