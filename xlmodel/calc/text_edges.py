"""Text functions at the edges where formualizer 0.13 answers otherwise than Excel.

- ``VALUE`` of an empty cell is 0 (Microsoft's VALUE page: text in a recognized number,
  date or time format; an empty cell reads as 0), and ``VALUE("$1,000")`` is 1000 (currency,
  thousands separators, a percent sign, a negative in parentheses;
  tests/oracle/poi_FormulaEvalTestData_Copy.xlsx, EverythingTests!E1444); the engine answers
  ``#VALUE!`` to both. ``VALUE(x)`` becomes ``XLMODEL_VALUE(x, VALUE(x))``: the engine's own
  answer stands for every other text (dates, times).
- AND, OR and XOR read text written in the call: "TRUE" and "FALSE" as logicals, empty text
  skipped beside a written logical (``OR("", TRUE)`` is TRUE; tests/oracle/ironcalc_AND_OR_XOR.xlsx,
  rows 47-53), and IF reads its condition "tRue" as TRUE; the engine answers ``#VALUE!``.
- ``LEFT(TRUE,2)`` is "TR" and ``RIGHT(TRUE,2)`` "UE" (EverythingTests!I824, I1168; a
  logical reads as TRUE or FALSE in text); the engine lowercases the logical in LEFT, RIGHT
  and REPT. A logical written in the call is given as its text; one read from a cell is the
  engine's to fix (docs/formualizer-gaps.md), as a rewrite of every LEFT would cost every model.
"""

from __future__ import annotations

import re
from typing import Any

import formualizer as fz

from xlmodel.calc.engine_values import is_error
from xlmodel.calc.formula_tree import Call, Group, parse, render

VALUE_CALL = re.compile(r"(?<![\w.])VALUE\s*\(", re.IGNORECASE)
EMPTY_TEXT_ARGUMENT = re.compile(r'(?:AND|OR|XOR)\((?:[^()"]*,)?\s*""\s*[,)]')  # in upper-case text
LOGICAL_TEXT_ARGUMENT = re.compile(r'(?<![\w.])(?:(?:_xlfn\.)?(?:AND|OR|XOR)\s*\((?:[^()"]*,)?|IF\s*\()\s*'
                                   r'"(?:[^"]|"")*"\s*[,)]', re.IGNORECASE)  # text written as a whole argument
LOGICAL_FIRST = re.compile(r"(?<![\w.])((?:LEFT|RIGHT|REPT)\s*\(\s*)(TRUE|FALSE)(\s*[,)])", re.IGNORECASE)
NUMBER_TEXT = re.compile(r"^(?P<open>\()?\s*(?P<sign>[-+])?\s*(?P<cur>\$)?\s*(?P<sign2>[-+])?\s*"
                         r"(?P<num>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:[eE](?P<exp>[-+]?\d+))?\s*"
                         r"(?P<pct>%)?\s*(?P<close>\))?$")


def mentions(formula: str) -> bool:
    """A quick look: a VALUE call, LEFT/RIGHT/REPT of a written logical, or AND/OR/XOR/IF given written text."""
    upper = formula.upper()
    if "VALUE" in upper and VALUE_CALL.search(formula) is not None:
        return True
    if ("TRUE" in upper or "FALSE" in upper) and ("LEFT" in upper or "RIGHT" in upper or "REPT" in upper) and \
            LOGICAL_FIRST.search(formula) is not None:
        return True
    if '"TRUE"' in upper or '"FALSE"' in upper or ('""' in formula and ("TRUE" in upper or "FALSE" in upper)
                                                    and EMPTY_TEXT_ARGUMENT.search(upper)):
        return LOGICAL_TEXT_ARGUMENT.search(formula) is not None
    return False


def rewrite(formula: str) -> str:
    formula = _outside_text(formula, lambda part: LOGICAL_FIRST.sub(lambda m: f'{m[1]}"{m[2].upper()}"{m[3]}', part))
    if not VALUE_CALL.search(formula) and not LOGICAL_TEXT_ARGUMENT.search(formula):
        return formula

    def visit(nodes):
        out = []
        for node in nodes:
            if isinstance(node, Call):
                node = Call(node.head, [visit(a) for a in node.args], node.seps, node.close)
                if node.name in ("AND", "OR", "XOR", "IF"):
                    node = _logical_text(node)
                if node.name == "VALUE" and ":" not in node.head[:-1] and len(node.args) == 1:
                    arg = render(node.args[0])
                    node = parse(f"{'@' if node.head.startswith('@') else ''}XLMODEL_VALUE({arg},{render([node])})")[0]
            elif isinstance(node, Group):
                node = Group(node.open, visit(node.items), node.close)
            out.append(node)
        return out

    try:
        return "=" + render(visit(parse(formula)))
    except ValueError:
        return formula


def _logical_text(call: Call) -> Call:
    """AND, OR and XOR given text written in the call: "TRUE" and "FALSE" (any case) are logicals, empty text is
    skipped beside another argument (tests/oracle/ironcalc_AND_OR_XOR.xlsx, rows 47-53: ``OR("", TRUE)`` is
    TRUE); IF's condition written as "tRue" is TRUE (poi_FormulaEvalTestData_Copy, EverythingTests!M732)."""
    texts = [_text_literal(a) for a in call.args]
    if call.name == "IF":
        first = texts[0]
        if first is not None and first.upper() in ("TRUE", "FALSE"):
            return Call(call.head, [[first.upper()], *call.args[1:]], call.seps, call.close)
        return call
    kept = [[t.upper()] if t is not None and t.upper() in ("TRUE", "FALSE") else a
            for a, t in zip(call.args, texts) if t != ""]  # other text stays: AND("1",1) is #VALUE! (POI J136)
    if not kept or kept == call.args:
        return call
    return Call(call.head, kept, [","] * (len(kept) - 1), call.close)


def _text_literal(nodes) -> str | None:
    parts = [n for n in nodes if not (hasattr(n, "type") and n.type == "WHITE-SPACE")]
    if len(parts) == 1 and getattr(parts[0], "subtype", None) == "TEXT":
        return parts[0].value[1:-1].replace('""', '"')
    return None


def _outside_text(formula: str, edit) -> str:
    parts = formula.split('"')
    return '"'.join(edit(p) if i % 2 == 0 else p for i, p in enumerate(parts))


def number_text(text: str) -> float | None:
    """A number written as text the way Excel's VALUE reads it beyond plain digits, or None."""
    match = NUMBER_TEXT.match(text.strip())
    if match is None or bool(match["open"]) != bool(match["close"]) or (match["sign"] and match["sign2"]):
        return None
    number = float(match["num"].replace(",", "")) * 10 ** int(match["exp"] or 0)
    if match["pct"]:
        number /= 100
    if match["open"] or "-" in (match["sign"] or "") + (match["sign2"] or ""):
        number = -number
    return number


def value(x: Any, engine_answer: Any) -> Any:
    """VALUE as Excel answers it: an empty cell is 0, currency and thousands are read; else the engine's answer."""
    if isinstance(x, list):
        answers = engine_answer if isinstance(engine_answer, list) else [[engine_answer]]
        return [[value(v, answers[min(i, len(answers) - 1)][min(j, len(answers[0]) - 1)])
                 for j, v in enumerate(row)] for i, row in enumerate(x)]
    if x is None:
        return 0.0
    if isinstance(x, str) and is_error(engine_answer):  # the engine reads plain numbers, dates and times
        number = number_text(x)
        if number is not None:
            return number
    return engine_answer


def register(wb: fz.Workbook) -> None:
    wb.register_function("XLMODEL_VALUE", value, min_args=2, max_args=2)
