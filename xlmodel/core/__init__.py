"""Pure, vectorized model functions: no Excel, no I/O.

Modules read like a formula sheet: one function per quantity, units in the docstring.
"""

from xlmodel.core import mining

__all__ = ["mining"]
