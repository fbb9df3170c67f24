"""Entity events: the record of how identities changed — created, merged, split, retired."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from frontline.store.base import JSON_DOCUMENT, Base, JsonObject, one_of

EVENT_KINDS = ("created", "merged", "split", "retired")


class EntityEvent(Base):
    """One change of identity, naming the entities involved (e.g. merged: [from, into])."""

    __tablename__ = "entity_events"
    __table_args__ = (one_of("kind", EVENT_KINDS, name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("integration_runs.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    entity_ids: Mapped[list[str]] = mapped_column(JSON_DOCUMENT)
    detail: Mapped[JsonObject] = mapped_column(JSON_DOCUMENT)


def events_of_run(session: Session, run_id: int) -> list[EntityEvent]:
    """The events a run recorded, in the order it recorded them."""
    query = select(EntityEvent).where(EntityEvent.run_id == run_id).order_by(EntityEvent.id)
    return list(session.scalars(query))
