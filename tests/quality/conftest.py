"""Each quality test gets a migrated store of its own, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from frontline.store import create_engine_for, upgrade


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on a freshly migrated, empty store."""
    engine = create_engine_for(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()
