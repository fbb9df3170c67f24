"""Survive: choose each golden value from the linked records, and say where it came from.

Every linked record offers its values (a *candidate* per entity, field and record). For each
entity and field the candidates are ranked by the declared rules, in the declared order:

- ``priority``: the source's priority for the field (``phone: {column: LXDH, priority: 60}``);
- ``recency``: the later as-of date;
- ``agreement``: the value more sources agree on (addresses compared by their dwelling key,
  see `frontline.integrate.addresses`).

Ties go to records linked by identifier, then by higher link confidence, then to the source key
and row, so the choice never depends on the order rows were read. The first candidate survives;
its provenance — source, department, file, row, as-of date, link method and confidence, how many
sources agree, how many offered a value and how many distinct values there were — is kept beside
the value. Keys are written sorted, as the store compares JSON documents as text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import duckdb
import pyarrow as pa

from frontline.ids.sql import quote_identifier as q
from frontline.integrate.addresses import address_key_sql
from frontline.integrate.fields import EntityType, Kind
from frontline.integrate.sources import SourceSpec

Rule = Literal["priority", "recency", "agreement"]
RULES: tuple[Rule, ...] = ("priority", "recency", "agreement")

LINKED_OUTCOMES = ("identifier", "probabilistic", "rule", "review")
"""Outcomes of a record that belongs to an entity."""

_METRIC = {
    "priority": "priority",
    "recency": "coalesce(date_diff('day', DATE '1900-01-01', as_of), -1)",
    "agreement": "agreement",
}


@dataclass(frozen=True)
class SurvivorshipRules:
    """The order in which the rules decide, for all fields and for named fields."""

    order: tuple[Rule, ...] = RULES
    fields: Mapping[str, tuple[Rule, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, order in {"*": self.order, **self.fields}.items():
            unknown = [r for r in order if r not in RULES]
            if unknown or len(set(order)) != len(order):
                raise ValueError(
                    f"survivorship order of {name}: {list(order)}; use each of "
                    f"{', '.join(RULES)} at most once"
                )

    def order_of(self, field_name: str) -> tuple[Rule, ...]:
        return self.fields.get(field_name, self.order)


def _candidate_value(entity: EntityType, name: str) -> str:
    """The text a record offers for field ``name`` (NULL when it offers nothing usable)."""
    spec = entity.known(name)
    column = q(name)
    if spec.identifier:
        # Only a record linked by its own number vouches for it; a residue record's is broken.
        return f"CASE WHEN _outcome = 'identifier' THEN {column} END"
    if spec.kind in (Kind.RESIDENT_ID, Kind.CREDIT_CODE):
        return f"CASE WHEN {q(name + '__status')} IN ('valid', 'repaired') THEN {column} END"
    return f"CAST({column} AS VARCHAR)"


def _priorities(specs: Sequence[SourceSpec], entity: EntityType) -> pa.Table:
    """Each source's priority per field; a ``match_only`` field offers nothing (no row)."""
    rows = [
        (spec.key, name, mapping.priority)
        for spec in specs
        if spec.entity == entity.name
        for name, mapping in spec.fields.items()
        if not mapping.match_only
    ]
    return pa.table(
        {
            "source": pa.array([r[0] for r in rows], pa.string()),
            "field": pa.array([r[1] for r in rows], pa.string()),
            "priority": pa.array([r[2] for r in rows], pa.int32()),
        }
    )


def _sort_keys(entity: EntityType, rules: SurvivorshipRules) -> list[str]:
    """Numeric keys, smallest first wins, ranking a field's candidates by the declared rules
    (per field when fields declare their own order): each rule's metric, negated."""
    keys = []
    for position in range(len(RULES)):
        cases = []
        default = rules.order[position] if position < len(rules.order) else None
        for name in entity.field_names:
            order = rules.order_of(name)
            rule = order[position] if position < len(order) else None
            if rule != default:
                metric = _METRIC[rule] if rule else "0"
                cases.append(f"WHEN field = '{name}' THEN {metric}")
        fallback = _METRIC[default] if default else "0"
        keys.append(f"-(CASE {' '.join(cases)} ELSE {fallback} END)" if cases else f"-{fallback}")
    return keys


def _within(only: str | None, column: str) -> str:
    """SQL: ``column`` is one of the entity keys in table ``only`` (always true without one)."""
    return "TRUE" if only is None else f"{column} IN (SELECT entity_key FROM {q(only)})"


def survive(
    con: duckdb.DuckDBPyConnection,
    entity: EntityType,
    specs: Sequence[SourceSpec],
    records: str,
    rules: SurvivorshipRules | None = None,
    *,
    only: str | None = None,
) -> None:
    """Rank the candidates of ``records`` and build the golden records.

    Creates ``candidates_<type>`` (one row per entity, field and record offering a value, with
    its ``compare_key``, ``priority`` and ``agreement``), ``survivors_<type>`` (per entity and
    field the surviving candidate, with how many sources offered a value and how many distinct
    values there were) and ``golden_<type>`` (``entity_key``, ``golden_values`` and
    ``provenance`` as JSON text).

    ``only``: a table of ``entity_key``s; just those entities' rows are rebuilt, in the tables
    an earlier run left (everything is decided per entity, so the result is what a full
    rebuild would give).
    """
    chosen = rules or SurvivorshipRules()
    names = {t: q(f"{t}_{entity.name}") for t in ("candidates", "survivors", "golden")}
    priorities = f"__priorities_{entity.name}"
    con.register(priorities, _priorities(specs, entity))
    values = ", ".join(f"{_candidate_value(entity, n)} AS {q(n)}" for n in entity.field_names)
    linked = ", ".join(f"'{o}'" for o in LINKED_OUTCOMES)
    key = f"CASE WHEN field = 'address' THEN {address_key_sql('value')} ELSE value END"
    method_rank = "CASE method WHEN 'identifier' THEN 0 WHEN 'review' THEN 1 ELSE 2 END"
    # Ascending: the declared rules, then identifier links, higher confidence (none: an
    # identifier link, first), source, file and row — never the order rows were read in.
    ties = (method_rank, "coalesce(-confidence, -2.0)", "source", "file", "row")
    order = "(" + ", ".join([*_sort_keys(entity, chosen), *ties]) + ")"
    build = {}
    for table, name in names.items():
        if only is None:
            build[table] = f"CREATE OR REPLACE TABLE {name} AS"
        else:
            con.execute(
                f"DELETE FROM {name} WHERE entity_key IN (SELECT entity_key FROM {q(only)})"
            )
            build[table] = f"INSERT INTO {name}"
    con.execute(
        f"""
        {build["candidates"]}
        WITH offered AS (
            UNPIVOT (
                SELECT _entity_key AS entity_key, _source AS source, _file AS file, _row AS row,
                       _department AS department, _as_of AS as_of, _outcome AS method,
                       _confidence AS confidence, {values}
                FROM {q(records)}
                WHERE _outcome IN ({linked}) AND {_within(only, "_entity_key")}
            ) ON {", ".join(q(n) for n in entity.field_names)}
            INTO NAME field VALUE value
        ),
        keyed AS (
            SELECT o.*, {key} AS compare_key, p.priority
            FROM offered o JOIN {q(priorities)} p USING (source, field)
        ),
        -- Distinct counts as two plain aggregations: DuckDB's DISTINCT aggregates are slower.
        agreed AS (
            SELECT entity_key, field, compare_key, count(*) AS agreement
            FROM (SELECT DISTINCT entity_key, field, compare_key, source FROM keyed)
            GROUP BY ALL
        )
        SELECT k.*, a.agreement
        FROM keyed k JOIN agreed a USING (entity_key, field, compare_key)
        """
    )
    con.unregister(priorities)
    # One hash aggregate picks each field's survivor (no sort of all candidates).
    candidates = names["candidates"]
    con.execute(
        f"""
        {build["survivors"]}
        WITH chosen AS (
            SELECT entity_key, field, arg_min(rowid, {order}) AS winner
            FROM {candidates} WHERE {_within(only, "entity_key")}
            GROUP BY entity_key, field
        ),
        valued AS (
            SELECT entity_key, field, count(*) AS distinct_values
            FROM (SELECT DISTINCT entity_key, field, compare_key FROM {candidates}
                  WHERE {_within(only, "entity_key")})
            GROUP BY entity_key, field
        ),
        offering AS (
            SELECT entity_key, field, count(*) AS sources
            FROM (SELECT DISTINCT entity_key, field, source FROM {candidates}
                  WHERE {_within(only, "entity_key")})
            GROUP BY entity_key, field
        )
        SELECT c.entity_key, c.field, c.value, c.compare_key, c.source, c.file, c.row,
               c.department, c.as_of, c.method, c.confidence, c.agreement,
               o.sources, v.distinct_values
        FROM chosen w
        JOIN {candidates} c ON c.rowid = w.winner
        JOIN valued v ON v.entity_key = w.entity_key AND v.field = w.field
        JOIN offering o ON o.entity_key = w.entity_key AND o.field = w.field
        """
    )
    # JSON objects assembled from per-field JSON text, fields in sorted order (as the store
    # compares documents as text): one plain aggregate per field, which DuckDB can spill to
    # disk, where an ordered string_agg over a million entities must stay in memory.
    provenance = (
        "to_json({'agreeing_sources': agreement, 'as_of': as_of, "
        "'confidence': round(confidence, 4), 'department': department, "
        "'distinct_values': distinct_values, 'file': file, 'method': method, "
        "'row': row, 'source': source, 'sources': sources})"
    )

    def document(piece: str) -> str:
        parts = ", ".join(
            f"max(CASE WHEN field = '{name}' THEN '\"{name}\":' || {piece} END)"
            for name in sorted(entity.field_names)
        )
        return f"'{{' || concat_ws(',', {parts}) || '}}'"

    con.execute(
        f"""
        {build["golden"]}
        SELECT entity_key, {document("to_json(value)")} AS golden_values,
               {document(provenance)} AS provenance
        FROM {names["survivors"]} WHERE {_within(only, "entity_key")}
        GROUP BY entity_key
        """
    )
