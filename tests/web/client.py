"""A synchronous in-process client: httpx's ASGI transport, driven through an anyio portal.

What Starlette's TestClient does, on httpx directly (the TestClient now wants another
package): requests run the app in this process, lifespan included, cookies kept.
"""

from __future__ import annotations

import functools
from contextlib import ExitStack
from typing import Any

import httpx
from anyio.from_thread import start_blocking_portal
from fastapi import FastAPI


class Client:
    """Calls `app` in-process; use as a context manager (it starts and stops the app)."""

    def __init__(self, app: FastAPI, base_url: str = "http://testserver") -> None:
        self.app = app
        self._base_url = base_url
        self._stack = ExitStack()

    def __enter__(self) -> Client:
        self.portal = self._stack.enter_context(start_blocking_portal())
        transport = httpx.ASGITransport(app=self.app, raise_app_exceptions=False)
        self.http = httpx.AsyncClient(transport=transport, base_url=self._base_url)
        self._stack.callback(self.portal.call, self.http.aclose)
        lifespan = self.app.router.lifespan_context(self.app)
        self._stack.enter_context(self.portal.wrap_async_context_manager(lifespan))
        return self

    def __exit__(self, *_: object) -> None:
        self._stack.close()

    @property
    def cookies(self) -> httpx.Cookies:
        """The cookies the client holds."""
        return self.http.cookies

    def request(self, method: str, url: str, **options: Any) -> httpx.Response:
        """Send one request and wait for the answer."""
        return self.portal.call(functools.partial(self.http.request, method, url, **options))

    def get(self, url: str, **options: Any) -> httpx.Response:
        return self.request("GET", url, **options)

    def post(self, url: str, **options: Any) -> httpx.Response:
        return self.request("POST", url, **options)
