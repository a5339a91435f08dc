"""deploy/xlwings-server on a real xlwings Server, called the way its Office.js add-in calls it.

Runs only where ``xlwings-server`` is installed and ``XLWINGS_LICENSE_KEY`` is set (xlwings
Server is licensed software); otherwise the server test skips and says why. The recipe's
modules are checked in every run.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np
import openpyxl
import pytest
import xlwings
from excel_samples import sample_args

from xlmodel.excel import call, functions
from xlmodel.refresh.buttons import SCRIPT_SHEETS

REPO = Path(__file__).resolve().parents[1]
RECIPE = REPO / "deploy" / "xlwings-server"
TEMPLATE = REPO / "workbooks" / "miner_model.xlsx"


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path, submodule_search_locations=[str(path.parent)])
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_recipe_modules_expose_every_function_and_the_refresh_script():
    functions_module = _load(RECIPE / "custom_functions" / "__init__.py", "recipe_custom_functions")
    scripts_module = _load(RECIPE / "custom_scripts" / "__init__.py", "recipe_custom_scripts")
    names = {name for name in dir(functions_module) if not name.startswith("_") and callable(getattr(functions_module, name))}
    assert names == {fn.name for fn in functions()}
    assert scripts_module.__all__ == ["refresh"] and callable(scripts_module.refresh)


def test_recipe_settings_keep_plain_function_names():
    import tomllib

    settings = tomllib.loads((RECIPE / "pyproject.toml").read_text())["tool"]["xlwings_server"]
    assert settings["functions_namespace"] == "" and settings["environment"] == "prod"


needs_server = pytest.mark.skipif(
    importlib.util.find_spec("xlwings_server") is None or not os.environ.get("XLWINGS_LICENSE_KEY"),
    reason="needs xlwings-server installed (deploy/xlwings-server/requirements.txt) and XLWINGS_LICENSE_KEY",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from replay_server import ReplayServer

    project = tmp_path_factory.mktemp("server") / "xlwings-server"
    shutil.copytree(RECIPE, project)
    port = _free_port()
    with ReplayServer() as replay:
        env = {**os.environ, **replay.environ(), "XLWINGS_PROJECT_DIR": str(project),
               "XLWINGS_SECRET_KEY": secrets.token_hex(16), "XLWINGS_ENVIRONMENT": "prod",
               "XDG_CACHE_HOME": str(project / "cache")}
        proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "xlwings_server.main:main_app", "--host", "127.0.0.1",
             "--port", str(port)], cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        client = httpx.Client(base_url=f"http://127.0.0.1:{port}/xlwings", timeout=60)
        try:
            for _ in range(300):
                if proc.poll() is not None:
                    pytest.fail("xlwings Server stopped: " + proc.stdout.read().decode(errors="replace")[-2000:])
                try:
                    client.get("/custom-functions-meta").raise_for_status()
                    break
                except httpx.HTTPError:
                    time.sleep(0.1)
            yield client
        finally:
            client.close()
            proc.terminate()
            proc.wait(10)


def _office_js_call(client: httpx.Client, name: str, args: list) -> httpx.Response:
    payload = {"func_name": name, "args": [a if isinstance(a, list) else [[a]] for a in args],
               "caller_address": "Model!B2", "version": xlwings.__version__, "client": "Office.js",
               "runtime": "1.4"}
    return client.post("/custom-functions-call", json=payload)


@pytest.mark.xlwings_pro
@needs_server
def test_server_lists_every_function_with_its_arguments(server):
    meta = {f["name"]: f for f in server.get("/custom-functions-meta").json()["functions"]}
    for fn in functions():
        assert [p["name"] for p in meta[fn.name]["parameters"]] == [a.name for a in fn.args]


@pytest.mark.xlwings_pro
@needs_server
def test_server_results_match_call(server):
    for fn in functions():
        response = _office_js_call(server, fn.name, sample_args(fn))
        assert response.status_code == 200, (fn.name, response.text)
        got, expected = response.json()["result"], call(fn.name, *sample_args(fn))
        if isinstance(expected, np.ndarray):
            assert np.shape(got) == expected.shape, fn.name
            for g, e in zip(np.ravel(np.array(got, dtype=object)), expected.ravel()):
                assert g == (pytest.approx(e) if isinstance(e, float) else e), fn.name
        else:
            assert got == [[pytest.approx(expected)]], fn.name


@pytest.mark.xlwings_pro
@needs_server
def test_server_answers_a_wholly_bad_call_with_its_message_and_a_bad_element_with_value_error(server):
    bad = _office_js_call(server, "BTC_HASHPRICE", [80_000, -5, 0.03, None])
    assert bad.status_code == 400  # an XlwingsError: shown on hover, not retried
    assert bad.text == "network_hashrate_ehs [EH/s] must be > 0, got -5"
    mixed = _office_js_call(server, "BTC_HASHCOST", [[[20], ["n/a"]], 50])
    assert mixed.json()["result"] == [[pytest.approx(24.0)], ["#VALUE!"]]


def _book_payload() -> dict:
    """The template as the add-in sends it: values only for the sheets the script includes."""
    def plain(value):
        return value.isoformat() if isinstance(value, dt.datetime | dt.date) else value

    wb = openpyxl.load_workbook(TEMPLATE, data_only=True)
    sheets = []
    for ws in wb.worksheets:
        included = ws.title in SCRIPT_SHEETS
        values = [[plain(v) for v in row] for row in ws.iter_rows(values_only=True)] if included else [[]]
        sheets.append({"name": ws.title, "values": values or [[]], "pictures": [], "shapes": [], "charts": [],
                       "tables": [], "pivot_tables": [], "notes": [], "print_area": None,
                       "used_range_address": f"A1:{ws.dimensions.split(':')[-1]}" if included else None})
    return {"client": "Office.js", "version": xlwings.__version__, "names": [], "sheets": sheets,
            "book": {"name": TEMPLATE.name, "active_sheet_index": 0, "selection": "A1"}}


@pytest.mark.xlwings_pro
@needs_server
def test_server_refresh_script_writes_only_the_owned_sheets(server):
    payload = _book_payload()
    response = server.post("/custom-scripts-call/refresh", json=payload)
    assert response.status_code == 200, response.text
    actions = response.json()["actions"]
    names = [s["name"] for s in payload["sheets"]]
    written = {names[a["sheet_position"]] for a in actions if a["sheet_position"] is not None}
    assert written and written <= set(SCRIPT_SHEETS) - {"Settings"}
    alerts = [a["args"][0] for a in actions if a["func"] == "alert"]
    assert alerts == ["Refresh: all sources updated"]
