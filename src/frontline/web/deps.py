"""What routes receive: the settings, the clock, a connection in the request's transaction,
and the signed-in principal.

    @router.get("/api/v1/things", responses=problem_responses(401, 403))
    def things(connection: ConnectionDep, principal: StewardDep) -> ...
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Annotated, TypeVar

import anyio
import anyio.to_thread
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Connection, Engine, RootTransaction

from frontline.settings import Settings
from frontline.staff import sessions
from frontline.staff.principal import Principal
from frontline.staff.roles import Role
from frontline.store import begin_write
from frontline.web.device_auth import device_principal
from frontline.web.problems import FORBIDDEN, UNAUTHENTICATED, Problem

T = TypeVar("T")

# Methods that change nothing: their transaction reads; the others take SQLite's write lock
# up front, so a read-then-write request never fails because another writer went first.
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# Declares the bearer scheme in the OpenAPI spec; missing credentials are our own 401 problem.
bearer = HTTPBearer(auto_error=False, description="An access token from /api/v1/auth/sign-in.")


async def get_settings(request: Request) -> Settings:
    """The app's settings."""
    settings: Settings = request.app.state.settings
    return settings


async def get_engine(request: Request) -> Engine:
    """The app's database engine."""
    engine: Engine = request.app.state.engine
    return engine


async def get_now(request: Request) -> datetime:
    """The request's time (the app's clock; tests set their own)."""
    clock: Callable[[], datetime] = request.app.state.clock
    return clock()


async def get_session_settings(request: Request) -> sessions.SessionSettings:
    """The sign-in session rules derived from the settings."""
    found: sessions.SessionSettings = request.app.state.session_settings
    return found


# The dependencies that only read the app's state are coroutines: FastAPI runs a plain
# function dependency in a worker thread, and a hop to a thread and back for an attribute
# read costs more than the read.
SettingsDep = Annotated[Settings, Depends(get_settings)]
EngineDep = Annotated[Engine, Depends(get_engine)]
NowDep = Annotated[datetime, Depends(get_now)]
SessionSettingsDep = Annotated[sessions.SessionSettings, Depends(get_session_settings)]


CONNECTION_SLOTS = 12
"""Requests holding a pooled connection at once: fewer than the worker threads (16), so a
request holding a lock others wait for in a thread (the audit chain's head, SQLite's write
lock) always finds a thread to finish on; the pool has room for a few connections more."""


def _slots(request: Request) -> anyio.Semaphore:
    """The app's `CONNECTION_SLOTS`."""
    slots: anyio.Semaphore | None = getattr(request.app.state, "connection_slots", None)
    if slots is None:  # made in the event loop, on first use (no thread races for it)
        slots = request.app.state.connection_slots = anyio.Semaphore(CONNECTION_SLOTS)
    return slots


async def get_connection(request: Request, engine: EngineDep) -> AsyncIterator[Connection]:
    """A connection in the request's one transaction: committed when the route returns,
    rolled back when it raises (unless the `Problem` says to keep the changes).

    A request keeps its connection while it waits, between its dependencies and its route,
    for a worker thread. Were more requests to check out connections than the pool holds,
    the ones waiting at the pool would block worker threads that the holders need to finish:
    so a request first takes one of `CONNECTION_SLOTS` (fewer than the pool's connections
    and than the threads), waiting in the event loop, not in a thread.
    """
    write = request.method not in _SAFE_METHODS
    async with _slots(request):
        connection, transaction = await anyio.to_thread.run_sync(_begin, engine, write)

        def end(commit: bool) -> None:
            try:
                if commit:
                    transaction.commit()
                else:
                    transaction.rollback()
            finally:
                connection.close()

        try:
            yield connection
        except Problem as problem:
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(end, problem.keep_changes)
            raise
        except BaseException:
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(end, False)
            raise
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(end, True)


def _begin(engine: Engine, write: bool) -> tuple[Connection, RootTransaction]:
    """A connection and its transaction (one holding SQLite's write lock for a write)."""
    connection = engine.connect()
    try:
        return connection, (begin_write(connection) if write else connection.begin())
    except BaseException:
        connection.close()
        raise


async def run_in_transaction(
    request: Request, engine: Engine, work: Callable[[Connection], T], *, statements_only: bool
) -> T:
    """`work(connection)` in one transaction, all of it — connecting, the work, the commit —
    in one worker thread: for a route so busy that the hops to a thread and back, one for
    each step the dependencies take, cost more than its work (a worker's read of a task's
    subject). The same rules as `get_connection`: a connection slot first; committed when
    `work` returns, rolled back when it raises, unless the `Problem` says to keep the changes.

    `statements_only`: `work` only runs statements that stand alone — reads, and writes whose
    atomicity does not rest on this transaction (the audit writer's appends) — so on a
    server database they run without a transaction block, sparing its BEGIN and COMMIT.
    """
    autocommit = statements_only and engine.dialect.name == "postgresql"
    write = request.method not in _SAFE_METHODS
    async with _slots(request):
        return await anyio.to_thread.run_sync(_run, engine, work, write, autocommit)


def _run(engine: Engine, work: Callable[[Connection], T], write: bool, autocommit: bool) -> T:
    with engine.connect() as connection:
        if autocommit:
            return work(connection.execution_options(isolation_level="AUTOCOMMIT"))
        transaction = begin_write(connection) if write else connection.begin()
        try:
            result = work(connection)
        except Problem as problem:
            if problem.keep_changes:
                transaction.commit()
            else:
                transaction.rollback()
            raise
        except BaseException:
            transaction.rollback()
            raise
        transaction.commit()
        return result


# scope="function": the transaction ends before the response is sent, so a client never
# sees success for a commit that then failed.
ConnectionDep = Annotated[Connection, Depends(get_connection, scope="function")]


def get_principal(
    request: Request,
    connection: ConnectionDep,
    now: NowDep,
    _: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """The staff member whose access token the request carries (401 otherwise): a Bearer
    token, or a device's token with its DPoP proof."""
    return request_principal(connection, request, now)


def request_principal(connection: Connection, request: Request, now: datetime) -> Principal:
    """The staff member whose access token `request` carries; a 401 problem when there is
    none or it is not live.

    `Authorization: Bearer <token>` for a session opened without a device;
    `Authorization: DPoP <token>` with a `DPoP` proof for one opened on an enrolled device
    (`frontline.web.device_auth`): a device's token is refused as a plain Bearer token.
    """
    scheme, _, token = request.headers.get("authorization", "").strip().partition(" ")
    token = token.strip()
    if scheme.lower() == "dpop" and token:
        return device_principal(connection, request, token, now)
    if scheme.lower() != "bearer" or not token:
        raise Problem(UNAUTHENTICATED, headers={"WWW-Authenticate": "Bearer"})
    principal = sessions.authenticate(connection, token, now=now)
    if principal is None or principal.device_id is not None:
        raise Problem(UNAUTHENTICATED, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    return principal


BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
"""Declares the access token in the OpenAPI spec, for a route that runs its work in one
thread (`run_in_transaction`) and finds its principal there (`request_principal`)."""

PrincipalDep = Annotated[Principal, Depends(get_principal)]


def require_roles(*roles: Role) -> Callable[[Principal], Principal]:
    """A dependency giving the principal if they hold one of `roles`, else a 403 problem.

    `Annotated[Principal, Depends(require_roles(Role.AUDITOR))]`
    """
    allowed = frozenset(roles)

    def check(principal: PrincipalDep) -> Principal:
        if not allowed & principal.roles:
            raise Problem(FORBIDDEN)
        return principal

    return check
