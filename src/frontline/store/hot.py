"""Statements on the busiest path, run on PostgreSQL without SQLAlchemy's per-execution work.

A worker's read of a task's subject runs four short statements. Through SQLAlchemy each costs
about 100 µs of the server's CPU, of which the statement itself — psycopg sending it and
reading the answer — is about 35 µs: the rest is building an execution context and a result
for every call. `fetch_one` runs a statement that is built once (a module's `@cache`d
`select`) on the connection's psycopg connection directly, prepared server-side, and gives
the row with attribute access, as SQLAlchemy's `Row` does.

On any other database (SQLite, the embedded default) it is an ordinary `connection.execute`:
there SQLAlchemy's result processing is what turns stored text into dates and JSON.

Only for statements whose parameters and columns need no SQLAlchemy type processing on
psycopg: strings, integers, timestamps with a time zone, JSON documents (psycopg parses
JSON itself) — no expanding IN lists, no enums, no custom types.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from psycopg.rows import namedtuple_row
from sqlalchemy import Connection, Dialect, Executable
from sqlalchemy.exc import MultipleResultsFound
from sqlalchemy.sql import ClauseElement


def fetch_one(connection: Connection, statement: Executable, params: Mapping[str, Any]) -> Any:
    """The one row `statement` gives for `params` (attributes by column name), or None; more
    than one row raises `MultipleResultsFound`, as `Result.one_or_none` does."""
    if not _direct(connection):
        return connection.execute(statement, dict(params)).one_or_none()
    rows = _run(connection, statement, params)
    if len(rows) > 1:
        raise MultipleResultsFound("Multiple rows were found when one or none was required")
    return rows[0] if rows else None


def fetch_all(
    connection: Connection, statement: Executable, params: Mapping[str, Any]
) -> list[Any]:
    """Every row `statement` gives for `params` (attributes by column name)."""
    if not _direct(connection):
        return list(connection.execute(statement, dict(params)).all())
    return _run(connection, statement, params)


def _direct(connection: Connection) -> bool:
    """Whether to run the statement on psycopg directly: on PostgreSQL, unless something
    listens to the connection's statements (a test counting them, an instrumentation) or
    logs them, which only SQLAlchemy's own execution tells."""
    dialect = connection.dialect
    return (
        dialect.name == "postgresql"
        and dialect.driver == "psycopg"
        and not (connection._has_events or connection.engine._has_events)
        and not connection._echo
    )


def _run(connection: Connection, statement: Executable, params: Mapping[str, Any]) -> list[Any]:
    driver = connection.connection.driver_connection
    if driver is None:  # pragma: no cover - a checked-out connection always has one
        raise RuntimeError("the connection has no driver connection")
    sql, fixed = _compiled(statement, connection.dialect)
    with driver.cursor(row_factory=namedtuple_row) as cursor:
        cursor.execute(sql, {**fixed, **params} if fixed else params, prepare=True)
        rows: list[Any] = cursor.fetchall()
        return rows


@lru_cache(maxsize=64)
def _compiled(statement: Executable, dialect: Dialect) -> tuple[str, dict[str, Any]]:
    """`statement`'s SQL for `dialect`, compiled once, and the values of the parameters the
    statement fixes itself (``column == "person"``); its `bindparam`s stay named
    (``%(name)s``), filled in from the call's mapping."""
    if not isinstance(statement, ClauseElement):  # pragma: no cover - a select always is
        raise TypeError("only SQLAlchemy statements can be compiled")
    compiled = statement.compile(dialect=dialect)
    fixed = {name: value for name, value in compiled.params.items() if value is not None}
    return str(compiled), fixed
