"""Bulk loading: many rows into one table, the fastest way each database offers.

SQLite gets `executemany` on the driver (no per-row SQLAlchemy work); PostgreSQL gets
`COPY … FROM STDIN` through psycopg. Stage tables are temporary copies of a table's
columns and primary key, private to the publishing connection: PostgreSQL drops them at
commit, SQLite with the connection (which the publisher then closes).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from typing import Any, TypeVar, cast

import psycopg
from sqlalchemy import Column, Connection, MetaData, PrimaryKeyConstraint, Table, text
from sqlalchemy.exc import DBAPIError

Progress = Callable[[str, int], None]
"""Called after each batch with the table's name and the rows loaded into it so far."""

SUPPORTED_DIALECTS = ("sqlite", "postgresql")

T = TypeVar("T")


def batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """`items` in lists of `size` (the last one shorter)."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def quote(connection: Connection, name: str) -> str:
    """`name` quoted as an identifier for the connection's database."""
    return connection.dialect.identifier_preparer.quote(name)


def stage_table(connection: Connection, table: Table) -> Table:
    """Create a temporary table with `table`'s columns and primary key, and return it."""
    stage = Table(
        f"stage_{table.name}",
        MetaData(),
        *(Column(c.name, c.type, nullable=c.nullable) for c in table.columns),
        PrimaryKeyConstraint(*(c.name for c in table.primary_key.columns)),
        prefixes=["TEMPORARY"],
        postgresql_on_commit="DROP",
    )
    stage.create(connection)
    return stage


def drop_indexes(connection: Connection, table: Table) -> None:
    """On SQLite, drop `table`'s secondary indexes before loading it while it is empty.

    Building an index once after the load is several times faster than updating it row by
    row in random order. The drop is part of the transaction, so readers keep the index and
    a rollback restores it. (On PostgreSQL dropping an index would lock readers out.)
    """
    if connection.dialect.name == "sqlite":
        for index in table.indexes:
            index.drop(connection)


def rebuild_indexes(connection: Connection, table: Table) -> None:
    """Recreate what `drop_indexes` dropped."""
    if connection.dialect.name == "sqlite":
        for index in table.indexes:
            index.create(connection)


def analyze(connection: Connection, table: Table) -> None:
    """Give PostgreSQL's planner statistics for a freshly loaded table (it has none)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text(f"ANALYZE {quote(connection, table.name)}"))


def load(
    connection: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Iterable[tuple[Any, ...]],
    *,
    batch_size: int,
    progress: Progress | None = None,
) -> int:
    """Insert `rows` (tuples in the order of `columns`) into `table`; return how many."""
    names = ", ".join(quote(connection, name) for name in columns)
    target = quote(connection, table.name)
    if connection.dialect.name == "postgresql":
        copy = f"COPY {target} ({names}) FROM STDIN"
        return _copy(connection, copy, table.name, rows, batch_size, progress)
    marks = ", ".join("?" for _ in columns)
    statement = f"INSERT INTO {target} ({names}) VALUES ({marks})"  # noqa: S608 (names quoted)
    loaded = 0
    for batch in batches(rows, batch_size):
        connection.exec_driver_sql(statement, batch)
        loaded += len(batch)
        if progress is not None:
            progress(table.name, loaded)
    return loaded


def _copy(
    connection: Connection,
    statement: str,
    name: str,
    rows: Iterable[tuple[Any, ...]],
    batch_size: int,
    progress: Progress | None,
) -> int:
    # The driver connection is the one SQLAlchemy's transaction runs on, so the COPY is
    # part of that transaction.
    driver = cast(psycopg.Connection[Any], connection.connection.driver_connection)
    loaded = 0
    try:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
                loaded += 1
                if progress is not None and loaded % batch_size == 0:
                    progress(name, loaded)
    except psycopg.Error as error:
        # Raised as SQLAlchemy raises driver errors (IntegrityError, …), as on SQLite.
        raise DBAPIError.instance(statement, None, error, psycopg.Error) from error
    if progress is not None and loaded % batch_size:
        progress(name, loaded)
    return loaded
