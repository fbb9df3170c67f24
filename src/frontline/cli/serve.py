"""`frontline serve`: the web service — API, OpenAPI docs and management console — on uvicorn."""

from __future__ import annotations

import copy
import os
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape

from frontline.settings import Settings
from frontline.store import create_engine_for, safe_url, upgrade
from frontline.store.schema import current_revision, head_revision

FACTORY = "frontline.web.factory:app_from_environment"
"""What each worker process of a multi-process service builds its app with."""


def load_settings(database: str | None) -> Settings:
    """The settings from the environment and .env, `--database` winning; exits on bad ones."""
    try:
        return Settings(database_url=database) if database else Settings()
    except ValidationError as error:
        errors = Console(stderr=True)
        errors.print(
            "[red]设置有误，服务未启动 / the settings are wrong, nothing was started:[/red]"
        )
        for problem in error.errors(include_url=False, include_input=False):
            field = ".".join(str(p) for p in problem["loc"]) or "settings"
            message = str(problem["msg"]).removeprefix("Value error, ")
            errors.print(f"[red]- {escape(field)}: {escape(message)}[/red]")
        raise typer.Exit(2) from None


def prepare_database(settings: Settings, console: Console) -> None:
    """Bring the database's schema up to date (embedded, development); in production only
    check it, since migrating a shared database is an operator's deliberate step."""
    engine = create_engine_for(settings.database_url)
    try:
        if settings.environment != "production":
            upgrade(engine)
            return
        current, head = current_revision(engine), head_revision()
        if current != head:
            console.print(
                f"[red]数据库结构版本 {current} 不是 {head}，请先迁移。 / the database "
                f"schema is at {current}, not {head}: migrate it first.[/red]"
            )
            raise typer.Exit(2)
    finally:
        engine.dispose()


def log_config() -> dict[str, Any]:
    """Uvicorn's logging setup, with Frontline's loggers (access log included) beside it."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["frontline"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


def register(app: typer.Typer) -> None:
    """Add the `serve` command to `app`."""

    @app.command()
    def serve(
        host: Annotated[
            str, typer.Option(help="Address to listen on (0.0.0.0 for every interface).")
        ] = "127.0.0.1",
        port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
        database: Annotated[
            str | None,
            typer.Option(
                help="Database URL [default: $FRONTLINE_DATABASE_URL, else "
                "sqlite:///var/frontline.db]."
            ),
        ] = None,
        workers: Annotated[
            int,
            typer.Option(
                min=1, max=64, help="Worker processes (one per CPU core suits a busy service)."
            ),
        ] = 1,
    ) -> None:
        """Start the web service: the API (/api/v1), its docs (/docs) and the console
        (/console). Settings come from FRONTLINE_* variables and .env (see docs/api.md)."""
        console = Console()
        settings = load_settings(database)
        prepare_database(settings, console)
        run_service(settings, host, port, console, workers=workers)


def run_service(
    settings: Settings, host: str, port: int, console: Console, *, workers: int = 1
) -> None:
    """Serve the app built from ``settings`` on uvicorn until interrupted, after printing where
    its console and API docs are. With several `workers`, each process builds the app from
    the settings handed over as `FRONTLINE_*` variables."""
    import uvicorn

    from frontline.web import create_app

    service: Any = create_app(settings) if workers == 1 else FACTORY
    if workers > 1:
        os.environ.update(settings.as_environment())
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host  # noqa: S104
    base = f"http://{shown}:{port}"
    console.print(f"Frontline {settings.environment} · {escape(safe_url(settings.database_url))}")
    console.print(f"控制台 console:  {base}/console")
    console.print(f"接口文档 API docs: {base}/docs  ({base}/openapi.json)", soft_wrap=True)
    # proxy_headers: behind a reverse proxy, sign-in rate limits see the real client
    # address (uvicorn trusts X-Forwarded-For from 127.0.0.1 only by default).
    # access_log off: uvicorn's logs the raw path and query, which may hold an ID number;
    # frontline.web.access logs the route's template instead.
    uvicorn.run(
        service,
        host=host,
        port=port,
        proxy_headers=True,
        access_log=False,
        log_config=log_config(),
        workers=workers,
        factory=workers > 1,
    )
