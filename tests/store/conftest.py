"""Each store test gets a migrated database of its own (`engine`, in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on `engine`, closed (rolled back) afterwards."""
    with Session(engine) as session:
        yield session
