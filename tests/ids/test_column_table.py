"""Temporary DuckDB tables made from Python lists."""

import duckdb
import pytest

from frontline.ids.sql import column_table


def test_a_column_table_holds_the_lists_in_order_with_their_types() -> None:
    con = duckdb.connect()
    column_table(con, "t", {"name": ("VARCHAR", ["a", None, "c"]), "n": ("INTEGER", range(3))})
    assert con.execute("SELECT * FROM t").fetchall() == [("a", 0), (None, 1), ("c", 2)]
    assert [r[1] for r in con.execute("DESCRIBE t").fetchall()] == ["VARCHAR", "INTEGER"]
    column_table(con, "t", {"name": ("VARCHAR", []), "n": ("INTEGER", [])})  # replaced, empty
    assert con.execute("SELECT count(*) FROM t").fetchall() == [(0,)]
    assert [r[1] for r in con.execute("DESCRIBE t").fetchall()] == ["VARCHAR", "INTEGER"]


def test_columns_of_different_lengths_are_refused() -> None:
    con = duckdb.connect()
    with pytest.raises(ValueError, match="differ in length"):
        column_table(con, "t", {"a": ("VARCHAR", ["x"]), "b": ("VARCHAR", [])})
