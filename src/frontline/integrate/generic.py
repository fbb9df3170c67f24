"""Generic probabilistic linking: a Splink model built from what each column *is*.

The integration engine links department data identifier first and matches only the residue with a
model made for Chinese person records (`residue.py`). This module is the engine's answer for any
other table of person-like records, where nobody has written such a model: the caller says which
column is which :class:`Kind`, and everything else — comparisons, blocking, training, clustering —
follows from the kinds, with no weights set by hand::

    result = link_records(
        con, ["people_a", "people_b"],
        {"given_name": Kind.NAME, "surname": Kind.NAME, "date_of_birth": Kind.DATE,
         "address": Kind.TEXT, "soc_sec_id": Kind.CODE, "postcode": Kind.POSTCODE,
         "state": Kind.CATEGORY},
        unique_id="rec_id",
    )
    con.execute(f"SELECT dataset, unique_id, cluster_id FROM {result.table}")

One table is deduplicated; several are linked to each other (``link_only``: records of one table
are never compared with each other, though a cluster may still hold two of them through a record
of another table). Every record gets a row in the output table, alone in its cluster when nothing
matched it.

**Comparisons**, by kind (each also has a level for a missing value on either side, which weighs
nothing):

======================  =======================================================================
kind                    levels
======================  =======================================================================
``NAME`` (name part)    equal (with term-frequency adjustment: a rare name weighs more);
                        Jaro-Winkler ≥ 0.92; ≥ 0.80; else
``DATE``                equal; day and month swapped; one edit apart (Damerau-Levenshtein ≤ 1
                        on ``YYYYMMDD``: a mistyped or transposed digit); else
``TEXT`` (free text)    equal; Jaro-Winkler ≥ 0.90; ≥ 0.70; else
``CODE`` (identifier)   equal; one edit apart (Damerau-Levenshtein ≤ 1); else
``POSTCODE``            equal; else
``CATEGORY``            equal; else (few distinct values: sex, state — never blocked on)
======================  =======================================================================

Values are compared after light cleaning: text is trimmed, lower-cased and its runs of spaces made
one; codes and postcodes lose their spaces; dates become ``YYYYMMDD`` — from a ``DATE`` or
``TIMESTAMP`` column, or from text written year, month, day with two-digit month and day
(``19800229``, ``1980-02-29``, ``1980/02/29``); any other date text counts as missing. Empty
strings count as missing.

**Blocking** (which pairs are scored): records sharing the value of any one ``CODE``, ``DATE``,
``NAME`` or ``POSTCODE`` column. A rule that would create more than
:attr:`GenericSettings.max_block_comparisons` pairs on its own (a column with too few distinct
values for the size of the data) is left out and reported in :attr:`GenericResult.dropped_blocking`.

**Training** (Fellegi–Sunter with Splink 5 on DuckDB): the prior — the probability that two
random records match — from a deterministic rule (all ``NAME`` and ``DATE`` columns equal; without
both, all ``CODE`` columns) at an assumed recall (:attr:`GenericSettings.prior_recall`); *u* by
random sampling of pairs with a fixed seed; *m* by expectation maximisation in two sessions blocked
on two different groups of columns (the first two present of: ``DATE`` columns, ``NAME``
columns, ``CODE`` columns, ``POSTCODE`` columns), so that every comparison is trained in at least
one session.

**Clustering**: connected components of the pairs whose match probability reaches
:attr:`GenericSettings.threshold` (0.95).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import duckdb
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.comparison_creator import ComparisonCreator

from frontline.ids.sql import quote_identifier as q


class Kind(StrEnum):
    """What a column holds; it decides how two values are compared and whether to block on it."""

    NAME = "name"
    """A part of a person's name (given name, surname), or a whole name."""
    DATE = "date"
    """A date (of birth, of registration)."""
    TEXT = "text"
    """Free text, such as an address line or a locality."""
    CODE = "code"
    """An identifier-like code (a national number, a street number), perhaps mistyped."""
    POSTCODE = "postcode"
    """A postcode: equal or not."""
    CATEGORY = "category"
    """A value from a short list (sex, state): equal or not, too common to block on."""


_SPLINK_VIEWS = {"result_df", "__splink__cumulative_blocking_rule_counts"}
"""Views Splink 5.0 registers on the connection (and leaves there) while training."""

BLOCKING_KINDS = (Kind.CODE, Kind.DATE, Kind.NAME, Kind.POSTCODE)
"""The kinds whose columns make blocking rules, in the order the rules are tried."""


@dataclass(frozen=True)
class GenericSettings:
    threshold: float = 0.95
    """Pairs at or above this match probability are linked (and clustered)."""
    prior_recall: float = 0.8
    """The share of true matches the deterministic rule is assumed to find (sets the prior)."""
    u_sample_pairs: float = 1e6
    """Random pairs sampled to estimate *u*."""
    seed: int = 1
    """Seed of the random sampling (the *u* estimates are deterministic for a given seed)."""
    max_block_comparisons: int | None = None
    """Most pairs one blocking rule may create; ``None``: 100 × the records, at least 1,000,000."""


@dataclass(frozen=True)
class GenericResult:
    table: str
    """The output table: ``dataset`` (the input table), ``unique_id`` (as text), ``cluster_id``."""
    records: int
    clusters: int
    pairs: int
    """Scored pairs at or above the threshold."""
    blocking: list[str]
    """The blocking rules used to find candidate pairs (SQL)."""
    dropped_blocking: list[str] = field(default_factory=list)
    """Blocking rules left out because they would create too many pairs (SQL)."""
    seconds: dict[str, float] = field(default_factory=dict)
    """Seconds by stage: prepare, train, predict, cluster."""


def link_records(
    con: duckdb.DuckDBPyConnection,
    tables: str | Sequence[str],
    columns: Mapping[str, Kind],
    *,
    unique_id: str = "unique_id",
    settings: GenericSettings | None = None,
    output: str = "generic_clusters",
) -> GenericResult:
    """Deduplicate one table, or link several, by the ``columns`` of the given kinds.

    Every table must have the columns named and ``unique_id``, unique within its table. The result
    is left in table ``output`` (replaced if it exists), one row per input record; the tables
    Splink creates on the way are dropped.
    """
    chosen = settings or GenericSettings()
    names = [tables] if isinstance(tables, str) else list(tables)
    if not names:
        raise ValueError("no table to link")
    if not columns:
        raise ValueError("no column to compare")
    em_blockings = _em_blockings(columns)
    prepared = [f"__generic_input_{i}" for i in range(len(names))]
    views = _views(con)
    api = DuckDBAPI(connection=con)
    seconds: dict[str, float] = {}
    try:
        started = time.perf_counter()
        for source, target in zip(names, prepared, strict=True):
            sql = _prepare_sql(source, columns, unique_id)
            con.execute(f"CREATE OR REPLACE TEMP TABLE {q(target)} AS {sql}")
        records = sum(
            con.execute(f"SELECT count(*) FROM {q(t)}").fetchall()[0][0] for t in prepared
        )
        cap = chosen.max_block_comparisons or max(1_000_000, 100 * records)
        blocking: list[str] = []
        dropped: list[str] = []
        for column in _columns_of(columns, *BLOCKING_KINDS):
            count = _block_comparisons(con, prepared, column)
            (blocking if count <= cap else dropped).append(column)
        if not blocking:
            kinds = ", ".join(k.value for k in BLOCKING_KINDS)
            more = f" ({', '.join(dropped)} had more)" if dropped else ""
            raise ValueError(
                f"no column to block on: give a column of kind {kinds} with at most {cap} "
                f"pairs of records sharing a value{more}"
            )
        _seconds(seconds, "prepare", started)

        started = time.perf_counter()
        inputs = [
            api.register(table, dataset_display_name=name)
            for table, name in zip(prepared, names, strict=True)
        ]
        creator = SettingsCreator(
            link_type="dedupe_only" if len(names) == 1 else "link_only",
            comparisons=[_comparison(column, kind) for column, kind in columns.items()],
            blocking_rules_to_generate_predictions=[block_on(c) for c in blocking],
            retain_matching_columns=False,
            retain_intermediate_calculation_columns=False,
        )
        linker = Linker(inputs if len(inputs) > 1 else inputs[0], creator, log_level=None)
        # Splink reports untrained levels and the like through logging: keep to its errors.
        logging.getLogger("splink").setLevel(logging.ERROR)
        training = linker.training
        training.estimate_probability_two_random_records_match(
            [_deterministic_rule(columns)], recall=chosen.prior_recall
        )
        training.estimate_u_using_random_sampling(max_pairs=chosen.u_sample_pairs, seed=chosen.seed)
        for rule in em_blockings:
            training.estimate_parameters_using_expectation_maximisation(rule)
        _seconds(seconds, "train", started)

        started = time.perf_counter()
        predictions = linker.inference.predict(
            threshold_match_probability=chosen.threshold, warning_mode="never"
        )
        pairs = con.execute(f"SELECT count(*) FROM {q(predictions.physical_name)}").fetchall()[0][0]
        _seconds(seconds, "predict", started)

        started = time.perf_counter()
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_probability=chosen.threshold
        )
        # With several inputs Splink names each record's table in source_dataset.
        dataset = "source_dataset" if len(names) > 1 else "?"
        con.execute(
            f"CREATE OR REPLACE TABLE {q(output)} AS SELECT {dataset} AS dataset, "
            f"unique_id, cluster_id FROM {q(clusters.physical_name)}",
            [] if len(names) > 1 else [names[0]],
        )
        _seconds(seconds, "cluster", started)
    finally:
        api.delete_tables_created_by_splink_from_db()  # type: ignore[no-untyped-call]
        # Splink's prior estimation also leaves views registered on the connection.
        for view in _SPLINK_VIEWS & (_views(con) - views):
            con.unregister(view)
        for table in prepared:
            con.execute(f"DROP TABLE IF EXISTS {q(table)}")
    count = con.execute(f"SELECT count(DISTINCT cluster_id) FROM {q(output)}").fetchall()[0][0]
    return GenericResult(
        table=output,
        records=records,
        clusters=count,
        pairs=pairs,
        blocking=[f"l.{c} = r.{c}" for c in blocking],
        dropped_blocking=[f"l.{c} = r.{c}" for c in dropped],
        seconds=seconds,
    )


def _views(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()
    return {row[0] for row in rows}


def _seconds(seconds: dict[str, float], stage: str, started: float) -> None:
    seconds[stage] = round(time.perf_counter() - started, 3)


def _columns_of(columns: Mapping[str, Kind], *kinds: Kind) -> list[str]:
    return [c for kind in kinds for c, k in columns.items() if k == kind]


def _prepare_sql(table: str, columns: Mapping[str, Kind], unique_id: str) -> str:
    selected = [f"CAST({q(unique_id)} AS VARCHAR) AS unique_id"]
    for column, kind in columns.items():
        text = f"CAST({q(column)} AS VARCHAR)"
        if kind == Kind.DATE:
            # DATE and TIMESTAMP cast to 'YYYY-MM-DD[ …]'; text is kept when it has 8 digits in its
            # first 10 characters (year, month, day).
            digits = f"regexp_replace(left({text}, 10), '[^0-9]', '', 'g')"
            value = f"CASE WHEN length({digits}) = 8 THEN {digits} END"
        elif kind in (Kind.CODE, Kind.POSTCODE):
            value = f"nullif(regexp_replace(lower({text}), '\\s', '', 'g'), '')"
        else:
            value = f"nullif(regexp_replace(lower(trim({text})), '\\s+', ' ', 'g'), '')"
        selected.append(f"{value} AS {q(column)}")
    return f"SELECT {', '.join(selected)} FROM {q(table)}"


def _block_comparisons(con: duckdb.DuckDBPyConnection, tables: list[str], column: str) -> int:
    """Pairs that blocking on equal ``column`` creates: within the table for one, else across."""
    if len(tables) == 1:
        sql = f"""SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM (SELECT count(*) AS n
                  FROM {q(tables[0])} WHERE {q(column)} IS NOT NULL GROUP BY {q(column)})"""
    else:
        # Pairs across tables: all pairs of a value less those within each table.
        counts = " UNION ALL ".join(
            f"SELECT {i} AS t, {q(column)} AS v FROM {q(table)} WHERE {q(column)} IS NOT NULL"
            for i, table in enumerate(tables)
        )
        sql = f"""SELECT coalesce(sum(n), 0) FROM (
                  SELECT (sum(k) * sum(k) - sum(k * k)) / 2 AS n FROM (
                  SELECT v, t, count(*) AS k FROM ({counts}) GROUP BY ALL) GROUP BY v)"""
    return int(con.execute(sql).fetchall()[0][0])


def _comparison(column: str, kind: Kind) -> ComparisonCreator:
    if kind == Kind.NAME:
        return cl.CustomComparison(
            output_column_name=column,
            comparison_levels=[
                cll.NullLevel(column),
                cll.ExactMatchLevel(column, term_frequency_adjustments=True),
                cll.JaroWinklerLevel(column, 0.92),
                cll.JaroWinklerLevel(column, 0.8),
                cll.ElseLevel(),
            ],
        )
    if kind == Kind.DATE:
        left, right = f"{q(column + '_l')}", f"{q(column + '_r')}"
        swapped = (
            f"substr({left}, 1, 4) = substr({right}, 1, 4) "
            f"AND substr({left}, 5, 2) = substr({right}, 7, 2) "
            f"AND substr({left}, 7, 2) = substr({right}, 5, 2)"
        )
        return cl.CustomComparison(
            output_column_name=column,
            comparison_levels=[
                cll.NullLevel(column),
                cll.ExactMatchLevel(column),
                cll.CustomLevel(swapped, label_for_charts="day and month swapped"),
                cll.DamerauLevenshteinLevel(column, 1),
                cll.ElseLevel(),
            ],
        )
    if kind == Kind.TEXT:
        return cl.JaroWinklerAtThresholds(column, [0.9, 0.7])
    if kind == Kind.CODE:
        return cl.DamerauLevenshteinAtThresholds(column, [1])
    return cl.ExactMatch(column)


def _deterministic_rule(columns: Mapping[str, Kind]) -> BlockingRuleCreator:
    names, dates = _columns_of(columns, Kind.NAME), _columns_of(columns, Kind.DATE)
    if names and dates:
        return block_on(*names, *dates)
    codes = _columns_of(columns, Kind.CODE)
    return block_on(*(codes or _columns_of(columns, *BLOCKING_KINDS)))


def _em_blockings(columns: Mapping[str, Kind]) -> list[BlockingRuleCreator]:
    groups = [
        _columns_of(columns, kind) for kind in (Kind.DATE, Kind.NAME, Kind.CODE, Kind.POSTCODE)
    ]
    present = [g for g in groups if g]
    if len(present) < 2:
        raise ValueError(
            "training needs columns of two of the kinds date, name, code, postcode "
            "(expectation maximisation cannot learn the columns it is blocked on)"
        )
    return [block_on(*present[0]), block_on(*present[1])]
