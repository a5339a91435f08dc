"""What a cell of an .xlsx file can hold, as Excel writes and reads it.

One home for the rules every writer of cells here follows (the calculated copy in
:mod:`xlmodel.calc.xlsxpatch`, the refreshed sheets in :mod:`xlmodel.refresh.xlsxfile`)
and the checks in tests/ooxml_check.py read back:

- an error cell's ``<v>`` holds one of the eight literals Excel reads there
  ([MS-OI29500] 2.1.755 lists them; ``#SPILL!`` and ``#CALC!`` are stored as ``#VALUE!``
  with a rich-value record, see :mod:`xlmodel.calc.excel_errors`);
- text is ECMA-376's ``ST_Xstring`` (Part 1, 22.9.2.19): a character XML cannot hold is
  written ``_xHHHH_`` (its UTF-16 code unit in hex), and a literal ``_xHHHH_`` in the text
  has its underscore written ``_x005F_`` so that it reads back as written. Excel escapes
  the control characters U+0000-U+0008 and U+000B-U+001F (carriage return included; tab and
  line feed stay), U+FFFE and U+FFFF, as XlsxWriter (whose tests compare its output with
  files Excel wrote) does in ``xmlwriter._escape_control_characters``; a lone surrogate,
  which UTF-8 cannot encode, is escaped the same way;
- a cell holds at most 32,767 characters (Excel's specifications and limits, "Total
  number of characters that a cell can contain"), counted in UTF-16 code units;
- numbers are finite: Excel has no NaN or infinity (its arithmetic gives ``#NUM!``).
"""

from __future__ import annotations

import math
import re
from typing import Any

EXCEL_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"})
TEXT_LIMIT = 32_767  # characters (UTF-16 code units) in one cell

# an underscore that starts what would read as an escape, or a character that must be escaped
_TO_ESCAPE = re.compile("_(?=x[0-9A-Fa-f]{4}_)|[\x00-\x08\x0b-\x1f\ufffe\uffff\ud800-\udfff]")
_ESCAPE = re.compile("_x([0-9A-Fa-f]{4})_")


def escape_text(text: str) -> str:
    """``text`` as Excel writes it in a cell: ``"a\\x01"`` -> ``"a_x0001_"``, ``"_x0041_"`` -> ``"_x005F_x0041_"``."""
    if _TO_ESCAPE.search(text) is None:
        return text
    return _TO_ESCAPE.sub(_escaped, text)


def _escaped(match: re.Match) -> str:
    found = match.group()
    return "_x005F_" if found == "_" else f"_x{ord(found):04X}_"


def unescape_text(text: str) -> str:
    """The text an ``ST_Xstring`` as Excel reads it stands for (the inverse of :func:`escape_text`)."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def text_length(text: str) -> int:
    """The length Excel counts: UTF-16 code units (a character beyond U+FFFF counts two)."""
    if len(text) <= TEXT_LIMIT // 2:  # cannot exceed the limit even if every character counted two
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def too_long(text: str) -> bool:
    return len(text) > TEXT_LIMIT // 2 and text_length(text) > TEXT_LIMIT


def unstorable(value: Any) -> str | None:
    """Why Excel cannot hold ``value`` in a cell (None when it can): a number that is not finite, text too long."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        return None if math.isfinite(value) else f"{value!r} is not a finite number (Excel has no NaN or infinity)"
    if isinstance(value, int):
        try:
            float(value)
        except OverflowError:
            return f"a whole number of {len(str(abs(value)))} digits is beyond Excel's number range"
        return None
    if isinstance(value, str) and too_long(value):
        return f"text of {text_length(value):,} characters is longer than a cell holds ({TEXT_LIMIT:,})"
    return None
