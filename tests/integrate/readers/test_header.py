from pathlib import Path

import pytest

from frontline.integrate.readers import ReadError
from frontline.integrate.readers.header import clean, locate
from frontline.integrate.readers.request import FileRequest

from .factories import make_spec

REQUEST = FileRequest(
    make_spec(skip=[{"column": "序号", "values": ["合计"]}]),
    Path("people.csv"),
    "people.csv",
    ("SFZH", "XM", "XB", "序号"),
)


def test_positions_follow_the_wanted_columns() -> None:
    assert locate(REQUEST, ["序号", "XB", "\ufeffSFZH ", "其他", "XM"], "the header") == [
        2,
        4,
        1,
        0,
    ]


def test_clean_strips_half_and_full_width_spaces() -> None:
    assert clean("\u3000 姓名\t") == "姓名"


def test_the_purpose_of_each_missing_column_is_named() -> None:
    with pytest.raises(ReadError) as caught:
        locate(REQUEST, ["SFZH", "xm", "XB"], "the header")
    assert caught.value.problem == (
        "mapped columns are missing from the header: 'XM' (name), '序号' (skip); "
        "found: 'SFZH', 'xm', 'XB'"
    )
    assert caught.value.hint == "for 'XM' did you mean 'xm'?"


def test_a_data_row_taken_for_the_header_is_not_quoted() -> None:
    rows = {1: ["标题"], 2: ["SFZH", "XM", "XB", "序号"], 3: ["3301", "张三", "男", "1"]}
    with pytest.raises(ReadError) as caught:
        locate(REQUEST, rows[3], "the header (row 3)", rows)
    assert "张三" not in str(caught.value)
    assert caught.value.hint == "row 2 holds 4 of the mapped columns: set header_row: 2"


def test_a_row_matching_no_mapped_column_is_not_quoted() -> None:
    rows = {1: ["3301", "张三", "男", "1"]}
    with pytest.raises(ReadError) as caught:
        locate(REQUEST, rows[1], "the header (row 1)", rows)
    assert caught.value.problem == "none of the mapped columns is in the header (row 1)"
    assert "张三" not in str(caught.value)
