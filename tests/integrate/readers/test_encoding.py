from pathlib import Path

import duckdb
import pytest

from frontline.integrate.readers import ReadError, read_source

from .factories import HEADER, PEOPLE, delimited, make_spec, table_rows, write

# GBK lacks 𠮷 (U+20BB7); GB18030 has it.
GBK_PEOPLE = [[c.replace("𠮷", "吉") for c in row] for row in PEOPLE]


def _expected(people: list[list[str]]) -> list[tuple[object, ...]]:
    return [(i, *row) for i, row in enumerate(people, start=1)]


@pytest.mark.parametrize(
    ("declared", "codec", "people", "label"),
    [
        (None, "utf-8", PEOPLE, "utf-8 (detected)"),
        (None, "utf-8-sig", PEOPLE, "utf-8-sig (detected)"),
        (None, "gbk", GBK_PEOPLE, "gb18030 (detected)"),
        (None, "gb18030", PEOPLE, "gb18030 (detected)"),
        ("utf-8", "utf-8", PEOPLE, "utf-8"),
        ("utf-8", "utf-8-sig", PEOPLE, "utf-8"),
        ("utf-8-sig", "utf-8-sig", PEOPLE, "utf-8-sig"),
        ("gbk", "gbk", GBK_PEOPLE, "gbk"),
        ("gb18030", "gb18030", PEOPLE, "gb18030"),
    ],
)
def test_every_encoding_reads_the_same_rows(
    con: duckdb.DuckDBPyConnection,
    data_dir: Path,
    scratch: Path,
    declared: str | None,
    codec: str,
    people: list[list[str]],
    label: str,
) -> None:
    write(data_dir / "people.csv", delimited([HEADER, *people]), codec)
    result = read_source(con, make_spec(encoding=declared), data_dir, "people", scratch=scratch)
    assert table_rows(con, "people") == _expected(people)
    assert result.encodings == {"people.csv": label}
    assert not list(scratch.rglob("*")), "transcoded copies are removed"


def _error(
    con: duckdb.DuckDBPyConnection, data_dir: Path, scratch: Path, declared: str | None
) -> ReadError:
    with pytest.raises(ReadError) as caught:
        read_source(con, make_spec(encoding=declared), data_dir, "people", scratch=scratch)
    message = str(caught.value)
    assert message.startswith("people: people.csv: ")
    assert "张三" not in message
    assert "330106199001011234" not in message
    assert not list(scratch.rglob("*.utf8"))
    return caught.value


def test_gbk_declared_but_a_character_only_gb18030_has(
    con: duckdb.DuckDBPyConnection, data_dir: Path, scratch: Path
) -> None:
    data = delimited([HEADER, *PEOPLE]).encode("gb18030")
    write(data_dir / "people.csv", data.decode("latin-1"), "latin-1")
    error = _error(con, data_dir, scratch, "gbk")
    offset = data.index("𠮷".encode("gb18030"))
    assert f"not valid gbk: invalid byte sequence at byte offset {offset}, line 4" in error.problem
    assert "declare encoding: gb18030" in error.hint


def test_utf8_declared_but_the_file_is_gbk(
    con: duckdb.DuckDBPyConnection, data_dir: Path, scratch: Path
) -> None:
    write(data_dir / "people.csv", delimited([HEADER, *GBK_PEOPLE]), "gbk")
    error = _error(con, data_dir, scratch, "utf-8")
    assert "not valid utf-8" in error.problem
    assert "line 2" in error.problem
    assert "declare encoding: gb18030" in error.hint


def test_gbk_declared_but_the_file_is_utf8(
    con: duckdb.DuckDBPyConnection, data_dir: Path, scratch: Path
) -> None:
    write(data_dir / "people.csv", delimited([HEADER, ["1", "王小明", "男"]]), "utf-8")
    error = _error(con, data_dir, scratch, "gbk")
    assert "declare encoding: utf-8" in error.hint


def test_gbk_declared_but_the_file_has_a_utf8_bom(
    con: duckdb.DuckDBPyConnection, data_dir: Path, scratch: Path
) -> None:
    write(data_dir / "people.csv", delimited([HEADER, *PEOPLE]), "utf-8-sig")
    assert "byte-order mark" in _error(con, data_dir, scratch, "gbk").problem


@pytest.mark.parametrize(
    ("codec", "problem"),
    [("utf-16", "UTF-16 text"), ("utf-16-le", "NUL bytes"), ("utf-32", "UTF-32 text")],
)
def test_wide_encodings_are_refused(
    con: duckdb.DuckDBPyConnection, data_dir: Path, scratch: Path, codec: str, problem: str
) -> None:
    write(data_dir / "people.csv", delimited([HEADER, *PEOPLE]), codec)
    assert problem in _error(con, data_dir, scratch, None).problem


@pytest.mark.parametrize(
    ("codec", "people"),
    [
        ("big5", [["1", "陳大文", "男"], ["2", "林美麗", "女"], ["3", "張國榮", "男"]] * 20),
        ("shift_jis", [["1", "山田太郎", "男"], ["2", "佐藤花子", "女"]] * 20),
        ("latin-1", [["1", "Müller Jürgen", "m"], ["2", "Zoë Garçon", "f"]] * 20),
    ],
)
def test_detection_refuses_text_that_is_not_chinese_gb(
    con: duckdb.DuckDBPyConnection,
    data_dir: Path,
    scratch: Path,
    codec: str,
    people: list[list[str]],
) -> None:
    write(data_dir / "people.csv", delimited([HEADER, *people]), codec)
    error = _error(con, data_dir, scratch, None)
    assert "neither UTF-8" in error.problem
    assert "convert the file to UTF-8" in error.hint
