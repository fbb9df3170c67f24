import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from frontline.integrate.readers import ReadError, read_source
from frontline.integrate.sources.spec import SourceSpec

from .factories import make_spec, table_rows

ATTRIBUTES = {
    "capital": "REGCAP",
    "staff": "STAFF",
    "established": "ESTDATE",
    "changed": "CHANGED",
    "active": "ACTIVE",
    "paid": "PAID",
    "tags": "TAGS",
}


def _spec(**overrides: object) -> SourceSpec:
    values: dict[str, object] = {
        "key": "market",
        "entity": "enterprise",
        "format": "parquet",
        "location": "register.parquet",
        "fields": {"credit_code": "UNISCID", "name": "ENTNAME"},
        "attributes": ATTRIBUTES,
    }
    return make_spec(**{**values, **overrides})


def _write(path: Path, rows: int) -> None:
    table = pa.table(
        {
            "UNISCID": [f"91330106MA{i:08d}" for i in range(rows)],
            "ENTNAME": ["杭州某某科技有限公司" if i % 2 else "" for i in range(rows)],
            "REGCAP": [500.0 + i * 0.25 for i in range(rows)],
            "STAFF": pa.array(list(range(rows)), pa.int64()),
            "ESTDATE": [dt.date(2020, 1, 1) + dt.timedelta(days=i) for i in range(rows)],
            "CHANGED": [dt.datetime(2024, 5, 6, 7, 8, 9)] * rows,
            "ACTIVE": [i % 3 == 0 for i in range(rows)],
            "PAID": pa.array([Decimal("12.50")] * rows, pa.decimal128(10, 2)),
            "TAGS": [["a", "b"] if i == 0 else None for i in range(rows)],
        }
    )
    pq.write_table(table, path, row_group_size=7)


def test_typed_columns_become_text_in_file_order(
    con: duckdb.DuckDBPyConnection, data_dir: Path
) -> None:
    _write(data_dir / "register.parquet", 40)
    result = read_source(con, _spec(), data_dir, "market")
    columns = "_row, credit_code, name, capital, staff, established, changed, active, paid, tags"
    rows = table_rows(con, "market", columns)
    assert result.rows_read == 40
    assert rows[0] == (
        1,
        "91330106MA00000000",
        None,
        "500",
        "0",
        "2020-01-01",
        "2024-05-06 07:08:09",
        "true",
        "12.50",
        '["a","b"]',
    )
    assert rows[1][:4] == (2, "91330106MA00000001", "杭州某某科技有限公司", "500.25")
    assert [r[1] for r in rows] == [f"91330106MA{i:08d}" for i in range(40)]


def test_a_missing_column_lists_the_columns(con: duckdb.DuckDBPyConnection, data_dir: Path) -> None:
    _write(data_dir / "register.parquet", 2)
    spec = _spec(fields={"credit_code": "UNISCID", "name": "ENTNAM"})
    with pytest.raises(ReadError) as caught:
        read_source(con, spec, data_dir, "market")
    assert caught.value.problem.startswith(
        "mapped column is missing from the file's columns: 'ENTNAM' (name); found: 'UNISCID'"
    )
    assert caught.value.hint == "for 'ENTNAM' did you mean 'ENTNAME'?"


def test_a_file_that_is_not_parquet(con: duckdb.DuckDBPyConnection, data_dir: Path) -> None:
    (data_dir / "register.parquet").write_bytes(b"UNISCID\n1\n")
    with pytest.raises(ReadError, match=r"market: register.parquet: the file is not readable"):
        read_source(con, _spec(), data_dir, "market")
