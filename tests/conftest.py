"""Fixtures shared by the test modules: the template built once per session, and its recalculation."""

from __future__ import annotations

from pathlib import Path

import pytest

from xlmodel.calc import engine
from xlmodel.template.builder import build_template


@pytest.fixture(scope="session")
def template(tmp_path_factory) -> Path:
    return build_template(tmp_path_factory.mktemp("tpl") / "miner_model.xlsx")


@pytest.fixture(scope="session")
def calculated(template):
    return engine.calculate(template)
