"""Review pairs: record pairs the linker was unsure about, and a steward's decision on each.

A pair is stored once whichever way round it was found (left sorts before right), so a
decision made on it is found again by every later run that meets the same two records.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    column,
    select,
    tuple_,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from frontline.store.base import JSON_DOCUMENT, Base, JsonObject, UtcDateTime, code, one_of, utc_now
from frontline.store.rows import RecordRef

REVIEW_STATUSES = ("open", "same", "not_same")
_LEFT = ("left_source", "left_file", "left_row")
_RIGHT = ("right_source", "right_file", "right_row")


class ReviewPair(Base):
    """Two input records that may be the same entity, and what a steward decided."""

    __tablename__ = "review_pairs"
    __table_args__ = (
        UniqueConstraint(*_LEFT, *_RIGHT, name="uq_review_pairs_pair"),
        CheckConstraint(tuple_(*map(column, _LEFT)) < tuple_(*map(column, _RIGHT)), name="ordered"),
        one_of("status", REVIEW_STATUSES, name="status"),
        Index(None, "status", "entity_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    left_source: Mapped[str] = mapped_column(code(64))
    left_file: Mapped[str] = mapped_column(code())
    left_row: Mapped[int] = mapped_column(Integer)
    right_source: Mapped[str] = mapped_column(code(64))
    right_file: Mapped[str] = mapped_column(code())
    right_row: Mapped[int] = mapped_column(Integer)
    entity_type: Mapped[str] = mapped_column(code(32))
    match_probability: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(16))
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    reason: Mapped[str | None] = mapped_column(Text)
    first_seen_run: Mapped[int] = mapped_column(ForeignKey("integration_runs.id"))
    records: Mapped[JsonObject | None] = mapped_column(JSON_DOCUMENT)
    """The two records' values as the linker saw them (`left`, `right`), for the steward."""

    @property
    def left(self) -> RecordRef:
        """The record that sorts first."""
        return RecordRef(self.left_source, self.left_file, self.left_row)

    @property
    def right(self) -> RecordRef:
        """The record that sorts second."""
        return RecordRef(self.right_source, self.right_file, self.right_row)


def open_review_pairs(
    session: Session, *, entity_type: str | None = None, limit: int = 100, offset: int = 0
) -> list[ReviewPair]:
    """Undecided pairs, the most probable matches first."""
    query = select(ReviewPair).where(ReviewPair.status == "open")
    if entity_type is not None:
        query = query.where(ReviewPair.entity_type == entity_type)
    query = query.order_by(ReviewPair.match_probability.desc(), ReviewPair.id)
    return list(session.scalars(query.limit(limit).offset(offset)))


def review_pair_between(session: Session, a: RecordRef, b: RecordRef) -> ReviewPair | None:
    """The pair of records `a` and `b`, in either order, or None."""
    left, right = sorted((a, b))
    return session.scalars(
        select(ReviewPair).where(
            tuple_(*(getattr(ReviewPair, name) for name in _LEFT)) == tuple_(*left),
            tuple_(*(getattr(ReviewPair, name) for name in _RIGHT)) == tuple_(*right),
        )
    ).first()


def decide_review_pair(
    session: Session,
    pair_id: int,
    *,
    same: bool,
    decided_by: str,
    reason: str | None = None,
    decided_at: datetime | None = None,
) -> ReviewPair:
    """Record a steward's decision on a pair (a later decision replaces an earlier one).

    The change is flushed, not committed: the caller's transaction decides.
    """
    pair = session.get(ReviewPair, pair_id)
    if pair is None:
        raise LookupError(f"no review pair {pair_id}")
    pair.status = "same" if same else "not_same"
    pair.decided_by = decided_by
    pair.reason = reason
    pair.decided_at = decided_at or utc_now()
    session.flush()
    return pair


def review_decisions(session: Session, entity_type: str | None = None) -> list[ReviewPair]:
    """Every decided pair: what the linker must obey in each run."""
    query = select(ReviewPair).where(ReviewPair.status != "open")
    if entity_type is not None:
        query = query.where(ReviewPair.entity_type == entity_type)
    return list(session.scalars(query.order_by(ReviewPair.id)))
