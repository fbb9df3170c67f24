"""`frontline forms`: register a deployment's XLSForm spreadsheets, and list the forms.

    frontline forms register examples/city/forms     # every .xlsx/.xls in the folder
    frontline forms register visit.xlsx              # one spreadsheet
    frontline forms list

Each spreadsheet is registered in its own transaction, so one refused file does not hold the
others back; the command exits 1 when any was refused, with every problem at its cell.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy import Engine

from frontline.forms.errors import FormError
from frontline.forms.refusals import FormsRefused
from frontline.forms.registry import form_files, list_forms, register_form
from frontline.store import create_engine_for, database_url, upgrade, write_transaction
from frontline.store.base import utc_now

Database = Annotated[
    str | None,
    typer.Option(
        help="Store URL; default FRONTLINE_DATABASE_URL, else sqlite:///var/frontline.db."
    ),
]


@contextmanager
def _engine(database: str | None) -> Iterator[Engine]:
    engine = create_engine_for(database or database_url(os.environ))
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()


def register(app: typer.Typer) -> None:
    """Add the `forms` command group to `app`."""
    forms = typer.Typer(help="Field data collection forms (采集表单).", no_args_is_help=True)
    app.add_typer(forms, name="forms")

    @forms.command("register")
    def register_forms(
        source: Annotated[
            Path,
            typer.Argument(exists=True, help="A forms folder, or one XLSForm spreadsheet."),
        ],
        database: Database = None,
    ) -> None:
        """Register XLSForm spreadsheets: each checked, and against the scenarios naming it."""
        console = Console()
        paths = form_files(source) if source.is_dir() else [source]
        if not paths:
            console.print(f"没有表单文件 no spreadsheets in {escape(str(source))}")
            raise typer.Exit(1)
        refused = 0
        with _engine(database) as engine:
            for path in paths:
                try:
                    with write_transaction(engine) as connection:
                        done = register_form(
                            connection, path.read_bytes(), path.name, now=utc_now()
                        )
                except FormError as error:
                    refused += 1
                    console.print(f"[red]{escape(path.name)}: 未登记 refused[/red]")
                    for problem in error.problems:
                        console.print(f"  {escape(str(problem))}", soft_wrap=True)
                    continue
                except FormsRefused as error:
                    refused += 1
                    message = error.reason.message
                    values = dict(error.values)
                    console.print(
                        f"[red]{escape(path.name)}: {escape(message.detail_zh.format_map(values))} "
                        f"{escape(message.detail_en.format_map(values))}[/red]",
                        soft_wrap=True,
                    )
                    continue
                version = done.version
                what = "新登记 registered" if done.added else "未变 unchanged"
                retired = f"; 停用 retired {done.retired}" if done.retired else ""
                console.print(
                    f"{escape(path.name)}: {version.form_id} {version.version} {what}{retired}",
                    soft_wrap=True,
                )
        if refused:
            raise typer.Exit(1)

    @forms.command("list")
    def list_all(database: Database = None) -> None:
        """Each form's latest version: active, or the newest retired."""
        console = Console()
        with _engine(database) as engine, engine.connect() as connection:
            found = list_forms(connection)
        table = Table(title="表单 forms", title_justify="left")
        for column in (
            "form_id",
            "version 版本",
            "title 标题",
            "scenarios 服务事项",
            "status 状态",
        ):
            table.add_column(column)
        for form in found:
            table.add_row(
                form.form_id,
                form.version,
                escape(form.title),
                ", ".join(form.scenario_keys),
                "在用 active" if form.status == "active" else "停用 retired",
            )
        console.print(table)
        console.print(f"{len(found)} forms 个表单")
