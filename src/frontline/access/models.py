"""Tables of the access policy (break-glass grants), declared on the serving database's `Base`.

Counter lookups and reads need no table of their own: each is an event in the audit log,
appended in the read's own transaction.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, column, or_
from sqlalchemy.orm import Mapped, mapped_column

from frontline.store.base import Base, UtcDateTime, code, one_of

REVIEW_STATES = ("pending", "accepted", "questioned")
"""An auditor's verdict on a grant: not yet reviewed, justified, or taken further."""


class BreakGlassGrant(Base):
    """Emergency access to one subject, outside any task: self-granted with a justification,
    short-lived, and reviewed afterwards by an auditor.

    The justification is the grantee's own words and may name the person, so it is kept
    here, not in the audit log (whose events never hold personal data).
    """

    __tablename__ = "break_glass_grants"
    __table_args__ = (
        one_of("review_state", REVIEW_STATES, name="review_state"),
        CheckConstraint(column("expires_at") > column("granted_at"), name="expiry"),
        CheckConstraint(
            or_(
                (column("review_state") == "pending") & column("reviewed_by").is_(None),
                (column("review_state") != "pending") & column("reviewed_by").isnot(None),
            ),
            name="reviewed",
        ),
        Index(None, "staff_id", "subject_id"),
        Index(None, "review_state", "granted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"))
    role: Mapped[str] = mapped_column(String(32))
    """The grantee's role the scenario allows, as it was when granted."""
    department: Mapped[str] = mapped_column(code(64))
    subject_type: Mapped[str] = mapped_column(code(32))
    subject_id: Mapped[str] = mapped_column(ForeignKey("entities.entity_id"))
    scenario_key: Mapped[str] = mapped_column(code(64))
    scenario_version: Mapped[int] = mapped_column(Integer)
    """The scenario whose fields (and masking) the grant opens."""
    justification: Mapped[str] = mapped_column(Text)
    granted_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    review_state: Mapped[str] = mapped_column(String(16))
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    review_note: Mapped[str | None] = mapped_column(Text)
