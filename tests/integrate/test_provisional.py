"""Records that match one another but no record linked by identifier become one provisional
person, with the residue stage's own model; stewards' decisions hold; nothing else moves."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from frontline.integrate import provisional, workspace
from frontline.integrate.pipeline import run_integration
from frontline.integrate.provisional import PREFIX, REVIEW_PAIRS, group_unmatched
from frontline.integrate.residue import Decision
from frontline.integrate.sources import load_sources
from frontline.store import Entity, RecordLink, ReviewPair, decide_review_pair
from frontline.synth import CityConfig, DefectRates, generate_city
from tests.integrate.running import integrate

SOURCES = Path(__file__).parents[2] / "examples" / "city" / "sources"

BORN = date(2025, 3, 1)
HOME = "北京市东城区东华门街道南池子大街12号院3号楼2单元401室"
ROWS: list[dict[str, Any]] = [
    # A newborn: a birth certificate without an ID number, a household row with a broken one.
    {"_source": "births", "_row": 1, "_residue_reason": "identifier_missing",
     "name": "欧阳明轩", "name__key": "ouyang mingxuan", "birth_date": BORN, "sex": "male",
     "address": HOME},
    {"_source": "registry", "_row": 1, "_residue_reason": "identifier_invalid_checksum",
     "name": "欧阳明轩", "name__key": "ouyang mingxuan", "birth_date": BORN, "sex": "male",
     "address": HOME, "id_number__raw": "110101202503010015"},
    # A namesake born decades earlier, elsewhere: not the newborn.
    {"_source": "registry", "_row": 2, "_residue_reason": "identifier_missing",
     "name": "欧阳明轩", "name__key": "ouyang mingxuan", "birth_date": date(1980, 1, 1),
     "sex": "female"},
    # Two records alike, but a steward said they are two people.
    {"_source": "births", "_row": 2, "_residue_reason": "identifier_missing",
     "name": "司马雪", "name__key": "sima xue", "birth_date": date(2024, 7, 15),
     "sex": "female", "address": HOME},
    {"_source": "registry", "_row": 3, "_residue_reason": "identifier_missing",
     "name": "司马雪", "name__key": "sima xue", "birth_date": date(2024, 7, 15),
     "sex": "female", "address": HOME},
    # Two records the model would not join, which a steward said are one person.
    {"_source": "births", "_row": 3, "_residue_reason": "identifier_missing",
     "name": "诸葛亮", "name__key": "zhuge liang", "sex": "male"},
    {"_source": "registry", "_row": 4, "_residue_reason": "identifier_missing",
     "name": "诸葛孔明", "name__key": "zhuge kongming", "sex": "male"},
    # Birth dates five days apart: a pair for a steward, not a person.
    {"_source": "births", "_row": 4, "_residue_reason": "identifier_missing",
     "name": "上官婉儿", "name__key": "shangguan waner", "birth_date": date(1990, 3, 4),
     "sex": "female"},
    {"_source": "registry", "_row": 5, "_residue_reason": "identifier_missing",
     "name": "上官婉儿", "name__key": "shangguan waner", "birth_date": date(1990, 3, 9),
     "sex": "female"},
    # The newborn's twin in every field but linked by identifier already: not touched.
    {"_source": "tax", "_row": 1, "_outcome": "identifier", "_reason": None,
     "_residue_reason": None, "_entity_key": "110101202503010023", "name": "欧阳明轩",
     "name__key": "ouyang mingxuan", "birth_date": BORN, "sex": "male", "address": HOME,
     "id_number": "110101202503010023", "id_number__raw": "110101202503010023"},
]  # fmt: skip

REFUSED = Decision("births:f:2", "registry:f:3", same=False)
ACCEPTED = Decision("registry:f:4", "births:f:3", same=True)


@pytest.fixture(scope="module")
def integrated(tmp_path_factory: pytest.TempPathFactory) -> tuple[duckdb.DuckDBPyConnection, Path]:
    city = tmp_path_factory.mktemp("city")
    # Many numbers left empty: some persons have no record with a valid one.
    generate_city(CityConfig(persons=3000, seed=7, rates=DefectRates(id_missing=0.3)), city)
    con = duckdb.connect()
    run_integration(load_sources(SOURCES), city, con)
    return con, city


@pytest.fixture
def con(integrated: tuple[duckdb.DuckDBPyConnection, Path]) -> duckdb.DuckDBPyConnection:
    """The integrated city's connection, with table ``records`` of the rows above (the
    columns of the person records)."""
    con = integrated[0]
    con.execute("CREATE OR REPLACE TABLE records AS SELECT * FROM records_person LIMIT 0")
    for row in ROWS:
        values = {
            "_file": "f", "_outcome": "quarantined", "_reason": "unmatched",
            "_entity_key": None, "_confidence": 0.0, **row,
        }  # fmt: skip
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        con.execute(f"INSERT INTO records ({columns}) VALUES ({marks})", list(values.values()))  # noqa: S608
    return con


def model(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    text = workspace.meta(con, "model")
    assert text is not None
    found: dict[str, Any] = json.loads(text)
    return found


def outcomes(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, str | None, float | None]]:
    rows = con.execute(
        "SELECT _source || ':' || _row, _outcome, _entity_key, _confidence FROM records"
    ).fetchall()
    return {key: (outcome, entity, confidence) for key, outcome, entity, confidence in rows}


def test_records_that_match_only_each_other_become_one_provisional_person(
    con: duckdb.DuckDBPyConnection,
) -> None:
    grouped = group_unmatched(con, "records", model(con), decisions=[REFUSED, ACCEPTED])
    found = outcomes(con)
    newborn = f"{PREFIX}births:f:1"
    assert found["births:1"][:2] == ("probabilistic", newborn)
    assert found["registry:1"][:2] == ("probabilistic", newborn)
    assert (found["births:1"][2] or 0) >= 0.95
    assert found["registry:3"][:2] == found["births:2"][:2] == ("quarantined", None)
    assert found["registry:2"][:2] == ("quarantined", None)
    # The steward's "same" joins what the model would not; the key is the smaller row key.
    assert found["births:3"] == found["registry:4"] == ("review", f"{PREFIX}births:f:3", 1.0)
    assert found["tax:1"] == ("identifier", "110101202503010023", 0.0)
    assert (grouped.records, grouped.persons) == (4, 2)
    assert found["births:4"][:2] == found["registry:5"][:2] == ("quarantined", None)
    assert [pair[:2] for pair in review_pairs(con)] == [("births:f:4", "registry:f:5")]
    assert 0.5 <= review_pairs(con)[0][2] < 0.95
    reasons = con.execute("SELECT _reason FROM records WHERE _source || ':' || _row = 'births:1'")
    assert reasons.fetchall() == [("identifier_missing",)]
    left = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE '__splink%' "
        "OR table_name LIKE 'provisional_%' ORDER BY ALL"
    ).fetchall()
    # What a later run compares with and reuses, and nothing else.
    assert left == [("provisional_found",), ("provisional_review",), ("provisional_scored",)]


def unlink(con: duckdb.DuckDBPyConnection) -> None:
    """The records as the residue stage leaves them, before this step: what a rerun starts from."""
    con.execute(
        "UPDATE records SET _outcome = 'quarantined', _reason = 'unmatched', _entity_key = NULL, "
        "_confidence = 0.0 WHERE starts_with(_entity_key, ?)",
        [PREFIX],
    )


def test_a_rerun_with_nothing_changed_reuses_the_groups_and_a_change_scores_again(
    con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    decisions = [REFUSED, ACCEPTED]
    group_unmatched(con, "records", model(con), decisions=decisions)
    first = outcomes(con)
    unlink(con)

    def not_again(*args: object) -> None:
        raise AssertionError("scored again")

    monkeypatch.setattr(provisional, "_find", not_again)
    assert group_unmatched(con, "records", model(con), decisions=decisions).persons == 2
    assert outcomes(con) == first
    unlink(con)
    # A decision more (or any changed record) and the records are scored again.
    with pytest.raises(AssertionError, match="scored again"):
        group_unmatched(con, "records", model(con), decisions=[*decisions, REFUSED])
    monkeypatch.undo()
    con.execute(
        "UPDATE records SET birth_date = '1990-05-05', sex = 'female' "
        "WHERE _source = 'registry' AND _row = 1"
    )
    unlink(con)
    assert group_unmatched(con, "records", model(con), decisions=decisions).persons == 1
    assert outcomes(con)["births:1"][:2] == ("quarantined", None)


def review_pairs(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, float]]:
    pairs = con.execute(
        f"SELECT least(unique_id, reference_id), greatest(unique_id, reference_id), probability "  # noqa: S608
        f"FROM {REVIEW_PAIRS} ORDER BY ALL"
    ).fetchall()
    return [(a, b, float(p)) for a, b, p in pairs]


def test_without_decisions_the_model_alone_decides(con: duckdb.DuckDBPyConnection) -> None:
    grouped = group_unmatched(con, "records", model(con))
    found = outcomes(con)
    assert (
        found["births:2"][:2] == found["registry:3"][:2] == ("probabilistic", f"{PREFIX}births:f:2")
    )
    assert found["births:3"][:2] == found["registry:4"][:2] == ("quarantined", None)
    assert (grouped.records, grouped.persons) == (4, 2)


def test_a_group_holding_a_refused_pair_is_not_made(con: duckdb.DuckDBPyConnection) -> None:
    # A third record of the newborn joins the other two; refusing one of its pairs keeps all
    # three apart, for a steward to settle.
    con.execute(
        "INSERT INTO records BY NAME SELECT * REPLACE ('health' AS _source) FROM records "
        "WHERE _source = 'births' AND _row = 1"
    )
    refused = Decision("health:f:1", "registry:f:1", same=False)
    group_unmatched(con, "records", model(con), decisions=[refused])
    found = outcomes(con)
    for key in ("births:1", "registry:1", "health:1"):
        assert found[key][:2] == ("quarantined", None), key
    # The steward sees the pairs left undecided.
    listed = {pair[:2] for pair in review_pairs(con)}
    assert {("births:f:1", "health:f:1"), ("births:f:1", "registry:f:1")} <= listed
    assert ("health:f:1", "registry:f:1") not in listed


def test_fewer_than_two_unmatched_records_change_nothing(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "DELETE FROM records WHERE _source <> 'tax' AND NOT (_source = 'births' AND _row = 1)"
    )
    before = outcomes(con)
    assert group_unmatched(con, "records", model(con)).records == 0
    assert outcomes(con) == before


def test_every_provisional_person_of_the_city_is_one_true_person(
    integrated: tuple[duckdb.DuckDBPyConnection, Path],
) -> None:
    con, city = integrated
    truth = pq.read_table(city / "truth" / "source_rows.parquet")
    con.register("truth_rows", truth)
    groups = con.execute(
        f"""
        SELECT r._entity_key, count(*), count(DISTINCT t.entity_id)
        FROM records_person r
        JOIN truth_rows t ON t.row = r._row AND t.source = regexp_replace(r._source,
            '^(vehicles|property)_(persons|enterprises)$', '\\1')
        WHERE r._entity_key LIKE '{PREFIX}%'
        GROUP BY ALL
        """  # noqa: S608 - a constant
    ).fetchall()
    assert len(groups) >= 3, "the city has persons whose records only match each other"
    assert all(records >= 2 and persons == 1 for _, records, persons in groups), groups


def test_a_stewards_same_on_a_listed_pair_of_unmatched_records_makes_them_one_person(
    integrated: tuple[duckdb.DuckDBPyConnection, Path], sqlite_store: Engine
) -> None:
    city = integrated[1]
    _, con = integrate(city, sqlite_store)
    listed = [frozenset(pair[:2]) for pair in review_pairs(con)]
    assert listed, "the city has pairs of unmatched records for a steward"
    with Session(sqlite_store) as session:
        stored = {
            frozenset(
                (
                    f"{p.left_source}:{p.left_file}:{p.left_row}",
                    f"{p.right_source}:{p.right_file}:{p.right_row}",
                )
            ): p
            for p in session.scalars(select(ReviewPair))
        }
    assert set(listed) <= stored.keys()
    pair = stored[listed[0]]
    assert pair.records is not None
    assert pair.records["left"]["name"] is not None
    with Session(sqlite_store) as session, session.begin():
        decide_review_pair(session, pair.id, same=True, decided_by="steward-1")

    result, con = integrate(city, sqlite_store)
    links = []
    with Session(sqlite_store) as session:
        for ref in listed[0]:
            source, file, row = ref.split(":")
            link = session.get(RecordLink, (source, file, int(row)))
            assert link is not None
            entity = session.get(Entity, link.entity_id)
            assert entity is not None
            links.append((link.entity_id, link.method, entity.entity_key.startswith(PREFIX)))
    assert links[0] == links[1]
    assert links[0][1:] == ("review", True)
    assert frozenset(listed[0]) not in {frozenset(p[:2]) for p in review_pairs(con)}
    assert any("provisional persons" in note for note in result.notes)
