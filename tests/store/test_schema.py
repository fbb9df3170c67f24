import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import CheckConstraint, Engine, inspect, select

import frontline.models  # noqa: F401 - registers every domain's tables
from frontline.store import Base, IdCounter, create_engine_for, current_revision, upgrade
from frontline.store.schema import alembic_config, head_revision


def test_a_new_database_has_no_revision(database_url: str) -> None:
    engine = create_engine_for(database_url)
    assert current_revision(engine) is None
    engine.dispose()


def test_upgrade_reaches_the_head_and_is_idempotent(engine: Engine) -> None:
    assert current_revision(engine) == head_revision() == "0011"
    upgrade(engine)
    assert current_revision(engine) == "0011"


def test_upgrade_accepts_a_url(database_url: str) -> None:
    upgrade(database_url)
    engine = create_engine_for(database_url)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_the_migrations_produce_exactly_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_every_model_table_is_created(engine: Engine) -> None:
    created = set(inspect(engine).get_table_names()) - {"alembic_version"}
    assert created == set(Base.metadata.tables)


def test_the_person_and_enterprise_counters_are_registered(engine: Engine) -> None:
    with engine.connect() as connection:
        rows = connection.execute(select(IdCounter.entity_type, IdCounter.prefix)).all()
    assert sorted(map(tuple, rows)) == [("enterprise", "E"), ("person", "P")]


def test_downgrade_removes_every_table(engine: Engine) -> None:
    with engine.begin() as connection, alembic_config(connection) as config:
        command.downgrade(config, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}


@pytest.mark.parametrize(("revision", "reached"), [("head", "0011"), ("0001", "0001")])
def test_named_revisions(database_url: str, revision: str, reached: str) -> None:
    engine = create_engine_for(database_url)
    upgrade(engine, revision)
    assert current_revision(engine) == reached
    engine.dispose()


def test_the_migrations_create_the_models_checks(engine: Engine) -> None:
    # Autogenerate does not compare CHECK constraints, so compare them here: by name on
    # both databases, by text on SQLite (PostgreSQL rewrites the expression).
    inspector = inspect(engine)
    for table in Base.metadata.sorted_tables:
        declared = {
            c.name: str(c.sqltext.compile(engine, compile_kwargs={"literal_binds": True}))
            for c in table.constraints
            if isinstance(c, CheckConstraint)
        }
        reflected = {c["name"]: c["sqltext"] for c in inspector.get_check_constraints(table.name)}
        if engine.dialect.name == "sqlite":
            assert reflected == declared, table.name
        else:
            assert set(reflected) == set(declared), table.name


def test_the_migrations_give_codes_their_collation(engine: Engine) -> None:
    # Autogenerate does not compare collations either ("C" for codes on PostgreSQL).
    inspector = inspect(engine)
    for table in Base.metadata.sorted_tables:
        declared = {
            c.name: getattr(c.type.dialect_impl(engine.dialect), "collation", None)
            for c in table.columns
        }
        reflected = {
            c["name"]: getattr(c["type"], "collation", None)
            for c in inspector.get_columns(table.name)
        }
        assert reflected == declared, table.name
