"""The layers import only downward, and no module reaches back into one that imports it.

core knows nothing of the others; excel and data build on core; workbook on all three;
the command line on everything. Lazy imports inside functions count too.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "xlmodel"
ALLOWED = {
    "core": {"core"},
    "excel": {"core", "excel"},
    "data": {"core", "data"},
    "workbook": {"core", "excel", "data", "workbook"},
}


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
    return parts[1] if len(parts) > 1 and parts[1] in ALLOWED else None


def test_layers_import_only_downward():
    wrong = [(m, i) for m, found in imports().items() for i in found
             if _layer(m) and _layer(i) and _layer(i) not in ALLOWED[_layer(m)]]
    assert not wrong


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
