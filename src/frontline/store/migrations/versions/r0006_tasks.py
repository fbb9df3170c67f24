"""Tasks (工单) and their recorded transitions.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the model's types and value lists (see r0004_staff.py).
TIMESTAMP = sa.DateTime(timezone=True)
STATUSES = ("open", "assigned", "in_progress", "done", "cancelled")
LIVE_CHECK = "(live IS NULL) = (status = 'done' OR status = 'cancelled')"
STAFF = "staff_members.id"


def code(length: int | None = None) -> sa.types.TypeEngine[str]:
    """Codes and keys: the "C" collation on PostgreSQL (see frontline.store.base.code)."""
    if length is None:
        return sa.Text().with_variant(sa.Text(collation="C"), "postgresql")
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return " OR ".join(f"{column} = '{value}'" for value in values)


def upgrade() -> None:
    """Create the tasks domain's tables."""
    op.create_table(
        "tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", code(16), nullable=False),
        sa.Column("scenario_key", code(64), nullable=False),
        sa.Column("scenario_version", sa.Integer(), nullable=False),
        sa.Column("subject_type", code(32), nullable=False),
        sa.Column("subject_id", code(32), nullable=False),
        sa.Column("grid_code", code(15), nullable=False),
        sa.Column("department", code(64), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("live", sa.Boolean(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.CheckConstraint(_one_of("status", STATUSES), name=op.f("ck_tasks_status")),
        sa.CheckConstraint(LIVE_CHECK, name=op.f("ck_tasks_live")),
        sa.ForeignKeyConstraint(
            ["scenario_key", "scenario_version"],
            ["scenario_versions.key", "scenario_versions.version"],
            name=op.f("fk_tasks_scenario_key_scenario_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["entities.entity_id"], name=op.f("fk_tasks_subject_id_entities")
        ),
        sa.ForeignKeyConstraint(
            ["department"], ["departments.code"], name=op.f("fk_tasks_department_departments")
        ),
        sa.ForeignKeyConstraint(
            ["assignee_id"], [STAFF], name=op.f("fk_tasks_assignee_id_staff_members")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], [STAFF], name=op.f("fk_tasks_created_by_staff_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
        sa.UniqueConstraint("reference", name=op.f("uq_tasks_reference")),
        sa.UniqueConstraint(
            "subject_id", "scenario_key", "live", name=op.f("uq_tasks_subject_id_scenario_key_live")
        ),
    )
    op.create_index(op.f("ix_tasks_assignee_id_status"), "tasks", ["assignee_id", "status"])
    op.create_index(op.f("ix_tasks_grid_code_status"), "tasks", ["grid_code", "status"])
    op.create_index(
        op.f("ix_tasks_department_status_due_on"), "tasks", ["department", "status", "due_on"]
    )
    op.create_index(op.f("ix_tasks_scenario_key_status"), "tasks", ["scenario_key", "status"])
    op.create_table(
        "task_transitions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(16), nullable=True),
        sa.Column("to_status", sa.String(16), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            _one_of("from_status", STATUSES), name=op.f("ck_task_transitions_from_status")
        ),
        sa.CheckConstraint(
            _one_of("to_status", STATUSES), name=op.f("ck_task_transitions_to_status")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name=op.f("fk_task_transitions_task_id_tasks")
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], [STAFF], name=op.f("fk_task_transitions_actor_id_staff_members")
        ),
        sa.ForeignKeyConstraint(
            ["assignee_id"], [STAFF], name=op.f("fk_task_transitions_assignee_id_staff_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_transitions")),
    )
    op.create_index(op.f("ix_task_transitions_task_id"), "task_transitions", ["task_id"])


def downgrade() -> None:
    """Drop the tasks domain's tables."""
    op.drop_table("task_transitions")
    op.drop_table("tasks")
