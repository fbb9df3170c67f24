"""Data quality: the issue types the integration engine raises, and the report managers read.

from frontline.quality import ISSUE_TYPES, load_report, render_html
"""

from frontline.quality.issue_types import (
    ISSUE_TYPES,
    SCORE_DIMENSIONS,
    SEVERITIES,
    SEVERITY_LABELS,
    UNLINKED_REASONS,
    IssueType,
    Label,
    ScoreDimension,
    Severity,
    issue_type,
)
from frontline.quality.report import (
    Report,
    ReportError,
    build_report,
    load_report,
    render_html,
    write_report,
)

__all__ = [
    "ISSUE_TYPES",
    "SCORE_DIMENSIONS",
    "SEVERITIES",
    "SEVERITY_LABELS",
    "UNLINKED_REASONS",
    "IssueType",
    "Label",
    "Report",
    "ReportError",
    "ScoreDimension",
    "Severity",
    "build_report",
    "issue_type",
    "load_report",
    "render_html",
    "write_report",
]
