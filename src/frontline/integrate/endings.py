"""Death records without an identifier, linked through what the death ended: a pension is
terminated in the month its holder dies, and a death certificate's ID number is sometimes
never entered.

    linked = link_deaths_to_endings(con, "records_person", specs, decisions)

A source says which of its rows record something ended by a death, and in which month
(`SourceSpec.ended_by_death`: the pension register's 终止发放 rows and their last month paid).
A record with a death date, a name and no identifier, left unmatched by the residue stage,
joins the one person of its name whose linked row says it ended in the month of the death,
when nothing else it says contradicts that person — its sex, mostly — and no steward refused
it (`frontline.integrate.candidates`). Its outcome is ``rule`` with confidence 1: two
departments recorded the same event of the same person in the same month.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from frontline.ids.sql import quote_identifier as q
from frontline.ids.sql import quote_literal
from frontline.integrate.candidates import LINKED, link_only_candidates
from frontline.integrate.residue import Decision
from frontline.integrate.sources import SourceSpec


def link_deaths_to_endings(
    con: duckdb.DuckDBPyConnection,
    records: str,
    specs: Sequence[SourceSpec],
    decisions: Sequence[Decision] = (),
) -> int:
    """Link the unmatched, identifier-less death records of ``records`` to the one namesake
    whose row of a source with `ended_by_death` ended in the month of the death; return how
    many were linked."""
    ending = [s for s in specs if s.entity == "person" and s.ended_by_death is not None]
    if not ending:
        return 0
    ended: list[str] = []
    months: list[str] = []
    params: list[object] = []
    for spec in ending:
        rule = spec.ended_by_death
        if rule is None:
            continue
        value = spec.raw_sql(rule.column, "e")
        ended.append(f"(e._source = ? AND list_contains(?, trim({value})))")
        params += [spec.key, rule.values]
        # yyyymm, or the first six digits of a date in any of its formats
        month = f"left(regexp_replace({spec.raw_sql(rule.month, 'e')}, '[^0-9]', '', 'g'), 6)"
        months.append(f"WHEN {quote_literal(spec.key)} THEN {month}")
    named = f"""
        ended AS (
            SELECT DISTINCT e._entity_key AS entity, CASE e._source {" ".join(months)} END AS month
            FROM {q(records)} e
            WHERE e._outcome IN ({LINKED}) AND e._entity_key IS NOT NULL
              AND ({" OR ".join(ended)})
        ),
        named AS (
            SELECT DISTINCT l.record, e.entity
            FROM lonely l
            JOIN {q(records)} x ON x.rowid = l.record AND x.death_date IS NOT NULL
            JOIN ended e ON e.month = strftime(x.death_date, '%Y%m')
            JOIN {q(records)} o ON o._entity_key = e.entity AND o.name = l.name
            WHERE o._outcome IN ({LINKED})
        )"""
    return link_only_candidates(con, records, named, params, decisions, confidence=1.0)
