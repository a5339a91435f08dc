"""Implicit intersection, written into formulas saved without the dynamic-array flag before they are evaluated.

Excel evaluates a formula saved as a plain ``<f>`` (not an array formula, not a
dynamic array) as it did before Excel 365: a range in a place that takes one value is
cut down to the cell in the formula's row or column, and is ``#VALUE!`` when there is
none (``=ABS(K9:N9)`` in N96 is ``ABS(N9)``; ``=G7:J7/B8`` in O31 is ``#VALUE!``;
tests/oracle/poi_FormulaEvalTestData_Copy.xlsx). Excel 365 shows such formulas with an
``@`` before each of those ranges, and so does this module: formualizer 0.13 evaluates
every formula as a dynamic array (the range spills, or the function answers
``#VALUE!``) and intersects where it reads ``@``.

A range is in a value place when every call around it takes one value in that argument:
the functions of :data:`VALUE_FUNCTIONS` in all their arguments, the criteria of the
``*IF``/``*IFS`` functions (:data:`VALUE_ARGUMENTS`), operators and the formula's top.
Inside an argument that takes a range or an array (``SUM``, ``SUMPRODUCT``, ``INDEX``'s
first, a lookup's table, ...) nothing is intersected. A call that makes a reference
(``OFFSET``, ``INDIRECT``, ``INDEX``) in a value place is intersected as a range is: in
tests/oracle/tamc_offset-is-weird.xlsx, ``=OFFSET($A$1:$F$1,0,0)`` in B2 is B1's value, and
spilling it instead made formualizer's dynamic-dependency planning give up on the book.
Formulas whose spilled result shows where it lands are also intersected after a first
evaluation (``engine._intersect_legacy``), which covers defined names and other calls.

N and T are not intersected: given a range they read its first cell, in any formula
(``=T(J1351:J1353)`` in J1352 is T of J1351; tests/oracle/poi_FormulaEvalTestData_Copy.xlsx,
EverythingTests!O1352), which :mod:`xlmodel.calc.lifting` writes out.
"""

from __future__ import annotations

import re
from functools import lru_cache

from xlmodel.calc.formula_text import Token, Tokenizer, TokenizerError, get_column_letter, range_boundaries
from xlmodel.calc.formula_tree import calls_any

# Functions that take one value in every argument (Excel's "value" parameter class).
VALUE_FUNCTIONS = frozenset("""
ABS ACOS ACOSH ACOT ACOTH ASIN ASINH ATAN ATAN2 ATANH COS COSH COT COTH CSC CSCH SEC SECH SIN SINH TAN TANH
DEGREES RADIANS EXP LN LOG LOG10 SQRT SQRTPI POWER MOD QUOTIENT SIGN INT TRUNC EVEN ODD FACT FACTDOUBLE COMBIN
COMBINA PERMUT ROUND ROUNDUP ROUNDDOWN MROUND CEILING FLOOR CEILING.MATH FLOOR.MATH CEILING.PRECISE
FLOOR.PRECISE ISO.CEILING BASE DECIMAL ROMAN ARABIC
LEFT LEFTB RIGHT RIGHTB MID MIDB LEN LENB LOWER UPPER PROPER TRIM CLEAN CHAR UNICHAR CODE UNICODE EXACT REPT
SUBSTITUTE REPLACE FIND FINDB SEARCH SEARCHB DOLLAR FIXED VALUE NUMBERVALUE CONCATENATE
ISBLANK ISERR ISERROR ISNA ISNUMBER ISTEXT ISNONTEXT ISLOGICAL ISEVEN ISODD NOT IF IFERROR IFNA
DATE TIME YEAR MONTH DAY HOUR MINUTE SECOND WEEKDAY WEEKNUM ISOWEEKNUM DATEVALUE TIMEVALUE EDATE EOMONTH DAYS
DAYS360 YEARFRAC
DEC2BIN DEC2OCT DEC2HEX BIN2DEC BIN2OCT BIN2HEX OCT2DEC OCT2BIN OCT2HEX HEX2DEC HEX2BIN HEX2OCT
TEXT DATEDIF
NORM.DIST NORM.INV NORM.S.DIST NORM.S.INV NORMDIST NORMINV NORMSDIST NORMSINV LOGNORM.DIST LOGNORM.INV LOGNORMDIST
LOGINV EXPON.DIST EXPONDIST GAMMA.DIST GAMMA.INV GAMMADIST GAMMAINV GAMMA GAMMALN GAMMALN.PRECISE BETA.DIST BETA.INV
BETADIST BETAINV BINOM.DIST BINOM.INV BINOMDIST CRITBINOM CHISQ.DIST CHISQ.DIST.RT CHISQ.INV CHISQ.INV.RT CHIDIST
CHIINV F.DIST F.DIST.RT F.INV F.INV.RT FDIST FINV T.DIST T.DIST.2T T.DIST.RT T.INV T.INV.2T TDIST TINV POISSON.DIST
POISSON WEIBULL.DIST WEIBULL HYPGEOM.DIST HYPGEOMDIST NEGBINOM.DIST NEGBINOMDIST CONFIDENCE CONFIDENCE.NORM
CONFIDENCE.T FISHER FISHERINV PHI GAUSS STANDARDIZE ERF ERFC ERF.PRECISE ERFC.PRECISE
PMT IPMT PPMT FV PV NPER RATE EFFECT NOMINAL SLN SYD DDB DB ISPMT RRI PDURATION CUMIPMT CUMPRINC DOLLARDE DOLLARFR
""".split())
# Functions with some arguments that take one value, by position from 1 ("even": every even one).
VALUE_ARGUMENTS: dict[str, tuple] = {
    "CHOOSE": (1,), "COUNTIF": (2,), "SUMIF": (2,), "AVERAGEIF": (2,), "COUNTIFS": ("even",), "SUMIFS": ("odd3",),
    "AVERAGEIFS": ("odd3",), "MAXIFS": ("odd3",), "MINIFS": ("odd3",), "NETWORKDAYS": (1, 2), "WORKDAY": (1, 2),
    "NETWORKDAYS.INTL": (1, 2, 3), "WORKDAY.INTL": (1, 2, 3), "LET": ("odd3",),  # LET's values: the last inherits
    "OFFSET": (2, 3, 4, 5), "INDEX": (2, 3, 4), "INDIRECT": (1, 2),  # OFFSET(F7,E7:I7,E7:I7) in G1008: G7 (oracle POI)
}
REFERENCE_MAKERS = frozenset({"OFFSET", "INDIRECT", "INDEX"})

VALUE_CALLS = frozenset(VALUE_FUNCTIONS | set(VALUE_ARGUMENTS))
MAKER_CALL = re.compile(r"(?<![\w.])(?:OFFSET|INDIRECT|INDEX)\s*\(", re.IGNORECASE)
CELL = r"(?:'[^']+'|[\w.]+)?!?\$?[A-Za-z]{0,3}\$?\d*"
# a range beside an operator, or alone: "=A1:B2*2", "=2&Sheet1!A1:A3"
OPERATOR_RANGE = re.compile(rf"(?:^=|[-+*/^&=<>,(])\s*{CELL}:{CELL}\s*(?:[-+*/^&=<>)]|$)", re.MULTILINE)


def may_intersect(formula: str) -> bool:
    """Whether :func:`intersect` may change the formula: a quick look at its text."""
    if MAKER_CALL.search(formula):
        return True
    return ":" in formula and (calls_any(formula, VALUE_CALLS) or OPERATOR_RANGE.search(formula) is not None)


@lru_cache(maxsize=8192)
def intersect(formula: str) -> str:
    """The legacy formula with ``@`` before each range and reference-making call in a value place."""
    try:
        tokens = Tokenizer(formula).items
    except TokenizerError:
        return formula
    out: list[str] = []
    frames: list[list] = []  # per open call or parenthesis: [name or None, argument number, value place]
    value = True  # the formula's top takes one value
    previous = None
    for tok in tokens:
        text = tok.value
        if tok.type == Token.FUNC and tok.subtype == Token.OPEN:
            name = text[:-1].upper().removeprefix("_XLFN.").removeprefix("_XLWS.").lstrip("@")
            if value and name in REFERENCE_MAKERS and not text.startswith("@") and ":" not in text:
                text = "@" + text
            frames.append([name, 1, value])
            value = value and takes_value(name, 1)
        elif tok.type == Token.PAREN and tok.subtype == Token.OPEN:
            frames.append([None, 1, value])
        elif tok.type in (Token.FUNC, Token.PAREN) and tok.subtype == Token.CLOSE:
            value = frames.pop()[2] if frames else True
        elif tok.type == Token.ARRAY and tok.subtype == Token.OPEN:
            frames.append([None, 1, value])
            value = False
        elif tok.type == Token.ARRAY and tok.subtype == Token.CLOSE:
            value = frames.pop()[2] if frames else True
        elif tok.type == Token.SEP and tok.subtype == Token.ARG and frames and frames[-1][0]:
            frames[-1][1] += 1
            value = frames[-1][2] and takes_value(frames[-1][0], frames[-1][1])
        elif tok.type == Token.WSPACE and previous is not None and previous.subtype == Token.RANGE:
            return formula  # an intersection of two ranges (A1:C3 B1:B5): left as it is
        elif value and tok.type == Token.OPERAND and tok.subtype == Token.RANGE and _is_area(text):
            text = "@" + text
        out.append(text)
        if tok.type != Token.WSPACE:
            previous = tok
    return "=" + "".join(out)


STRING = re.compile(r'"(?:[^"]|"")*"')
SHEET = r"(?:'(?:[^']|'')+'|[A-Za-z_\\][\w.]*)!"
INTERSECTED = re.compile(rf"@({SHEET})?(\$?[A-Za-z]{{1,3}}\$?\d+:\$?[A-Za-z]{{1,3}}\$?\d+|\$?[A-Za-z]{{1,3}}:\$?[A-Za-z]{{1,3}}|"
                         r"\$?\d+:\$?\d+)(?![\w(!])")


def resolved(formula: str, row: int, col: int) -> str:
    """``@A1:B9`` in ``formula`` (in ``row``, ``col``) written as the cell Excel intersects it to, or ``#VALUE!``.

    Upstream: formualizer 0.13 reads ``@J14:K14`` in J772 as J14's value, but an empty cell so read is
    not blank: ``=ISBLANK(@J14:K14)`` is FALSE where Excel gives TRUE (tests/oracle
    poi_FormulaEvalTestData_Copy, EverythingTests!J772; ``ISBLANK(D7:D7)`` in L772 likewise). The
    cell itself is read as any reference is.
    """
    if "@" not in formula:
        return formula
    parts = formula.split('"')  # odd parts are text literals

    def cell(match: re.Match) -> str:
        sheet, area = match.group(1) or "", match.group(2).replace("$", "")
        min_col, min_row, max_col, max_row = range_boundaries(area)
        r = row if min_row is None or min_row != max_row else min_row
        c = col if min_col is None or min_col != max_col else min_col
        inside = (min_row is None or min_row <= r <= max_row) and (min_col is None or min_col <= c <= max_col)
        return f"{sheet}{get_column_letter(c)}{r}" if inside else "#VALUE!"

    for i in range(0, len(parts), 2):
        if "@" in parts[i]:
            parts[i] = INTERSECTED.sub(cell, parts[i])
    return '"'.join(parts)


def takes_value(name: str, position: int) -> bool:
    if name in VALUE_FUNCTIONS:
        return True
    spec = VALUE_ARGUMENTS.get(name, ())
    return position in spec or ("even" in spec and position % 2 == 0) or \
        ("odd3" in spec and position >= 3 and position % 2 == 1)


def _is_area(text: str) -> bool:
    """A range of more than one cell as written (``A1:B2``, ``A:A``, ``'S'!1:3``), not an error or an ``@`` one."""
    if text.startswith(("@", "#")) or "#REF!" in text.upper():
        return False
    return ":" in text.rsplit("!", 1)[-1]
