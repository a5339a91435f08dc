"""The reasons in tests/oracle/known_differences.json: why each listed cell still differs from Excel.

    python tests/oracle_reasons.py            # rewrite the list from a fresh recalculation of every oracle book
    python tests/oracle_reasons.py --fresh    # and give every cell its rule's reason again

A cell that starts to match is taken off; a cell still listed keeps the reason written for it
(edit it by hand in the JSON when a better one is known, or add a rule here); a cell newly
differing gets the first rule below that fits its book and formula, else "not explained yet:
..." with both values, to be read and explained. tests/test_oracle.py then holds every book
to the list.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

UPSTREAM = "upstream formualizer 0.13"

# (part of the book's name, pattern in the formula, reason): the first that fits is given
RULES: list[tuple[str, str, str]] = [
    ("utf8", r"=CHAR\(", "saved by Excel for Mac, whose CHAR reads codes 128-255 in the Mac Roman character set "
     "(CHAR(128) is 'Ä'); Excel for Windows and the engine read them as Windows-1252 (CHAR(128) is '€')"),
    ("", r"CONCAT\(", UPSTREAM + ": CONCAT given an error value does not hand that error to the function around it "
     "(=ISERROR(CONCAT(\"<>\",A1)) with A1 =NA() gives #N/A, Excel TRUE), so COUNTIF(S) never sees the error "
     "criterion Excel matches"),
    ("", r"LOOKUP\(\w+,\"", UPSTREAM + ": a text table argument (VLOOKUP(x,\"Nothing\",1)) gives #N/A; Excel #VALUE!"),
    ("", r"=DATE\(", UPSTREAM + ": DATE before 1 March 1900 or outside years 1900-9999 differs from Excel (Excel keeps "
     "its 29 February 1900, serial 60, and answers #NUM! outside)"),
    ("", r"MMULT\(,", UPSTREAM + ": an omitted argument reaches a Python function as 0.0, so MMULT(,) is a product of "
     "zeros; Excel #VALUE!"),
    ("COMPLEX", r"", UPSTREAM + ": complex-number functions print and round otherwise than Excel (Excel writes "
     "1.2E-45-3i and keeps 1E-16 parts, IMCOT/IMCSC of tiny numbers are 1E+16)"),
    ("TBILL", r"", UPSTREAM + ": TBILLEQ, TBILLPRICE and TBILLYIELD check their limits (a maturity more than a year "
     "after settlement, a price or discount out of range) otherwise than Excel"),
    ("NORM_DIST", r"", UPSTREAM + ": NORM.DIST, NORM.S.DIST and their inverses given a logical as text in a cell "
     "(\"TRUE\") give #VALUE!; Excel reads it as a logical"),
    ("tables", r"SHEET\(", UPSTREAM + ": SHEET of a table name or of a number gives another answer than Excel's"),
    ("", r"=INDIRECT\(", UPSTREAM + ": INDIRECT of an empty cell or of text that is no reference gives #VALUE!; "
     "Excel #REF!"),
    ("FormulaEval", r"=(LEFT|RIGHT|DOLLAR)\(", UPSTREAM + ": a number written as text in a cell (\"2.99999\", "
     "\"$1.00\") where a number is wanted gives #VALUE! or \"\"; Excel converts it"),
    ("FormulaEval", r"=(MODE|NPER|PMT|REPLACE|AVERAGEA|COUNT)\(", UPSTREAM + ": numbers or logicals given as text "
     "literals are read otherwise than Excel (Excel converts \"0.01\" for NPER/PMT/REPLACE, refuses it in MODE and "
     "AVERAGEA, and COUNT stops at none of its error arguments)"),
    ("FormulaEval", r"SUMX2MY2|SUMX2PY2|SUMXMY2", UPSTREAM + ": SUMX2MY2/SUMX2PY2/SUMXMY2 pair cells of arrays of "
     "different shapes and skip text otherwise than Excel (#DIV/0! or another sum in Excel)"),
    ("FormulaEval", r"=SUMPRODUCT\(", UPSTREAM + ": SUMPRODUCT given a single value beside a range, or a cell of "
     "text, answers a sum; Excel #VALUE!"),
    ("issue.2301", r"K57|AO56", "the value Excel saved is stale: with AM57 = 38980 and AO56 empty, OR(AO56>400,AND(AM57>400,"
     "AO56=0)) is TRUE, so the formula gives M (the file was last written by PhpSpreadsheet, which does not recalculate)"),
]


def reason(book: str, formula: str | None, excel: Any, ours: Any) -> str:
    """The first rule that fits the book and the formula, else a line to explain by hand."""
    for part, pattern, text in RULES:
        if part in book and re.search(pattern, formula or ""):
            return text
    calls = re.findall(r"([A-Z][A-Z0-9.]+)\(", (formula or "").upper())
    name = calls[0].removeprefix("_XLFN.") if calls else "the formula"
    return f"not explained yet: with formualizer 0.13 {name} gives {ours!r} where Excel saved {excel!r}"


def regenerated(known: dict[str, dict[str, str]], differences: dict[str, dict[str, tuple]]) -> dict:
    """The list for ``differences`` (book -> cell -> (formula, Excel's value, ours)): known reasons kept, others given."""
    out: dict[str, dict[str, str]] = {}
    for book, cells in sorted(differences.items()):
        for cell, (formula, excel, ours) in cells.items():
            out.setdefault(book, {})[cell] = known.get(book, {}).get(cell) or reason(book, formula, excel, ours)
    return out


def main() -> int:
    sys.path.insert(0, str(Path(__file__).parent))
    import test_oracle

    path = test_oracle.ORACLE / "known_differences.json"
    known = json.loads(path.read_text())
    listed = regenerated({} if "--fresh" in sys.argv else known,
                         {book: test_oracle.differences(book) for book in test_oracle.BOOKS})
    path.write_text(json.dumps(listed, indent=1, ensure_ascii=False) + "\n")
    before, after = sum(map(len, known.values())), sum(map(len, listed.values()))
    unexplained = [(b, c) for b, cells in listed.items() for c, r in cells.items() if r.startswith("not explained")]
    print(f"{after} cells listed (was {before}); {len(unexplained)} not explained yet")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
