"""Parquet files through DuckDB's ``read_parquet``; typed columns become text.

Row numbers are the file's own (``file_row_number`` + 1), so they follow the file's order
whatever DuckDB's parallelism does.
"""

from __future__ import annotations

import duckdb

from frontline.ids.sql import quote_identifier
from frontline.integrate.readers.header import locate
from frontline.integrate.readers.request import FileRequest, Sink
from frontline.integrate.readers.text import sql_text


def read_parquet(con: duckdb.DuckDBPyConnection, request: FileRequest, sink: Sink) -> None:
    """Hand the rows of a Parquet file to ``sink``."""
    path = str(request.path)
    try:
        described = con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [path]).fetchall()
    except duckdb.Error as error:
        raise request.error(
            f"the file is not readable Parquet ({type(error).__name__})",
            "check that the file is complete and really Parquet",
        ) from None
    names = [str(row[0]) for row in described]
    types = [str(row[1]) for row in described]
    positions = locate(request, names, "the file's columns")
    values = ", ".join(
        f"{sql_text(quote_identifier(names[p]), types[p])} AS v{k}" for k, p in enumerate(positions)
    )
    try:
        sink(
            f"SELECT file_row_number + 1 AS _row, {values} "
            "FROM read_parquet(?, file_row_number = true)",
            [path],
        )
    except duckdb.Error as error:
        # A damaged row group shows only when it is read; DuckDB's message names no data.
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise request.error(f"the Parquet data cannot be read: {first}") from None
