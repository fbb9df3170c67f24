"""The offline-open benchmark runs as docs/benchmarks.md shows it, at a small size."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.web.test_browser import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]
SCRIPT = Path(__file__).parents[2] / "benchmarks" / "offline_open.py"


def test_the_benchmark_opens_tasks_offline_and_says_how_fast() -> None:
    done = subprocess.run(  # noqa: S603 - our own script, our own arguments
        [sys.executable, str(SCRIPT), "--repeat", "3", "--tasks", "2", "--json"],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # --json: nothing but the JSON object
    report = json.loads(done.stdout)
    assert report["benchmark"] == "offline_open"
    assert report["repeat"] == 3
    assert report["database"] == "sqlite"
    assert 0 < report["min_ms"] <= report["offline_open_ms"] <= report["offline_open_p90_ms"]
    assert report["offline_open_p90_ms"] <= report["max_ms"]
    # A sanity bound, far above the target (200 ms): CI machines are busy.
    assert report["offline_open_ms"] < 2000
