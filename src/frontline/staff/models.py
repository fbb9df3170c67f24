"""Tables of the staff domain, declared on the serving database's `Base`.

Usernames are stored lower-cased (the accounts service folds what is typed), so the plain
unique constraint makes them unique case-insensitively on both databases without an
expression index. Tokens are never stored: a session keeps the SHA-256 digests of its
access and refresh tokens, as hex, and a request's token is found by its digest.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from frontline.staff.roles import Role
from frontline.store.base import Base, UtcDateTime, code, one_of

ROLES = tuple(role.value for role in Role)
REVOKE_REASONS = (
    "signed_out",
    "rotated",
    "refresh_reuse",
    "revoked",
    "deactivated",
    "password_changed",
)
"""Why a session ended before its expiry (`rotated`: replaced by a refresh)."""

ATTEMPT_OUTCOMES = (
    "success",
    "bad_credentials",
    "locked_out",
    "locked",
    "rate_limited",
    "inactive",
)
"""How a sign-in attempt ended; `locked_out` is the failure that locked the username."""


class Department(Base):
    """A department (业务部门): owns sources and scenarios, employs staff."""

    __tablename__ = "departments"

    code: Mapped[str] = mapped_column(code(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    name_en: Mapped[str | None] = mapped_column(String(128))


class StaffMember(Base):
    """A staff account: department, area scope (the root of a subtree) and credentials."""

    __tablename__ = "staff_members"
    __table_args__ = (
        CheckConstraint("username = lower(username)", name="username_lower"),
        CheckConstraint("failed_attempts >= 0", name="failed_attempts"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(code(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    department_code: Mapped[str] = mapped_column(
        code(64), ForeignKey("departments.code"), index=True
    )
    area_code: Mapped[str] = mapped_column(code(15))
    password_hash: Mapped[str | None] = mapped_column(String(256))
    """An argon2id PHC string; NULL until a password is set (accounts loaded from a file)."""
    active: Mapped[bool] = mapped_column(Boolean)
    failed_attempts: Mapped[int] = mapped_column(Integer)
    """Consecutive failed sign-ins since the last success or lock."""
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    password_changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class StaffRole(Base):
    """One role held by one staff member."""

    __tablename__ = "staff_roles"
    __table_args__ = (one_of("role", ROLES, name="role"),)

    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff_members.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(32), primary_key=True)


class StaffSession(Base):
    """A signed-in session: one access and one refresh token, both stored as digests.

    A refresh replaces the session by a new one of the same family (and revokes this one as
    `rotated`); presenting a rotated refresh token again revokes the whole family.
    """

    __tablename__ = "staff_sessions"
    __table_args__ = (
        one_of("revoke_reason", REVOKE_REASONS, name="revoke_reason"),
        Index(None, "staff_id", "revoked_at"),
    )

    id: Mapped[str] = mapped_column(code(32), primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id", ondelete="CASCADE"))
    access_hash: Mapped[str] = mapped_column(code(64), unique=True)
    access_expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    refresh_hash: Mapped[str] = mapped_column(code(64), unique=True)
    refresh_expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    family_id: Mapped[str] = mapped_column(code(32), index=True)
    device_id: Mapped[str | None] = mapped_column(code(64))
    """The enrolled device the tokens are bound to (DPoP, a later issue)."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_used_at: Mapped[datetime] = mapped_column(UtcDateTime())
    """The last sign-in or refresh: `authenticate` does not write, to stay one read."""
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    revoke_reason: Mapped[str | None] = mapped_column(String(32))


class SignInAttempt(Base):
    """One sign-in attempt, kept for rate limiting, lock-out of unknown names and review."""

    __tablename__ = "sign_in_attempts"
    __table_args__ = (
        one_of("outcome", ATTEMPT_OUTCOMES, name="outcome"),
        Index(None, "username", "attempted_at"),
        Index(None, "client", "attempted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(code(128))
    """As typed, lower-cased (and cut to 128 characters): unknown names are kept too."""
    client: Mapped[str] = mapped_column(code(64))
    attempted_at: Mapped[datetime] = mapped_column(UtcDateTime())
    outcome: Mapped[str] = mapped_column(String(16))
