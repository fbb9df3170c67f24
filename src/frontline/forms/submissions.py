"""Submissions: a filled-in form from a worker's phone, validated again and stored exactly once.

    receipt = record_submission(connection, principal, body, now=now, signer=signer)
    receipt.duplicate        # True: this client id was stored before; nothing stored now
    outcomes = record_submissions(connection, principal, bodies, now=now)   # a phone's batch

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

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from functools import cache
from typing import Any

from sqlalchemy import (
    Connection,
    DateTime,
    Executable,
    Integer,
    Select,
    String,
    Table,
    Text,
    bindparam,
    cast,
    column,
    func,
    insert,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite

from frontline.access.policy import preferred_role, resolve_subject
from frontline.access.purposes import Subject
from frontline.audit import EventDraft, Signer, append
from frontline.forms.attachments import AttachmentIn, checked_photos, unsent_photos
from frontline.forms.changes import SubmittedFrom, propose_changes
from frontline.forms.definition import FormDefinition
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
from frontline.forms.validation import Checked, check_submission
from frontline.scenarios import Scenario, scenario_version
from frontline.staff.principal import Principal
from frontline.store.base import canonical_json
from frontline.store.golden import GoldenRecord
from frontline.store.hot import fetch_all, fetch_one
from frontline.tasks import Status, TaskInfo, get_task

CHINA = timezone(timedelta(hours=8))
"""The calendar `today()` means in a form (China keeps no daylight saving)."""
RECORDED = "submission_recorded"
_SUBMISSIONS: Table = FormSubmission.__table__  # type: ignore[assignment]
TAKING = frozenset({Status.ASSIGNED, Status.IN_PROGRESS, Status.DONE})
"""Task states that take submissions: done too, as a completion may sync first."""


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


@dataclass(frozen=True, slots=True)
class SubmissionOutcome:
    """What became of one submission of a batch: its receipt, or why it was refused."""

    client_id: str
    receipt: SubmissionReceipt | None = None
    refused: FormsRefused | None = None

    def refusal(self) -> FormsRefused:
        """Why it was refused (for an outcome without a receipt)."""
        if self.refused is None:
            raise LookupError(f"submission {self.client_id} was not refused")
        return self.refused


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
    (outcome,) = record_submissions(connection, principal, [body], now=now, signer=signer)
    if outcome.receipt is None:
        raise outcome.refusal()
    return outcome.receipt


def record_submissions(
    connection: Connection,
    principal: Principal,
    bodies: Sequence[SubmissionBody],
    *,
    now: datetime,
    signer: Signer | None = None,
) -> list[SubmissionOutcome]:
    """Validate and store a phone's queued submissions, each once and each on its own: one
    refused (for any reason `record_submission` gives) leaves the others stored. One outcome
    per body, in order. The stored ones, their photos, change requests and audit events are
    written together — a few statements for the whole batch, not a few for each."""
    batch = _Batch(connection, principal, now)
    digests = [body.digest() for body in bodies]
    stored = _stored_many(connection, principal.staff_id, [b.client_id for b in bodies])
    outcomes: list[SubmissionOutcome | None] = []
    ready: list[_Ready] = []
    first_of: dict[str, tuple[int, str]] = {}
    for index, (body, digest) in enumerate(zip(bodies, digests, strict=True)):
        earlier = first_of.setdefault(body.client_id, (index, digest))
        try:
            if body.client_id in stored:
                outcomes.append(SubmissionOutcome(body.client_id, stored[body.client_id](digest)))
            elif earlier[0] != index:
                if earlier[1] != digest:
                    raise FormsRefused(Refusal.SUBMISSION_CONFLICT, client_id=body.client_id)
                outcomes.append(None)  # a copy of an earlier one: answered as its duplicate
            else:
                ready.append(batch.checked(index, body, digest))
                outcomes.append(None)
        except FormsRefused as refused:
            outcomes.append(SubmissionOutcome(body.client_id, refused=refused))
    receipts = _store(batch, ready, signer)
    for index, body in enumerate(bodies):
        if outcomes[index] is not None:
            continue
        first = first_of[body.client_id][0]
        receipt = receipts.get(first)
        if receipt is None:  # the first copy was refused: so is this one, for the same reason
            original = outcomes[first]
            outcomes[index] = SubmissionOutcome(
                body.client_id, refused=original.refused if original is not None else None
            )
        elif first == index:
            outcomes[index] = SubmissionOutcome(body.client_id, receipt)
        else:
            outcomes[index] = SubmissionOutcome(body.client_id, replace(receipt, duplicate=True))
    return [outcome for outcome in outcomes if outcome is not None]


@dataclass(frozen=True, slots=True)
class _Ready:
    """A submission checked and ready to store."""

    index: int
    body: SubmissionBody
    digest: str
    task: TaskInfo
    scenario: Scenario
    version: FormVersionInfo
    subject: Subject
    checked: Checked
    photos: dict[str, tuple[str, bytes]]


class _Batch:
    """What the submissions of one batch look up, looked up once for all of them."""

    def __init__(self, connection: Connection, principal: Principal, now: datetime) -> None:
        self.connection = connection
        self.principal = principal
        self.now = now
        self._found: dict[tuple[str, object], Any] = {}

    def _once(self, kind: str, key: object, find: Callable[[], Any]) -> Any:
        if (kind, key) not in self._found:
            self._found[kind, key] = find()
        return self._found[kind, key]

    def checked(self, index: int, body: SubmissionBody, digest: str) -> _Ready:
        """`body` validated against its task, form and answers; `FormsRefused` if not."""
        connection, principal, now = self.connection, self.principal, self.now
        task: TaskInfo | None = self._once(
            "task", body.task, lambda: get_task(connection, body.task)
        )
        if task is None:
            raise FormsRefused(Refusal.TASK_NOT_FOUND, task=body.task)
        if task.assignee_id != principal.staff_id:
            raise FormsRefused(Refusal.TASK_NOT_ASSIGNED, task=task.reference)
        if task.status is Status.CANCELLED:
            raise FormsRefused(Refusal.TASK_CANCELLED, task=task.reference)
        if task.status not in TAKING:
            raise FormsRefused(Refusal.TASK_NOT_ASSIGNED, task=task.reference)
        scenario_key = (task.scenario_key, task.scenario_version)
        scenario: Scenario | None = self._once(
            "scenario", scenario_key, lambda: scenario_version(connection, *scenario_key)
        )
        if scenario is None or body.form_id not in scenario.forms:
            raise FormsRefused(
                Refusal.FORM_NOT_IN_SCENARIO, task=task.reference, form_id=body.form_id
            )
        form_key = (body.form_id, body.form_version)
        version: FormVersionInfo | None = self._once(
            "version", form_key, lambda: form_version(connection, *form_key)
        )
        if version is None or not version.takes_submissions(now, task.created_at):
            current = current_version(connection, body.form_id)
            raise VersionOutdated(
                body.form_id, body.form_version, current.version if current is not None else None
            )
        definition: FormDefinition = self._once(
            "definition", version.id, lambda: definition_of(connection, version.id, version.digest)
        )
        photos, errors = checked_photos(body.attachments)
        subject: Subject = self._once(
            "subject",
            task.subject_id,
            lambda: (
                resolve_subject(connection, task.subject_id)
                or Subject(task.subject_type, task.subject_id)
            ),
        )
        golden: dict[str, Any] = self._once(
            "golden", (subject.id, version.id), lambda: _golden(connection, subject.id, definition)
        )
        checked = check_submission(
            definition, body.answers, today=_today(body.completed_at, now), prefill=golden
        )
        errors = [*checked.errors, *errors, *unsent_photos(definition, checked.answers, photos)]
        if errors:
            raise SubmissionInvalid(errors)
        return _Ready(index, body, digest, task, scenario, version, subject, checked, photos)


def _store(
    batch: _Batch, ready: Sequence[_Ready], signer: Signer | None
) -> dict[int, SubmissionReceipt]:
    """Store the checked submissions (one insert for all), their photos, change requests and
    audit events; the receipt of each by its index in the batch."""
    if not ready:
        return {}
    connection, principal, now = batch.connection, batch.principal, batch.now
    rows = [_row(principal, item, now) for item in ready]
    inserted: Sequence[Any]
    if connection.dialect.name == "postgresql":
        # All rows as one JSON parameter: one statement text, prepared once, however many
        # rows — a multi-row VALUES list is a new text for psycopg to parse for every batch.
        document = canonical_json([_json_row(row) for row in rows])
        inserted = fetch_all(connection, _insert_new_from_json(), {"rows": document})
    else:
        inserted = connection.execute(_insert_new(), rows).all()
    ids = {client_id: submission_id for submission_id, client_id in inserted}
    receipts: dict[int, SubmissionReceipt] = {}
    stored: list[tuple[_Ready, int]] = []
    for item in ready:
        client_id = item.body.client_id
        if client_id not in ids:
            # Another post of this client id committed while this one was validating
            # (PostgreSQL: the insert waited for it): its answer is this one's.
            raced = _stored(connection, principal.staff_id, client_id, item.digest)
            if raced is None:  # pragma: no cover - the conflicting row is committed, so read
                raise LookupError("a conflicting submission vanished")
            receipts[item.index] = raced
            continue
        stored.append((item, ids[client_id]))
        receipts[item.index] = SubmissionReceipt(
            ids[client_id], client_id, False, now, len(item.checked.proposals)
        )
    photos = [
        {
            "submission_id": submission_id,
            "sha256": sha,
            "content_type": content_type,
            "size": len(data),
            "data": data,
        }
        for item, submission_id in stored
        for sha, (content_type, data) in item.photos.items()
    ]
    if photos:
        connection.execute(insert(SubmissionAttachment), photos)
    propose_changes(
        connection,
        [
            (_origin(principal, item, submission_id), item.checked.proposals)
            for item, submission_id in stored
        ],
        now=now,
    )
    append(
        connection,
        [_event(principal, item, submission_id, now) for item, submission_id in stored],
        signer=signer,
    )
    return receipts


_NEW = (
    ("client_id", String()),
    ("staff_id", Integer()),
    ("device_id", String()),
    ("task_id", Integer()),
    ("task_reference", String()),
    ("form_version_id", Integer()),
    ("form_id", String()),
    ("subject_type", String()),
    ("subject_id", String()),
    ("answers", postgresql.JSON()),
    ("body_digest", String()),
    ("proposals", Integer()),
    ("completed_at", DateTime(timezone=True)),
    ("received_at", DateTime(timezone=True)),
)
"""The columns a new submission is inserted with, and their types in a JSON record."""


@cache
def _insert_new() -> Executable:
    """Insert submissions not stored yet (SQLite; built once): a client id stored meanwhile
    is skipped, and left out of the ids returned."""
    return (
        sqlite.insert(_SUBMISSIONS)
        .on_conflict_do_nothing(index_elements=["staff_id", "client_id"])
        .returning(FormSubmission.id, FormSubmission.client_id)
    )


@cache
def _insert_new_from_json() -> Executable:
    """`_insert_new` on PostgreSQL, the rows given as one JSON array (`rows`)."""
    document = cast(bindparam("rows", type_=Text()), postgresql.JSON())
    records = (
        func.json_to_recordset(document)
        .table_valued(*(column(name, kind) for name, kind in _NEW))
        .render_derived(name="new", with_types=True)
    )
    names = [name for name, _ in _NEW]
    return (
        postgresql.insert(_SUBMISSIONS)
        .from_select(names, select(*(records.c[name] for name in names)))
        .on_conflict_do_nothing(index_elements=["staff_id", "client_id"])
        .returning(FormSubmission.id, FormSubmission.client_id)
    )


def _json_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A row for `_insert_new_from_json`: times as ISO 8601 text with their offset."""
    return {
        key: value.isoformat() if isinstance(value, datetime) else value
        for key, value in row.items()
    }


def _row(principal: Principal, item: _Ready, now: datetime) -> dict[str, Any]:
    return {
        "client_id": item.body.client_id,
        "staff_id": principal.staff_id,
        "device_id": principal.device_id,
        "task_id": item.task.id,
        "task_reference": item.task.reference,
        "form_version_id": item.version.id,
        "form_id": item.version.form_id,
        "subject_type": item.subject.type,
        "subject_id": item.subject.id,
        "answers": item.checked.answers,
        "body_digest": item.digest,
        "proposals": len(item.checked.proposals),
        "completed_at": item.body.completed_at,
        "received_at": now,
    }


def _origin(principal: Principal, item: _Ready, submission_id: int) -> SubmittedFrom:
    return SubmittedFrom(
        submission_id=submission_id,
        task_id=item.task.id,
        task_reference=item.task.reference,
        staff_id=principal.staff_id,
        scenario_key=item.scenario.key,
        scenario_version=item.scenario.version,
        department=item.scenario.department,
        grid_code=item.task.grid_code,
        subject=item.subject,
    )


def _stored(
    connection: Connection, staff_id: int, client_id: str, digest: str
) -> SubmissionReceipt | None:
    """The receipt of the stored submission with this client id (a retry), or None;
    `submission_conflict` when it was stored with other content."""
    answer = _stored_many(connection, staff_id, [client_id]).get(client_id)
    return None if answer is None else answer(digest)


def _stored_many(
    connection: Connection, staff_id: int, client_ids: Sequence[str]
) -> dict[str, Callable[[str], SubmissionReceipt]]:
    """For each of these client ids stored before: given a body's digest, the stored
    submission's receipt (a retry) — or `submission_conflict` for other content."""
    params = {"staff": staff_id, "clients": list(client_ids)}
    rows = connection.execute(_by_client_ids(), params).all()

    def answer(row: Any) -> Callable[[str], SubmissionReceipt]:
        def receipt(digest: str) -> SubmissionReceipt:
            if row.body_digest != digest:
                raise FormsRefused(Refusal.SUBMISSION_CONFLICT, client_id=row.client_id)
            return SubmissionReceipt(row.id, row.client_id, True, row.received_at, row.proposals)

        return receipt

    return {row.client_id: answer(row) for row in rows}


@cache
def _by_client_ids() -> Select[int, str, str, datetime, int]:
    """The statement of `_stored_many`, built once (every batch runs it)."""
    return select(
        FormSubmission.id,
        FormSubmission.client_id,
        FormSubmission.body_digest,
        FormSubmission.received_at,
        FormSubmission.proposals,
    ).where(
        FormSubmission.staff_id == bindparam("staff"),
        FormSubmission.client_id.in_(bindparam("clients", expanding=True)),
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


def _event(principal: Principal, item: _Ready, submission_id: int, now: datetime) -> EventDraft:
    """A submission as data coming in: who, on which device, for which task and subject,
    which questions were answered — never the answers."""
    scenario, checked = item.scenario, item.checked
    role = preferred_role(principal.roles & frozenset(scenario.roles)) or preferred_role(
        principal.roles
    )
    return EventDraft(
        RECORDED,
        actor_id=str(principal.staff_id),
        actor_role=role.value if role is not None else None,
        department=principal.department,
        device_id=principal.device_id,
        purpose_kind="task",
        purpose_ref=item.task.reference,
        subject_type=item.subject.type,
        subject_id=item.subject.id,
        fields=tuple(sorted(checked.answers)),
        detail={
            "submission": submission_id,
            "form": item.version.form_id,
            "version": item.version.version,
            "scenario": scenario.key,
            "proposed": sorted(p.field for p in checked.proposals),
        },
        occurred_at=now,
    )
