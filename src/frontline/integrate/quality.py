"""Quality: find the problems in each department's data and score each department.

Issues (each routed to the department whose record has the problem; the types are described
in `frontline.quality.issue_types`):

- ``invalid_identifier`` / ``missing_identifier``: the record's identifier fails its check or
  is empty (the record may still have been linked by matching);
- ``identifier_mismatch``: the record's birth date or sex contradicts its resident ID;
- ``unlinked``: the record belongs to no entity (``unmatched``, ``review_pending``,
  ``no_identity``);
- ``conflict``: the record's value of a field differs from the golden value another record
  supplied (``stale`` in the detail when the record is older than the golden value's);
- ``alive_after_death``: health registered a death, yet a later record of a source that
  ``implies_alive`` still treats the person as living (a pension still paid);
- ``duplicate``: a second row of the same entity in a source with ``one_row_per_entity``;
- ``stale``: the record is older than the staleness limit.

Scores per department, each 0..1, over the department's records: completeness (mapped values
present), validity (present values that pass their check), consistency (linked values that
agree with the golden value), timeliness (records within the staleness limit that carry no
stale value).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import duckdb

from frontline.ids.sql import column_table, quote_literal
from frontline.ids.sql import quote_identifier as q
from frontline.integrate.fields import EntityType, Kind
from frontline.integrate.sources import SourceSpec
from frontline.integrate.sources.spec import SkipRule
from frontline.integrate.survivorship import LINKED_OUTCOMES
from frontline.quality.issue_types import ISSUE_TYPES

ISSUES = "quality_issues"
SCORES = "quality_scores"

SEVERITY = {key: issue.severity for key, issue in ISSUE_TYPES.items()}


@dataclass(frozen=True)
class QualitySettings:
    stale_days: int = 365
    """A record whose as-of date is this many days older than the newest source's is stale."""


def _linked() -> str:
    return ", ".join(f"'{o}'" for o in LINKED_OUTCOMES)


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    """The run's score table, empty, and the issue table (kept if an earlier run left one:
    an incremental run judges only what changed)."""
    con.execute(
        f"""
        CREATE TABLE IF NOT EXISTS {ISSUES} (
            issue_type VARCHAR, severity VARCHAR, department_key VARCHAR, source VARCHAR,
            file VARCHAR, row BIGINT, entity_key VARCHAR, entity_type VARCHAR, field VARCHAR,
            detail VARCHAR
        )
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TABLE {SCORES} (
            department_key VARCHAR, entity_type VARCHAR, rows BIGINT, mapped BIGINT,
            complete BIGINT, present BIGINT, valid BIGINT, offered BIGINT, agreeing BIGINT,
            timely BIGINT
        )
        """
    )


def reference_date(specs: Sequence[SourceSpec]) -> date:
    """The newest as-of date of the sources: what staleness is measured from."""
    return max(spec.as_of for spec in specs)


def find_issues(
    con: duckdb.DuckDBPyConnection,
    entity: EntityType,
    specs: Sequence[SourceSpec],
    records: str,
    settings: QualitySettings | None = None,
    *,
    rows: str | None = None,
) -> None:
    """Append the issues of one entity type's ``records`` to the issues table.

    Needs ``candidates_<type>`` and ``survivors_<type>`` from
    `frontline.integrate.survivorship.survive`.

    ``rows``: a table of ``(_source, _file, _row)``: only these records are judged again,
    after their earlier issues are removed. An issue depends on its record and its entity's
    records, so an incremental run passes every record of the entities it touched.
    """
    chosen = settings or QualitySettings()
    stale_before = reference_date(specs) - timedelta(days=chosen.stale_days)
    r, candidates = q(records), q(f"candidates_{entity.name}")
    survivors = q(f"survivors_{entity.name}")
    scoped = f"candidates_{entity.name}"
    if rows is not None:
        within = f"(SELECT * FROM {q(rows)})"
        con.execute(
            f"DELETE FROM {ISSUES} WHERE entity_type = ? AND (source, file, row) IN {within}",
            [entity.name],
        )
        r = f"(SELECT * FROM {q(records)} WHERE (_source, _file, _row) IN {within})"
        scoped = "__scoped_candidates"
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW {scoped} AS SELECT * FROM {candidates} "
            f"WHERE (source, file, row) IN {within}"
        )
    ident = q(entity.identifier.name)
    kind = entity.name

    severity = " ".join(f"WHEN '{t}' THEN '{s}'" for t, s in SEVERITY.items())

    def insert(select: str, params: Sequence[object] = ()) -> None:
        con.execute(
            f"INSERT INTO {ISSUES} BY NAME SELECT *, '{kind}' AS entity_type, "
            f"CASE issue_type {severity} END AS severity FROM ({select})",
            list(params),
        )

    record = "_department AS department_key, _source AS source, _file AS file, _row AS row"
    linked_key = f"CASE WHEN _outcome IN ({_linked()}) THEN _entity_key END AS entity_key"
    insert(
        f"""
        SELECT CASE WHEN _residue_reason = 'identifier_missing' THEN 'missing_identifier'
                    ELSE 'invalid_identifier' END AS issue_type,
               {record}, {linked_key}, '{entity.identifier.name}' AS field,
               to_json({{'reason': regexp_replace(_residue_reason, '^identifier_(invalid_)?', ''),
                         'linked': _outcome IN ({_linked()})}})::VARCHAR AS detail
        FROM {r}
        WHERE _residue_reason = 'identifier_missing'
           OR _residue_reason LIKE 'identifier_invalid_%'
        """
    )
    insert(
        f"""
        SELECT 'identifier_mismatch' AS issue_type, {record}, {linked_key},
               _contradiction AS field,
               to_json({{'identifier_number': {ident}, 'linked': _outcome IN ({_linked()})}})
                   ::VARCHAR AS detail
        FROM {r} WHERE _contradiction IS NOT NULL
        """
    )
    insert(
        f"""
        SELECT 'unlinked' AS issue_type, {record}, NULL AS entity_key, NULL AS field,
               to_json({{'reason': _reason, 'confidence': round(_confidence, 4)}})
                   ::VARCHAR AS detail
        FROM {r} WHERE _outcome = 'quarantined'
        """
    )
    insert(
        f"""
        SELECT 'conflict' AS issue_type, c.department AS department_key, c.source, c.file,
               c.row, c.entity_key, c.field,
               to_json({{'value': c.value, 'golden_value': g.value,
                         'golden_source': g.source, 'golden_department': g.department,
                         'stale': coalesce(c.as_of < g.as_of, false)}})::VARCHAR AS detail
        FROM {q(scoped)} c
        JOIN {survivors} g ON g.entity_key = c.entity_key AND g.field = c.field
        WHERE c.compare_key <> g.compare_key
        """
    )
    unique = [s.key for s in specs if s.entity == entity.name and s.one_row_per_entity]
    if unique:
        insert(
            f"""
            SELECT 'duplicate' AS issue_type, {record}, _entity_key AS entity_key,
                   NULL AS field, to_json({{'first_row': first_row}})::VARCHAR AS detail
            FROM (
                SELECT *, min(_row) OVER (PARTITION BY _source, _file, _entity_key) AS first_row
                FROM {r} WHERE _outcome IN ({_linked()}) AND list_contains(?, _source)
            ) WHERE _row > first_row
            """,
            [unique],
        )
    insert(
        f"""
        SELECT 'stale' AS issue_type, {record}, {linked_key}, NULL AS field,
               to_json({{'as_of': _as_of, 'stale_after_days': ?}})::VARCHAR AS detail
        FROM {r} WHERE _as_of < ? AND _outcome NOT IN ('skipped', 'other_source')
        """,
        [chosen.stale_days, stale_before],
    )
    if entity.field("death_date") is not None:
        _alive_after_death(con, specs, r, insert)


def _alive_after_death(
    con: duckdb.DuckDBPyConnection,
    specs: Sequence[SourceSpec],
    records: str,
    insert: Callable[[str, Sequence[object]], None],
) -> None:
    """Issues of records (``records``: SQL, a table or a subquery) that imply the person was
    alive after the death golden record holds."""
    conditions = []
    params: list[object] = []
    for spec in specs:
        rule = spec.implies_alive
        if spec.entity != "person" or rule is False:
            continue
        if isinstance(rule, SkipRule):
            # The spec checked the column is mapped.
            value = spec.raw_sql(rule.column, "r")
            conditions.append(f"(r._source = ? AND trim({value}) IN (SELECT unnest(?)))")
            params += [spec.key, rule.values]
        else:
            conditions.append("r._source = ?")
            params.append(spec.key)
    if not conditions:
        return
    insert(
        f"""
        SELECT 'alive_after_death' AS issue_type, r._department AS department_key,
               r._source AS source, r._file AS file, r._row AS row, r._entity_key AS entity_key,
               'death_date' AS field,
               to_json({{'death_date': d.value, 'death_source': d.source,
                         'death_department': d.department, 'as_of': r._as_of}})::VARCHAR
                   AS detail
        FROM {records} r
        JOIN survivors_person d ON d.entity_key = r._entity_key AND d.field = 'death_date'
        WHERE r._outcome IN ({_linked()}) AND r._as_of > CAST(d.value AS DATE)
          AND ({" OR ".join(conditions)})
        """,
        params,
    )


def _valid_sql(entity: EntityType, name: str) -> str:
    spec = entity.known(name)
    if spec.kind in (Kind.RESIDENT_ID, Kind.CREDIT_CODE):
        return f"{q(name + '__status')} IN ('valid', 'repaired')"
    return f"{q(name)} IS NOT NULL"


def measure(
    con: duckdb.DuckDBPyConnection,
    entity: EntityType,
    specs: Sequence[SourceSpec],
    records: str,
    settings: QualitySettings | None = None,
) -> None:
    """Append the raw counts behind each department's scores for one entity type: one row per
    source, in one statement (the comparison with the golden values is one join for all
    sources)."""
    chosen = settings or QualitySettings()
    stale_before = reference_date(specs) - timedelta(days=chosen.stale_days)
    candidates = q(f"candidates_{entity.name}")
    survivors = q(f"survivors_{entity.name}")
    mine = [s for s in specs if s.entity == entity.name]
    if not mine:
        return

    def total(conditions: list[str]) -> str:
        summed = " + ".join(f"({c})::INT" for c in conditions) or "0"
        return f"coalesce(sum({summed}), 0)"

    def present(spec: SourceSpec) -> list[str]:
        return [f"nullif(trim({q(n + '__raw')}), '') IS NOT NULL" for n in spec.fields]

    def valid(spec: SourceSpec) -> list[str]:
        return [
            f"({p} AND {_valid_sql(entity, n)})"
            for p, n in zip(present(spec), spec.fields, strict=True)
        ]

    def complete(spec: SourceSpec) -> list[str]:
        return [
            f"nullif(trim({q(n + '__raw')}), '') IS NOT NULL"
            for n, mapping in spec.fields.items()
            if not mapping.optional
        ]

    def required(spec: SourceSpec) -> int:
        return sum(not mapping.optional for mapping in spec.fields.values())

    column_table(
        con,
        "__measured_sources",
        {
            "source": ("VARCHAR", [s.key for s in mine]),
            "department_key": ("VARCHAR", [s.department_key for s in mine]),
            "required": ("BIGINT", [required(s) for s in mine]),
        },
    )
    # Each source's counts from a scan filtered to its rows (its mapped fields differ).
    counted = " UNION ALL ".join(
        f"""
        SELECT _source AS source, count(*) AS rows, {total(complete(spec))} AS complete,
               {total(present(spec))} AS present, {total(valid(spec))} AS valid
        FROM {q(records)}
        WHERE _source = {quote_literal(spec.key)} AND _outcome NOT IN ('skipped', 'other_source')
        GROUP BY _source
        """
        for spec in mine
    )
    try:
        con.execute(
            f"""
            INSERT INTO {SCORES}
            WITH counted AS ({counted}),
            -- The candidates that disagree with their golden value: a join over every
            -- candidate, made once for all sources.
            disagreeing AS (
                SELECT c.source, c.file, c.row, c.field, c.as_of < g.as_of AS older
                FROM {candidates} c
                JOIN {survivors} g ON g.entity_key = c.entity_key AND g.field = c.field
                WHERE c.compare_key <> g.compare_key
            ),
            offered AS (
                SELECT source, count(*) AS offered FROM {candidates}
                WHERE field <> $identifier GROUP BY source
            ),
            disagreed AS (
                SELECT source, count(*) AS disagreed FROM disagreeing
                WHERE field <> $identifier GROUP BY source
            ),
            stale_values AS (
                SELECT DISTINCT source, file, row FROM disagreeing WHERE older
            ),
            timely AS (
                SELECT _source AS source, count(*) AS timely FROM {q(records)}
                WHERE _outcome NOT IN ('skipped', 'other_source')
                  AND coalesce(_as_of >= $stale_before, true)
                  AND (_source, _file, _row) NOT IN (SELECT * FROM stale_values)
                GROUP BY _source
            )
            SELECT s.department_key, $entity, coalesce(c.rows, 0),
                   coalesce(c.rows, 0) * s.required, coalesce(c.complete, 0),
                   coalesce(c.present, 0), coalesce(c.valid, 0), coalesce(o.offered, 0),
                   coalesce(o.offered, 0) - coalesce(d.disagreed, 0), coalesce(t.timely, 0)
            FROM __measured_sources s
            LEFT JOIN counted c USING (source)
            LEFT JOIN offered o USING (source)
            LEFT JOIN disagreed d USING (source)
            LEFT JOIN timely t USING (source)
            """,
            {
                "identifier": entity.identifier.name,
                "stale_before": stale_before,
                "entity": entity.name,
            },
        )
    finally:
        con.execute("DROP TABLE IF EXISTS __measured_sources")


Scores = tuple[str, float, float, float, float, int]


def department_scores(con: duckdb.DuckDBPyConnection) -> list[Scores]:
    """Each department's scores: completeness, validity, consistency, timeliness, rows."""

    def share(part: str, whole: str) -> str:
        return f"CASE WHEN sum({whole}) > 0 THEN sum({part}) / sum({whole}) ELSE 1.0 END"

    return [
        (str(d), float(c), float(v), float(s), float(t), int(n))
        for d, c, v, s, t, n in con.execute(
            f"""
            SELECT department_key, {share("complete", "mapped")}, {share("valid", "present")},
                   {share("agreeing", "offered")}, {share("timely", "rows")}, sum(rows)
            FROM {SCORES} GROUP BY department_key ORDER BY department_key
            """
        ).fetchall()
    ]
