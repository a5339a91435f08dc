"""What ``xlmodel calc`` prints: the key results and every cell in error."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from xlmodel.calc.engine import Calculation
from xlmodel.calc.excel_gaps import calls_xlmodel


def _show(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.4f}" if abs(value) < 10 else f"{value:,.2f}"
    return escape(str(value))


def print_summary(console: Console, calc: Calculation, written: Path) -> None:
    texts = Counter(calc.formulas.values())  # an array formula's text is every one of its cells': test it once
    n_xl = sum(n for text, n in texts.items() if calls_xlmodel(text))
    console.print(f"[bold]{escape(str(calc.path))}[/]: {len(calc.formulas)} formula cells computed, "
                  f"{n_xl} of them with xlmodel functions")
    results = {n: calc.names[n] for n in calc.computed_names if not n.startswith("_")}  # "_name": a helper cell
    if results:
        table = Table("key result (defined name)", "value", title="Key results")
        for name, value in results.items():
            table.add_row(name, _show(value))
        console.print(table)
    if calc.issues:
        table = Table("sheet", "cell", "formula", "message", title=f"{len(calc.issues)} cells in error",
                      title_style="bold red")
        for issue in calc.issues:
            table.add_row(issue.sheet, issue.address, escape(issue.formula), escape(issue.message))
        console.print(table)
    else:
        console.print("[green]no cell in error[/]")
    for note in calc.notes:
        console.print(f"[yellow]note:[/] {escape(note)}")
    console.print(f"wrote calculated copy {escape(str(written))}")
