"""The citizen access report: every access to one person's (or enterprise's) data.

An access is any event about the subject that disclosed personal-data fields — a read on a
task, a counter lookup, a break-glass read, a data package issued to a device. The report
shows who (department, role, staff id, device), why (purpose and its reference), what
(the field names) and when, newest first. Because every read appends its event in the
read's own transaction, the report is complete by construction.

Department, role and actor are as they were at the time of access, not as they are now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Text, select, type_coerce

from frontline.audit.models import AuditEvent

_NO_FIELDS = "[]"


@dataclass(frozen=True, slots=True)
class AccessEntry:
    """One access to the subject's data."""

    seq: int
    occurred_at: datetime
    action: str
    department: str | None
    actor_role: str | None
    actor_id: str | None
    device_id: str | None
    purpose_kind: str
    purpose_ref: str | None
    fields: tuple[str, ...]

    @property
    def break_glass(self) -> bool:
        """Whether this was emergency access outside a task (flagged for review)."""
        return self.purpose_kind == "break_glass"


def access_report(
    connection: Connection, subject_type: str, subject_id: str, *, limit: int | None = None
) -> list[AccessEntry]:
    """Every access to `subject_id`'s data (an entity id, e.g. P000001234), newest first."""
    query = (
        select(
            AuditEvent.seq,
            AuditEvent.occurred_at,
            AuditEvent.action,
            AuditEvent.department,
            AuditEvent.actor_role,
            AuditEvent.actor_id,
            AuditEvent.device_id,
            AuditEvent.purpose_kind,
            AuditEvent.purpose_ref,
            AuditEvent.fields,
        )
        .where(
            AuditEvent.subject_type == subject_type,
            AuditEvent.subject_id == subject_id,
            # The stored text is canonical, so "no fields" is always exactly "[]".
            type_coerce(AuditEvent.fields, Text()) != _NO_FIELDS,
        )
        .order_by(AuditEvent.seq.desc())
    )
    if limit is not None:
        query = query.limit(limit)
    return [
        AccessEntry(
            seq=row.seq,
            occurred_at=row.occurred_at,
            action=row.action,
            department=row.department,
            actor_role=row.actor_role,
            actor_id=row.actor_id,
            device_id=row.device_id,
            purpose_kind=row.purpose_kind,
            purpose_ref=row.purpose_ref,
            fields=tuple(row.fields),
        )
        for row in connection.execute(query)
    ]
