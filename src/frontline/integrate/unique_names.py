"""Records that carry a name and no identifier, linked to the only person of that name.

    linked = link_unique_names(con, "records_person", decisions, confidence=0.95)

Some departments record a person by name alone: a vehicle registered to an owner whose ID
number was never entered, a death certificate with a name and a sex. The probabilistic stage
cannot link such a record — a name alone is too weak against a whole city — and leaves it
unmatched. But a name that the linked records of exactly one person carry, and no other
person's, points at that person. This rule links a record when all of these hold:

- it is unmatched after the residue stage, and its identifier was missing (never a record
  whose identifier is present but broken: a wrong number points elsewhere);
- its normalised name is on the linked records of exactly one entity;
- what else it says does not contradict that entity: its birth date and sex, when it has
  them, are among those the entity's records carry (their ID numbers' first);
- no steward has decided that it is not the same as a record of that entity.

Its outcome is ``rule``, with the confidence the settings give. On the 100,000-person
synthetic cities of seeds 7 and 8 it linked 125 and 148 records, one of them wrongly each
time: a person who appears in no other source but shares a name with one who does is linked
to that one. The residue stage's review list does not see these records; a steward
finds them by their outcome and confidence.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from frontline.ids.sql import quote_identifier as q
from frontline.integrate.residue import RULE, Decision
from frontline.integrate.survivorship import LINKED_OUTCOMES

MISSING = "identifier_missing"
"""The residue reason of a record whose identifier was empty."""


def link_unique_names(
    con: duckdb.DuckDBPyConnection,
    records: str,
    decisions: Sequence[Decision] = (),
    *,
    confidence: float,
) -> int:
    """Link the unmatched person records of ``records`` that have a name and no identifier
    to the one entity whose linked records carry that name; return how many were linked."""
    linked_outcomes = ", ".join(f"'{o}'" for o in LINKED_OUTCOMES)
    refused = [[d.a, d.b] for d in decisions if not d.same]
    uid = "{r}_source || ':' || {r}_file || ':' || {r}_row"
    # Only the unmatched records' names are counted, and only their entities' facts read,
    # not every linked record's.
    steward = ""
    if refused:
        steward = f"""
              AND NOT EXISTS (
                  SELECT 1 FROM (SELECT unnest(?::VARCHAR[][]) AS d) AS refused
                  JOIN {q(records)} o ON o._entity_key = s.entity
                  WHERE (d[1] = {uid.format(r="r.")} AND d[2] = {uid.format(r="o.")})
                     OR (d[2] = {uid.format(r="r.")} AND d[1] = {uid.format(r="o.")})
              )"""
    found = con.execute(
        f"""
        WITH lonely AS (
            SELECT rowid AS record, name, birth_date, sex, _source, _file, _row
            FROM {q(records)}
            WHERE _outcome = 'quarantined' AND _reason = 'unmatched'
              AND _residue_reason = '{MISSING}' AND name IS NOT NULL
        ),
        single AS (
            SELECT name, min(_entity_key) AS entity FROM {q(records)}
            WHERE _outcome IN ({linked_outcomes}) AND _entity_key IS NOT NULL
              AND name IN (SELECT name FROM lonely)
            GROUP BY name HAVING count(DISTINCT _entity_key) = 1
        ),
        facts AS (
            SELECT _entity_key AS entity,
                   list(DISTINCT coalesce(id_number__birth_date, birth_date))
                       FILTER (coalesce(id_number__birth_date, birth_date) IS NOT NULL) AS births,
                   list(DISTINCT coalesce(id_number__sex, sex))
                       FILTER (coalesce(id_number__sex, sex) IS NOT NULL) AS sexes
            FROM {q(records)}
            WHERE _outcome IN ({linked_outcomes})
              AND _entity_key IN (SELECT entity FROM single)
            GROUP BY _entity_key
        ),
        found AS (
            SELECT r.record, s.entity
            FROM lonely r
            JOIN single s ON s.name = r.name
            JOIN facts f ON f.entity = s.entity
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
        [*([refused] if refused else []), confidence],
    ).fetchall()
    return int(found[0][0]) if found else 0
