"""The report document: the shape of the JSON `build_report` returns and `render_html` reads.

Plain dicts and lists (JSON-able as they are); the types only document and check the keys.
"""

from __future__ import annotations

from typing import TypedDict

REPORT_FORMAT = 1
"""Bumped when a key of the report changes meaning or disappears."""


class RunInfo(TypedDict):
    id: int
    started_at: str
    finished_at: str | None
    config_digest: str
    as_of: str | None
    """The date the departments' data was extracted, as the engine reports it."""


class Totals(TypedDict):
    sources: int
    departments: int
    rows_read: int
    linked: int
    quarantined: int
    skipped: int
    other_source: int
    entities: dict[str, int]
    entities_total: int
    issues: int
    issues_by_severity: dict[str, int]


class Scores(TypedDict):
    completeness: float
    validity: float
    consistency: float
    timeliness: float
    rows: int
    run_id: int
    """The run that scored the department (an earlier one if the latest did not)."""


class Department(TypedDict):
    key: str
    name: str
    sources: list[str]
    rows_read: int
    scores: Scores | None
    issues: dict[str, int]
    issues_total: int
    issues_by_severity: dict[str, int]


class IssueTypeEntry(TypedDict):
    key: str
    severity: str
    label_zh: str
    label_en: str
    description_zh: str
    description_en: str
    known: bool
    count: int
    by_department: dict[str, int]


class Conflict(TypedDict):
    field: str
    department_key: str
    """The department whose value lost."""
    golden_department_key: str
    """The department whose value the golden record took."""
    count: int


class SourceEntry(TypedDict):
    key: str
    department: str
    department_key: str
    entity: str
    encoding: str | None
    rows_read: int
    linked: int
    repaired: int
    linked_residue: int
    quarantined: dict[str, int]
    quarantined_total: int
    skipped: int
    other_source: int
    accounted: int
    """linked + quarantined + skipped + other_source: equals rows_read when nothing was lost."""
    balanced: bool


class Dimension(TypedDict):
    key: str
    label_zh: str
    label_en: str
    description_zh: str
    description_en: str


class Report(TypedDict):
    format: int
    generated_at: str
    run: RunInfo
    totals: Totals
    dimensions: list[Dimension]
    departments: list[Department]
    issue_types: list[IssueTypeEntry]
    conflicts: list[Conflict]
    sources: list[SourceEntry]
    notes: list[str]
    seconds: dict[str, float]
