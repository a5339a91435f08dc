"""The ``xlmodel`` command line."""

from __future__ import annotations

import logging
import os
import sys
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
    from xlmodel.template.builder import build_template

    path = build_template(out)
    console.print(f"wrote template {path}")


@app.command("calc")
def calc_cmd(
    workbook: Annotated[Path, typer.Argument(help="Workbook to recalculate (.xlsx or .xlsm).")],
    out: Annotated[Path | None, typer.Option("-o", "--out", help="Calculated copy (default: NAME.calculated.xlsx).")]
    = None,
    render: Annotated[Path | None, typer.Option("--render", help="Also draw the sheet's printed pages to this PNG, "
                                                "then NAME-2.png, ... (needs LibreOffice).")] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Sheet to render (default: the active one).")]
    = None,
    assign: Annotated[list[str] | None, typer.Option("--set", help="Type a value into an input cell first: "
                                                     "NAME=VALUE or Sheet!A1=VALUE (repeatable), e.g. "
                                                     "--set model_ticker=IREN.")] = None,
) -> None:
    """Recalculate every formula headlessly, write a copy with the values stored, report errors."""
    from xlmodel.calc import engine, package, report, typed_inputs

    target = out or workbook.with_name(workbook.stem + ".calculated" + workbook.suffix)
    try:
        package.check_output(package.check_workbook(workbook), target)
    except package.WorkbookFileError as exc:
        _stop(str(exc))
    if sheet is not None:  # a wrong name is one line before any work
        from xlmodel.calc.render import sheet_named

        if render is None:
            _stop("--sheet chooses the sheet --render draws: give --render too")
        try:
            sheet = sheet_named(workbook, sheet)
        except ValueError as exc:
            _stop(str(exc))
    source = workbook
    try:
        if assign:
            source = target.with_name(f".{target.stem}.inputs{workbook.suffix}")
            typed_inputs.set_inputs(workbook, source, typed_inputs.parse_assignments(assign))
        calc = engine.calculate(source, checked=True)
        engine.write_calculated(calc, target, source=source)
    except (package.WorkbookFileError, typed_inputs.InputError) as exc:
        _stop(str(exc))
    finally:
        if source != workbook:
            source.unlink(missing_ok=True)
    report.print_summary(console, calc, target)
    if render is not None:
        from xlmodel.calc import render as render_mod

        try:
            pages = render_mod.render_pages(calc, target, render, sheet)  # the copy holds what --set typed
            console.print(f"rendered {', '.join(str(p) for p in pages)}")
        except render_mod.RenderUnavailable as exc:
            console.print(f"[yellow]not rendered:[/] {exc}")
    if not calc.ok:
        raise typer.Exit(code=1)


@app.command("refresh")
def refresh_cmd(
    workbook: Annotated[Path, typer.Argument(help="Workbook to refresh in place.")],
    offline: Annotated[bool, typer.Option("--offline", help="Use the embedded snapshot, no network.")] = False,
    tickers: Annotated[str | None, typer.Option("--tickers", help="Comma-separated tickers (default: the Settings "
                                                "sheet's XLMODEL_TICKERS, else all).")]
    = None,
    only: Annotated[str | None, typer.Option("--only", help="network, prices, sec or equities "
                                             "(comma-separated).")] = None,
    wait: Annotated[float, typer.Option("--wait", help="Seconds to wait for another refresh of the same "
                                        "workbook to finish.")] = 30.0,
) -> None:
    """Pull network, price, SEC and share-price data into the workbook's Data_* and Sources sheets."""
    from rich.progress import Progress

    from xlmodel.calc.package import WorkbookFileError, check_workbook
    from xlmodel.data.collect import DEFAULT_TICKERS, PER_TICKER, SOURCES, default_cache_dir
    from xlmodel.data.config import ConfigError
    from xlmodel.refresh.store import WorkbookBusy, refresh_workbook

    try:
        check_workbook(workbook, deep=True)
    except WorkbookFileError as exc:
        _stop(str(exc))
    chosen = tuple(t.strip().upper() for t in tickers.split(",")) if tickers else None
    parts = tuple(p.strip().lower() for p in only.split(",")) if only else SOURCES
    bad = [p for p in parts if p not in SOURCES]
    if bad:
        raise typer.BadParameter(f"--only takes {', '.join(SOURCES)}; got {', '.join(bad)}")
    total = sum(len(chosen or DEFAULT_TICKERS) if p in PER_TICKER else 1 for p in parts)
    with Progress(console=console, transient=True, disable=not console.is_terminal) as bar:
        task = bar.add_task("refreshing", total=total)
        try:
            report = refresh_workbook(workbook, offline=offline, tickers=chosen, only=parts,
                                      cache_dir=None if offline else default_cache_dir(),
                                      progress=lambda name: bar.update(task, advance=1, description=name),
                                      lock_wait_s=wait)
        except ConfigError as exc:
            console.print(f"[red]refresh not started:[/] {escape(str(exc))}")
            raise typer.Exit(code=2) from None
        except WorkbookBusy as exc:
            _stop(str(exc))
    for outcome in report.outcomes:
        mark = "[green]ok[/]" if outcome.ok else ("[yellow]skipped[/]" if outcome.skipped else "[red]failed[/]")
        rows = outcome.records.count if outcome.records else 0
        reason = f": {escape(outcome.error)}" if outcome.error else f" ({rows} rows)"
        console.print(f"{mark} {outcome.name}{reason}")
    for line in report.refused:
        console.print(f"[red]refused[/] {escape(line)}")
    console.print(f"wrote {', '.join(report.written)} in {escape(str(workbook))}")
    if report.failures or report.refused:
        raise typer.Exit(code=1)


def _stop(message: str) -> None:
    """One line saying what and why, exit code 2, nothing written."""
    console.print(f"[red]error:[/] {escape(message)}", soft_wrap=True)
    raise typer.Exit(code=2)


def main() -> None:
    """The ``xlmodel`` command. The process then ends without the interpreter's teardown (freeing every
    module and object: 0.05-0.25 s measured after ``xlmodel calc``), as mypy's ``hard_exit`` does;
    everything is written and closed by then, and logging is flushed first."""
    try:
        app()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (exc.code is not None)
        if isinstance(exc.code, str):
            print(exc.code, file=sys.stderr)
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(int(code))


if __name__ == "__main__":
    main()
