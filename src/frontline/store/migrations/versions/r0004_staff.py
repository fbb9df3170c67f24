"""Departments, staff accounts with roles and area scope, sign-in sessions and attempts.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the model's types and value lists: a migration must not change when the
# models do. CHECKs are spelled `x = 'a' OR …`, as `frontline.store.base.one_of` spells them.
TIMESTAMP = sa.DateTime(timezone=True)
ROLES = (
    "administrator",
    "data_steward",
    "department_manager",
    "worker",
    "window_clerk",
    "auditor",
)
REVOKE_REASONS = (
    "signed_out",
    "rotated",
    "refresh_reuse",
    "revoked",
    "deactivated",
    "password_changed",
)
OUTCOMES = ("success", "bad_credentials", "locked_out", "locked", "rate_limited", "inactive")
STAFF = "staff_members.id"


def code(length: int | None = None) -> sa.types.TypeEngine[str]:
    """Codes and keys: the "C" collation on PostgreSQL (see frontline.store.base.code)."""
    if length is None:
        return sa.Text().with_variant(sa.Text(collation="C"), "postgresql")
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return " OR ".join(f"{column} = '{value}'" for value in values)


def upgrade() -> None:
    """Create the staff domain's tables."""
    op.create_table(
        "departments",
        sa.Column("code", code(64), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("name_en", sa.String(128), nullable=True),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_departments")),
    )
    op.create_table(
        "staff_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", code(64), nullable=False),
        sa.Column("display_name", sa.String(64), nullable=False),
        sa.Column("department_code", code(64), nullable=False),
        sa.Column("area_code", code(15), nullable=False),
        sa.Column("password_hash", sa.String(256), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", TIMESTAMP, nullable=True),
        sa.Column("password_changed_at", TIMESTAMP, nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.CheckConstraint(
            "username = lower(username)", name=op.f("ck_staff_members_username_lower")
        ),
        sa.CheckConstraint("failed_attempts >= 0", name=op.f("ck_staff_members_failed_attempts")),
        sa.ForeignKeyConstraint(
            ["department_code"],
            ["departments.code"],
            name=op.f("fk_staff_members_department_code_departments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_members")),
        sa.UniqueConstraint("username", name=op.f("uq_staff_members_username")),
    )
    op.create_index(op.f("ix_staff_members_department_code"), "staff_members", ["department_code"])
    op.create_table(
        "staff_roles",
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.CheckConstraint(_one_of("role", ROLES), name=op.f("ck_staff_roles_role")),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            [STAFF],
            name=op.f("fk_staff_roles_staff_id_staff_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("staff_id", "role", name=op.f("pk_staff_roles")),
    )
    op.create_table(
        "staff_sessions",
        sa.Column("id", code(32), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("access_hash", code(64), nullable=False),
        sa.Column("access_expires_at", TIMESTAMP, nullable=False),
        sa.Column("refresh_hash", code(64), nullable=False),
        sa.Column("refresh_expires_at", TIMESTAMP, nullable=False),
        sa.Column("family_id", code(32), nullable=False),
        sa.Column("device_id", code(64), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("last_used_at", TIMESTAMP, nullable=False),
        sa.Column("revoked_at", TIMESTAMP, nullable=True),
        sa.Column("revoke_reason", sa.String(32), nullable=True),
        sa.CheckConstraint(
            _one_of("revoke_reason", REVOKE_REASONS), name=op.f("ck_staff_sessions_revoke_reason")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            [STAFF],
            name=op.f("fk_staff_sessions_staff_id_staff_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_sessions")),
        sa.UniqueConstraint("access_hash", name=op.f("uq_staff_sessions_access_hash")),
        sa.UniqueConstraint("refresh_hash", name=op.f("uq_staff_sessions_refresh_hash")),
    )
    op.create_index(op.f("ix_staff_sessions_family_id"), "staff_sessions", ["family_id"])
    op.create_index(
        op.f("ix_staff_sessions_staff_id_revoked_at"), "staff_sessions", ["staff_id", "revoked_at"]
    )
    op.create_table(
        "sign_in_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", code(128), nullable=False),
        sa.Column("client", code(64), nullable=False),
        sa.Column("attempted_at", TIMESTAMP, nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.CheckConstraint(_one_of("outcome", OUTCOMES), name=op.f("ck_sign_in_attempts_outcome")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_attempts")),
    )
    op.create_index(
        op.f("ix_sign_in_attempts_username_attempted_at"),
        "sign_in_attempts",
        ["username", "attempted_at"],
    )
    op.create_index(
        op.f("ix_sign_in_attempts_client_attempted_at"),
        "sign_in_attempts",
        ["client", "attempted_at"],
    )


def downgrade() -> None:
    """Drop the staff domain's tables."""
    op.drop_table("sign_in_attempts")
    op.drop_table("staff_sessions")
    op.drop_table("staff_roles")
    op.drop_table("staff_members")
    op.drop_table("departments")
