"""Records without an identifier, linked through a co-holder: the one namesake among the
co-holders of what they hold and the members of the co-holders' households — and left alone
when two namesakes live there, when the record contradicts the namesake, when its identifier
was present but broken, or when a steward said it is someone else."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import duckdb
import pytest

from frontline.integrate.co_holders import link_through_co_holders
from frontline.integrate.residue import Decision
from frontline.integrate.sources import SourceSpec

HUSBAND = "110105195603040016"  # 王建国, household H1
WIFE = "110105195801010027"  # 李芳, household H1
NAMESAKE = "110105196001010018"  # another 李芳, household H2
SON_A = "110105198505050019"  # 王强, household H3, twice: two persons named 王强 live there
SON_B = "110105198706060015"
FATHER = "110105196002020011"  # 王明, household H3
MIGRANT = "110105199001010013"  # 赵丽: in no household register, co-owns with herself

ROWS: list[tuple[Any, ...]] = [
    # source, row, outcome, reason, residue reason, entity, name, birth date, sex, attributes
    ("registry", 1, "identifier", None, None, HUSBAND, "王建国", None, None, {"hh": "H1"}),
    ("registry", 2, "identifier", None, None, WIFE, "李芳", None, None, {"hh": "H1"}),
    ("registry", 3, "identifier", None, None, NAMESAKE, "李芳", None, None, {"hh": "H2"}),
    ("registry", 4, "identifier", None, None, SON_A, "王强", None, None, {"hh": "H3"}),
    ("registry", 5, "identifier", None, None, SON_B, "王强", None, None, {"hh": "H3"}),
    ("registry", 6, "identifier", None, None, FATHER, "王明", None, None, {"hh": "H3"}),
    ("pensions", 1, "identifier", None, None, WIFE, "李芳", date(1958, 1, 1), "female", {}),
    ("tax", 1, "identifier", None, None, MIGRANT, "赵丽", None, None, {}),
    # the property register: co-owners share a certificate
    ("property", 1, "identifier", None, None, HUSBAND, "王建国", None, None, {"cert": "C1"}),
    ("property", 2, "quarantined", "unmatched", "identifier_missing", None, "李芳", None, None,
     {"cert": "C1"}),  # the wife: linked through her husband's household
    ("property", 3, "identifier", None, None, FATHER, "王明", None, None, {"cert": "C2"}),
    ("property", 4, "quarantined", "unmatched", "identifier_missing", None, "王强", None, None,
     {"cert": "C2"}),  # two sons named 王强 in the household: left alone
    ("property", 5, "quarantined", "unmatched", "identifier_invalid_checksum", None, "李芳",
     None, None, {"cert": "C1"}),  # a broken number points at someone else: left alone
    ("property", 6, "quarantined", "unmatched", "identifier_missing", None, "李芳", None,
     "male", {"cert": "C1"}),  # contradicts her sex: left alone
    ("property", 7, "quarantined", "unmatched", "identifier_missing", None, "孙悟空", None,
     None, {"cert": "C1"}),  # nobody of that name lives there
    ("property", 8, "identifier", None, None, MIGRANT, "赵丽", None, None, {"cert": "C3"}),
    ("property", 9, "quarantined", "unmatched", "identifier_missing", None, "赵丽", None, None,
     {"cert": "C3"}),  # the same certificate entered twice: the co-holder is herself
    ("property", 10, "quarantined", "unmatched", "identifier_missing", None, "李芳", None, None,
     {"cert": "C9"}),  # nobody else holds C9
]  # fmt: skip


def spec(key: str, **extra: Any) -> SourceSpec:
    return SourceSpec.model_validate(
        {
            "key": key, "department": "部门", "department_key": "dept", "entity": "person",
            "format": "csv", "location": f"{key}.csv", "as_of": "2026-06-30",
            "fields": {"id_number": {"column": "id"}}, **extra,
        }
    )  # fmt: skip


REGISTRY = spec("registry", attributes={"household_number": "hh"}, household="household_number")
PROPERTY = spec(
    "property", attributes={"certificate_number": "cert"}, co_holders="certificate_number"
)


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE records (_source VARCHAR, _file VARCHAR, _row INTEGER, _outcome VARCHAR, "
        "_reason VARCHAR, _residue_reason VARCHAR, _entity_key VARCHAR, _confidence DOUBLE, "
        "name VARCHAR, birth_date DATE, sex VARCHAR, id_number__birth_date DATE, "
        "id_number__sex VARCHAR, _attributes JSON)"
    )
    for source, row, outcome, reason, residue, entity, name, born, sex, attributes in ROWS:
        renamed = {
            {"hh": "household_number", "cert": "certificate_number"}[k]: v
            for k, v in attributes.items()
        }
        con.execute(
            "INSERT INTO records VALUES (?, 'f', ?, ?, ?, ?, ?, NULL, ?, ?, ?, NULL, NULL, ?)",
            [source, row, outcome, reason, residue, entity, name, born, sex, json.dumps(renamed)],
        )
    return con


def outcomes(con: duckdb.DuckDBPyConnection) -> dict[int, tuple[str, str | None, float | None]]:
    rows = con.execute(
        "SELECT _row, _outcome, _entity_key, _confidence FROM records WHERE _source = 'property'"
    ).fetchall()
    return {row: (outcome, entity, confidence) for row, outcome, entity, confidence in rows}


def test_a_co_owner_without_an_id_number_joins_the_namesake_of_the_co_owners_household(
    con: duckdb.DuckDBPyConnection,
) -> None:
    assert link_through_co_holders(con, "records", [REGISTRY, PROPERTY]) == 2
    found = outcomes(con)
    assert found[2] == ("rule", WIFE, 1.0)  # not the other 李芳 of household H2
    assert found[9] == ("rule", MIGRANT, 1.0)
    for row in (4, 5, 6, 7, 10):
        assert found[row] == ("quarantined", None, None), row
    reason = con.execute("SELECT _reason FROM records WHERE _source = 'property' AND _row = 2")
    assert reason.fetchall() == [("identifier_missing",)]


def test_without_households_only_the_co_holders_themselves_are_candidates(
    con: duckdb.DuckDBPyConnection,
) -> None:
    assert link_through_co_holders(con, "records", [PROPERTY]) == 1
    found = outcomes(con)
    assert found[9] == ("rule", MIGRANT, 1.0)
    assert found[2] == ("quarantined", None, None)


def test_a_steward_who_said_not_the_same_is_obeyed(con: duckdb.DuckDBPyConnection) -> None:
    refused = Decision("pensions:f:1", "property:f:2", same=False)
    assert link_through_co_holders(con, "records", [REGISTRY, PROPERTY], [refused]) == 1
    assert outcomes(con)[2] == ("quarantined", None, None)


def test_sources_without_co_holders_link_nothing(con: duckdb.DuckDBPyConnection) -> None:
    assert link_through_co_holders(con, "records", [REGISTRY]) == 0
    assert outcomes(con)[2] == ("quarantined", None, None)


def test_co_holders_must_be_a_mapped_attribute_of_a_person_source() -> None:
    with pytest.raises(ValueError, match="not an attribute"):
        spec("property", co_holders="certificate_number")
    with pytest.raises(ValueError, match="co-holders"):
        SourceSpec.model_validate(
            {
                "key": "firms", "department": "部门", "department_key": "dept",
                "entity": "enterprise", "format": "csv", "location": "firms.csv",
                "as_of": "2026-06-30", "fields": {"credit_code": {"column": "code"}},
                "attributes": {"certificate_number": "cert"}, "co_holders": "certificate_number",
            }
        )  # fmt: skip
