"""Survive: choose each golden value from the linked records, and say where it came from.

Every linked record offers its values (a *candidate* per entity, field and record). For each
entity and field the candidates are ranked by the declared rules, in the declared order:

- ``priority``: the source's priority for the field (``phone: {column: LXDH, priority: 60}``);
- ``recency``: the later as-of date;
- ``agreement``: the value more sources agree on (addresses compared by their dwelling key,
  see `frontline.integrate.addresses`).

Ties go to records linked by identifier, then by higher link confidence (to five decimals), then
to the source key, file and row, so the choice never depends on the order rows were read. The
whole order is packed into one integer per candidate (`frontline.integrate.ranking`). The first
candidate survives; its provenance — source, department, file, row, as-of date, link method and
confidence, how many sources agree, how many offered a value and how many distinct values there
were — is kept beside the value. Keys are written sorted, as the store compares JSON documents
as text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import duckdb

from frontline.ids.sql import column_table
from frontline.ids.sql import quote_identifier as q
from frontline.integrate import ranking
from frontline.integrate.addresses import address_key_sql
from frontline.integrate.fields import EntityType, Kind
from frontline.integrate.ranking import Rule
from frontline.integrate.sources import SourceSpec

RULES: tuple[Rule, ...] = ("priority", "recency", "agreement")

LINKED_OUTCOMES = ("identifier", "probabilistic", "rule", "review")
"""Outcomes of a record that belongs to an entity."""


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


def _sources(
    con: duckdb.DuckDBPyConnection, name: str, specs: Sequence[SourceSpec], entity: EntityType
) -> None:
    """Table ``name``: each source's priority per field and its place among the type's sources
    (the tie-break and the bit that marks it in a set of sources); a ``match_only`` field
    offers nothing."""
    keys = sorted({spec.key for spec in specs if spec.entity == entity.name})
    if len(keys) > ranking.MAX_SOURCES:
        raise ValueError(
            f"{len(keys)} {entity.name} sources: survivorship ranks at most "
            f"{ranking.MAX_SOURCES} sources of one entity type"
        )
    rows = [
        (spec.key, name, mapping.priority, keys.index(spec.key))
        for spec in specs
        if spec.entity == entity.name
        for name, mapping in spec.fields.items()
        if not mapping.match_only
    ]
    column_table(
        con,
        name,
        {
            "source": ("VARCHAR", [r[0] for r in rows]),
            "field": ("VARCHAR", [r[1] for r in rows]),
            "priority": ("INTEGER", [r[2] for r in rows]),
            "source_index": ("INTEGER", [r[3] for r in rows]),
        },
    )


def _files(con: duckdb.DuckDBPyConnection, name: str, records: str) -> None:
    """Table ``name``: the records' file names in order, numbered (the tie-break after the
    source)."""
    names = [r[0] for r in con.execute(f"SELECT DISTINCT _file FROM {q(records)}").fetchall()]
    names.sort()
    if len(names) > ranking.MAX_FILES:
        raise ValueError(f"{len(names)} files: survivorship ranks at most {ranking.MAX_FILES}")
    column_table(
        con, name, {"file": ("VARCHAR", names), "file_index": ("INTEGER", range(len(names)))}
    )


def _orders(entity: EntityType, rules: SurvivorshipRules) -> dict[str, tuple[Rule, ...]]:
    """The fields whose rule order is not the default one."""
    return {
        name: rules.order_of(name)
        for name in entity.field_names
        if rules.order_of(name) != rules.order
    }


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
    its ``compare_key``, ``priority`` and base ``rank``, see `frontline.integrate.ranking`),
    ``survivors_<type>`` (per entity and field the surviving candidate, with how many sources
    agree with it, how many offered a value and how many distinct values there were) and
    ``golden_<type>`` (``entity_key``, ``golden_values`` and ``provenance`` as JSON text).

    ``only``: a table of ``entity_key``s; just those entities' rows are rebuilt, in the tables
    an earlier run left (everything is decided per entity, so the result is what a full
    rebuild would give).
    """
    chosen = rules or SurvivorshipRules()
    orders = _orders(entity, chosen)
    names = {t: q(f"{t}_{entity.name}") for t in ("candidates", "survivors", "golden")}
    sources, files = f"__sources_{entity.name}", f"__files_{entity.name}"
    _sources(con, sources, specs, entity)
    _files(con, files, records)
    values = ", ".join(f"{_candidate_value(entity, n)} AS {q(n)}" for n in entity.field_names)
    linked = ", ".join(f"'{o}'" for o in LINKED_OUTCOMES)
    key = f"CASE WHEN field = 'address' THEN {address_key_sql('value')} ELSE value END"
    build = {}
    for table, name in names.items():
        if only is None:
            build[table] = f"CREATE OR REPLACE TABLE {name} AS"
        else:
            con.execute(
                f"DELETE FROM {name} WHERE entity_key IN (SELECT entity_key FROM {q(only)})"
            )
            build[table] = f"INSERT INTO {name}"
    longest = con.execute(f"SELECT max(_row) FROM {q(records)}").fetchall()[0][0]
    if longest is not None and longest > ranking.MAX_ROW:
        raise ValueError(f"a file of more than {ranking.MAX_ROW} rows cannot be ranked")
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
        )
        SELECT o.entity_key, o.field, o.value, {key} AS compare_key, o.source, o.file, o.row,
               o.department, o.as_of, o.method, o.confidence, p.priority, p.source_index,
               {ranking.base_rank(orders, chosen.order)} AS rank
        FROM offered o JOIN {q(sources)} p USING (source, field) JOIN {q(files)} f USING (file)
        """
    )
    con.execute(f"DROP TABLE {q(sources)}")
    con.execute(f"DROP TABLE {q(files)}")
    # Two hash aggregates decide everything: per value (its agreeing sources, as a set of
    # source bits, and its best candidate), then per field (the best value's best candidate).
    full_rank = ranking.with_agreement("best", "bit_count(mask)", orders, chosen.order)
    candidates = names["candidates"]
    con.execute(
        f"""
        {build["survivors"]}
        WITH per_value AS (
            SELECT entity_key, field, bit_or(CAST(1 AS HUGEINT) << source_index) AS mask,
                   arg_min(rowid, rank) AS candidate, min(rank) AS best
            FROM {candidates} WHERE {_within(only, "entity_key")}
            GROUP BY entity_key, field, compare_key
        ),
        ranked AS (
            SELECT *, {full_rank} AS full_rank FROM per_value
        ),
        chosen AS (
            SELECT entity_key, field, arg_min(candidate, full_rank) AS winner,
                   arg_min(bit_count(mask), full_rank) AS agreement,
                   bit_count(bit_or(mask)) AS sources, count(*) AS distinct_values
            FROM ranked
            GROUP BY entity_key, field
        )
        SELECT c.entity_key, c.field, c.value, c.compare_key, c.source, c.file, c.row,
               c.department, c.as_of, c.method, c.confidence, w.agreement,
               w.sources, w.distinct_values
        FROM chosen w JOIN {candidates} c ON c.rowid = w.winner
        """
    )
    # JSON objects assembled from per-field JSON text, fields in sorted order (as the store
    # compares documents as text): one filtered scan per field joined on the entity, which is
    # cheaper than a grouping with a conditional aggregate per field, and never sorts.
    provenance = (
        "to_json({'agreeing_sources': agreement, 'as_of': as_of, "
        "'confidence': round(confidence, 4), 'department': department, "
        "'distinct_values': distinct_values, 'file': file, 'method': method, "
        "'row': row, 'source': source, 'sources': sources})"
    )
    survivors = names["survivors"]
    fields = sorted(entity.field_names)
    joins = " ".join(
        f"""LEFT JOIN (
            SELECT entity_key, '"{name}":' || to_json(value) AS v{i},
                   '"{name}":' || {provenance} AS p{i}
            FROM {survivors} WHERE field = '{name}' AND {_within(only, "entity_key")}
        ) f{i} USING (entity_key)"""
        for i, name in enumerate(fields)
    )

    def document(prefix: str) -> str:
        pieces = ", ".join(f"{prefix}{i}" for i in range(len(fields)))
        return f"'{{' || concat_ws(',', {pieces}) || '}}'"

    con.execute(
        f"""
        {build["golden"]}
        SELECT entity_key, {document("v")} AS golden_values, {document("p")} AS provenance
        FROM (SELECT DISTINCT entity_key FROM {survivors} WHERE {_within(only, "entity_key")})
        {joins}
        """
    )
