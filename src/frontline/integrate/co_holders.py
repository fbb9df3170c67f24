"""Records without an identifier, linked through what they hold jointly with someone: a home
owned in common is registered once, one row per co-owner, all rows carrying the certificate's
number — and a co-owner's ID number is sometimes never entered.

    linked = link_through_co_holders(con, "records_person", specs, decisions)

A source says which attribute co-holders share (`SourceSpec.co_holders`). A record of such a
source that the residue stage left unmatched, whose identifier was missing and that carries a
name, has *co-holders*: the other records of its source with the same value whose entity is
known. Its *candidates* are those co-holders' entities and every identifier-linked person that
a source describing households (`SourceSpec.household`) places in a co-holder's household —
people who own a home together mostly live together. It joins the one candidate whose linked
records carry its name (two namesakes in the household leave it alone), when nothing else it
says contradicts that candidate and no steward refused it (`frontline.integrate.candidates`).
Its outcome is ``rule`` with confidence 1, like a record linked through a parent: the name is
checked against a household of a handful of people, not against the city.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from frontline.ids.sql import quote_identifier as q
from frontline.integrate.candidates import LINKED, attribute_sql, link_only_candidates
from frontline.integrate.residue import Decision
from frontline.integrate.routing import IDENTIFIER
from frontline.integrate.sources import SourceSpec


def link_through_co_holders(
    con: duckdb.DuckDBPyConnection,
    records: str,
    specs: Sequence[SourceSpec],
    decisions: Sequence[Decision] = (),
) -> int:
    """Link the unmatched, identifier-less records of sources with `co_holders` to the one
    namesake among their co-holders and the co-holders' households; return how many."""
    holding = [s for s in specs if s.entity == "person" and s.co_holders is not None]
    if not holding:
        return 0
    households = [s for s in specs if s.entity == "person" and s.household is not None]
    held = attribute_sql(holding, "co_holders", "x")
    ctes = f"""
        holding AS (
            SELECT l.*, {held} AS held
            FROM lonely l JOIN {q(records)} x ON x.rowid = l.record
            WHERE list_contains(?, l._source)
        ),
        holders AS (
            SELECT DISTINCT l.record, o._entity_key AS entity
            FROM holding l
            JOIN {q(records)} o
              ON o._source = l._source AND {attribute_sql(holding, "co_holders", "o")} = l.held
            WHERE o._outcome IN ({LINKED}) AND o._entity_key IS NOT NULL
        ),"""
    params: list[object] = [[s.key for s in holding]]
    candidates = "SELECT record, entity FROM holders"
    if households:
        ctes += f"""
        placed AS (
            SELECT DISTINCT p._entity_key AS person,
                   {attribute_sql(households, "household", "p")} AS household
            FROM {q(records)} p
            WHERE p._outcome = '{IDENTIFIER}' AND list_contains(?, p._source)
        ),
        housemates AS (
            SELECT h.record, mate.person AS entity
            FROM holders h
            JOIN placed home ON home.person = h.entity AND home.household IS NOT NULL
            JOIN placed mate ON mate.household = home.household
        ),"""
        params.append([s.key for s in households])
        candidates += " UNION SELECT record, entity FROM housemates"
    named = f"""{ctes}
        named AS (
            SELECT DISTINCT c.record, c.entity
            FROM ({candidates}) c
            JOIN holding l ON l.record = c.record
            JOIN {q(records)} o ON o._entity_key = c.entity AND o.name = l.name
            WHERE o._outcome IN ({LINKED})
        )"""
    return link_only_candidates(con, records, named, params, decisions, confidence=1.0)
