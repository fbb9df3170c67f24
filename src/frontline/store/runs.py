"""Integration runs: one row per run of the integration engine, whatever its outcome.

A run is started (and committed) before anything is published, so the rows it publishes
can name it; the publish then marks it `published` in the same transaction as its data,
or it is marked `failed` after the publish rolled back.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, String, insert, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from frontline.store.base import JSON_DOCUMENT, Base, JsonObject, UtcDateTime, one_of, utc_now
from frontline.store.engine import write_transaction

RUN_STATUSES = ("running", "published", "failed")


class IntegrationRun(Base):
    """One run of the integration engine."""

    __tablename__ = "integration_runs"
    __table_args__ = (one_of("status", RUN_STATUSES, name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(String(16))
    summary: Mapped[JsonObject] = mapped_column(JSON_DOCUMENT)
    """Per-source counts (rows read, linked, quarantined by reason, …), as the engine reports."""
    config_digest: Mapped[str] = mapped_column(String(128))
    """A digest of the deployment configuration the run used, to tell runs of the same setup."""


def start_run(engine: Engine, config_digest: str, *, started_at: datetime | None = None) -> int:
    """Record a new run as `running` (committed at once) and return its id."""
    with write_transaction(engine) as connection:
        run_id = connection.execute(
            insert(IntegrationRun)
            .values(
                started_at=started_at or utc_now(),
                status="running",
                summary={},
                config_digest=config_digest,
            )
            .returning(IntegrationRun.id)
        ).scalar_one()
    return int(run_id)


def fail_run(engine: Engine, run_id: int, error: str) -> None:
    """Mark a run that did not publish as `failed`, keeping `error` in its summary."""
    with write_transaction(engine) as connection:
        connection.execute(
            update(IntegrationRun)
            .where(IntegrationRun.id == run_id, IntegrationRun.status == "running")
            .values(status="failed", finished_at=utc_now(), summary={"error": error})
        )


def latest_run(session: Session) -> IntegrationRun | None:
    """The most recent published run: the one whose data the store serves."""
    return session.scalars(
        select(IntegrationRun)
        .where(IntegrationRun.status == "published")
        .order_by(IntegrationRun.id.desc())
        .limit(1)
    ).first()
