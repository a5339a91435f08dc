"""REGEXTEST, REGEXEXTRACT and REGEXREPLACE on the examples of Microsoft's pages for them.

The examples are the pages' (as quoted by MESCIUS's REGEXEXTRACT reference, which follows
Excel's), evaluated as ``xlmodel calc`` evaluates them, with xlmodel's functions registered.
"""

from __future__ import annotations

import pytest
from test_calc_excel_functions import spilled, value_of


@pytest.mark.parametrize(("formula", "excel"), [
    ('=_xlfn.REGEXTEST("Hello","h")', False), ('=REGEXTEST("Hello","h",1)', True),  # case_sensitivity 1 ignores case
    ('=REGEXTEST(123,"^[0-9]+$")', True), ('=REGEXTEST("a","(")', "#Value"),
    ('=REGEXEXTRACT("10 apples, 12 oranges","[0-9]+")', "10"),
    ('=REGEXEXTRACT("09/12/1998 from James","\\d{1,2}/\\d{1,2}/\\d{2,4}\\b")', "09/12/1998"),
    ('=REGEXEXTRACT("Sonia (378) 555-4195","\\d{3}-\\d{4}")', "555-4195"),
    ('=REGEXEXTRACT("O my Luve red rose", "O my (\\w+) red (\\w+)")', "O my Luve red rose"),
    ('=REGEXEXTRACT("abc","x")', "#Na"),
    ('=REGEXREPLACE("Sonia Rees","([A-Z][a-z]+) ([A-Z][a-z]+)","$2, $1")', "Rees, Sonia"),
    ('=REGEXREPLACE("a1b2c3","[0-9]","#")', "a#b#c#"), ('=REGEXREPLACE("a1b2c3","[0-9]","#",-1)', "a1b2c#"),
    ('=REGEXREPLACE("a1b2c3","[0-9]","#",2)', "a1b#c3"),
    ('=REGEXREPLACE("Ann Lee","(?<first>\\w+) (?<last>\\w+)","${last}")', "Lee"),
])
def test_regex_functions(formula, excel):
    assert value_of(formula) == excel


def test_regexextract_returns_every_match_and_the_groups_as_rows():
    assert spilled('=REGEXEXTRACT("10 apples, 12 oranges","[0-9]+",1)', 1, 2, {}) == [["10", "12"]]
    assert spilled('=REGEXEXTRACT("O my Luve red rose", "O my (\\w+) red (\\w+)", 2)', 1, 2, {}) == [["Luve", "rose"]]


def test_regex_functions_answer_each_element_of_an_array():
    cells = {"A1": "ab1", "A2": "cd", "A3": "x9"}
    assert spilled('=REGEXTEST(A1:A3,"[0-9]")', 3, 1, cells) == [[True], [False], [True]]
