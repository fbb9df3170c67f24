from datetime import date
from typing import Any

import duckdb
import pytest

from frontline.ids import sql as ids_sql
from frontline.integrate.normalise import normalise_source
from frontline.integrate.sources import SourceSpec

SPEC = SourceSpec.model_validate(
    {
        "key": "pensions",
        "department": "人力资源和社会保障局",
        "department_key": "human_resources",
        "entity": "person",
        "format": "csv",
        "location": "pensions.csv",
        "as_of": "2026-06-30",
        "fields": {
            "id_number": "GMSFHM",
            "name": "XM",
            "sex": "XB",
            "birth_date": "CSRQ",
            "phone": "LXDH",
            "address": "JZDZ",
        },
        "attributes": {"payment_status": "FFZT"},
    }
)
COLUMNS = ["id_number", "name", "sex", "birth_date", "phone", "address", "payment_status"]


def normalised(
    rows: tuple[tuple[str | None, ...], ...], disposition: str | None = None
) -> duckdb.DuckDBPyConnection:
    """A connection holding the reader-shaped table ``raw`` of ``rows`` and its ``norm``."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE raw (_source VARCHAR, _file VARCHAR, _row BIGINT, _disposition VARCHAR, "
        + ", ".join(f"{c} VARCHAR" for c in COLUMNS)
        + ")"
    )
    for i, row in enumerate(rows, start=1):
        con.execute(
            "INSERT INTO raw VALUES ('pensions', 'pensions.csv', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [i, disposition, *row],
        )
    ids_sql.register(con)
    normalise_source(con, SPEC, "raw", "norm")
    return con


def _normalise(*rows: tuple[str | None, ...]) -> list[dict[str, Any]]:
    con = normalised(rows)
    cursor = con.execute("SELECT * FROM norm ORDER BY _row")
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


ROW = (
    "11010519491231002X",
    "王芳",
    "女",
    "1949-12-31",
    "13800138000",
    "西湖区金都花园3幢2单元502室",
    "正常发放",
)


@pytest.mark.parametrize(
    "text",
    ["1949-12-31", "19491231", "1949/12/31", "1949年12月31日", "1949.12.31", "1949-12-31 08:15:00"],
)
def test_every_date_style_parses(text: str) -> None:
    (row,) = _normalise((*ROW[:3], text, *ROW[4:]))
    assert row["birth_date"] == date(1949, 12, 31)
    assert row["birth_date__raw"] == text


def test_impossible_dates_are_null_and_keep_their_text() -> None:
    (row,) = _normalise((*ROW[:3], "1949-02-30", *ROW[4:]))
    assert row["birth_date"] is None
    assert row["birth_date__raw"] == "1949-02-30"


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("13800138000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("+86 13800138000", "13800138000"),
        ("０５７１-８８８８８８８８", "057188888888"),
        ("12345", None),
        ("", None),
    ],
)
def test_phones_are_reduced_to_digits(text: str, phone: str | None) -> None:
    (row,) = _normalise((*ROW[:4], text, *ROW[5:]))
    assert row["phone"] == phone


@pytest.mark.parametrize(
    ("text", "sex"), [("男", "male"), ("女", "female"), ("M", "male"), ("f", "female"), ("?", None)]
)
def test_sexes(text: str, sex: str | None) -> None:
    (row,) = _normalise((ROW[0], ROW[1], text, *ROW[3:]))
    assert row["sex"] == sex


def test_names_become_canonical_with_a_pinyin_key() -> None:
    rows = _normalise(
        (ROW[0], "單國華", *ROW[2:]),
        (ROW[0], "单 国华", *ROW[2:]),
        (ROW[0], "Shan Guohua", *ROW[2:]),
    )
    assert [r["name"] for r in rows[:2]] == ["单国华", "单国华"]
    assert {r["name__key"] for r in rows} == {"shanguohua"}
    assert rows[0]["name__raw"] == "單國華"


def test_identifier_status_reason_and_repairs() -> None:
    rows = _normalise(
        ROW,
        ("11010519491231002x", *ROW[1:]),
        ("１１０１０５１９４９１２３１００２Ｘ", *ROW[1:]),
        ("11010519491231002Y", *ROW[1:]),
        ("11010519491231003X", *ROW[1:]),
        ("", *ROW[1:]),
    )
    assert [(r["id_number__status"], r["id_number__reason"]) for r in rows] == [
        ("valid", None),
        ("repaired", None),
        ("repaired", None),
        ("invalid", "format"),
        ("invalid", "checksum"),
        ("invalid", "empty"),
    ]
    assert rows[1]["id_number"] == "11010519491231002X"
    assert rows[1]["id_number__repairs"] == ["lowercase_x"]
    assert rows[0]["id_number__birth_date"] == date(1949, 12, 31)
    assert rows[0]["id_number__sex"] == "female"
    assert rows[3]["id_number"] is None


def test_unmapped_fields_are_typed_nulls_and_attributes_are_kept() -> None:
    (row,) = _normalise(ROW)
    assert row["death_date"] is None
    assert row["ethnicity"] is None
    assert '"payment_status":"正常发放"' in row["_attributes"]
    assert row["_department"] == "human_resources"
    assert row["_as_of"] == date(2026, 6, 30)
