"""The xlwings module analysts register: it imports anywhere and matches the registry."""

import inspect
import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from excel_samples import sample_args

from xlmodel.excel import call, functions


def test_imports_cleanly_without_xlwings_environment():
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS")}
    code = "import xlmodel.excel.udfs as u; print(len(u.__all__))"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert int(out.stdout) == len(functions())


def test_module_functions_mirror_the_registry():
    from xlmodel.excel import udfs

    for fn in functions():
        udf = getattr(udfs, fn.name)
        params = list(inspect.signature(udf).parameters.values())
        assert [p.name for p in params] == [a.name for a in fn.args]
        optional = [p.default is None for p in params]
        assert optional == [a.optional for a in fn.args]
        assert fn.summary in udf.__doc__


def test_udf_returns_plain_python_values():
    from xlmodel.excel import udfs

    grid = udfs.BTC_COST_GRID([[30], [50]], [[900, 1_000]], [[20]], None, None, None)
    assert isinstance(grid, list) and all(isinstance(row, list) for row in grid)
    assert all(type(v) in (float, str) for row in grid for v in row)
    assert udfs.BTC_HASHCOST([[20]], [[50]]) == pytest.approx(24.0)


def test_a_wholly_bad_call_raises_naming_argument_unit_and_value():
    from xlmodel.excel import udfs

    with pytest.raises(udfs.CallError, match=r"^network_hashrate_ehs \[EH/s\] must be > 0, got -5$"):
        udfs.BTC_HASHPRICE([[80_000]], [[-5]], [[0.03]], None)
    with pytest.raises(udfs.CallError, match=r"^no cell of the result computed; the first: efficiency_j_per_th"):
        udfs.BTC_HASHCOST([["x"], ["y"]], [[50]])


def test_a_wholly_bad_call_is_an_xlwings_error_so_xlwings_server_shows_its_message():
    import xlwings as xw

    from xlmodel.excel import udfs

    # xlwings Server answers an XlwingsError with its text (HTTP 400, no retry); any other
    # exception is "An error occurred." in its prod environment, retried three times.
    with pytest.raises(xw.XlwingsError, match=r"^network_hashrate_ehs \[EH/s\]"):
        udfs.BTC_HASHPRICE([[80_000]], [[-5]], [[0.03]], None)


def test_a_bad_element_is_an_excel_error_value_and_explain_gives_its_reason():
    from xlmodel.excel import udfs

    column = [[20], ["n/a"], [18]]
    assert udfs.BTC_HASHCOST(column, [[50]]) == [[pytest.approx(24.0)], ["#VALUE!"], [pytest.approx(21.6)]]
    blanks = [None] * 8
    reasons = udfs.XLMODEL_EXPLAIN([["BTC_HASHCOST"]], column, [[50]], *blanks)
    assert reasons == [[""], ["efficiency_j_per_th must be a number, got text 'n/a'"], [""]]
    whole = udfs.XLMODEL_EXPLAIN([["btc_hashprice"]], [[80_000]], [[-5]], [[0.03]], *blanks[:7])
    assert whole == "network_hashrate_ehs must be > 0, got -5"


def test_function_reference_markdown_lists_every_function_with_units():
    from xlmodel.excel import reference

    md = reference.markdown()
    for fn in functions():
        assert f"`{fn.signature}`" in md
        for a in fn.args:
            assert f"`{a.name}` [{a.unit}]" in md


OFFICE_JS_SCRIPT = textwrap.dedent(
    """
    import asyncio, json, sys
    import xlwings, xlwings.server as server
    import xlmodel.excel.udfs as udfs
    cases = json.load(sys.stdin)
    meta = server.custom_functions_meta(udfs)
    results = {}
    for name, args in cases.items():
        payload = {"func_name": name, "args": args, "caller_address": "Sheet1!A1",
                   "version": xlwings.__version__, "client": "Office.js", "runtime": "1.4"}
        results[name] = asyncio.run(server.custom_functions_call(payload, udfs))
    json.dump({"meta": meta, "results": results}, sys.stdout)
    """
)


def _as_range(value):
    return value if isinstance(value, list) else [[value]]


@pytest.mark.xlwings_pro
@pytest.mark.skipif(not os.environ.get("XLWINGS_LICENSE_KEY"), reason="needs XLWINGS_LICENSE_KEY")
def test_office_js_metadata_and_calls_match_the_registry():
    cases = {fn.name: [_as_range(v) for v in sample_args(fn)] for fn in functions()}
    env = dict(os.environ, XLWINGS_ON_SERVER="true")
    out = subprocess.run(
        [sys.executable, "-c", OFFICE_JS_SCRIPT], input=json.dumps(cases), env=env,
        capture_output=True, text=True, check=True,
    )
    data = json.loads(out.stdout)
    meta = {f["name"]: f for f in data["meta"]["functions"]}
    for fn in functions():
        params = meta[fn.name]["parameters"]
        assert [p["name"] for p in params] == [a.name for a in fn.args]
        assert [bool(p.get("optional")) for p in params] == [a.optional for a in fn.args]
        expected = call(fn.name, *sample_args(fn))
        got = data["results"][fn.name]
        if isinstance(expected, np.ndarray):
            assert np.shape(got) == expected.shape
        else:
            assert got == [[pytest.approx(expected)]]


def test_committed_function_reference_is_up_to_date():
    from pathlib import Path

    from xlmodel.excel import reference

    committed = Path(__file__).resolve().parents[1] / "docs" / "functions.md"
    assert committed.read_text(encoding="utf-8") == reference.markdown(), "run: xlmodel functions --markdown docs/functions.md"
