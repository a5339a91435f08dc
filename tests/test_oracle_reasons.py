"""The classifier that writes the reasons of tests/oracle/known_differences.json (tests/oracle_reasons.py)."""

from __future__ import annotations

import json

from oracle_reasons import RULES, UPSTREAM, reason, regenerated
from test_oracle import ORACLE


def test_a_cell_gets_the_first_rule_that_fits_its_book_and_formula():
    assert reason("ironcalc_COMPLEXs.xlsx", "=IMSUM(A1,B1)", "1+i", "1+1i").startswith(UPSTREAM + ": complex")
    assert "Mac Roman" in reason("tamc_utf8-strings.xlsx", "=CHAR(128)", "Ä", "€")
    assert "Mac Roman" not in reason("other.xlsx", "=CHAR(128)", "Ä", "€")  # the rule is for that book only
    assert reason("poi_x.xlsx", "=FOO(1)", 1, 2.0) == \
        "not explained yet: with formualizer 0.13 FOO gives 2.0 where Excel saved 1"


def test_regenerating_keeps_known_reasons_drops_matching_cells_and_explains_new_ones():
    known = {"a.xlsx": {"S!A1": "a reason written by hand", "S!A2": "fixed since"}}
    differences = {"a.xlsx": {"S!A1": ("=X()", 1, 2)}, "b.xlsx": {"S!B1": ("=_xlfn.CONCAT(\"<>\",A1)", 1, 0)}}
    listed = regenerated(known, differences)
    assert listed["a.xlsx"] == {"S!A1": "a reason written by hand"}  # A2 matches now: off the list
    assert listed["b.xlsx"]["S!B1"].startswith(UPSTREAM + ": CONCAT")


def test_every_rule_is_a_valid_pattern_and_the_list_on_disk_has_a_reason_per_cell():
    import re

    for _, pattern, text in RULES:
        re.compile(pattern)
        assert text
    listed = json.loads((ORACLE / "known_differences.json").read_text())
    assert all(isinstance(r, str) and r for cells in listed.values() for r in cells.values())
