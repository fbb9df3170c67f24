"""What a publish is given: the run, and plain typed rows for each table.

Rows are named tuples, cheap to build by the million. JSON fields take a mapping (encoded
here, sorted, ~50,000 golden records/s) or a `str` of JSON text already encoded — e.g. by
DuckDB's `to_json`, which is much faster for a million records.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from frontline.store.base import canonical_json

JsonDocument = Mapping[str, object] | Sequence[object] | str
"""A JSON object or list, or its JSON text."""

EntityStatus = Literal["active", "merged", "retired"]
LinkStatus = Literal["linked", "quarantined", "skipped", "other_source"]
LinkMethod = Literal["identifier", "probabilistic", "review", "rule"]
EventKind = Literal["created", "merged", "split", "retired"]


@dataclass(frozen=True)
class Scope:
    """What a run covered: with `replace=True` the publish replaces exactly this.

    Golden records of `entity_types`; links of `sources`; quality issues of either.
    """

    entity_types: frozenset[str] = frozenset()
    sources: frozenset[str] = frozenset()


@dataclass(frozen=True)
class RunSummary:
    """The run being published (see `runs.start_run`) and what it reports about itself."""

    run_id: int
    scope: Scope
    summary: Mapping[str, object] = field(default_factory=dict)
    """Per-source counts: rows read, linked, quarantined by reason, …"""


class RecordRef(NamedTuple):
    """One input row: which source, which file, which row (1-based, as a person counts)."""

    source: str
    file: str
    row: int


class EntityRow(NamedTuple):
    """An entity as the run sees it. Its id must come from `counters.allocate_entity_ids`."""

    entity_id: str
    entity_type: str
    entity_key: str
    status: EntityStatus = "active"
    merged_into: str | None = None


class GoldenRow(NamedTuple):
    """An entity's golden record: field → value, and field → provenance."""

    entity_id: str
    entity_type: str
    values: JsonDocument
    provenance: JsonDocument


class LinkRow(NamedTuple):
    """What became of one input row."""

    source: str
    file: str
    row: int
    entity_id: str | None
    status: LinkStatus
    method: LinkMethod | None = None
    confidence: float | None = None
    reason: str | None = None


class IssueRow(NamedTuple):
    """One quality issue, routed to `department_key`."""

    issue_type: str
    severity: str
    department_key: str
    source: str | None = None
    file: str | None = None
    row: int | None = None
    entity_id: str | None = None
    field: str | None = None
    detail: JsonDocument | None = None


class ScoreRow(NamedTuple):
    """One department's quality scores in this run (each 0..1)."""

    department_key: str
    completeness: float
    validity: float
    consistency: float
    timeliness: float
    rows: int


class EventRow(NamedTuple):
    """A change of identity: e.g. `merged` with `entity_ids` = [merged, survivor]."""

    kind: EventKind
    entity_ids: Sequence[str]
    detail: JsonDocument | None = None


class ReviewPairRow(NamedTuple):
    """An uncertain pair for a steward; the order of `a` and `b` does not matter."""

    a: RecordRef
    b: RecordRef
    entity_type: str
    match_probability: float
    records: tuple[JsonDocument, JsonDocument] | None = None
    """The values of `a` and of `b` as the linker compared them, for the steward."""


def json_text(value: JsonDocument | None) -> str:
    """`value` as JSON text (None as an empty object); a `str` is taken as JSON already."""
    if isinstance(value, str):
        return value
    return canonical_json({} if value is None else value)
