"""Golden records: the surviving value of every field of an entity, with its provenance.

One row per entity holds all its fields as a JSON object (and their provenance as another),
rather than one row per field: a publish of 1,000,000 persons writes 1,000,000 rows instead
of ~8,000,000, reading a record is one primary-key lookup, and the set of fields can grow
per entity type without a migration. What a field-per-row layout would give — the value's
past — lives in `golden_history`, which only grows when a value changes.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from frontline.store.base import JSON_DOCUMENT, Base, JsonObject, code


class GoldenRecord(Base):
    """The current golden record of one entity."""

    __tablename__ = "golden_records"

    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.entity_id"), primary_key=True)
    entity_type: Mapped[str] = mapped_column(code(32))
    values: Mapped[JsonObject] = mapped_column(JSON_DOCUMENT)
    """Field name → surviving value."""
    provenance: Mapped[JsonObject] = mapped_column(JSON_DOCUMENT)
    """Field name → {source, file, row, as_of, method, confidence} of the surviving value."""
    version: Mapped[int] = mapped_column(Integer)
    """1 when first published, +1 each time a publish changes the values or provenance."""
    updated_run: Mapped[int] = mapped_column(Integer)
    """The run that last changed the record (a run id; see `Entity.created_run`)."""


class GoldenHistory(Base):
    """An earlier value of one field: what it was, where it came from, and when it held.

    Written by the publish when a value is replaced (or a field appears or disappears: the
    earlier "no value" is kept with `value` NULL). The value held from `valid_from_run` up to,
    not including, `valid_to_run`. The current value is in `golden_records`, so history costs
    nothing for values that never change.
    """

    __tablename__ = "golden_history"
    __table_args__ = (Index(None, "entity_id", "field"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.entity_id"))
    field: Mapped[str] = mapped_column(code(64))
    value: Mapped[Any] = mapped_column(JSON_DOCUMENT, nullable=True)
    provenance: Mapped[JsonObject | None] = mapped_column(JSON_DOCUMENT)
    valid_from_run: Mapped[int] = mapped_column(Integer)
    valid_to_run: Mapped[int] = mapped_column(Integer)


def golden_record(session: Session, entity_id: str) -> GoldenRecord | None:
    """The golden record of `entity_id`, or None."""
    return session.get(GoldenRecord, entity_id)


def golden_history(
    session: Session, entity_id: str, field: str | None = None
) -> list[GoldenHistory]:
    """Earlier values of an entity's fields (or of one field), oldest first."""
    query = select(GoldenHistory).where(GoldenHistory.entity_id == entity_id)
    if field is not None:
        query = query.where(GoldenHistory.field == field)
    order = (GoldenHistory.field, GoldenHistory.valid_from_run, GoldenHistory.id)
    return list(session.scalars(query.order_by(*order)))
