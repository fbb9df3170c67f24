"""The hash-chained audit log and its signed checkpoints.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the model's types: a migration must not change when the models do.
TIMESTAMP = sa.DateTime(timezone=True)
# The row id on SQLite (the table is stored in seq order), 64 bits on PostgreSQL.
SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
GENESIS_HASH = "0" * 64


def code(length: int | None = None) -> sa.types.TypeEngine[str]:
    """Codes and keys: the "C" collation on PostgreSQL (see frontline.store.base.code)."""
    if length is None:
        return sa.Text().with_variant(sa.Text(collation="C"), "postgresql")
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


def upgrade() -> None:
    """Create the audit tables and the chain's head row (SHA-256, empty)."""
    op.create_table(
        "audit_events",
        sa.Column("seq", SEQ, autoincrement=False, nullable=False),
        sa.Column("occurred_at", TIMESTAMP, nullable=False),
        sa.Column("actor_id", code(64), nullable=True),
        sa.Column("actor_role", code(32), nullable=True),
        sa.Column("department", code(64), nullable=True),
        sa.Column("device_id", code(64), nullable=True),
        sa.Column("action", code(32), nullable=False),
        sa.Column("purpose_kind", sa.String(16), nullable=False),
        sa.Column("purpose_ref", code(128), nullable=True),
        sa.Column("subject_type", code(32), nullable=True),
        sa.Column("subject_id", code(64), nullable=True),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("prev_hash", code(64), nullable=False),
        sa.Column("hash", code(64), nullable=False),
        sa.CheckConstraint(
            "purpose_kind = 'task' OR purpose_kind = 'counter' "
            "OR purpose_kind = 'break_glass' OR purpose_kind = 'none'",
            name=op.f("ck_audit_events_purpose_kind"),
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_events")),
    )
    op.create_index(
        op.f("ix_audit_events_subject_type_subject_id"),
        "audit_events",
        ["subject_type", "subject_id"],
    )
    op.create_table(
        "audit_checkpoints",
        sa.Column("seq", SEQ, autoincrement=False, nullable=False),
        sa.Column("prev_seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", code(64), nullable=False),
        sa.Column("hash_algorithm", sa.String(16), nullable=False),
        sa.Column("signed_at", TIMESTAMP, nullable=False),
        sa.Column("algorithm", sa.String(16), nullable=False),
        sa.Column("key_id", code(64), nullable=False),
        sa.Column("signature", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_checkpoints")),
    )
    chain = op.create_table(
        "audit_chain",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("algorithm", sa.String(16), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.Column("last_hash", code(64), nullable=False),
        sa.Column("checkpoint_seq", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_audit_chain_single_row")),
        sa.CheckConstraint(
            "algorithm = 'sha256' OR algorithm = 'sm3'", name=op.f("ck_audit_chain_algorithm")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain")),
    )
    op.bulk_insert(
        chain,
        [
            {
                "id": 1,
                "algorithm": "sha256",
                "last_seq": 0,
                "last_hash": GENESIS_HASH,
                "checkpoint_seq": 0,
            }
        ],
    )


def downgrade() -> None:
    """Drop the audit tables."""
    op.drop_table("audit_chain")
    op.drop_table("audit_checkpoints")
    op.drop_index(op.f("ix_audit_events_subject_type_subject_id"), table_name="audit_events")
    op.drop_table("audit_events")
