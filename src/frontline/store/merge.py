"""Set-based statements that fold stage tables into the store, on SQLite and PostgreSQL.

The same SQL runs on both: `INSERT … ON CONFLICT`, `json_each`, `->` and
`IS DISTINCT FROM` exist in both. JSON documents are compared as text, which works
because the store writes them canonically (see `base.JSON_DOCUMENT`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    Connection,
    Integer,
    Select,
    Table,
    Text,
    and_,
    cast,
    delete,
    exists,
    func,
    literal,
    null,
    or_,
    select,
    true,
    tuple_,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from frontline.store.base import JSON_DOCUMENT
from frontline.store.entities import Entity
from frontline.store.golden import GoldenHistory, GoldenRecord
from frontline.store.links import RecordLink
from frontline.store.quality import QualityIssue

ENTITIES: Table = Entity.__table__  # type: ignore[assignment]
GOLDEN: Table = GoldenRecord.__table__  # type: ignore[assignment]
HISTORY: Table = GoldenHistory.__table__  # type: ignore[assignment]
LINKS: Table = RecordLink.__table__  # type: ignore[assignment]

# SQLAlchemy reports the row count of an INSERT only when asked.
_COUNTED = {"preserve_rowcount": True}


def upsert(connection: Connection, table: Table) -> Any:
    """The dialect's `INSERT … ON CONFLICT` construct for `table` (same SQL, two classes)."""
    dialect = sqlite if connection.dialect.name == "sqlite" else postgresql
    return dialect.insert(table)


class _Member(FunctionElement[Any]):
    """`document -> key`: the member as JSON, NULL when absent (JSON null stays 'null')."""

    type = JSON_DOCUMENT
    name = "member"
    inherit_cache = True


@compiles(_Member)
def _compile_member(element: _Member, compiler: SQLCompiler, **kw: Any) -> str:
    document, key = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"({document} -> {key})"


@compiles(_Member, "sqlite")
def _compile_member_sqlite(element: _Member, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite reads a bare key as a path ('a.b' → member b of member a): quote it.
    document, key = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"""({document} -> ('$."' || {key} || '"'))"""


def _member(document: ColumnElement[Any], key: ColumnElement[Any]) -> ColumnElement[Any]:
    return _Member(document, key)


def _text(document: ColumnElement[Any]) -> ColumnElement[str]:
    """A JSON document as text, comparable (PostgreSQL's `json` has no equality)."""
    return cast(document, Text)


def _fields(document: ColumnElement[Any]) -> Any:
    """The (key, value) rows of a JSON object."""
    return func.json_each(document).table_valued("key", "value")


def _since(entity_id: ColumnElement[Any], field: ColumnElement[Any], born: Any) -> Any:
    """When a field's current value began: its last recorded change, else the entity's birth."""
    history = HISTORY.alias("earlier")
    last_change = (
        select(func.max(history.c.valid_to_run))
        .where(history.c.entity_id == entity_id, history.c.field == field)
        .scalar_subquery()
    )
    return func.coalesce(last_change, born)


def _comparable(column: ColumnElement[Any]) -> ColumnElement[Any]:
    return _text(column) if isinstance(column.type, JSON) else column


def _fold(
    connection: Connection,
    table: Table,
    stage: Table,
    compared: Sequence[str],
    updates: Callable[[Any], dict[str, Any]],
) -> int:
    """Insert staged rows that are new, update those differing in `compared`; return how many.

    Rows equal to the stored ones are filtered out before the upsert: PostgreSQL locks
    (and so writes) every row an `ON CONFLICT DO UPDATE` meets, even when its WHERE
    then skips the update, and a republish meets a million unchanged rows.
    """
    key = [c.name for c in table.primary_key.columns]
    stored = and_(*(table.c[name] == stage.c[name] for name in key))
    differs = or_(
        table.c[key[0]].is_(None),
        *(_comparable(table.c[n]).is_distinct_from(_comparable(stage.c[n])) for n in compared),
    )
    rows = select(stage).select_from(stage.outerjoin(table, stored)).where(differs)
    statement = upsert(connection, table)
    statement = statement.from_select([c.name for c in stage.columns], rows)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c[name] for name in key], set_=updates(statement.excluded)
    )
    return connection.execute(statement, execution_options=_COUNTED).rowcount


def upsert_entities(connection: Connection, stage: Table) -> int:
    """Insert new entities and update changed ones, then empty the stage.

    An entity's type and the run that created it never change.
    """
    changing = ("entity_key", "status", "merged_into")
    folded = _fold(
        connection,
        ENTITIES,
        stage,
        changing,
        lambda new: {name: new[name] for name in (*changing, "updated_run")},
    )
    connection.execute(delete(stage))
    return folded


def record_golden_history(
    connection: Connection, stage: Table, run_id: int, retired_types: Collection[str]
) -> int:
    """Keep, as history, every value the staged records replace; return the rows written.

    Changed and removed fields keep their old value and provenance; fields that appear
    keep a NULL ("no value until now"). Records of `retired_types` absent from the stage
    (a full publish no longer has them) keep all their fields.
    """
    run = literal(run_id, Integer)
    # The few changed records first (materialised), so that only they are expanded into
    # fields — not the million unchanged ones.
    changed = (
        select(
            GOLDEN.c.entity_id,
            GOLDEN.c["values"].label("old"),
            GOLDEN.c.provenance.label("old_provenance"),
            stage.c["values"].label("new"),
            ENTITIES.c.created_run,
        )
        .join_from(GOLDEN, stage, stage.c.entity_id == GOLDEN.c.entity_id)
        .join(ENTITIES, ENTITIES.c.entity_id == GOLDEN.c.entity_id)
        .where(_text(GOLDEN.c["values"]).is_distinct_from(_text(stage.c["values"])))
        .cte("changed", nesting=True)
        .prefix_with("MATERIALIZED")
    )
    old, new = _fields(changed.c.old), _fields(changed.c.new)
    replaced = (
        select(
            changed.c.entity_id,
            old.c.key,
            _member(changed.c.old, old.c.key),
            _member(changed.c.old_provenance, old.c.key),
            _since(changed.c.entity_id, old.c.key, changed.c.created_run),
            run,
        )
        .select_from(changed)
        .join(old, true())
        .where(
            _text(_member(changed.c.old, old.c.key)).is_distinct_from(
                _text(_member(changed.c.new, old.c.key))
            )
        )
    )
    appeared = (
        select(
            changed.c.entity_id,
            new.c.key,
            cast(null(), JSON_DOCUMENT),
            cast(null(), JSON_DOCUMENT),
            _since(changed.c.entity_id, new.c.key, changed.c.created_run),
            run,
        )
        .select_from(changed)
        .join(new, true())
        .where(_member(changed.c.old, new.c.key).is_(None))
    )
    queries: list[Select[Any]] = [replaced, appeared]
    if retired_types:
        gone = (
            select(
                GOLDEN.c.entity_id,
                GOLDEN.c["values"],
                GOLDEN.c.provenance,
                ENTITIES.c.created_run,
            )
            .join_from(GOLDEN, ENTITIES, ENTITIES.c.entity_id == GOLDEN.c.entity_id)
            .where(GOLDEN.c.entity_type.in_(retired_types), ~_staged(stage))
            .cte("gone", nesting=True)
            .prefix_with("MATERIALIZED")
        )
        fields = _fields(gone.c["values"])
        dropped = (
            select(
                gone.c.entity_id,
                fields.c.key,
                _member(gone.c["values"], fields.c.key),
                _member(gone.c.provenance, fields.c.key),
                _since(gone.c.entity_id, fields.c.key, gone.c.created_run),
                run,
            )
            .select_from(gone)
            .join(fields, true())
        )
        queries.append(dropped)
    columns = ["entity_id", "field", "value", "provenance", "valid_from_run", "valid_to_run"]
    # One statement, its CTEs nested inside it: a statement that starts with WITH gets no
    # row count from Python's sqlite3.
    statement = HISTORY.insert().from_select(columns, union_all(*queries))
    return int(connection.execute(statement, execution_options=_COUNTED).rowcount)


def _staged(stage: Table) -> ColumnElement[bool]:
    return exists().where(stage.c.entity_id == GOLDEN.c.entity_id)


def replace_golden(
    connection: Connection, stage: Table, retired_types: Collection[str]
) -> tuple[int, int]:
    """Delete records of `retired_types` not staged, then upsert the staged ones.

    A record whose values and provenance are unchanged is left as it is (same version,
    same run), so republishing unchanged data writes nothing. Returns (deleted, upserted).
    """
    deleted = 0
    if retired_types:
        deleted = connection.execute(
            delete(GOLDEN).where(GOLDEN.c.entity_type.in_(retired_types), ~_staged(stage))
        ).rowcount
    upserted = _fold(
        connection,
        GOLDEN,
        stage,
        ("entity_type", "values", "provenance"),
        lambda new: {
            "entity_type": new.entity_type,
            "values": new["values"],
            "provenance": new.provenance,
            "version": GOLDEN.c.version + 1,
            "updated_run": new.updated_run,
        },
    )
    return deleted, upserted


def replace_links(
    connection: Connection, stage: Table, retired_sources: Collection[str]
) -> tuple[int, int]:
    """Delete links of `retired_sources` not staged, then upsert the staged ones.

    An unchanged link keeps the run that last changed it. Returns (deleted, upserted).
    """
    deleted = 0
    if retired_sources:
        key = [LINKS.c.source, LINKS.c.file, LINKS.c.row]
        staged = exists().where(and_(*(stage.c[c.name] == c for c in key)))
        deleted = connection.execute(
            delete(LINKS).where(LINKS.c.source.in_(retired_sources), ~staged)
        ).rowcount
    changing = ("entity_id", "status", "method", "confidence", "reason")
    upserted = _fold(
        connection,
        LINKS,
        stage,
        changing,
        lambda new: {name: new[name] for name in (*changing, "run_id")},
    )
    return deleted, upserted


def dangling_links(
    connection: Connection, links: Table, run_id: int | None = None, limit: int = 5
) -> list[str]:
    """Up to `limit` links (of run `run_id`, or all) whose entity does not exist, described.

    Each distinct entity id is looked up once, in key order: probing a million-row index
    once per link in arrival order is what makes a per-row foreign key slow.
    """
    of_run = true() if run_id is None else links.c.run_id == run_id
    used = (
        select(links.c.entity_id)
        .where(links.c.entity_id.is_not(None), of_run)
        .distinct()
        .subquery()
    )
    missing = (
        select(used.c.entity_id)
        .where(~exists().where(ENTITIES.c.entity_id == used.c.entity_id))
        .limit(limit)
        .subquery()
    )
    query = (
        select(links.c.source, links.c.file, links.c.row, links.c.entity_id)
        .join(missing, missing.c.entity_id == links.c.entity_id)
        .where(of_run)
        .order_by(links.c.source, links.c.file, links.c.row)
        .limit(limit)
    )
    return [f"{s} {f} row {r} → {e}" for s, f, r, e in connection.execute(query)]


def retire_issues(
    connection: Connection,
    run_id: int,
    *,
    scope_sources: Collection[str] | None,
    scope_types: Collection[str] | None,
    restated_entities: Any,
    restated_links: Any,
) -> int:
    """Delete issues of earlier runs that this publish restates; return how many.

    Every publish restates the issues of the entities and input rows it republished
    (`restated_*`: selects of their keys); one with a scope (`scope_*` given) also every issue
    of its sources, of entities of its types, and those tied to neither.
    """
    issues: Table = QualityIssue.__table__  # type: ignore[assignment]
    row = tuple_(issues.c.source, issues.c.file, issues.c.row)
    restated: ColumnElement[bool] = or_(
        issues.c.entity_id.in_(restated_entities), row.in_(restated_links)
    )
    if scope_sources is not None and scope_types is not None:
        of_types = select(ENTITIES.c.entity_id).where(ENTITIES.c.entity_type.in_(scope_types))
        restated = or_(
            restated,
            issues.c.source.in_(scope_sources),
            issues.c.entity_id.in_(of_types),
            and_(issues.c.source.is_(None), issues.c.entity_id.is_(None)),
        )
    statement = delete(issues).where(issues.c.run_id != run_id, restated)
    return connection.execute(statement).rowcount
