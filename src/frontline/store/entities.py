"""Entities: the stable identity every golden record, link and issue hangs on.

An entity is never deleted and its id never changes or returns: a merged entity stays,
pointing at the one it merged into; a retired one stays retired.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from frontline.store.base import Base, code, one_of

ENTITY_STATUSES = ("active", "merged", "retired")


class Entity(Base):
    """A person, an enterprise, or an entity of a type added later (a plain string)."""

    __tablename__ = "entities"
    __table_args__ = (
        UniqueConstraint("entity_type", "entity_key"),
        one_of("status", ENTITY_STATUSES, name="status"),
    )

    entity_id: Mapped[str] = mapped_column(code(32), primary_key=True)
    """E.g. `P000000123`: the type's prefix and a number from its counter (see `counters`)."""
    entity_type: Mapped[str] = mapped_column(code(32))
    entity_key: Mapped[str] = mapped_column(code())
    """The normalised identifier (resident ID, credit code), or a synthetic key for an entity
    born from a cluster of records without one. Unique per type."""
    status: Mapped[str] = mapped_column(String(16))
    # Checked at commit: a publish may name a survivor it inserts later in the same batch.
    merged_into: Mapped[str | None] = mapped_column(
        ForeignKey("entities.entity_id", deferrable=True, initially="DEFERRED")
    )
    # Run ids in the bulk-loaded tables carry no foreign key: only the publisher writes them,
    # for a run it has checked, and on PostgreSQL a check costs a row lock per row.
    created_run: Mapped[int] = mapped_column(Integer)
    updated_run: Mapped[int] = mapped_column(Integer)


def entity(session: Session, entity_id: str) -> Entity | None:
    """The entity `entity_id`, or None."""
    return session.get(Entity, entity_id)


def known_entities(session: Session, entity_type: str) -> Iterator[tuple[str, str]]:
    """Every `(entity_key, entity_id)` of a type, streamed: how a rerun keeps its ids stable."""
    rows = session.execute(
        select(Entity.entity_key, Entity.entity_id)
        .where(Entity.entity_type == entity_type)
        .execution_options(yield_per=10_000)
    )
    yield from rows
