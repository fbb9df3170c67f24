"""The citizen access report: every disclosure of one subject's data, newest first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from frontline.audit import AccessEntry, EventDraft, access_report, append
from frontline.store import write_transaction
from tests.audit.factories import read

T0 = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
SUBJECT = "P000000001"


def _log(engine: Engine) -> None:
    drafts = [
        read(1, occurred_at=T0, subject_id=SUBJECT),
        EventDraft("sign_in", actor_id="101", actor_role="worker", occurred_at=T0),
        read(2, occurred_at=T0 + timedelta(minutes=1), subject_id="P000000002"),
        EventDraft(
            "read",
            actor_id="205",
            actor_role="window_clerk",
            department="human_resources_social_security",
            purpose_kind="counter",
            purpose_ref="pension_survival_check",
            subject_type="person",
            subject_id=SUBJECT,
            fields=("name", "id_number"),
            occurred_at=T0 + timedelta(minutes=2),
        ),
        # A task moving on names the subject but discloses nothing: not an access.
        EventDraft(
            "task_transition",
            actor_id="101",
            purpose_kind="task",
            purpose_ref="T1",
            subject_type="person",
            subject_id=SUBJECT,
            detail={"from": "assigned", "to": "in_progress"},
            occurred_at=T0 + timedelta(minutes=3),
        ),
        read(
            4,
            occurred_at=T0 + timedelta(minutes=4),
            subject_id=SUBJECT,
            purpose_kind="break_glass",
            purpose_ref="G7",
            device_id=None,
        ),
        # The same id of another entity type is another subject.
        read(
            5, occurred_at=T0 + timedelta(minutes=5), subject_type="enterprise", subject_id=SUBJECT
        ),
    ]
    with write_transaction(engine) as connection:
        append(connection, drafts)


def test_every_access_to_the_subject_newest_first(engine: Engine) -> None:
    _log(engine)
    with engine.connect() as connection:
        entries = access_report(connection, "person", SUBJECT)
    assert entries == [
        AccessEntry(
            seq=6,
            occurred_at=T0 + timedelta(minutes=4),
            action="read",
            department="human_resources_social_security",
            actor_role="worker",
            actor_id="104",
            device_id=None,
            purpose_kind="break_glass",
            purpose_ref="G7",
            fields=("name", "address", "id_number"),
        ),
        AccessEntry(
            seq=4,
            occurred_at=T0 + timedelta(minutes=2),
            action="read",
            department="human_resources_social_security",
            actor_role="window_clerk",
            actor_id="205",
            device_id=None,
            purpose_kind="counter",
            purpose_ref="pension_survival_check",
            fields=("name", "id_number"),
        ),
        AccessEntry(
            seq=1,
            occurred_at=T0,
            action="read",
            department="human_resources_social_security",
            actor_role="worker",
            actor_id="101",
            device_id="D0001",
            purpose_kind="task",
            purpose_ref="T1",
            fields=("name", "phone"),
        ),
    ]
    assert [e.break_glass for e in entries] == [True, False, False]


def test_the_report_can_be_limited_and_is_empty_for_strangers(engine: Engine) -> None:
    _log(engine)
    with engine.connect() as connection:
        assert [e.seq for e in access_report(connection, "person", SUBJECT, limit=2)] == [6, 4]
        assert [e.seq for e in access_report(connection, "enterprise", SUBJECT)] == [7]
        assert access_report(connection, "person", "P000000404") == []
