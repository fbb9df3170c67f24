from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    """A fresh in-memory DuckDB workspace."""
    connection = duckdb.connect()
    yield connection
    connection.close()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """The data folder sources are read from."""
    folder = tmp_path / "data"
    folder.mkdir()
    return folder


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    """The folder for transcoded copies, so tests can see that none is left behind."""
    folder = tmp_path / "scratch"
    folder.mkdir()
    return folder
