"""Validate normalised records and route each one: linked by identifier, sent to probabilistic
matching (the residue), or quarantined with a reason. Every row gets exactly one outcome."""

from __future__ import annotations

import duckdb

from frontline.ids.sql import quote_identifier as q
from frontline.integrate.fields import EntityType, Kind

# Outcomes of a row, and the reasons a record goes to the residue or to quarantine.
IDENTIFIER = "identifier"
RESIDUE = "residue"
QUARANTINED = "quarantined"
SKIPPED = "skipped"
OTHER_SOURCE = "other_source"


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
    union = " UNION ALL BY NAME ".join(f"SELECT * FROM {q(t)}" for t in tables)
    usable = f"{status} IN ('valid', 'repaired')"
    has_name = f"{q('name')} IS NOT NULL"
    con.execute(
        f"""
        CREATE OR REPLACE TABLE {q(out_table)} AS
        SELECT *, CASE WHEN _outcome = '{RESIDUE}' THEN _reason END AS _residue_reason,
               NULL::DOUBLE AS _confidence
        FROM (
        WITH u AS (SELECT *, {contradiction} AS _contradiction FROM ({union}))
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
    )
