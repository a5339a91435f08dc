"""The ``xlmodel`` command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

app = typer.Typer(help="Excel functions for analysts covering listed bitcoin miners.", no_args_is_help=True)
console = Console()


@app.callback()
def _root() -> None:
    """Excel functions for analysts covering listed bitcoin miners."""


@app.command("functions")
def functions_cmd(
    markdown: Annotated[
        Path | None, typer.Option("--markdown", help="Write the reference as Markdown to this file.")
    ] = None,
) -> None:
    """Print the function reference: every Excel function, its arguments with units, and help."""
    from xlmodel.excel import reference
    from xlmodel.excel.registry import functions

    if markdown is not None:
        markdown.parent.mkdir(parents=True, exist_ok=True)
        markdown.write_text(reference.markdown(), encoding="utf-8")
        console.print(f"wrote {markdown}")
        return
    table = Table("function", "returns", escape("arguments [unit]"), show_lines=True)
    for fn in functions():
        args = "\n".join(
            escape(f"{a.name} [{a.unit}]") + (f" = {a.default}" if a.optional else "") for a in fn.args
        )
        table.add_row(f"[bold]{fn.name}[/]\n{escape(fn.summary)}", escape(fn.returns), args)
    console.print(table)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
