from pathlib import Path

import duckdb
import pytest

from frontline.integrate.readers import ReadError, read_source

from .factories import HEADER, PEOPLE, delimited, make_spec, table_rows, write


def test_a_glob_reads_every_file_with_rows_counted_per_file(
    con: duckdb.DuckDBPyConnection, data_dir: Path
) -> None:
    write(data_dir / "2026" / "b.csv", delimited([HEADER, PEOPLE[2]]), "gb18030")
    write(data_dir / "2026" / "a.csv", delimited([HEADER, *PEOPLE[:2]]))
    write(data_dir / "2026" / "notes.txt", "not a source file")
    result = read_source(con, make_spec(location="2026/*.csv"), data_dir, "people")
    assert table_rows(con, "people", "_file, _row, name") == [
        ("2026/a.csv", 1, PEOPLE[0][1]),
        ("2026/a.csv", 2, PEOPLE[1][1]),
        ("2026/b.csv", 1, PEOPLE[2][1]),
    ]
    assert [(f.file, f.rows, f.encoding_label) for f in result.files] == [
        ("2026/a.csv", 2, "utf-8 (detected)"),
        ("2026/b.csv", 1, "gb18030 (detected)"),
    ]
    assert result.rows_read == 3


@pytest.mark.parametrize(
    ("location", "problem", "hint"),
    [
        ("peple.csv", "file not found in ", "did you mean 'people.csv'?"),
        ("2025/*.csv", "no file in ", "check the location's folder and pattern"),
        ("gone/people.csv", "file not found in ", "does not exist or is empty"),
    ],
)
def test_missing_files(
    con: duckdb.DuckDBPyConnection, data_dir: Path, location: str, problem: str, hint: str
) -> None:
    write(data_dir / "people.csv", delimited([HEADER, *PEOPLE]))
    with pytest.raises(ReadError) as caught:
        read_source(con, make_spec(location=location), data_dir, "people")
    assert str(caught.value).startswith(f"people: {location}: {problem}")
    assert hint in caught.value.hint
