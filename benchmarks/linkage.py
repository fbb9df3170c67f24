"""Benchmark: linkage accuracy and time of the integration engine on the synthetic city.

    python benchmarks/linkage.py --dataset city --persons 100000 --json

generates the city (seed 7, default defect rates) unless ``--city DIR`` points at one, integrates
it, and prints one JSON object: pairwise precision, recall and F1 over same-entity record pairs
for persons (all records, and pairs involving a record without a usable identifier: the
residue) and for enterprises, the seconds of the integration by stage, and the peak RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from frontline.integrate.evaluation import pair_scores
from frontline.integrate.pipeline import run_integration
from frontline.integrate.sources import load_sources
from frontline.synth import CityConfig, generate_city

SOURCES = Path(__file__).parents[1] / "examples" / "city" / "sources"
# Sources that read one file for two entity types, by the dataset key the truth uses.
DATASET = {
    "property_persons": "property", "property_enterprises": "property",
    "vehicles_persons": "vehicles", "vehicles_enterprises": "vehicles",
}  # fmt: skip


def evaluate(con: duckdb.DuckDBPyConnection, city: Path) -> dict[str, object]:
    """Scores of the integrated records against the city's truth."""
    con.register("truth_rows", pq.read_table(city / "truth/source_rows.parquet"))
    con.execute("CREATE TEMP TABLE dataset_of (source VARCHAR, dataset VARCHAR)")
    con.executemany("INSERT INTO dataset_of VALUES (?, ?)", list(DATASET.items()))
    out: dict[str, object] = {}
    for entity in ("person", "enterprise"):
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE scored AS
            SELECT r._entity_key AS predicted, t.entity_id AS truth,
                   r._residue_reason IS NOT NULL AS residue
            FROM records_{entity} r
            LEFT JOIN dataset_of d ON d.source = r._source
            JOIN truth_rows t ON t.source = coalesce(d.dataset, r._source) AND t.row = r._row
            WHERE r._outcome NOT IN ('skipped', 'other_source')
            """  # noqa: S608 - entity comes from the fixed tuple above
        )
        out[entity] = pair_scores(con, "scored").as_dict()
        out[f"{entity}_residue"] = pair_scores(con, "scored", residue_only=True).as_dict()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dataset", choices=["city"], default="city")
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--city", type=Path, help="an existing city folder (skips generation)")
    parser.add_argument("--json", action="store_true", help="print only the JSON object")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        city = args.city or Path(scratch) / "city"
        if args.city is None:
            generate_city(CityConfig(persons=args.persons, seed=args.seed), city)
        con = duckdb.connect()
        started = time.perf_counter()
        result = run_integration(load_sources(SOURCES), city, con)
        seconds = time.perf_counter() - started
        scores = evaluate(con, city)
    person = scores["person"]
    residue = scores["person_residue"]
    assert isinstance(person, dict)
    assert isinstance(residue, dict)
    report = {
        "benchmark": "linkage",
        "dataset": args.dataset,
        "persons": args.persons if args.city is None else None,
        "precision": round(float(person["precision"]), 6),
        "recall": round(float(person["recall"]), 6),
        "f1": round(float(person["f1"]), 6),
        "residue_f1": round(float(residue["f1"]), 6),
        "scores": scores,
        "seconds": round(seconds, 2),
        "stage_seconds": result.seconds,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    print(json.dumps(report, ensure_ascii=False))
    if not args.json:
        for key in ("person", "person_residue", "enterprise", "enterprise_residue"):
            s = scores[key]
            assert isinstance(s, dict)
            scored = f"precision {s['precision']:.5f} recall {s['recall']:.5f} f1 {s['f1']:.5f}"
            print(f"{key:>20}: {scored}")


if __name__ == "__main__":
    main()
