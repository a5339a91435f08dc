"""`xlmodel calc` against LibreOffice headless on the same rows, in one run (run by hand).

For N = 100, 1,000 and 10,000 rows of 5 formulas each (2 xlmodel functions and 3
built-ins), this times `xlmodel calc` as a user runs it (a new process: start-up,
load, evaluate, write the calculated copy) and records its peak RSS. LibreOffice
recalculates a built-in-only version of the same rows (the two xlmodel formulas
written out in Excel arithmetic) with recalculation forced on load
(OOXMLRecalcMode = 0) and saves it, also as a new process. Each side's time is its best
of three runs, the two taking turns (the machines are shared and noisy). Figures are
ratios within this run; nothing is asserted.

``--phases`` splits one 10,000-row run into xlmodel's own phases (imports, scan,
prepare, checks after the first evaluation, intersect, collect, write) and the engine's (load, evaluate, in which
xlmodel's own functions run as callbacks), each the best of five new processes. Beside them it times a
floor: what any Python reader and writer of the package must do at least (the imports, one regular
expression to read the sheet, one substitution and the compression to write it).

    python benchmarks/bench_calc.py            # needs LibreOffice for the comparison
    python benchmarks/bench_calc.py --phases
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import xlsxwriter

ROWS = (100, 1_000, 10_000)
RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
</oor:items>
"""


def build(path: Path, rows: int, xlmodel: bool) -> Path:
    """Rows of inputs and five formulas; the xlmodel pair as Excel arithmetic when not ``xlmodel``."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Rows")
    ws.write_row(0, 0, ["btc_usd", "network_ehs", "j_per_th", "usd_per_mwh", "hashprice", "cost_per_btc",
                        "margin", "sum", "flag"])
    for i in range(rows):
        r = i + 2
        ws.write_row(i + 1, 0, [60_000 + 10 * i, 900 + (i % 400), 15 + (i % 20), 30 + (i % 50)])
        if xlmodel:
            ws.write_formula(i + 1, 4, f"=BTC_HASHPRICE(A{r},B{r},0.03)")
            ws.write_formula(i + 1, 5, f"=BTC_POWER_COST_PER_BTC(C{r},D{r},B{r},0.03)")
        else:
            ws.write_formula(i + 1, 4, f"=144*(3.125+0.03)*A{r}/(B{r}*1000)")
            ws.write_formula(i + 1, 5, f"=0.024*C{r}*D{r}*B{r}*1000/(144*(3.125+0.03))")
        ws.write_formula(i + 1, 6, f"=ROUND(A{r}-F{r},2)")
        ws.write_formula(i + 1, 7, f"=SUM(A{r}:D{r})")
        ws.write_formula(i + 1, 8, f'=IF(E{r}>40,"high","low")')
    wb.close()
    return path


# As on a user's machine, Python keeps the modules it compiled (this workplace's shells set
# PYTHONDONTWRITEBYTECODE, which would make every run compile xlmodel anew); a warm-up run writes them.
AS_INSTALLED = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of a command run as a new process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=AS_INSTALLED)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise RuntimeError(f"{cmd[0]} failed: {proc.stderr.read().decode()[-400:]}")
    return wall, usage.ru_maxrss / 1024


RUNS = 3  # the machines are shared: each side's best of three, the two taking turns


def best_of(runs: int, ours: list[str], theirs: list[str] | None) -> tuple[float, float, float, float]:
    """Best wall seconds and its peak MB for ``ours`` and for ``theirs`` (0, 0 without), run in turns."""
    mine, other = [], []
    for _ in range(runs):
        mine.append(run(ours))
        if theirs:
            other.append(run(theirs))
    wall, rss = min(mine)
    lo_wall, lo_rss = min(other) if other else (0.0, 0.0)
    return wall, rss, lo_wall, lo_rss


def libreoffice(tmp: Path) -> list[str] | None:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        return None
    profile = tmp / "lo-profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALC_ALWAYS)
    return [office, "--headless", "--norestore", f"-env:UserInstallation=file://{profile}",
            "--convert-to", "xlsx", "--outdir", str(tmp / "lo-out")]


PHASES = """
import json, sys, time
start = time.perf_counter()
import xlmodel.cli
from xlmodel.calc import engine
spent = {"imports": time.perf_counter() - start}
def timed(name, fn):
    def run(*args, **kwargs):
        t = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[name] = spent.get(name, 0.0) + time.perf_counter() - t
    return run
for name, attr in [("scan", "scan"), ("load", "_load"), ("prepare", "_prepare"), ("evaluate", "_evaluate"),
                   ("checks", "_unlink_address_reads"), ("intersect", "_intersect_legacy"), ("collect", "_collect"),
                   ("write", "write_calculated")]:
    if hasattr(engine, attr):  # the same script times older versions, which lack some phases
        setattr(engine, attr, timed(name, getattr(engine, attr)))
routes = getattr(engine, "checked_routes", None)
if routes is not None:
    routes.route_untrusted = timed("checks", routes.route_untrusted)
engine.write_calculated(engine.calculate(sys.argv[1]), sys.argv[2])
print(json.dumps(spent))
"""
OWN = ("imports", "scan", "prepare", "checks", "intersect", "collect", "write")

# The least any Python reader and writer of the package does: import what the command needs, read the
# sheet with one regular expression, and store one value in each formula cell with one substitution
# and compress it. No per-cell logic, no checks, no fallbacks: a floor, not an alternative.
FLOOR = """
import json, re, sys, time, zipfile, zlib
start = time.perf_counter()
import typer, rich.console, rich.table, numpy, lxml.etree, formualizer
spent = {"imports": time.perf_counter() - start}
t = time.perf_counter()
with zipfile.ZipFile(sys.argv[1]) as zf:
    data = zf.read("xl/worksheets/sheet1.xml")
cells = re.findall(rb'<c r="([A-Z]+[0-9]+)"[^>]*><f>([^<]*)</f>', data)
spent["scan"] = time.perf_counter() - t
t = time.perf_counter()
values = iter([0.1234567 * i for i in range(len(cells))])
out = re.sub(r'(<c r="[A-Z]+[0-9]+"[^>]*><f>[^<]*</f>)<v>[^<]*</v>', lambda m: f"{m.group(1)}<v>{next(values)!r}</v>",
             data.decode())
zlib.compress(out.encode(), 3)
spent["write"] = time.perf_counter() - t
print(json.dumps(spent))
"""


def phases(tmp: Path, rows: int = 10_000, runs: int = 5) -> None:
    """Best-of-``runs`` seconds per phase of one ``xlmodel calc``, each run a new process, and the floor's."""
    book = build(tmp / f"phases_{rows}.xlsx", rows, xlmodel=True)
    best: dict[str, float] = {}
    floor: dict[str, float] = {}
    subprocess.run([sys.executable, "-c", PHASES, str(book), str(tmp / "phases_out.xlsx")], check=True,
                   capture_output=True, env=AS_INSTALLED)  # a warm-up: Python keeps what it compiles
    for _ in range(runs):  # the two in turns: the machines are shared and noisy
        for script, into in ((PHASES, best), (FLOOR, floor)):
            out = subprocess.run([sys.executable, "-c", script, str(book), str(tmp / "phases_out.xlsx")],
                                 check=True, capture_output=True, text=True, env=AS_INSTALLED).stdout
            for name, seconds in json.loads(out.splitlines()[-1]).items():
                into[name] = min(into.get(name, seconds), seconds)
    for name, seconds in best.items():
        low = f"   floor {floor[name]:6.3f} s" if name in floor else ""
        print(f"{name:>10} {seconds:6.3f} s {'(xlmodel)' if name in OWN else '(engine) '}{low}")
    own = sum(v for k, v in best.items() if k in OWN)
    engine = best.get("load", 0.0) + best.get("evaluate", 0.0)
    print(f"xlmodel's phases {own:.3f} s, the engine's load + evaluate {engine:.3f} s: {own / engine:.2f}x")
    print(f"the floor of any Python reader and writer (imports, one regex each way, compress): "
          f"{sum(floor.values()):.3f} s, {sum(floor.values()) / engine:.2f}x the engine's; xlmodel's phases "
          f"{own / sum(floor.values()):.2f}x the floor")


def main() -> None:
    if "--phases" in sys.argv:
        with tempfile.TemporaryDirectory(prefix="xlmodel-bench-phases-") as tmp_name:
            phases(Path(tmp_name))
        return
    with tempfile.TemporaryDirectory(prefix="xlmodel-bench-calc-") as tmp_name:
        tmp = Path(tmp_name)
        lo = libreoffice(tmp)
        if lo:
            run(lo + [str(build(tmp / "warm.xlsx", 10, xlmodel=False))])  # first start writes the profile
        else:
            print("LibreOffice not installed: xlmodel calc only (apt-get install libreoffice-calc-nogui)")
        warm = build(tmp / "warm_xl.xlsx", 10, xlmodel=True)  # Python keeps what it compiles
        run([sys.executable, "-m", "xlmodel.cli", "calc", str(warm), "-o", str(tmp / "warm_out.xlsx")])
        print(f"{'rows':>7} {'formulas':>9} {'xlmodel s':>10} {'MB':>6} {'LibreOffice s':>14} {'MB':>6} "
              f"{'ratio':>6}")
        walls = {}
        for rows in ROWS:
            ours = [sys.executable, "-m", "xlmodel.cli", "calc", str(build(tmp / f"xl_{rows}.xlsx", rows, xlmodel=True)),
                    "-o", str(tmp / f"c_{rows}.xlsx")]
            theirs = lo + [str(build(tmp / f"lo_{rows}.xlsx", rows, xlmodel=False))] if lo else None
            wall, rss, lo_wall, lo_rss = best_of(RUNS, ours, theirs)
            walls[rows] = wall
            line = f"{rows:>7,} {5 * rows:>9,} {wall:>10.2f} {rss:>6.0f}"
            if lo:
                line += f" {lo_wall:>14.2f} {lo_rss:>6.0f} {wall / lo_wall:>6.2f}"
            print(line)
        print(f"growth 1,000 -> 10,000 rows: {walls[10_000] / walls[1_000]:.1f}x time for 10x rows")


if __name__ == "__main__":
    main()
