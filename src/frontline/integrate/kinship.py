"""Records that name nobody, linked through a parent: a birth certificate issued before the
child was named carries no name and no identifier of the child, only its birth date, its sex
and the mother's resident ID number.

    linked = link_through_parents(con, "records_person", specs)

Such a record (routed to quarantine as ``no_identity``) joins the child born that day, of that
sex, in a household of the parent — the households that sources describing households
(`SourceSpec.household`) place the parent's identifier-linked records in, and the
identifier-linked children they place there. Exactly one such child, other than the parent,
links it (outcome ``rule``, confidence 1); none, or two (twins of one sex), leave it where
it was.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from frontline.ids.sql import quote_identifier as q
from frontline.ids.sql import quote_literal, resident_normalized
from frontline.integrate.residue import RULE
from frontline.integrate.routing import IDENTIFIER, QUARANTINED
from frontline.integrate.sources import SourceSpec

NO_IDENTITY = "no_identity"
"""The quarantine reason of a record with no name and no usable identifier."""


def link_through_parents(
    con: duckdb.DuckDBPyConnection, records: str, specs: Sequence[SourceSpec]
) -> int:
    """Link the nameless records of sources with a `parent_id` to the one child of their birth
    date and sex in the parent's household; return how many were linked."""
    children = [s for s in specs if s.entity == "person" and s.parent_id is not None]
    households = [s for s in specs if s.entity == "person" and s.household is not None]
    if not children or not households:
        return 0
    parent = " ".join(
        f"WHEN {quote_literal(s.key)} THEN _attributes ->> {quote_literal(s.parent_id or '')}"
        for s in children
    )
    household = " ".join(
        f"WHEN {quote_literal(s.key)} THEN _attributes ->> {quote_literal(s.household or '')}"
        for s in households
    )
    placed = f"""
        SELECT _entity_key AS person, CASE _source {household} END AS household,
               birth_date, sex
        FROM {q(records)}
        WHERE _outcome = '{IDENTIFIER}' AND list_contains(?, _source)
    """
    raw = f"CASE _source {parent} END"
    linked = con.execute(
        f"""
        WITH placed AS ({placed}),
        nameless AS (
            SELECT rowid AS record, {resident_normalized(raw)} AS parent, birth_date, sex
            FROM {q(records)}
            WHERE _outcome = '{QUARANTINED}' AND _reason = '{NO_IDENTITY}'
              AND list_contains(?, _source) AND birth_date IS NOT NULL AND sex IS NOT NULL
        ),
        found AS (
            SELECT n.record, min(c.person) AS child, count(DISTINCT c.person) AS children
            FROM nameless n
            JOIN (SELECT DISTINCT person, household FROM placed WHERE household IS NOT NULL) h
              ON h.person = n.parent
            JOIN placed c ON c.household = h.household AND c.birth_date = n.birth_date
                         AND c.sex = n.sex AND c.person <> n.parent
            GROUP BY n.record
        )
        UPDATE {q(records)} AS r SET _outcome = '{RULE}', _entity_key = f.child, _confidence = 1.0
        FROM found f
        WHERE r.rowid = f.record AND f.children = 1
        """,
        [[s.key for s in households], [s.key for s in children]],
    ).fetchall()
    return int(linked[0][0]) if linked else 0
