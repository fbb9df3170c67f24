"""`frontline integrate`: run the integration engine over a deployment's sources."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from frontline.integrate.pipeline import IntegrationResult, run_integration
from frontline.integrate.sources import SourceError, load_sources


def show(result: IntegrationResult, console: Console, seconds: float) -> None:
    """Print the row accounting of every source and the entities found."""
    table = Table(title="Integration / 数据整合", title_justify="left")
    headers = (
        "source 数据源", "department 部门", "read 读取", "linked 关联", "repaired 经修复",
        "matched 概率匹配", "quarantined 隔离", "skipped 跳过", "other 其他源", "✓",
    )  # fmt: skip
    for name in headers:
        text = name.startswith(("source", "dep"))
        table.add_column(name, justify="left" if text else "right", overflow="fold")
    for a in result.sources:
        quarantined = sum(a.quarantined.values())
        ok = "✓" if a.accounted == a.rows_read else "✗"
        counts = (a.rows_read, a.linked, a.repaired, a.linked_residue, quarantined, a.skipped)
        table.add_row(a.key, a.department, *(f"{n:,}" for n in (*counts, a.other_source)), ok)
    console.print(table)
    console.print(
        "linked includes repaired identifiers and records matched without one "
        "(关联数含修复后的标识码与概率匹配的记录)"
    )
    entities = ", ".join(f"{k} {v:,}" for k, v in result.entities.items())
    console.print(f"entities 实体: {entities}")
    reasons = ", ".join(f"{k} {v:,}" for k, v in sorted(result.residue_reasons.items()))
    console.print(f"without a usable identifier 无可用标识码（按原因）: {reasons}")
    by_reason: dict[str, int] = {}
    for a in result.sources:
        for reason, count in a.quarantined.items():
            by_reason[reason] = by_reason.get(reason, 0) + count
    held = ", ".join(f"{k} {v:,}" for k, v in sorted(by_reason.items()))
    console.print(f"quarantined by reason 隔离（按原因）: {held or 'none'}")
    for note in result.notes:
        console.print(f"[yellow]{note}[/yellow]")
    stages = ", ".join(f"{k} {v:.1f} s" for k, v in result.seconds.items())
    console.print(f"{seconds:.1f} s ({stages})")


def run(sources: Path, data: Path, console: Console) -> IntegrationResult:
    """Load the source descriptions, integrate with a live progress bar, print the summary.

    A wrong source file ends the command with its file, line and key (exit code 2).
    """
    try:
        specs = load_sources(sources)
    except SourceError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from None
    started = time.perf_counter()
    with Progress(
        TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
        console=console, transient=True,
    ) as progress:  # fmt: skip
        task = progress.add_task("integrating", total=len(specs))

        def on_stage(stage: str, done: int, total: int) -> None:
            progress.update(task, description=stage, completed=done, total=total)

        result = run_integration(specs, data, progress=on_stage)
    show(result, console, time.perf_counter() - started)
    return result


def register(app: typer.Typer) -> None:
    @app.command()
    def integrate(
        data: Annotated[Path, typer.Option(help="Folder holding the departments' files.")],
        sources: Annotated[
            Path, typer.Option(help="Folder of source descriptions (*.yaml).")
        ] = Path("examples/city/sources"),
    ) -> None:
        """Integrate department sources: read, normalise, validate and link every row."""
        run(sources, data, Console())
