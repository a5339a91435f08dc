"""Template benchmark: the headless recalculation of the workbook template against the template of an earlier
revision, in one run.

Run by hand (never part of the test suite):  python benchmarks/bench_template.py [--base REV] [--repeat N]

Times ``engine.calculate`` (load, evaluate, collect: what ``xlmodel calc`` does before writing) of, taken in
turn so that a slow spell of a shared machine lands on all of them, best of N:

- the committed template at ``--base`` (default 27dc6f8, before issues 27 and 28);
- today's template without the Trials sheet, the distribution block and Coverage's trials (issue 27's
  book: one ticker, Companies and Coverage);
- today's template (issue 28's book: Coverage at 2,000 trials x 11 companies included), as built;
- today's template with Core Scientific's one missing lease term typed (12 years, as its other CoreWeave
  contracts), so that its whole distribution block computes (10,000 trials and the tornado), and the same
  book without that block: the difference is the block's cost.

Aims: issue 27's book within 1.5x of the base, issue 28's within 2x.
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
import timeit
from pathlib import Path

from xlmodel.calc import engine, typed_inputs
from xlmodel.template import builder, coverage, distribution, inputs, trials

REPO = Path(__file__).resolve().parents[1]


def _committed(rev: str, out: Path) -> Path:
    data = subprocess.run(["git", "show", f"{rev}:workbooks/miner_model.xlsx"], cwd=REPO, capture_output=True,
                          check=True).stdout
    out.write_bytes(data)
    return out


def _build(out: Path, with_trials: bool = True, with_distribution: bool = True) -> Path:
    """Today's template, optionally without parts (their writers replaced by no-ops for this build only)."""
    saved = (trials._write_model, trials._write_coverage, distribution.write_distribution, coverage.COLUMNS,
             coverage.COL)
    try:
        if not with_trials:
            trials._write_model = trials._write_coverage = lambda *a: None
            coverage.COLUMNS = [c for c in coverage.COLUMNS if "{trials}" not in c.formula]
            coverage.COL = {c.key: i + 1 for i, c in enumerate(coverage.COLUMNS)}
        if not with_distribution:
            distribution.write_distribution = lambda ws, wb, styles, r: r
            trials._write_model = lambda *a: None
        builder.build_template(out)
    finally:
        (trials._write_model, trials._write_coverage, distribution.write_distribution, coverage.COLUMNS,
         coverage.COL) = saved
    return out


def _with_corz_term(src: Path, out: Path) -> Path:
    term_override = f"Inputs!O{inputs.BLOCK_FIRST + 1}"  # block 1's term override (the Austin lease)
    typed_inputs.set_inputs(src, out, {term_override: 12.0})
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="27dc6f8")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        books = {
            f"template at {args.base}": _committed(args.base, folder / "base.xlsx"),
            "issue 27: one ticker, Companies, Coverage": _build(folder / "i27.xlsx", with_trials=False,
                                                                with_distribution=False),
            "issue 28: as built (Coverage trials included)": _build(folder / "i28.xlsx"),
            "CORZ computing, without the distribution block": _with_corz_term(
                _build(folder / "nodist.xlsx", with_distribution=False), folder / "nodist_corz.xlsx"),
            "CORZ computing, its distribution block included": _with_corz_term(
                folder / "i28.xlsx", folder / "i28_corz.xlsx"),
        }
        for path in books.values():
            calc = engine.calculate(path)  # warm: imports, registrations
            assert calc.ok, (path, calc.issues[:3])
        times = {label: [] for label in books}
        for _ in range(args.repeat):
            for label, path in books.items():
                times[label].append(timeit.timeit(lambda p=path: engine.calculate(p), number=1))
        best = {label: min(t) for label, t in times.items()}
    base = best[f"template at {args.base}"]
    print(f"engine.calculate, best of {args.repeat} taken in turn")
    for label, t in best.items():
        print(f"  {label:<50} {t:6.2f} s   {t / base:5.2f}x the base")
    block = best["CORZ computing, its distribution block included"] - best[
        "CORZ computing, without the distribution block"]
    print(f"  CORZ's distribution block (10,000 trials, histogram, tornado): {block:.2f} s")


if __name__ == "__main__":
    main()
