"""Tables of device management, declared on the serving database's `Base`.

A device is a worker's enrolled phone, known by the thumbprint of its public key. What the
server handed it — packages of task data — and what it said it deleted are kept row by row:
the inventory of personal data on devices is those rows, never a counter.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    column,
)
from sqlalchemy.orm import Mapped, mapped_column

from frontline.store.base import Base, UtcDateTime, code, one_of

DEVICE_STATES = ("active", "revoked", "wiped")
"""A device works, is refused everything (lost, or retired by an administrator), or has
confirmed a wipe (it must enrol again)."""
COMMAND_KINDS = ("lock", "wipe")
PURGE_REASONS = ("completed", "cancelled", "reassigned", "expired", "grace", "wiped", "replaced")
"""Why a device deleted a package: the task ended or left the worker, its time ran out, the
device was offline longer than the grace period, the device was wiped, or a newer package of
the same task replaced it."""


class EnrolmentCode(Base):
    """A one-time code an administrator issues for one worker; only its digest is kept."""

    __tablename__ = "enrolment_codes"
    __table_args__ = (CheckConstraint(column("expires_at") > column("issued_at"), name="expiry"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(code(64), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id", ondelete="CASCADE"))
    issued_by: Mapped[int] = mapped_column(ForeignKey("staff_members.id"))
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    device_id: Mapped[str | None] = mapped_column(code(32))
    """The device enrolled with it, once used."""


class Device(Base):
    """An enrolled phone, bound to one worker by its public key."""

    __tablename__ = "devices"
    __table_args__ = (
        one_of("status", DEVICE_STATES, name="status"),
        Index(None, "staff_id"),
    )

    id: Mapped[str] = mapped_column(code(32), primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"))
    key_thumbprint: Mapped[str] = mapped_column(code(64), unique=True)
    """RFC 7638 SHA-256 thumbprint of the public key, base64url."""
    public_key: Mapped[dict[str, str]] = mapped_column(JSON)
    """The public JWK (EC P-256)."""
    name: Mapped[str] = mapped_column(String(80))
    platform: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(16))
    enrolled_at: Mapped[datetime] = mapped_column(UtcDateTime())
    status_changed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    status_reason: Mapped[str | None] = mapped_column(Text)
    last_check_in_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    app_version: Mapped[str | None] = mapped_column(String(40))
    last_sync_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    packages_held: Mapped[int | None] = mapped_column(Integer)
    storage_bytes: Mapped[int | None] = mapped_column(BigInteger)
    locked: Mapped[bool | None] = mapped_column()
    forms_unsent: Mapped[int | None] = mapped_column(Integer)
    """Finished forms in the device's outbox at its last check-in (lost if it is wiped)."""
    steps_unsent: Mapped[int | None] = mapped_column(Integer)
    """Task steps (start, complete) in the device's outbox at its last check-in."""


class DeviceCommand(Base):
    """A lock or wipe for a device, delivered at its next check-in until it reports it done."""

    __tablename__ = "device_commands"
    __table_args__ = (one_of("kind", COMMAND_KINDS, name="kind"), Index(None, "device_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    issued_by: Mapped[int] = mapped_column(ForeignKey("staff_members.id"))
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class DevicePackage(Base):
    """One task's data as issued to one device, until the device receipts its deletion or
    it expires (the device deletes it then even offline)."""

    __tablename__ = "device_packages"
    __table_args__ = (
        one_of("purge_reason", PURGE_REASONS, name="purge_reason"),
        CheckConstraint(column("expires_at") > column("issued_at"), name="expiry"),
        Index(None, "device_id", "receipted_at"),
        Index(None, "subject_id"),
        Index(None, "task_id"),
    )

    id: Mapped[str] = mapped_column(code(32), primary_key=True)
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id", ondelete="CASCADE"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"))
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"))
    task_reference: Mapped[str] = mapped_column(code(16))
    subject_type: Mapped[str] = mapped_column(code(32))
    subject_id: Mapped[str] = mapped_column(code(32))
    scenario_key: Mapped[str] = mapped_column(code(64))
    scenario_version: Mapped[int] = mapped_column(Integer)
    fields: Mapped[list[str]] = mapped_column(JSON)
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    audit_seq: Mapped[int] = mapped_column(Integer)
    """The audit event of the read that filled the package."""
    receipted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    """When the device says it deleted the package (its clock)."""
    purge_reason: Mapped[str | None] = mapped_column(String(16))


class DpopProof(Base):
    """A DPoP proof already used, kept as long as it would be accepted: a replay is refused."""

    __tablename__ = "dpop_proofs"
    __table_args__ = (UniqueConstraint("key_thumbprint", "jti"), Index(None, "expires_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    key_thumbprint: Mapped[str] = mapped_column(code(64))
    jti: Mapped[str] = mapped_column(code(64))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
