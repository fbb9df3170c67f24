from pathlib import Path

import duckdb
import pytest

from frontline.integrate.readers import ReadError, read_source
from frontline.integrate.sources.spec import SourceSpec

from .factories import delimited, make_spec, table_rows, write

HEADER = ["权利人", "证件种类", "证件号码", "序号"]
ROWS = [
    ["张三", "居民身份证", "330106199001011234", "1"],
    ["杭州某某科技有限公司", "营业执照", "91330106MA27XL0E3C", "2"],
    ["李四", " 居民身份证 ", "33010619850203452X", "3"],
    ["", "", "", "合计"],
    ["王五", "护照", "E12345678", "4"],
]


def _spec(**overrides: object) -> SourceSpec:
    values: dict[str, object] = {
        "location": "property.txt",
        "delimiter": "|",
        "fields": {"id_number": "证件号码", "name": "权利人"},
        "only": {"column": "证件种类", "values": ["居民身份证"]},
        "skip": [{"column": "序号", "values": ["合计", "总计"]}],
    }
    return make_spec(**{**values, **overrides})


def test_dispositions_account_for_every_row(con: duckdb.DuckDBPyConnection, data_dir: Path) -> None:
    write(data_dir / "property.txt", delimited([HEADER, *ROWS], delimiter="|"))
    result = read_source(con, _spec(), data_dir, "property_persons")
    rows = table_rows(con, "property_persons", "_source, _row, _disposition, name")
    assert rows == [
        ("people", 1, None, "张三"),
        ("people", 2, "other_source", "杭州某某科技有限公司"),
        ("people", 3, None, "李四"),
        ("people", 4, "skipped", None),
        ("people", 5, "other_source", "王五"),
    ]
    assert (result.rows_read, result.records, result.rows_skipped) == (5, 2, 1)
    assert result.rows_other_source == 2
    assert result.source == "people"
    assert result.table == "property_persons"
    assert result.seconds > 0


def test_the_table_is_replaced_and_dropped_on_failure(
    con: duckdb.DuckDBPyConnection, data_dir: Path
) -> None:
    write(data_dir / "property.txt", delimited([HEADER, *ROWS], delimiter="|"))
    spec = _spec()
    read_source(con, spec, data_dir, "t")
    assert read_source(con, spec, data_dir, "t").rows_read == 5
    bad = _spec(only={"column": "证件类型", "values": ["居民身份证"]})
    with pytest.raises(ReadError, match=r"'证件类型' \(only\)"):
        read_source(con, bad, data_dir, "t")
    assert con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 't'"
    ).fetchall() == [(0,)]


@pytest.mark.parametrize(
    ("attributes", "problem"),
    [
        ({"_Row": "序号"}, "'_Row' is a reserved column name"),
        ({"Name": "序号"}, "'Name' and 'name' name the same column (DuckDB ignores case)"),
    ],
)
def test_clashing_workspace_names_are_refused(
    con: duckdb.DuckDBPyConnection, data_dir: Path, attributes: dict[str, str], problem: str
) -> None:
    with pytest.raises(ReadError) as caught:
        read_source(con, _spec(attributes=attributes), data_dir, "t")
    assert caught.value.problem == problem


def test_transcoded_copies_go_to_the_workspace_temp_folder(tmp_path: Path, data_dir: Path) -> None:
    write(data_dir / "property.txt", delimited([HEADER, *ROWS], delimiter="|"), "gbk")
    con = duckdb.connect(str(tmp_path / "workspace.duckdb"))
    try:
        result = read_source(con, _spec(), data_dir, "t")
    finally:
        con.close()
    assert result.encodings == {"property.txt": "gb18030 (detected)"}
    temp = tmp_path / "workspace.duckdb.tmp"
    assert temp.is_dir()
    assert not list(temp.iterdir())
