"""Benchmark: how long `frontline synth` takes for a given number of persons.

    python benchmarks/synth.py --persons 100000 1000000 --repeat 3 --json

prints one JSON object per size (median of the repeats) and a table.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from frontline.synth import CityConfig, generate_city


def measure(persons: int, seed: int, repeat: int) -> dict[str, object]:
    seconds: list[float] = []
    rows = 0
    size = 0
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as folder:
            started = time.perf_counter()
            report = generate_city(CityConfig(persons=persons, seed=seed), Path(folder))
            seconds.append(time.perf_counter() - started)
            rows = sum(d.rows for d in report.datasets)
            size = sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file())
    median = statistics.median(seconds)
    return {
        "benchmark": "synth",
        "persons": persons,
        "seed": seed,
        "repeat": repeat,
        "seconds_median": round(median, 2),
        "seconds_all": [round(s, 2) for s in seconds],
        "persons_per_second": round(persons / median),
        "source_rows": rows,
        "bytes_written": size,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--persons", type=int, nargs="+", default=[100_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print only JSON lines")
    args = parser.parse_args()
    results = [measure(n, args.seed, args.repeat) for n in args.persons]
    for result in results:
        print(json.dumps(result))
    if not args.json:
        print(f"{'persons':>10} {'median s':>9} {'persons/s':>10} {'rows':>10}")
        for r in results:
            print(
                f"{r['persons']:>10} {r['seconds_median']:>9} "
                f"{r['persons_per_second']:>10} {r['source_rows']:>10}"
            )


if __name__ == "__main__":
    main()
