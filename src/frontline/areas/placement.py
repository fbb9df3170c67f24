"""Placing subjects (persons' golden records) in grids by their address, and reading it back.

The store's addresses and the address table are read out in batches, matched set-based in
DuckDB (`frontline.areas.matching`), and the result is written back as a difference: a
subject whose placement did not change keeps its ``placed_at``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, and_, select

from frontline.areas.codes import area_bounds
from frontline.areas.models import SubjectArea
from frontline.store.base import utc_now

EXAMPLES = 20
"""Entity ids listed per reason in a report (all of them are in `unplaced_subjects`)."""


@dataclass
class PlacementReport:
    """How the subjects of one entity type were placed."""

    entity_type: str
    subjects: int
    placed: dict[str, int]
    """Subjects per method: ``address`` (exact), ``dwelling_key``."""
    unplaced: dict[str, int]
    """Subjects per reason: ``no_address``, ``no_match``, ``ambiguous``, ``conflict``."""
    examples: dict[str, list[str]]
    """The first entity ids of each reason, sorted."""
    new: int = 0
    """Subjects placed (or found unplaceable) for the first time."""
    moved: int = 0
    """Subjects whose grid changed, into or out of "unplaced" included."""
    removed: int = 0
    """Placements dropped: their subject has no golden record of this type any more."""
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def placed_total(self) -> int:
        """Subjects placed in a grid."""
        return sum(self.placed.values())


def place_subjects(
    connection: Connection, *, entity_type: str = "person", now: datetime | None = None
) -> PlacementReport:
    """Place every golden record of ``entity_type`` in the grid its address lies in.

    Exact normalised address first, then the dwelling key where the address names nothing
    that contradicts the grid; the rest is recorded unplaced with its reason. Runs in the
    caller's transaction (on SQLite take the write lock first:
    `frontline.store.write_transaction`).
    """
    from frontline.areas.placing import place  # DuckDB and Arrow: only when placing

    return place(connection, entity_type, now or utc_now())


def grid_of_subject(connection: Connection, entity_id: str) -> str | None:
    """The grid the subject is placed in, or None (unplaced, or never placed)."""
    query = select(SubjectArea.grid_code).where(SubjectArea.entity_id == entity_id)
    return connection.execute(query).scalar_one_or_none()


def subjects_in(
    connection: Connection, code: str, *, entity_type: str = "person", limit: int | None = None
) -> list[str]:
    """Entity ids of the subjects placed inside the area ``code``, sorted."""
    low, high = area_bounds(code)
    query = (
        select(SubjectArea.entity_id)
        .where(
            SubjectArea.entity_type == entity_type,
            and_(SubjectArea.grid_code >= low, SubjectArea.grid_code < high),
        )
        .order_by(SubjectArea.entity_id)
        .limit(limit)
    )
    return list(connection.execute(query).scalars())


def unplaced_subjects(
    connection: Connection,
    *,
    reason: str | None = None,
    entity_type: str = "person",
    limit: int = 1000,
    offset: int = 0,
) -> list[tuple[str, str]]:
    """A page of (entity id, reason) of the subjects not placed, by entity id."""
    query = select(SubjectArea.entity_id, SubjectArea.reason).where(
        SubjectArea.entity_type == entity_type, SubjectArea.method == "unplaced"
    )
    if reason is not None:
        query = query.where(SubjectArea.reason == reason)
    query = query.order_by(SubjectArea.entity_id).limit(limit).offset(offset)
    return [(entity_id, why or "") for entity_id, why in connection.execute(query)]
