"""Entity id counters: where every entity id comes from, one counter per entity type.

Ids are handed out in blocks, in a transaction of their own that commits at once, so a
number once given is never given again — even when the run that asked for it fails and
never publishes it (the number is then simply unused).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import BigInteger, Connection, Engine, String, insert, select, update
from sqlalchemy.orm import Mapped, mapped_column

from frontline.store.base import Base, code
from frontline.store.engine import write_transaction

ID_DIGITS = 9
"""Digits after the prefix: `P000000123`. Numbers past 999,999,999 simply grow longer."""

DEFAULT_PREFIXES = {"person": "P", "enterprise": "E"}
"""Entity types the first migration registers."""

_PREFIX = re.compile(r"[A-Z]{1,8}")


class IdCounter(Base):
    """The next unused number of one entity type, and the prefix of its ids."""

    __tablename__ = "id_counters"

    entity_type: Mapped[str] = mapped_column(code(32), primary_key=True)
    prefix: Mapped[str] = mapped_column(String(8), unique=True)
    """Unique, so that an id alone tells its entity type and two types never collide."""
    next_value: Mapped[int] = mapped_column(BigInteger)


@dataclass(frozen=True)
class IdBlock:
    """Consecutive ids of one type: `prefix` + numbers `first` … `first + count - 1`.

    The integration engine can build the ids in SQL from `prefix` and `first` instead of
    iterating them in Python.
    """

    prefix: str
    first: int
    count: int

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[str]:
        return (
            format_entity_id(self.prefix, n) for n in range(self.first, self.first + self.count)
        )


def format_entity_id(prefix: str, number: int) -> str:
    """The id of entity `number` of the type whose prefix is `prefix`."""
    return f"{prefix}{number:0{ID_DIGITS}d}"


def entity_number(entity_id: str, prefix: str) -> int | None:
    """The number in `entity_id` if it is a well-formed id with `prefix`, else None."""
    digits = entity_id[len(prefix) :]
    if not entity_id.startswith(prefix) or len(digits) < ID_DIGITS or not digits.isdigit():
        return None
    return int(digits)


def register_entity_type(engine: Engine, entity_type: str, prefix: str) -> None:
    """Give `entity_type` a counter with ids starting `prefix` (1–8 capital letters).

    Registering a type again with the same prefix does nothing; a different prefix, or a
    prefix another type uses, is refused with `ValueError`.
    """
    if not _PREFIX.fullmatch(prefix):
        raise ValueError(f"id prefix {prefix!r}: use 1 to 8 capital letters A-Z")
    with write_transaction(engine) as connection:
        holders = dict(
            connection.execute(
                select(IdCounter.prefix, IdCounter.entity_type).where(
                    (IdCounter.entity_type == entity_type) | (IdCounter.prefix == prefix)
                )
            ).all()
        )
        if holders.get(prefix) == entity_type:
            return
        if holders:
            raise ValueError(
                f"cannot register {entity_type!r} with prefix {prefix!r}: "
                + ", ".join(f"{t!r} uses {p!r}" for p, t in holders.items())
            )
        connection.execute(
            insert(IdCounter).values(entity_type=entity_type, prefix=prefix, next_value=1)
        )


def allocate_entity_ids(engine: Engine, entity_type: str, count: int) -> IdBlock:
    """Take the next `count` ids of `entity_type` for good (committed before returning)."""
    with write_transaction(engine) as connection:
        return allocate_on(connection, entity_type, count)


def allocate_on(connection: Connection, entity_type: str, count: int) -> IdBlock:
    """Take the next `count` ids in the caller's transaction: given out once it commits.

    Concurrent callers get disjoint blocks: the counter row is updated in one statement,
    whose lock (the row's on PostgreSQL, the database's on SQLite) is held until commit,
    so a second caller waits for the first.
    """
    if count < 0:
        raise ValueError(f"cannot allocate {count} ids")
    row = connection.execute(
        update(IdCounter)
        .where(IdCounter.entity_type == entity_type)
        .values(next_value=IdCounter.next_value + count)
        .returning(IdCounter.prefix, IdCounter.next_value)
    ).one_or_none()
    if row is None:
        raise LookupError(
            f"entity type {entity_type!r} has no id counter; call register_entity_type first"
        )
    prefix, after = row
    return IdBlock(prefix=prefix, first=after - count, count=count)
