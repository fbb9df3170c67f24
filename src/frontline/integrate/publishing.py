"""Publish a run from the DuckDB workspace into the thematic store, in one transaction.

Rows stream out of DuckDB in batches straight into the store's publisher (golden records and
provenance already JSON text, written by DuckDB), so a million entities never sit in Python
lists. Everything or nothing: if any step fails, the store keeps the previous publish.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import Any

import duckdb
from sqlalchemy import Engine

from frontline.ids.sql import quote_identifier as q
from frontline.integrate.duplicates import CANDIDATES as ENTITY_CANDIDATES
from frontline.integrate.identity import remember_entities
from frontline.integrate.provisional import REVIEW_PAIRS
from frontline.integrate.quality import ISSUES, department_scores
from frontline.integrate.survivorship import LINKED_OUTCOMES
from frontline.integrate.workspace import has_table, meta, remember
from frontline.store import (
    EntityRow,
    EventRow,
    GoldenRow,
    IssueRow,
    LinkRow,
    Publisher,
    PublishReport,
    RecordRef,
    ReviewPairRow,
    RunSummary,
    Scope,
    ScoreRow,
)
from frontline.store.staging import Progress

_BATCH = 20_000


def _stream(con: duckdb.DuckDBPyConnection, sql: str) -> Iterator[tuple[Any, ...]]:
    # A cursor of its own: the publisher may run other DuckDB queries while this one streams.
    cursor = con.cursor()
    cursor.execute(sql)
    while batch := cursor.fetchmany(_BATCH):
        yield from batch
    cursor.close()


def _ref(unique_id: str) -> RecordRef:
    """`source:file:row` as built by the residue stage (a file name may hold a colon)."""
    source, rest = unique_id.split(":", 1)
    file, row = rest.rsplit(":", 1)
    return RecordRef(source, file, int(row))


def _prepare(
    con: duckdb.DuckDBPyConnection,
    entity_types: Sequence[str],
    scopes: Mapping[str, tuple[str, str]] | None = None,
    changed_sources: Sequence[str] = (),
) -> None:
    """``run_golden``, ``run_links`` and ``run_issues``: what this run would publish, with
    entity ids.

    ``scopes``: per entity type, the tables of the entities (``entity_key``) and rows
    (``_source``, ``_file``, ``_row``) an incremental run touched (see `scope`); then only
    those entities' golden records, the rows of the ``changed_sources`` and the touched rows,
    and their issues, are prepared — nothing else can differ from the last publish.
    """
    linked = ", ".join(f"'{o}'" for o in LINKED_OUTCOMES)
    changed = "list_contains($changed, {})"

    def within(kind: str, what: str) -> str:
        if scopes is None:
            return "TRUE"
        entities, rows = (q(t) for t in scopes[kind])
        if what == "golden":
            return f"g.entity_key IN (SELECT entity_key FROM {entities})"
        if what == "links":
            return (
                f"({changed.format('r._source')} OR (r._source, r._file, r._row) IN "
                f"(SELECT _source, _file, _row FROM {rows}))"
            )
        return (
            f"({changed.format('x.source')} OR x.entity_key IN (SELECT entity_key FROM "
            f"{entities}) OR (x.source, x.file, x.row) IN (SELECT * FROM {rows}))"
        )

    def create(table: str, selects: Sequence[str]) -> None:
        sql = f"CREATE OR REPLACE TABLE {table} AS " + " UNION ALL ".join(selects)
        con.execute(sql, {"changed": list(changed_sources)} if "$changed" in sql else None)

    create(
        "run_golden",
        [
            f"SELECT i.entity_id, '{kind}' AS entity_type, g.golden_values, g.provenance "
            f"FROM {q(f'golden_{kind}')} g JOIN {q(f'entity_ids_{kind}')} i USING (entity_key) "
            f"WHERE {within(kind, 'golden')}"
            for kind in entity_types
        ],
    )
    selects = []
    for kind in entity_types:
        records = f"records_{kind}"
        selects.append(
            f"""
            SELECT r._source AS source, r._file AS file, r._row AS row, i.entity_id,
                   CASE WHEN r._outcome IN ({linked}) THEN 'linked'
                        WHEN r._outcome IN ('skipped', 'other_source') THEN r._outcome
                        ELSE 'quarantined' END AS status,
                   CASE WHEN r._outcome IN ({linked}) THEN r._outcome END AS method,
                   round(r._confidence, 4) AS confidence, r._reason AS reason
            FROM {q(records)} r
            LEFT JOIN {q(f"entity_ids_{kind}")} i
                ON i.entity_key = r._entity_key AND r._outcome IN ({linked})
            WHERE {within(kind, "links")}
            """
        )
    create("run_links", selects)
    create(
        "run_issues",
        [
            f"""
            SELECT issue_type, severity, department_key, source, file, row, i.entity_id,
                   field, detail
            FROM {ISSUES} x LEFT JOIN {q(f"entity_ids_{kind}")} i USING (entity_key)
            WHERE x.entity_type = '{kind}' AND {within(kind, "issues")}
            """
            for kind in entity_types
        ],
    )


def can_publish_changes(con: duckdb.DuckDBPyConnection, latest_run: int | None) -> bool:
    """Whether the workspace's snapshot is what the store serves now (its latest run), so a
    publish of the differences is enough."""
    published = meta(con, "published_run")
    return (
        latest_run is not None
        and published == str(latest_run)
        and has_table(con, "published_golden")
        and has_table(con, "published_links")
    )


def publish_run(
    con: duckdb.DuckDBPyConnection,
    engine: Engine,
    run_id: int,
    entity_types: Sequence[str],
    sources: Sequence[str],
    summary: Mapping[str, object],
    *,
    changed_sources: Sequence[str] | None = None,
    scopes: Mapping[str, tuple[str, str]] | None = None,
    snapshots: Collection[str] = (),
    progress: Progress | None = None,
) -> PublishReport:
    """Publish the workspace's entities, golden records, links, issues, scores, events and
    review pairs of ``entity_types`` as run ``run_id``.

    A full publish (``changed_sources`` None) replaces everything of its types and sources.
    Given the sources that changed (see `can_publish_changes`), only the differences from the
    workspace's snapshot of the last publish are written: golden records that changed, the
    links of the changed sources and the links that changed elsewhere, and the issues of those
    entities and rows. Either way the snapshot then becomes this publish. With ``scopes`` too
    (see `_prepare`), only the touched entities and rows are compared.

    The workspace's snapshot of the store's entities (`remember_entities`) is brought up to
    date too: in place for the types in ``snapshots`` (their ids were assigned from it).
    """
    diff = changed_sources is not None
    scoped = scopes if diff and scopes is not None else None
    _prepare(con, entity_types, scoped, changed_sources or ())
    if diff:
        # The golden records that differ from the snapshot's, compared only with those the
        # run prepared: the snapshot holds every entity's, a few hundred megabytes at 1M.
        con.execute(
            "CREATE OR REPLACE TABLE publish_golden AS "
            "SELECT * FROM run_golden EXCEPT SELECT * FROM published_golden "
            "WHERE entity_id IN (SELECT entity_id FROM run_golden)"
        )
        con.execute(
            "CREATE OR REPLACE TABLE publish_links AS "
            "SELECT * FROM run_links WHERE list_contains(?, source) "
            "UNION SELECT * FROM (SELECT * FROM run_links EXCEPT SELECT * FROM published_links)",
            [list(changed_sources or ())],
        )
        con.execute(
            "CREATE OR REPLACE TABLE publish_issues AS SELECT * FROM run_issues "
            "WHERE list_contains(?, source) "
            "OR entity_id IN (SELECT entity_id FROM publish_golden) "
            "OR (source, file, row) IN (SELECT source, file, row FROM publish_links)",
            [list(changed_sources or ())],
        )
        tables = {"golden": "publish_golden", "links": "publish_links", "issues": "publish_issues"}
        scope = Scope(sources=frozenset(changed_sources or ()))
    else:
        tables = {"golden": "run_golden", "links": "run_links", "issues": "run_issues"}
        for kind in tables:  # an earlier incremental publish's
            con.execute(f"DROP TABLE IF EXISTS publish_{kind}")
        scope = Scope(entity_types=frozenset(entity_types), sources=frozenset(sources))
    with Publisher(
        engine, RunSummary(run_id, scope, summary), replace=True, progress=progress
    ) as publisher:
        for kind in entity_types:
            publisher.entities(
                EntityRow(entity_id, kind, key, status, merged_into)
                for key, entity_id, status, merged_into in _stream(
                    con,
                    "SELECT entity_key, entity_id, status, merged_into "
                    f"FROM {q(f'entity_ids_{kind}')} WHERE changed ORDER BY entity_id",
                )
            )
        publisher.golden(
            GoldenRow(*row)
            for row in _stream(con, f"SELECT * FROM {tables['golden']} ORDER BY entity_id")
        )
        publisher.links(
            LinkRow(*row)
            for row in _stream(con, f"SELECT * FROM {tables['links']} ORDER BY source, file, row")
        )
        for kind in entity_types:
            # merged: [merged, survivor]; split: [split off, the one it had been merged into].
            publisher.events(
                EventRow(change, [e for e in (entity_id, other) if e], {"entity_type": kind})
                for change, entity_id, other in _stream(
                    con,
                    f"""
                    SELECT change, entity_id,
                           CASE change WHEN 'merged' THEN merged_into
                                       WHEN 'split' THEN was_merged_into END
                    FROM {q(f"entity_ids_{kind}")}
                    WHERE change IN ('retired', 'merged', 'split') ORDER BY 2
                    """,
                )
            )
        publisher.issues(
            IssueRow(*row) for row in _stream(con, f"SELECT * FROM {tables['issues']}")
        )
        publisher.scores(ScoreRow(*score) for score in department_scores(con))
        if "person" in entity_types and has_table(con, "review_candidates"):
            # Pairs of two unmatched records too (`provisional`): residue records, both.
            unmatched = (
                f" UNION ALL SELECT * FROM {REVIEW_PAIRS}" if has_table(con, REVIEW_PAIRS) else ""
            )
            profiles = "(SELECT * FROM residue_left UNION ALL SELECT * FROM residue_reference)"
            profile = (
                "to_json({{'name': {0}.name, 'birth_date': {0}.birth_date, 'sex': {0}.sex, "
                "'id_number': {0}.id_norm, 'phone': {0}.phone, 'address': {0}.address}})"
            )
            publisher.review_pairs(
                ReviewPairRow(_ref(left), _ref(right), "person", float(p), (a, b))
                for left, right, p, a, b in _stream(
                    con,
                    f"SELECT c.unique_id, c.reference_id, c.probability, "
                    f"{profile.format('l')}, {profile.format('r')} "
                    "FROM (SELECT unique_id, reference_id, probability FROM review_candidates "
                    f"      UNION ALL SELECT * FROM {ENTITY_CANDIDATES}{unmatched}) c "
                    f"JOIN {profiles} l ON l.unique_id = c.unique_id "
                    f"JOIN {profiles} r ON r.unique_id = c.reference_id "
                    "ORDER BY c.unique_id, c.reference_id",
                )
            )
    # The store now serves exactly this: the snapshot the next incremental publish compares to
    # (renamed, not copied: a million golden records are a few hundred megabytes).
    if scoped is None:
        for kind in ("golden", "links"):
            con.execute(f"DROP TABLE IF EXISTS published_{kind}")
            con.execute(f"ALTER TABLE run_{kind} RENAME TO published_{kind}")
    else:
        con.execute(
            "DELETE FROM published_golden WHERE entity_id IN (SELECT entity_id FROM run_golden)"
        )
        con.execute("INSERT INTO published_golden SELECT * FROM run_golden")
        con.execute(
            "DELETE FROM published_links WHERE list_contains(?, source) "
            "OR (source, file, row) IN (SELECT source, file, row FROM run_links)",
            [list(changed_sources or ())],
        )
        con.execute("INSERT INTO published_links SELECT * FROM run_links")
    # Before the run is remembered as published: a snapshot is only trusted with its run.
    for kind in entity_types:
        remember_entities(con, kind, in_place=kind in snapshots)
    remember(con, "published_run", str(run_id))
    return publisher.report
