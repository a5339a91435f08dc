"""A Lite-sized base install: the wheel asks for numpy and xlwings only, and the functions need no more."""

from __future__ import annotations

import email
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_the_wheel_base_dependencies_are_numpy_and_xlwings(tmp_path):
    source = tmp_path / "src"  # a copy: setuptools builds inside the source folder
    shutil.copytree(REPO / "xlmodel", source / "xlmodel", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=300)
    wheel = next(tmp_path.glob("xlmodel-*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        metadata = email.message_from_bytes(zf.read(next(n for n in zf.namelist() if n.endswith("METADATA"))))
    requires = metadata.get_all("Requires-Dist")
    base = sorted(r.split(";")[0].split(">")[0].split("=")[0].split("<")[0].strip() for r in requires
                  if "extra ==" not in r)
    assert base == ["numpy", "xlwings"]
    assert not any("==" in r for r in requires if "extra ==" not in r)  # a range micropip can meet
    extras = {r.split("extra ==")[1].strip().strip("'\"") for r in requires if "extra ==" in r}
    assert extras == {"refresh", "app", "test"}


BASE_ONLY = textwrap.dedent("""
    import importlib.abc, sys
    BLOCKED = {"pandas", "typer", "rich", "openpyxl", "xlsxwriter", "formualizer", "ssf", "lxml", "httpx",
               "hishel", "platformdirs", "filelock"}

    class Block(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ImportError(f"{name} is not in the base install", name=name)

    sys.meta_path.insert(0, Block())
    sys.path.insert(0, TESTS)
    from excel_samples import sample_args
    import xlmodel.excel.udfs as udfs
    from xlmodel.excel import call, functions
    for fn in functions():
        result = call(fn.name, *sample_args(fn))
        assert not str(result).startswith("#"), (fn.name, result)
    print(len(functions()))
""")


def test_every_function_runs_with_only_the_base_install():
    code = f"TESTS = {str(REPO / 'tests')!r}\n" + BASE_ONLY
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    assert int(out.stdout) >= 23


def test_the_command_without_the_app_extra_says_what_to_install():
    code = textwrap.dedent("""
        import builtins, sys
        real = builtins.__import__
        def fake(name, *args, **kwargs):
            if name.split(".")[0] == "typer":
                raise ImportError("No module named 'typer'", name="typer")
            return real(name, *args, **kwargs)
        builtins.__import__ = fake
        from xlmodel.entry import main
        main()
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert out.returncode == 2 and "pip install 'xlmodel[app]'" in out.stderr and "typer" in out.stderr
    assert "Traceback" not in out.stderr
