"""Cookies set on the way out, whatever response a request ends with.

A console request may renew the reader's tokens before its page fails (a 403, a 500): the
new cookies must still reach the browser, or its next request would present a refresh token
already used — which signs the whole session out. So cookies are queued on the request and
`CookieMiddleware` adds them to the response, page or problem alike (a server error's
response is made outside the middleware, so `problem_response` takes them itself).
"""

from __future__ import annotations

from typing import Literal

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_STATE_KEY = "frontline_cookies"


def queue_cookie(
    request: Request,
    name: str,
    value: str,
    *,
    max_age: int | None = None,
    path: str = "/",
    secure: bool = False,
    samesite: Literal["strict", "lax"] = "strict",
) -> None:
    """Set cookie `name` on the response (HttpOnly always; an empty value with max_age 0
    deletes it)."""
    scratch = Response()
    scratch.set_cookie(
        name,
        value,
        max_age=max_age,
        path=path,
        secure=secure,
        httponly=True,
        samesite=samesite,
    )
    queued: list[tuple[bytes, bytes]] = request.scope.setdefault("state", {}).setdefault(
        _STATE_KEY, []
    )
    # A later value for the same cookie replaces an earlier one.
    prefix = f"{name}=".encode("latin-1")
    queued[:] = [(k, v) for k, v in queued if not v.startswith(prefix)]
    queued.extend(scratch.raw_headers[-1:])


def delete_cookie(request: Request, name: str, *, path: str = "/", secure: bool = False) -> None:
    """Delete cookie `name` (set at `path`) in the browser."""
    queue_cookie(request, name, "", max_age=0, path=path, secure=secure)


def take_cookies(request: Request) -> list[tuple[bytes, bytes]]:
    """The queued `Set-Cookie` headers, removed from the queue (each is sent once)."""
    queued: list[tuple[bytes, bytes]] = request.scope.get("state", {}).get(_STATE_KEY, [])
    taken = list(queued)
    queued.clear()
    return taken


class CookieMiddleware:
    """Adds the cookies queued with `queue_cookie` to the response's headers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_cookies(message: Message) -> None:
            if message["type"] == "http.response.start":
                queued = scope.get("state", {}).get(_STATE_KEY, [])
                if queued:
                    message["headers"] = [*message.get("headers", []), *queued]
                    queued.clear()
            await send(message)

        await self.app(scope, receive, send_with_cookies)
