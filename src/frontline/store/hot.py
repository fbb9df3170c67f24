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

A `Lookup` is such a statement with its parameters and the reading of its rows, apart from
running it: `fetch` runs it on a connection. `fetch_rows` runs a statement on one of
psycopg's asynchronous connections, for a route that answers in the event loop instead of
a worker thread; `bound` joins several lookups' statements into one.

    principal = fetch(connection, authentication(token, now))
    rows = await fetch_rows(async_connection, dialect, statement, params)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Generic, TypeVar, cast

from psycopg import AsyncConnection, sql
from psycopg.rows import namedtuple_row
from sqlalchemy import BindParameter, ColumnElement, Connection, Dialect, Executable, Select
from sqlalchemy.exc import MultipleResultsFound
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.visitors import replacement_traverse

A = TypeVar("A")


@dataclass(frozen=True, slots=True)
class Lookup(Generic[A]):
    """A statement built once (a module's `@cache`d `select`), the values of its
    `bindparam`s, and `answer`: what its rows (all of them, attributes by column name) say."""

    statement: Executable
    params: Mapping[str, Any]
    answer: Callable[[list[Any]], A]


def fetch(connection: Connection, lookup: Lookup[A]) -> A:
    """Run `lookup` on `connection`: its answer."""
    return lookup.answer(fetch_all(connection, lookup.statement, lookup.params))


async def fetch_rows(
    connection: AsyncConnection[Any],
    dialect: Dialect,
    statement: Executable,
    params: Mapping[str, Any],
) -> list[Any]:
    """Every row `statement` gives for `params` (attributes by column name), on one of
    psycopg's asynchronous connections, prepared server-side. `dialect` is the PostgreSQL
    psycopg dialect the statement compiles for."""
    text, fixed = _compiled(statement, dialect)
    async with connection.cursor(row_factory=namedtuple_row) as cursor:
        await cursor.execute(text, {**fixed, **params} if fixed else params, prepare=True)
        rows: list[Any] = await cursor.fetchall()
        return rows


def bound(
    statement: Select[*tuple[Any, ...]], columns: Mapping[str, ColumnElement[Any]]
) -> Select[*tuple[Any, ...]]:
    """`statement` with each `bindparam` named in `columns` replaced by that column: a
    statement built for one lookup, correlated with an enclosing query (as a lateral
    subquery) that supplies what the lookup took as parameters."""

    def replace(element: Any, **_: Any) -> Any:
        if isinstance(element, BindParameter):
            return columns.get(element.key)
        return None

    return cast("Select[*tuple[Any, ...]]", replacement_traverse(statement, {}, replace))


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


def copy_rows(
    connection: Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> bool:
    """Insert `rows` (values in the order of `columns`) into `table` in the connection's
    transaction with PostgreSQL's COPY, when the statement may run on psycopg directly;
    False, having done nothing, when it may not (then insert them with an ordinary
    statement). Many rows in one COPY cost a fraction of an `executemany`."""
    if not _direct(connection):
        return False
    driver = connection.connection.driver_connection
    if driver is None:  # pragma: no cover - a checked-out connection always has one
        raise RuntimeError("the connection has no driver connection")
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
    return True


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
