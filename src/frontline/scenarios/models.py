"""Tables of the scenarios domain, declared on the serving database's `Base`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Integer, String, UniqueConstraint, column
from sqlalchemy.orm import Mapped, mapped_column

from frontline.store.base import JSON_DOCUMENT, Base, JsonObject, UtcDateTime, code


class ScenarioVersion(Base):
    """One registered version of a scenario; never changed once written.

    A task names the version it was created under, so what a worker was allowed to see for
    it can always be read back, whatever later versions declare.
    """

    __tablename__ = "scenario_versions"
    __table_args__ = (
        UniqueConstraint("key", "version"),
        CheckConstraint(column("version") >= 1, name="version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(code(64))
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(128))
    department: Mapped[str] = mapped_column(code(64), index=True)
    entity_type: Mapped[str] = mapped_column(code(32))
    counter: Mapped[bool] = mapped_column(Boolean)
    declaration: Mapped[JsonObject] = mapped_column(JSON_DOCUMENT)
    """The whole declaration as JSON (`Scenario.declaration`)."""
    digest: Mapped[str] = mapped_column(String(64))
    """SHA-256 of the canonical declaration: what "the same version" means."""
    file: Mapped[str | None] = mapped_column(String(255))
    file_digest: Mapped[str | None] = mapped_column(String(64))
    """SHA-256 of the bytes of the file it was registered from."""
    registered_at: Mapped[datetime] = mapped_column(UtcDateTime())
