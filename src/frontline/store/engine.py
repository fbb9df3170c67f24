"""Engines for the serving database, set up for the dialect they talk to.

SQLite: WAL (readers never wait for the publisher and see the last committed state),
foreign keys on, a busy timeout, and SQLAlchemy — not the `sqlite3` module — emitting
BEGIN, so a writer can take the write lock up front with BEGIN IMMEDIATE.
PostgreSQL: a checked, recycled connection pool.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, RootTransaction, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from sqlalchemy.pool import ConnectionPoolEntry

from frontline.store.base import canonical_json

# The execution option `write_transaction` sets; the SQLite "begin" hook reads it.
_IMMEDIATE = "frontline_begin_immediate"

SQLITE_BUSY_TIMEOUT_MS = 30_000
"""How long a SQLite writer waits for another writer (a publish holds the lock for seconds)."""

_SQLITE_PRAGMAS = (
    # Only takes effect while the file is still empty: bigger pages suit the ~1 KB golden
    # records and load about a third faster than the 4 KB default.
    "PRAGMA page_size = 16384",
    "PRAGMA journal_mode = WAL",
    # In WAL mode NORMAL never corrupts; a power cut may lose the last commits only.
    "PRAGMA synchronous = NORMAL",
    "PRAGMA foreign_keys = ON",
    f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}",
    "PRAGMA cache_size = -65536",
)


def create_engine_for(url: str, **options: Any) -> Engine:
    """An engine for `url` with the per-dialect setup; `options` go to `create_engine`."""
    parsed = make_url(url)
    options.setdefault("json_serializer", canonical_json)
    if parsed.get_backend_name() == "sqlite":
        _make_parent_folder(parsed.database)
        engine = create_engine(parsed, **options)
        event.listen(engine, "connect", _configure_sqlite)
        event.listen(engine, "begin", _begin_sqlite)
        return engine
    if parsed.get_backend_name() == "postgresql":
        options.setdefault("pool_pre_ping", True)  # survive server restarts and idle cut-offs
        options.setdefault("pool_recycle", 1800)
        options.setdefault("pool_size", 5)
        options.setdefault("max_overflow", 10)
        options.setdefault("connect_args", {"application_name": "frontline"})
    return create_engine(parsed, **options)


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A connection in a write transaction (see `begin_write`), committed at the end."""
    with engine.connect() as connection, begin_write(connection):
        yield connection


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """An ORM session in a write transaction, committed at the end (rolled back on error).

    For read-modify-write work such as a steward's decision: on SQLite a plain session
    that read first fails if a publish committed meanwhile; this one waits its turn.
    """
    with write_transaction(engine) as connection, Session(bind=connection) as session:
        yield session
        session.flush()


def begin_write(connection: Connection) -> RootTransaction:
    """Begin a transaction that holds the write lock from its first statement.

    On SQLite a deferred transaction that reads before it writes fails with SQLITE_BUSY
    when another writer committed in between, whatever the busy timeout; BEGIN IMMEDIATE
    waits for the lock instead. Elsewhere this is an ordinary BEGIN.
    """
    connection.execution_options(**{_IMMEDIATE: True})
    return connection.begin()


def _make_parent_folder(database: str | None) -> None:
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def _configure_sqlite(dbapi_connection: sqlite3.Connection, _: ConnectionPoolEntry) -> None:
    # SQLAlchemy emits BEGIN itself (see `_begin_sqlite`), so sqlite3 must not.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in _SQLITE_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


def _begin_sqlite(connection: Connection) -> None:
    immediate = connection.get_execution_options().get(_IMMEDIATE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
