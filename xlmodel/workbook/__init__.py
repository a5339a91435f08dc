"""The workbook: the template, headless recalculation, and the calculated copy."""
