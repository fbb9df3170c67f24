"""Benchmark: seconds of each integration stage, and of reading and normalising each source.

    python benchmarks/integrate_stages.py --city /tmp/city100k --repeat 3
    python benchmarks/integrate_stages.py --city /tmp/city1m --stages read,normalise --repeat 3

integrates an existing synthetic city (``frontline synth --persons N --seed 7 --out DIR``) from
``examples/city/sources`` (or ``--sources``), each repeat in a fresh process (caches cold, peak
RSS its own), and prints one JSON object: the stage seconds of every run (wall clock, from
``IntegrationResult.seconds``, plus ``total``), their medians, and each run's CPU seconds and
peak RSS. ``--stages read,normalise`` stops after reading and normalising every source (no
routing or linkage) and also times each source (``read:<key>``, ``normalise:<key>``, wall and
CPU), which is how those two stages are measured alone.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import duckdb

SOURCES = Path(__file__).parents[1] / "examples" / "city" / "sources"


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def read_and_normalise(city: Path, sources: Path) -> dict[str, float]:
    """Read and normalise every source on a fresh connection; seconds by stage and source."""
    from frontline.ids import sql as ids_sql
    from frontline.integrate.normalise import normalise_source
    from frontline.integrate.readers import read_source
    from frontline.integrate.sources import load_sources

    con = duckdb.connect()
    ids_sql.register(con)
    seconds: dict[str, float] = {"read": 0.0, "normalise": 0.0}
    for spec in load_sources(sources):
        for stage in ("read", "normalise"):
            wall, cpu = time.perf_counter(), _cpu()
            if stage == "read":
                read_source(con, spec, city, f"raw_{spec.key}")
            else:
                normalise_source(con, spec, f"raw_{spec.key}", f"norm_{spec.key}")
                con.execute(f'DROP TABLE "raw_{spec.key}"')
            wall, cpu = time.perf_counter() - wall, _cpu() - cpu
            seconds[stage] += wall
            seconds[f"{stage} cpu"] = seconds.get(f"{stage} cpu", 0.0) + cpu
            seconds[f"{stage}:{spec.key}"] = wall
            seconds[f"{stage} cpu:{spec.key}"] = cpu
    con.close()
    return seconds


def full(city: Path, sources: Path) -> dict[str, float]:
    """The whole integration: ``IntegrationResult.seconds`` plus ``total``."""
    from frontline.integrate.pipeline import run_integration
    from frontline.integrate.sources import load_sources

    con = duckdb.connect()
    started = time.perf_counter()
    result = run_integration(load_sources(sources), city, con)
    seconds = dict(result.seconds)
    seconds["total"] = time.perf_counter() - started
    con.close()
    return seconds


def one(city: Path, sources: Path, stages: str) -> dict[str, float]:
    """One run in this process, with its CPU seconds and peak RSS (MB)."""
    started = _cpu()
    seconds = full(city, sources) if stages == "all" else read_and_normalise(city, sources)
    seconds["process cpu"] = _cpu() - started
    seconds["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {k: round(v, 3) for k, v in seconds.items()}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--city", type=Path, required=True, help="a synthetic city folder")
    parser.add_argument("--sources", type=Path, default=SOURCES, help="the source definitions")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument(
        "--stages",
        choices=["all", "read,normalise"],
        default="all",
        help="the whole integration, or only reading and normalising every source",
    )
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.city, args.sources, args.stages)))
        return
    runs: list[dict[str, float]] = []
    for _ in range(args.repeat):
        command = [sys.executable, __file__, "--one", "--city", str(args.city)]
        command += ["--sources", str(args.sources), "--stages", args.stages]
        done = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
        runs.append(json.loads(done.stdout.splitlines()[-1]))
    keys = list(dict.fromkeys(k for run in runs for k in run))
    report = {
        "benchmark": "integrate_stages",
        "city": str(args.city),
        "stages": args.stages,
        "median": {k: round(statistics.median(r[k] for r in runs if k in r), 3) for k in keys},
        "runs": runs,
    }
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
