"""The integration run: read → normalise → validate and route → link → account.

Each stage reports progress; every input row is accounted for in the result.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from frontline.ids import sql as ids_sql
from frontline.ids.sql import quote_identifier as q
from frontline.integrate.fields import entity_types
from frontline.integrate.normalise import normalise_source
from frontline.integrate.readers import read_source
from frontline.integrate.residue import (
    PROBABILISTIC,
    RULE,
    link_enterprise_residue,
    link_person_residue,
)
from frontline.integrate.routing import (
    IDENTIFIER,
    OTHER_SOURCE,
    QUARANTINED,
    RESIDUE,
    SKIPPED,
    route_records,
)
from frontline.integrate.sources import SourceSpec

Progress = Callable[[str, int, int], None]
"""Called with a stage description, the steps done and the steps in all."""


@dataclass
class SourceAccount:
    """What happened to every row of one source."""

    key: str
    department: str
    entity: str
    rows_read: int = 0
    skipped: int = 0
    other_source: int = 0
    linked: int = 0
    linked_residue: int = 0
    """Of the linked rows, those linked by probabilistic matching or a rule."""
    repaired: int = 0
    residue: int = 0
    quarantined: dict[str, int] = field(default_factory=dict)
    encoding: str = ""

    @property
    def accounted(self) -> int:
        """Rows with an outcome; equals ``rows_read`` when nothing was lost."""
        return (
            self.skipped + self.other_source + self.linked + self.residue
            + sum(self.quarantined.values())
        )  # fmt: skip


@dataclass
class IntegrationResult:
    sources: list[SourceAccount]
    entities: dict[str, int]
    residue_reasons: dict[str, int]
    seconds: dict[str, float]
    notes: list[str] = field(default_factory=list)


def _timed(seconds: dict[str, float], stage: str, started: float) -> None:
    seconds[stage] = round(seconds.get(stage, 0.0) + time.perf_counter() - started, 3)


def run_integration(
    specs: list[SourceSpec],
    data_dir: Path,
    con: duckdb.DuckDBPyConnection | None = None,
    progress: Progress | None = None,
) -> IntegrationResult:
    """Integrate the sources' files in ``data_dir`` on a DuckDB workspace connection."""
    con = con or duckdb.connect()
    say = progress or (lambda _stage, _done, _total: None)
    seconds: dict[str, float] = {}
    ids_sql.register(con)
    accounts = {s.key: SourceAccount(s.key, s.department, s.entity) for s in specs}
    for i, spec in enumerate(specs):
        say(f"read {spec.key}", i, len(specs))
        started = time.perf_counter()
        result = read_source(con, spec, data_dir, f"raw_{spec.key}")
        accounts[spec.key].rows_read = result.rows_read
        accounts[spec.key].encoding = ", ".join(sorted(set(result.encodings.values())))
        _timed(seconds, "read", started)
        say(f"normalise {spec.key}", i, len(specs))
        started = time.perf_counter()
        normalise_source(con, spec, f"raw_{spec.key}", f"norm_{spec.key}")
        con.execute(f"DROP TABLE {q(f'raw_{spec.key}')}")
        _timed(seconds, "normalise", started)
    say("validate and route", len(specs), len(specs))
    entities: dict[str, int] = {}
    residue_reasons: dict[str, int] = {}
    notes: list[str] = []
    started = time.perf_counter()
    for name, entity in entity_types().items():
        tables = [f"norm_{s.key}" for s in specs if s.entity == name]
        if not tables:
            continue
        records = f"records_{name}"
        route_records(con, entity, tables, records)
        _timed(seconds, "route", started)
        say(f"link the {name} residue", len(specs), len(specs))
        started = time.perf_counter()
        if name == "person":
            linked = link_person_residue(con, records)
        else:
            linked = link_enterprise_residue(con, records)
        if linked.note:
            notes.append(f"{name}: {linked.note}")
        _timed(seconds, "link residue", started)
        started = time.perf_counter()
        ident = q(entity.identifier.name + "__status")
        rows = con.execute(
            f"SELECT _source, _outcome, _reason, _residue_reason, count(*), "
            f"count(*) FILTER ({ident} = 'repaired') FROM {q(records)} GROUP BY ALL"
        ).fetchall()
        for source, outcome, reason, residue_reason, count, repaired in rows:
            if residue_reason:
                residue_reasons[residue_reason] = residue_reasons.get(residue_reason, 0) + count
            account = accounts[source]
            if outcome in (IDENTIFIER, PROBABILISTIC, RULE):
                account.linked += count
                account.repaired += repaired
                if outcome != IDENTIFIER:
                    account.linked_residue += count
            elif outcome == RESIDUE:  # only when no residue stage ran
                account.residue += count
            elif outcome == QUARANTINED:
                account.quarantined[reason] = account.quarantined.get(reason, 0) + count
            elif outcome == SKIPPED:
                account.skipped += count
            elif outcome == OTHER_SOURCE:
                account.other_source += count
        entities[name] = con.execute(
            f"SELECT count(DISTINCT _entity_key) FROM {q(records)}"
        ).fetchall()[0][0]
    _timed(seconds, "account", started)
    return IntegrationResult(list(accounts.values()), entities, residue_reasons, seconds, notes)
