"""Each forms store test gets the forms world on a migrated store, SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from tests.forms_store.factories import FormsWorld, build_forms_world


@pytest.fixture
def forms(engine: Engine) -> FormsWorld:
    return build_forms_world(engine)
