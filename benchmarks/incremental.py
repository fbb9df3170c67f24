"""Benchmark: an incremental run of one changed source against the full run, side by side.

    python benchmarks/incremental.py --persons 100000 --json

generates the city (seed 7) unless ``--city DIR`` points at one, copies it to a scratch folder,
runs the full integration into a SQLite store with a workspace file, then changes the phone
number of every 100th row of one source (pensions by default) and runs again incrementally.
Prints one JSON object: both wall times (read → published), their ratio, what the incremental
run read and published, and the seconds by stage of each.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb

from frontline.integrate.pipeline import IntegrationResult, run_integration
from frontline.integrate.sources import load_sources
from frontline.store import create_engine_for, upgrade
from frontline.synth import CityConfig, generate_city

SOURCES = Path(__file__).parents[1] / "examples" / "city" / "sources"
PHONE_COLUMN = {"pensions": ("pensions.csv", "LXDH"), "employment": ("employment.csv", "LXDH")}


def change_phones(city: Path, source: str, every: int) -> int:
    """Give every ``every``-th row of the source a new phone number; return how many."""
    name, column = PHONE_COLUMN[source]
    path = city / name
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    index = rows[0].index(column)
    changed = 0
    for i in range(1, len(rows), every):
        rows[i][index] = f"177{i:08d}"
        changed += 1
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8-sig")
    return changed


def timed_run(city: Path, scratch: Path, *, incremental: bool) -> tuple[float, IntegrationResult]:
    engine = create_engine_for(f"sqlite:///{scratch / 'store.db'}")
    upgrade(engine)
    con = duckdb.connect(str(scratch / "workspace.duckdb"))
    started = time.perf_counter()
    result = run_integration(
        load_sources(SOURCES), city, con, store=engine, incremental=incremental
    )
    seconds = time.perf_counter() - started
    con.close()
    engine.dispose()
    return seconds, result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--city", type=Path, help="an existing city folder (copied, not changed)")
    parser.add_argument("--source", choices=sorted(PHONE_COLUMN), default="pensions")
    parser.add_argument("--every", type=int, default=100, help="change every n-th row")
    parser.add_argument("--json", action="store_true", help="print only the JSON object")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        city = scratch / "city"
        if args.city is None:
            generate_city(CityConfig(persons=args.persons, seed=args.seed), city)
        else:
            shutil.copytree(args.city, city)
        full_seconds, full = timed_run(city, scratch, incremental=False)
        changed_rows = change_phones(city, args.source, args.every)
        incremental_seconds, incremental = timed_run(city, scratch, incremental=True)
    published: dict[str, Any] = incremental.published.rows if incremental.published else {}
    report = {
        "benchmark": "incremental",
        "persons": args.persons if args.city is None else None,
        "changed_source": args.source,
        "changed_rows": changed_rows,
        "full_seconds": round(full_seconds, 2),
        "incremental_seconds": round(incremental_seconds, 2),
        "ratio": round(incremental_seconds / full_seconds, 3),
        "sources_read": incremental.read,
        "published_changes_only": incremental.incremental_publish,
        "published": {k: published.get(k, 0) for k in ("golden", "links", "issues", "history")},
        "entities": sum(incremental.entities.values()),
        "full_stage_seconds": full.seconds,
        "incremental_stage_seconds": incremental.seconds,
        "incremental_store_seconds": {
            k: round(v, 3)
            for k, v in (incremental.published.seconds if incremental.published else {}).items()
        },
    }
    print(json.dumps(report, ensure_ascii=False))
    if not args.json:
        print(
            f"full {full_seconds:.1f} s, incremental {incremental_seconds:.1f} s "
            f"({report['ratio']:.1%} of the full run); published {report['published']}"
        )


if __name__ == "__main__":
    main()
