"""Device management: enrolment codes, devices, their commands and packages, used DPoP proofs.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the model's types: a migration must not change when the models do.
TIMESTAMP = sa.DateTime(timezone=True)
PURGE_REASONS = ("completed", "cancelled", "reassigned", "expired", "grace", "wiped", "replaced")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return " OR ".join(f"{column} = '{value}'" for value in values)


def code(length: int) -> sa.types.TypeEngine[str]:
    """Codes and keys: the "C" collation on PostgreSQL (see frontline.store.base.code)."""
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


def upgrade() -> None:
    """Create the device management tables."""
    op.create_table(
        "dpop_proofs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_thumbprint", code(64), nullable=False),
        sa.Column("jti", code(64), nullable=False),
        sa.Column("expires_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dpop_proofs")),
        sa.UniqueConstraint(
            "key_thumbprint", "jti", name=op.f("uq_dpop_proofs_key_thumbprint_jti")
        ),
    )
    with op.batch_alter_table("dpop_proofs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dpop_proofs_expires_at"), ["expires_at"], unique=False)

    op.create_table(
        "devices",
        sa.Column("id", code(32), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("key_thumbprint", code(64), nullable=False),
        sa.Column("public_key", sa.JSON(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("platform", sa.String(length=80), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("enrolled_at", TIMESTAMP, nullable=False),
        sa.Column("status_changed_at", TIMESTAMP, nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("last_check_in_at", TIMESTAMP, nullable=True),
        sa.Column("app_version", sa.String(length=40), nullable=True),
        sa.Column("last_sync_at", TIMESTAMP, nullable=True),
        sa.Column("packages_held", sa.Integer(), nullable=True),
        sa.Column("storage_bytes", sa.BigInteger(), nullable=True),
        sa.Column("locked", sa.Boolean(), nullable=True),
        sa.CheckConstraint(
            "status = 'active' OR status = 'revoked' OR status = 'wiped'",
            name=op.f("ck_devices_status"),
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_members.id"], name=op.f("fk_devices_staff_id_staff_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_devices")),
        sa.UniqueConstraint("key_thumbprint", name=op.f("uq_devices_key_thumbprint")),
    )
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_devices_staff_id"), ["staff_id"], unique=False)

    op.create_table(
        "enrolment_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_hash", code(64), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("issued_by", sa.Integer(), nullable=False),
        sa.Column("issued_at", TIMESTAMP, nullable=False),
        sa.Column("expires_at", TIMESTAMP, nullable=False),
        sa.Column("used_at", TIMESTAMP, nullable=True),
        sa.Column("device_id", code(32), nullable=True),
        sa.CheckConstraint("expires_at > issued_at", name=op.f("ck_enrolment_codes_expiry")),
        sa.ForeignKeyConstraint(
            ["issued_by"],
            ["staff_members.id"],
            name=op.f("fk_enrolment_codes_issued_by_staff_members"),
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff_members.id"],
            name=op.f("fk_enrolment_codes_staff_id_staff_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrolment_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_enrolment_codes_code_hash")),
    )
    op.create_table(
        "device_commands",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_id", code(32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("issued_by", sa.Integer(), nullable=False),
        sa.Column("issued_at", TIMESTAMP, nullable=False),
        sa.Column("delivered_at", TIMESTAMP, nullable=True),
        sa.Column("done_at", TIMESTAMP, nullable=True),
        sa.CheckConstraint("kind = 'lock' OR kind = 'wipe'", name=op.f("ck_device_commands_kind")),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["devices.id"],
            name=op.f("fk_device_commands_device_id_devices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["issued_by"],
            ["staff_members.id"],
            name=op.f("fk_device_commands_issued_by_staff_members"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_device_commands")),
    )
    with op.batch_alter_table("device_commands", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_device_commands_device_id"), ["device_id"], unique=False
        )

    op.create_table(
        "device_packages",
        sa.Column("id", code(32), nullable=False),
        sa.Column("device_id", code(32), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("task_reference", code(16), nullable=False),
        sa.Column("subject_type", code(32), nullable=False),
        sa.Column("subject_id", code(32), nullable=False),
        sa.Column("scenario_key", code(64), nullable=False),
        sa.Column("scenario_version", sa.Integer(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("issued_at", TIMESTAMP, nullable=False),
        sa.Column("expires_at", TIMESTAMP, nullable=False),
        sa.Column("audit_seq", sa.Integer(), nullable=False),
        sa.Column("receipted_at", TIMESTAMP, nullable=True),
        sa.Column("deleted_at", TIMESTAMP, nullable=True),
        sa.Column("purge_reason", sa.String(length=16), nullable=True),
        sa.CheckConstraint(
            _one_of("purge_reason", PURGE_REASONS),
            name=op.f("ck_device_packages_purge_reason"),
        ),
        sa.CheckConstraint("expires_at > issued_at", name=op.f("ck_device_packages_expiry")),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["devices.id"],
            name=op.f("fk_device_packages_device_id_devices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff_members.id"],
            name=op.f("fk_device_packages_staff_id_staff_members"),
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name=op.f("fk_device_packages_task_id_tasks")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_device_packages")),
    )
    with op.batch_alter_table("device_packages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_device_packages_device_id_receipted_at"),
            ["device_id", "receipted_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_device_packages_subject_id"), ["subject_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_device_packages_task_id"), ["task_id"], unique=False)


def downgrade() -> None:
    """Drop the device management tables."""
    with op.batch_alter_table("device_packages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_device_packages_task_id"))
        batch_op.drop_index(batch_op.f("ix_device_packages_subject_id"))
        batch_op.drop_index(batch_op.f("ix_device_packages_device_id_receipted_at"))

    op.drop_table("device_packages")
    with op.batch_alter_table("device_commands", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_device_commands_device_id"))

    op.drop_table("device_commands")
    op.drop_table("enrolment_codes")
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_devices_staff_id"))

    op.drop_table("devices")
    with op.batch_alter_table("dpop_proofs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dpop_proofs_expires_at"))

    op.drop_table("dpop_proofs")
