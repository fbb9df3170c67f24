"""The thematic store the integration tests publish into (see `engine` in tests/conftest.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine


@pytest.fixture
def store(engine: Engine) -> Engine:
    """A migrated, empty store on SQLite and on PostgreSQL."""
    return engine


@pytest.fixture
def sqlite_store(sqlite_engine: Engine) -> Engine:
    """A migrated, empty store on SQLite only, for the slower tests of several runs."""
    return sqlite_engine
