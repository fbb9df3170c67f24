"""Nameless records linked through a parent: the one child of their birth date and sex in the
parent's household, and nobody when that is not one child."""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb
import pytest

from frontline.ids import sql as ids_sql
from frontline.integrate.kinship import link_through_parents
from frontline.integrate.sources import SourceSpec

MOTHER = "11010519900307002X"
SON = "110105202401010013"
OTHER_SON = "110105202401010021"  # another household, born the same day
TWIN = "110105202402020015"
TWIN_TOO = "110105202402020031"


def spec(key: str, **extra: Any) -> SourceSpec:
    return SourceSpec.model_validate(
        {
            "key": key, "department": "部门", "department_key": "dept", "entity": "person",
            "format": "csv", "location": f"{key}.csv", "as_of": "2026-06-30",
            "fields": {"id_number": {"column": "id"}}, **extra,
        }
    )  # fmt: skip


SPECS = [
    spec("registry", attributes={"household_number": "hh"}, household="household_number"),
    spec("births", attributes={"mother_id_number": "mid"}, parent_id="mother_id_number"),
]


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    ids_sql.register(con)
    con.execute(
        "CREATE TABLE records (_source VARCHAR, _row INTEGER, _outcome VARCHAR, _reason VARCHAR, "
        "_entity_key VARCHAR, _confidence DOUBLE, birth_date DATE, sex VARCHAR, _attributes JSON)"
    )
    registry = [
        (1, MOTHER, date(1990, 3, 7), "female", "H1"),
        (2, SON, date(2024, 1, 1), "male", "H1"),
        (3, OTHER_SON, date(2024, 1, 1), "male", "H2"),
        (4, TWIN, date(2024, 2, 2), "male", "H1"),
        (5, TWIN_TOO, date(2024, 2, 2), "male", "H1"),
    ]
    for row, key, born, sex, household in registry:
        con.execute(
            "INSERT INTO records VALUES ('registry', ?, 'identifier', NULL, ?, NULL, ?, ?, ?)",
            [row, key, born, sex, f'{{"household_number": "{household}"}}'],
        )
    births: list[tuple[int, str, date | None, str]] = [
        (1, MOTHER.lower(), date(2024, 1, 1), "male"),  # the son of H1: linked
        (2, MOTHER, date(2024, 2, 2), "male"),  # twins of one sex: left alone
        (3, MOTHER, date(2024, 1, 1), "female"),  # no daughter born that day
        (4, "110105199001010000", date(2024, 1, 1), "male"),  # a mother nobody knows
        (5, MOTHER, None, "male"),  # no birth date
    ]
    for row, mother, day, sex in births:
        con.execute(
            "INSERT INTO records VALUES ('births', ?, 'quarantined', 'no_identity', NULL, NULL, "
            "?, ?, ?)",
            [row, day, sex, f'{{"mother_id_number": "{mother}"}}'],
        )
    return con


def test_a_nameless_birth_record_joins_the_one_child_of_its_day_and_sex(
    con: duckdb.DuckDBPyConnection,
) -> None:
    assert link_through_parents(con, "records", SPECS) == 1
    births = con.execute(
        "SELECT _row, _outcome, _reason, _entity_key, _confidence FROM records "
        "WHERE _source = 'births' ORDER BY _row"
    ).fetchall()
    assert births == [
        (1, "rule", "no_identity", SON, 1.0),
        *[(row, "quarantined", "no_identity", None, None) for row in (2, 3, 4, 5)],
    ]


def test_without_a_source_of_households_nothing_is_linked(
    con: duckdb.DuckDBPyConnection,
) -> None:
    assert link_through_parents(con, "records", SPECS[1:]) == 0
    linked = con.execute("SELECT count(*) FROM records WHERE _outcome = 'rule'").fetchall()
    assert linked == [(0,)]
