"""The analyst's workbook template (``xlmodel template``), one module per sheet.

- ``builder``: the workbook, its README, Inputs and xlwings.conf sheets, and the sheet order;
- ``mining``, ``colocation``, ``bridge``, ``peers``: the model sheets named so;
- ``datasheets``: Settings, and the Data_* and Sources sheets filled from the embedded data;
- ``layout``: styles, labelled rows and the Data_Company lookup every sheet shares.

Imports: ``xlmodel.excel``/``xlmodel.core`` for functions, ``xlmodel.data`` for the embedded,
sourced data and the data sheets' layout; never ``calc`` (the template is written, not
recalculated, here) and never ``refresh``.
"""
