"""Publishing runs: first publish, republish, history, full and incremental scope."""

import pytest
from sqlalchemy import Engine, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from frontline.store import (
    EntityRow,
    EventRow,
    GoldenHistory,
    GoldenRecord,
    GoldenRow,
    IssueRow,
    LinkRow,
    Publisher,
    PublishError,
    QualityIssue,
    RecordLink,
    Scope,
    ScoreRow,
    events_of_run,
    golden_history,
    golden_record,
    issues_by_department,
    latest_run,
    latest_scores,
    link_counts,
    links_of_entity,
    publish,
)
from frontline.store.entities import entity, known_entities
from tests.store.factories import City, count, new_run, person_values, provenance


def publish_city(engine: Engine, city: City, **options: object) -> None:
    publish(
        engine,
        new_run(engine, read=len(city.ids)),
        replace=True,
        entities=city.entities(),
        golden=city.golden(),
        links=city.links(),
        issues=city.issues(),
        **options,  # type: ignore[arg-type]
    )


def test_first_publish_is_readable(engine: Engine) -> None:
    city = City(engine, 5)
    first = city.ids[0]
    run = new_run(engine, health={"read": 5, "linked": 5})
    report = publish(
        engine,
        run,
        replace=True,
        entities=city.entities(),
        golden=city.golden(),
        links=city.links(),
        issues=city.issues(),
        scores=[ScoreRow("health", 1.0, 0.98, 0.5, 0.25, 5)],
        events=[EventRow("created", city.ids, {"来源": "首次发布"})],
    )
    assert report.rows["golden"] == 5
    assert report.rows["links"] == 10
    with Session(engine) as session:
        record = golden_record(session, first)
        assert record is not None
        assert (record.values, record.version, record.updated_run) == (
            person_values(0),
            1,
            run.run_id,
        )
        assert record.provenance["name"]["file"] == "health.csv"
        links = links_of_entity(session, first)
        assert [(link.source, link.row, link.method) for link in links] == [
            ("health", 2, "identifier"),
            ("pensions", 2, "identifier"),
        ]
        [issue] = issues_by_department(session, "health", issue_type="stale_record", limit=1)
        assert issue.detail == {"说明": "地址过期"}
        assert len(issues_by_department(session, "health")) == 5
        assert issues_by_department(session, "pensions") == []
        latest = latest_run(session)
        assert latest is not None
        assert latest.id == run.run_id
        assert latest.status == "published"
        assert latest.finished_at is not None
        assert latest.summary == {"health": {"read": 5, "linked": 5}}
        [event] = events_of_run(session, run.run_id)
        assert event.entity_ids == city.ids
        [score] = latest_scores(session)
        assert (score.department_key, score.timeliness) == ("health", 0.25)
        assert link_counts(session) == {"linked": 10}
        assert dict(known_entities(session, "person")) == {
            str(person_values(i)["id_number"]): e for i, e in enumerate(city.ids)
        }


def test_republishing_unchanged_data_changes_nothing(engine: Engine) -> None:
    city = City(engine, 5)
    publish_city(engine, city)
    with Session(engine) as session:
        before = [
            (r.entity_id, r.version, r.updated_run)
            for r in session.scalars(select(GoldenRecord).order_by(GoldenRecord.entity_id))
        ]
    publish_city(engine, city)
    with Session(engine) as session:
        after = [
            (r.entity_id, r.version, r.updated_run)
            for r in session.scalars(select(GoldenRecord).order_by(GoldenRecord.entity_id))
        ]
        assert after == before
        assert count(session, "golden_history") == 0
        assert {link.run_id for link in session.scalars(select(RecordLink))} == {1}
        # Issues are restated by every run that reports them.
        assert {issue.run_id for issue in session.scalars(select(QualityIssue))} == {2}
        assert count(session, "quality_issues") == 5


def test_replaced_values_are_kept_as_history(engine: Engine) -> None:
    city = City(engine, 3)
    one, two, three = city.ids
    publish_city(engine, city)
    old_provenance = provenance(person_values(0), row=2)["name"]
    city.values[one] = person_values(0, name="王晓明", phone="13800000000")
    del city.values[one]["sex"]
    publish_city(engine, city)  # run 2
    city.values[one] = {**city.values[one], "name": "王小明"}
    publish_city(engine, city)  # run 3
    with Session(engine) as session:
        record = golden_record(session, one)
        assert record is not None
        assert record.version == 3
        assert record.updated_run == 3
        history = [
            (h.field, h.value, h.valid_from_run, h.valid_to_run)
            for h in golden_history(session, one)
        ]
        assert history == [
            ("name", "王小明", 1, 2),
            ("name", "王晓明", 2, 3),
            ("phone", None, 1, 2),  # no phone until run 2
            ("sex", "女", 1, 2),
        ]
        [first_name] = golden_history(session, one, "name")[:1]
        assert first_name.provenance == old_provenance
        untouched = golden_record(session, two)
        assert untouched is not None
        assert untouched.version == 1
        assert golden_history(session, three) == []


def test_a_provenance_change_alone_bumps_the_version_without_history(engine: Engine) -> None:
    city = City(engine, 2)
    publish_city(engine, city)
    golden = [
        GoldenRow(e, "person", city.values[e], provenance(city.values[e], "pensions", 9))
        for e in city.ids
    ]
    publish(engine, new_run(engine), replace=False, golden=golden)
    with Session(engine) as session:
        record = golden_record(session, city.ids[0])
        assert record is not None
        assert record.version == 2
        assert record.provenance["name"]["source"] == "pensions"
        assert count(session, "golden_history") == 0


def test_a_full_publish_removes_what_its_scope_no_longer_has(engine: Engine) -> None:
    city = City(engine, 5)
    publish_city(engine, city)
    kept, gone = city.ids[:3], city.ids[3:]
    report = publish(
        engine,
        new_run(engine),
        replace=True,
        entities=[
            *city.entities(kept),
            *(r._replace(status="retired") for r in city.entities(gone)),
        ],
        golden=city.golden(kept),
        links=city.links(kept),
        issues=city.issues(kept[:1]),
    )
    assert report.rows["golden_removed"] == 2
    assert report.rows["links_removed"] == 4
    with Session(engine) as session:
        assert count(session, "golden_records") == 3
        assert golden_record(session, gone[0]) is None
        retired = entity(session, gone[0])
        assert retired is not None
        assert retired.status == "retired"
        # A removed record's values stay in the history.
        fields = {h.field: h.value for h in golden_history(session, gone[0])}
        assert fields == person_values(3)
        assert links_of_entity(session, gone[0]) == []
        assert count(session, "record_links") == 6
        assert [i.entity_id for i in issues_by_department(session, "health")] == kept[:1]


def test_a_full_publish_replaces_only_its_scope(engine: Engine) -> None:
    city = City(engine, 2)
    publish_city(engine, city)
    health_only = Scope(sources=frozenset({"health"}))
    links = [link for link in city.links() if link.source == "health"][:1]
    publish(engine, new_run(engine, health_only), replace=True, links=links)
    with Session(engine) as session:
        assert link_counts(session, "health") == {"linked": 1}
        assert link_counts(session, "pensions") == {"linked": 2}
        assert count(session, "golden_records") == 2  # no entity type in scope
        # Issues of the health source are restated (none now); none are left.
        assert count(session, "quality_issues") == 0


def test_an_incremental_publish_touches_only_what_it_is_given(engine: Engine) -> None:
    city = City(engine, 4)
    publish_city(engine, city)
    changed = city.ids[1]
    city.values[changed] = person_values(1, address="浙江省杭州市上城区解放路1号")
    link = LinkRow("health", "health.csv", city.row(changed), changed, "linked", "review", 0.93)
    report = publish(
        engine,
        new_run(engine, Scope()),
        replace=False,
        entities=city.entities([changed]),
        golden=city.golden([changed]),
        links=[link],
        issues=[IssueRow("address_conflict", "warning", "pensions", entity_id=changed)],
    )
    assert report.rows.get("golden_removed", 0) == 0
    with Session(engine) as session:
        versions = {
            r.entity_id: (r.version, r.updated_run) for r in session.scalars(select(GoldenRecord))
        }
        assert versions == {e: ((2, 2) if e == changed else (1, 1)) for e in city.ids}
        [history] = golden_history(session, changed)
        assert (history.field, history.value) == ("address", "浙江省杭州市西湖区文三路1号")
        methods = {
            (r.source, r.row): (r.method, r.run_id) for r in links_of_entity(session, changed)
        }
        assert methods == {("health", 3): ("review", 2), ("pensions", 3): ("identifier", 1)}
        assert count(session, "record_links") == 8
        # The changed entity's issues were restated; the others' stay.
        issues = {(i.entity_id, i.issue_type) for i in session.scalars(select(QualityIssue))}
        assert issues == {(changed, "address_conflict")} | {
            (e, "stale_record") for e in city.ids if e != changed
        }


def test_a_merged_entity_points_at_its_survivor(engine: Engine) -> None:
    city = City(engine, 2)
    publish_city(engine, city)
    loser, survivor = city.ids
    entities = [
        EntityRow(loser, "person", city.entities([loser])[0].entity_key, "merged", survivor)
    ]
    publish(
        engine,
        new_run(engine, Scope()),
        replace=False,
        entities=entities,
        events=[EventRow("merged", [loser, survivor])],
    )
    with Session(engine) as session:
        merged = entity(session, loser)
        assert merged is not None
        assert (merged.status, merged.merged_into) == ("merged", survivor)
        assert merged.created_run == 1
        assert merged.updated_run == 2


def test_pre_encoded_json_is_stored_as_given(engine: Engine) -> None:
    [entity_id] = City(engine, 1).ids
    values = '{"name":"张三","age":30}'
    run = new_run(engine)
    publish(
        engine,
        run,
        replace=True,
        entities=[EntityRow(entity_id, "person", "k")],
        golden=[GoldenRow(entity_id, "person", values, '{"name":{"source":"公安"}}')],
    )
    with Session(engine) as session:
        record = golden_record(session, entity_id)
        assert record is not None
        assert record.values == {"name": "张三", "age": 30}


def test_ids_never_allocated_are_refused(engine: Engine) -> None:
    City(engine, 1)
    with pytest.raises(PublishError, match="never allocated"):
        publish(
            engine, new_run(engine), replace=True, entities=[EntityRow("P000000002", "person", "k")]
        )
    with pytest.raises(PublishError, match="never allocated"):
        publish(
            engine, new_run(engine), replace=True, entities=[EntityRow("E000000001", "person", "k")]
        )
    with pytest.raises(PublishError, match="no counter"):
        publish(
            engine,
            new_run(engine),
            replace=True,
            entities=[EntityRow("V000000001", "vehicle", "k")],
        )


def test_a_run_publishes_once(engine: Engine) -> None:
    run = new_run(engine)
    publish(engine, run, replace=True)
    with pytest.raises(PublishError, match="is published"):
        publish(engine, run, replace=True)


@pytest.mark.parametrize("existing", [False, True], ids=["into-empty", "into-stage"])
def test_duplicate_rows_are_refused(engine: Engine, existing: bool) -> None:
    city = City(engine, 2)
    if existing:
        publish_city(engine, city)
    with pytest.raises(IntegrityError):
        publish(engine, new_run(engine), replace=True, links=city.links() + city.links()[:1])


def test_progress_is_reported_per_batch(engine: Engine) -> None:
    city = City(engine, 25)
    seen: list[tuple[str, int]] = []
    publish(
        engine,
        new_run(engine),
        replace=True,
        entities=city.entities(),
        links=city.links(),
        batch_size=20,
        progress=lambda table, rows: seen.append((table, rows)),
    )
    assert seen == [
        ("entities", 20),
        ("entities", 25),
        *(("record_links", n) for n in (20, 40, 50)),
    ]


def test_publisher_methods_may_be_called_per_batch(engine: Engine) -> None:
    city = City(engine, 6)
    publish_city(engine, city)
    city.values = {e: person_values(i, name="改名") for i, e in enumerate(city.ids)}
    with Publisher(engine, new_run(engine), replace=True) as publisher:
        for part in (city.ids[:3], city.ids[3:]):
            publisher.entities(city.entities(part))
            publisher.golden(city.golden(part))
            publisher.links(city.links(part))
    assert publisher.report.rows["golden"] == 6
    with Session(engine) as session:
        assert count(session, "golden_records") == 6
        names = session.scalars(select(GoldenHistory.value).where(GoldenHistory.field == "name"))
        assert len(list(names)) == 6


@pytest.mark.parametrize("existing", [False, True], ids=["into-empty", "into-stage"])
def test_links_to_unknown_entities_are_refused(engine: Engine, existing: bool) -> None:
    city = City(engine, 2)
    if existing:
        publish_city(engine, city)
    dangling = LinkRow("health", "x.csv", 7, "P000000999", "linked")
    with pytest.raises(PublishError, match=r"health x\.csv row 7 → P000000999"):
        publish(engine, new_run(engine), replace=False, links=[*city.links(), dangling])
    # The index dropped for the load into an empty table is back after the rollback.
    indexes = {index["name"] for index in inspect(engine).get_indexes("record_links")}
    assert indexes == {"ix_record_links_entity_id", "ix_record_links_run_id"}


def test_field_names_are_taken_literally(engine: Engine) -> None:
    # A dot or a Chinese character in a field name is part of the name, not a JSON path.
    [entity_id] = City(engine, 1).ids
    values = {"地址.省": "浙江", "a[0]": 1}
    for run_values in (values, {"地址.省": "江苏", "a[0]": 1}):
        publish(
            engine,
            new_run(engine),
            replace=True,
            entities=[EntityRow(entity_id, "person", "k")],
            golden=[GoldenRow(entity_id, "person", run_values, provenance(run_values))],
        )
    with Session(engine) as session:
        history = [(h.field, h.value) for h in golden_history(session, entity_id)]
        assert history == [("地址.省", "浙江")]


def test_a_merged_entity_may_come_before_its_survivor(engine: Engine) -> None:
    loser, survivor = City(engine, 2).ids
    entities = [
        EntityRow(loser, "person", "甲", "merged", survivor),
        EntityRow(survivor, "person", "乙"),
    ]
    publish(engine, new_run(engine), replace=True, entities=entities)
    with Session(engine) as session:
        merged = entity(session, loser)
        assert merged is not None
        assert merged.merged_into == survivor
