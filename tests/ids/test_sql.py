import random
import string
from collections.abc import Iterator, Sequence

import duckdb
import pytest

from frontline.ids import credit_code, resident, sql
from frontline.ids.arrays import CREDIT_CODE_ALPHABET
from frontline.ids.divisions import AreaRule, DivisionTable
from frontline.ids.normalization import CREDIT_CODE_NORMALIZER
from tests.ids import reference
from tests.ids.factories import credit_code_corpus, resident_corpus

RAW = sql.quote_identifier("raw")


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    sql.register(connection)
    yield connection
    connection.close()


def load(con: duckdb.DuckDBPyConnection, values: Sequence[str | None]) -> None:
    """A table `rows(i, raw)` holding `values` in order."""
    con.execute(
        "CREATE OR REPLACE TABLE rows AS SELECT unnest(?::INTEGER[]) AS i, "
        "unnest(?::VARCHAR[]) AS raw",
        [list(range(len(values))), list(values)],
    )


@pytest.mark.parametrize("area_rule", list(AreaRule))
def test_resident_sql_agrees_with_python_on_every_row(
    con: duckdb.DuckDBPyConnection, area_rule: AreaRule
) -> None:
    values = resident_corpus()
    load(con, values)
    outputs = [
        sql.resident_status(RAW, area_rule),
        sql.resident_reason(RAW, area_rule),
        sql.resident_number(RAW, area_rule),
        sql.resident_repairs(RAW),
        sql.resident_birth_date(RAW, area_rule),
        sql.resident_sex(RAW, area_rule),
        sql.resident_area_code(RAW, area_rule),
    ]
    rows = con.execute(f"SELECT {', '.join(outputs)} FROM rows ORDER BY i").fetchall()  # noqa: S608
    mismatches = []
    for value, row in zip(values, rows, strict=True):
        parsed = resident.parse(value, area_rule=area_rule)
        expected = (
            parsed.status.value,
            parsed.reason.value if parsed.reason else None,
            parsed.number,
            [r.value for r in parsed.repairs],
            parsed.birth_date,
            parsed.sex.value if parsed.sex else None,
            parsed.area_code,
        )
        if row != expected:
            mismatches.append((value, row, expected))
    assert mismatches == []


def test_normalized_matches_python(con: duckdb.DuckDBPyConnection) -> None:
    values = resident_corpus()
    load(con, values)
    rows = con.execute(f"SELECT {sql.resident_normalized(RAW)} FROM rows ORDER BY i").fetchall()  # noqa: S608
    assert [r[0] for r in rows] == [reference.resident_candidate(v) for v in values]
    values = credit_code_corpus()
    load(con, values)
    rows = con.execute(f"SELECT {sql.credit_code_normalized(RAW)} FROM rows ORDER BY i").fetchall()  # noqa: S608
    assert [r[0] for r in rows] == [CREDIT_CODE_NORMALIZER.normalize(v or "")[0] for v in values]


def test_credit_code_sql_agrees_with_python_on_every_row(con: duckdb.DuckDBPyConnection) -> None:
    values = credit_code_corpus()
    load(con, values)
    outputs = [
        sql.credit_code_status(RAW),
        sql.credit_code_reason(RAW),
        sql.credit_code_number(RAW),
        sql.credit_code_repairs(RAW),
        sql.credit_code_area_code(RAW),
        sql.credit_code_organization_code(RAW),
    ]
    rows = con.execute(f"SELECT {', '.join(outputs)} FROM rows ORDER BY i").fetchall()  # noqa: S608
    mismatches = []
    for value, row in zip(values, rows, strict=True):
        parsed = credit_code.parse(value)
        expected = (
            parsed.status.value,
            parsed.reason.value if parsed.reason else None,
            parsed.number,
            [r.value for r in parsed.repairs],
            parsed.area_code,
            parsed.organization_code,
        )
        if row != expected:
            mismatches.append((value, row, expected))
    assert mismatches == []


def test_check_character_macros_agree_with_python(con: duckdb.DuckDBPyConnection) -> None:
    rng = random.Random(5)
    residents = ["".join(rng.choices(string.digits, k=17)) for _ in range(2000)]
    credits = ["".join(rng.choices(CREDIT_CODE_ALPHABET, k=17)) for _ in range(2000)]
    organizations = [
        "".join(rng.choices(string.digits + string.ascii_uppercase, k=8)) for _ in range(2000)
    ]
    olds = ["".join(rng.choices(string.digits, k=15)) for _ in range(2000)]
    rows = con.execute(
        "SELECT list_transform(?::VARCHAR[], lambda b: " + sql.resident_check_digit("b") + "), "
        "list_transform(?::VARCHAR[], lambda b: " + sql.credit_code_check_char("b") + "), "
        "list_transform(?::VARCHAR[], lambda b: " + sql.organization_check_char("b") + "), "
        "list_transform(?::VARCHAR[], lambda b: " + sql.resident_upgrade("b") + ")",
        [residents, credits, organizations, olds],
    ).fetchone()
    assert rows is not None
    assert rows[0] == [resident.check_digit(b) for b in residents]
    assert rows[1] == [credit_code.check_char(b) for b in credits]
    assert rows[2] == [credit_code.organization_check_char(b) for b in organizations]
    assert rows[3] == [resident.upgrade(b) for b in olds]


def test_division_table_is_registered(con: duckdb.DuckDBPyConnection) -> None:
    found = con.execute(
        f"SELECT name FROM {sql.DIVISIONS_TABLE} WHERE code = ? AND valid_to = ?",  # noqa: S608
        ["110103", 2010],
    ).fetchall()
    assert found == [("崇文区",)]


def test_a_deployment_can_register_its_own_division_table() -> None:
    table = DivisionTable.from_rows(
        [
            {
                "code": "990101",
                "name": "测试区",
                "level": "county",
                "province": "",
                "prefecture": "",
                "valid_from": "2001",
                "valid_to": "",
            }
        ]
    )
    con = duckdb.connect()
    sql.register(con, table)
    number = resident.check_digit("99010120100101001")
    reason = con.execute(
        f"SELECT {sql.resident_reason('v')} FROM (SELECT ? AS v)",  # noqa: S608
        ["99010120100101001" + number],
    ).fetchone()
    assert reason == (None,)
    con.close()


def test_quote_identifier_escapes_quotes(con: duckdb.DuckDBPyConnection) -> None:
    column = sql.quote_identifier('id "raw"')
    assert column == '"id ""raw"""'
    found = con.execute(
        f"SELECT {sql.resident_status(column)} FROM (SELECT '11010519491231002X' AS {column})"  # noqa: S608
    ).fetchone()
    assert found == ("valid",)


def test_builders_put_no_data_into_sql() -> None:
    # The column argument is used verbatim; values only ever travel as parameters.
    assert sql.resident_status('"c"') == 'frontline_resident_status("c", false)'
    assert (
        sql.resident_reason('"c"', AreaRule.SINCE_BIRTH) == 'frontline_resident_reason("c", true)'
    )
    assert sql.credit_code_area_code('"c"') == 'frontline_credit_code_area_code("c")'
