"""`frontline synth`: write a synthetic city with ground truth."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from frontline.synth import CityConfig, CityReport, DefectRates, generate_city


def parse_rates(values: list[str], scale: float) -> DefectRates:
    """Defect rates from ``NAME=VALUE`` options after scaling the defaults."""
    overrides: dict[str, float] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep:
            raise typer.BadParameter(f"{item!r} is not NAME=VALUE", param_hint="--rate")
        try:
            overrides[name.strip()] = float(value)
        except ValueError:
            raise typer.BadParameter(f"{value!r} is not a number", param_hint="--rate") from None
    try:
        return DefectRates().scaled(scale).with_overrides(overrides)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--rate") from None


def run(config: CityConfig, out: Path, console: Console) -> CityReport:
    """Generate with a live progress line per stage; returns the report."""
    started = time.perf_counter()
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
        console=console, transient=True,
    ) as progress:  # fmt: skip
        task = progress.add_task(f"generating {config.persons:,} persons", total=None)

        def on_stage(stage: str) -> None:
            progress.update(task, description=f"{stage} …")

        report = generate_city(config, out, on_stage)
    show(report, console, time.perf_counter() - started)
    return report


def show(report: CityReport, console: Console, seconds: float) -> None:
    """Print what a generation made."""
    table = Table(title=f"Synthetic city in {report.out} / 合成城市", title_justify="left")
    for name in ("file 文件", "department 部门", "format", "encoding", "rows", "defective"):
        table.add_column(
            name, justify="right" if name in ("rows", "defective") else "left", overflow="fold"
        )
    for d in report.datasets:
        table.add_row(
            d.file, d.department, d.format, d.encoding, f"{d.rows:,}", f"{d.defective_rows:,}"
        )
    console.print(table)
    console.print(
        f"{report.persons:,} persons 人, {report.households:,} households 户, "
        f"{report.enterprises:,} enterprises 市场主体 in {seconds:.1f} s"
    )
    planted = ", ".join(f"{k} {v:,}" for k, v in sorted(report.planted.items()))
    console.print(f"planted cases 预置案例: {planted}")
    console.print(f"truth 真值: {report.out / 'truth'}; README: {report.out / 'README.md'}")


def show_examples(report: CityReport, console: Console) -> None:
    """Print one planted defect of each kind beside the true value (all of it is invented data)."""
    table = Table(title="Planted defects, as delivered / 预置缺陷示例", title_justify="left")
    for name in ("source 来源", "row 行", "defect 缺陷", "delivered 部门数据", "truth 真值"):
        table.add_column(name, overflow="fold")
    for e in report.examples:
        table.add_row(e.source, str(e.row), e.marker, repr(e.delivered), e.true_value)
    console.print(table)


def register(app: typer.Typer) -> None:
    @app.command()
    def synth(
        out: Annotated[
            Path, typer.Option(help="Output folder (created; files in it are overwritten).")
        ],
        persons: Annotated[int, typer.Option(min=10, help="Number of persons.")] = 2000,
        seed: Annotated[
            int, typer.Option(min=0, help="Random seed; the same seed gives the same bytes.")
        ] = 1,
        district: Annotated[
            str, typer.Option(help="6-digit district code with a statistical table.")
        ] = "330106",
        rate: Annotated[
            list[str] | None,
            typer.Option(
                help="Override one defect rate, NAME=VALUE (repeatable). See the city README."
            ),
        ] = None,
        defect_scale: Annotated[
            float,
            typer.Option(min=0.0, help="Multiply every row-defect rate (0 gives clean data)."),
        ] = 1.0,
    ) -> None:
        """Generate a synthetic city: department datasets with defects, plus exact ground truth."""
        rates = parse_rates(rate or [], defect_scale)
        try:
            config = CityConfig(persons=persons, seed=seed, district=district, rates=rates)
        except ValueError as error:
            raise typer.BadParameter(str(error)) from None
        try:
            run(config, out, Console())
        except LookupError as error:  # a district without a shipped statistical table
            raise typer.BadParameter(str(error), param_hint="--district") from None
