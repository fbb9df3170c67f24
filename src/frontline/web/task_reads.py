"""A worker's read of a task's subject, answered in the event loop: the busiest route's
common case without a worker thread.

Every other route, and this one on SQLite, runs its statements in a worker thread. Here, on
PostgreSQL, the allowed read of a task's subject takes one round trip on an asynchronous
connection (`frontline.store.async_pool`): the four reads the full path runs one by one —
the session, the task, the task's facts and the subject's golden record — joined into one
statement from their own statements (`frontline.store.hot.bound`), each read's rows then
read by its own `Lookup`. The decision is the policy's own (`judge`, through
`allowed_task_read`); the audit event goes to the app's audit writer, and the answer waits
until it is committed, as on the full path.

Anything but an allowed read — no Bearer token, a session that is not live or belongs to a
device, an unknown task, a refusal, a merged subject, a database error — answers None, and
the route takes the full path (`frontline.access.read_subject` in a worker thread), which
decides again, records the refusal and gives the error. Nothing is recorded here unless the
read is allowed, so taking the full path after it never records anything twice.

    record = await read_in_event_loop(request, task, now)
"""

from __future__ import annotations

import asyncio
from collections import namedtuple
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

import psycopg
from fastapi import FastAPI, Request
from psycopg_pool import AsyncConnectionPool, PoolTimeout
from sqlalchemy import LABEL_STYLE_TABLENAME_PLUS_COL, Engine, Select, select, true

from frontline.access.policy import Merged, task_facts, task_located_statement
from frontline.access.purposes import TaskFacts
from frontline.access.reading import (
    SubjectRecord,
    allowed_task_read,
    golden_statement,
    golden_values,
)
from frontline.audit import AuditWriter
from frontline.staff.sessions import authentication, authentication_statement
from frontline.store.async_pool import async_pool_for
from frontline.store.hot import bound, fetch_rows
from frontline.tasks import task_brief
from frontline.tasks.records import brief_statement

_POOLS = "async_pools"


async def open_pool(app: FastAPI, engine: Engine) -> None:
    """Give `app` its asynchronous connections when `engine` allows them, for the running
    event loop (at start-up). They belong to that loop: an app served from several loops
    at once (tests' clients) has a pool for each."""
    pool = async_pool_for(engine)
    if pool is not None:
        # Not waiting for the connections: the app starts while the database is away, as
        # the engine's own pool lets it. A read waits for a connection up to the pool's
        # timeout, then takes the full path.
        await pool.open(wait=False)
        _pools(app)[asyncio.get_running_loop()] = pool


async def close_pool(app: FastAPI) -> None:
    """Close `app`'s asynchronous connections of the running event loop (at shutdown)."""
    pool = _pools(app).pop(asyncio.get_running_loop(), None)
    if pool is not None:
        await pool.close()


def _pools(app: FastAPI) -> dict[asyncio.AbstractEventLoop, AsyncConnectionPool[Any]]:
    pools: dict[asyncio.AbstractEventLoop, AsyncConnectionPool[Any]] | None = getattr(
        app.state, _POOLS, None
    )
    if pools is None:
        pools = {}
        setattr(app.state, _POOLS, pools)
    return pools


async def read_in_event_loop(
    request: Request, task: int | str, now: datetime
) -> SubjectRecord | None:
    """The subject of `task` for the request's signed-in worker, read, audited and masked,
    when the policy allows it; None when the full path must answer (see the module)."""
    state = request.app.state
    pool = _pools(request.app).get(asyncio.get_running_loop())
    writer: AuditWriter | None = getattr(state, "audit_writer", None)
    scheme, _, token = request.headers.get("authorization", "").strip().partition(" ")
    if pool is None or writer is None or scheme.lower() != "bearer":
        return None
    session = authentication(token.strip(), now=now)
    if session is None:
        return None
    statement, parts = _statement(isinstance(task, int))
    try:
        async with pool.connection() as connection:
            rows = await fetch_rows(
                connection, state.engine.dialect, statement, {**session.params, "task": task}
            )
    except (psycopg.Error, PoolTimeout):
        return None  # the full path, on the engine's checked connections, answers
    principal = session.answer(parts.session.rows(rows))
    brief = task_brief(task).answer(parts.task.rows(rows))
    if principal is None or principal.device_id is not None or brief is None:
        return None
    facts = TaskFacts.of(brief)
    subject = facts.subject.id
    found = task_facts(facts, subject).answer(parts.facts.rows(rows))
    if isinstance(found, Merged):
        return None
    values = golden_values(subject).answer(parts.golden.rows(rows))
    allowed = allowed_task_read(principal, facts, found, values, now=now)
    if allowed is None:
        return None
    # The writer settles every future it is handed: committed, or failed with its error.
    (seq,) = await asyncio.wrap_future(writer.submit([allowed.draft(principal, now)]))
    return allowed.record(now, seq)


@dataclass(frozen=True, slots=True)
class _Part:
    """One lookup's columns in the joined statement's rows."""

    start: int
    stop: int
    row: Callable[..., Any]
    """Its rows' type: attributes named as the lookup's own statement names its columns."""
    every_row: bool
    """Whether each joined row holds one of its rows (the session's: a row per role), or
    the first holds its only one."""

    def rows(self, joined: list[Any]) -> list[Any]:
        """Its rows (none when its first column, never null in a row of its own, is)."""
        found = []
        for row in joined if self.every_row else joined[:1]:
            values = row[self.start : self.stop]
            if values[0] is not None:
                found.append(self.row(*values))
        return found


@dataclass(frozen=True, slots=True)
class _Parts:
    session: _Part
    task: _Part
    facts: _Part
    golden: _Part


@cache
def _statement(by_id: bool) -> tuple[Select[*tuple[Any, ...]], _Parts]:
    """The four lookups of a read as one statement, built once: the session's rows (one per
    role), each joined with the task (by id or by reference) and, as lateral subqueries on
    the task's columns, its scenario version with the subject's state and grid, and the
    subject's golden record; and where each lookup's columns are in its rows."""
    session = authentication_statement().subquery("session")
    task = brief_statement(by_id).subquery("task")
    on_task = {
        "key": task.c.scenario_key,
        "version": task.c.scenario_version,
        "entity": task.c.subject_id,
    }
    facts = bound(task_located_statement(), on_task).lateral("facts")
    golden = bound(golden_statement(), on_task).lateral("golden")
    joined = (
        select(*session.c, *task.c, *facts.c, *golden.c)
        .select_from(
            session.outerjoin(task, true()).outerjoin(facts, true()).outerjoin(golden, true())
        )
        .set_label_style(LABEL_STYLE_TABLENAME_PLUS_COL)
    )
    parts = []
    start = 0
    for subquery, every_row in ((session, True), (task, False), (facts, False), (golden, False)):
        names = [column.key for column in subquery.c]
        parts.append(_Part(start, start + len(names), namedtuple("Row", names), every_row))
        start += len(names)
    return joined, _Parts(*parts)
