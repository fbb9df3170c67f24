"""Review and write-back: accepted changes reach the golden record with provenance and
history; rejected ones keep their reason; stale and conflicting ones are told apart."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from frontline.access.reading import AccessRefused
from frontline.access.refusals import Reason
from frontline.audit import AuditEvent
from frontline.forms.changes import changes_of_submission, get_change
from frontline.forms.refusals import FormsRefused, Refusal
from frontline.forms.review import accept_change, reject_change, review_change, review_page
from frontline.forms.submissions import record_submission
from frontline.store import IntegrationRun, start_run, write_transaction
from frontline.store.base import utc_now
from frontline.store.golden import GoldenRecord, golden_history
from tests.access.world import GRID_B, T0
from tests.forms_store.factories import NEW_ADDRESS, FormsWorld, submission

OLD_ADDRESS = "浙江省杭州市西湖区翠苑街道翠苑一区社区文华苑3幢2单元301室"
OTHER_ADDRESS = "浙江省杭州市西湖区翠苑街道翠苑一区社区文华苑9幢9单元909室"
DECIDED = T0 + timedelta(days=2)


def propose(forms: FormsWorld, address: str = NEW_ADDRESS) -> int:
    """A submission correcting the address; the id of its change request."""
    with write_transaction(forms.engine) as connection:
        receipt = record_submission(
            connection, forms.worker, submission(forms.task, address=address), now=T0
        )
        (change,) = changes_of_submission(connection, receipt.submission_id)
    return change.id


def golden(forms: FormsWorld) -> GoldenRecord:
    with Session(forms.engine) as session:
        found = session.get(GoldenRecord, "P000000001")
        assert found is not None
        session.expunge(found)
        return found


def test_accepting_writes_the_value_back_with_provenance_and_history(forms: FormsWorld) -> None:
    change_id = propose(forms)
    manager = forms["manager"]
    with write_transaction(forms.engine) as connection:
        decided = accept_change(connection, manager, change_id, now=DECIDED)
    record = golden(forms)
    assert decided.change.status == "accepted"
    assert decided.version == 2
    assert (decided.change.reviewer_id, decided.change.decided_at) == (manager.staff_id, DECIDED)
    assert record.values["address"] == NEW_ADDRESS
    assert record.version == 2
    assert record.values["phone"] == "13812345678"  # the other fields as they were
    provenance = record.provenance["address"]
    assert provenance == {
        "as_of": "2026-03-04", "change": change_id, "department": "civil_affairs",
        "method": "frontline", "reviewer": manager.staff_id, "source": "frontline",
        "submission": decided.change.submission_id, "task": forms.task,
        "worker": forms.worker.staff_id,
    }  # fmt: skip
    assert list(provenance) == sorted(provenance)
    with Session(forms.engine) as session:
        (earlier,) = golden_history(session, "P000000001", "address")
    assert (earlier.value, earlier.valid_from_run, earlier.valid_to_run) == (OLD_ADDRESS, 1, 1)
    with forms.engine.connect() as connection:
        event = connection.execute(
            select(AuditEvent).where(AuditEvent.action == "change_accepted")
        ).one()
    assert (event.purpose_kind, event.purpose_ref) == ("review", f"CR{change_id:06d}")
    assert (event.subject_id, event.fields, event.actor_id) == (
        "P000000001",
        ["address"],
        str(manager.staff_id),
    )
    assert NEW_ADDRESS not in str(event.detail)


def test_rejecting_keeps_the_reason_and_the_record(forms: FormsWorld) -> None:
    change_id = propose(forms)
    with write_transaction(forms.engine) as connection:
        decided = reject_change(
            connection, forms["manager"], change_id, reason="  与户籍登记不符 ", now=DECIDED
        )
        with pytest.raises(FormsRefused) as again:
            reject_change(connection, forms["manager"], change_id, reason="再次驳回", now=DECIDED)
        with pytest.raises(FormsRefused) as short:
            reject_change(connection, forms["manager"], change_id, reason=" x ", now=DECIDED)
    assert (decided.change.status, decided.change.reason) == ("rejected", "与户籍登记不符")
    assert decided.current_value == OLD_ADDRESS
    assert again.value.reason is Refusal.CHANGE_DECIDED
    assert short.value.reason is Refusal.REASON_INVALID
    assert golden(forms).values["address"] == OLD_ADDRESS
    assert golden(forms).version == 1
    with forms.engine.connect() as connection:
        actions = list(connection.execute(select(AuditEvent.action)).scalars())
    assert "change_rejected" in actions


def test_a_stale_change_is_accepted_only_with_the_current_value_confirmed(
    forms: FormsWorld,
) -> None:
    change_id = propose(forms)
    with write_transaction(forms.engine) as connection:  # a new integration run changed it
        values = {**golden(forms).values, "address": OTHER_ADDRESS}
        connection.execute(
            update(GoldenRecord).where(GoldenRecord.entity_id == "P000000001").values(values=values)
        )
    manager = forms["manager"]
    with write_transaction(forms.engine) as connection:
        with pytest.raises(FormsRefused) as stale:
            accept_change(connection, manager, change_id, now=DECIDED)
        with pytest.raises(FormsRefused) as wrong:
            accept_change(connection, manager, change_id, confirm_current=OLD_ADDRESS, now=DECIDED)
        read = review_change(connection, manager, change_id, now=DECIDED)
    assert stale.value.reason is wrong.value.reason is Refusal.CHANGE_STALE
    assert (read.current_value, read.change.old_value) == (OTHER_ADDRESS, OLD_ADDRESS)
    with write_transaction(forms.engine) as connection:
        decided = accept_change(
            connection, manager, change_id, confirm_current=f" {OTHER_ADDRESS}", now=DECIDED
        )
    assert decided.change.status == "accepted"
    assert golden(forms).values["address"] == NEW_ADDRESS
    with Session(forms.engine) as session:
        (earlier,) = golden_history(session, "P000000001", "address")
    assert earlier.value == OTHER_ADDRESS  # what the record held when it was replaced


def test_conflicting_proposals_are_flagged_and_the_accepted_one_supersedes(
    forms: FormsWorld,
) -> None:
    first, second = propose(forms), propose(forms, OTHER_ADDRESS)
    same = propose(forms)  # agrees with the first: in conflict with the second only
    with forms.engine.connect() as connection:
        flags = {i: get_change(connection, i).conflict for i in (first, second, same)}  # type: ignore[union-attr]
    assert flags == {first: True, second: True, same: True}
    with write_transaction(forms.engine) as connection:
        decided = accept_change(connection, forms["manager"], second, now=DECIDED)
    assert decided.superseded == [first, same]
    with forms.engine.connect() as connection:
        after = {i: get_change(connection, i) for i in (first, second, same)}
    assert {i: (c.status, c.conflict) for i, c in after.items() if c} == {
        first: ("superseded", False), second: ("accepted", False), same: ("superseded", False),
    }  # fmt: skip
    with write_transaction(forms.engine) as connection, pytest.raises(FormsRefused) as late:
        accept_change(connection, forms["manager"], first, now=DECIDED)
    assert late.value.reason is Refusal.CHANGE_DECIDED


def test_the_reviewers_queue_reads_each_field_through_the_policy(forms: FormsWorld) -> None:
    change_id = propose(forms)
    manager = forms["manager"]
    with write_transaction(forms.engine) as connection:
        page = review_page(connection, manager, status="pending", now=DECIDED)
        none_of_phone = review_page(connection, manager, field="phone", now=DECIDED)
    (item,) = page.items
    assert (page.total, page.withheld, none_of_phone.total) == (1, 0, 0)
    assert (item.change.id, item.current_value, item.change.new_value) == (
        change_id,
        OLD_ADDRESS,
        NEW_ADDRESS,
    )
    assert item.change.label == {"zh": "住址", "en": "Address"}
    with forms.engine.connect() as connection:
        read = connection.execute(select(AuditEvent).where(AuditEvent.seq == item.audit_seq)).one()
    assert (read.action, read.purpose_kind, read.purpose_ref) == (
        "read",
        "review",
        f"CR{change_id:06d}",
    )
    assert (read.subject_id, read.fields) == ("P000000001", ["address"])  # that field only
    assert read.detail["masks"] == {"address": "full"}


@pytest.mark.parametrize(
    ("area", "department", "reason"),
    [
        (GRID_B, "civil_affairs", Reason.OUT_OF_SCOPE),
        ("330106", "human_resources", Reason.DEPARTMENT),
    ],
)
def test_a_review_outside_the_managers_department_or_area_is_refused_and_audited(
    forms: FormsWorld, area: str, department: str, reason: Reason
) -> None:
    change_id = propose(forms)
    member = replace(forms["manager"], area=area, department=department)
    with write_transaction(forms.engine) as connection:
        with pytest.raises(AccessRefused) as refused:
            accept_change(connection, member, change_id, now=DECIDED)
        page = review_page(connection, member, now=DECIDED)
    assert refused.value.reason is reason
    assert page.items == []  # the queue holds only the manager's own department and area
    with forms.engine.connect() as connection:
        events = connection.execute(select(AuditEvent.action, AuditEvent.detail)).all()
    assert ("read_refused", reason.value) in [(a, d.get("reason")) for a, d in events]
    assert golden(forms).values["address"] == OLD_ADDRESS


@pytest.mark.parametrize("username", ["worker_a", "steward", "admin", "auditor"])
def test_only_department_managers_review(forms: FormsWorld, username: str) -> None:
    change_id = propose(forms)
    with write_transaction(forms.engine) as connection:
        with pytest.raises(FormsRefused) as listing:
            review_page(connection, forms[username], now=DECIDED)
        with pytest.raises(AccessRefused) as reading:
            review_change(connection, forms[username], change_id, now=DECIDED)
    assert listing.value.reason is Refusal.NOT_A_REVIEWER
    assert reading.value.reason is Reason.ROLE


def test_an_unknown_change_is_not_found(forms: FormsWorld) -> None:
    with write_transaction(forms.engine) as connection, pytest.raises(FormsRefused) as missing:
        accept_change(connection, forms["manager"], 999, now=utc_now())
    assert missing.value.reason is Refusal.CHANGE_NOT_FOUND


def test_a_change_between_runs_is_recorded_with_the_latest_published_run(forms: FormsWorld) -> None:
    start_run(forms.engine, "an earlier run")  # never published: not the latest
    run = start_run(forms.engine, "test")
    assert run == 2
    with write_transaction(forms.engine) as connection:
        connection.execute(
            update(IntegrationRun).where(IntegrationRun.id == run).values(status="published")
        )
    change_id = propose(forms)
    with write_transaction(forms.engine) as connection:
        accept_change(connection, forms["manager"], change_id, now=DECIDED)
    with Session(forms.engine) as session:
        (earlier,) = golden_history(session, "P000000001", "address")
    assert (earlier.valid_from_run, earlier.valid_to_run) == (1, run)
    assert golden(forms).updated_run == run
