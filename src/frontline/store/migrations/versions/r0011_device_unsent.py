"""What a device holds that the server does not have yet: finished forms and task steps
waiting in its outbox, as its last check-in reported them. A wipe deletes them with everything
else, so the console warns before one.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("devices") as table:
        table.add_column(sa.Column("forms_unsent", sa.Integer(), nullable=True))
        table.add_column(sa.Column("steps_unsent", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("devices") as table:
        table.drop_column("steps_unsent")
        table.drop_column("forms_unsent")
