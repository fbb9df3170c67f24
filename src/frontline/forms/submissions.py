"""Submissions: a filled-in form from a worker's phone, validated again and stored exactly once.

    receipt = record_submission(connection, principal, body, now=now, signer=signer)
    receipt.duplicate        # True: this client id was stored before; nothing stored now

A phone queues submissions offline and sends each until it hears an answer, so the same one
may arrive twice, at once, or after the task it belongs to was completed. Each carries the
phone's own id for it (`client_id`, a UUID): the worker's (staff_id, client_id) is unique in
the store, so a retry finds the stored submission and gets the same answer; two identical
posts racing each other store one row (the loser of the insert reads the winner's); the same
id with other content is a conflict, never an overwrite.

Accepted for tasks assigned to the worker and assigned, in progress or done (a completion may
sync before the submission). The server validates the answers itself (`check_submission`)
against the form version the phone used — which must be the active one, or retired less
than a week ago for a task issued with it — and with `today` the day the form was completed,
in China, never later than the server's today.

The golden values a bound answer is compared with are read here, plainly, from the store:
not through the access policy, because nothing is disclosed (they are compared on the server
and never leave it), and the policy's task purpose would refuse a done task and fields the
scenario does not deliver — both of which a submission must handle. What the submission
brings in is audited: the worker, the device, the task, the subject and the questions
answered.

The submission, its photos, its change requests and its audit event are written in the
caller's one transaction: nothing accepted is ever lost.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import cache
from typing import Any

from sqlalchemy import Connection, Select, Table, bindparam, insert, select

from frontline.access.policy import preferred_role, resolve_subject
from frontline.access.purposes import Subject
from frontline.audit import EventDraft, Signer, append
from frontline.forms.changes import SubmittedFrom, propose_changes
from frontline.forms.definition import FormDefinition, Question
from frontline.forms.messages import Place
from frontline.forms.models import FormSubmission, SubmissionAttachment
from frontline.forms.refusals import (
    FormsRefused,
    Refusal,
    SubmissionInvalid,
    VersionOutdated,
)
from frontline.forms.registry import (
    FormVersionInfo,
    current_version,
    definition_of,
    form_version,
)
from frontline.forms.validation import Checked, FieldError, check_submission
from frontline.forms.values import PHOTO_TYPES
from frontline.scenarios import Scenario, scenario_version
from frontline.staff.principal import Principal
from frontline.store.base import canonical_json
from frontline.store.golden import GoldenRecord
from frontline.store.hot import fetch_one
from frontline.store.merge import upsert
from frontline.tasks import Status, TaskInfo, get_task

MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 2 * 1024 * 1024
MAX_ATTACHMENT_TEXT = -(-MAX_ATTACHMENT_BYTES // 3) * 4
"""The longest base64 text of an attachment of `MAX_ATTACHMENT_BYTES`."""
CHINA = timezone(timedelta(hours=8))
"""The calendar `today()` means in a form (China keeps no daylight saving)."""
RECORDED = "submission_recorded"
_SUBMISSIONS: Table = FormSubmission.__table__  # type: ignore[assignment]
TAKING = frozenset({Status.ASSIGNED, Status.IN_PROGRESS, Status.DONE})
"""Task states that take submissions: done too, as a completion may sync first."""


@dataclass(frozen=True, slots=True)
class AttachmentIn:
    """A photo as the phone sends it: its digest, type and base64 bytes."""

    sha256: str
    content_type: str
    data: str


@dataclass(frozen=True, slots=True)
class SubmissionBody:
    """What a phone sends for one filled-in form."""

    client_id: str
    task: str
    form_id: str
    form_version: str
    answers: Mapping[str, Any]
    attachments: Sequence[AttachmentIn]
    completed_at: datetime

    def digest(self) -> str:
        """SHA-256 of the canonical body: what "the same submission" means. An attachment
        counts by its digest and type (its bytes are checked against the digest)."""
        canonical = {
            "client_id": self.client_id,
            "task": self.task,
            "form_id": self.form_id,
            "form_version": self.form_version,
            "answers": self.answers,
            "attachments": [[a.sha256.lower(), a.content_type] for a in self.attachments],
            "completed_at": self.completed_at.astimezone(CHINA).isoformat(),
        }
        return hashlib.sha256(canonical_json(canonical).encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class SubmissionReceipt:
    """The server's answer to a submission, the same every time it is sent."""

    submission_id: int
    client_id: str
    duplicate: bool
    received_at: datetime
    proposals: int
    status: str = "accepted"


def record_submission(
    connection: Connection,
    principal: Principal,
    body: SubmissionBody,
    *,
    now: datetime,
    signer: Signer | None = None,
) -> SubmissionReceipt:
    """Validate and store one submission from `principal`'s device, once (see the module).

    Raises `FormsRefused`: `submission_conflict` (this client id was stored with other
    content), `task_not_found`, `task_not_assigned`, `task_cancelled`, `form_not_in_scenario`;
    `VersionOutdated`; `SubmissionInvalid` with every error in the answers and attachments.
    """
    digest = body.digest()
    stored = _stored(connection, principal.staff_id, body.client_id, digest)
    if stored is not None:
        return stored
    task = get_task(connection, body.task)
    if task is None:
        raise FormsRefused(Refusal.TASK_NOT_FOUND, task=body.task)
    if task.assignee_id != principal.staff_id:
        raise FormsRefused(Refusal.TASK_NOT_ASSIGNED, task=task.reference)
    if task.status is Status.CANCELLED:
        raise FormsRefused(Refusal.TASK_CANCELLED, task=task.reference)
    if task.status not in TAKING:
        raise FormsRefused(Refusal.TASK_NOT_ASSIGNED, task=task.reference)
    scenario = scenario_version(connection, task.scenario_key, task.scenario_version)
    if scenario is None or body.form_id not in scenario.forms:
        raise FormsRefused(Refusal.FORM_NOT_IN_SCENARIO, task=task.reference, form_id=body.form_id)
    version = form_version(connection, body.form_id, body.form_version)
    if version is None or not version.takes_submissions(now, task.created_at):
        current = current_version(connection, body.form_id)
        raise VersionOutdated(
            body.form_id, body.form_version, current.version if current is not None else None
        )
    definition = definition_of(connection, version.id, version.digest)
    photos, errors = _attachments(body.attachments)
    subject = resolve_subject(connection, task.subject_id) or Subject(
        task.subject_type, task.subject_id
    )
    checked = check_submission(
        definition,
        body.answers,
        today=_today(body.completed_at, now),
        prefill=_golden(connection, subject.id, definition),
    )
    errors = [*checked.errors, *errors, *_unsent_photos(definition, checked.answers, photos)]
    if errors:
        raise SubmissionInvalid(errors)
    submission_id = connection.execute(
        upsert(connection, _SUBMISSIONS)
        .values(
            client_id=body.client_id,
            staff_id=principal.staff_id,
            device_id=principal.device_id,
            task_id=task.id,
            task_reference=task.reference,
            form_version_id=version.id,
            form_id=version.form_id,
            subject_type=subject.type,
            subject_id=subject.id,
            answers=checked.answers,
            body_digest=digest,
            proposals=len(checked.proposals),
            completed_at=body.completed_at,
            received_at=now,
        )
        .on_conflict_do_nothing(index_elements=["staff_id", "client_id"])
        .returning(FormSubmission.id)
    ).scalar_one_or_none()
    if submission_id is None:
        # Another post of this client id committed while this one was validating (PostgreSQL:
        # the insert waited for it): its answer is this one's.
        raced = _stored(connection, principal.staff_id, body.client_id, digest)
        if raced is None:  # pragma: no cover - the conflicting row is committed, so it is read
            raise LookupError("a conflicting submission vanished")
        return raced
    if photos:
        connection.execute(
            insert(SubmissionAttachment),
            [
                {
                    "submission_id": submission_id,
                    "sha256": sha,
                    "content_type": content_type,
                    "size": len(data),
                    "data": data,
                }
                for sha, (content_type, data) in photos.items()
            ],
        )
    origin = SubmittedFrom(
        submission_id=submission_id,
        task_id=task.id,
        task_reference=task.reference,
        staff_id=principal.staff_id,
        scenario_key=scenario.key,
        scenario_version=scenario.version,
        department=scenario.department,
        grid_code=task.grid_code,
        subject=subject,
    )
    propose_changes(connection, origin, checked.proposals, now=now)
    _audit(
        connection, principal, task, scenario, version, subject, submission_id, checked, now, signer
    )
    return SubmissionReceipt(submission_id, body.client_id, False, now, len(checked.proposals))


def _stored(
    connection: Connection, staff_id: int, client_id: str, digest: str
) -> SubmissionReceipt | None:
    """The receipt of the stored submission with this client id (a retry), or None;
    `submission_conflict` when it was stored with other content."""
    row = fetch_one(connection, _by_client_id(), {"staff": staff_id, "client": client_id})
    if row is None:
        return None
    if row.body_digest != digest:
        raise FormsRefused(Refusal.SUBMISSION_CONFLICT, client_id=client_id)
    return SubmissionReceipt(row.id, client_id, True, row.received_at, row.proposals)


@cache
def _by_client_id() -> Select[int, str, datetime, int]:
    """The statement of `_stored`, built once (every submission runs it)."""
    return select(
        FormSubmission.id,
        FormSubmission.body_digest,
        FormSubmission.received_at,
        FormSubmission.proposals,
    ).where(
        FormSubmission.staff_id == bindparam("staff"),
        FormSubmission.client_id == bindparam("client"),
    )


def _today(completed_at: datetime, now: datetime) -> date:
    """The day a form was completed, in China; never after the server's today."""
    return min(completed_at.astimezone(CHINA).date(), now.astimezone(CHINA).date())


def _golden(connection: Connection, entity_id: str, definition: FormDefinition) -> dict[str, Any]:
    """The subject's current golden values of the form's bound fields (compared, never sent)."""
    fields = [q.bind for q in definition.bound_questions() if q.bind is not None]
    if not fields:
        return {}
    found = fetch_one(connection, _golden_values(), {"entity": entity_id})
    return {} if found is None else {f: found.values.get(f) for f in fields}


@cache
def _golden_values() -> Select[dict[str, Any]]:
    """The statement of `_golden`, built once (every submission runs it)."""
    return select(GoldenRecord.values).where(GoldenRecord.entity_id == bindparam("entity"))


def _attachments(
    attachments: Sequence[AttachmentIn],
) -> tuple[dict[str, tuple[str, bytes]], list[FieldError]]:
    """The photos sent, by digest (bytes checked against it), and what is wrong with them."""
    photos: dict[str, tuple[str, bytes]] = {}
    errors: list[FieldError] = []

    def fail(index: int, zh: str, en: str) -> None:
        where_zh, where_en = f"第 {index + 1} 个附件", f"attachment {index + 1}"
        errors.append(
            FieldError(
                f"attachments[{index}]", "attachment", f"{where_zh}：{zh}", f"{where_en}: {en}"
            )
        )

    if len(attachments) > MAX_ATTACHMENTS:
        errors.append(
            FieldError(
                "attachments",
                "size",
                f"最多 {MAX_ATTACHMENTS} 个附件",
                f"at most {MAX_ATTACHMENTS} attachments",
            )
        )
        return photos, errors
    for index, attachment in enumerate(attachments):
        sha = attachment.sha256.lower()
        if attachment.content_type not in PHOTO_TYPES:
            fail(index, "只接受 JPEG、PNG 或 WebP 照片", "only JPEG, PNG or WebP photos")
            continue
        try:
            data = base64.b64decode(attachment.data, validate=True)
        except (binascii.Error, ValueError):
            fail(index, "内容不是有效的 base64 编码", "the data is not valid base64")
            continue
        if len(data) > MAX_ATTACHMENT_BYTES:
            limit = MAX_ATTACHMENT_BYTES // 1024 // 1024
            fail(index, f"照片超过 {limit} MB", f"the photo exceeds {limit} MB")
            continue
        if hashlib.sha256(data).hexdigest() != sha:
            fail(
                index,
                "内容与 SHA-256 摘要不符（传输中损坏），请重新发送",
                "the data does not match its SHA-256 (damaged on the way); send it again",
            )
            continue
        if sha in photos:
            fail(index, "同一张照片发送了两次", "the same photo is sent twice")
            continue
        photos[sha] = (attachment.content_type, data)
    return photos, errors


def _unsent_photos(
    definition: FormDefinition, answers: Mapping[str, Any], photos: Mapping[str, tuple[str, bytes]]
) -> list[FieldError]:
    """An error for every photo answer that names no photo sent with the submission."""
    errors: list[FieldError] = []

    def check(question: Question, value: object, path: str, place: Place) -> None:
        if question.type != "photo" or not isinstance(value, Mapping):
            return
        sent = photos.get(str(value.get("attachment")))
        if sent is None or sent[0] != value.get("content_type"):
            errors.append(
                FieldError(
                    path,
                    "attachment",
                    f"{place.zh}：照片没有随记录一起发送，请重新发送",
                    f"{place.en}: the photo was not sent with the record; send it again",
                )
            )

    for node, repeat in definition.nodes():
        if node.kind != "question" or node.type != "photo":
            continue
        if repeat is None:
            check(node, answers.get(node.name), node.name, Place(node))
            continue
        instances = answers.get(repeat.name)
        for index, instance in enumerate(instances if isinstance(instances, list) else []):
            if isinstance(instance, Mapping):
                path = f"{repeat.name}[{index}].{node.name}"
                check(node, instance.get(node.name), path, Place(node, index, repeat))
    return errors


def _audit(
    connection: Connection,
    principal: Principal,
    task: TaskInfo,
    scenario: Scenario,
    version: FormVersionInfo,
    subject: Subject,
    submission_id: int,
    checked: Checked,
    now: datetime,
    signer: Signer | None,
) -> None:
    """The submission as data coming in: who, on which device, for which task and subject,
    which questions were answered — never the answers."""
    role = preferred_role(principal.roles & frozenset(scenario.roles)) or preferred_role(
        principal.roles
    )
    append(
        connection,
        [
            EventDraft(
                RECORDED,
                actor_id=str(principal.staff_id),
                actor_role=role.value if role is not None else None,
                department=principal.department,
                device_id=principal.device_id,
                purpose_kind="task",
                purpose_ref=task.reference,
                subject_type=subject.type,
                subject_id=subject.id,
                fields=tuple(sorted(checked.answers)),
                detail={
                    "submission": submission_id,
                    "form": version.form_id,
                    "version": version.version,
                    "scenario": scenario.key,
                    "proposed": sorted(p.field for p in checked.proposals),
                },
                occurred_at=now,
            )
        ],
        signer=signer,
    )
