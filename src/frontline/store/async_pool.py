"""Asynchronous connections to a PostgreSQL serving database, beside the engine's own.

The service's routes run their statements through SQLAlchemy in worker threads. The busiest
one, a worker's read of a task's subject, can answer in the event loop instead: its reads go
to the database in one round trip on one of these connections (`frontline.store.hot`), and
no thread is woken, switched to and back for it. The connections are psycopg's, made with
the engine's own connection arguments (the same server, database, user, options and type
adapters), in autocommit mode: the route's statements are reads that stand alone.

    pool = async_pool_for(engine)       # None unless PostgreSQL through psycopg
    if pool is not None:
        await pool.open()
        async with pool.connection() as connection: ...
        await pool.close()

A connection that breaks (a server restart) is dropped when it is given back and replaced
in the background; the caller that met the break has its error to handle.
"""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool
from sqlalchemy import Engine

ASYNC_CONNECTIONS = 8
"""The most connections an app's pool holds: the route holds one only for its one round
trip. It opens one, and more only while reads wait for one (closing them again after ten
idle minutes): a service of several worker processes, or tests starting many apps, must
not take the server's connections up front."""


def async_pool_for(
    engine: Engine, *, size: int = ASYNC_CONNECTIONS
) -> AsyncConnectionPool[AsyncConnection[Any]] | None:
    """A pool of up to `size` asynchronous connections to `engine`'s database, not yet open
    (`await pool.open()` in the event loop that uses it); None unless `engine` talks to
    PostgreSQL through psycopg."""
    dialect = engine.dialect
    if dialect.name != "postgresql" or dialect.driver != "psycopg":
        return None
    _, arguments = dialect.create_connect_args(engine.url)
    return AsyncConnectionPool(
        kwargs={**arguments, "autocommit": True, "application_name": "frontline-async"},
        min_size=1,
        max_size=size,
        open=False,
        name="frontline-async",
        timeout=10.0,
    )
