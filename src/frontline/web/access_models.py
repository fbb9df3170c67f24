"""The access API's request and response bodies, and how services' results are shaped in them."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, JsonValue

from frontline.access.break_glass import (
    JUSTIFICATION_PATTERN,
    MAX_JUSTIFICATION,
    MAX_NOTE,
    MIN_JUSTIFICATION,
    MIN_NOTE,
    Grant,
)
from frontline.access.chain_status import ChainStatus, Verification
from frontline.access.citizen_report import CitizenReport
from frontline.access.reading import SubjectRecord
from frontline.integrate.fields import entity_types

KEY_PATTERN = r"^[a-z][a-z0-9_]*$"
ENTITY_PATTERN = r"^[A-Za-z0-9_-]+$"


class IdNumberBody(BaseModel):
    """A resident ID number, in the body: never in a URL, where logs and histories keep it."""

    id_number: str = Field(
        min_length=15,
        max_length=40,
        description="公民身份号码: 18 characters (or an old 15-digit number); full-width "
        "digits, spaces and a lower-case x are accepted.",
    )


class CounterLookupIn(IdNumberBody):
    """A window clerk's lookup: whose data, for which counter scenario."""

    scenario: str = Field(max_length=64, pattern=KEY_PATTERN, description="A counter scenario.")


class SubjectRef(BaseModel):
    """A subject of the thematic store."""

    type: str
    id: str = Field(description="The entity id, e.g. P000001234.")


class ScenarioRef(BaseModel):
    """The scenario a read was made under."""

    key: str
    version: int
    name: str
    name_en: str


class FieldOut(BaseModel):
    """One field as it left the server."""

    name: str
    label_zh: str
    mask: str = Field(description="full, mask, last4, year or hidden.")
    value: JsonValue


class SubjectRead(BaseModel):
    """The minimised, masked record of one read; its audit event's seq."""

    subject: SubjectRef
    purpose_kind: Literal["task", "counter", "break_glass", "review", "export"]
    purpose_ref: str
    role: str
    scenario: ScenarioRef
    fields: list[FieldOut] = Field(description="The scenario's fields, in its order; no other.")
    read_at: datetime
    audit_seq: int


def subject_read(record: SubjectRecord) -> SubjectRead:
    """The API's shape of a read."""
    entity = entity_types().get(record.scenario.entity_type)
    fields = []
    for name, value in record.values.items():
        known = entity.field(name) if entity else None
        fields.append(
            FieldOut(
                name=name,
                label_zh=known.label_zh if known else name,
                mask=record.masks[name].value,
                value=value,
            )
        )
    scenario = record.scenario
    return SubjectRead(
        subject=SubjectRef(type=record.subject.type, id=record.subject.id),
        purpose_kind=record.purpose_kind,
        purpose_ref=record.purpose_ref,
        role=record.role.value,
        scenario=ScenarioRef(
            key=scenario.key, version=scenario.version, name=scenario.name, name_en=scenario.name_en
        ),
        fields=fields,
        read_at=record.read_at,
        audit_seq=record.audit_seq,
    )


class BreakGlassIn(BaseModel):
    """A request for emergency access to one subject."""

    subject_id: str = Field(min_length=1, max_length=32, pattern=ENTITY_PATTERN)
    scenario: str = Field(
        max_length=64, pattern=KEY_PATTERN, description="Whose fields and masking apply."
    )
    justification: str = Field(
        min_length=MIN_JUSTIFICATION,
        max_length=MAX_JUSTIFICATION,
        pattern=JUSTIFICATION_PATTERN,
        description="Why it cannot wait for a task: read by the auditor who reviews the grant.",
    )
    minutes: int = Field(default=60, ge=5, le=240, description="How long the grant lasts.")


class ReviewIn(BaseModel):
    """An auditor's verdict on a grant."""

    verdict: Literal["accepted", "questioned"]
    note: str = Field(min_length=MIN_NOTE, max_length=MAX_NOTE)


class GrantOut(BaseModel):
    """A break-glass grant."""

    id: int
    reference: str
    staff_id: int
    username: str
    display_name: str
    role: str
    department: str
    subject: SubjectRef
    scenario: str
    scenario_version: int
    justification: str
    granted_at: datetime
    expires_at: datetime
    active: bool
    review_state: Literal["pending", "accepted", "questioned"]
    reviewed_by: str | None
    reviewed_at: datetime | None
    review_note: str | None
    reads: int = Field(description="Reads made under the grant.")


def grant_out(grant: Grant, now: datetime) -> GrantOut:
    """The API's shape of a grant."""
    return GrantOut(
        id=grant.id,
        reference=grant.reference,
        staff_id=grant.staff_id,
        username=grant.username,
        display_name=grant.display_name,
        role=grant.role,
        department=grant.department,
        subject=SubjectRef(type=grant.subject.type, id=grant.subject.id),
        scenario=grant.scenario_key,
        scenario_version=grant.scenario_version,
        justification=grant.justification,
        granted_at=grant.granted_at,
        expires_at=grant.expires_at,
        active=grant.active(now),
        review_state=grant.review_state,  # type: ignore[arg-type]
        reviewed_by=grant.reviewed_by,
        reviewed_at=grant.reviewed_at,
        review_note=grant.review_note,
        reads=grant.reads,
    )


class GrantList(BaseModel):
    """Grants: for auditors every member's, for others their own."""

    items: list[GrantOut]


class AccessOut(BaseModel):
    """One access to the person's data."""

    seq: int
    occurred_at: datetime
    department: str | None
    department_name: str | None
    role: str | None
    role_zh: str | None
    actor_id: str | None
    device_id: str | None
    purpose_kind: str
    purpose_ref: str | None
    scenario: str | None
    scenario_name: str | None
    fields: list[str]
    field_labels: list[str]
    break_glass: bool


class AccessReportOut(BaseModel):
    """Every access to one person's data, newest first."""

    id_number_masked: str
    subject_id: str | None = Field(description="None when no such person is on record.")
    generated_at: datetime
    accesses: list[AccessOut]


def access_report_out(report: CitizenReport) -> AccessReportOut:
    """The API's shape of a citizen access report."""
    return AccessReportOut(
        id_number_masked=report.id_number_masked,
        subject_id=report.subject_id,
        generated_at=report.generated_at,
        accesses=[
            AccessOut(
                seq=line.entry.seq,
                occurred_at=line.entry.occurred_at,
                department=line.entry.department,
                department_name=line.department_name,
                role=line.entry.actor_role,
                role_zh=line.role_zh,
                actor_id=line.entry.actor_id,
                device_id=line.entry.device_id,
                purpose_kind=line.entry.purpose_kind,
                purpose_ref=line.entry.purpose_ref,
                scenario=line.scenario,
                scenario_name=line.scenario_name,
                fields=list(line.entry.fields),
                field_labels=list(line.field_labels),
                break_glass=line.entry.break_glass,
            )
            for line in report.lines
        ],
    )


class CheckpointOut(BaseModel):
    """A signed checkpoint."""

    seq: int
    signed_at: datetime
    key_id: str
    hash: str


class VerificationOut(BaseModel):
    """A recorded verification of the whole log."""

    seq: int = Field(description="The seq of the event that records it.")
    at: datetime
    actor_id: str | None
    ok: bool
    events: int
    proven_through: int
    checkpoints_verified: int
    signatures_checked: bool
    problems: dict[str, int]
    first_problem_seq: int | None


def verification_out(found: Verification) -> VerificationOut:
    """The API's shape of a verification."""
    return VerificationOut(
        seq=found.seq,
        at=found.at,
        actor_id=found.actor_id,
        ok=found.ok,
        events=found.events,
        proven_through=found.proven_through,
        checkpoints_verified=found.checkpoints_verified,
        signatures_checked=found.signatures_checked,
        problems=dict(found.problems),
        first_problem_seq=found.first_problem_seq,
    )


class AuditStatusOut(BaseModel):
    """The audit chain's head, newest checkpoints and last verification."""

    algorithm: str
    last_seq: int
    last_hash: str
    checkpoint_seq: int
    checkpointed_at: datetime | None
    checkpoints: list[CheckpointOut]
    last_verification: VerificationOut | None


def status_out(status: ChainStatus) -> AuditStatusOut:
    """The API's shape of the chain's status."""
    head = status.head
    last = status.last_verification
    return AuditStatusOut(
        algorithm=head.algorithm,
        last_seq=head.last_seq,
        last_hash=head.last_hash,
        checkpoint_seq=head.checkpoint_seq,
        checkpointed_at=head.checkpointed_at,
        checkpoints=[
            CheckpointOut(seq=c.seq, signed_at=c.signed_at, key_id=c.key_id, hash=c.hash)
            for c in status.checkpoints
        ],
        last_verification=verification_out(last) if last else None,
    )
