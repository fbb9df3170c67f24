"""The console's sign-in and sign-out: a form, errors shown in place, cookies instead of tokens."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request
from starlette.responses import Response

from frontline.staff import sessions
from frontline.staff.sessions import SignInRefused
from frontline.web.console.pages import PagesDep
from frontline.web.console.session import (
    ACCESS_COOKIE,
    CONSOLE_PATH,
    current_user,
    forget_tokens,
    safe_next,
    store_tokens,
)
from frontline.web.csrf import CSRF_COOKIE
from frontline.web.deps import EngineDep, NowDep, SessionSettingsDep, SettingsDep
from frontline.web.features import Feature
from frontline.web.problems import CSRF, INVALID_REQUEST, Problem
from frontline.web.routes.auth import password_sign_in, refusal_problem

_REASONS = {"required": "sign_in.required", "signed_out": "sign_in.signed_out"}
_FORM_LIMIT = 1024


def router() -> APIRouter:
    """`/console/sign-in` (GET: the form; POST: sign in) and `/console/sign-out`."""
    console = APIRouter(prefix=CONSOLE_PATH, include_in_schema=False)

    @console.get("/sign-in")
    def sign_in_form(
        request: Request,
        pages: PagesDep,
        engine: EngineDep,
        now: NowDep,
        settings: SettingsDep,
        session_settings: SessionSettingsDep,
        next: str = "",
        reason: Literal["required", "signed_out", ""] = "",
    ) -> Response:
        """The sign-in form; a reader who is signed in already goes straight on."""
        user, renewed = current_user(request, engine, now, session_settings)
        if renewed is not None:
            store_tokens(request, renewed, settings, now)
        if user is not None and reason != "signed_out":
            return pages.redirect(request, safe_next(next))
        notice = _REASONS.get(reason)
        return pages.render(
            request, "sign_in.html", user=None, next=safe_next(next), username="",
            error=None, error_values={}, notice=notice,
        )  # fmt: skip

    @console.post("/sign-in")
    def sign_in(
        request: Request,
        pages: PagesDep,
        engine: EngineDep,
        now: NowDep,
        settings: SettingsDep,
        session_settings: SessionSettingsDep,
        username: Annotated[str, Form(max_length=_FORM_LIMIT)] = "",
        password: Annotated[str, Form(max_length=_FORM_LIMIT)] = "",
        csrf_token: Annotated[str, Form(max_length=_FORM_LIMIT)] = "",
        next: Annotated[str, Form(max_length=_FORM_LIMIT)] = "",
    ) -> Response:
        """Sign in; on failure the form again, with what went wrong and what to do."""
        target = safe_next(next)

        def again(problem: Problem) -> Response:
            return pages.render(
                request, "sign_in.html", user=None, status=problem.status,
                headers=problem.headers, next=target, username=username.strip(),
                error=problem.detail_key, error_values=problem.values, notice=None,
            )  # fmt: skip

        if not pages.csrf.valid(request.cookies.get(CSRF_COOKIE), csrf_token):
            return again(Problem(CSRF))
        if not username.strip() or not password:
            return again(Problem(INVALID_REQUEST, detail="sign_in.missing"))
        with engine.connect() as connection:
            try:
                pair = password_sign_in(
                    connection,
                    username,
                    password,
                    request=request,
                    now=now,
                    session_settings=session_settings,
                )
            except SignInRefused as refused:
                return again(refusal_problem(refused))
            except Problem as problem:
                return again(problem)
        store_tokens(request, pair, settings, now)
        return pages.redirect(request, target)

    @console.post("/sign-out")
    def sign_out(
        request: Request,
        pages: PagesDep,
        engine: EngineDep,
        now: NowDep,
        settings: SettingsDep,
        csrf_token: Annotated[str, Form(max_length=_FORM_LIMIT)] = "",
    ) -> Response:
        """Sign out: the session ends on the server, the cookies leave the browser."""
        if not pages.csrf.valid(request.cookies.get(CSRF_COOKIE), csrf_token):
            raise Problem(CSRF)
        access = request.cookies.get(ACCESS_COOKIE)
        if access:
            with engine.begin() as connection:
                sessions.sign_out(connection, access, now=now)
        forget_tokens(request, settings)
        return pages.redirect(request, f"{CONSOLE_PATH}/sign-in?reason=signed_out")

    return console


def feature() -> Feature:
    """The console's sign-in."""
    return Feature(name="console-sign-in", routers=(router(),))
