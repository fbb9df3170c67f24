"""Break-glass grants of the access policy.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the model's types and values: a migration must not change when the models do.
TIMESTAMP = sa.DateTime(timezone=True)
REVIEW_STATES = ("pending", "accepted", "questioned")
STAFF = "staff_members.id"


def code(length: int | None = None) -> sa.types.TypeEngine[str]:
    """Codes and keys: the "C" collation on PostgreSQL (see frontline.store.base.code)."""
    if length is None:
        return sa.Text().with_variant(sa.Text(collation="C"), "postgresql")
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return " OR ".join(f"{column} = '{value}'" for value in values)


def upgrade() -> None:
    """Create the break-glass grants table."""
    op.create_table(
        "break_glass_grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("department", code(64), nullable=False),
        sa.Column("subject_type", code(32), nullable=False),
        sa.Column("subject_id", code(32), nullable=False),
        sa.Column("scenario_key", code(64), nullable=False),
        sa.Column("scenario_version", sa.Integer(), nullable=False),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.Column("granted_at", TIMESTAMP, nullable=False),
        sa.Column("expires_at", TIMESTAMP, nullable=False),
        sa.Column("review_state", sa.String(16), nullable=False),
        sa.Column("reviewed_by", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", TIMESTAMP, nullable=True),
        sa.Column("review_note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            _one_of("review_state", REVIEW_STATES),
            name=op.f("ck_break_glass_grants_review_state"),
        ),
        sa.CheckConstraint("expires_at > granted_at", name=op.f("ck_break_glass_grants_expiry")),
        sa.CheckConstraint(
            "review_state = 'pending' AND reviewed_by IS NULL"
            " OR review_state != 'pending' AND reviewed_by IS NOT NULL",
            name=op.f("ck_break_glass_grants_reviewed"),
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], [STAFF], name=op.f("fk_break_glass_grants_staff_id_staff_members")
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["entities.entity_id"],
            name=op.f("fk_break_glass_grants_subject_id_entities"),
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by"], [STAFF], name=op.f("fk_break_glass_grants_reviewed_by_staff_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_break_glass_grants")),
    )
    op.create_index(
        op.f("ix_break_glass_grants_staff_id_subject_id"),
        "break_glass_grants",
        ["staff_id", "subject_id"],
    )
    op.create_index(
        op.f("ix_break_glass_grants_review_state_granted_at"),
        "break_glass_grants",
        ["review_state", "granted_at"],
    )


def downgrade() -> None:
    """Drop the break-glass grants table."""
    op.drop_table("break_glass_grants")
