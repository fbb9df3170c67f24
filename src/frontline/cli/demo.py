"""`frontline demo`: the whole loop on the embedded default, then the service."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from frontline.cli import integrate
from frontline.cli.platform_setup import Deployment, set_up, show_accounts, show_enrolment
from frontline.cli.serve import run_service
from frontline.cli.synth import run, show_examples
from frontline.quality.report import load_report, write_report
from frontline.settings import Settings
from frontline.store import create_engine_for
from frontline.synth import CityConfig
from frontline.web.audit_signer import load_app_signer

EXAMPLES = Path("examples/city")


def register(app: typer.Typer) -> None:
    @app.command()
    def demo(
        out: Annotated[Path, typer.Option(help="Folder the demo writes into.")] = Path("var/demo"),
        persons: Annotated[int, typer.Option(min=10, help="Persons in the demo city.")] = 5000,
        sources: Annotated[
            Path, typer.Option(help="Source descriptions of the city's departments.")
        ] = EXAMPLES / "sources",
        serve: Annotated[
            bool, typer.Option(help="Start the service at the end (stop it with Ctrl-C).")
        ] = True,
        port: Annotated[int, typer.Option(min=1, max=65535, help="Port of the service.")] = 8000,
    ) -> None:
        """Run the demo: generate a synthetic city, integrate its departments' data into the
        store, write the data quality report, load grids, scenarios, staff and tasks, and start
        the service."""
        console = Console()
        console.rule("Frontline demo / 演示")
        console.print(
            "Step 1. A synthetic district with nine department datasets / 第一步：生成合成城市"
        )
        config = CityConfig(persons=persons, seed=7)
        report = run(config, out / "city", console)
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
        console.print(
            "Review uncertain links / 人工核对: frontline review list --database " + database
        )
        console.print()
        console.print(
            "Step 4. Grids, scenarios, staff and tasks / 第四步：网格、服务事项、人员与工单"
        )
        settings = Settings(database_url=database, data_dir=out, environment="embedded")
        engine = create_engine_for(database)
        try:
            deployment = Deployment(EXAMPLES / "scenarios", EXAMPLES / "staff.yaml")
            # The key the service will sign its checkpoints with (made here the first time).
            signer = load_app_signer(settings)
            # The tasks are due from the day the demo runs, whatever the city's as-of date.
            passwords = set_up(
                engine,
                deployment,
                out / "city" / "areas",
                signer,
                config.as_of,
                console,
                today=datetime.now(UTC).date(),
            )
            show_accounts(engine, passwords, console)
            show_enrolment(engine, console, port, as_of=datetime.now(UTC))
        finally:
            engine.dispose()
        console.print()
        console.print("Step 5. The service / 第五步：启动服务")
        if serve:
            run_service(settings, "127.0.0.1", port, console)
        else:
            console.print(
                f"Start it with / 启动服务: frontline serve --port {port} --database {database}"
            )
