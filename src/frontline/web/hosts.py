"""Answer only the host names a deployment names (DNS rebinding, poisoned absolute links)."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from frontline.web.handlers import problem_response
from frontline.web.problems import INVALID_HOST, Problem


def host_allowed(host_header: str, allowed: Sequence[str]) -> bool:
    """Whether the `Host` header names an allowed host: exact, `*`, or `*.domain` patterns."""
    host = _without_port(host_header.strip().lower())
    for pattern in allowed:
        pattern = pattern.strip().lower()
        if pattern == "*" or pattern == host:
            return True
        if pattern.startswith("*.") and host.endswith(pattern[1:]):
            return True
    return False


class HostMiddleware:
    """Refuses requests for other hosts with a 400 problem."""

    def __init__(self, app: ASGIApp, allowed_hosts: Sequence[str]) -> None:
        self.app = app
        self.allowed = list(allowed_hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or "*" in self.allowed:
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        if host_allowed(request.headers.get("host", ""), self.allowed):
            await self.app(scope, receive, send)
            return
        await problem_response(request, Problem(INVALID_HOST))(scope, receive, send)


def _without_port(host: str) -> str:
    if host.startswith("["):  # IPv6 literal: [::1]:8000
        return host[: host.find("]") + 1] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host
