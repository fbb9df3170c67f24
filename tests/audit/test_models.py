"""The audit migration creates exactly the audit models, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import CheckConstraint, Engine, inspect, select

from frontline.audit.chain import GENESIS_HASH
from frontline.audit.models import AuditChain, AuditCheckpoint, AuditEvent
from frontline.store import Base

AUDIT_TABLES = {m.__tablename__ for m in (AuditEvent, AuditCheckpoint, AuditChain)}


def _tables_named(difference: Any) -> set[str]:
    # A difference is a tuple (or a list of tuples, for column modifications) naming a table,
    # a column or an index; collect every table name it mentions.
    names: set[str] = set()
    items = difference if isinstance(difference, list) else [difference]
    for item in items:
        for part in item:
            table = getattr(part, "table", None)
            name = getattr(table, "name", None) or getattr(part, "name", None)
            if isinstance(part, str):
                names.add(part)
            elif isinstance(name, str):
                names.add(name)
    return names


def test_the_migration_produces_exactly_the_audit_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    ours = [d for d in differences if _tables_named(d) & AUDIT_TABLES]
    assert ours == []
    assert set(inspect(engine).get_table_names()) >= AUDIT_TABLES


def test_the_migration_creates_the_audit_checks(engine: Engine) -> None:
    inspector = inspect(engine)
    for name in AUDIT_TABLES:
        table = Base.metadata.tables[name]
        declared = {
            c.name: str(c.sqltext.compile(engine, compile_kwargs={"literal_binds": True}))
            for c in table.constraints
            if isinstance(c, CheckConstraint)
        }
        reflected = {c["name"]: c["sqltext"] for c in inspector.get_check_constraints(name)}
        if engine.dialect.name == "sqlite":
            assert reflected == declared, name
        else:
            assert set(reflected) == set(declared), name


def test_the_migration_gives_codes_their_collation(engine: Engine) -> None:
    inspector = inspect(engine)
    for name in AUDIT_TABLES:
        table = Base.metadata.tables[name]
        declared = {
            c.name: getattr(c.type.dialect_impl(engine.dialect), "collation", None)
            for c in table.columns
        }
        reflected = {
            c["name"]: getattr(c["type"], "collation", None) for c in inspector.get_columns(name)
        }
        assert reflected == declared, name


def test_the_chain_starts_empty_on_sha256(engine: Engine) -> None:
    with engine.connect() as connection:
        head = connection.execute(select(AuditChain)).one()
    assert (head.id, head.algorithm, head.last_seq, head.last_hash, head.checkpoint_seq) == (
        1,
        "sha256",
        0,
        GENESIS_HASH,
        0,
    )
