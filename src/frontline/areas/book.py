"""The address → grid table, replaced street by street when a street office re-imports it.

Set-based on the serving database: the new rows are bulk-loaded into a temporary stage
(COPY on PostgreSQL), compared with the table there, and only what changed is written. An
address whose grid and key did not change keeps the import it first came with.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    Connection,
    Table,
    and_,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
)

from frontline.areas.codes import prefix_bounds
from frontline.areas.models import AddressGrid
from frontline.store.staging import load, stage_table

BOOK: Table = AddressGrid.__table__  # type: ignore[assignment]
_COLUMNS = ("address", "address_key", "grid_code", "import_id")


@dataclass(frozen=True)
class AddressChanges:
    """How the table changed within the imported streets."""

    added: int
    removed: int
    moved: int
    """Addresses now in another grid."""
    unchanged: int


def in_streets(grid_code: ColumnElement[str], streets: Collection[str]) -> ColumnElement[bool]:
    """Grid codes inside any of the 12-digit ``streets`` (as index range scans)."""
    bounds = [prefix_bounds(street[:9]) for street in sorted(streets)]
    return or_(*(and_(grid_code >= low, grid_code < high) for low, high in bounds))


def replace_addresses(
    connection: Connection,
    rows: Sequence[tuple[str, str, str]],
    *,
    streets: Collection[str],
    import_id: int,
) -> AddressChanges:
    """Make the table's addresses in ``streets`` exactly ``rows`` (address, key, grid code).

    Raises ValueError when an address is already placed in a grid outside ``streets``: one
    street office cannot take over another's dwelling by importing it.
    """
    stage = stage_table(connection, BOOK)
    try:
        load(connection, stage, _COLUMNS, ((*row, import_id) for row in rows), batch_size=50_000)
        return _apply(connection, stage, streets)
    finally:
        stage.drop(connection)


def _apply(connection: Connection, stage: Table, streets: Collection[str]) -> AddressChanges:
    book, new = BOOK.c, stage.c
    scope = in_streets(book.grid_code, streets)
    joined = select(func.count()).select_from(stage.join(BOOK, book.address == new.address))
    outside = connection.execute(joined.where(~scope)).scalar_one()
    if outside:
        raise ValueError(
            f"{outside} imported addresses already lie in grids outside the imported streets; "
            "import those streets' files together"
        )
    same = connection.execute(joined.where(book.grid_code == new.grid_code)).scalar_one()
    moved = connection.execute(joined.where(book.grid_code != new.grid_code)).scalar_one()
    before = connection.execute(select(func.count()).where(scope)).scalar_one()
    staged = connection.execute(select(func.count()).select_from(stage)).scalar_one()
    kept = exists().where(
        new.address == book.address,
        new.grid_code == book.grid_code,
        new.address_key == book.address_key,
    )
    connection.execute(delete(BOOK).where(scope, ~kept))
    present = exists().where(book.address == new.address)
    connection.execute(
        insert(BOOK).from_select(_COLUMNS, select(*(new[c] for c in _COLUMNS)).where(~present))
    )
    return AddressChanges(
        added=staged - same - moved, removed=before - same - moved, moved=moved, unchanged=same
    )
