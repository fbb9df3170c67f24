from pathlib import Path

import duckdb
import pytest

from frontline.integrate.readers import ReadError, read_source

from .factories import HEADER, PEOPLE, delimited, make_spec, table_rows, write

EXPECTED = [(i, *row) for i, row in enumerate(PEOPLE, start=1)]


def _read(con: duckdb.DuckDBPyConnection, data_dir: Path, text: str, **spec: object) -> None:
    write(data_dir / "people.csv", text)
    read_source(con, make_spec(**spec), data_dir, "people")


def _error(con: duckdb.DuckDBPyConnection, data_dir: Path, text: str, **spec: object) -> ReadError:
    with pytest.raises(ReadError) as caught:
        _read(con, data_dir, text, **spec)
    assert str(caught.value).startswith("people: people.csv: ")
    assert "张三" not in str(caught.value)
    return caught.value


@pytest.mark.parametrize("newline", ["\r\n", "\n"])
def test_rows_are_numbered_from_the_first_after_the_header(
    con: duckdb.DuckDBPyConnection, data_dir: Path, newline: str
) -> None:
    _read(con, data_dir, delimited([HEADER, *PEOPLE], newline=newline))
    assert table_rows(con, "people") == EXPECTED


def test_title_rows_above_the_header_are_not_rows(
    con: duckdb.DuckDBPyConnection, data_dir: Path
) -> None:
    text = delimited([["西湖区人员名册（2026年6月）"], [], HEADER, *PEOPLE])
    _read(con, data_dir, text, header_row=3)
    assert table_rows(con, "people") == EXPECTED


def test_another_delimiter_and_the_last_line_without_newline(
    con: duckdb.DuckDBPyConnection, data_dir: Path
) -> None:
    _read(con, data_dir, delimited([HEADER, *PEOPLE], delimiter="|").rstrip(), delimiter="|")
    assert table_rows(con, "people") == EXPECTED


def test_values_are_kept_as_delivered_and_empty_ones_are_null(
    con: duckdb.DuckDBPyConnection, data_dir: Path
) -> None:
    rows = [HEADER, ["", ' 王 "小" 明, 二\n世 ', "男"], ['"', "", " "]]
    text = delimited(rows) + '"",x,\r\n\r\n4,,"女"\r\n'
    _read(con, data_dir, text)
    assert table_rows(con, "people") == [
        (1, None, ' 王 "小" 明, 二\n世 ', "男"),
        (2, '"', None, " "),
        (3, None, "x", None),
        (4, "4", None, "女"),  # the blank line before it is no row
    ]


def test_header_only_gives_no_rows(con: duckdb.DuckDBPyConnection, data_dir: Path) -> None:
    _read(con, data_dir, delimited([HEADER]))
    assert table_rows(con, "people") == []


def test_headers_match_without_stray_spaces_and_columns_can_be_read_twice(
    con: duckdb.DuckDBPyConnection, data_dir: Path
) -> None:
    header = [" SFZH", "XM\u3000", "XB", "其他"]
    _read(con, data_dir, delimited([header, [*PEOPLE[0], "x"]]), attributes={"xm_copy": "XM"})
    rows = table_rows(con, "people", "_row, id_number, name, sex, xm_copy")
    assert rows == [(1, *PEOPLE[0], PEOPLE[0][1])]


@pytest.mark.parametrize(("extra", "found"), [(["x"], 4), ([], 2)])
def test_a_line_with_the_wrong_number_of_fields_is_an_error_naming_it(
    con: duckdb.DuckDBPyConnection, data_dir: Path, extra: list[str], found: int
) -> None:
    bad = [*PEOPLE[1], *extra] if extra else PEOPLE[1][:2]
    text = delimited([["标题"], HEADER, PEOPLE[0], bad, PEOPLE[2]])
    error = _error(con, data_dir, text, header_row=2)
    assert error.problem == f"line 4 has {found} fields where the header has 3"
    assert "quoted" in error.hint


def test_the_line_is_named_after_values_spanning_lines(
    con: duckdb.DuckDBPyConnection, data_dir: Path
) -> None:
    text = delimited([HEADER, ["1", "张\n三", "男"], ["2", "李四", "女", "x"]])
    error = _error(con, data_dir, text)
    assert error.problem == "line 4 (row 3) has 4 fields where the header has 3"


def test_an_unclosed_quote_is_an_error_naming_the_line(
    con: duckdb.DuckDBPyConnection, data_dir: Path
) -> None:
    text = delimited([HEADER, PEOPLE[0]]) + '1,"张三,男\r\n' + delimited(PEOPLE[1:])
    assert _error(con, data_dir, text).problem.startswith("line 3 opens a quoted value")


def test_a_missing_column_lists_the_headers_and_close_matches(
    con: duckdb.DuckDBPyConnection, data_dir: Path
) -> None:
    fields = {"id_number": "sfzh", "name": "XM"}
    error = _error(con, data_dir, delimited([HEADER, *PEOPLE]), fields=fields)
    assert error.problem == (
        "mapped column is missing from the header (row 1): 'sfzh' (id_number); "
        "found: 'SFZH', 'XM', 'XB'"
    )
    assert error.hint == "for 'sfzh' did you mean 'SFZH'?"


def test_a_wrong_header_row_points_at_the_right_one(
    con: duckdb.DuckDBPyConnection, data_dir: Path
) -> None:
    text = delimited([["标题"], HEADER, *PEOPLE])
    assert "set header_row: 2" in _error(con, data_dir, text).hint
    assert "set header_row: 2" in _error(con, data_dir, text, header_row=3).hint


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "the file is empty"),
        (delimited([HEADER]), "header_row is 2 but the file has only 1 row(s)"),
        (delimited([[], HEADER]), "the header row (row 2) is blank"),
    ],
)
def test_a_bad_header_row(
    con: duckdb.DuckDBPyConnection, data_dir: Path, text: str, problem: str
) -> None:
    if text.startswith("\r\n"):
        text = "\r\n" + text  # a blank row 1 and 2
    assert _error(con, data_dir, text, header_row=2).problem == problem


def test_a_column_appearing_twice_is_an_error(
    con: duckdb.DuckDBPyConnection, data_dir: Path
) -> None:
    error = _error(con, data_dir, delimited([[*HEADER, "XM"], [*PEOPLE[0], "x"]]))
    assert error.problem == "column 'XM' (name) appears 2 times in the header (row 1)"
