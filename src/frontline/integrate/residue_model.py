"""The residue's linking model: comparisons, blocking and training (Splink, DuckDB backend).

Shared by the residue stage (`frontline.integrate.residue`), which links with it, and by the
benchmark of Splink alone, which must compare with exactly the same model.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import duckdb
import splink.blocking_rule_library as brl
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.comparison_level_creator import ComparisonLevelCreator

from frontline.ids.sql import quote_identifier as q

LinkType = Literal["link_only", "dedupe_only"]


@dataclass(frozen=True)
class ResidueSettings:
    link_threshold: float = 0.95
    """At or above: the record is linked to the entity of its best match."""
    review_threshold: float = 0.5
    """From here up to the link threshold: the pair goes to a steward's review list."""
    u_sample_pairs: float = 2e6
    """About this many random pairs estimate the u probabilities."""
    seed: int = 1
    training_residue: int = 10_000
    """At most this many residue records (a seeded sample) train the model; all are scored."""
    unique_name_confidence: float | None = 0.95
    """The confidence of a link by a person's unique name (`frontline.integrate.unique_names`)
    for a record with a name and no identifier that the model left unmatched; None turns
    that rule off."""


def _one_edit(left: str, right: str) -> str:
    """SQL: the identifiers ``left`` and ``right`` are one edit apart (a mistyped digit, two
    adjacent digits swapped) or equal.

    DuckDB's ``damerau_levenshtein`` costs about 10 µs a pair: on the 2,000,000 random pairs of
    *u* sampling it was most of the training. Both numbers have 18 characters (``id_norm`` is
    NULL otherwise), and one substitution or adjacent transposition leaves the last 4 characters
    (sequence number and check character) or the first 13 untouched. Comparing those first is
    exact and, as few pairs pass, skips the distance for nearly all of them."""
    return (
        f"(right({left}, 4) = right({right}, 4) OR left({left}, 13) = left({right}, 13)) "
        f"AND damerau_levenshtein({left}, {right}) <= 1"
    )


_ONE_EDIT = _one_edit("id_norm_l", "id_norm_r")


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
            fixed(cll.CustomLevel(_ONE_EDIT, label_for_charts="one edit apart"), 0.09, 1e-6),
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


_SAME_NAME = (
    "l.name_key = r.name_key AND (l.birth_date IS NULL OR r.birth_date IS NULL "
    "OR abs(date_diff('day', l.birth_date, r.birth_date)) <= 10 "
    "OR (year(l.birth_date) = year(r.birth_date) AND month(l.birth_date) = day(r.birth_date) "
    "AND day(l.birth_date) = month(r.birth_date)) "
    "OR l.address_key = r.address_key "
    f"OR ({_one_edit('l.id_norm', 'r.id_norm')}))"
)
"""Blocking on the pinyin key, less the pairs that cannot reach the review threshold: both birth
dates known and apart (the birth date comparison's "else", a weight of about 1/6,000), not the
same dwelling, identifiers not one edit apart (equal phones and identifiers sharing 14 or 12
digits have rules of their own). In the million-person city the pinyin key alone gave 2.9
million of the 5.3 million pairs scored; none of those now left out scored 0.5, there or in the
100,000-person city."""


def residue_settings(link_type: LinkType = "link_only") -> SettingsCreator:
    """The model's comparisons and blocking rules, untrained: ``link_only`` is the residue stage
    (residue × records linked by identifier); ``dedupe_only`` gives the same model to a
    deduplication (``benchmarks/splink_alone.py`` deduplicates every person record with it)."""
    return SettingsCreator(
        link_type=link_type,
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
            brl.CustomRule(_SAME_NAME),
            block_on("phone"),
            block_on("substr(id_norm, 1, 14)"),
            block_on("substr(id_norm, 7, 12)"),
        ],
        retain_matching_columns=False,
    )


def train(
    api: DuckDBAPI,
    tables: Sequence[str],
    settings: ResidueSettings | None = None,
    *,
    link_type: LinkType = "link_only",
) -> Linker:
    """A linker on ``tables`` (of ``api``'s connection, with :func:`profile_sql`'s columns) made
    with :func:`residue_settings` of ``link_type`` and trained the way the residue stage trains
    its model: *u* from about ``u_sample_pairs`` random pairs (seeded, see
    :func:`_u_probabilities`), the prior from records with equal name and birth date (at an
    assumed recall of 0.8), *m* by EM on the pairs with equal birth date and then on those with
    equal pinyin key.

    ``dedupe_only`` takes one table; ``link_only`` two, the residue stage's: the residue, whose
    ``entity_key`` is NULL, then records linked by identifier, whose ``entity_key`` is set. The
    caller removes Splink's tables (``api.delete_tables_created_by_splink_from_db()``)."""
    if len(tables) != (2 if link_type == "link_only" else 1):
        raise ValueError(
            f"{link_type} trains on {'two tables' if link_type == 'link_only' else 'one table'}"
        )
    chosen = settings or ResidueSettings()
    con = api.duckdb_con
    # Splink reports untrained levels through logging; the run summary says what matters.
    logging.getLogger("splink").setLevel(logging.ERROR)
    creator = residue_settings(link_type)
    _u_probabilities(con, creator, tables, chosen)
    linker = Linker([api.register(t) for t in tables], creator, log_level=None)
    training = linker.training
    training.estimate_probability_two_random_records_match(
        [block_on("name", "birth_date")], recall=0.8
    )
    # The prior's blocking analysis leaves its counts registered on the connection.
    unregister(con, "result_df")
    # Splink's EM joins the concatenated tables with themselves, so a link of 4,000 residue
    # records with 200,000 references also pairs the references among themselves (1.2 million
    # pairs on birth date, quadratic in the city) before keeping the 23,000 across the tables.
    # Joining on which side each record is (residue: no entity key) as well keeps the same
    # pairs and never forms the others.
    across = " AND (l.entity_key IS NULL) = (r.entity_key IS NOT NULL)"
    for column in ("birth_date", "name_key"):
        rule = f"l.{column} = r.{column}" + (across if link_type == "link_only" else "")
        training.estimate_parameters_using_expectation_maximisation(rule)
    return linker


_UNOBSERVED_U = 1e-6
"""The u probability of a level no sampled pair fell in (what Splink gives such a level)."""


def _u_probabilities(
    con: duckdb.DuckDBPyConnection,
    creator: SettingsCreator,
    tables: Sequence[str],
    chosen: ResidueSettings,
) -> None:
    """Set the u probabilities of the trainable comparisons of ``creator``: each level's share
    of about ``u_sample_pairs`` random pairs of records of ``tables`` (one table: pairs within
    it; two: pairs across), among the pairs where neither side is missing.

    Splink's own estimate (``estimate_u_using_random_sampling``) pairs every record of a sample
    of each table, so 2,000,000 pairs of 4,457 residue and 200,128 reference records came from
    only 210 residue records; it runs one query per comparison, and it reads its counts back
    through pandas, which takes a second to import. Here every record gets a random bucket
    (seeded), the pairs are the records sharing a bucket, and one query counts every comparison's
    levels."""
    comparisons = [
        (creator_comparison, _as_dict(creator_comparison))
        for creator_comparison in creator.comparisons
        if isinstance(creator_comparison, ComparisonCreator)
    ]
    trained = [
        (c, d) for c, d in comparisons if any(not lv.get("fix_u_probability") for lv in _levels(d))
    ]
    if not trained:
        return
    sizes = [con.execute(f"SELECT count(*) FROM {q(t)}").fetchall()[0][0] for t in tables]
    left, right = tables[0], tables[-1]
    if len(tables) == 1:
        possible = sizes[0] * (sizes[0] - 1) / 2
        distinct = "AND l.unique_id < r.unique_id"
    else:
        possible = sizes[0] * sizes[1]
        distinct = ""
    buckets = max(1, round(possible / chosen.u_sample_pairs))
    columns = [column[0] for column in con.execute(f"SELECT * FROM {q(left)} LIMIT 0").description]
    both = ", ".join(f"l.{q(c)} AS {q(c + '_l')}, r.{q(c)} AS {q(c + '_r')}" for c in columns)
    gammas = ", ".join(f"{_gamma(d)} AS g{i}" for i, (_, d) in enumerate(trained))
    counts = ", ".join(
        f"count(*) FILTER (g{i} = {k})"
        for i, (_, d) in enumerate(trained)
        for k in range(len(_levels(d)))
    )
    bucket = "hash(unique_id || ':' || ?::VARCHAR) % ?::UBIGINT AS _bucket"
    row = con.execute(
        f"""
        WITH l AS (SELECT *, {bucket} FROM {q(left)}),
             r AS (SELECT *, {bucket} FROM {q(right)})
        SELECT {counts} FROM (
            SELECT {gammas} FROM (
                SELECT {both} FROM l JOIN r ON l._bucket = r._bucket {distinct}
            )
        )
        """,
        [chosen.seed, buckets, chosen.seed, buckets],
    ).fetchall()[0]
    position = 0
    for comparison, as_dict in trained:
        n = len(_levels(as_dict))
        level_counts = row[position : position + n]
        position += n
        total = sum(level_counts)
        comparison.configure(
            u_probabilities=[count / total if count else _UNOBSERVED_U for count in level_counts]
            if total
            else [_UNOBSERVED_U] * n
        )


def _as_dict(comparison: ComparisonCreator) -> dict[str, Any]:
    as_dict: dict[str, Any] = comparison.get_comparison("duckdb").as_dict()  # type: ignore[no-untyped-call]
    return as_dict


def _levels(comparison: dict[str, Any]) -> list[dict[str, Any]]:
    """The comparison's levels that are not its null level, in order."""
    return [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]


def _gamma(comparison: dict[str, Any]) -> str:
    """SQL: the position of the pair's level among the comparison's non-null levels (first = 0),
    -1 where a value is missing."""
    cases = []
    position = 0
    for level in comparison["comparison_levels"]:
        if level.get("is_null_level"):
            cases.append(f"WHEN {level['sql_condition']} THEN -1")
        elif level["sql_condition"] == "ELSE":
            cases.append(f"ELSE {position}")
            position += 1
        else:
            cases.append(f"WHEN {level['sql_condition']} THEN {position}")
            position += 1
    return "CASE " + " ".join(cases) + " END"


_SMALLEST = 1e-300
"""Splink refuses to load a probability below this (it underflows); training can produce one."""


def reloadable(model: dict[str, Any]) -> dict[str, Any]:
    """The saved model with any m or u probability below what Splink loads raised to it. Such
    a level's pairs are (and stay) practically impossible matches."""
    for comparison in model.get("comparisons", []):
        for level in comparison.get("comparison_levels", []):
            for key in ("m_probability", "u_probability"):
                value = level.get(key)
                if isinstance(value, float) and 0 < value < _SMALLEST:
                    level[key] = _SMALLEST
    return model


def scoring_linker(api: DuckDBAPI, tables: Sequence[str], model: dict[str, Any]) -> Linker:
    """A linker that scores the pairs of ``tables`` (registered with ``api``) with a model
    `train` made and `reloadable` kept. Its settings are not validated again: they were when
    it was trained, and Splink's check costs about 0.06 s per linker on every run."""
    return Linker([api.register(t) for t in tables], model, log_level=None, validate_settings=False)


def unregister(con: duckdb.DuckDBPyConnection, name: str) -> None:
    registered = con.execute(
        "SELECT count(*) FROM duckdb_views() WHERE view_name = ? AND temporary", [name]
    ).fetchall()[0][0]
    if registered:
        con.unregister(name)
