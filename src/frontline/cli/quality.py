"""`frontline quality report`: the data quality report of the latest published run."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from frontline.quality import SEVERITIES, SEVERITY_LABELS, Report, ReportError, load_report
from frontline.quality.charts import percent
from frontline.quality.report import write_report
from frontline.store import database_url


def show(report: Report, console: Console) -> None:
    """Print each department's scores and open issues, and the issues by severity."""
    run = report["run"]
    table = Table(title=f"数据质量 Data quality — 运行 run {run['id']}", title_justify="left")
    table.add_column("department 部门", overflow="fold")
    table.add_column("rows 行数", justify="right")
    for dimension in report["dimensions"]:
        table.add_column(
            f"{dimension['label_en'].lower()} {dimension['label_zh']}", justify="right"
        )
    table.add_column("issues 问题", justify="right")
    for department in report["departments"]:
        scores = department["scores"]
        shown = ["—"] * len(report["dimensions"])
        rows = department["rows_read"]
        if scores is not None:
            values = (
                scores["completeness"], scores["validity"], scores["consistency"],
                scores["timeliness"],
            )  # fmt: skip
            shown = [percent(v) for v in values]
            rows = scores["rows"]
        table.add_row(
            escape(department["name"]), f"{rows:,}", *shown, f"{department['issues_total']:,}"
        )
    console.print(table)
    by_severity = report["totals"]["issues_by_severity"]
    counts = " · ".join(
        f"{SEVERITY_LABELS[s].zh} {SEVERITY_LABELS[s].en} {by_severity.get(s, 0):,}"
        for s in SEVERITIES
    )
    console.print(f"open issues 待处理问题: {report['totals']['issues']:,} ({counts})")


def register(app: typer.Typer) -> None:
    """Add the `quality` command group to `app`."""
    quality_app = typer.Typer(
        name="quality", help="Data quality of the thematic store.", no_args_is_help=True
    )

    @quality_app.command()
    def report(
        database: Annotated[
            str | None,
            typer.Option(
                help="Database URL of the thematic store "
                "[default: $FRONTLINE_DATABASE_URL, else sqlite:///var/frontline.db]."
            ),
        ] = None,
        out: Annotated[Path, typer.Option(help="Folder the report is written to.")] = Path(
            "var/quality"
        ),
    ) -> None:
        """Write the data quality report of the latest published run (HTML and JSON)."""
        console = Console()
        try:
            found = load_report(database or database_url(os.environ))
        except ReportError as error:
            errors = Console(stderr=True)
            errors.print(f"[red]{escape(error.zh)}[/red]")
            errors.print(f"[red]{escape(error.en)}[/red]")
            raise typer.Exit(1) from None
        html_path, json_path = write_report(found, out)
        show(found, console)
        console.print(f"report 报告: {escape(str(html_path))}")
        console.print(f"data 数据: {escape(str(json_path))}")

    app.add_typer(quality_app, name="quality")
