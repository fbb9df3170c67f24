"""Who is signed in to the console: the access token in an HttpOnly, SameSite=Strict cookie,
renewed from the refresh-token cookie when it expires.

Both cookies are scoped to /console, so the API never accepts them (it wants a Bearer
token) and the console's forms carry CSRF tokens (`frontline.web.csrf`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, Request
from sqlalchemy import Connection

from frontline.settings import Settings
from frontline.staff import sessions
from frontline.staff.accounts import list_departments
from frontline.staff.principal import Principal
from frontline.staff.roles import Role
from frontline.web.catalogue import Text
from frontline.web.cookies import delete_cookie, queue_cookie
from frontline.web.deps import EngineDep, NowDep, SessionSettingsDep, SettingsDep
from frontline.web.problems import FORBIDDEN, Problem

CONSOLE_PATH = "/console"
ACCESS_COOKIE = "frontline_access"
REFRESH_COOKIE = "frontline_refresh"
USER_STATE = "frontline_console_user"
"""Where the request's `ConsoleUser` is kept, so an error page still shows the shell."""


@dataclass(frozen=True, slots=True)
class ConsoleUser:
    """The signed-in reader of a console page, and their department's name."""

    principal: Principal
    department: Text


class SignInRequired(Exception):  # noqa: N818 - a condition, answered with a redirect
    """No valid session: the reader is sent to the sign-in page, then back to `next_path`."""

    def __init__(self, next_path: str) -> None:
        super().__init__("sign-in required")
        self.next_path = next_path

    def location(self) -> str:
        """Where to send the reader."""
        query = {"reason": "required"}
        if safe_next(self.next_path) != CONSOLE_PATH:
            query["next"] = self.next_path
        return f"{CONSOLE_PATH}/sign-in?{urlencode(query)}"


def safe_next(value: str | None) -> str:
    """`value` if it is a console path on this site, else the console's home (no open redirect)."""
    if (
        value
        and (value == CONSOLE_PATH or value.startswith(CONSOLE_PATH + "/"))
        and "\\" not in value
        and not any(ord(c) < 0x20 for c in value)
    ):
        return value
    return CONSOLE_PATH


def store_tokens(
    request: Request, pair: sessions.TokenPair, settings: Settings, now: datetime
) -> None:
    """Put a fresh token pair in the browser's cookies.

    Both last as long as the session: the server decides when the access token has expired,
    and sign-out needs it (even expired) to end the session.
    """
    lifetime = max(1, int((pair.refresh_expires_at - now).total_seconds()))
    for name, value in ((ACCESS_COOKIE, pair.access_token), (REFRESH_COOKIE, pair.refresh_token)):
        queue_cookie(
            request,
            name,
            value,
            max_age=lifetime,
            path=CONSOLE_PATH,
            secure=settings.cookies_secure,
        )


def forget_tokens(request: Request, settings: Settings) -> None:
    """Remove the token cookies from the browser."""
    for name in (ACCESS_COOKIE, REFRESH_COOKIE):
        delete_cookie(request, name, path=CONSOLE_PATH, secure=settings.cookies_secure)


def current_user(
    request: Request, engine: EngineDep, now: NowDep, settings: SessionSettingsDep
) -> tuple[ConsoleUser | None, sessions.TokenPair | None]:
    """The reader the request's cookies sign in, and the new pair if they had to be renewed.

    Uses connections of its own: the page's transaction must not start before a renewal.
    """
    access = request.cookies.get(ACCESS_COOKIE)
    if access:
        with engine.connect() as connection, connection.begin():
            user = _user(connection, access, now)
        if user is not None:
            return user, None
    refresh_token = request.cookies.get(REFRESH_COOKIE)
    if not refresh_token:
        return None, None
    try:
        with engine.connect() as connection:
            pair = sessions.refresh(connection, refresh_token, now=now, settings=settings)
            with connection.begin():
                user = _user(connection, pair.access_token, now)
    except sessions.SessionInvalid:
        return None, None
    return user, pair


def _user(connection: Connection, access_token: str, now: datetime) -> ConsoleUser | None:
    principal = sessions.authenticate(connection, access_token, now=now)
    if principal is None:
        return None
    names = {d.code: d for d in list_departments(connection)}
    found = names.get(principal.department)
    department = (
        Text(found.name, found.name_en or found.name)
        if found is not None
        else Text(principal.department, principal.department)
    )
    return ConsoleUser(principal, department)


def get_console_user(
    request: Request,
    found: Annotated[tuple[ConsoleUser | None, sessions.TokenPair | None], Depends(current_user)],
    settings: SettingsDep,
    now: NowDep,
) -> ConsoleUser:
    """The signed-in reader; otherwise `SignInRequired` sends them to the sign-in page."""
    user, renewed = found
    if renewed is not None:
        store_tokens(request, renewed, settings, now)
    if user is None:
        if request.cookies.get(ACCESS_COOKIE) or request.cookies.get(REFRESH_COOKIE):
            forget_tokens(request, settings)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(target)
    request.scope.setdefault("state", {})[USER_STATE] = user
    return user


ConsoleUserDep = Annotated[ConsoleUser, Depends(get_console_user)]


def console_roles(*roles: Role) -> Callable[[ConsoleUser], ConsoleUser]:
    """A dependency giving the reader if they hold one of `roles`, else a 403 problem page."""
    allowed = frozenset(roles)

    def check(user: ConsoleUserDep) -> ConsoleUser:
        if not allowed & user.principal.roles:
            raise Problem(FORBIDDEN)
        return user

    return check
