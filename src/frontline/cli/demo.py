"""`frontline demo`: the main job on the embedded default."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from frontline.cli import integrate
from frontline.cli.synth import run, show_examples
from frontline.synth import CityConfig


def register(app: typer.Typer) -> None:
    @app.command()
    def demo(
        out: Annotated[Path, typer.Option(help="Folder the demo writes into.")] = Path("var/demo"),
        persons: Annotated[int, typer.Option(min=10, help="Persons in the demo city.")] = 5000,
        sources: Annotated[
            Path, typer.Option(help="Source descriptions of the city's departments.")
        ] = Path("examples/city/sources"),
    ) -> None:
        """Run the demo: generate a synthetic city, then integrate its departments' data."""
        console = Console()
        console.rule("Frontline demo / 演示")
        console.print(
            "Step 1. A synthetic district with nine department datasets / 第一步：生成合成城市"
        )
        report = run(CityConfig(persons=persons, seed=7), out / "city", console)
        show_examples(report, console)
        console.print(
            "Every row of every file is listed in truth/source_rows.parquet with its true entity "
            "and defects. / 每个文件的每一行都在真值中登记了其真实实体与缺陷。"
        )
        console.print()
        console.print(
            "Step 2. Integrate: read every format, check every identifier, link every row "
            "/ 第二步：数据整合"
        )
        integrate.run(sources, out / "city", console)
