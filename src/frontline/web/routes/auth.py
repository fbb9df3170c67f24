"""Sign-in over the API: tokens for a username and password, refresh, sign-out, and `/me`."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel, Field
from sqlalchemy import Connection

from frontline.devices.enrolment import DEVICE_ROLES
from frontline.settings import Settings
from frontline.staff import sessions
from frontline.staff.passwords import MAX_LENGTH as MAX_PASSWORD_LENGTH
from frontline.staff.sessions import MAX_USERNAME_LENGTH, SignInRefused, TokenPair
from frontline.staff.tokens import MAX_TOKEN_LENGTH
from frontline.web.deps import (
    ConnectionDep,
    EngineDep,
    NowDep,
    PrincipalDep,
    SessionSettingsDep,
    bearer,
)
from frontline.web.features import Feature
from frontline.web.problems import (
    ACCOUNT_INACTIVE,
    ACCOUNT_LOCKED,
    BAD_CREDENTIALS,
    DEVICE_REQUIRED,
    RATE_LIMITED,
    SESSION_INVALID,
    UNAUTHENTICATED,
    Problem,
    ProblemType,
    problem_responses,
)

_REFUSALS: dict[str, ProblemType] = {
    "bad_credentials": BAD_CREDENTIALS,
    "locked": ACCOUNT_LOCKED,
    "rate_limited": RATE_LIMITED,
    "inactive": ACCOUNT_INACTIVE,
}
# Token answers must never be cached (RFC 6749 §5.1).
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


class SignInRequest(BaseModel):
    username: str = Field(min_length=1, max_length=MAX_USERNAME_LENGTH)
    password: str = Field(min_length=1, max_length=MAX_PASSWORD_LENGTH)


class RefreshRequest(BaseModel):
    refresh_token: str = Field(min_length=1, max_length=MAX_TOKEN_LENGTH)


class Tokens(BaseModel):
    """A token pair: send `access_token` as `Authorization: Bearer …`; exchange
    `refresh_token` at /api/v1/auth/refresh before `refresh_expires_at`."""

    access_token: str
    refresh_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_in: int = Field(description="Seconds until the access token expires.")
    access_expires_at: datetime
    refresh_expires_at: datetime
    session_id: str


class Me(BaseModel):
    """The signed-in staff member."""

    staff_id: int
    username: str
    display_name: str
    department: str = Field(description="The code of the member's department.")
    roles: list[str]
    area: str = Field(description="The division or grid code at the root of their area scope.")
    session_id: str


def refusal_problem(refused: SignInRefused) -> Problem:
    """The problem telling a refused sign-in (with Retry-After when waiting helps)."""
    return Problem(_REFUSALS.get(refused.reason, BAD_CREDENTIALS), retry_after=refused.retry_after)


def password_sign_in(
    connection: Connection,
    username: str,
    password: str,
    *,
    request: Request,
    now: datetime,
    session_settings: sessions.SessionSettings,
) -> TokenPair:
    """A sign-in with a password alone (the API's and the console's): `SignInRefused`, or a
    `device-required` problem for a grid worker while workers must use an enrolled phone
    (the session just opened is ended again; the attempt counts as a success)."""
    pair = sessions.sign_in(
        connection,
        username,
        password,
        client=client_address(request),
        now=now,
        settings=session_settings,
    )
    settings: Settings = request.app.state.settings
    if not settings.worker_devices_required:
        return pair
    with connection.begin():
        principal = sessions.authenticate(connection, pair.access_token, now=now)
        roles = principal.roles if principal is not None else frozenset()
        phone_only = bool(roles) and roles <= DEVICE_ROLES
        if phone_only:
            sessions.sign_out(connection, pair.access_token, now=now)
    if phone_only:  # raised after the commit: the session is ended for good
        raise Problem(DEVICE_REQUIRED)
    return pair


def client_address(request: Request) -> str:
    """Who is signing in, for rate limiting: the peer address (uvicorn resolves proxies)."""
    return request.client.host if request.client else "unknown"


def router() -> APIRouter:
    """The `/api/v1/auth` routes and `/api/v1/me`."""
    api = APIRouter(prefix="/api/v1", tags=["auth"])

    @api.post(
        "/auth/sign-in",
        response_model=Tokens,
        responses=problem_responses(401, 403, 422, 423, 429),
    )
    def sign_in(
        body: SignInRequest,
        request: Request,
        response: Response,
        engine: EngineDep,
        now: NowDep,
        settings: SessionSettingsDep,
    ) -> Tokens:
        """Sign in with a username and password; answers a token pair.

        Repeated failures lock the account (423) and too many attempts are slowed down (429);
        both say how long to wait in `Retry-After`.
        """
        # Sign-in commits its own transaction (a refusal must count even though we fail).
        with engine.connect() as connection:
            try:
                pair = password_sign_in(
                    connection,
                    body.username,
                    body.password,
                    request=request,
                    now=now,
                    session_settings=settings,
                )
            except SignInRefused as refused:
                raise refusal_problem(refused) from None
        response.headers.update(_NO_STORE)
        return _tokens(pair, now)

    @api.post("/auth/refresh", response_model=Tokens, responses=problem_responses(401, 422))
    def refresh(
        body: RefreshRequest,
        response: Response,
        engine: EngineDep,
        now: NowDep,
        settings: SessionSettingsDep,
    ) -> Tokens:
        """Exchange a refresh token for a new pair; the old pair stops working.

        A refresh token works once: presenting it again signs out every session it led to.
        """
        with engine.connect() as connection:
            try:
                pair = sessions.refresh(connection, body.refresh_token, now=now, settings=settings)
            except sessions.SessionInvalid:
                raise Problem(SESSION_INVALID) from None
        response.headers.update(_NO_STORE)
        return _tokens(pair, now)

    @api.post("/auth/sign-out", status_code=204, responses=problem_responses(401))
    def sign_out(
        connection: ConnectionDep,
        now: NowDep,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> Response:
        """Sign out: the access token and its refresh token stop working.

        An expired access token still signs out (so its refresh token cannot be used later);
        a token of no open session is a 401.
        """
        if credentials is None:
            raise Problem(UNAUTHENTICATED, headers={"WWW-Authenticate": "Bearer"})
        if not sessions.sign_out(connection, credentials.credentials, now=now):
            raise Problem(
                UNAUTHENTICATED, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}
            )
        return Response(status_code=204)

    @api.get("/me", response_model=Me, responses=problem_responses(401))
    def me(principal: PrincipalDep) -> Me:
        """Who the access token signs in: name, department, roles and area scope."""
        return Me(
            staff_id=principal.staff_id,
            username=principal.username,
            display_name=principal.display_name,
            department=principal.department,
            roles=sorted(role.value for role in principal.roles),
            area=principal.area,
            session_id=principal.session_id,
        )

    return api


def _tokens(pair: TokenPair, now: datetime) -> Tokens:
    return Tokens(
        access_token=pair.access_token,
        refresh_token=pair.refresh_token,
        expires_in=max(0, int((pair.access_expires_at - now).total_seconds())),
        access_expires_at=pair.access_expires_at,
        refresh_expires_at=pair.refresh_expires_at,
        session_id=pair.session_id,
    )


def feature() -> Feature:
    """Sign-in over the API."""
    return Feature(name="auth", routers=(router(),))
