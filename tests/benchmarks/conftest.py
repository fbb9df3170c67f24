"""The benchmark scripts import each other as top-level modules (``python benchmarks/x.py`` puts
their folder first on the path); their tests do the same."""

import sys
from pathlib import Path

BENCHMARKS = str(Path(__file__).parents[2] / "benchmarks")
if BENCHMARKS not in sys.path:
    sys.path.insert(0, BENCHMARKS)
