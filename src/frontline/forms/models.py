"""Tables of field data collection, declared on the serving database's `Base`.

- `form_versions`: every registered version of every form, its definition document and
  whether it is the form's current one. `current` is True for the active version and NULL
  once retired, so the unique constraint over (form_id, current) admits one active version
  per form on both databases (NULLs never collide), however registrations interleave.
- `form_submissions`: what a worker's phone sent, once: (staff_id, client_id) is unique, which
  is what makes a retried or duplicated sync store nothing twice.
- `submission_attachments`: the photos of a submission, bytes and all.
- `change_requests`: a bound answer that differs from the golden record, waiting for a
  reviewer; accepted ones have been written back (`frontline.forms.writeback`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from frontline.store.base import JSON_DOCUMENT, Base, JsonObject, UtcDateTime, code, one_of

FORM_STATES = ("active", "retired")
CURRENT_CHECK = "(current IS NULL) = (status = 'retired')"
"""`current` is NULL exactly when the version is retired."""
CHANGE_STATES = ("pending", "accepted", "rejected", "superseded")
"""A change request waits for a reviewer, was written back, was turned down with a reason, or
lost to another request for the same field that was accepted."""


class FormVersion(Base):
    """One version of one form: never changed once registered, only retired."""

    __tablename__ = "form_versions"
    __table_args__ = (
        UniqueConstraint("form_id", "version"),
        UniqueConstraint("form_id", "current"),
        one_of("status", FORM_STATES, name="status"),
        CheckConstraint(CURRENT_CHECK, name="current"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[str] = mapped_column(code(64))
    version: Mapped[str] = mapped_column(code(64))
    scenario_keys: Mapped[list[str]] = mapped_column(JSON_DOCUMENT)
    """The scenarios that named the form when it was registered (their `forms:` lists)."""
    definition: Mapped[JsonObject] = mapped_column(JSON_DOCUMENT)
    """`FormDefinition.to_document()`: what the app renders and the server validates with."""
    digest: Mapped[str] = mapped_column(String(64))
    entity_type: Mapped[str] = mapped_column(code(32))
    title: Mapped[str] = mapped_column(String(200))
    """The Chinese title, for lists (the definition has every language)."""
    filename: Mapped[str | None] = mapped_column(String(255))
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"))
    """None when registered by the deployment's set-up or the command line."""
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(String(16))
    current: Mapped[bool | None] = mapped_column(Boolean)
    retired_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class FormSubmission(Base):
    """A filled-in form as a worker's phone sent it, validated and accepted once."""

    __tablename__ = "form_submissions"
    __table_args__ = (
        UniqueConstraint("staff_id", "client_id"),
        Index(None, "form_id", "received_at"),
        Index(None, "task_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(code(36))
    """The phone's own id for the submission (a UUID): the same one again is a retry."""
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"))
    device_id: Mapped[str | None] = mapped_column(ForeignKey("devices.id"))
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"))
    task_reference: Mapped[str] = mapped_column(code(16))
    form_version_id: Mapped[int] = mapped_column(ForeignKey("form_versions.id"))
    form_id: Mapped[str] = mapped_column(code(64))
    subject_type: Mapped[str] = mapped_column(code(32))
    subject_id: Mapped[str] = mapped_column(ForeignKey("entities.entity_id"))
    answers: Mapped[JsonObject] = mapped_column(JSON_DOCUMENT)
    """The answers as the server settled them: typed, irrelevant ones dropped, calculates
    computed (`frontline.forms.check_submission`)."""
    body_digest: Mapped[str] = mapped_column(String(64))
    """SHA-256 of the canonical body: a retry with other content is a conflict, not a copy."""
    proposals: Mapped[int] = mapped_column(Integer)
    completed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SubmissionAttachment(Base):
    """A photo sent with a submission; an answer names it by its SHA-256."""

    __tablename__ = "submission_attachments"
    __table_args__ = (UniqueConstraint("submission_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("form_submissions.id", ondelete="CASCADE")
    )
    sha256: Mapped[str] = mapped_column(code(64))
    content_type: Mapped[str] = mapped_column(String(32))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class ChangeRequest(Base):
    """A proposed change to one field of one golden record, from one submission."""

    __tablename__ = "change_requests"
    __table_args__ = (
        one_of("status", CHANGE_STATES, name="status"),
        Index(None, "department", "status"),
        Index(None, "subject_id", "field", "status"),
        Index(None, "submission_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("form_submissions.id"))
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"))
    task_reference: Mapped[str] = mapped_column(code(16))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"))
    """The worker whose submission proposed it."""
    scenario_key: Mapped[str] = mapped_column(code(64))
    scenario_version: Mapped[int] = mapped_column(Integer)
    department: Mapped[str] = mapped_column(code(64))
    """The scenario's owning department: its managers review the request."""
    grid_code: Mapped[str] = mapped_column(code(15))
    """The task's grid: where reviewers' lists look first (the policy decides every read)."""
    subject_type: Mapped[str] = mapped_column(code(32))
    subject_id: Mapped[str] = mapped_column(ForeignKey("entities.entity_id"))
    field: Mapped[str] = mapped_column(code(64))
    question: Mapped[str] = mapped_column(code(64))
    """The bound question whose answer proposes the value."""
    old_value: Mapped[Any] = mapped_column(JSON_DOCUMENT, nullable=True)
    """The golden value when the submission arrived (JSON null when there was none)."""
    new_value: Mapped[str] = mapped_column(Text)
    """The proposed value: bound answers are text (dates as ISO text)."""
    status: Mapped[str] = mapped_column(String(16))
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
