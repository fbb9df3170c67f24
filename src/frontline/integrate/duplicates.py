"""Two entities that are one person: found for a steward, merged on the steward's word.

A resident ID with one mistyped digit fails its check digit nine times in ten; the tenth time it
is a valid number, and the person gets a second entity. Such pairs are found among the entities
linked by identifier — the same name, birth date and sex, and numbers at most two edits apart —
scored by the run's linking model, and put on the review list beside the residue's pairs.

A steward's "same" merges them: the smaller entity (fewer records; on a tie the larger key) is
merged into the other, its records link to the survivor, and the store keeps it as ``merged``
with an event. Taking the decision back ("not same") splits them again under their old ids.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import duckdb
from splink import DuckDBAPI

from frontline.ids.sql import quote_identifier as q
from frontline.integrate.residue import Decision
from frontline.integrate.residue_model import scoring_linker
from frontline.integrate.survivorship import LINKED_OUTCOMES
from frontline.integrate.workspace import fingerprint, has_table, meta, remember, same_rows

CANDIDATES = "entity_review_candidates"
MERGES = "entity_merges"
_SCORED = "entity_pairs_scored"
"""The pairs the last run scored, with both records' profiles."""
_SCORED_WITH = "entity_pairs_scored_with"
"""A digest of the model and threshold they were scored with (none while they are rebuilt)."""


def apply_merges(
    con: duckdb.DuckDBPyConnection, records: str, decisions: Sequence[Decision]
) -> int:
    """Merge the entities stewards said are one person; create ``entity_merges``
    (``merged_key``, ``survivor_key``) and move the merged entities' records. Returns the
    number of entities merged away."""
    con.execute(
        f"CREATE OR REPLACE TABLE {MERGES} (merged_key VARCHAR PRIMARY KEY, survivor_key VARCHAR)"
    )
    same = [(d.a, d.b) for d in decisions if d.same]
    if not same:
        return 0
    uid = "_source || ':' || _file || ':' || _row"
    keyed = dict(
        con.execute(
            f"SELECT {uid}, _entity_key FROM {q(records)} "
            f"WHERE _outcome = 'identifier' AND list_contains(?, {uid})",
            [sorted({u for pair in same for u in pair})],
        ).fetchall()
    )
    sizes = dict(
        con.execute(
            f"SELECT _entity_key, count(*) FROM {q(records)} "
            "WHERE _outcome = 'identifier' AND list_contains(?, _entity_key) GROUP BY 1",
            [sorted(set(keyed.values()))],
        ).fetchall()
    )
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent.get(key, key) != key:
            key = parent[key]
        return key

    for a, b in same:
        if a in keyed and b in keyed and keyed[a] != keyed[b]:
            ra, rb = root(keyed[a]), root(keyed[b])
            if ra != rb:
                # The entity with more records survives; on a tie the smaller key.
                keep, drop = sorted((ra, rb), key=lambda k: (-sizes.get(k, 0), k))
                parent[drop] = keep
    merges = sorted((key, root(key)) for key in parent)
    if merges:
        con.executemany(f"INSERT INTO {MERGES} VALUES (?, ?)", merges)
        linked = ", ".join(f"'{o}'" for o in LINKED_OUTCOMES)
        con.execute(
            f"""
            UPDATE {q(records)} AS r SET
                _entity_key = m.survivor_key,
                _outcome = CASE WHEN r._outcome = 'identifier' THEN 'review' ELSE r._outcome END,
                _confidence = CASE WHEN r._outcome = 'identifier' THEN 1.0
                                   ELSE r._confidence END
            FROM {MERGES} m
            WHERE r._entity_key = m.merged_key AND r._outcome IN ({linked})
            """
        )
    return len(merges)


def find_duplicate_entities(
    con: duckdb.DuckDBPyConnection, model: dict[str, Any] | None, review_threshold: float
) -> int:
    """Put pairs of identifier entities that look like one person into ``entity_review_candidates``
    (``unique_id``, ``reference_id``: a record of each; ``probability`` by the model).

    Works on ``residue_reference`` (the residue stage's profiles of identifier records). Without
    a trained model nothing is scored and nothing is listed. When the pairs, their records'
    profiles, the model and the threshold are those the workspace's last run scored (an
    incremental run that changed none of them), its candidates are kept as they are."""
    previous = meta(con, _SCORED_WITH)
    remember(con, _SCORED_WITH, None)  # until the candidates below match it again
    if model is None:
        con.execute(f"DROP TABLE IF EXISTS {_SCORED}")
        con.execute(
            f"CREATE OR REPLACE TABLE {CANDIDATES} (unique_id VARCHAR, reference_id VARCHAR, "
            "probability DOUBLE)"
        )
        return 0
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE __entity_pairs AS
        WITH profiles AS (
            SELECT entity_key, name, birth_date, sex, min(unique_id) AS rep
            FROM residue_reference
            WHERE name IS NOT NULL AND birth_date IS NOT NULL AND entity_key IS NOT NULL
            GROUP BY ALL
        )
        SELECT min(a.rep) AS left_id, min(b.rep) AS right_id
        FROM profiles a
        JOIN profiles b
          ON a.name = b.name AND a.birth_date = b.birth_date
         AND a.sex IS NOT DISTINCT FROM b.sex AND a.entity_key < b.entity_key
        WHERE damerau_levenshtein(a.entity_key, b.entity_key) <= 2
        GROUP BY a.entity_key, b.entity_key
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE __entity_pair_profiles AS
        SELECT p.left_id, p.right_id, to_json(l) AS left_profile, to_json(r) AS right_profile
        FROM __entity_pairs p
        JOIN residue_reference l ON l.unique_id = p.left_id
        JOIN residue_reference r ON r.unique_id = p.right_id
        """
    )
    scored_with = fingerprint([model, review_threshold])
    if (
        previous == scored_with
        and has_table(con, CANDIDATES)
        and same_rows(con, "__entity_pair_profiles", _SCORED)
    ):
        remember(con, _SCORED_WITH, scored_with)
        return int(con.execute(f"SELECT count(*) FROM {CANDIDATES}").fetchall()[0][0])
    con.execute(
        f"CREATE OR REPLACE TABLE {CANDIDATES} (unique_id VARCHAR, reference_id VARCHAR, "
        "probability DOUBLE)"
    )
    if con.execute("SELECT count(*) FROM __entity_pairs").fetchall()[0][0]:
        _score_pairs(con, model, review_threshold)
    con.execute(f"CREATE OR REPLACE TABLE {_SCORED} AS SELECT * FROM __entity_pair_profiles")
    remember(con, _SCORED_WITH, scored_with)
    return int(con.execute(f"SELECT count(*) FROM {CANDIDATES}").fetchall()[0][0])


def _score_pairs(
    con: duckdb.DuckDBPyConnection, model: dict[str, Any], review_threshold: float
) -> None:
    """Score ``__entity_pairs`` with ``model`` into the candidates, those at the threshold or
    above."""
    for side, column in (("left", "left_id"), ("right", "right_id")):
        con.execute(
            f"CREATE OR REPLACE TABLE __entity_{side} AS SELECT * FROM residue_reference "
            f"WHERE unique_id IN (SELECT {column} FROM __entity_pairs)"
        )
    logging.getLogger("splink").setLevel(logging.ERROR)
    api = DuckDBAPI(connection=con)
    linker = scoring_linker(api, ["__entity_left", "__entity_right"], model)
    predictions = linker.inference.predict(warning_mode="never")
    con.execute(
        f"""
        INSERT INTO {CANDIDATES}
        SELECT p.left_id, p.right_id, s.match_probability
        FROM __entity_pairs p
        JOIN {q(predictions.physical_name)} s
          ON (s.unique_id_l = p.left_id AND s.unique_id_r = p.right_id)
          OR (s.unique_id_l = p.right_id AND s.unique_id_r = p.left_id)
        WHERE s.match_probability >= ?
        """,
        [review_threshold],
    )
    api.delete_tables_created_by_splink_from_db()  # type: ignore[no-untyped-call]
    for side in ("left", "right"):
        con.execute(f"DROP TABLE __entity_{side}")
