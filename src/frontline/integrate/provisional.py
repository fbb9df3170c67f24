"""Provisional persons: records that match one another but no record linked by identifier.

    grouped = group_unmatched(con, "records_person", model, settings, decisions)

The residue stage matches each residue record against the records linked by identifier, never
against other residue records. A person none of whose records carries a valid identifier — a
newborn whose birth certificate and household registration were both entered without an ID
number, someone whose number every department mistyped — has nothing to match there: each of
their records stays unmatched, on its own.

This step scores the records still unmatched after every other linking step against one
another, with the model the residue stage trained (as a deduplication: the same comparisons,
*m*, *u* and prior), keeps the pairs at or above the link threshold, and groups the records
those pairs connect (Splink's clustering). A steward's decisions hold: a pair decided "same"
connects its two records whatever the model says, and a group that would hold a pair decided
"not the same" is not made at all — its records stay unmatched. The pairs no steward decided
between records left apart — from the review threshold up to the link threshold, or inside a
group a refusal kept from being made — go to the review list (`REVIEW_PAIRS`, published with
the residue stage's), so that a steward's word settles them in the next run.

Each group of two or more records becomes one person whose key is `PREFIX` followed by the
smallest ``source:file:row`` among its records, so that the same input gives the same key on
every run. The key cannot be taken for an identifier (identifiers have no colon), and an ID
number never finds such a person. The records' outcome is ``probabilistic`` (``review`` when a
steward's "same" joins the record to its group), their reason stays why they were residue, and
their confidence is the best probability joining them to the group.

The model's prior was estimated for residue × identified records, where a random pair matches
less often than two records both left unmatched: scoring the unmatched with it understates
their probabilities, so the step errs towards leaving records alone. On the million-person
synthetic city (seed 7) the 5,874 unmatched records held 149 same-person pairs; the model put
134 of them, and no other pair, at or above 0.95.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import duckdb
from splink import DuckDBAPI
from splink.clustering import cluster_pairwise_predictions_at_threshold

from frontline.ids.sql import quote_identifier as q
from frontline.integrate.residue import PROBABILISTIC, REVIEW, Decision, profile_sql
from frontline.integrate.residue_model import ResidueSettings, scoring_linker
from frontline.integrate.workspace import fingerprint, has_table, meta, remember, same_rows

PREFIX = "provisional:"
"""How the key of a provisional person begins."""

FOUND = "provisional_found"
"""The last run's groups: ``unique_id`` of a record, ``entity_key``, ``probability`` and
``decided`` (a steward's "same" joins the record to its group)."""
REVIEW_PAIRS = "provisional_review"
"""The last run's pairs for a steward: ``unique_id``, ``reference_id`` (two unmatched records)
and ``probability``, from the review threshold up to the link threshold."""
_SCORED = "provisional_scored"
"""The profiles of the unmatched records the last run grouped (kept in the workspace)."""
_SCORED_WITH = "provisional_scored_with"
"""Digest of the model, threshold and decisions the last run grouped with (workspace meta)."""
_PROFILES = "provisional_profiles"
_EDGES = "provisional_edges"
_DECISIONS = "provisional_decisions"


@dataclass(frozen=True)
class Grouped:
    """What `group_unmatched` did: how many records joined how many provisional persons."""

    records: int
    persons: int


def group_unmatched(
    con: duckdb.DuckDBPyConnection,
    records: str,
    model: dict[str, Any],
    settings: ResidueSettings | None = None,
    decisions: Sequence[Decision] = (),
) -> Grouped:
    """Group the unmatched person records of ``records`` that ``model`` (the residue stage's,
    as `train` saved it) puts together at the link threshold into provisional persons, in
    place.

    The groups are a function of the unmatched records' profiles, the model, the threshold and
    the decisions: when all of them are what the workspace's last run grouped (an incremental
    run that changed none of them), its groups are applied again without scoring."""
    chosen = settings or ResidueSettings()
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {_PROFILES} AS "
        f"{profile_sql(records, 'quarantined')} AND _reason = 'unmatched'"
    )
    decided = sorted((d.a, d.b, d.same) for d in decisions)
    scored_with = fingerprint([model, chosen.link_threshold, chosen.review_threshold, decided])
    previous = meta(con, _SCORED_WITH)
    remember(con, _SCORED_WITH, None)  # until the groups below match it again
    kept = has_table(con, FOUND) and has_table(con, REVIEW_PAIRS)
    if not (previous == scored_with and kept and same_rows(con, _PROFILES, _SCORED)):
        _find(con, model, chosen, decisions)
        con.execute(f"CREATE OR REPLACE TABLE {_SCORED} AS SELECT * FROM {_PROFILES}")
    remember(con, _SCORED_WITH, scored_with)
    grouped = _apply(con, records)
    con.execute(f"DROP TABLE {_PROFILES}")
    return grouped


def _find(
    con: duckdb.DuckDBPyConnection,
    model: dict[str, Any],
    chosen: ResidueSettings,
    decisions: Sequence[Decision],
) -> None:
    """Score the profiled records against one another: their groups into `FOUND`, the pairs
    for a steward into `REVIEW_PAIRS`."""
    con.execute(
        f"CREATE OR REPLACE TABLE {FOUND} "
        "(unique_id VARCHAR, entity_key VARCHAR, probability DOUBLE, decided BOOLEAN)"
    )
    con.execute(
        f"CREATE OR REPLACE TABLE {REVIEW_PAIRS} "
        "(unique_id VARCHAR, reference_id VARCHAR, probability DOUBLE)"
    )
    if con.execute(f"SELECT count(*) FROM {_PROFILES}").fetchall()[0][0] < 2:
        return
    _decided(con, decisions)
    # Splink reports untrained levels through logging; the run summary says what matters.
    logging.getLogger("splink").setLevel(logging.ERROR)
    api = DuckDBAPI(connection=con)
    try:
        linker = scoring_linker(api, [_PROFILES], {**model, "link_type": "dedupe_only"})
        predictions = linker.inference.predict(
            threshold_match_probability=chosen.review_threshold, warning_mode="never"
        )
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE {_EDGES} AS
            SELECT unique_id_l, unique_id_r, match_probability, false AS decided
            FROM {q(predictions.physical_name)} p
            WHERE NOT EXISTS (
                SELECT 1 FROM {_DECISIONS} d WHERE d.a = p.unique_id_l AND d.b = p.unique_id_r
            )
            UNION ALL
            SELECT a, b, 1.0, true FROM {_DECISIONS}
            WHERE same AND a IN (SELECT unique_id FROM {_PROFILES})
              AND b IN (SELECT unique_id FROM {_PROFILES})
            """
        )
        clusters = cluster_pairwise_predictions_at_threshold(
            _PROFILES,
            _EDGES,
            api,
            node_id_column_name="unique_id",
            edge_id_column_name_left="unique_id_l",
            edge_id_column_name_right="unique_id_r",
            threshold_match_probability=chosen.link_threshold,
        )
        _groups(con, clusters.physical_name, chosen.link_threshold)
        # Pairs no steward decided between records the step did not group together: below
        # the link threshold, or in a group a refusal kept from being made. A steward's
        # "same" groups them in the next run.
        con.execute(
            f"""
            INSERT INTO {REVIEW_PAIRS}
            SELECT e.unique_id_l, e.unique_id_r, e.match_probability
            FROM {_EDGES} e
            LEFT JOIN {FOUND} l ON l.unique_id = e.unique_id_l
            LEFT JOIN {FOUND} r ON r.unique_id = e.unique_id_r
            WHERE (l.entity_key IS NULL OR l.entity_key IS DISTINCT FROM r.entity_key)
              AND NOT EXISTS (
                  SELECT 1 FROM {_DECISIONS} d WHERE d.a = e.unique_id_l AND d.b = e.unique_id_r
              )
            """
        )
    finally:
        api.delete_tables_created_by_splink_from_db()  # type: ignore[no-untyped-call]
        for table in (_EDGES, _DECISIONS):
            con.execute(f"DROP TABLE IF EXISTS {table}")


def _decided(con: duckdb.DuckDBPyConnection, decisions: Sequence[Decision]) -> None:
    """The stewards' decisions, each pair in both orders (``a``, ``b``, ``same``)."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE {_DECISIONS} (a VARCHAR, b VARCHAR, same BOOLEAN)")
    if decisions:
        con.executemany(
            f"INSERT INTO {_DECISIONS} VALUES (?, ?, ?)",
            [(d.a, d.b, d.same) for d in decisions] + [(d.b, d.a, d.same) for d in decisions],
        )


def _groups(con: duckdb.DuckDBPyConnection, clusters: str, threshold: float) -> None:
    """`FOUND`: each record of a cluster of two or more that holds no pair a steward refused,
    with its person's key, its best probability within the cluster (of its pairs at the
    ``threshold`` or above) and whether a steward's "same" joins it there."""
    con.execute(
        f"""
        INSERT INTO {FOUND}
        WITH members AS (
            SELECT unique_id, cluster_id,
                   min(unique_id) OVER (PARTITION BY cluster_id) AS first,
                   count(*) OVER (PARTITION BY cluster_id) AS size
            FROM {q(clusters)}
        ),
        refused AS (
            SELECT DISTINCT l.cluster_id
            FROM {_DECISIONS} d
            JOIN members l ON l.unique_id = d.a
            JOIN members r ON r.unique_id = d.b AND r.cluster_id = l.cluster_id
            WHERE NOT d.same
        ),
        best AS (
            SELECT unique_id, max(match_probability) AS probability, bool_or(decided) AS decided
            FROM (
                SELECT unique_id_l AS unique_id, match_probability, decided FROM {_EDGES}
                UNION ALL
                SELECT unique_id_r, match_probability, decided FROM {_EDGES}
            )
            WHERE match_probability >= ?
            GROUP BY unique_id
        )
        SELECT m.unique_id, '{PREFIX}' || m.first AS entity_key, b.probability, b.decided
        FROM members m JOIN best b USING (unique_id)
        WHERE m.size > 1 AND m.cluster_id NOT IN (SELECT cluster_id FROM refused)
        """,
        [threshold],
    )


def _apply(con: duckdb.DuckDBPyConnection, records: str) -> Grouped:
    """Give the grouped records their person; return how many records and persons."""
    con.execute(
        f"""
        UPDATE {q(records)} AS r
        SET _outcome = CASE WHEN g.decided THEN '{REVIEW}' ELSE '{PROBABILISTIC}' END,
            _reason = r._residue_reason, _entity_key = g.entity_key, _confidence = g.probability
        FROM (
            -- By row id: the few unmatched rows are found first, then joined on their key.
            SELECT x.rowid AS record, g.entity_key, g.probability, g.decided
            FROM (
                SELECT rowid, _source || ':' || _file || ':' || _row AS unique_id
                FROM {q(records)} WHERE _outcome = 'quarantined' AND _reason = 'unmatched'
            ) x
            JOIN {FOUND} g USING (unique_id)
        ) AS g
        WHERE r.rowid = g.record
        """
    )
    records_, persons = con.execute(
        f"SELECT count(*), count(DISTINCT entity_key) FROM {FOUND}"
    ).fetchall()[0]
    return Grouped(int(records_), int(persons))
