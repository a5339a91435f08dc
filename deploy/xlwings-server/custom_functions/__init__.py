"""xlmodel's Excel functions as xlwings Server custom functions: the same module every runtime uses."""

from xlmodel.excel.udfs import *
