"""What ``xlmodel refresh`` and the workbook's Refresh button write into a workbook.

- ``store``: collect every source (``xlmodel.data.collect``), then write the owned sheets
  (Data_*, Sources) in one step, under a lock beside the file;
- ``xlsxfile``: the owned sheets swapped into a workbook file, replaced by an atomic rename;
- ``buttons``: the same refresh through xlwings, for a workbook open in Excel.

The grids themselves are laid out by ``xlmodel.data.grids``, which the template uses too.
Imports: ``xlmodel.data`` (the only layer that fetches) and ``xlmodel.calc``'s package
helpers; nothing of ``template``.
"""
