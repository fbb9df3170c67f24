"""Fixtures shared by the test packages."""

from __future__ import annotations

import functools
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import Engine
from sqlalchemy.engine import URL, make_url

from frontline.store import create_engine_for, upgrade

POSTGRES_URL = os.environ.get(
    "FRONTLINE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database of the test's own, on SQLite and on PostgreSQL.

    SQLite: a file in the test's temporary folder. PostgreSQL: a schema created for the
    test (unique, so parallel workers never meet) and dropped afterwards; the URL sets
    the search path to it. PostgreSQL is skipped when unreachable — except under CI,
    where that is a failure.
    """
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'frontline.db'}"
        return
    problem = _postgres_problem()
    if problem is not None:
        message = (
            f"PostgreSQL at {make_url(POSTGRES_URL).render_as_string()} unreachable: {problem}"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message + " (set CI=1 to make this a failure)")
    schema = f"test_{uuid.uuid4().hex[:16]}"
    with _admin() as admin:
        admin.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    try:
        url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with _admin() as admin:
            admin.execute("SET lock_timeout = '20s'")
            admin.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on a freshly migrated, empty store, on SQLite and on PostgreSQL."""
    engine = create_engine_for(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    """A freshly migrated store on SQLite only: for slow tests of several runs each."""
    engine = create_engine_for(f"sqlite:///{tmp_path / 'store.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


def _conninfo() -> str:
    url: URL = make_url(POSTGRES_URL).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _admin() -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(_conninfo(), autocommit=True, connect_timeout=5)


@functools.cache
def _postgres_problem() -> str | None:
    try:
        with _admin():
            return None
    except psycopg.Error as error:
        return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
