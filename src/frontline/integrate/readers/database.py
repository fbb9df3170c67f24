"""A database table through SQLAlchemy, streamed into DuckDB in batches.

The URL comes from the environment variable the source names (it may hold a password, so it
never appears in a message). Rows are read in primary-key order, or ordered by the columns
read when the table has no primary key, so row numbers are the same on every run; they are
fetched from the driver in batches of :data:`BATCH_CELLS` values (a server-side cursor on
PostgreSQL)
and their values become text by the rules of :mod:`frontline.integrate.readers.text`.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator, Sequence
from typing import Any

import duckdb
import pyarrow as pa
from sqlalchemy import (
    Connection,
    Engine,
    MetaData,
    Select,
    Table,
    create_engine,
    inspect,
    make_url,
    select,
)
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, NoSuchTableError, SQLAlchemyError

from frontline.ids.sql import quote_identifier
from frontline.integrate.readers.error import close_matches, listing
from frontline.integrate.readers.header import locate
from frontline.integrate.readers.request import FileRequest, Sink, scratch_name
from frontline.integrate.readers.text import cell_text, sql_text
from frontline.integrate.sources.spec import SourceSpec, TableLocation

BATCH_CELLS = 1_000_000
"""Values fetched per batch: memory stays bounded however wide the table, and batches stay
large, as each insert into DuckDB costs a fixed tens of milliseconds."""


def table_name(spec: SourceSpec) -> str:
    """The table as named in ``_file`` and messages: ``schema.table`` or ``table``."""
    location = spec.table
    if location is None:
        return "-"
    return f"{location.schema_name}.{location.table}" if location.schema_name else location.table


def read_database(con: duckdb.DuckDBPyConnection, request: FileRequest, sink: Sink) -> None:
    """Hand the rows of the source's database table to ``sink``."""
    location = request.spec.table
    if location is None:
        raise request.error(
            "the source names no table", "add `table:` with the table and url_env or store: true"
        )
    if location.store:
        # A run that publishes nowhere (a trial run, a benchmark) has no serving database,
        # and so nothing of it to read: the source reads no rows, as an empty table would.
        if request.store is not None:
            _read_engine(con, request, sink, request.store, "the serving database")
        return
    variable = location.url_env or ""
    url = os.environ.get(variable, "").strip()
    if not url:
        raise request.error(
            f"the environment variable {variable} is not set",
            f"set {variable} to the SQLAlchemy URL of the database, "
            "e.g. postgresql+psycopg://user@host/database",
        )
    try:
        engine = create_engine(url)
    except (ArgumentError, NoSuchModuleError, ImportError, ValueError) as error:
        raise request.error(
            f"{variable} does not hold a usable SQLAlchemy URL ({type(error).__name__})",
            "the form is dialect+driver://user:password@host:port/database",
        ) from None
    try:
        _read_engine(con, request, sink, engine, f"the database named by {variable}", url)
    finally:
        engine.dispose()


def _read_engine(
    con: duckdb.DuckDBPyConnection,
    request: FileRequest,
    sink: Sink,
    engine: Engine,
    described: str,
    url: str = "",
) -> None:
    location = request.spec.table
    assert location is not None  # noqa: S101 - checked by the caller
    try:
        with engine.connect() as connection:
            _stream(con, request, sink, connection, location)
    except (SQLAlchemyError, _dbapi_error(engine)) as error:
        secret = url or engine.url.render_as_string(hide_password=False)
        raise request.error(
            f"the database could not be read: {_redacted(error, secret)}",
            f"check that {described} is reachable and readable",
        ) from None


def _stream(
    con: duckdb.DuckDBPyConnection,
    request: FileRequest,
    sink: Sink,
    connection: Connection,
    location: TableLocation,
) -> None:
    table = _reflect(request, connection, location)
    available = list(table.columns)
    positions = locate(request, [c.name for c in available], "the table's columns")
    columns = [available[p] for p in positions]
    order = list(table.primary_key.columns) or columns
    done = 0
    for batch in _batches(connection, select(*columns).order_by(*order)):
        arrays = {"_row": pa.array(range(done + 1, done + len(batch) + 1), pa.int64())}
        texts = []
        for k, values in enumerate(zip(*batch, strict=True)):
            arrays[f"v{k}"], duckdb_type = _column(values)
            texts.append(f"{sql_text(f'v{k}', duckdb_type)} AS v{k}")
        view = scratch_name("batch")
        con.register(view, pa.table(arrays))
        try:
            sink(f"SELECT _row, {', '.join(texts)} FROM {quote_identifier(view)}", [])
        finally:
            con.unregister(view)
        done += len(batch)


def _batches(connection: Connection, query: Select[Any]) -> Iterator[Sequence[Sequence[Any]]]:
    """The query's rows in batches, straight from the DBAPI cursor.

    SQLAlchemy's result rows would more than double the time of a large table, and its type
    conversions would change what the database delivered (SQLite's stored date text). The
    query has no parameters; PostgreSQL gets a server-side cursor, so memory stays flat.
    """
    sql = str(query.compile(dialect=connection.dialect))
    size = max(1, BATCH_CELLS // len(query.selected_columns))
    raw: Any = connection.connection.dbapi_connection
    if connection.dialect.driver in ("psycopg", "psycopg2"):
        cursor = raw.cursor(name=scratch_name("cursor"))
    else:
        cursor = raw.cursor()
    try:
        cursor.execute(sql)
        while batch := cursor.fetchmany(size):
            yield batch
    finally:
        cursor.close()


def _reflect(request: FileRequest, connection: Connection, location: TableLocation) -> Table:
    try:
        return Table(
            location.table, MetaData(), schema=location.schema_name, autoload_with=connection
        )
    except NoSuchTableError:
        inspector = inspect(connection)
        names = sorted(
            inspector.get_table_names(schema=location.schema_name)
            + inspector.get_view_names(schema=location.schema_name)
        )
        matches = close_matches(location.table, names)
        raise request.error(
            f"the database has no table {request.name!r}; its tables: {listing(names)}",
            f"did you mean {' or '.join(map(repr, matches))}?" if matches else "check table:",
        ) from None


# Python types that Arrow holds exactly and DuckDB prints as the text rules want (floats go
# through the SQL float rule); anything else goes through cell_text in Python.
_ARROW_TYPES: tuple[tuple[type, pa.DataType, str], ...] = (
    (str, pa.string(), "VARCHAR"),
    (bool, pa.bool_(), "BOOLEAN"),
    (int, pa.int64(), "BIGINT"),
    (float, pa.float64(), "DOUBLE"),
    (dt.datetime, pa.timestamp("us"), "TIMESTAMP"),
    (dt.date, pa.date32(), "DATE"),
)


def _column(values: Sequence[object]) -> tuple[pa.Array, str]:
    """One column of a batch for DuckDB, and its DuckDB type; typed columns skip Python loops."""
    first = next((v for v in values if v is not None), None)
    # Aware timestamps keep their offset only through Python's isoformat.
    aware = isinstance(first, dt.datetime) and first.tzinfo is not None
    for kind, arrow_type, duckdb_type in _ARROW_TYPES:
        # type() rather than isinstance: a bool is no int, a datetime is no date, here.
        if type(first) is kind and not aware:
            try:
                return pa.array(values, arrow_type), duckdb_type
            except (pa.ArrowTypeError, pa.ArrowInvalid, OverflowError):
                break  # mixed types in one column (SQLite allows it): the slow path
    return pa.array([cell_text(v) for v in values], pa.string()), "VARCHAR"


def _dbapi_error(engine: Engine) -> type[Exception]:
    """The driver's own base error class (raised by the raw cursor)."""
    error: type[Exception] = getattr(engine.dialect.loaded_dbapi, "Error", SQLAlchemyError)
    return error


def _redacted(error: Exception, url: str) -> str:
    """The driver's first line of complaint, with the URL and its password taken out."""
    original = getattr(error, "orig", None) if isinstance(error, SQLAlchemyError) else error
    text = str(original) if original is not None else type(error).__name__
    first = text.strip().splitlines()[0] if text.strip() else type(error).__name__
    secrets = [url]
    try:
        password = make_url(url).password
    except ArgumentError:
        password = None
    if password:
        secrets.append(str(password))
    for secret in secrets:
        first = first.replace(secret, "***")
    return first
