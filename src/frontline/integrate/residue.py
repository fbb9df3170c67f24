"""Probabilistic linking of the residue: records whose identifier is missing, broken or
contradicted are matched with Splink against the records already linked by identifier.

Each residue record goes to the entity of its best match when the match probability reaches the
link threshold; between the review and link thresholds it waits for a steward's decision; below,
it stays unlinked. Matching is against records, never chained through other residue records, so
one doubtful record cannot pull others along.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import duckdb
from splink import DuckDBAPI, Linker
from splink.internals.exceptions import SplinkException

from frontline.ids.sql import quote_identifier as q
from frontline.ids.sql import resident_normalized
from frontline.integrate.addresses import address_key_sql
from frontline.integrate.residue_model import (
    ResidueSettings,
    reloadable,
    scoring_linker,
    train,
)
from frontline.integrate.workspace import has_table

PROBABILISTIC = "probabilistic"
REVIEW = "review"
"""Outcome of a record a steward decided is the same person as a record linked by identifier."""


@dataclass(frozen=True)
class Decision:
    """A steward's decision on two records, each ``source:file:row`` (either order)."""

    a: str
    b: str
    same: bool


@dataclass(frozen=True)
class ResidueResult:
    residue: int
    linked: int
    review: int
    unmatched: int
    note: str = ""
    """Why no record could be matched, when the model could not be trained."""
    model: dict[str, Any] | None = None
    """The trained (or reused) model, as Splink saves it: what incremental runs reuse."""


def profile_sql(records: str, outcome: str) -> str:
    """SQL for the rows of ``records`` with ``outcome`` as the model compares them: ``unique_id``
    (``source:file:row``), name and pinyin key, birth date and sex (the record's own, else its
    identifier's), phone, address and its dwelling key, ``id_norm`` (the normalised 18-character
    identifier, valid or not) and ``entity_key``."""
    # A valid or repaired identifier is already normalised (``id_number``): only the others go
    # through the normalisation macro, which costs about 2 µs a row.
    normalized = resident_normalized(q("id_number__raw"))
    return f"""
        SELECT _source || ':' || _file || ':' || _row AS unique_id, name, name__key AS name_key,
            coalesce(birth_date, id_number__birth_date) AS birth_date,
            coalesce(sex, id_number__sex) AS sex, phone, address,
            {address_key_sql("address")} AS address_key,
            CASE WHEN id_number IS NOT NULL THEN id_number
                 WHEN length({normalized}) = 18 THEN {normalized} END
                AS id_norm,
            _entity_key AS entity_key
        FROM {q(records)} WHERE _outcome = '{outcome}'
    """


def _profile(
    con: duckdb.DuckDBPyConnection,
    records: str,
    table: str,
    outcome: str,
    changed: frozenset[str] | None,
) -> str | None:
    """``table``: the profiles (`profile_sql`) of the rows of ``records`` with ``outcome``.

    In an incremental run (``changed`` sources) the last run's table is kept but for the rows
    of the changed sources and of sources no longer there: a profile is a function of its row
    alone, and the other sources' rows are the rows they were (`reroute_records`). Returns the
    name of a temporary table of the ``unique_id`` of every profile that is new, changed or
    gone (a re-delivered file where a few rows changed changes only those); None when the
    table was made anew."""
    if changed is None or not has_table(con, table):
        con.execute(f"CREATE OR REPLACE TABLE {q(table)} AS {profile_sql(records, outcome)}")
        return None
    present = [
        row[0] for row in con.execute(f"SELECT DISTINCT _source FROM {q(records)}").fetchall()
    ]
    kept = sorted(set(present) - changed)
    redone = "NOT list_contains(?, split_part(unique_id, ':', 1))"
    before, differing = q(f"__before_{table}"), q(f"__differing_{table}")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {before} AS SELECT * FROM {q(table)} WHERE {redone}",
        [kept],
    )
    con.execute(f"DELETE FROM {q(table)} WHERE {redone}", [kept])
    con.execute(
        f"INSERT INTO {q(table)} {profile_sql(records, outcome)} AND NOT list_contains(?, _source)",
        [kept],
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {differing} AS
        SELECT DISTINCT unique_id FROM (
            (SELECT * FROM {before} EXCEPT SELECT * FROM {q(table)} WHERE {redone})
            UNION ALL
            (SELECT * FROM {q(table)} WHERE {redone} EXCEPT SELECT * FROM {before})
        )
        """,
        [kept, kept],
    )
    con.execute(f"DROP TABLE {before}")
    return f"__differing_{table}"


def link_person_residue(
    con: duckdb.DuckDBPyConnection,
    records: str,
    settings: ResidueSettings | None = None,
    decisions: Sequence[Decision] = (),
    *,
    model: dict[str, Any] | None = None,
    changed: frozenset[str] | None = None,
) -> ResidueResult:
    """Link the residue rows of ``records`` (the routed person records) in place.

    Linked rows get outcome ``probabilistic`` with the entity key and ``_confidence``; the others
    become quarantined with reason ``review_pending`` or ``unmatched``. Pairs for review are left
    in table ``review_candidates``.

    Stewards' ``decisions`` are obeyed whatever the model says: "same" links the residue record
    to the entity of the other record (outcome ``review``, confidence 1); "not same" keeps it
    away from that entity (its next best match may still link it, or the record stays
    unmatched). Decided pairs are not offered for review again.
    """
    chosen = settings or ResidueSettings()
    # The changed sources when the run can be incremental, else None (score every pair).
    scope = changed if model is not None and has_table(con, "residue_pairs") else None
    left = _profile(con, records, "residue_left", "residue", scope)
    reference = _profile(con, records, "residue_reference", "identifier", scope)
    residue = con.execute("SELECT count(*) FROM residue_left").fetchall()[0][0]
    differing = (left, reference) if left is not None and reference is not None else None
    if differing is not None:
        # A pair's score is a function of its two profiles: only pairs with a profile that
        # changed are scored again.
        con.execute(
            "CREATE OR REPLACE TABLE residue_pairs AS SELECT * FROM residue_pairs "
            f"WHERE unique_id NOT IN (SELECT unique_id FROM {q(differing[0])}) "
            f"AND reference_id NOT IN (SELECT unique_id FROM {q(differing[1])})"
        )
    else:
        model = None
        con.execute(
            "CREATE OR REPLACE TABLE residue_pairs (unique_id VARCHAR, reference_id VARCHAR, "
            "probability DOUBLE)"
        )
    note = ""
    if residue:
        try:
            model = _predict(con, chosen, model, differing)
        except SplinkException as error:
            # Too few records to learn from (a tiny city, a first small delivery): every residue
            # record stays unmatched rather than being linked by an untrained model.
            note = f"the matching model could not be trained: {str(error).splitlines()[0]}"
    _best_matches(con, decisions)
    # Routed records have the column already; records prepared otherwise get it here.
    con.execute(f"ALTER TABLE {q(records)} ADD COLUMN IF NOT EXISTS _confidence DOUBLE")
    con.execute(
        f"""
        UPDATE {q(records)} AS r SET
            _outcome = CASE WHEN b.decided THEN '{REVIEW}'
                            WHEN b.probability >= ? THEN '{PROBABILISTIC}'
                            ELSE 'quarantined' END,
            _reason = CASE WHEN b.probability >= ? THEN r._reason
                           WHEN b.probability >= ? THEN 'review_pending' ELSE 'unmatched' END,
            _entity_key = CASE WHEN b.probability >= ? THEN b.entity_key END,
            _confidence = b.probability
        FROM (SELECT x.rowid AS record, b.entity_key, coalesce(b.probability, 0) AS probability,
                     coalesce(b.decided, false) AS decided
              FROM {q(records)} x
              LEFT JOIN residue_best b ON b.unique_id = x._source || ':' || x._file || ':' || x._row
              WHERE x._outcome = 'residue') AS b
        -- By row id: joining the table on the row key instead took 9 s for a million persons.
        WHERE r.rowid = b.record
        """,
        [
            chosen.link_threshold,
            chosen.link_threshold,
            chosen.review_threshold,
            chosen.link_threshold,
        ],
    )
    con.execute(
        "CREATE OR REPLACE TABLE review_candidates AS SELECT unique_id, reference_id, entity_key, "
        "probability FROM residue_best WHERE NOT decided AND probability >= ? AND probability < ?",
        [chosen.review_threshold, chosen.link_threshold],
    )
    counts = con.execute(
        f"SELECT count(*) FILTER (_outcome IN ('{PROBABILISTIC}', '{REVIEW}')), "
        "count(*) FILTER (_reason = 'review_pending'), count(*) FILTER (_reason = 'unmatched') "
        f"FROM {q(records)}"
    ).fetchall()[0]
    return ResidueResult(residue, counts[0], counts[1], counts[2], note, model)


def _predict(
    con: duckdb.DuckDBPyConnection,
    chosen: ResidueSettings,
    model: dict[str, Any] | None,
    differing: tuple[str, str] | None,
) -> dict[str, Any]:
    """Score residue × reference pairs into ``residue_pairs``; train first without a model,
    else score only the pairs with a profile in one of the ``differing`` tables (residue,
    reference; see `_profile`). Returns the model."""
    # Splink reports untrained levels through logging; the run summary says what matters.
    logging.getLogger("splink").setLevel(logging.ERROR)
    api = DuckDBAPI(connection=con)
    try:
        if model is None or differing is None:
            training = _training_residue(con, chosen)
            linker = train(api, [training, "residue_reference"], chosen)
            model = reloadable(linker.misc.save_model_to_json())
            if training != "residue_left":
                linker = scoring_linker(api, ["residue_left", "residue_reference"], model)
            _score(con, linker, chosen, "residue_left")
        else:
            _score_changed(con, api, chosen, model, differing)
    finally:
        api.delete_tables_created_by_splink_from_db()  # type: ignore[no-untyped-call]
        for scratch in ("residue_training", "residue_left_part", "residue_reference_part"):
            con.execute(f"DROP TABLE IF EXISTS {scratch}")
    return model


def _score_changed(
    con: duckdb.DuckDBPyConnection,
    api: DuckDBAPI,
    chosen: ResidueSettings,
    model: dict[str, Any],
    differing: tuple[str, str],
) -> None:
    """Score with ``model`` the pairs with a profile in one of the ``differing`` tables: the
    residue records that differ against every reference, then the other residue records
    against the references that differ."""
    left, reference = (f"unique_id IN (SELECT unique_id FROM {q(t)})" for t in differing)
    for residue, references in ((left, "true"), (f"NOT {left}", reference)):
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE residue_left_part AS "
            f"SELECT * FROM residue_left WHERE {residue}"
        )
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE residue_reference_part AS "
            f"SELECT * FROM residue_reference WHERE {references}"
        )
        sizes = con.execute(
            "SELECT (SELECT count(*) FROM residue_left_part), "
            "(SELECT count(*) FROM residue_reference_part)"
        ).fetchall()[0]
        if min(sizes) == 0:
            continue
        linker = scoring_linker(api, ["residue_left_part", "residue_reference_part"], model)
        _score(con, linker, chosen, "residue_left_part")


def _training_residue(con: duckdb.DuckDBPyConnection, chosen: ResidueSettings) -> str:
    """The table of residue records the model trains on: ``residue_left``, or a seeded sample of
    ``training_residue`` of its records when it has more. EM's pairs grow with the residue
    (1.9 million on birth date for the million-person city's 44,000 residue records) while the
    parameters are as well estimated from a few thousand records' pairs."""
    count = con.execute("SELECT count(*) FROM residue_left").fetchall()[0][0]
    if count <= chosen.training_residue:
        return "residue_left"
    con.execute(
        "CREATE OR REPLACE TEMP TABLE residue_training AS SELECT * FROM residue_left "
        "ORDER BY md5(unique_id || ':' || ?::VARCHAR), unique_id LIMIT ?",
        [chosen.seed, chosen.training_residue],
    )
    return "residue_training"


def _score(
    con: duckdb.DuckDBPyConnection, linker: Linker, chosen: ResidueSettings, left: str
) -> None:
    predictions = linker.inference.predict(
        threshold_match_probability=chosen.review_threshold, warning_mode="never"
    )
    # Splink does not promise which input is on the left: find the residue side of each pair.
    con.execute(
        f"""
        INSERT INTO residue_pairs
        SELECT CASE WHEN l.unique_id IS NULL THEN p.unique_id_r ELSE p.unique_id_l END,
               CASE WHEN l.unique_id IS NULL THEN p.unique_id_l ELSE p.unique_id_r END,
               p.match_probability
        FROM {q(predictions.physical_name)} p
        LEFT JOIN {q(left)} l ON l.unique_id = p.unique_id_l
        """
    )


def _best_matches(con: duckdb.DuckDBPyConnection, decisions: Sequence[Decision]) -> None:
    """``residue_best``: each residue record's best match after the stewards' decisions."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE residue_decisions (unique_id VARCHAR, reference_id VARCHAR, "
        "same BOOLEAN)"
    )
    if decisions:
        both_ways = [(d.a, d.b, d.same) for d in decisions] + [
            (d.b, d.a, d.same) for d in decisions
        ]
        con.executemany("INSERT INTO residue_decisions VALUES (?, ?, ?)", both_ways)
    con.execute(
        """
        CREATE OR REPLACE TABLE residue_best AS
        WITH decided AS (
            -- Only decisions between a residue record and a record linked by identifier.
            SELECT d.unique_id, d.reference_id, d.same, r.entity_key
            FROM residue_decisions d
            JOIN residue_left l ON l.unique_id = d.unique_id
            JOIN residue_reference r ON r.unique_id = d.reference_id
        ),
        refused AS (SELECT unique_id, entity_key FROM decided WHERE NOT same),
        candidates AS (
            SELECT p.unique_id, p.reference_id, r.entity_key, p.probability, false AS decided
            FROM residue_pairs p JOIN residue_reference r ON r.unique_id = p.reference_id
            WHERE (p.unique_id, r.entity_key) NOT IN (SELECT * FROM refused)
            UNION ALL
            SELECT unique_id, reference_id, entity_key, 1.0, true FROM decided WHERE same
        )
        SELECT unique_id, arg_max(entity_key, (decided, probability, reference_id)) AS entity_key,
               arg_max(reference_id, (decided, probability, reference_id)) AS reference_id,
               max(probability) AS probability, bool_or(decided) AS decided
        FROM candidates GROUP BY unique_id
        """
    )


RULE = "rule"


def link_enterprise_residue(con: duckdb.DuckDBPyConnection, records: str) -> ResidueResult:
    """Link enterprise residue rows by their registered name, which the law makes unique: a
    residue record whose name is the name of exactly one enterprise linked by credit code joins
    it (outcome ``rule``); the others stay unmatched."""
    con.execute(
        f"""
        UPDATE {q(records)} AS r SET
            _outcome = CASE WHEN m.entity_key IS NOT NULL THEN '{RULE}' ELSE 'quarantined' END,
            _reason = CASE WHEN m.entity_key IS NOT NULL THEN r._reason ELSE 'unmatched' END,
            _entity_key = m.entity_key
        FROM (
            SELECT x._source, x._file, x._row, any_value(k.entity_key) AS entity_key
            FROM {q(records)} x
            LEFT JOIN (
                SELECT name, min(_entity_key) AS entity_key FROM {q(records)}
                WHERE _outcome = 'identifier' AND name IS NOT NULL
                GROUP BY name HAVING count(DISTINCT _entity_key) = 1
            ) k ON k.name = x.name
            WHERE x._outcome = 'residue'
            GROUP BY ALL
        ) AS m
        WHERE r._outcome = 'residue' AND (r._source, r._file, r._row) = (m._source, m._file, m._row)
        """
    )
    residue, linked, unmatched = con.execute(
        f"SELECT count(*) FILTER (_outcome IN ('{RULE}') OR _reason = 'unmatched'), "
        f"count(*) FILTER (_outcome = '{RULE}'), count(*) FILTER (_reason = 'unmatched') "
        f"FROM {q(records)}"
    ).fetchall()[0]
    return ResidueResult(residue, linked, 0, unmatched)
