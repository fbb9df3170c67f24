"""Record links: what became of every input row — linked to an entity, or why not.

Every row the engine read has exactly one link row, so "rows read = linked + quarantined +
…" can be checked against the store as well as against the engine's own counts.
"""

from __future__ import annotations

from sqlalchemy import Float, Index, Integer, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from frontline.store.base import Base, code, one_of

LINK_STATUSES = ("linked", "quarantined", "skipped", "other_source")
LINK_METHODS = ("identifier", "probabilistic", "review", "rule")


class RecordLink(Base):
    """The outcome of one input row: (source, file, row) → entity."""

    __tablename__ = "record_links"
    __table_args__ = (
        one_of("status", LINK_STATUSES, name="status"),
        one_of("method", LINK_METHODS, name="method"),
        # What a run changed: the publisher checks those links' entities. Not (run_id,
        # entity_id): entity ids arrive in random order, which makes that index slow to fill.
        Index(None, "run_id"),
    )

    source: Mapped[str] = mapped_column(code(64), primary_key=True)
    file: Mapped[str] = mapped_column(code(), primary_key=True)
    row: Mapped[int] = mapped_column(Integer, primary_key=True)
    # No foreign key: a per-row check would be most of the cost of loading millions of
    # links (SQLite ~4 µs, PostgreSQL ~5 µs and a row lock). Only the publisher writes
    # links, and it checks every link it wrote in one set-based query before committing.
    entity_id: Mapped[str | None] = mapped_column(code(32), index=True)
    status: Mapped[str] = mapped_column(String(16))
    method: Mapped[str | None] = mapped_column(String(16))
    confidence: Mapped[float | None] = mapped_column(Float)
    reason: Mapped[str | None] = mapped_column(String(64))
    """The quarantine reason code, when quarantined."""
    run_id: Mapped[int] = mapped_column(Integer)
    """The run that last changed this link (a run id; see `Entity.created_run`)."""


def links_of_entity(session: Session, entity_id: str) -> list[RecordLink]:
    """Every input row linked to `entity_id`, by source, file and row."""
    query = select(RecordLink).where(RecordLink.entity_id == entity_id)
    return list(session.scalars(query.order_by(RecordLink.source, RecordLink.file, RecordLink.row)))


def link_counts(session: Session, source: str | None = None) -> dict[str, int]:
    """How many input rows have each link status (of one source, or of all)."""
    query = select(RecordLink.status, func.count()).group_by(RecordLink.status)
    if source is not None:
        query = query.where(RecordLink.source == source)
    return dict(session.execute(query).all())
