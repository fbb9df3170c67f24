"""A record without an identifier joins its only candidate: what the rules that link such
records by other evidence share (`unique_names`, `co_holders`, `endings`).

Each rule names, for every *lonely* record — left unmatched by the residue stage, its
identifier missing (never present but broken: a wrong number points at someone else), a name
on it — the entities that its evidence points at and that carry its name. The record joins
that entity when there is exactly one, when what else the record says does not contradict it
(its birth date and sex, when it has them, are among those the entity's records carry, their
ID numbers' first), and when no steward has decided that it is not the same as a record of
that entity. Its outcome is ``rule``; its reason stays why it was residue.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from frontline.ids.sql import quote_identifier as q
from frontline.ids.sql import quote_literal
from frontline.integrate.residue import RULE, Decision
from frontline.integrate.sources import SourceSpec
from frontline.integrate.survivorship import LINKED_OUTCOMES

MISSING = "identifier_missing"
"""The residue reason of a record whose identifier was empty."""

LINKED = ", ".join(f"'{o}'" for o in LINKED_OUTCOMES)
"""The outcomes of records that belong to an entity, as an SQL list."""


def lonely_records(records: str) -> str:
    """A query of the records left unmatched whose identifier was missing and that carry a
    name: ``record`` (the rowid), ``name``, ``birth_date``, ``sex`` and where each came from."""
    return f"""
            SELECT rowid AS record, name, birth_date, sex, _source, _file, _row
            FROM {q(records)}
            WHERE _outcome = 'quarantined' AND _reason = 'unmatched'
              AND _residue_reason = '{MISSING}' AND name IS NOT NULL"""


def attribute_sql(specs: Sequence[SourceSpec], attribute: str, row: str) -> str:
    """A ``CASE`` expression of the record ``row``'s value of the attribute each spec names in
    its field ``attribute`` (e.g. `SourceSpec.household`), by the record's source."""
    cases = " ".join(
        f"WHEN {quote_literal(s.key)} "
        f"THEN {row}._attributes ->> {quote_literal(getattr(s, attribute))}"
        for s in specs
    )
    return f"CASE {row}._source {cases} END"


def _not_refused(records: str, decisions: Sequence[Decision]) -> tuple[str, list[object]]:
    """A condition that no steward decided the record ``r`` is not the same as any record of the
    entity ``c.entity``, and its parameters; nothing when no steward refused a pair."""
    refused = [[d.a, d.b] for d in decisions if not d.same]
    if not refused:
        return "", []
    mine = "r._source || ':' || r._file || ':' || r._row"
    theirs = "o._source || ':' || o._file || ':' || o._row"
    condition = f"""
              AND NOT EXISTS (
                  SELECT 1 FROM (SELECT unnest(?::VARCHAR[][]) AS d) AS refused
                  JOIN {q(records)} o ON o._entity_key = c.entity
                  WHERE (d[1] = {mine} AND d[2] = {theirs}) OR (d[2] = {mine} AND d[1] = {theirs})
              )"""
    return condition, [refused]


def link_only_candidates(
    con: duckdb.DuckDBPyConnection,
    records: str,
    named: str,
    params: Sequence[object] = (),
    decisions: Sequence[Decision] = (),
    *,
    confidence: float,
) -> int:
    """Link each lonely record of ``records`` to its only candidate; return how many.

    ``named`` is SQL defining common table expressions, ending with ``named`` (``record``: a
    lonely record's rowid, ``entity``: a candidate carrying its name), with ``params`` for its
    placeholders; a ``lonely`` expression of `lonely_records` comes before it.
    """
    steward, refused = _not_refused(records, decisions)
    linked = con.execute(
        f"""
        WITH lonely AS ({lonely_records(records)}),
        {named},
        single AS (
            SELECT record, min(entity) AS entity FROM named GROUP BY record
            HAVING count(DISTINCT entity) = 1
        ),
        facts AS (
            SELECT _entity_key AS entity,
                   list(DISTINCT coalesce(id_number__birth_date, birth_date))
                       FILTER (coalesce(id_number__birth_date, birth_date) IS NOT NULL) AS births,
                   list(DISTINCT coalesce(id_number__sex, sex))
                       FILTER (coalesce(id_number__sex, sex) IS NOT NULL) AS sexes
            FROM {q(records)}
            WHERE _outcome IN ({LINKED}) AND _entity_key IN (SELECT entity FROM single)
            GROUP BY _entity_key
        ),
        found AS (
            SELECT r.record, c.entity
            FROM single c
            JOIN lonely r ON r.record = c.record
            JOIN facts f ON f.entity = c.entity
            WHERE (r.birth_date IS NULL OR len(f.births) = 0
                   OR list_contains(f.births, r.birth_date))
              AND (r.sex IS NULL OR len(f.sexes) = 0 OR list_contains(f.sexes, r.sex)){steward}
        )
        UPDATE {q(records)} AS r
        SET _outcome = '{RULE}', _reason = r._residue_reason, _entity_key = f.entity,
            _confidence = ?
        FROM found f
        WHERE r.rowid = f.record
        """,
        [*params, *refused, confidence],
    ).fetchall()
    return int(linked[0][0]) if linked else 0
