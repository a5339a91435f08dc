"""The packages import only in the allowed directions, and no module reaches back into one that imports it.

core knows nothing of the others; excel and data build on core; calc recalculates any
workbook from excel's function list and knows nothing of the template, the refresh
writer or data; the template never imports calc; the command line may use everything.
Lazy imports inside functions count too.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "xlmodel"
LAYERS = ("core", "excel", "data", "calc", "template", "refresh")


@cache  # read once per run: every layer's test and the cycle test ask
def imports() -> dict[str, set[str]]:
    """Module -> the xlmodel modules it imports (anywhere in its body)."""
    graph = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(("xlmodel", *path.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(".__init__")
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("xlmodel"):
                found |= {f"{node.module}.{a.name}" if _is_module(f"{node.module}.{a.name}") else node.module
                          for a in node.names}
            elif isinstance(node, ast.Import):
                found |= {a.name for a in node.names if a.name.startswith("xlmodel")}
        graph[name] = found - {name}
    return graph


def _is_module(dotted: str) -> bool:
    parts = dotted.split(".")[1:]
    return (PACKAGE.joinpath(*parts).with_suffix(".py")).exists() or PACKAGE.joinpath(*parts).is_dir()


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def _reached(layer: str) -> set[str]:
    """The other packages (or top-level modules) that ``layer``'s modules import."""
    return {_layer(i) for m, found in imports().items() if _layer(m) == layer for i in found} - {layer}


@pytest.mark.parametrize(("layer", "forbidden"), [
    ("core", set(LAYERS) | {"cli", "entry"}),
    ("calc", {"template", "data", "refresh", "cli", "entry"}),
    ("template", {"calc", "refresh", "cli", "entry"}),
    ("data", {"calc", "template", "refresh", "excel", "cli", "entry"}),
    ("excel", {"calc", "template", "refresh", "data", "cli", "entry"}),
    ("refresh", {"template", "cli", "entry"}),
])
def test_layer_imports_nothing_forbidden(layer, forbidden):
    assert PACKAGE.joinpath(layer, "__init__.py").exists()
    assert not _reached(layer) & (forbidden - {layer})


def test_every_package_is_a_known_layer():
    """A new package gets its line above; the old catch-all ``workbook`` is gone."""
    packages = {p.name for p in PACKAGE.iterdir() if p.joinpath("__init__.py").exists()}
    assert packages == set(LAYERS)


def test_no_import_cycles():
    graph = imports()
    for start in graph:
        seen, todo = set(), list(graph[start])
        while todo:
            module = todo.pop()
            assert module != start, f"{start} imports itself through {sorted(seen)}"
            if module not in seen:
                seen.add(module)
                todo.extend(graph.get(module, ()))
