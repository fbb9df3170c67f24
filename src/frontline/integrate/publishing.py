"""Publish a run from the DuckDB workspace into the thematic store, in one transaction.

Rows stream out of DuckDB in batches straight into the store's publisher (golden records and
provenance already JSON text, written by DuckDB), so a million entities never sit in Python
lists. Everything or nothing: if any step fails, the store keeps the previous publish.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import duckdb
from sqlalchemy import Engine

from frontline.ids.sql import quote_identifier as q
from frontline.integrate.quality import ISSUES, department_scores
from frontline.integrate.survivorship import LINKED_OUTCOMES
from frontline.integrate.workspace import has_column, has_table
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


def publish_run(
    con: duckdb.DuckDBPyConnection,
    engine: Engine,
    run_id: int,
    entity_types: Sequence[str],
    sources: Sequence[str],
    summary: Mapping[str, object],
    *,
    progress: Progress | None = None,
) -> PublishReport:
    """Publish the workspace's entities, golden records, links, issues, scores, events and
    review pairs of ``entity_types`` as run ``run_id`` (a full run: it replaces its scope)."""

    def confidence(kind: str) -> str:
        if has_column(con, f"records_{kind}", "_confidence"):
            return "round(r._confidence, 4)"
        return "NULL::DOUBLE"

    scope = Scope(entity_types=frozenset(entity_types), sources=frozenset(sources))
    linked = ", ".join(f"'{o}'" for o in LINKED_OUTCOMES)
    with Publisher(
        engine, RunSummary(run_id, scope, summary), replace=True, progress=progress
    ) as publisher:
        for kind in entity_types:
            ids = q(f"entity_ids_{kind}")
            publisher.entities(
                EntityRow(entity_id, kind, key, status)
                for key, entity_id, status in _stream(
                    con,
                    f"SELECT entity_key, entity_id, status FROM {ids} WHERE changed "
                    "ORDER BY entity_id",
                )
            )
        for kind in entity_types:
            ids = q(f"entity_ids_{kind}")
            publisher.golden(
                GoldenRow(entity_id, kind, values, provenance)
                for entity_id, values, provenance in _stream(
                    con,
                    f"SELECT i.entity_id, g.golden_values, g.provenance "
                    f"FROM {q(f'golden_{kind}')} g JOIN {ids} i USING (entity_key) "
                    "ORDER BY i.entity_id",
                )
            )
            publisher.links(
                LinkRow(source, file, row, entity_id, status, method, confidence, reason)
                for source, file, row, entity_id, status, method, confidence, reason in _stream(
                    con,
                    f"""
                    SELECT r._source, r._file, r._row, i.entity_id,
                           CASE WHEN r._outcome IN ({linked}) THEN 'linked'
                                WHEN r._outcome IN ('skipped', 'other_source') THEN r._outcome
                                ELSE 'quarantined' END,
                           CASE WHEN r._outcome IN ({linked}) THEN r._outcome END,
                           {confidence(kind)},
                           r._reason
                    FROM {q(f"records_{kind}")} r
                    LEFT JOIN {ids} i
                        ON i.entity_key = r._entity_key AND r._outcome IN ({linked})
                    ORDER BY r._source, r._file, r._row
                    """,
                )
            )
            publisher.events(
                EventRow("retired", [entity_id], {"entity_key_type": kind})
                for (entity_id,) in _stream(
                    con, f"SELECT entity_id FROM {ids} WHERE change = 'retired' ORDER BY 1"
                )
            )
        publisher.issues(
            IssueRow(t, severity, department, source, file, row, entity_id, field, detail)
            for t, severity, department, source, file, row, entity_id, field, detail in _stream(
                con,
                " UNION ALL ".join(
                    f"""
                    SELECT issue_type, severity, department_key, source, file, row,
                           i.entity_id, field, detail
                    FROM {ISSUES} x LEFT JOIN {q(f"entity_ids_{kind}")} i USING (entity_key)
                    WHERE x.entity_type = '{kind}'
                    """
                    for kind in entity_types
                ),
            )
        )
        publisher.scores(ScoreRow(*score) for score in department_scores(con))
        if "person" in entity_types and has_table(con, "review_candidates"):
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
                    "FROM review_candidates c "
                    "JOIN residue_left l ON l.unique_id = c.unique_id "
                    "JOIN residue_reference r ON r.unique_id = c.reference_id "
                    "ORDER BY c.unique_id",
                )
            )
    return publisher.report
