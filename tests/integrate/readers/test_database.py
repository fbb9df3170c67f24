import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    create_engine,
)

from frontline.integrate.readers import ReadError, read_source
from frontline.integrate.readers import database as database_reader
from frontline.integrate.sources.spec import SourceSpec

from .factories import make_spec, table_rows

VARIABLE = "FRONTLINE_READERS_TEST_DB"
PEOPLE = [  # (id, SFZH, XM, CSRQ, LXCS, JE): inserted out of primary-key order
    (3, "330106197712126789", "王𠮷", dt.date(1977, 12, 12), 3, 3.0),
    (1, "330106199001011234", "张三", dt.date(1990, 1, 1), 1, 1240.0),
    (2, "33010619850203452X", "", None, None, 1240.5),
]
EXPECTED = [
    (1, "330106199001011234", "张三", "1990-01-01", "1", "1240"),
    (2, "33010619850203452X", None, None, None, "1240.5"),
    (3, "330106197712126789", "王𠮷", "1977-12-12", "3", "3"),
]


def _spec(name: str, **overrides: object) -> SourceSpec:
    values: dict[str, object] = {
        "format": "table",
        "location": None,
        "table": {"url_env": VARIABLE, "table": name},
        "fields": {"id_number": "SFZH", "name": "XM", "birth_date": "CSRQ"},
        "attributes": {"visits": "LXCS", "amount": "JE"},
    }
    return make_spec(**{**values, **overrides})


@pytest.fixture
def department(database_url: str) -> str:
    """The URL of a database holding a small department table ``persons``.

    ``database_url`` (tests/conftest.py) is a fresh SQLite file or PostgreSQL schema, dropped
    after the test, and skips PostgreSQL when it is unreachable except under CI.
    """
    table = Table(
        "persons",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("SFZH", String(18)),
        Column("XM", String(50)),
        Column("CSRQ", Date),
        Column("LXCS", Integer),
        Column("JE", Float),
    )
    engine = create_engine(database_url)
    try:
        table.create(engine)
        with engine.begin() as connection:
            rows = [dict(zip(table.c.keys(), p, strict=True)) for p in PEOPLE]
            connection.execute(table.insert(), rows)
    finally:
        engine.dispose()
    return database_url


def test_a_table_reads_in_primary_key_order(
    con: duckdb.DuckDBPyConnection,
    data_dir: Path,
    department: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    name = "persons"
    monkeypatch.setenv(VARIABLE, department)
    monkeypatch.setattr(database_reader, "BATCH_CELLS", 1)  # a batch a row
    result = read_source(con, _spec(name), data_dir, "dept")
    columns = "_row, id_number, name, birth_date, visits, amount"
    assert table_rows(con, "dept", columns) == EXPECTED
    assert [(f.file, f.rows, f.encoding) for f in result.files] == [(name, 3, None)]
    assert con.execute("SELECT DISTINCT _file FROM dept").fetchall() == [(name,)]


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_postgres_numeric_and_schema(
    con: duckdb.DuckDBPyConnection,
    data_dir: Path,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            schema = str(connection.exec_driver_sql("SELECT current_schema()").scalar())
            table = Table("amounts", MetaData(schema=schema), Column("SFZH", String))
            table.append_column(Column("JE", Numeric))
            table.create(connection)
            connection.execute(table.insert(), [{"SFZH": "1", "JE": Decimal("12.50")}])
    finally:
        engine.dispose()
    monkeypatch.setenv(VARIABLE, database_url)
    located = {"url_env": VARIABLE, "table": "amounts", "schema": schema}
    spec = _spec(
        "amounts", table=located, fields={"id_number": "SFZH"}, attributes={"amount": "JE"}
    )
    read_source(con, spec, data_dir, "dept")
    assert con.execute("SELECT _file, _row, amount FROM dept").fetchall() == [
        (f"{schema}.amounts", 1, "12.50")
    ]


def test_an_unset_variable_is_named(
    con: duckdb.DuckDBPyConnection, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(VARIABLE, raising=False)
    with pytest.raises(ReadError) as caught:
        read_source(con, _spec("persons"), data_dir, "dept")
    assert caught.value.problem == f"the environment variable {VARIABLE} is not set"


def test_an_unreachable_database_never_shows_the_password(
    con: duckdb.DuckDBPyConnection, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(VARIABLE, "postgresql+psycopg://clerk:s3cr3t-pw@127.0.0.1:9/hr")
    with pytest.raises(ReadError) as caught:
        read_source(con, _spec("persons"), data_dir, "dept")
    assert caught.value.problem.startswith("the database could not be read")
    assert "s3cr3t-pw" not in str(caught.value)
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


def test_a_missing_table_lists_the_tables(
    con: duckdb.DuckDBPyConnection,
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = f"sqlite:///{tmp_path / 'hr.sqlite'}"
    engine = create_engine(url)
    Table("persons", MetaData(), Column("SFZH", String)).create(engine)
    engine.dispose()
    monkeypatch.setenv(VARIABLE, url)
    with pytest.raises(ReadError) as caught:
        read_source(con, _spec("person"), data_dir, "dept")
    assert caught.value.problem == "the database has no table 'person'; its tables: 'persons'"
    assert caught.value.hint == "did you mean 'persons'?"
    with pytest.raises(ReadError, match="mapped columns are missing from the table's columns"):
        read_source(con, _spec("persons"), data_dir, "dept")


def test_typed_and_mixed_sqlite_columns_become_text(
    con: duckdb.DuckDBPyConnection,
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = f"sqlite:///{tmp_path / 'hr.sqlite'}"
    engine = create_engine(url)
    table = Table(
        "persons",
        MetaData(),
        # SQLite keeps an integer in a text column as an integer, booleans as 1 and 0, and
        # timestamps as the text SQLAlchemy wrote: the reader passes on what is stored.
        Column("SFZH", String),
        Column("XM", String),
        Column("DJSJ", DateTime),
        Column("YX", Boolean),
        Column("JE", Float),
    )
    table.create(engine)
    with engine.begin() as connection:
        connection.execute(
            table.insert(),
            [
                {
                    "SFZH": "1",
                    "XM": "张三",
                    "DJSJ": dt.datetime(2026, 6, 1, 8),
                    "YX": True,
                    "JE": None,
                },
                {"SFZH": 330106, "XM": None, "DJSJ": None, "YX": False, "JE": 2.5},
            ],
        )
    engine.dispose()
    monkeypatch.setenv(VARIABLE, url)
    attributes = {"registered": "DJSJ", "valid": "YX", "amount": "JE"}
    spec = _spec("persons", fields={"id_number": "SFZH", "name": "XM"}, attributes=attributes)
    read_source(con, spec, data_dir, "dept")
    columns = "_row, id_number, name, registered, valid, amount"
    assert table_rows(con, "dept", columns) == [
        (1, "1", "张三", "2026-06-01 08:00:00.000000", "1", None),
        (2, "330106", None, None, "0", "2.5"),
    ]


def test_a_store_table_is_read_from_the_runs_serving_database(
    con: duckdb.DuckDBPyConnection, data_dir: Path, department: str
) -> None:
    """``store: true`` reads the database the run publishes to (no variable needed)."""
    spec = _spec("persons", table={"store": True, "table": "persons"})
    engine = create_engine(department)
    try:
        read_source(con, spec, data_dir, "dept", store=engine)
    finally:
        engine.dispose()
    columns = "_row, id_number, name, birth_date, visits, amount"
    assert table_rows(con, "dept", columns) == EXPECTED


def test_a_store_table_without_a_store_reads_no_rows(
    con: duckdb.DuckDBPyConnection, data_dir: Path
) -> None:
    """A run publishing nowhere has no serving database, so nothing of it to read."""
    spec = _spec("persons", table={"store": True, "table": "persons"})
    result = read_source(con, spec, data_dir, "dept")
    assert result.rows_read == 0
    assert con.execute("SELECT count(*) FROM dept").fetchall() == [(0,)]


@pytest.mark.parametrize(
    "table",
    [{"table": "persons"}, {"table": "persons", "store": True, "url_env": VARIABLE}],
)
def test_a_table_names_exactly_one_database(table: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="either url_env or store"):
        _spec("persons", table=table)
