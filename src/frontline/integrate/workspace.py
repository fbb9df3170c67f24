"""Questions about the DuckDB workspace a run builds its tables in."""

from __future__ import annotations

import duckdb


def has_table(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether the workspace holds a table (or view) named ``table``."""
    rows = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [table]
    ).fetchall()
    return bool(rows[0][0])


def has_column(con: duckdb.DuckDBPyConnection, table: str, column: str) -> bool:
    """Whether ``table`` has a column named ``column``."""
    rows = con.execute(
        "SELECT count(*) FROM duckdb_columns() WHERE table_name = ? AND column_name = ?",
        [table, column],
    ).fetchall()
    return bool(rows[0][0])
