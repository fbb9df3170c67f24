"""Reading a million rows fast: the driver's own tuples, in batches.

SQLAlchemy's result rows cost as much per row as hashing one event does, so the verifier reads
the driver's tuples. (Fetching the next batch in a thread while hashing this one was measured:
no faster on this 2-core machine, so it is not done.)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.sql import ClauseElement

BATCH = 20_000


def stream_rows(connection: Connection, statement: ClauseElement) -> Iterator[tuple[Any, ...]]:
    """The rows of `statement` (no parameters), in the connection's current transaction.

    On PostgreSQL a named (server-side) cursor streams them; SQLite's cursor streams anyway.
    """
    sql = str(statement.compile(dialect=connection.dialect))
    dbapi = connection.connection
    if connection.dialect.name == "postgresql":
        driver: Any = dbapi.driver_connection
        cursor = driver.cursor(name="frontline_audit_stream")
        cursor.itersize = BATCH
    else:
        cursor = dbapi.cursor()
    try:
        cursor.execute(sql)
        while batch := cursor.fetchmany(BATCH):
            yield from batch
    finally:
        cursor.close()
