import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import duckdb
import pytest
from hypothesis import given
from hypothesis import strategies as st

from frontline.integrate.readers.text import cell_text, float_text, sql_float_text, sql_text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, None),
        ("", None),
        (" ", " "),
        ("张三", "张三"),
        (1240.0, "1240"),
        (-0.0, "0"),
        (1240.5, "1240.5"),
        (0.1, "0.1"),
        (3.301061995041215e17, "3.301061995041215e+17"),
        (float(2**53 - 1), "9007199254740991"),
        (12, "12"),
        (Decimal("500.00"), "500.00"),
        (True, "true"),
        (False, "false"),
        (dt.date(2020, 1, 2), "2020-01-02"),
        (dt.datetime(2020, 1, 2, 3, 4, 5), "2020-01-02 03:04:05"),
        (dt.time(1, 2, 3), "01:02:03"),
        (b"\x01\xff", "01ff"),
        ({"k": [1, "二"]}, '{"k": [1, "二"]}'),
    ],
)
def test_cell_text(value: object, text: str | None) -> None:
    assert cell_text(value) == text


@pytest.fixture(scope="module")
def shared() -> Iterator[duckdb.DuckDBPyConnection]:
    """One connection for the many examples of a property (it holds no state between them)."""
    connection = duckdb.connect()
    yield connection
    connection.close()


@given(value=st.floats(allow_nan=False) | st.integers(-(2**60), 2**60).map(float))
def test_sql_float_rule_agrees_with_python(shared: duckdb.DuckDBPyConnection, value: float) -> None:
    query = f"SELECT {sql_float_text('x')} FROM (SELECT CAST(? AS DOUBLE) AS x)"  # noqa: S608
    (sql,) = shared.execute(query, [value]).fetchall()[0]
    assert sql == float_text(value)


@pytest.mark.parametrize(
    ("literal", "kind", "value"),
    [
        ("DATE '2020-01-02'", "DATE", dt.date(2020, 1, 2)),
        ("TIMESTAMP '2020-01-02 03:04:05'", "TIMESTAMP", dt.datetime(2020, 1, 2, 3, 4, 5)),
        ("true", "BOOLEAN", True),
        ("CAST(12 AS BIGINT)", "BIGINT", 12),
        ("CAST(500 AS DECIMAL(10, 2))", "DECIMAL(10,2)", Decimal("500.00")),
        ("CAST(1240 AS DOUBLE)", "DOUBLE", 1240.0),
        ("CAST(0.5 AS FLOAT)", "FLOAT", 0.5),
        ("'\\x01\\xFF'::BLOB", "BLOB", b"\x01\xff"),
    ],
)
def test_sql_text_agrees_with_cell_text(literal: str, kind: str, value: object) -> None:
    con = duckdb.connect()
    (text,) = con.execute(f"SELECT {sql_text(f'({literal})', kind)}").fetchall()[0]
    con.close()
    assert text == cell_text(value)


def test_sql_text_writes_nested_values_as_json() -> None:
    con = duckdb.connect()
    (text,) = con.execute(f"SELECT {sql_text('([1, 2])', 'INTEGER[]')}").fetchall()[0]
    con.close()
    assert text == "[1,2]"
