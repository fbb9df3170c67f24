"""The world of the tasks tests, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from tests.tasks.factories import World, build_world


@pytest.fixture
def world(engine: Engine) -> World:
    return build_world(engine)
