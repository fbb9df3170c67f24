"""An event as its writer describes it, checked before it reaches the chain."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import String

from frontline.audit.models import PURPOSE_KINDS, AuditEvent

# The same limits on every database: SQLite would store an over-long code that PostgreSQL
# refuses, and the two must not disagree about what the log holds.
_LIMITS = {
    column.name: column.type.length
    for column in AuditEvent.__table__.columns
    if isinstance(column.type, String) and column.type.length is not None
}
FIELD_NAME_LIMIT = 64


@dataclass(frozen=True, slots=True)
class EventDraft:
    """One event to append. `fields` are field names only; `detail` never holds personal data.

    A read of personal data (non-empty `fields`) must name its subject and a purpose: a draft
    without them is refused, so a read that cannot be accounted for fails with its audit.
    """

    action: str
    actor_id: str | None = None
    actor_role: str | None = None
    department: str | None = None
    device_id: str | None = None
    purpose_kind: str = "none"
    purpose_ref: str | None = None
    subject_type: str | None = None
    subject_id: str | None = None
    fields: tuple[str, ...] = ()
    detail: Mapping[str, object] = field(default_factory=dict)
    occurred_at: datetime | None = None
    """When it happened (aware); None means when it is appended."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "fields", tuple(self.fields))
        for name, limit in _LIMITS.items():
            value = getattr(self, name, None)
            if value is not None and not _is_text(value, limit):
                raise ValueError(f"audit event {name} must be text of 1 to {limit} characters")
        if self.purpose_kind not in PURPOSE_KINDS:
            raise ValueError(f"purpose_kind must be one of {PURPOSE_KINDS}")
        if (self.purpose_kind == "none") != (self.purpose_ref is None):
            raise ValueError("purpose_ref is required with a purpose, and only with one")
        if not all(_is_text(f, FIELD_NAME_LIMIT) for f in self.fields):
            raise ValueError(f"field names must be text of 1 to {FIELD_NAME_LIMIT} characters")
        if self.fields and (self.subject_id is None or self.subject_type is None):
            raise ValueError("a read of personal data must name its subject")
        if self.fields and self.purpose_kind == "none":
            raise ValueError("a read of personal data must state its purpose")
        if (self.subject_type is None) != (self.subject_id is None):
            raise ValueError("subject_type and subject_id go together")
        if not isinstance(self.detail, Mapping):
            raise ValueError("detail must be a JSON object")
        if self.occurred_at is not None and self.occurred_at.utcoffset() is None:
            raise ValueError("occurred_at must be an aware datetime")


def _is_text(value: object, limit: int) -> bool:
    # No NUL: PostgreSQL cannot store it in text, and SQLite must not hold what PostgreSQL cannot.
    return isinstance(value, str) and 0 < len(value) <= limit and "\x00" not in value
