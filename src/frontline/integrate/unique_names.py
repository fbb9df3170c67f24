"""Records that carry a name and no identifier, linked to the only person of that name.

    linked = link_unique_names(con, "records_person", decisions, confidence=0.95)

Some departments record a person by name alone: a vehicle registered to an owner whose ID
number was never entered, a death certificate with a name and a sex. The probabilistic stage
cannot link such a record — a name alone is too weak against a whole city — and leaves it
unmatched. But a name that the linked records of exactly one person carry, and no other
person's, points at that person. Such a record (unmatched, its identifier missing) joins the
one entity whose linked records carry its normalised name, when nothing else it says
contradicts that entity and no steward refused it (see `frontline.integrate.candidates`).

Its outcome is ``rule``, with the confidence the settings give. On the 100,000-person
synthetic cities of seeds 7 and 8 it linked 125 and 148 records, one of them wrongly each
time (on seed 7, 119 once the co-holder and pension rules, which run first, took some). A
wrong one is a person who appears in no other source but shares a name with one who does.
The residue stage's review list does not see these records; a steward finds them by their
outcome and confidence.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from frontline.ids.sql import quote_identifier as q
from frontline.integrate.candidates import LINKED, link_only_candidates
from frontline.integrate.residue import Decision


def link_unique_names(
    con: duckdb.DuckDBPyConnection,
    records: str,
    decisions: Sequence[Decision] = (),
    *,
    confidence: float,
) -> int:
    """Link the unmatched person records of ``records`` that have a name and no identifier
    to the one entity whose linked records carry that name; return how many were linked."""
    named = f"""
        named AS (
            SELECT DISTINCT l.record, o._entity_key AS entity
            FROM lonely l JOIN {q(records)} o ON o.name = l.name
            WHERE o._outcome IN ({LINKED}) AND o._entity_key IS NOT NULL
        )"""
    return link_only_candidates(con, records, named, (), decisions, confidence=confidence)
