"""The dated area tree: reading it as it stood on a day, and bringing it up to date.

Versions are never deleted once they were in force: a change closes the version in force
(``valid_to`` = the day of the change) and opens a new one from that day. A version opened and
changed again on the same day was never in force for a whole day, so it is corrected in place.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Row,
    and_,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)

from frontline.areas.codes import AreaLevel, area_level, canonical_code, prefix_bounds
from frontline.areas.models import Area


@dataclass(frozen=True, slots=True)
class AreaNode:
    """One version of an area."""

    code: str
    parent_code: str | None
    level: AreaLevel
    name: str
    valid_from: date
    valid_to: date | None


@dataclass(frozen=True, slots=True)
class Wanted:
    """What an area should be from now on."""

    parent_code: str | None
    level: AreaLevel
    name: str


@dataclass
class TreeChanges:
    """Codes opened, closed and changed (renamed or moved) by a sync, each with its level."""

    opened: dict[str, AreaLevel]
    closed: dict[str, AreaLevel]
    changed: dict[str, AreaLevel]

    def counts(self) -> dict[str, dict[str, int]]:
        """Per kind of change, the number of codes per level."""
        return {
            kind: dict(Counter(str(level) for level in codes.values()))
            for kind, codes in (
                ("opened", self.opened),
                ("closed", self.closed),
                ("changed", self.changed),
            )
        }


_COLUMNS = (Area.code, Area.parent_code, Area.level, Area.name, Area.valid_from, Area.valid_to)


def _node(row: Row[*tuple[Any, ...]]) -> AreaNode:
    return AreaNode(
        row.code, row.parent_code, AreaLevel(row.level), row.name, row.valid_from, row.valid_to
    )


def in_force(on: date | None) -> ColumnElement[bool]:
    """Versions in force on ``on`` (the current ones when None)."""
    if on is None:
        return Area.valid_to.is_(None)
    return and_(Area.valid_from <= on, or_(Area.valid_to.is_(None), Area.valid_to > on))


def under(prefixes: Collection[str]) -> ColumnElement[bool]:
    """Codes starting with any of ``prefixes`` (as index range scans)."""
    ranges = [
        and_(Area.code >= low, Area.code < high) for low, high in map(prefix_bounds, prefixes)
    ]
    return or_(*ranges)


def subtree(
    connection: Connection, code: str, *, on: date | None = None, level: AreaLevel | None = None
) -> list[AreaNode]:
    """The area ``code`` and everything below it, as in force on ``on`` (default: now),
    optionally only one level of it; sorted by code."""
    scope = canonical_code(code)
    query = select(*_COLUMNS).where(under([scope[: area_level(scope).significant]]), in_force(on))
    if level is not None:
        query = query.where(Area.level == str(level))
    return [_node(row) for row in connection.execute(query.order_by(Area.code))]


def area(connection: Connection, code: str, *, on: date | None = None) -> AreaNode | None:
    """The version of area ``code`` in force on ``on`` (default: now), or None."""
    query = select(*_COLUMNS).where(Area.code == canonical_code(code), in_force(on))
    row = connection.execute(query).first()
    return None if row is None else _node(row)


def area_path(connection: Connection, code: str, *, on: date | None = None) -> list[AreaNode]:
    """The area ``code`` and its ancestors, from the province down (those in force on ``on``)."""
    path: list[AreaNode] = []
    current: str | None = canonical_code(code)
    while current is not None:
        node = area(connection, current, on=on)
        if node is None:
            break
        path.append(node)
        current = node.parent_code
    return path[::-1]


def sync(
    connection: Connection,
    wanted: Mapping[str, Wanted],
    *,
    scope: Collection[str],
    as_of: date,
    close_missing: bool = True,
) -> TreeChanges:
    """Make the areas under the code prefixes ``scope`` what ``wanted`` says from ``as_of`` on.

    Codes in force but not wanted are closed (unless ``close_missing`` is off, for the
    divisions above a street office's files). Raises ValueError when the tree under ``scope``
    already changed after ``as_of``: history is written forwards only.
    """
    changes = TreeChanges({}, {}, {})
    where = under(scope) if scope else Area.code.in_(list(wanted))
    if close_missing:
        # The files replace the whole scope: its history must lie before them.
        latest = connection.execute(
            select(func.max(Area.valid_from), func.max(Area.valid_to)).where(where)
        ).one()
        _forwards(max((d for d in latest if d is not None), default=None), as_of)
    query = select(Area.id, *_COLUMNS).where(where, in_force(None))
    current = {row.code: row for row in connection.execute(query)}
    closed_today = set(
        connection.execute(select(Area.code).where(where, Area.valid_to == as_of)).scalars()
    )
    for code, row in current.items():
        want = wanted.get(code)
        if want is None and not close_missing:
            continue
        if want is not None and (want.parent_code, want.name) == (row.parent_code, row.name):
            continue
        _forwards(row.valid_from, as_of)
        _close(connection, row.id, row.valid_from, as_of)
        if want is None:
            changes.closed[code] = AreaLevel(row.level)
        else:
            changes.changed[code] = want.level
            _open(connection, code, want, as_of, reopen=False)
    for code, want in wanted.items():
        if code not in current:
            changes.opened[code] = want.level
            _open(connection, code, want, as_of, reopen=code in closed_today)
    return changes


def _forwards(last: date | None, as_of: date) -> None:
    if last is not None and last > as_of:
        raise ValueError(f"the areas were changed on {last}; an import dated {as_of} is older")


def _close(connection: Connection, area_id: int, valid_from: date, as_of: date) -> None:
    if valid_from == as_of:
        connection.execute(delete(Area).where(Area.id == area_id))
    else:
        connection.execute(update(Area).where(Area.id == area_id).values(valid_to=as_of))


def _open(connection: Connection, code: str, want: Wanted, as_of: date, *, reopen: bool) -> None:
    # Closed today and wanted again as it was: the closing is undone rather than a new
    # version opened, so a same-day correction leaves no seam in the history.
    reopened = (
        reopen
        and connection.execute(
            update(Area)
            .where(
                Area.code == code,
                Area.valid_to == as_of,
                Area.name == want.name,
                Area.parent_code.is_not_distinct_from(want.parent_code),
            )
            .values(valid_to=None)
        ).rowcount
    )
    if not reopened:
        connection.execute(
            insert(Area).values(
                code=code,
                parent_code=want.parent_code,
                level=str(want.level),
                name=want.name,
                valid_from=as_of,
                valid_to=None,
            )
        )
