"""The whole run into the thematic store: every row linked or quarantined there, stable ids
across reruns and new data, retired entities, review decisions obeyed, atomic publish."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from frontline.integrate import publishing
from frontline.integrate.pipeline import RunSettings
from frontline.integrate.residue_model import ResidueSettings
from frontline.integrate.sources import load_sources
from frontline.store import (
    Entity,
    EntityEvent,
    GoldenRecord,
    IntegrationRun,
    QualityIssue,
    RecordLink,
    RecordRef,
    ReviewPair,
    ReviewPairRow,
    RunSummary,
    Scope,
    decide_review_pair,
    golden_record,
    latest_run,
    publish,
    start_run,
)
from frontline.synth import CityConfig, generate_city
from tests.integrate.running import SOURCES, integrate


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("city")
    generate_city(CityConfig(persons=1000, seed=11), folder)
    return folder


def ids_by_key(store: Engine) -> dict[tuple[str, str], str]:
    with Session(store) as session:
        rows = session.execute(select(Entity.entity_type, Entity.entity_key, Entity.entity_id))
        return {(t, k): i for t, k, i in rows}


def test_every_row_is_linked_or_quarantined_in_the_store(city: Path, store: Engine) -> None:
    result, _ = integrate(city, store)
    with Session(store) as session:
        links = Counter(
            dict(
                session.execute(
                    select(RecordLink.source, func.count()).group_by(RecordLink.source)
                ).all()
            )
        )
        statuses = Counter(
            dict(
                session.execute(
                    select(RecordLink.status, func.count()).group_by(RecordLink.status)
                ).all()
            )
        )
        golden = session.scalar(select(func.count()).select_from(GoldenRecord))
        run = latest_run(session)
    for account in result.sources:
        assert links[account.key] == account.rows_read, account.key
    assert statuses["linked"] == sum(a.linked for a in result.sources)
    assert statuses["quarantined"] == sum(sum(a.quarantined.values()) for a in result.sources)
    assert golden == sum(result.entities.values())
    assert run is not None
    assert run.id == result.run_id
    assert run.summary["entities"] == result.entities


def test_golden_values_carry_their_provenance(city: Path, sqlite_store: Engine) -> None:
    store = sqlite_store
    integrate(city, store)
    truth = pq.read_table(city / "truth/persons.parquet").to_pylist()
    ids = ids_by_key(store)
    checked = 0
    with Session(store) as session:
        for person in truth[:200]:
            entity_id = ids.get(("person", person["id_number"]))
            if entity_id is None:
                continue  # in no department's data
            record = golden_record(session, entity_id)
            assert record is not None
            assert record.values["id_number"] == person["id_number"]
            for name, origin in record.provenance.items():
                assert name in record.values
                assert origin["source"]
                assert origin["row"] >= 1
                assert origin["method"]
                assert 1 <= origin["agreeing_sources"] <= origin["sources"]
            checked += 1
    assert checked > 100


def test_a_rerun_keeps_every_id_and_changes_nothing(city: Path, sqlite_store: Engine) -> None:
    store = sqlite_store
    first, _ = integrate(city, store)
    before = ids_by_key(store)
    second, _ = integrate(city, store)
    assert ids_by_key(store) == before
    assert second.published is not None
    assert second.published.rows.get("history", 0) == 0
    assert second.published.rows["entities"] == 0
    assert all(i.new == 0 for i in second.identities.values())
    assert second.run_id == (first.run_id or 0) + 1


def test_new_data_never_renumbers_and_missing_entities_retire(
    city: Path, sqlite_store: Engine
) -> None:
    store = sqlite_store
    everything = load_sources(SOURCES)
    without = [s for s in everything if s.key not in ("employment", "pensions")]
    integrate(city, store, specs=without)
    early = ids_by_key(store)
    result, _ = integrate(city, store, specs=everything)
    later = ids_by_key(store)
    assert {k: later[k] for k in early} == early
    fresh = sorted(later[k] for k in later.keys() - early.keys() if k[0] == "person")
    assert fresh
    assert result.identities["person"].new == len(fresh)
    assert min(fresh) > max(v for (t, _), v in early.items() if t == "person")
    # Back to fewer sources: who only employment and pensions knew is retired, not deleted.
    result, _ = integrate(city, store, specs=without)
    assert result.identities["person"].retired == len(fresh)
    with Session(store) as session:
        retired = set(session.scalars(select(Entity.entity_id).where(Entity.status == "retired")))
        events = session.scalars(select(EntityEvent).where(EntityEvent.kind == "retired")).all()
        golden = set(session.scalars(select(GoldenRecord.entity_id)))
    assert retired == set(fresh)
    assert {e for event in events for e in event.entity_ids} == retired
    assert not retired & golden


def test_a_failed_publish_leaves_the_previous_state(
    city: Path, store: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, _ = integrate(city, store)
    with Session(store) as session:
        golden = session.scalar(select(func.count()).select_from(GoldenRecord))
        issues = session.scalar(select(func.count()).select_from(QualityIssue))

    def broken(_con: object) -> list[object]:
        raise RuntimeError("the scores could not be computed")

    monkeypatch.setattr(publishing, "department_scores", broken)
    with pytest.raises(RuntimeError):
        integrate(city, store)
    with Session(store) as session:
        assert session.scalar(select(func.count()).select_from(GoldenRecord)) == golden
        assert session.scalar(select(func.count()).select_from(QualityIssue)) == issues
        run = latest_run(session)
        assert run is not None
        assert run.id == first.run_id
        failed = session.scalars(
            select(IntegrationRun).where(IntegrationRun.status == "failed")
        ).all()
    assert len(failed) == 1


def _ref(unique_id: str) -> RecordRef:
    source, rest = unique_id.split(":", 1)
    file, row = rest.rsplit(":", 1)
    return RecordRef(source, file, int(row))


def test_review_decisions_survive_a_rerun(city: Path, sqlite_store: Engine) -> None:
    store = sqlite_store
    # Without the unique-name rule, which links the small city's lonely named records.
    by_model = RunSettings(residue=ResidueSettings(unique_name_confidence=None))
    _, con = integrate(city, store, settings=by_model)
    # A record the model linked, and the record it was linked through.
    linked = con.execute(
        "SELECT unique_id, reference_id, entity_key FROM residue_best "
        "WHERE probability >= 0.95 ORDER BY unique_id LIMIT 1"
    ).fetchall()
    assert linked, "the city should have probabilistic links"
    record, reference, entity_key = linked[0]
    # A record left unmatched, and a record linked by identifier with the same pinyin key.
    unmatched = con.execute(
        "SELECT u._source || ':' || u._file || ':' || u._row, "
        "       min(r._source || ':' || r._file || ':' || r._row), min(r._entity_key) "
        "FROM records_person u JOIN records_person r ON r.name__key = u.name__key "
        "WHERE u._outcome = 'quarantined' AND u.name IS NOT NULL AND r._outcome = 'identifier' "
        "GROUP BY 1 ORDER BY 1 LIMIT 1"
    ).fetchall()
    assert unmatched, "the city should have an unmatched record with a namesake"
    lonely, namesake, namesake_key = unmatched[0]
    run = start_run(store, "steward")
    publish(
        store,
        RunSummary(run, Scope()),
        replace=False,
        review_pairs=[
            ReviewPairRow(_ref(record), _ref(reference), "person", 0.99),
            ReviewPairRow(_ref(lonely), _ref(namesake), "person", 0.6),
        ],
    )
    with Session(store) as session, session.begin():
        pairs = session.scalars(select(ReviewPair).where(ReviewPair.first_seen_run == run)).all()
        for pair in pairs:
            same = _ref(lonely) in (pair.left, pair.right)
            decide_review_pair(session, pair.id, same=same, decided_by="steward-1")
    integrate(city, store, settings=by_model)
    ids = ids_by_key(store)
    with Session(store) as session:
        refused = session.get(RecordLink, _ref(record))
        accepted = session.get(RecordLink, _ref(lonely))
        open_pairs = session.scalars(
            select(ReviewPair.id).where(
                ReviewPair.status == "open", ReviewPair.first_seen_run == run
            )
        ).all()
    assert refused is not None
    assert refused.entity_id != ids[("person", entity_key)]
    assert accepted is not None
    assert (accepted.status, accepted.method, accepted.confidence) == ("linked", "review", 1.0)
    assert accepted.entity_id == ids[("person", namesake_key)]
    assert not open_pairs
