"""Benchmark ``frontline.names.draw_names``: prints one JSON line.

.venv/bin/python benchmarks/names.py --persons 1000000
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from frontline.names import draw_names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    is_male = rng.random(args.persons) < 0.51
    birth_years = rng.integers(1930, 2025, args.persons, dtype=np.int16)
    # Load the data files first: the figure is for drawing, not for one-off CSV parsing.
    draw_names(np.random.default_rng(0), is_male[:10], birth_years[:10])

    started = time.perf_counter()
    names = draw_names(rng, is_male, birth_years)
    seconds = time.perf_counter() - started
    assert len(names) == args.persons
    print(
        json.dumps(
            {
                "persons": args.persons,
                "seconds": round(seconds, 3),
                "names_per_second": round(args.persons / seconds),
            }
        )
    )


if __name__ == "__main__":
    main()
