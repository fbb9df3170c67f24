"""Records with a name and no identifier, linked to the only person of that name: and left
alone when the name is shared, when the record contradicts the person, when its identifier was
present but broken, when it waits for review, or when a steward said it is someone else."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from frontline.integrate.residue import Decision
from frontline.integrate.unique_names import link_unique_names

WANG = "110105195603040016"  # 王建国, born 1956-03-04, male
LI_A = "110105196001010018"  # two persons named 李明
LI_B = "110105197002020014"
ZHAO = "110105198505050046"  # 赵丽, female, linked by the model only

ROWS = [
    # source, row, outcome, reason, residue reason, entity, name, birth date, sex
    ("registry", 1, "identifier", None, None, WANG, "王建国", None, None),
    ("pensions", 1, "identifier", None, None, WANG, "王建国", date(1956, 3, 4), "male"),
    ("registry", 2, "identifier", None, None, LI_A, "李明", None, None),
    ("registry", 3, "identifier", None, None, LI_B, "李明", None, None),
    ("tax", 1, "probabilistic", "identifier_missing", "identifier_missing", ZHAO, "赵丽",
     date(1985, 5, 5), "female"),
    # the records the rule looks at: unmatched after the residue stage
    ("vehicles", 1, "quarantined", "unmatched", "identifier_missing", None, "王建国", None, None),
    ("vehicles", 2, "quarantined", "unmatched", "identifier_missing", None, "李明", None, None),
    ("deaths", 1, "quarantined", "unmatched", "identifier_missing", None, "王建国", None, "female"),
    ("deaths", 2, "quarantined", "unmatched", "identifier_missing", None, "王建国",
     date(1956, 3, 5), None),
    ("deaths", 3, "quarantined", "unmatched", "identifier_invalid_checksum", None, "王建国",
     None, None),
    ("vehicles", 3, "quarantined", "review_pending", "identifier_missing", None, "王建国",
     None, None),
    ("vehicles", 4, "quarantined", "unmatched", "identifier_missing", None, "孙悟空", None, None),
    ("vehicles", 5, "quarantined", "unmatched", "identifier_missing", None, "赵丽", None, "female"),
    ("vehicles", 6, "quarantined", "unmatched", "identifier_missing", None, "王建国",
     date(1956, 3, 4), "male"),
]  # fmt: skip


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE records (_source VARCHAR, _file VARCHAR, _row INTEGER, _outcome VARCHAR, "
        "_reason VARCHAR, _residue_reason VARCHAR, _entity_key VARCHAR, _confidence DOUBLE, "
        "name VARCHAR, birth_date DATE, sex VARCHAR, id_number__birth_date DATE, "
        "id_number__sex VARCHAR)"
    )
    for source, row, outcome, reason, residue, entity, name, born, sex in ROWS:
        # An identifier-linked record's ID number says its birth date and sex.
        by_id = (date(1956, 3, 4), "male") if outcome == "identifier" and entity == WANG else None
        con.execute(
            "INSERT INTO records VALUES (?, 'f', ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?)",
            [source, row, outcome, reason, residue, entity, name, born, sex,
             by_id[0] if by_id else None, by_id[1] if by_id else None],
        )  # fmt: skip
    return con


def outcomes(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, str | None, float | None]]:
    rows = con.execute(
        "SELECT _source || ':' || _row, _outcome, _entity_key, _confidence FROM records "
        "WHERE _source IN ('vehicles', 'deaths')"
    ).fetchall()
    return {key: (outcome, entity, confidence) for key, outcome, entity, confidence in rows}


def test_a_name_of_one_person_links_only_the_records_nothing_contradicts(
    con: duckdb.DuckDBPyConnection,
) -> None:
    assert link_unique_names(con, "records", confidence=0.95) == 3
    found = outcomes(con)
    assert found["vehicles:1"] == ("rule", WANG, 0.95)
    assert found["vehicles:6"] == ("rule", WANG, 0.95)  # the same birth date and sex
    assert found["vehicles:5"] == ("rule", ZHAO, 0.95)  # a person the model linked counts too
    assert found["vehicles:2"][0] == "quarantined"  # 李明: two persons
    assert found["deaths:1"][0] == "quarantined"  # a woman's death: 王建国 is a man
    assert found["deaths:2"][0] == "quarantined"  # born a day later
    assert found["deaths:3"][0] == "quarantined"  # its number is there, but wrong
    assert found["vehicles:3"][0] == "quarantined"  # a steward will decide
    assert found["vehicles:4"][0] == "quarantined"  # nobody of that name
    reasons = con.execute(
        "SELECT _reason FROM records WHERE _source = 'vehicles' AND _row = 1"
    ).fetchall()
    assert reasons == [("identifier_missing",)]  # why it needed the rule, as linked residue keeps


def test_a_steward_saying_not_the_same_keeps_the_record_away(
    con: duckdb.DuckDBPyConnection,
) -> None:
    decisions = [
        Decision("vehicles:f:1", "pensions:f:1", same=False),
        Decision("tax:f:1", "vehicles:f:5", same=False),
        Decision("vehicles:f:6", "registry:f:2", same=False),  # about someone else: no matter
    ]
    assert link_unique_names(con, "records", decisions, confidence=0.9) == 1
    found = outcomes(con)
    assert found["vehicles:1"][0] == "quarantined"
    assert found["vehicles:5"][0] == "quarantined"
    assert found["vehicles:6"] == ("rule", WANG, 0.9)
