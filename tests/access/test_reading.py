"""Reads through the policy, on SQLite and PostgreSQL: minimised, masked, one audit event per
read and per refusal, nothing identifying in the refusal of an unknown number."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from sqlalchemy import Engine, insert, select

from frontline.access.purposes import Subject, TaskFacts, TaskPurpose
from frontline.access.reading import AccessRefused, counter_lookup, read_subject
from frontline.access.refusals import Reason
from frontline.audit import AuditEvent, snapshot, verify
from frontline.store import Entity, write_transaction
from tests.access.world import PEOPLE, T0, World, build_world

ID_A, ID_B = PEOPLE["P000000001"][0], PEOPLE["P000000002"][0]


@pytest.fixture
def world(engine: Engine) -> World:
    return build_world(engine)


def events(engine: Engine) -> list[Any]:
    with engine.connect() as connection:
        return list(connection.execute(select(AuditEvent).order_by(AuditEvent.seq)).all())


def visit(subject: str, assignee: int, status: str = "in_progress") -> TaskPurpose:
    facts = TaskFacts(9, "T00000009", "elderly_home_visit", 1, Subject("person", subject),
                      assignee, status)  # fmt: skip
    return TaskPurpose(facts)


def test_a_task_read_returns_only_the_scenarios_fields_masked_and_audits_it(
    engine: Engine, world: World
) -> None:
    worker = world["worker_a"]
    with write_transaction(engine) as connection:
        record = read_subject(connection, worker, visit("P000000001", worker.staff_id),
                              Subject("person", "P000000001"), now=T0)  # fmt: skip
    assert list(record.values) == ["id_number", "name", "sex", "birth_date", "phone", "address"]
    assert record.values["birth_date"] == "1956"
    assert record.values["id_number"] == "110105********0016"
    assert record.values["name"] == "王建国"
    assert "ethnicity" not in record.values
    assert "death_date" not in record.values
    (event,) = events(engine)
    assert event.seq == record.audit_seq
    assert (event.action, event.actor_id, event.actor_role, event.department) == (
        "read", str(worker.staff_id), "worker", "civil_affairs")  # fmt: skip
    assert (event.purpose_kind, event.purpose_ref) == ("task", "T00000009")
    assert (event.subject_type, event.subject_id) == ("person", "P000000001")
    assert event.fields == list(record.values)
    assert event.detail["masks"]["birth_date"] == "year"
    assert ID_A not in str(event.detail)
    assert "王建国" not in str(event.detail)


def test_a_refused_read_is_audited_without_fields_and_the_refusal_commits(
    engine: Engine, world: World
) -> None:
    worker_b = world["worker_b"]
    purpose = visit("P000000001", worker_b.staff_id)
    with (
        engine.connect() as connection,
        pytest.raises(AccessRefused) as refused,
        connection.begin(),
    ):
        read_subject(connection, worker_b, purpose, Subject("person", "P000000001"), now=T0)
    assert refused.value.reason is Reason.OUT_OF_SCOPE
    assert events(engine) == []  # the caller's transaction rolled back with the raise
    # The web layer commits the refusal's event: run it the way a route does.
    with write_transaction(engine) as connection, contextlib.suppress(AccessRefused):
        read_subject(connection, worker_b, purpose, Subject("person", "P000000001"), now=T0)
    found = events(engine)
    assert [e.action for e in found] == ["read_refused"]
    assert found[-1].fields == []
    assert found[-1].detail["reason"] == "out_of_your_area"
    assert found[-1].subject_id == "P000000001"


def test_a_closed_or_someone_elses_task_opens_nothing(engine: Engine, world: World) -> None:
    worker = world["worker_a"]
    for purpose, reason in (
        (visit("P000000001", worker.staff_id, "done"), Reason.TASK_NOT_OPEN),
        (visit("P000000001", world["worker_b"].staff_id), Reason.TASK_NOT_ASSIGNED),
    ):
        with write_transaction(engine) as connection, pytest.raises(AccessRefused) as refused:
            read_subject(connection, worker, purpose, Subject("person", "P000000001"), now=T0)
        assert refused.value.reason is reason


def test_a_counter_lookup_reads_by_id_number_in_the_clerks_area(
    engine: Engine, world: World
) -> None:
    clerk = world["clerk"]
    with write_transaction(engine) as connection:
        record = counter_lookup(connection, clerk, f" {ID_A.lower()} ", "counter_service", now=T0)
    assert record.subject == Subject("person", "P000000001")
    assert record.values["phone"] == "13812345678"  # the counter scenario shows it in full
    assert record.values["id_number"] == "110105********0016"
    with write_transaction(engine) as connection, pytest.raises(AccessRefused) as refused:
        counter_lookup(connection, world["clerk_b"], ID_A, "counter_service", now=T0)
    assert refused.value.reason is Reason.OUT_OF_SCOPE
    read, _refusal = events(engine)
    assert (read.purpose_kind, read.purpose_ref, read.actor_role) == (
        "counter", "counter_service", "window_clerk")  # fmt: skip


@pytest.mark.parametrize(
    ("number", "reason"),
    [("110105195603040015", Reason.INVALID_ID_NUMBER), ("110105199001010010", None)],
)
def test_an_unknown_or_invalid_number_leaves_nothing_identifying_in_the_log(
    engine: Engine, world: World, number: str, reason: Reason | None
) -> None:
    with write_transaction(engine) as connection, pytest.raises(AccessRefused) as refused:
        counter_lookup(connection, world["clerk"], number, "counter_service", now=T0)
    assert refused.value.reason is (reason or Reason.SUBJECT_UNKNOWN)
    (event,) = events(engine)
    assert event.action == "read_refused"
    assert event.subject_id is None
    assert event.subject_type is None
    assert event.fields == []
    for column in ("purpose_ref", "detail", "actor_id", "device_id"):
        assert number not in str(getattr(event, column))


def test_only_a_window_clerk_looks_people_up(engine: Engine, world: World) -> None:
    for username in ("worker_a", "manager", "steward", "admin", "auditor"):
        with write_transaction(engine) as connection, pytest.raises(AccessRefused) as refused:
            counter_lookup(connection, world[username], ID_A, "counter_service", now=T0)
        assert refused.value.reason is Reason.ROLE
    assert all(e.subject_id is None for e in events(engine))


def test_the_chain_stays_valid_across_reads_and_refusals(engine: Engine, world: World) -> None:
    clerk = world["clerk"]
    for number in (ID_A, ID_B, "110105199001010010"):
        with write_transaction(engine) as connection, contextlib.suppress(AccessRefused):
            counter_lookup(connection, clerk, number, "counter_service", now=T0)
    with snapshot(engine) as connection:
        report = verify(connection, public_keys={})
    assert report.ok
    assert report.events == 3


def test_a_task_on_a_merged_entity_reads_its_survivor_and_a_retired_one_nothing(
    engine: Engine, world: World
) -> None:
    worker = world["worker_a"]
    with write_transaction(engine) as connection:
        for entity_id, status, survivor in (
            ("P000000008", "retired", None),
            ("P000000009", "merged", "P000000001"),
        ):
            connection.execute(
                insert(Entity).values(
                    entity_id=entity_id, entity_type="person", entity_key=f"key-{entity_id}",
                    status=status,
                    merged_into=survivor, created_run=1, updated_run=2,
                )
            )  # fmt: skip
    with write_transaction(engine) as connection:
        merged = read_subject(connection, worker, visit("P000000009", worker.staff_id),
                              Subject("person", "P000000009"), now=T0)  # fmt: skip
    assert merged.subject == Subject("person", "P000000001")
    assert merged.values["id_number"] == "110105********0016"
    with write_transaction(engine) as connection, pytest.raises(AccessRefused) as refused:
        read_subject(connection, worker, visit("P000000008", worker.staff_id),
                     Subject("person", "P000000008"), now=T0)  # fmt: skip
    assert refused.value.reason is Reason.SUBJECT_UNKNOWN


def test_a_task_under_a_scenario_version_never_registered_opens_nothing(
    engine: Engine, world: World
) -> None:
    worker = world["worker_a"]
    facts = TaskFacts(9, "T00000009", "elderly_home_visit", 99, Subject("person", "P000000001"),
                      worker.staff_id, "in_progress")  # fmt: skip
    with write_transaction(engine) as connection, pytest.raises(AccessRefused) as refused:
        read_subject(connection, worker, TaskPurpose(facts), facts.subject, now=T0)
    assert refused.value.reason is Reason.SCENARIO_UNKNOWN
