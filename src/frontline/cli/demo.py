"""`frontline demo`: the main job on the embedded default."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from frontline.cli import integrate
from frontline.cli.synth import run, show_examples
from frontline.quality.report import load_report, write_report
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
        """Run the demo: generate a synthetic city, integrate its departments' data into the
        store, and write the data quality report."""
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
        database = f"sqlite:///{out / 'frontline.db'}"
        integrate.run(sources, out / "city", console, database)
        console.print()
        console.print("Step 3. The data quality report / 第三步：数据质量报告")
        html_path, json_path = write_report(load_report(database), out / "quality")
        console.print(f"report 报告: {escape(str(html_path))}")
        console.print(f"data 数据: {escape(str(json_path))}")
        console.print("Next / 下一步: frontline review list --database " + database)
