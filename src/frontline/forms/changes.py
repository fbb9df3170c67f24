"""Change requests: a submission's bound answers that differ from the golden record, each a
proposed change to one field of one record, waiting for a reviewer.

    propose_changes(connection, [(submission, proposals)], now=now)   # with the submission
    change = get_change(connection, 42)                           # CR000042, no values read
    changes_page(connection, principal, status="pending")         # a reviewer's queue

Two pending requests for the same field of the same record that propose different values
are in **conflict**: computed whenever requests are read, so a conflict ends as soon as one
of them is decided. Reading the values themselves is a review (`frontline.forms.review`),
through the access policy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, exists, func, insert, select
from sqlalchemy.orm import aliased

from frontline.access.purposes import ChangeFacts, Subject, change_reference
from frontline.areas.codes import area_bounds
from frontline.forms.definition import Label
from frontline.forms.models import ChangeRequest
from frontline.forms.validation import Proposal
from frontline.integrate.fields import entity_types
from frontline.staff.models import StaffMember
from frontline.staff.principal import Principal

MAX_PAGE = 200
FIELD_LABELS_EN = {
    "name": "Name",
    "sex": "Sex",
    "birth_date": "Date of birth",
    "ethnicity": "Ethnicity",
    "phone": "Phone",
    "address": "Address",
    "death_date": "Date of death",
    "legal_rep_name": "Legal representative",
    "kind": "Kind of entity",
    "status": "Registration status",
    "established": "Date established",
}
"""The English names of the fields a form can bind (`frontline.integrate.fields` names them
in Chinese)."""


@dataclass(frozen=True, slots=True)
class ChangeInfo:
    """A change request as stored: where it came from and what it proposes."""

    id: int
    submission_id: int
    task_id: int
    task_reference: str
    staff_id: int
    worker_name: str | None
    scenario_key: str
    scenario_version: int
    department: str
    grid_code: str
    subject_type: str
    subject_id: str
    field: str
    question: str
    old_value: Any
    new_value: str
    status: str
    conflict: bool
    """Another pending request for the same field of the same record proposes another value."""
    reviewer_id: int | None
    reason: str | None
    created_at: datetime
    decided_at: datetime | None

    @property
    def reference(self) -> str:
        """`CR000042`."""
        return change_reference(self.id)

    @property
    def subject(self) -> Subject:
        return Subject(self.subject_type, self.subject_id)

    @property
    def facts(self) -> ChangeFacts:
        """What the access policy decides a review of this request on."""
        return ChangeFacts(
            change_id=self.id,
            scenario_key=self.scenario_key,
            scenario_version=self.scenario_version,
            subject=self.subject,
            field=self.field,
        )

    @property
    def label(self) -> Label:
        """The field's name, in Chinese and English."""
        return field_label(self.subject_type, self.field)


@dataclass(frozen=True, slots=True)
class SubmittedFrom:
    """What a change request copies from its submission and the submission's task."""

    submission_id: int
    task_id: int
    task_reference: str
    staff_id: int
    scenario_key: str
    scenario_version: int
    department: str
    grid_code: str
    subject: Subject


def field_label(entity_type: str, field: str) -> Label:
    """A golden-record field's name, in Chinese and English."""
    entity = entity_types().get(entity_type)
    known = entity.field(field) if entity is not None else None
    return {
        "zh": known.label_zh if known is not None else field,
        "en": FIELD_LABELS_EN.get(field, field),
    }


def propose_changes(
    connection: Connection,
    submitted: Sequence[tuple[SubmittedFrom, Sequence[Proposal]]],
    *,
    now: datetime,
) -> None:
    """One pending change request per proposal of each submission, in the submissions'
    transaction (one statement for all)."""
    rows = [
        {
            "submission_id": origin.submission_id,
            "task_id": origin.task_id,
            "task_reference": origin.task_reference,
            "staff_id": origin.staff_id,
            "scenario_key": origin.scenario_key,
            "scenario_version": origin.scenario_version,
            "department": origin.department,
            "grid_code": origin.grid_code,
            "subject_type": origin.subject.type,
            "subject_id": origin.subject.id,
            "field": proposal.field,
            "question": proposal.question,
            "old_value": proposal.prefilled,
            "new_value": str(proposal.value),
            "status": "pending",
            "created_at": now,
        }
        for origin, proposals in submitted
        for proposal in proposals
    ]
    if rows:
        connection.execute(insert(ChangeRequest), rows)


_WORKER = aliased(StaffMember)
_RIVAL = aliased(ChangeRequest)


def _conflict() -> ColumnElement[bool]:
    """Whether another pending request for the same field of the same record proposes
    another value (only a pending request is in conflict)."""
    rival = exists().where(
        _RIVAL.subject_id == ChangeRequest.subject_id,
        _RIVAL.field == ChangeRequest.field,
        _RIVAL.status == "pending",
        _RIVAL.id != ChangeRequest.id,
        _RIVAL.new_value != ChangeRequest.new_value,
    )
    return and_(ChangeRequest.status == "pending", rival)


def _query() -> Any:
    return select(
        *ChangeRequest.__table__.columns,
        _WORKER.display_name.label("worker_name"),
        _conflict().label("conflict"),
    ).outerjoin(_WORKER, _WORKER.id == ChangeRequest.staff_id)


def _info(row: Any) -> ChangeInfo:
    return ChangeInfo(
        id=row.id,
        submission_id=row.submission_id,
        task_id=row.task_id,
        task_reference=row.task_reference,
        staff_id=row.staff_id,
        worker_name=row.worker_name,
        scenario_key=row.scenario_key,
        scenario_version=row.scenario_version,
        department=row.department,
        grid_code=row.grid_code,
        subject_type=row.subject_type,
        subject_id=row.subject_id,
        field=row.field,
        question=row.question,
        old_value=row.old_value,
        new_value=row.new_value,
        status=row.status,
        conflict=bool(row.conflict),
        reviewer_id=row.reviewer_id,
        reason=row.reason,
        created_at=row.created_at,
        decided_at=row.decided_at,
    )


def get_change(connection: Connection, change_id: int) -> ChangeInfo | None:
    """One change request (no authority checked, no value read), or None."""
    row = connection.execute(_query().where(ChangeRequest.id == change_id)).one_or_none()
    return None if row is None else _info(row)


def changes_of_submission(connection: Connection, submission_id: int) -> list[ChangeInfo]:
    """The change requests a submission proposed, in the order of its questions."""
    query = _query().where(ChangeRequest.submission_id == submission_id)
    return [_info(row) for row in connection.execute(query.order_by(ChangeRequest.id))]


@dataclass(frozen=True, slots=True)
class ChangePage:
    """A page of change requests, and how many match in all."""

    items: list[ChangeInfo]
    total: int
    limit: int
    offset: int


def changes_page(
    connection: Connection,
    principal: Principal,
    *,
    status: str | None = None,
    field: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> ChangePage:
    """The change requests of `principal`'s department whose task lies in their area scope:
    pending ones oldest first (the queue), others newest first. The policy still decides
    each read of their values (`frontline.forms.review`)."""
    limit = max(1, min(limit, MAX_PAGE))
    offset = max(0, offset)
    try:
        low, high = area_bounds(principal.area)
    except ValueError:
        low = high = ""  # a scope that names no area holds nothing
    conditions: list[ColumnElement[bool]] = [
        ChangeRequest.department == principal.department,
        ChangeRequest.grid_code >= low,
        ChangeRequest.grid_code < high,
    ]
    if status is not None:
        conditions.append(ChangeRequest.status == status)
    if field is not None:
        conditions.append(ChangeRequest.field == field)
    total = connection.execute(
        select(func.count()).select_from(ChangeRequest).where(*conditions)
    ).scalar_one()
    order = (
        (ChangeRequest.created_at, ChangeRequest.id)
        if status == "pending"
        else (ChangeRequest.created_at.desc(), ChangeRequest.id.desc())
    )
    rows = connection.execute(
        _query().where(*conditions).order_by(*order).limit(limit).offset(offset)
    )
    return ChangePage([_info(row) for row in rows], total, limit, offset)


def pending_rivals(connection: Connection, change: ChangeInfo) -> list[int]:
    """The other pending requests for the same field of the same record (any value)."""
    query = select(ChangeRequest.id).where(
        ChangeRequest.subject_id == change.subject_id,
        ChangeRequest.field == change.field,
        ChangeRequest.status == "pending",
        ChangeRequest.id != change.id,
    )
    return list(connection.execute(query.order_by(ChangeRequest.id)).scalars())


def same_value(left: object, right: object) -> bool:
    """Whether two values of a field are the same as a reviewer reads them: text compared
    with spaces at the ends removed and runs of spaces made one; no value and empty text
    are the same."""
    return _text(left) == _text(right)


def _text(value: object) -> str:
    if value is None:
        return ""
    return " ".join((value if isinstance(value, str) else str(value)).split())
