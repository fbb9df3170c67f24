"""The forms API's request and response bodies: form versions, submissions from phones,
change requests for reviewers."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, Field, JsonValue, field_validator

from frontline.access.purposes import change_reference
from frontline.forms.attachments import MAX_ATTACHMENT_TEXT, MAX_ATTACHMENTS, AttachmentIn
from frontline.forms.changes import ChangeInfo
from frontline.forms.registry import FormVersionInfo, Registration
from frontline.forms.review import MAX_REASON, MIN_REASON, REASON_PATTERN, Decided, Reviewed
from frontline.forms.submissions import SubmissionBody, SubmissionReceipt

FORM_ID = r"^[a-z][a-z0-9_]*$"
VERSION = r"^[0-9A-Za-z][0-9A-Za-z._-]{0,63}$"
UUID4 = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$"
TASK_REFERENCE = r"^T[0-9]{8,10}$"
PhotoType = Literal["image/jpeg", "image/png", "image/webp"]


class FormVersionOut(BaseModel):
    """A registered form version (its definition is at `/forms/{form_id}/versions/{version}`)."""

    form_id: str
    version: str
    title: str = Field(description="The Chinese title.")
    entity_type: str
    scenarios: list[str] = Field(
        description="The scenarios that named the form when it was registered."
    )
    digest: str = Field(description="SHA-256 of the definition document.")
    filename: str | None
    uploaded_by: int | None = Field(description="Staff id; null for the deployment's set-up.")
    uploaded_at: datetime
    status: Literal["active", "retired"]
    retired_at: datetime | None

    @classmethod
    def of(cls, info: FormVersionInfo) -> FormVersionOut:
        return cls(
            form_id=info.form_id, version=info.version, title=info.title,
            entity_type=info.entity_type, scenarios=list(info.scenario_keys), digest=info.digest,
            filename=info.filename, uploaded_by=info.uploaded_by, uploaded_at=info.uploaded_at,
            status=info.status,  # type: ignore[arg-type]
            retired_at=info.retired_at,
        )  # fmt: skip


class FormRegistered(FormVersionOut):
    """What an upload did."""

    added: bool = Field(description="False: this version was registered with this content before.")
    retired_version: str | None = Field(description="The version this one retired.")

    @classmethod
    def registered(cls, done: Registration) -> FormRegistered:
        return cls(
            **FormVersionOut.of(done.version).model_dump(),
            added=done.added,
            retired_version=done.retired,
        )


class FormList(BaseModel):
    """Each form's latest version."""

    items: list[FormVersionOut]


class FormVersions(BaseModel):
    """Every version of one form, newest first."""

    form_id: str
    items: list[FormVersionOut]


class AttachmentBody(BaseModel):
    """A photo sent with a submission."""

    sha256: str = Field(
        pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the bytes, lower-case hex."
    )
    content_type: PhotoType
    data: str = Field(
        max_length=MAX_ATTACHMENT_TEXT, description="The bytes, base64 (at most 2 MB)."
    )


class SubmissionIn(BaseModel):
    """One filled-in form from the phone."""

    client_id: str = Field(pattern=UUID4, description="The phone's UUID (v4) for this submission.")
    task: str = Field(pattern=TASK_REFERENCE, description="The task's reference, T00000042.")
    form_id: str = Field(max_length=64, pattern=FORM_ID)
    form_version: str = Field(max_length=64, pattern=VERSION)
    answers: dict[str, JsonValue] = Field(description="Answers by question name (docs/forms.md).")
    attachments: list[AttachmentBody] = Field(default_factory=list, max_length=MAX_ATTACHMENTS)
    completed_at: AwareDatetime = Field(
        description="When the worker finished the form, with its offset."
    )

    @field_validator("client_id")
    @classmethod
    def _lower(cls, value: str) -> str:
        return value.lower()

    def body(self) -> SubmissionBody:
        """The service's view of the submission."""
        return SubmissionBody(
            client_id=self.client_id,
            task=self.task,
            form_id=self.form_id,
            form_version=self.form_version,
            answers=self.answers,
            attachments=tuple(
                AttachmentIn(a.sha256, a.content_type, a.data) for a in self.attachments
            ),
            completed_at=self.completed_at,
        )


class SubmissionOut(BaseModel):
    """The server's answer to a submission: the same every time it is sent."""

    submission_id: int
    client_id: str
    status: Literal["accepted"]
    duplicate: bool = Field(description="True: stored before; nothing was stored now.")
    received_at: datetime
    proposals: int = Field(description="Changes to the record the answers propose, for review.")

    @classmethod
    def of(cls, receipt: SubmissionReceipt) -> SubmissionOut:
        return cls(
            submission_id=receipt.submission_id, client_id=receipt.client_id, status="accepted",
            duplicate=receipt.duplicate, received_at=receipt.received_at,
            proposals=receipt.proposals,
        )  # fmt: skip


MAX_BATCH = 50
"""The most submissions one batch carries."""


class BatchedSubmissionIn(SubmissionIn):
    """A filled-in form in a batch: one without photos (a form with photos is sent alone)."""

    attachments: list[AttachmentBody] = Field(
        default_factory=list, max_length=0, description="None: send a form with photos alone."
    )


class SubmissionBatchIn(BaseModel):
    """A phone's queued submissions without photos, sent together (oldest first)."""

    submissions: list[BatchedSubmissionIn] = Field(min_length=1, max_length=MAX_BATCH)


class SubmissionResultOut(BaseModel):
    """What became of one submission of a batch: as if it had been sent alone."""

    client_id: str
    status: int = Field(
        description="The status it would get alone: 201 stored, 200 stored before (a retry), "
        "or the problem's status (404, 403, 409, 422)."
    )
    submission: SubmissionOut | None = Field(description="The receipt, when stored.")
    problem: dict[str, JsonValue] | None = Field(
        description="When refused: the problem details it would get alone "
        "(`errors` lists the wrong answers of a 422)."
    )


class SubmissionBatchOut(BaseModel):
    """One result per submission sent, in the order sent."""

    results: list[SubmissionResultOut]


class LabelOut(BaseModel):
    """A name in Chinese and English."""

    zh: str
    en: str


class SubjectOut(BaseModel):
    type: str
    id: str


ChangeStatus = Literal["pending", "accepted", "rejected", "superseded"]


class ChangeOut(BaseModel):
    """A change request with its values: the record's value when it was proposed, the
    proposed one, and the record's value now."""

    id: int
    reference: str = Field(description="CR000042")
    status: ChangeStatus
    conflict: bool = Field(
        description="Another pending request for this field of this record proposes another value."
    )
    subject: SubjectOut
    field: str
    label: LabelOut
    old_value: JsonValue
    new_value: str
    current_value: JsonValue
    task_reference: str
    submission_id: int
    worker_id: int
    worker_name: str | None
    scenario: str
    created_at: datetime
    reviewer_id: int | None
    reason: str | None
    decided_at: datetime | None
    audit_seq: int = Field(description="The audit event of this read or decision.")

    @classmethod
    def of(cls, change: ChangeInfo, current: Any, audit_seq: int) -> ChangeOut:
        label = change.label
        return cls(
            id=change.id, reference=change.reference,
            status=change.status,  # type: ignore[arg-type]
            conflict=change.conflict,
            subject=SubjectOut(type=change.subject_type, id=change.subject_id),
            field=change.field, label=LabelOut(zh=label["zh"], en=label["en"]),
            old_value=change.old_value, new_value=change.new_value, current_value=current,
            task_reference=change.task_reference, submission_id=change.submission_id,
            worker_id=change.staff_id, worker_name=change.worker_name,
            scenario=change.scenario_key, created_at=change.created_at,
            reviewer_id=change.reviewer_id, reason=change.reason, decided_at=change.decided_at,
            audit_seq=audit_seq,
        )  # fmt: skip

    @classmethod
    def reviewed(cls, read: Reviewed) -> ChangeOut:
        return cls.of(read.change, read.current_value, read.audit_seq)


class ChangeList(BaseModel):
    """A page of change requests."""

    items: list[ChangeOut]
    total: int
    limit: int
    offset: int
    withheld: int = Field(description="Requests on this page the policy did not let you read.")


class AcceptIn(BaseModel):
    """Accepting a change request."""

    confirm_current: str | None = Field(
        default=None,
        max_length=2000,
        description="When the record changed since the request was made: the current value "
        "you saw (empty text for none), to accept it still.",
    )


class RejectIn(BaseModel):
    """Rejecting a change request."""

    reason: str = Field(
        min_length=MIN_REASON,
        max_length=MAX_REASON,
        # The service's own test of a reason, so the schema promises nothing it refuses.
        pattern=REASON_PATTERN,
        description="Read by the worker: at least two visible characters (not spaces or "
        "control characters).",
    )


class DecisionOut(ChangeOut):
    """A change request as a decision left it."""

    golden_version: int | None = Field(description="The record's new version when accepted.")
    superseded: list[str] = Field(description="Requests for the same field this one superseded.")

    @classmethod
    def decided(cls, done: Decided) -> DecisionOut:
        return cls(
            **ChangeOut.of(done.change, done.current_value, done.audit_seq).model_dump(),
            golden_version=done.version,
            superseded=[change_reference(i) for i in done.superseded],
        )
