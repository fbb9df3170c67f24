"""Running the whole integration in tests: the example sources, a city, a store."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb
from sqlalchemy import Engine

from frontline.integrate.pipeline import IntegrationResult, RunSettings, run_integration
from frontline.integrate.sources import SourceSpec, load_sources

SOURCES = Path(__file__).parents[2] / "examples" / "city" / "sources"
"""The source descriptions of the synthetic city's departments."""


def integrate(
    city: Path,
    store: Engine | None,
    *,
    specs: Sequence[SourceSpec] | None = None,
    workspace: Path | None = None,
    incremental: bool = False,
    settings: RunSettings | None = None,
) -> tuple[IntegrationResult, duckdb.DuckDBPyConnection]:
    """Integrate ``city`` (every example source unless ``specs``) into ``store``, on a DuckDB
    workspace in memory or in the file ``workspace``; the workspace is returned open."""
    con = duckdb.connect(str(workspace) if workspace is not None else ":memory:")
    chosen = list(specs) if specs is not None else load_sources(SOURCES)
    result = run_integration(
        chosen, city, con, store=store, incremental=incremental, settings=settings
    )
    return result, con
