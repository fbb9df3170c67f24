"""The access log: one line per request, naming the route's template — never the concrete path
or query string, which may carry an ID number (`/api/v1/people/{id}` is logged as written)."""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger("frontline.web.access")


class AccessLogMiddleware:
    """Logs `method route status duration` for every HTTP request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # if the app fails before answering, the server error is what was sent

        async def record_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, record_status)
        finally:
            logger.info(
                "%s %s %d %.1f ms",
                scope["method"],
                route_template(scope),
                status,
                (time.perf_counter() - started) * 1000,
            )


def route_template(scope: Scope) -> str:
    """The matched route's path template, the mount for static files, else `-`."""
    template = getattr(scope.get("route"), "path", None)
    if isinstance(template, str):
        return template
    return "/static/…" if str(scope.get("path", "")).startswith("/static/") else "-"
