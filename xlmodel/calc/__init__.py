"""Recalculate any workbook without Excel: not only the template, any .xlsx or .xlsm.

- ``engine``: the formualizer engine with xlmodel's functions registered, the calculated copy;
- ``excel_gaps``: what Excel does that the engine does not do by itself, one function a gap;
- ``package``: the file checks that run before any work, and what the engine loses on load;
- ``xlsxpatch``: cell edits inside the package, every other part kept byte for byte;
- ``report``: what ``xlmodel calc`` prints; ``render``: a sheet to PNG through LibreOffice.

Imports: ``xlmodel.excel`` (the function list) and ``xlmodel.core``, nothing of
``template``, ``refresh`` or ``data``.
"""
