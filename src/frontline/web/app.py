"""`create_app(settings)`: the service — API, console and static files — built from features.

Everything the app holds (engine, message catalogue, navigation, renderer, CSRF key) is
made here, per app: two apps in one process share nothing.

    app = create_app(Settings())
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.staticfiles import StaticFiles
from fastapi.telemetry import TelemetryConfig
from starlette.responses import HTMLResponse, RedirectResponse, Response

from frontline import __version__
from frontline.settings import Settings
from frontline.staff.sessions import SessionSettings
from frontline.store import create_engine_for
from frontline.web import handlers
from frontline.web.access_log import AccessLogMiddleware
from frontline.web.audit_signer import start_writer, stop_writer
from frontline.web.catalogue import Catalogue
from frontline.web.console.pages import Pages
from frontline.web.console.session import CONSOLE_PATH, SignInRequired
from frontline.web.cookies import CookieMiddleware
from frontline.web.csrf import CsrfGuard
from frontline.web.deps import CONNECTION_SLOTS
from frontline.web.features import Feature, default_features
from frontline.web.hosts import HostMiddleware
from frontline.web.messages import core_messages
from frontline.web.navigation import Navigation
from frontline.web.problems import add_problem_schemas
from frontline.web.task_reads import close_pool, open_pool

STATIC = Path(__file__).parent / "static"
DESCRIPTION = """\
Frontline's service API. Sign in at `POST /api/v1/auth/sign-in` and send the access token as
`Authorization: Bearer <token>`. Every error is an RFC 9457 problem details object
(`application/problem+json`) in the language of `Accept-Language` (Chinese unless English is
preferred). The management console is at [/console](/console).
"""


def create_app(
    settings: Settings,
    *,
    features: Sequence[Feature] | None = None,
    clock: Callable[[], datetime] | None = None,
    session_settings: SessionSettings | None = None,
) -> FastAPI:
    """The service for `settings`, with `features` (default: `default_features()`).

    `clock` gives the current time (tests pass their own); `session_settings` overrides the
    sign-in rules derived from `settings` (token lifetimes).
    """
    installed = default_features() if features is None else list(features)
    catalogue = Catalogue(core_messages())
    navigation = Navigation()
    for feature in installed:
        catalogue.add(feature.messages)
        for entry in feature.navigation:
            navigation.add(entry)
    # hide_parameters: a failed statement's values (names, ID numbers) never reach a log.
    engine = create_engine_for(settings.database_url, hide_parameters=True, **_pool())

    @asynccontextmanager
    async def lifespan(running: FastAPI) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = WORKER_THREADS
        start_writer(running.state, settings, engine)
        await open_pool(running, engine)
        try:
            yield
        finally:
            await close_pool(running)
            stop_writer(running.state)
            engine.dispose()

    app = FastAPI(
        title="Frontline",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served below from vendored files, not a CDN
        redoc_url=None,
        telemetry=_telemetry(settings.opentelemetry),
    )
    pages = Pages(
        catalogue=catalogue,
        navigation=navigation,
        csrf=CsrfGuard(settings.signing_key()),
        settings=settings,
        template_folders=[f.templates for f in installed if f.templates is not None],
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.clock = clock or _utc_now
    app.state.session_settings = session_settings or SessionSettings(
        access_ttl=settings.access_token_ttl, refresh_ttl=settings.refresh_token_ttl
    )
    app.state.catalogue = catalogue
    app.state.navigation = navigation
    app.state.pages = pages
    app.state.problem_page = pages.problem_page

    handlers.install(app)
    app.add_exception_handler(SignInRequired, _to_sign_in)  # type: ignore[arg-type]
    for feature in installed:
        for router in feature.routers:
            app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _add_docs(app)
    # Outermost last: the access log sees every answer, the host check runs before anything
    # else, and cookies wrap every answer.
    app.add_middleware(CookieMiddleware)
    app.add_middleware(HostMiddleware, allowed_hosts=settings.allowed_hosts)
    app.add_middleware(AccessLogMiddleware)
    return app


WORKER_THREADS = 16
"""Threads running the sync routes and dependencies (set at start-up). Fewer than AnyIO's 40:
the work is Python holding one lock (the GIL) but for its waits on the database, and more
threads only switch more often (measured: 40 → 12 threads, 300 → 313 reads/s)."""


def _pool() -> dict[str, int]:
    """Connection pool sizes for the app's engine: a kept connection for every request slot
    (`frontline.web.deps.CONNECTION_SLOTS`), the audit writer and a sign-in, and a few more
    for bursts of the routes that take their own (signing in) — so no worker thread ever
    waits at the pool, and a busy service does not open and close a connection per request
    (an overflow connection is closed when it is returned)."""
    return {"pool_size": CONNECTION_SLOTS + 2, "max_overflow": 8, "pool_timeout": 10}


def _utc_now() -> datetime:
    return datetime.now(UTC)


async def _to_sign_in(request: Request, error: SignInRequired) -> Response:
    pages: Pages = request.app.state.pages
    return pages.redirect(request, error.location())


def _add_docs(app: FastAPI) -> None:
    """The OpenAPI spec with the problem schemas, the docs page, and `/` → the console."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            app.openapi_schema = add_problem_schemas(schema)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="Frontline API",
            swagger_js_url="/static/swagger/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger/swagger-ui.css",
            swagger_favicon_url="/static/swagger/favicon-32x32.png",
        )

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse(CONSOLE_PATH, status_code=307)


def _telemetry(enabled: bool) -> TelemetryConfig:
    """FastAPI's telemetry switches: all on (it then reports to the configured OpenTelemetry
    providers) or all off."""
    return {"tracing": enabled, "metrics": enabled, "logs": enabled}
