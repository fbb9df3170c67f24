import datetime as dt
from pathlib import Path

import duckdb
import pytest
import xlsxwriter

from frontline.integrate.readers import ReadError, read_source
from frontline.integrate.sources.spec import SourceSpec

from .factories import HEADER, PEOPLE, make_spec, table_rows


def _workbook(path: Path, first_row: int = 1, first_column: int = 0) -> Path:
    """A roster like the civil affairs one: title, header, rows, a blank row, a total line."""
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("说明")
    sheet = book.add_worksheet("发放名册")
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    r, c = first_row - 1, first_column
    sheet.write_string(r, c, "西湖区低保发放名册（2026年6月）")
    sheet.write_row(r + 1, c, ["序号", *HEADER, "金额", "发放日期"])
    for i, person in enumerate(PEOPLE, start=1):
        row = r + 1 + i + (i == 3)  # a blank row before the third person
        sheet.write_number(row, c, float(i))
        sheet.write_row(row, c + 1, person)
        sheet.write_number(row, c + 4, 1240.0 + (i == 2) * 0.5)
        sheet.write_datetime(row, c + 5, dt.date(2026, 6, i), day)
    sheet.write_string(r + 6, c, " 合计")
    sheet.write_number(r + 6, c + 4, 3720.5)
    book.close()
    return path


def _spec(**overrides: object) -> SourceSpec:
    values: dict[str, object] = {
        "format": "xlsx",
        "location": "roster.xlsx",
        "sheet": "发放名册",
        "header_row": 2,
        "skip": [{"column": "序号", "values": ["合计"]}],
        "attributes": {"number": "序号", "amount": "金额", "paid_on": "发放日期"},
    }
    values.update(overrides)
    return make_spec(**values)


COLUMNS = "_row, _disposition, number, id_number, name, amount, paid_on"
EXPECTED = [
    (1, None, "1", PEOPLE[0][0], PEOPLE[0][1], "1240", "2026-06-01"),
    (2, None, "2", PEOPLE[1][0], PEOPLE[1][1], "1240.5", "2026-06-02"),
    (3, None, "3", PEOPLE[2][0], PEOPLE[2][1], "1240", "2026-06-03"),
    (4, "skipped", " 合计", None, None, "3720.5", None),
]


@pytest.mark.parametrize(("first_row", "first_column", "sheet"), [(1, 0, "发放名册"), (3, 2, 2)])
def test_a_roster_reads_with_its_title_blank_row_and_total(
    con: duckdb.DuckDBPyConnection,
    data_dir: Path,
    first_row: int,
    first_column: int,
    sheet: str | int,
) -> None:
    _workbook(data_dir / "roster.xlsx", first_row, first_column)
    spec = _spec(header_row=first_row + 1, sheet=sheet)
    result = read_source(con, spec, data_dir, "roster")
    assert table_rows(con, "roster", COLUMNS) == EXPECTED
    assert (result.rows_read, result.records, result.rows_skipped) == (4, 3, 1)
    assert result.encodings == {"roster.xlsx": "-"}


def test_the_first_sheet_is_read_by_default(con: duckdb.DuckDBPyConnection, data_dir: Path) -> None:
    _workbook(data_dir / "roster.xlsx")
    with pytest.raises(ReadError, match=r"sheet '说明' has only 0 row"):
        read_source(con, _spec(sheet=None), data_dir, "roster")


@pytest.mark.parametrize(
    ("overrides", "problem", "hint"),
    [
        (
            {"sheet": "发放明册"},
            "the workbook has no sheet '发放明册'; its sheets: '说明', '发放名册'",
            "did you mean '发放名册'?",
        ),
        ({"sheet": 3}, "the workbook has no sheet number 3; its sheets: '说明', '发放名册'", ""),
        ({"header_row": 9}, "header_row is 9 but sheet '发放名册' has only 7 row(s)", ""),
        (
            {"header_row": 1},
            "mapped columns are missing from the header (row 1",
            "set header_row: 2",
        ),
        ({"location": "broken.xlsx"}, "the file is not a readable spreadsheet (ZipError)", ""),
    ],
)
def test_errors(
    con: duckdb.DuckDBPyConnection,
    data_dir: Path,
    overrides: dict[str, object],
    problem: str,
    hint: str,
) -> None:
    _workbook(data_dir / "roster.xlsx")
    (data_dir / "broken.xlsx").write_text("SFZH\n", encoding="utf-8")
    with pytest.raises(ReadError) as caught:
        read_source(con, _spec(**overrides), data_dir, "roster")
    assert caught.value.problem.startswith(problem)
    assert hint in caught.value.hint
    assert "张三" not in str(caught.value)


def test_an_empty_column_and_an_empty_sheet(con: duckdb.DuckDBPyConnection, data_dir: Path) -> None:
    book = xlsxwriter.Workbook(str(data_dir / "roster.xlsx"))
    sheet = book.add_worksheet("发放名册")
    sheet.write_row(0, 0, ["序号", *HEADER, "金额", "发放日期"])
    for i, person in enumerate(PEOPLE, start=1):
        sheet.write_row(i, 0, [str(i), person[0], person[1]])  # no sex, amount or date
    empty = book.add_worksheet("空")
    empty.write_row(0, 0, ["序号", *HEADER, "金额", "发放日期"])
    book.close()
    read_source(con, _spec(header_row=1), data_dir, "roster")
    assert table_rows(con, "roster", "_row, name, sex, amount, paid_on") == [
        (i, person[1], None, None, None) for i, person in enumerate(PEOPLE, start=1)
    ]
    result = read_source(con, _spec(header_row=1, sheet="空"), data_dir, "nothing")
    assert result.rows_read == 0
    assert table_rows(con, "nothing", "_row, name") == []
