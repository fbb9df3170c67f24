"""Splink alone over every person record of an integrated city: the baseline Frontline is compared
with in ``linkage.py --vs-splink``.

Frontline links by identifier first and gives only the residue to Splink. The baseline gives
*all* person records to Splink as one deduplication, with the same comparisons and blocking rules
(``frontline.integrate.residue_model.residue_settings``) and the same training
(``residue_model.train``): the prior from equal name and birth date (recall 0.8),
*u* from about 2,000,000 random pairs (seed 1), *m* by EM on the pairs with equal birth date and
then on those with equal pinyin key. (The residue stage trains on at most 10,000 of its residue
records; Splink alone trains on every record.) Pairs at or above 0.95 are clustered into
entities (connected components). Splink gets the records already normalised by Frontline
(canonical names, pinyin keys, dates, phones): only the linking is timed.

It runs in a process of its own, so that its peak memory is its own::

    python benchmarks/splink_alone.py PROFILE.parquet CLUSTERS.parquet

reads the records (written by :func:`export_profile`), writes one row per record (``unique_id``,
``cluster_id``) and prints a JSON object: ``seconds`` (train, predict, cluster; not the start of
Python nor the reading of the file), ``peak_rss_mb`` (the process's peak resident memory, Python
and the libraries included: see :func:`memory_mb`), ``baseline_rss_mb`` (resident memory once
the libraries are imported and the records read, before Splink starts) and counts.
"""

# ruff: noqa: S608 - the SQL names tables this file makes; every value is a parameter

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
import time
from pathlib import Path

import duckdb
from splink import DuckDBAPI, SettingsCreator

from frontline.ids.sql import quote_identifier as q
from frontline.integrate.residue import profile_sql
from frontline.integrate.residue_model import ResidueSettings, residue_settings, train

THRESHOLD = 0.95
EXCLUDED = ("skipped", "other_source")
"""Outcomes of rows that are not person records (a total line, another source's row)."""


def export_profile(con: duckdb.DuckDBPyConnection, records: str, path: Path) -> int:
    """Write the person records of ``records`` (all outcomes but skipped and other source) to
    ``path`` as the residue stage profiles them; return how many."""
    outcomes = [
        row[0]
        for row in con.execute(
            f"SELECT DISTINCT _outcome FROM {q(records)} WHERE _outcome NOT IN (?, ?) ORDER BY 1",
            list(EXCLUDED),
        ).fetchall()
    ]
    union = " UNION ALL ".join(f"({profile_sql(records, outcome)})" for outcome in outcomes)
    con.execute(f"COPY ({union}) TO {_literal(path)} (FORMAT parquet)")
    return int(con.execute("SELECT count(*) FROM read_parquet(?)", [str(path)]).fetchall()[0][0])


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def dedupe_settings() -> SettingsCreator:
    """The residue stage's settings (comparisons, blocking rules) as a deduplication."""
    return residue_settings("dedupe_only")


def link(con: duckdb.DuckDBPyConnection, table: str, output: str) -> dict[str, float | int]:
    """Deduplicate ``table`` with Splink the way the residue stage trains its model; leave
    ``output`` (``unique_id``, ``cluster_id``) and return seconds by stage and counts."""
    chosen = ResidueSettings()
    seconds: dict[str, float | int] = {}
    api = DuckDBAPI(connection=con)
    logging.getLogger("splink").setLevel(logging.ERROR)
    started = time.perf_counter()
    linker = train(api, [table], chosen, link_type="dedupe_only")
    seconds["train_seconds"] = round(time.perf_counter() - started, 3)
    started = time.perf_counter()
    # Only pairs at or above the clustering threshold are needed (the residue stage predicts
    # from 0.5 up because it also keeps a review list).
    predictions = linker.inference.predict(
        threshold_match_probability=THRESHOLD, warning_mode="never"
    )
    seconds["predict_seconds"] = round(time.perf_counter() - started, 3)
    started = time.perf_counter()
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=THRESHOLD
    )
    con.execute(
        f"CREATE OR REPLACE TABLE {q(output)} AS "
        f"SELECT unique_id, cluster_id FROM {q(clusters.physical_name)}"
    )
    seconds["cluster_seconds"] = round(time.perf_counter() - started, 3)
    seconds["pairs"] = con.execute(
        f"SELECT count(*) FROM {q(predictions.physical_name)}"
    ).fetchall()[0][0]
    seconds["clusters"] = con.execute(
        f"SELECT count(DISTINCT cluster_id) FROM {q(output)}"
    ).fetchall()[0][0]
    api.delete_tables_created_by_splink_from_db()  # type: ignore[no-untyped-call]
    return seconds


def run_in_subprocess(profile: Path, clusters: Path) -> dict[str, float | int]:
    """Run this script on ``profile`` in a new Python process; return what it printed."""
    done = subprocess.run(  # noqa: S603 - our own script, with paths we made
        [sys.executable, str(Path(__file__).resolve()), str(profile), str(clusters)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"Splink alone failed (exit code {done.returncode}):\n{done.stderr}")
    result: dict[str, float | int] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def memory_mb() -> tuple[int, int]:
    """This process's resident memory now and at its peak, in MiB.

    The peak is the kernel's ``VmHWM``, not ``getrusage``'s ``ru_maxrss``: on Linux a process
    started by another inherits the parent's ``ru_maxrss`` (fork copies the high-water mark and
    exec keeps it), so a child of a process that peaked at 2 GB reports at least 2 GB.
    ``VmHWM`` belongs to the address space exec makes, which starts empty.
    """
    status = Path("/proc/self/status").read_text()
    kib = {
        line.split(":")[0]: int(line.split()[1])
        for line in status.splitlines()
        if line.startswith(("VmRSS:", "VmHWM:"))
    }
    return round(kib["VmRSS"] / 1024), round(kib["VmHWM"] / 1024)


def measure(profile: Path, clusters: Path) -> dict[str, float | int]:
    """Link the records in ``profile``, write ``clusters``; return the time and memory taken."""
    con = duckdb.connect()
    con.execute("CREATE TABLE persons AS SELECT * FROM read_parquet(?)", [str(profile)])
    records = con.execute("SELECT count(*) FROM persons").fetchall()[0][0]
    baseline, _ = memory_mb()
    started = time.perf_counter()
    stages = link(con, "persons", "clusters")
    seconds = time.perf_counter() - started
    con.execute(f"COPY clusters TO {_literal(clusters)} (FORMAT parquet)")
    return {
        "records": records,
        "seconds": round(seconds, 2),
        **stages,
        "peak_rss_mb": memory_mb()[1],
        "baseline_rss_mb": baseline,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("profile", type=Path)
    parser.add_argument("clusters", type=Path)
    args = parser.parse_args()
    print(json.dumps(measure(args.profile, args.clusters)))


if __name__ == "__main__":
    main()
