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
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.internals.comparison_level_creator import ComparisonLevelCreator
from splink.internals.exceptions import SplinkException

from frontline.ids.sql import quote_identifier as q
from frontline.ids.sql import resident_normalized
from frontline.integrate.addresses import address_key_sql
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
class ResidueSettings:
    link_threshold: float = 0.95
    """At or above: the record is linked to the entity of its best match."""
    review_threshold: float = 0.5
    """From here up to the link threshold: the pair goes to a steward's review list."""
    u_sample_pairs: float = 2e6
    seed: int = 1


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


def _id_comparison() -> cl.CustomComparison:
    # A residue identifier is never equal to a valid one (it would not be in the residue), but a
    # mistyped one is one edit away from the person's own number. These weights are set, not
    # trained: training pairs between valid numbers never show a one-edit difference.
    def fixed(level: ComparisonLevelCreator, m: float, u: float) -> ComparisonLevelCreator:
        return level.configure(
            m_probability=m, u_probability=u, fix_m_probability=True, fix_u_probability=True
        )

    return cl.CustomComparison(
        output_column_name="id_norm",
        comparison_levels=[
            cll.CustomLevel("id_norm_l IS NULL OR id_norm_r IS NULL").configure(is_null_level=True),
            fixed(cll.CustomLevel("id_norm_l = id_norm_r"), 0.9, 1e-8),
            fixed(cll.CustomLevel("damerau_levenshtein(id_norm_l, id_norm_r) <= 1"), 0.09, 1e-6),
            fixed(cll.ElseLevel(), 0.01, 0.999),
        ],
    )


def _name_comparison() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="name",
        comparison_levels=[
            cll.CustomLevel("name_l IS NULL OR name_r IS NULL").configure(is_null_level=True),
            cll.ExactMatchLevel("name"),
            cll.CustomLevel("name_key_l = name_key_r", label_for_charts="same pinyin"),
            cll.CustomLevel(
                "jaro_winkler_similarity(name_key_l, name_key_r) >= 0.9",
                label_for_charts="close pinyin",
            ),
            cll.ElseLevel(),
        ],
    )


def _date_comparison() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="birth_date",
        comparison_levels=[
            cll.NullLevel("birth_date"),
            cll.ExactMatchLevel("birth_date"),
            cll.CustomLevel(
                "year(birth_date_l) = year(birth_date_r) "
                "AND month(birth_date_l) = day(birth_date_r) "
                "AND day(birth_date_l) = month(birth_date_r)",
                label_for_charts="day and month swapped",
            ),
            cll.CustomLevel("abs(date_diff('day', birth_date_l, birth_date_r)) <= 10"),
            cll.ElseLevel(),
        ],
    )


def _address_comparison() -> cl.CustomComparison:
    # Compared by dwelling key, so that the same flat written from the province down and as
    # `文华苑3-2-301` agrees (see frontline.integrate.addresses). The m probabilities are set,
    # not trained: on a small delivery EM can drive a rare level's m below what float64 holds
    # (Splink then refuses the model). People move and departments lag, hence 0.7 for the
    # same dwelling; u is still learnt from random pairs.
    def fixed_m(level: ComparisonLevelCreator, m: float) -> ComparisonLevelCreator:
        return level.configure(m_probability=m, fix_m_probability=True)

    return cl.CustomComparison(
        output_column_name="address",
        comparison_levels=[
            cll.CustomLevel("address_key_l IS NULL OR address_key_r IS NULL").configure(
                is_null_level=True
            ),
            fixed_m(
                cll.CustomLevel("address_key_l = address_key_r", label_for_charts="same dwelling"),
                0.7,
            ),
            fixed_m(
                cll.CustomLevel(
                    "jaro_winkler_similarity(address_key_l, address_key_r) >= 0.9",
                    label_for_charts="close",
                ),
                0.1,
            ),
            fixed_m(cll.ElseLevel(), 0.2),
        ],
    )


def _settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="link_only",
        comparisons=[
            _id_comparison(),
            _name_comparison(),
            _date_comparison(),
            cl.ExactMatch("sex"),
            cl.ExactMatch("phone"),
            _address_comparison(),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("birth_date"),
            block_on("name_key"),
            block_on("phone"),
            block_on("substr(id_norm, 1, 14)"),
            block_on("substr(id_norm, 7, 12)"),
        ],
        retain_matching_columns=False,
    )


def _profile_sql(records: str, outcome: str) -> str:
    # The record's own birth date and sex where it states them, else those of its identifier.
    normalized = resident_normalized(q("id_number__raw"))
    return f"""
        SELECT _source || ':' || _file || ':' || _row AS unique_id, name, name__key AS name_key,
            coalesce(birth_date, id_number__birth_date) AS birth_date,
            coalesce(sex, id_number__sex) AS sex, phone, address,
            {address_key_sql("address")} AS address_key,
            CASE WHEN length({normalized}) = 18 THEN {normalized} END AS id_norm,
            _entity_key AS entity_key
        FROM {q(records)} WHERE _outcome = '{outcome}'
    """


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
    con.execute(f"CREATE OR REPLACE TABLE residue_left AS {_profile_sql(records, 'residue')}")
    con.execute(
        f"CREATE OR REPLACE TABLE residue_reference AS {_profile_sql(records, 'identifier')}"
    )
    residue = con.execute("SELECT count(*) FROM residue_left").fetchall()[0][0]
    # The changed sources when the run can be incremental, else None (score every pair).
    scope = changed if model is not None and has_table(con, "residue_pairs") else None
    if scope is not None:
        con.execute(
            "CREATE OR REPLACE TABLE residue_pairs AS SELECT * FROM residue_pairs "
            "WHERE NOT list_contains(?, split_part(unique_id, ':', 1)) "
            "AND NOT list_contains(?, split_part(reference_id, ':', 1))",
            [sorted(scope), sorted(scope)],
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
            model = _predict(con, chosen, model, scope)
        except SplinkException as error:
            # Too few records to learn from (a tiny city, a first small delivery): every residue
            # record stays unmatched rather than being linked by an untrained model.
            note = f"the matching model could not be trained: {str(error).splitlines()[0]}"
    _best_matches(con, decisions)
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
        FROM (SELECT l.unique_id, b.entity_key, coalesce(b.probability, 0) AS probability,
                     coalesce(b.decided, false) AS decided
              FROM residue_left l LEFT JOIN residue_best b USING (unique_id)) AS b
        WHERE r._outcome = 'residue' AND r._source || ':' || r._file || ':' || r._row = b.unique_id
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
    changed: frozenset[str] | None,
) -> dict[str, Any]:
    """Score residue × reference pairs into ``residue_pairs``; train first without a model,
    else score only the pairs with a record of a ``changed`` source. Returns the model."""
    # Splink reports untrained levels through logging; the run summary says what matters.
    logging.getLogger("splink").setLevel(logging.ERROR)
    api = DuckDBAPI(connection=con)
    if model is None:
        linker = Linker(
            [api.register("residue_left"), api.register("residue_reference")],
            _settings(),
            log_level=None,
        )
        training = linker.training
        training.estimate_probability_two_random_records_match(
            [block_on("name", "birth_date")], recall=0.8
        )
        training.estimate_u_using_random_sampling(max_pairs=chosen.u_sample_pairs, seed=chosen.seed)
        training.estimate_parameters_using_expectation_maximisation(block_on("birth_date"))
        training.estimate_parameters_using_expectation_maximisation(block_on("name_key"))
        _score(con, linker, chosen, "residue_left")
        model = _reloadable(linker.misc.save_model_to_json())
    else:
        sources = sorted(changed or ())
        of_changed = "list_contains(?, split_part(unique_id, ':', 1))"
        for left, reference in ((of_changed, "true"), (f"NOT {of_changed}", of_changed)):
            params = [sources] * (left.count("?") + reference.count("?"))
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE residue_left_part AS "
                f"SELECT * FROM residue_left WHERE {left}",
                params[: left.count("?")],
            )
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE residue_reference_part AS "
                f"SELECT * FROM residue_reference WHERE {reference}",
                params[left.count("?") :],
            )
            sizes = con.execute(
                "SELECT (SELECT count(*) FROM residue_left_part), "
                "(SELECT count(*) FROM residue_reference_part)"
            ).fetchall()[0]
            if min(sizes) == 0:
                continue
            linker = Linker(
                [api.register("residue_left_part"), api.register("residue_reference_part")],
                model,
                log_level=None,
            )
            _score(con, linker, chosen, "residue_left_part")
    api.delete_tables_created_by_splink_from_db()  # type: ignore[no-untyped-call]
    return model


_SMALLEST = 1e-300
"""Splink refuses to load a probability below this (it underflows); training can produce one."""


def _reloadable(model: dict[str, Any]) -> dict[str, Any]:
    """The saved model with any m or u probability below what Splink loads raised to it. Such
    a level's pairs are (and stay) practically impossible matches."""
    for comparison in model.get("comparisons", []):
        for level in comparison.get("comparison_levels", []):
            for key in ("m_probability", "u_probability"):
                value = level.get(key)
                if isinstance(value, float) and 0 < value < _SMALLEST:
                    level[key] = _SMALLEST
    return model


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
