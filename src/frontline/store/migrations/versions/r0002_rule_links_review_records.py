"""Record links may be made by a deterministic rule (an enterprise's unique registered name);
review pairs keep the two records as the steward must see them.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NAME = "ck_record_links_method"


def _methods(*methods: str) -> str:
    return " OR ".join(f"method = '{m}'" for m in methods)


def upgrade() -> None:
    # SQLite cannot alter a CHECK: batch mode rebuilds the table with the new one.
    with op.batch_alter_table("record_links") as batch:
        batch.drop_constraint(op.f(_NAME), type_="check")
        batch.create_check_constraint(
            op.f(_NAME), _methods("identifier", "probabilistic", "review", "rule")
        )
    op.add_column("review_pairs", sa.Column("records", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("review_pairs") as batch:
        batch.drop_column("records")
    op.execute("DELETE FROM record_links WHERE method = 'rule'")
    with op.batch_alter_table("record_links") as batch:
        batch.drop_constraint(op.f(_NAME), type_="check")
        batch.create_check_constraint(
            op.f(_NAME), _methods("identifier", "probabilistic", "review")
        )
