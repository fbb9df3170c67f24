"""Quality issues and scores, routed to the department that owns the data."""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    column,
    func,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from frontline.store.base import JSON_DOCUMENT, Base, JsonObject, code

SCORE_DIMENSIONS = ("completeness", "validity", "consistency", "timeliness")


class QualityIssue(Base):
    """One problem found in the data: an invalid identifier, a conflict, a stale record, …"""

    __tablename__ = "quality_issues"
    __table_args__ = (Index(None, "department_key", "issue_type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(Integer)
    """The run that last reported the issue (a run id; see `Entity.created_run`)."""
    issue_type: Mapped[str] = mapped_column(code(64))
    severity: Mapped[str] = mapped_column(String(16))
    department_key: Mapped[str] = mapped_column(code(64))
    """The department that must act on it."""
    source: Mapped[str | None] = mapped_column(code(64))
    file: Mapped[str | None] = mapped_column(code())
    row: Mapped[int | None] = mapped_column(Integer)
    entity_id: Mapped[str | None] = mapped_column(ForeignKey("entities.entity_id"), index=True)
    field: Mapped[str | None] = mapped_column(code(64))
    detail: Mapped[JsonObject] = mapped_column(JSON_DOCUMENT)


class QualityScore(Base):
    """One department's scores in one run, each between 0 and 1."""

    __tablename__ = "quality_scores"
    __table_args__ = tuple(
        CheckConstraint(column(name).between(0, 1), name=name) for name in SCORE_DIMENSIONS
    )

    run_id: Mapped[int] = mapped_column(ForeignKey("integration_runs.id"), primary_key=True)
    department_key: Mapped[str] = mapped_column(code(64), primary_key=True)
    completeness: Mapped[float] = mapped_column(Float)
    validity: Mapped[float] = mapped_column(Float)
    consistency: Mapped[float] = mapped_column(Float)
    timeliness: Mapped[float] = mapped_column(Float)
    rows: Mapped[int] = mapped_column(Integer)
    """Input rows the scores were computed over."""


def issues_by_department(
    session: Session,
    department_key: str,
    *,
    issue_type: str | None = None,
    limit: int = 1000,
    offset: int = 0,
) -> list[QualityIssue]:
    """A page of the department's open issues (optionally of one type), in a stable order."""
    query = select(QualityIssue).where(QualityIssue.department_key == department_key)
    if issue_type is not None:
        query = query.where(QualityIssue.issue_type == issue_type)
    query = query.order_by(QualityIssue.issue_type, QualityIssue.id).limit(limit).offset(offset)
    return list(session.scalars(query))


def issue_counts(session: Session) -> dict[tuple[str, str], int]:
    """Number of issues per (department, issue type)."""
    query = select(QualityIssue.department_key, QualityIssue.issue_type, func.count()).group_by(
        QualityIssue.department_key, QualityIssue.issue_type
    )
    return {(department, kind): n for department, kind, n in session.execute(query)}


def latest_scores(session: Session) -> list[QualityScore]:
    """Each department's scores from the latest run that scored it."""
    latest = (
        select(QualityScore.department_key, func.max(QualityScore.run_id).label("run_id"))
        .group_by(QualityScore.department_key)
        .subquery()
    )
    query = select(QualityScore).join(
        latest,
        (QualityScore.department_key == latest.c.department_key)
        & (QualityScore.run_id == latest.c.run_id),
    )
    return list(session.scalars(query.order_by(QualityScore.department_key)))
