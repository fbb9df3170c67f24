"""Validate normalised records and route each one: linked by identifier, sent to probabilistic
matching (the residue), or quarantined with a reason. Every row gets exactly one outcome."""

from __future__ import annotations

from collections.abc import Mapping, Set

import duckdb

from frontline.ids.sql import quote_identifier as q
from frontline.integrate.fields import EntityType, Kind

# Outcomes of a row, and the reasons a record goes to the residue or to quarantine.
IDENTIFIER = "identifier"
RESIDUE = "residue"
QUARANTINED = "quarantined"
SKIPPED = "skipped"
OTHER_SOURCE = "other_source"


ROUTING = ("_contradiction", "_outcome", "_reason", "_entity_key", "_residue_reason", "_confidence")
"""The columns routing adds to a normalised row (the linking stages change some of them)."""


def route_records(
    con: duckdb.DuckDBPyConnection, entity: EntityType, tables: list[str], out_table: str
) -> None:
    """Union the normalised tables of one entity type into ``out_table`` and route every row.

    Columns added: ``_outcome`` (identifier, residue, quarantined, skipped, other_source),
    ``_confidence`` (empty: the linking stages fill it for the records they match),
    ``_reason`` (why a record is in the residue or quarantine; ``_residue_reason`` keeps the
    residue's reason after linking), ``_entity_key`` (the valid identifier of a record linked by
    it), and ``_contradiction`` for persons whose recorded birth date or sex disagrees with
    their identifier.
    """
    union = " UNION ALL BY NAME ".join(f"SELECT * FROM {q(t)}" for t in tables)
    con.execute(f"CREATE OR REPLACE TABLE {q(out_table)} AS {_routed(entity, union)}")


def reroute_records(
    con: duckdb.DuckDBPyConnection,
    entity: EntityType,
    tables: Mapping[str, str],
    out_table: str,
    changed: Set[str],
) -> bool:
    """Bring ``out_table``, as the previous run left it, to what `route_records` would build
    from ``tables`` (source key → normalised table) now that the ``changed`` sources were read
    again: their rows (and those of sources no longer given) replaced by their rows routed
    anew, and every other row routed again from its own columns — which undoes whatever the
    linking stages did to it — without rewriting the rows that did not change.

    Returns False, having changed nothing, when the table cannot be brought up to date that way
    (no previous table, or the sources' columns are no longer the table's): route everything.
    """
    columns = _columns(con, [out_table, *tables.values()])
    held = columns.get(out_table)
    if not held or not set(ROUTING) <= set(held):
        return False
    offered: dict[str, str] = {}
    for table in tables.values():
        for name, kind in columns.get(table, {}).items():
            if offered.setdefault(name, kind) != kind:
                return False  # a column typed differently by two sources: unify from scratch
    if {**offered, **{c: held[c] for c in ROUTING}} != held:
        return False
    kept = sorted(set(tables) - set(changed))
    con.execute(f"DELETE FROM {q(out_table)} WHERE NOT list_contains(?, _source)", [kept])
    own = f"SELECT rowid AS __record, * EXCLUDE ({', '.join(ROUTING)}) FROM {q(out_table)}"
    differs = " OR ".join(f"r.{c} IS DISTINCT FROM s.{c}" for c in ROUTING)
    con.execute(
        f"""
        UPDATE {q(out_table)} AS r SET {", ".join(f"{c} = s.{c}" for c in ROUTING)}
        FROM (SELECT __record, {", ".join(ROUTING)} FROM ({_routed(entity, own)})) AS s
        WHERE r.rowid = s.__record AND ({differs})
        """
    )
    fresh = [q(tables[key]) for key in sorted(changed) if key in tables]
    if fresh:
        union = " UNION ALL BY NAME ".join(f"SELECT * FROM {t}" for t in fresh)
        con.execute(f"INSERT INTO {q(out_table)} BY NAME {_routed(entity, union)}")
    return True


def _columns(con: duckdb.DuckDBPyConnection, tables: list[str]) -> dict[str, dict[str, str]]:
    """Each table's columns and their types, in order."""
    found: dict[str, dict[str, str]] = {}
    for table, name, kind in con.execute(
        "SELECT table_name, column_name, data_type FROM duckdb_columns() "
        "WHERE table_name IN (SELECT unnest(?)) ORDER BY table_name, column_index",
        [tables],
    ).fetchall():
        found.setdefault(table, {})[name] = kind
    return found


def _routed(entity: EntityType, rows: str) -> str:
    """The SELECT that routes the normalised ``rows`` (a query): every column of theirs, then
    the routing columns."""
    ident = entity.identifier.name
    status, reason = q(ident + "__status"), q(ident + "__reason")
    contradiction = "NULL::VARCHAR"
    if entity.field("birth_date") is not None and entity.identifier.kind is Kind.RESIDENT_ID:
        birth, sex = q("birth_date"), q("sex")
        id_birth, id_sex = q(ident + "__birth_date"), q(ident + "__sex")
        contradiction = (
            f"CASE WHEN {birth} IS NOT NULL AND {id_birth} IS NOT NULL AND {birth} <> {id_birth} "
            f"THEN 'birth_date' WHEN {q('sex')} IS NOT NULL AND {id_sex} IS NOT NULL "
            f"AND {sex} <> {id_sex} THEN 'sex' END"
        )
    usable = f"{status} IN ('valid', 'repaired')"
    has_name = f"{q('name')} IS NOT NULL"
    return f"""
        SELECT *, CASE WHEN _outcome = '{RESIDUE}' THEN _reason END AS _residue_reason,
               NULL::DOUBLE AS _confidence
        FROM (
        WITH u AS (SELECT *, {contradiction} AS _contradiction FROM ({rows}))
        SELECT *,
            CASE
                WHEN _disposition IS NOT NULL THEN _disposition
                WHEN {usable} AND _contradiction IS NULL THEN '{IDENTIFIER}'
                WHEN NOT {has_name} THEN '{QUARANTINED}'
                ELSE '{RESIDUE}'
            END AS _outcome,
            CASE
                WHEN _disposition IS NOT NULL THEN NULL
                WHEN {usable} AND _contradiction IS NULL THEN NULL
                WHEN NOT {has_name} THEN 'no_identity'
                WHEN {usable} THEN 'identifier_contradicted_' || _contradiction
                WHEN {reason} = 'empty' THEN 'identifier_missing'
                ELSE 'identifier_invalid_' || {reason}
            END AS _reason,
            CASE WHEN _disposition IS NULL AND {usable} AND _contradiction IS NULL
                 THEN {q(ident)} END AS _entity_key
        FROM u
        )
        """
