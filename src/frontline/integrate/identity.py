"""Stable entity ids: the store's ids for the run's entity keys, new ones only for new keys.

An entity's key is its normalised identifier (resident ID, credit code), or for a provisional
person `frontline.integrate.provisional.PREFIX` and its first record's row key. A key the store has
seen keeps its id, whatever else changed; a new key gets the next id of its type, handed out
in key order so that the same input on an empty store always gives the same ids. A full run
retires the entities whose key no longer appears in any source (recorded as an event); a
retired key that comes back is active again under its old id.

The store's entities are read from the store, or, when the workspace's snapshot of the last
publish is what the store serves (`remember_entities`), from that snapshot: an incremental
run of a million persons does not read a million entities back.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
from sqlalchemy import Engine, select

from frontline.ids.sql import column_table
from frontline.ids.sql import quote_identifier as q
from frontline.integrate.survivorship import LINKED_OUTCOMES
from frontline.store import Entity, allocate_entity_ids
from frontline.store.counters import ID_DIGITS


@dataclass(frozen=True)
class Identities:
    """What a run did to the ids of one entity type."""

    entities: int
    new: int
    retired: int
    reactivated: int
    merged: int = 0
    split: int = 0
    from_snapshot: bool = False
    """The store's entities were taken from the workspace's snapshot, not read from the store."""

    @property
    def reshaped(self) -> bool:
        """Whether entities left or came back (retired, merged, split, reactivated)."""
        return bool(self.retired or self.reactivated or self.merged or self.split)


KNOWN = "__known_{}"
"""The store's entities of a type as the run found them (key, id, status, merged into)."""
SNAPSHOT = "published_entities_{}"
"""The workspace's copy of the store's entities of a type after the last publish."""


def _known(con: duckdb.DuckDBPyConnection, name: str, engine: Engine, entity_type: str) -> None:
    """Table ``name``: the store's entities of ``entity_type`` (key, id, status, merged into)."""
    columns: dict[str, list[str | None]] = {
        "entity_key": [], "entity_id": [], "status": [], "merged_into": [],
    }  # fmt: skip
    query = (
        select(Entity.entity_key, Entity.entity_id, Entity.status, Entity.merged_into)
        .where(Entity.entity_type == entity_type)
        .execution_options(yield_per=50_000)
    )
    with engine.connect() as connection:
        for row in connection.execute(query):
            for column, value in zip(columns, row, strict=True):
                columns[column].append(value)
    column_table(con, name, {column: ("VARCHAR", values) for column, values in columns.items()})


def assign_entity_ids(
    con: duckdb.DuckDBPyConnection,
    engine: Engine,
    entity_type: str,
    records: str,
    *,
    full: bool,
    merges: str | None = None,
    snapshot: bool = False,
) -> Identities:
    """Create ``entity_ids_<type>``: every entity of the run and every entity whose status the
    run changes, with ``entity_key``, ``entity_id``, ``status``, ``merged_into`` (and what it
    was, ``was_merged_into``), and ``change`` (new, retired, reactivated, merged, split: the
    rows the publish must write).

    ``full``: the run read every source of the type, so keys it did not see are retired.
    ``merges``: a table of ``merged_key`` → ``survivor_key`` the stewards decided; a merged
    entity keeps its id with status ``merged``; one no longer merged is ``split`` off, active
    again under its old id.
    ``snapshot``: the workspace's snapshot (`remember_entities`) is what the store holds; it
    is read instead of the store.
    """
    table = q(f"entity_ids_{entity_type}")
    known = SNAPSHOT.format(entity_type) if snapshot else KNOWN.format(entity_type)
    if not snapshot:
        _known(con, known, engine, entity_type)
    if merges is None:
        merges = "__no_merges"
        con.execute(
            "CREATE OR REPLACE TEMP TABLE __no_merges (merged_key VARCHAR, survivor_key VARCHAR)"
        )
    linked = ", ".join(f"'{o}'" for o in LINKED_OUTCOMES)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE __run_keys AS SELECT DISTINCT _entity_key AS entity_key "
        f"FROM {q(records)} WHERE _outcome IN ({linked})"
    )
    new = con.execute(
        f"SELECT count(*) FROM __run_keys WHERE entity_key NOT IN "
        f"(SELECT entity_key FROM {q(known)})"
    ).fetchall()[0][0]
    block = allocate_entity_ids(engine, entity_type, new) if new else None
    prefix, first = (block.prefix, block.first) if block else ("", 0)
    con.execute(
        f"""
        CREATE OR REPLACE TABLE {table} AS
        WITH fresh AS (
            SELECT entity_key,
                   printf('%s%0{ID_DIGITS}d', ?::VARCHAR,
                          ?::BIGINT + row_number() OVER (ORDER BY entity_key) - 1) AS entity_id
            FROM __run_keys WHERE entity_key NOT IN (SELECT entity_key FROM {q(known)})
        ),
        judged AS (
            SELECT k.*, r.entity_key IS NOT NULL AS seen, m.survivor_key,
                   CASE
                       WHEN m.merged_key IS NOT NULL THEN 'merged'
                       WHEN r.entity_key IS NOT NULL THEN 'active'
                       WHEN ? AND k.status = 'active' THEN 'retired'
                       ELSE k.status
                   END AS new_status
            FROM {q(known)} k
            LEFT JOIN __run_keys r USING (entity_key)
            LEFT JOIN {q(merges)} m ON m.merged_key = k.entity_key
        )
        SELECT entity_key, entity_id, 'active' AS status, NULL::VARCHAR AS survivor_key,
               NULL::VARCHAR AS was_merged_into, 'new' AS change
        FROM fresh
        UNION ALL
        SELECT entity_key, entity_id, new_status, survivor_key, merged_into,
               CASE
                   WHEN new_status = 'merged' THEN 'merged'
                   WHEN new_status = 'active' AND status = 'merged' THEN 'split'
                   WHEN new_status = 'active' AND status = 'retired' THEN 'reactivated'
                   WHEN new_status = 'retired' AND status = 'active' THEN 'retired'
               END
        FROM judged
        WHERE seen OR survivor_key IS NOT NULL OR (? AND status = 'active')
        """,
        [prefix, first, full, full],
    )
    # The survivor's id, and whether a merge is new (or now into another entity).
    con.execute(f"ALTER TABLE {table} ADD COLUMN merged_into VARCHAR")
    con.execute(
        f"UPDATE {table} AS t SET merged_into = s.entity_id FROM {table} s "
        "WHERE t.survivor_key = s.entity_key"
    )
    con.execute(
        f"""
        UPDATE {table} SET change = NULL
        WHERE change = 'merged' AND was_merged_into IS NOT DISTINCT FROM merged_into
        """
    )
    con.execute(f"ALTER TABLE {table} ADD COLUMN changed BOOLEAN")
    con.execute(f"UPDATE {table} SET changed = change IS NOT NULL")
    counts = con.execute(
        "SELECT count(*) FILTER (status = 'active'), "
        + ", ".join(
            f"count(*) FILTER (change = '{c}')"
            for c in ("new", "retired", "reactivated", "merged", "split")
        )
        + f" FROM {table}"
    ).fetchall()[0]
    entities, new_ids, retired, reactivated, merged, split = (int(n) for n in counts)
    return Identities(
        entities, new_ids, retired, reactivated, merged, split, from_snapshot=snapshot
    )


def remember_entities(con: duckdb.DuckDBPyConnection, entity_type: str, *, in_place: bool) -> None:
    """Keep in the workspace what the store holds of ``entity_type`` once the run's entities
    (`assign_entity_ids`, same connection) are published: the entities the publish wrote (the
    changed ones) as the run left them, the others as they were.

    ``in_place``: the run took the store's entities from the snapshot (``from_snapshot``), so
    only the changed rows are replaced; else it is made anew from what the run read.
    """
    ids, snapshot = q(f"entity_ids_{entity_type}"), q(SNAPSHOT.format(entity_type))
    changed = f"SELECT entity_key, entity_id, status, merged_into FROM {ids} WHERE changed"
    keys = f"(SELECT entity_key FROM {ids} WHERE changed)"
    if in_place:
        con.execute(f"DELETE FROM {snapshot} WHERE entity_key IN {keys}")
        con.execute(f"INSERT INTO {snapshot} {changed}")
        return
    con.execute(
        f"""
        CREATE OR REPLACE TABLE {snapshot} AS
        {changed}
        UNION ALL
        SELECT * FROM {q(KNOWN.format(entity_type))} WHERE entity_key NOT IN {keys}
        """
    )
