"""Every model survives a write and a read, Chinese text and JSON included."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session

from frontline.store import (
    Entity,
    EntityEvent,
    GoldenHistory,
    GoldenRecord,
    IntegrationRun,
    QualityIssue,
    QualityScore,
    RecordLink,
    ReviewPair,
)

STARTED = datetime(2024, 7, 1, 8, 30, tzinfo=timezone(timedelta(hours=8)))


def add_run(session: Session) -> IntegrationRun:
    run = IntegrationRun(
        started_at=STARTED,
        status="published",
        summary={"卫健委": {"read": 10, "linked": 9, "quarantined": {"invalid_id": 1}}},
        config_digest="sha256:ab",
    )
    session.add(run)
    session.flush()
    return run


def add_person(
    session: Session,
    run: IntegrationRun,
    entity_id: str = "P000000001",
    key: str = "11010519491231002X",
) -> Entity:
    entity = Entity(
        entity_id=entity_id,
        entity_type="person",
        entity_key=key,
        status="active",
        created_run=run.id,
        updated_run=run.id,
    )
    session.add(entity)
    session.flush()
    return entity


def test_run(engine: Engine) -> None:
    with Session(engine) as session:
        run_id = add_run(session).id
        session.commit()
    with Session(engine) as session:
        run = session.get(IntegrationRun, run_id)
        assert run is not None
        assert run.started_at == STARTED
        assert run.started_at.tzinfo is not None
        assert run.summary["卫健委"]["quarantined"] == {"invalid_id": 1}
        assert run.finished_at is None


def test_entity_golden_record_and_history(engine: Engine) -> None:
    values = {"name": "欧阳·买买提", "birth_date": "1949-12-31", "children": 2, "flags": [1, "二"]}
    provenance = {"name": {"source": "公安", "file": "户籍.csv", "row": 7, "confidence": 0.97}}
    with Session(engine) as session:
        run = add_run(session)
        add_person(session, run)
        add_person(session, run, "P000000002", "残簇:甲").merged_into = "P000000001"
        session.add(
            GoldenRecord(
                entity_id="P000000001",
                entity_type="person",
                values=values,
                provenance=provenance,
                version=1,
                updated_run=run.id,
            )
        )
        session.add(
            GoldenHistory(
                entity_id="P000000001",
                field="name",
                value="欧阳买买提",
                provenance=provenance["name"],
                valid_from_run=run.id,
                valid_to_run=run.id,
            )
        )
        session.commit()
    with Session(engine) as session:
        record = session.get(GoldenRecord, "P000000001")
        assert record is not None
        assert (record.values, record.provenance) == (values, provenance)
        merged = session.get(Entity, "P000000002")
        assert merged is not None
        assert merged.merged_into == "P000000001"
        [history] = session.query(GoldenHistory).all()
        assert history.value == "欧阳买买提"


def test_link_issue_score_event_and_review_pair(engine: Engine) -> None:
    decided = datetime(2024, 7, 2, 1, 2, 3, tzinfo=UTC)
    with Session(engine) as session:
        run = add_run(session)
        add_person(session, run)
        session.add_all(
            [
                RecordLink(
                    source="民政",
                    file="低保/2024.xlsx",
                    row=3,
                    entity_id="P000000001",
                    status="linked",
                    method="probabilistic",
                    confidence=0.991,
                    run_id=run.id,
                ),
                RecordLink(
                    source="民政",
                    file="低保/2024.xlsx",
                    row=4,
                    entity_id=None,
                    status="quarantined",
                    reason="invalid_check_digit",
                    run_id=run.id,
                ),
                QualityIssue(
                    run_id=run.id,
                    issue_type="death_pension_conflict",
                    severity="error",
                    department_key="人社",
                    entity_id="P000000001",
                    field="death_date",
                    detail={"说明": "卫健委登记死亡，人社仍在发放养老金"},
                ),
                QualityScore(
                    run_id=run.id,
                    department_key="人社",
                    completeness=0.99,
                    validity=1.0,
                    consistency=0.5,
                    timeliness=0.0,
                    rows=1000,
                ),
                EntityEvent(
                    run_id=run.id, kind="merged", entity_ids=["P000000002", "P000000001"], detail={}
                ),
                ReviewPair(
                    left_source="民政",
                    left_file="a.csv",
                    left_row=1,
                    right_source="民政",
                    right_file="a.csv",
                    right_row=2,
                    entity_type="person",
                    match_probability=0.7,
                    status="same",
                    decided_by="数据管理员",
                    decided_at=decided,
                    reason="同一人，姓名为繁体",
                    first_seen_run=run.id,
                ),
            ]
        )
        session.commit()
    with Session(engine) as session:
        links = session.query(RecordLink).order_by(RecordLink.row).all()
        assert [(link.source, link.file, link.status) for link in links] == [
            ("民政", "低保/2024.xlsx", "linked"),
            ("民政", "低保/2024.xlsx", "quarantined"),
        ]
        assert links[0].confidence == pytest.approx(0.991)
        [issue] = session.query(QualityIssue).all()
        assert issue.detail == {"说明": "卫健委登记死亡，人社仍在发放养老金"}
        [score] = session.query(QualityScore).all()
        assert (score.consistency, score.rows) == (0.5, 1000)
        [event] = session.query(EntityEvent).all()
        assert event.entity_ids == ["P000000002", "P000000001"]
        [pair] = session.query(ReviewPair).all()
        assert (pair.decided_at, pair.reason) == (decided, "同一人，姓名为繁体")
        assert pair.left.row == 1
        assert pair.right.row == 2


def test_status_vocabularies_are_enforced(engine: Engine) -> None:
    with Session(engine) as session:
        run = add_run(session)
        run.status = "half-done"
        with pytest.raises(IntegrityError):
            session.flush()


def test_scores_stay_between_zero_and_one(engine: Engine) -> None:
    with Session(engine) as session:
        run = add_run(session)
        session.add(
            QualityScore(
                run_id=run.id,
                department_key="x",
                completeness=1.5,
                validity=1,
                consistency=1,
                timeliness=1,
                rows=1,
            )
        )
        with pytest.raises(IntegrityError):
            session.flush()


def test_a_review_pair_is_stored_in_order(engine: Engine) -> None:
    with Session(engine) as session:
        run = add_run(session)
        session.add(
            ReviewPair(
                left_source="b",
                left_file="f",
                left_row=1,
                right_source="a",
                right_file="f",
                right_row=1,
                entity_type="person",
                match_probability=0.5,
                status="open",
                first_seen_run=run.id,
            )
        )
        with pytest.raises(IntegrityError):
            session.flush()


def test_entity_keys_are_unique_per_type(engine: Engine) -> None:
    with Session(engine) as session:
        run = add_run(session)
        add_person(session, run, "P000000001")
        with pytest.raises(IntegrityError):
            add_person(session, run, "P000000002")


def test_naive_datetimes_are_refused(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(
            IntegrationRun(
                started_at=datetime(2024, 1, 1),
                status="running",
                summary={},
                config_digest="x",
            )
        )
        with pytest.raises(StatementError, match="naive datetime"):
            session.flush()
