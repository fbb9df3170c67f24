"""Submissions from phones: validated again, stored exactly once, refused with a reason."""

from __future__ import annotations

import base64
import hashlib
import threading
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from frontline.audit import AuditEvent
from frontline.forms.attachments import AttachmentIn
from frontline.forms.changes import changes_of_submission
from frontline.forms.models import ChangeRequest, FormSubmission, SubmissionAttachment
from frontline.forms.refusals import FormsRefused, Refusal, SubmissionInvalid, VersionOutdated
from frontline.forms.registry import GRACE, register_form
from frontline.forms.submissions import (
    RECORDED,
    SubmissionBody,
    SubmissionOutcome,
    SubmissionReceipt,
    record_submission,
    record_submissions,
)
from frontline.staff.principal import Principal
from frontline.store import write_transaction
from frontline.store.golden import GoldenRecord
from frontline.tasks import cancel_task, complete_task, start_task
from frontline.tasks.models import Task
from tests.access.world import T0
from tests.forms_store.factories import (
    NEW_ADDRESS,
    VERSION,
    VISIT,
    FormsWorld,
    phone_of,
    spreadsheet,
    submission,
    visit_task,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"photo-bytes" * 10


def submit(
    forms: FormsWorld,
    body: SubmissionBody,
    *,
    now: datetime = T0,
    worker: Principal | None = None,
) -> SubmissionReceipt:
    with write_transaction(forms.engine) as connection:
        return record_submission(connection, worker or forms.worker, body, now=now)


def stored(forms: FormsWorld) -> int:
    with forms.engine.connect() as connection:
        return int(
            connection.execute(select(func.count()).select_from(FormSubmission)).scalar_one()
        )


def test_a_submission_is_accepted_and_stored_as_the_server_settled_it(forms: FormsWorld) -> None:
    # met is yes: the reason for not meeting is not asked, and its answer is dropped.
    receipt = submit(forms, submission(forms.task, not_met_reason="hospital"))
    assert (receipt.status, receipt.duplicate, receipt.proposals) == ("accepted", False, 0)
    assert receipt.received_at == T0
    with forms.engine.connect() as connection:
        row = connection.execute(select(FormSubmission)).one()
    assert row.form_id == VISIT
    assert row.task_reference == forms.task
    assert row.device_id == forms.worker.device_id
    assert row.subject_id == "P000000001"
    assert "not_met_reason" not in row.answers
    assert row.answers["needs_follow_up"] == "no"  # computed by the server


def test_the_same_submission_again_gets_the_same_answer_and_stores_nothing(
    forms: FormsWorld,
) -> None:
    body = submission(forms.task, address=NEW_ADDRESS)
    first = submit(forms, body)
    again = submit(forms, body, now=T0 + timedelta(minutes=5))
    assert again == replace(first, duplicate=True)
    assert stored(forms) == 1
    with forms.engine.connect() as connection:
        requests = connection.execute(select(func.count()).select_from(ChangeRequest)).scalar_one()
    assert requests == 1


def test_a_retry_is_answered_even_after_the_task_was_cancelled(forms: FormsWorld) -> None:
    body = submission(forms.task)
    first = submit(forms, body)
    with write_transaction(forms.engine) as connection:
        cancel_task(connection, None, forms.task, reason="重复", now=T0)
    assert submit(forms, body).submission_id == first.submission_id


def test_the_same_client_id_with_other_content_is_a_conflict(forms: FormsWorld) -> None:
    body = submission(forms.task)
    submit(forms, body)
    with pytest.raises(FormsRefused) as refused:
        submit(forms, replace(body, answers={**body.answers, "health": "poor"}))
    assert refused.value.reason is Refusal.SUBMISSION_CONFLICT
    assert stored(forms) == 1


def test_two_identical_posts_at_once_store_one_submission(forms: FormsWorld) -> None:
    body = submission(forms.task, address=NEW_ADDRESS)
    start = threading.Barrier(2)
    receipts: list[SubmissionReceipt] = []
    failures: list[BaseException] = []

    def post() -> None:
        try:
            start.wait()
            receipts.append(submit(forms, body))
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures
    assert len({r.submission_id for r in receipts}) == 1
    assert sorted(r.duplicate for r in receipts) == [False, True]
    assert stored(forms) == 1
    with forms.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(ChangeRequest)).scalar_one() == 1


def test_two_overlapping_batches_at_once_store_each_submission_once(forms: FormsWorld) -> None:
    shared = [submission(forms.task, address=NEW_ADDRESS), submission(forms.task)]
    batches = [[*shared, submission(forms.task)], [submission(forms.task), *reversed(shared)]]
    start = threading.Barrier(2)
    outcomes: list[SubmissionOutcome] = []
    failures: list[BaseException] = []

    def post(bodies: list[SubmissionBody]) -> None:
        try:
            start.wait()
            with write_transaction(forms.engine) as connection:
                outcomes.extend(record_submissions(connection, forms.worker, bodies, now=T0))
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=post, args=(batch,)) for batch in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures
    assert all(outcome.receipt is not None for outcome in outcomes)
    by_client: dict[str, set[int]] = {}
    for outcome in outcomes:
        assert outcome.receipt is not None
        by_client.setdefault(outcome.client_id, set()).add(outcome.receipt.submission_id)
    assert all(len(ids) == 1 for ids in by_client.values())  # one stored row answers both
    first_shared = [o.receipt for o in outcomes if o.client_id == shared[0].client_id]
    assert sorted(r.duplicate for r in first_shared if r is not None) == [False, True]
    assert stored(forms) == 4
    with forms.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(ChangeRequest)).scalar_one() == 1
        events = connection.execute(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == RECORDED)
        ).scalar_one()
    assert events == 4


def test_a_refused_submission_leaves_the_rest_of_its_batch_stored(forms: FormsWorld) -> None:
    good, wrong = submission(forms.task), submission(forms.task, phone="123")
    with write_transaction(forms.engine) as connection:
        first, second, copy = record_submissions(
            connection, forms.worker, [good, wrong, good], now=T0
        )
    assert first.receipt is not None
    assert not first.receipt.duplicate
    assert isinstance(second.refused, SubmissionInvalid)
    assert [e.path for e in second.refused.errors] == ["phone"]
    assert copy.receipt == replace(first.receipt, duplicate=True)
    assert stored(forms) == 1


def test_a_cancelled_task_takes_no_submission(forms: FormsWorld) -> None:
    with write_transaction(forms.engine) as connection:
        cancel_task(connection, None, forms.task, reason="重复工单", now=T0)
    with pytest.raises(FormsRefused) as refused:
        submit(forms, submission(forms.task))
    assert refused.value.reason is Refusal.TASK_CANCELLED
    assert refused.value.values == {"task": forms.task}


def test_a_done_task_still_takes_its_submission(forms: FormsWorld) -> None:
    # Completed offline: the completion synced before the form did.
    with write_transaction(forms.engine) as connection:
        start_task(connection, forms.worker, forms.task, now=T0)
        complete_task(connection, forms.worker, forms.task, outcome="已走访", now=T0)
    assert not submit(forms, submission(forms.task)).duplicate


def test_only_the_tasks_worker_submits_for_it(forms: FormsWorld) -> None:
    other = phone_of(forms.engine, forms["worker_b"])
    with pytest.raises(FormsRefused) as refused:
        submit(forms, submission(forms.task), worker=other)
    assert refused.value.reason is Refusal.TASK_NOT_ASSIGNED
    with pytest.raises(FormsRefused) as missing:
        submit(forms, submission("T99999999"))
    assert missing.value.reason is Refusal.TASK_NOT_FOUND


def test_a_form_of_another_scenario_is_refused(forms: FormsWorld) -> None:
    with pytest.raises(FormsRefused) as refused:
        submit(forms, submission(forms.task, form_id="survival_check_record"))
    assert refused.value.reason is Refusal.FORM_NOT_IN_SCENARIO


def test_an_outdated_version_is_refused_naming_the_current_one(forms: FormsWorld) -> None:
    retired_at = T0 + timedelta(hours=1)
    with write_transaction(forms.engine) as connection:
        register_form(connection, spreadsheet(), "visit.xlsx", now=retired_at)
    # Within the grace period, a task issued before still sends the old version.
    assert not submit(forms, submission(forms.task), now=retired_at + timedelta(days=6)).duplicate
    with pytest.raises(VersionOutdated) as late:
        submit(forms, submission(forms.task), now=retired_at + GRACE)
    assert late.value.reason is Refusal.FORM_OUTDATED
    assert late.value.current == "2026120101"
    assert late.value.values["version"] == VERSION
    with pytest.raises(VersionOutdated) as unknown:
        submit(forms, submission(forms.task, form_version="1999"))
    assert unknown.value.current == "2026120101"
    # A task created after the retirement was never issued with the old version.
    with write_transaction(forms.engine) as connection:
        connection.execute(update(Task).values(created_at=retired_at + timedelta(minutes=1)))
    with pytest.raises(VersionOutdated):
        submit(forms, submission(forms.task), now=retired_at + timedelta(hours=1))


def test_wrong_answers_are_refused_with_every_error_at_its_path(forms: FormsWorld) -> None:
    body = submission(
        forms.task, met=None, phone="12345", household=[{"member_relation": "child"}],
        visit_date="2026-03-03",
    )  # fmt: skip
    with pytest.raises(SubmissionInvalid) as refused:
        submit(forms, body, now=T0)
    errors = {e.path: e for e in refused.value.errors}
    assert errors["met"].code == "required"
    assert errors["phone"].code == "constraint"
    assert "11 位手机号码" in errors["phone"].message_zh
    assert errors["visit_date"].code == "constraint"  # after the day it was completed
    assert stored(forms) == 0


def test_a_visit_completed_before_midnight_in_china_may_be_dated_that_day(
    forms: FormsWorld,
) -> None:
    # 2026-03-02 23:30 in China is 15:30 UTC; the server receives it the next morning.
    completed = T0.replace(hour=15, minute=30)
    body = submission(forms.task, visit_date="2026-03-02", completed_at=completed)
    assert not submit(forms, body, now=T0 + timedelta(days=1)).duplicate
    early = submission(forms.task, visit_date="2026-03-03", completed_at=completed)
    with pytest.raises(SubmissionInvalid):
        submit(forms, early, now=T0 + timedelta(days=1))


def test_a_corrected_address_becomes_a_change_request(forms: FormsWorld) -> None:
    receipt = submit(forms, submission(forms.task, address=f"  {NEW_ADDRESS} "))
    assert receipt.proposals == 1
    with forms.engine.connect() as connection:
        (change,) = changes_of_submission(connection, receipt.submission_id)
    assert (change.field, change.question, change.status) == ("address", "address", "pending")
    assert change.old_value == "浙江省杭州市西湖区翠苑街道翠苑一区社区文华苑3幢2单元301室"
    assert change.new_value == NEW_ADDRESS  # spaces at the ends dropped
    assert (change.task_reference, change.staff_id) == (forms.task, forms.worker.staff_id)
    assert (change.department, change.subject_id) == ("civil_affairs", "P000000001")


def test_a_field_the_scenario_does_not_deliver_is_compared_with_the_record(
    forms: FormsWorld,
) -> None:
    body = submission(forms.task, vital_status="deceased", death_date="2026-02-20")
    receipt = submit(forms, body)
    with forms.engine.connect() as connection:
        (change,) = changes_of_submission(connection, receipt.submission_id)
    assert (change.field, change.old_value, change.new_value) == ("death_date", None, "2026-02-20")


def test_photos_travel_with_their_submission(forms: FormsWorld) -> None:
    sha = hashlib.sha256(PNG).hexdigest()
    photo = AttachmentIn(sha, "image/png", base64.b64encode(PNG).decode())
    answer = {"attachment": sha, "content_type": "image/png"}
    with pytest.raises(SubmissionInvalid) as unsent:
        submit(forms, submission(forms.task, photo=answer))
    assert [(e.path, e.code) for e in unsent.value.errors] == [("photo", "attachment")]
    damaged = replace(photo, data=base64.b64encode(PNG + b"x").decode())
    with pytest.raises(SubmissionInvalid) as broken:
        submit(forms, submission(forms.task, photo=answer, attachments=(damaged,)))
    assert {e.path for e in broken.value.errors} == {"attachments[0]", "photo"}
    receipt = submit(forms, submission(forms.task, photo=answer, attachments=(photo,)))
    with forms.engine.connect() as connection:
        kept = connection.execute(select(SubmissionAttachment)).one()
    assert (kept.submission_id, kept.sha256, kept.data) == (receipt.submission_id, sha, PNG)


def test_a_submission_is_audited_without_its_answers(forms: FormsWorld) -> None:
    receipt = submit(forms, submission(forms.task, address=NEW_ADDRESS))
    with forms.engine.connect() as connection:
        event = connection.execute(
            select(AuditEvent).where(AuditEvent.action == "submission_recorded")
        ).one()
        golden = connection.execute(
            select(GoldenRecord.values).where(GoldenRecord.entity_id == "P000000001")
        ).scalar_one()
    assert (event.actor_id, event.device_id) == (str(forms.worker.staff_id), forms.worker.device_id)
    assert (event.purpose_kind, event.purpose_ref) == ("task", forms.task)
    assert (event.subject_type, event.subject_id) == ("person", "P000000001")
    assert {"address", "phone", "household"} <= set(event.fields)
    assert event.detail["submission"] == receipt.submission_id
    assert event.detail["proposed"] == ["address"]
    assert NEW_ADDRESS not in str(event.detail)
    assert golden["address"] != NEW_ADDRESS  # nothing written back before review


def test_a_second_task_of_another_worker_is_theirs_alone(forms: FormsWorld) -> None:
    other = phone_of(forms.engine, forms["worker_b"])
    task_b = visit_task(forms.engine, forms.world, subject="P000000002", worker="worker_b")
    assert not submit(forms, submission(task_b), worker=other).duplicate
    with pytest.raises(FormsRefused):
        submit(forms, submission(task_b))
