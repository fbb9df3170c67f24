"""`frontline integrate`: run the integration engine over a deployment's sources."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from frontline.integrate.pipeline import IntegrationResult, run_integration
from frontline.integrate.readers import ReadError
from frontline.integrate.sources import SourceError, SourceSpec, load_sources
from frontline.quality.issue_types import issue_type
from frontline.store import create_engine_for, database_url, safe_url, upgrade

_WIDE = 120
"""Terminal columns from which the accounting is a table."""


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
    if console.width >= _WIDE:
        console.print(table)
    else:
        # A narrow terminal: one line per source instead of a table of folded headers.
        console.print("Integration / 数据整合", style="italic")
        for a in result.sources:
            ok = "✓" if a.accounted == a.rows_read else "✗"
            rest = [f"quarantined 隔离 {sum(a.quarantined.values()):,}"]
            rest += [f"skipped 跳过 {a.skipped:,}"] if a.skipped else []
            rest += [f"other 其他源 {a.other_source:,}"] if a.other_source else []
            console.print(
                f"{ok} {a.key} ({a.department}): read 读取 {a.rows_read:,} = "
                f"linked 关联 {a.linked:,} (repaired 修复 {a.repaired:,}, "
                f"matched 匹配 {a.linked_residue:,}) + " + " + ".join(rest)
            )
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


def show_quality(result: IntegrationResult, specs: list[SourceSpec], console: Console) -> None:
    """Each department's four scores, and its issues by type (in one folding column, so the
    table fits a narrow terminal)."""
    names = {s.department_key: s.department for s in specs}
    table = Table(title="Quality by department / 各部门数据质量", title_justify="left")
    table.add_column("部门", no_wrap=True)
    for label in ("完整性", "有效性", "一致性", "及时性"):
        table.add_column(label, justify="right", no_wrap=True)
    table.add_column("问题 issues", overflow="fold", min_width=12)
    for department, *scores, _rows in result.scores:
        counts = result.issues.get(department, {})
        issues = "\n".join(
            f"{issue_type(t).label_zh} {n:,}"
            for t, n in sorted(counts.items(), key=lambda i: -i[1])
        )
        table.add_row(
            names.get(department, department), *(f"{float(v):.1%}" for v in scores), issues or "—"
        )
    console.print(table)
    total = sum(sum(c.values()) for c in result.issues.values())
    console.print(
        f"quality issues 质量问题: {total:,}, each routed to its department 已分派至所属部门"
    )


def run(
    sources: Path,
    data: Path,
    console: Console,
    database: str | None = None,
    workspace: Path | None = None,
    full: bool = False,
) -> IntegrationResult:
    """Load the source descriptions, integrate with a live progress bar, publish into the
    store at ``database`` (default: ``FRONTLINE_DATABASE_URL``, else SQLite under ``var/``),
    print the summary.

    With a ``workspace`` (a DuckDB file kept between runs) the run is incremental unless
    ``full``: unchanged sources are not read again and only what changed is published.

    A wrong source file ends the command with its file, line and key (exit code 2).
    """
    try:
        specs = load_sources(sources)
    except SourceError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from None
    url = database or database_url(os.environ)
    engine = create_engine_for(url)
    if engine.dialect.name == "sqlite" and engine.url.database:
        Path(engine.url.database).parent.mkdir(parents=True, exist_ok=True)
    upgrade(engine)
    started = time.perf_counter()
    with Progress(
        TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
        console=console, transient=True,
    ) as progress:  # fmt: skip
        task = progress.add_task("integrating", total=len(specs))

        def on_stage(stage: str, done: int, total: int) -> None:
            progress.update(task, description=stage, completed=done, total=total)

        if workspace is not None:
            workspace.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(workspace) if workspace is not None else ":memory:")
        try:
            result = run_integration(
                specs,
                data,
                con,
                progress=on_stage,
                store=engine,
                incremental=workspace is not None and not full,
            )
        except ReadError as error:
            # The store is untouched: nothing is published before every source was read.
            progress.stop()
            console.print(f"[red]{escape(str(error))}[/red]")
            console.print("nothing was published 未发布任何数据")
            raise typer.Exit(2) from None
        finally:
            con.close()
            engine.dispose()
    show(result, console, time.perf_counter() - started)
    show_quality(result, specs, console)
    if workspace is not None and not full:
        kept = len(specs) - len(result.read)
        console.print(
            f"incremental 增量: read 读取 {len(result.read)} changed source(s) "
            f"{', '.join(result.read) or '—'}; {kept} unchanged kept 未变数据源沿用; "
            + (
                "published the changes only 仅发布变化"
                if result.incremental_publish
                else "published in full 全量发布"
            )
        )
    published = result.published.rows if result.published else {}
    console.print(
        f"published run {result.run_id} into {safe_url(url)} 已发布: "
        f"{published.get('golden', 0):,} golden records 主数据, "
        f"{published.get('links', 0):,} links 关联, {published.get('issues', 0):,} issues 问题"
    )
    return result


def register(app: typer.Typer) -> None:
    @app.command()
    def integrate(
        data: Annotated[Path, typer.Option(help="Folder holding the departments' files.")],
        sources: Annotated[
            Path, typer.Option(help="Folder of source descriptions (*.yaml).")
        ] = Path("examples/city/sources"),
        database: Annotated[
            str | None,
            typer.Option(
                help="Store URL; default FRONTLINE_DATABASE_URL, else sqlite:///var/frontline.db."
            ),
        ] = None,
        workspace: Annotated[
            Path | None,
            typer.Option(
                help="A DuckDB file kept between runs: later runs re-read only changed sources "
                "and publish only what changed."
            ),
        ] = None,
        full: Annotated[
            bool, typer.Option(help="With --workspace: read everything and retrain the model.")
        ] = False,
    ) -> None:
        """Integrate department sources: read, normalise, validate, link every row, build the
        golden records and quality issues, and publish them into the store."""
        run(sources, data, Console(), database, workspace, full)
