"""Alembic's entry point for the store's migrations; `frontline.store.schema` runs it.

The connection (and, for autogenerate, the metadata) arrive through the configuration's
`attributes`, since there is no alembic.ini and no URL to read here.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, MetaData

from frontline.store.base import Base


def run_migrations() -> None:
    """Run the migrations on the connection the caller handed over."""
    connection: Connection | None = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run the store's migrations through frontline.store.schema")
    metadata: MetaData = context.config.attributes.get("target_metadata") or Base.metadata
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite can alter little in place; batch mode rebuilds tables when a later
        # revision needs it.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
