"""Field data collection: form versions, submissions and their photos, change requests; the
audit log's purposes `review` and `export`.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the model's types: a migration must not change when the models do.
TIMESTAMP = sa.DateTime(timezone=True)
CHANGE_STATES = ("pending", "accepted", "rejected", "superseded")
PURPOSES_BEFORE = ("task", "counter", "break_glass", "none")
PURPOSES_AFTER = ("task", "counter", "break_glass", "review", "export", "none")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return " OR ".join(f"{column} = '{value}'" for value in values)


def code(length: int | None = None) -> sa.types.TypeEngine[str]:
    """Codes and keys: the "C" collation on PostgreSQL (see frontline.store.base.code)."""
    if length is None:
        return sa.Text().with_variant(sa.Text(collation="C"), "postgresql")
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


def upgrade() -> None:
    """Create the forms tables and let the audit log name the two new purposes."""
    op.create_table(
        "form_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("form_id", code(64), nullable=False),
        sa.Column("version", code(64), nullable=False),
        sa.Column("scenario_keys", sa.JSON(), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("entity_type", code(32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=True),
        sa.Column("uploaded_by", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", TIMESTAMP, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=True),
        sa.Column("retired_at", TIMESTAMP, nullable=True),
        sa.CheckConstraint(
            "(current IS NULL) = (status = 'retired')", name=op.f("ck_form_versions_current")
        ),
        sa.CheckConstraint(
            "status = 'active' OR status = 'retired'", name=op.f("ck_form_versions_status")
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by"],
            ["staff_members.id"],
            name=op.f("fk_form_versions_uploaded_by_staff_members"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_versions")),
        sa.UniqueConstraint("form_id", "current", name=op.f("uq_form_versions_form_id_current")),
        sa.UniqueConstraint("form_id", "version", name=op.f("uq_form_versions_form_id_version")),
    )
    op.create_table(
        "form_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", code(36), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("device_id", code(32), nullable=True),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("task_reference", code(16), nullable=False),
        sa.Column("form_version_id", sa.Integer(), nullable=False),
        sa.Column("form_id", code(64), nullable=False),
        sa.Column("subject_type", code(32), nullable=False),
        sa.Column("subject_id", code(32), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("body_digest", sa.String(length=64), nullable=False),
        sa.Column("proposals", sa.Integer(), nullable=False),
        sa.Column("completed_at", TIMESTAMP, nullable=False),
        sa.Column("received_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"], ["devices.id"], name=op.f("fk_form_submissions_device_id_devices")
        ),
        sa.ForeignKeyConstraint(
            ["form_version_id"],
            ["form_versions.id"],
            name=op.f("fk_form_submissions_form_version_id_form_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff_members.id"],
            name=op.f("fk_form_submissions_staff_id_staff_members"),
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["entities.entity_id"],
            name=op.f("fk_form_submissions_subject_id_entities"),
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name=op.f("fk_form_submissions_task_id_tasks")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_submissions")),
        sa.UniqueConstraint(
            "staff_id", "client_id", name=op.f("uq_form_submissions_staff_id_client_id")
        ),
    )
    with op.batch_alter_table("form_submissions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_form_submissions_form_id_received_at"),
            ["form_id", "received_at"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_form_submissions_task_id"), ["task_id"], unique=False)

    op.create_table(
        "submission_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("sha256", code(64), nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["form_submissions.id"],
            name=op.f("fk_submission_attachments_submission_id_form_submissions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submission_attachments")),
        sa.UniqueConstraint(
            "submission_id", "sha256", name=op.f("uq_submission_attachments_submission_id_sha256")
        ),
    )
    op.create_table(
        "change_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("task_reference", code(16), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("scenario_key", code(64), nullable=False),
        sa.Column("scenario_version", sa.Integer(), nullable=False),
        sa.Column("department", code(64), nullable=False),
        sa.Column("grid_code", code(15), nullable=False),
        sa.Column("subject_type", code(32), nullable=False),
        sa.Column("subject_id", code(32), nullable=False),
        sa.Column("field", code(64), nullable=False),
        sa.Column("question", code(64), nullable=False),
        sa.Column("old_value", sa.JSON(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("decided_at", TIMESTAMP, nullable=True),
        sa.CheckConstraint(
            _one_of("status", CHANGE_STATES), name=op.f("ck_change_requests_status")
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["staff_members.id"],
            name=op.f("fk_change_requests_reviewer_id_staff_members"),
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff_members.id"],
            name=op.f("fk_change_requests_staff_id_staff_members"),
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["entities.entity_id"],
            name=op.f("fk_change_requests_subject_id_entities"),
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["form_submissions.id"],
            name=op.f("fk_change_requests_submission_id_form_submissions"),
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name=op.f("fk_change_requests_task_id_tasks")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_requests")),
    )
    with op.batch_alter_table("change_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_change_requests_department_status"),
            ["department", "status"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_change_requests_subject_id_field_status"),
            ["subject_id", "field", "status"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_change_requests_submission_id"), ["submission_id"], unique=False
        )
    _purposes(PURPOSES_AFTER)


def downgrade() -> None:
    """Drop the forms tables; the audit log's purposes as before (fails while events name
    the new purposes: the log is never rewritten)."""
    _purposes(PURPOSES_BEFORE)
    with op.batch_alter_table("change_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_change_requests_submission_id"))
        batch_op.drop_index(batch_op.f("ix_change_requests_subject_id_field_status"))
        batch_op.drop_index(batch_op.f("ix_change_requests_department_status"))
    op.drop_table("change_requests")
    op.drop_table("submission_attachments")
    with op.batch_alter_table("form_submissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_form_submissions_task_id"))
        batch_op.drop_index(batch_op.f("ix_form_submissions_form_id_received_at"))
    op.drop_table("form_submissions")
    op.drop_table("form_versions")


def _purposes(kinds: tuple[str, ...]) -> None:
    """The audit log's CHECK on `purpose_kind`, for `kinds`. On SQLite the table is rebuilt
    (rows copied in seq order, which keeps the row-id order the verifier reads)."""
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_audit_events_purpose_kind"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_audit_events_purpose_kind"), _one_of("purpose_kind", kinds)
        )
