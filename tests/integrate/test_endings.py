"""Death records without an identifier, linked through a pension the death ended: the one
namesake whose pension stopped in the month of the death — and nobody when two namesakes'
pensions stopped then, when the month or the sex differs, or when the pension was not ended."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import duckdb
import pytest

from frontline.integrate.endings import link_deaths_to_endings
from frontline.integrate.residue import Decision
from frontline.integrate.sources import SourceSpec

WANG = "110105193603040016"  # 王建国, pension ended 2026-01
LI_A = "110105194001010018"  # 李明, pension ended 2026-02 (a date this time)
LI_B = "110105194202020014"  # another 李明, pension ended 2026-02 too
ZHAO = "110105194505050046"  # 赵丽, female, pension still paid
SUN = "110105194606060027"  # 孙红, female, pension ended 2026-03

PENSION = "pension"
ROWS: list[tuple[Any, ...]] = [
    # source, row, outcome, residue reason, entity, name, sex, death date, status, last paid
    (PENSION, 1, "identifier", None, WANG, "王建国", "male", None, "终止发放", "202601"),
    (PENSION, 2, "identifier", None, LI_A, "李明", "male", None, "终止发放", "2026-02-15"),
    (PENSION, 3, "identifier", None, LI_B, "李明", "male", None, " 终止发放 ", "202602"),
    (PENSION, 4, "identifier", None, ZHAO, "赵丽", "female", None, "正常发放", "202606"),
    (PENSION, 5, "identifier", None, SUN, "孙红", "female", None, "终止发放", "202603"),
    # death certificates: unmatched after the residue stage
    ("deaths", 1, "quarantined", "identifier_missing", None, "王建国", "male",
     date(2026, 1, 20), None, None),  # linked
    ("deaths", 2, "quarantined", "identifier_missing", None, "李明", "male",
     date(2026, 2, 3), None, None),  # two namesakes ended that month: left alone
    ("deaths", 3, "quarantined", "identifier_missing", None, "王建国", "male",
     date(2026, 2, 20), None, None),  # another month: left alone
    ("deaths", 4, "quarantined", "identifier_missing", None, "赵丽", "female",
     date(2026, 6, 1), None, None),  # her pension is paid: left alone
    ("deaths", 5, "quarantined", "identifier_missing", None, "孙红", "male",
     date(2026, 3, 9), None, None),  # the other sex: left alone
    ("deaths", 6, "quarantined", "identifier_invalid_checksum", None, "王建国", "male",
     date(2026, 1, 20), None, None),  # a broken number points elsewhere: left alone
    ("deaths", 7, "quarantined", "identifier_missing", None, "王建国", "male", None, None,
     None),  # no death date: left alone
]  # fmt: skip


def spec(**extra: Any) -> SourceSpec:
    return SourceSpec.model_validate(
        {
            "key": PENSION, "department": "人社局", "department_key": "hr", "entity": "person",
            "format": "csv", "location": "pensions.csv", "as_of": "2026-06-30",
            "fields": {"id_number": {"column": "GMSFHM"}},
            "attributes": {"payment_status": "FFZT", "last_paid_month": "ZHFFNY"}, **extra,
        }
    )  # fmt: skip


PENSIONS = spec(ended_by_death={"column": "FFZT", "values": ["终止发放"], "month": "ZHFFNY"})


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE records (_source VARCHAR, _file VARCHAR, _row INTEGER, _outcome VARCHAR, "
        "_reason VARCHAR, _residue_reason VARCHAR, _entity_key VARCHAR, _confidence DOUBLE, "
        "name VARCHAR, birth_date DATE, sex VARCHAR, id_number__birth_date DATE, "
        "id_number__sex VARCHAR, death_date DATE, _attributes JSON)"
    )
    for source, row, outcome, residue, entity, name, sex, died, status, paid in ROWS:
        reason = "unmatched" if outcome == "quarantined" else None
        attributes = {"payment_status": status, "last_paid_month": paid} if status else {}
        con.execute(
            "INSERT INTO records VALUES "
            "(?, 'f', ?, ?, ?, ?, ?, NULL, ?, NULL, ?, NULL, NULL, ?, ?)",
            [source, row, outcome, reason, residue, entity, name, sex, died,
             json.dumps(attributes)],
        )  # fmt: skip
    return con


def outcomes(con: duckdb.DuckDBPyConnection) -> dict[int, tuple[str, str | None]]:
    rows = con.execute(
        "SELECT _row, _outcome, _entity_key FROM records WHERE _source = 'deaths'"
    ).fetchall()
    return {row: (outcome, entity) for row, outcome, entity in rows}


def test_a_death_joins_the_one_namesake_whose_pension_ended_that_month(
    con: duckdb.DuckDBPyConnection,
) -> None:
    assert link_deaths_to_endings(con, "records", [PENSIONS]) == 1
    found = outcomes(con)
    assert found[1] == ("rule", WANG)
    for row in range(2, 8):
        assert found[row] == ("quarantined", None), row
    linked = con.execute(
        "SELECT _reason, _confidence FROM records WHERE _row = 1 AND _source = 'deaths'"
    )
    assert linked.fetchall() == [("identifier_missing", 1.0)]


def test_a_month_read_from_a_date_counts(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("UPDATE records SET _outcome = 'quarantined' WHERE _entity_key = ?", [LI_B])
    assert link_deaths_to_endings(con, "records", [PENSIONS]) == 2
    assert outcomes(con)[2] == ("rule", LI_A)  # 2026-02-15 is February 2026


def test_a_steward_who_said_not_the_same_is_obeyed(con: duckdb.DuckDBPyConnection) -> None:
    refused = Decision("deaths:f:1", "pension:f:1", same=False)
    assert link_deaths_to_endings(con, "records", [PENSIONS], [refused]) == 0
    assert outcomes(con)[1] == ("quarantined", None)


def test_without_a_source_of_endings_nothing_is_linked(con: duckdb.DuckDBPyConnection) -> None:
    assert link_deaths_to_endings(con, "records", [spec()]) == 0


def test_ended_by_death_must_name_mapped_columns() -> None:
    with pytest.raises(ValueError, match="'LTXRQ' is not mapped"):
        spec(ended_by_death={"column": "FFZT", "values": ["终止发放"], "month": "LTXRQ"})
