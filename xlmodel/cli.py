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


@app.command("template")
def template_cmd(
    out: Annotated[Path, typer.Argument(help="Where to write the template.")] = Path("workbooks/miner_model.xlsx"),
) -> None:
    """Build the workbook template from code (the same bytes every time)."""
    from xlmodel.workbook.template import build_template

    path = build_template(out)
    console.print(f"wrote template {path}")


@app.command("calc")
def calc_cmd(
    workbook: Annotated[Path, typer.Argument(help="Workbook to recalculate (.xlsx or .xlsm).", exists=True,
                                             dir_okay=False)],
    out: Annotated[Path | None, typer.Option("-o", "--out", help="Calculated copy (default: NAME.calculated.xlsx).")]
    = None,
    render: Annotated[Path | None, typer.Option("--render", help="Also render the main sheet to this PNG "
                                                    "(needs LibreOffice).")] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Sheet to render (default: the active one).")]
    = None,
) -> None:
    """Recalculate every formula headlessly, write a copy with the values stored, report errors."""
    from xlmodel.workbook import engine, report

    calc = engine.calculate(workbook)
    target = out or workbook.with_name(workbook.stem + ".calculated" + workbook.suffix)
    engine.write_calculated(calc, target, source=workbook)
    report.print_summary(console, calc, target)
    if render is not None:
        from xlmodel.workbook import render as render_mod

        try:
            png = render_mod.render_png(calc, workbook, render, sheet)
            console.print(f"rendered {png}")
        except render_mod.RenderUnavailable as exc:
            console.print(f"[yellow]not rendered:[/] {exc}")
    if not calc.ok:
        raise typer.Exit(code=1)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
