from datetime import date
from typing import Any

import duckdb
import pytest

from frontline.ids import sql as ids_sql
from frontline.integrate.normalise import AREA_RULE, normalise_source
from frontline.integrate.sources import SourceSpec
from frontline.names import canonical_name, name_key
from tests.ids.factories import credit_code_corpus, resident_corpus

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
    ("text", "address"),
    [
        ("西湖区金都花园3幢2单元502室", "西湖区金都花园3幢2单元502室"),
        ("西湖区金都花园３幢２单元５０２室", "西湖区金都花园3幢2单元502室"),
        (" 西湖区 金都花园\t3幢\u3000", "西湖区金都花园3幢"),
        ("西湖区\u3000金都花园3幢", "西湖区金都花园3幢"),
        ("西湖区－3号", "西湖区-3号"),
        ("   ", None),
        ("", None),
    ],
)
def test_addresses_lose_spaces_and_full_width_digits(text: str, address: str | None) -> None:
    (row,) = _normalise((*ROW[:5], text, *ROW[6:]))
    assert row["address"] == address


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


ENTERPRISE_SPEC = SourceSpec.model_validate(
    {
        "key": "tax",
        "department": "税务局",
        "department_key": "taxation",
        "entity": "enterprise",
        "format": "csv",
        "location": "tax.csv",
        "as_of": "2026-06-30",
        "fields": {"credit_code": "NSRSBH", "legal_rep_id_number": "FDDBRSFZ"},
    }
)


def _normalised_columns(
    spec: SourceSpec, columns: list[str], values: list[tuple[str | None, ...]]
) -> duckdb.DuckDBPyConnection:
    """A connection holding ``raw`` with ``columns`` of ``values`` (rows) and its ``norm``."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE raw (_source VARCHAR, _file VARCHAR, _row BIGINT, _disposition VARCHAR, "
        + ", ".join(f"{c} VARCHAR" for c in columns)
        + ")"
    )
    marks = ", ".join("?" for _ in columns)
    con.executemany(
        f"INSERT INTO raw VALUES ('s', 'f', ?, NULL, {marks})",  # noqa: S608
        [[i, *row] for i, row in enumerate(values, start=1)],
    )
    ids_sql.register(con)
    normalise_source(con, spec, "raw", "norm")
    return con


def test_identifier_columns_are_the_identifier_macros_own() -> None:
    # normalise computes each identifier's reason once and derives the rest from it; the
    # result must be what the frontline.ids.sql builders give, on every kind of defect.
    residents, codes = resident_corpus(), credit_code_corpus()
    rows = [(residents[i % len(residents)], codes[i % len(codes)]) for i in range(len(residents))]
    rows += [(residents[i % len(residents)], codes[i]) for i in range(len(codes))]
    con = _normalised_columns(
        ENTERPRISE_SPEC, ["legal_rep_id_number", "credit_code"], [(r, c) for r, c in rows]
    )
    rule, resident = AREA_RULE, ids_sql.quote_identifier("legal_rep_id_number__raw")
    code = ids_sql.quote_identifier("credit_code__raw")
    expected = {
        "legal_rep_id_number": ids_sql.resident_number(resident, rule),
        "legal_rep_id_number__status": ids_sql.resident_status(resident, rule),
        "legal_rep_id_number__reason": ids_sql.resident_reason(resident, rule),
        "legal_rep_id_number__repairs": ids_sql.resident_repairs(resident),
        "legal_rep_id_number__birth_date": ids_sql.resident_birth_date(resident, rule),
        "legal_rep_id_number__sex": ids_sql.resident_sex(resident, rule),
        "credit_code": ids_sql.credit_code_number(code),
        "credit_code__status": ids_sql.credit_code_status(code),
        "credit_code__reason": ids_sql.credit_code_reason(code),
        "credit_code__repairs": ids_sql.credit_code_repairs(code),
    }
    for column, sql in expected.items():
        differing = con.execute(
            f"SELECT count(*) FROM norm WHERE {column} IS DISTINCT FROM {sql}"  # noqa: S608
        ).fetchall()[0][0]
        assert differing == 0, column
    statuses = con.execute(
        "SELECT count(DISTINCT legal_rep_id_number__reason), count(DISTINCT credit_code__reason), "
        "count(*) FROM norm"
    ).fetchall()[0]
    assert statuses[0] >= 6
    assert statuses[1] >= 4
    assert statuses[2] == len(rows)


NAMES = [
    "王芳", "单国华", "欧阳晓东", "欧阳", "曾伟", "乾坤", "单", "單國華", "单 国华",
    " 王\u3000芳 ", "买买提·艾力", "买买提•艾力", "买买提艾力", "扎西次仁", "巴特尔", "马国华",
    "马木提", "阿布都拉",
    "Shan Guohua", "SHAN  GUOHUA", "Lü Wei", "𠮷野家", "㐀李", "A李", "李A", "王〇", "··", "·",
    "王·", "\u3000", "ＳＨＡＮ", "司马光明", "司马", "韦解放", "吕伟", "区志明", "万俟云",
]  # fmt: skip


def test_names_are_exactly_canonical_name_and_name_key() -> None:
    rows = [(*ROW[:1], name, *ROW[2:]) for name in NAMES] + [(*ROW[:1], None, *ROW[2:])]
    con = normalised(tuple(rows))
    found = con.execute("SELECT name__raw, name, name__key FROM norm ORDER BY _row").fetchall()
    for raw, name, key in found:
        text = (raw or "").strip(" ") or None
        canonical = canonical_name(text) if text is not None else ""
        assert name == (canonical or None), raw
        assert key == (name_key(canonical) or None), raw


def test_columns_keep_their_order() -> None:
    con = normalised((ROW,))
    columns = [r[0] for r in con.execute("DESCRIBE norm").fetchall()]
    assert columns == [
        "_source", "_file", "_row", "_disposition", "_department", "_as_of",
        "id_number__raw", "id_number", "id_number__status", "id_number__reason",
        "id_number__repairs", "id_number__birth_date", "id_number__sex",
        "name__raw", "name", "sex__raw", "sex", "birth_date__raw", "birth_date",
        "ethnicity__raw", "ethnicity", "phone__raw", "phone", "address__raw", "address",
        "death_date__raw", "death_date", "_attributes", "name__key",
    ]  # fmt: skip
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert tables == {"raw", "norm", ids_sql.DIVISIONS_TABLE}  # the name lookups are gone


def test_a_row_dated_by_its_own_column_keeps_its_date_and_an_undated_one_the_sources() -> None:
    """``as_of_column``: corrections accepted one by one each carry their day."""
    spec = SourceSpec.model_validate(
        {**SPEC.model_dump(), "attributes": {}, "as_of_column": "GXRQ"}
    )
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE raw (_source VARCHAR, _file VARCHAR, _row BIGINT, _disposition VARCHAR, "
        "id_number VARCHAR, name VARCHAR, sex VARCHAR, birth_date VARCHAR, phone VARCHAR, "
        "address VARCHAR, as_of_date VARCHAR)"
    )
    for i, dated in enumerate(["2026-11-30", None, "not a date"], start=1):
        con.execute(
            "INSERT INTO raw VALUES ('pensions', 'pensions.csv', ?, NULL, ?, ?, ?, ?, ?, ?, ?)",
            [i, *ROW[:6], dated],
        )
    ids_sql.register(con)
    normalise_source(con, spec, "raw", "norm")
    dates = con.execute("SELECT _as_of FROM norm ORDER BY _row").fetchall()
    assert dates == [(date(2026, 11, 30),), (date(2026, 6, 30),), (date(2026, 6, 30),)]
