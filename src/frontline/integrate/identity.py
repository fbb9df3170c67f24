"""Stable entity ids: the store's ids for the run's entity keys, new ones only for new keys.

An entity's key is its normalised identifier (resident ID, credit code). A key the store has
seen keeps its id, whatever else changed; a new key gets the next id of its type, handed out
in key order so that the same input on an empty store always gives the same ids. A full run
retires the entities whose key no longer appears in any source (recorded as an event); a
retired key that comes back is active again under its old id.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pyarrow as pa
from sqlalchemy import Engine, select

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


def _known(engine: Engine, entity_type: str) -> pa.Table:
    keys: list[str] = []
    ids: list[str] = []
    statuses: list[str] = []
    query = (
        select(Entity.entity_key, Entity.entity_id, Entity.status)
        .where(Entity.entity_type == entity_type)
        .execution_options(yield_per=50_000)
    )
    with engine.connect() as connection:
        for key, entity_id, status in connection.execute(query):
            keys.append(key)
            ids.append(entity_id)
            statuses.append(status)
    return pa.table(
        {
            "entity_key": pa.array(keys, pa.string()),
            "entity_id": pa.array(ids, pa.string()),
            "status": pa.array(statuses, pa.string()),
        }
    )


def assign_entity_ids(
    con: duckdb.DuckDBPyConnection,
    engine: Engine,
    entity_type: str,
    records: str,
    *,
    full: bool,
) -> Identities:
    """Create ``entity_ids_<type>``: every entity of the run and every entity whose status the
    run changes, with ``entity_key``, ``entity_id``, ``status`` and ``changed`` (new, retired
    or active again: the rows the publish must write).

    ``full``: the run read every source of the type, so keys it did not see are retired.
    """
    table = q(f"entity_ids_{entity_type}")
    known = f"__known_{entity_type}"
    con.register(known, _known(engine, entity_type))
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
        )
        SELECT entity_key, entity_id, 'active' AS status, true AS changed, 'new' AS change
        FROM fresh
        UNION ALL
        SELECT k.entity_key, k.entity_id,
               CASE WHEN r.entity_key IS NOT NULL THEN
                        CASE WHEN k.status = 'retired' THEN 'active' ELSE k.status END
                    WHEN ? AND k.status = 'active' THEN 'retired' ELSE k.status END AS status,
               (r.entity_key IS NOT NULL AND k.status = 'retired')
                   OR (r.entity_key IS NULL AND ? AND k.status = 'active') AS changed,
               CASE WHEN r.entity_key IS NOT NULL AND k.status = 'retired' THEN 'reactivated'
                    WHEN r.entity_key IS NULL AND ? AND k.status = 'active' THEN 'retired'
               END AS change
        FROM {q(known)} k LEFT JOIN __run_keys r USING (entity_key)
        WHERE r.entity_key IS NOT NULL OR (? AND k.status = 'active')
        """,
        [prefix, first, full, full, full, full],
    )
    con.unregister(known)
    counts = con.execute(
        f"SELECT count(*) FILTER (status = 'active'), count(*) FILTER (change = 'new'), "
        f"count(*) FILTER (change = 'retired'), count(*) FILTER (change = 'reactivated') "
        f"FROM {table}"
    ).fetchall()[0]
    return Identities(*(int(n) for n in counts))
