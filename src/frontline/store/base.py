"""The declarative base every table of the serving database is declared on.

The thematic store's tables are declared in this package; the platform's domains
(areas, staff, tasks, …) declare theirs on the same `Base`, so one `Base.metadata`
describes the whole schema and the migrations compare against it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    Dialect,
    MetaData,
    String,
    Text,
    column,
    or_,
)
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator, TypeEngine

# Deterministic constraint names, so migrations can name what they alter or drop.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JsonObject = dict[str, Any]
"""A JSON object as Python sees it."""

# `json`, not `jsonb`, on PostgreSQL too: it keeps the text as written (canonical, see
# `canonical_json`), so SQL compares documents as text on both databases, and COPY does
# not parse a million golden records into jsonb (~9 s on this machine). `->`, `->>` and
# `json_each` work on it; index a field with an expression index if one is ever needed.
JSON_DOCUMENT = JSON()


def canonical_json(value: object) -> str:
    """JSON text with sorted keys and no spaces: equal values give equal text on SQLite."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def code(length: int | None = None) -> TypeEngine[str]:
    """The type of a code or key column: entity ids and types, source names, file paths.

    Compared byte by byte everywhere: on PostgreSQL with the "C" collation, since the
    database's locale (en_US, zh_CN) would make every index comparison of an id a slow
    locale-aware one — a third of the time it takes to load two million links.
    """
    if length is None:
        return Text().with_variant(Text(collation="C"), "postgresql")
    return String(length).with_variant(String(length, collation="C"), "postgresql")


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every database.

    SQLite has no time zones: values are stored as naive UTC and come back aware,
    so callers never compare naive with aware datetimes.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: pass an aware (UTC) datetime")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None or value.tzinfo is not None:
            return value
        return value.replace(tzinfo=UTC)


def utc_now() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Base class of all ORM models of the serving database."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def one_of(column_name: str, values: tuple[str, ...], *, name: str) -> CheckConstraint:
    """A CHECK that `column_name` holds one of `values` (NULL passes, as in SQL).

    Spelled `x = 'a' OR x = 'b' …`: SQLite evaluates a CHECK `x IN ('a', 'b', 'c')` by
    building a temporary index for every row, which halves bulk-insert speed.
    """
    return CheckConstraint(or_(*(column(column_name) == value for value in values)), name=name)
