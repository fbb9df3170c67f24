"""The thematic store: runs, entities and their id counters, golden records and history,
record links, quality issues and scores, review pairs, entity events.

Revision ID: 0001
Revises:
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the model's types: a migration must not change when the models do.
# CHECKs are spelled `x = 'a' OR …`, not `x IN (…)`, which SQLite checks slowly.
JSON = sa.JSON()  # `json` on PostgreSQL, text on SQLite (see frontline.store.base)
TIMESTAMP = sa.DateTime(timezone=True)
RUN = "integration_runs.id"


def code(length: int | None = None) -> sa.types.TypeEngine[str]:
    """Codes and keys: the "C" collation on PostgreSQL (see frontline.store.base.code)."""
    if length is None:
        return sa.Text().with_variant(sa.Text(collation="C"), "postgresql")
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


ENTITY = "entities.entity_id"


def upgrade() -> None:
    """Create the thematic store's tables and register the person and enterprise counters."""
    counters = op.create_table(
        "id_counters",
        sa.Column("entity_type", code(32), nullable=False),
        sa.Column("prefix", sa.String(8), nullable=False),
        sa.Column("next_value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("entity_type", name=op.f("pk_id_counters")),
        sa.UniqueConstraint("prefix", name=op.f("uq_id_counters_prefix")),
    )
    op.bulk_insert(
        counters,
        [
            {"entity_type": "person", "prefix": "P", "next_value": 1},
            {"entity_type": "enterprise", "prefix": "E", "next_value": 1},
        ],
    )
    op.create_table(
        "integration_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", TIMESTAMP, nullable=False),
        sa.Column("finished_at", TIMESTAMP, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("summary", JSON, nullable=False),
        sa.Column("config_digest", sa.String(128), nullable=False),
        sa.CheckConstraint(
            "status = 'running' OR status = 'published' OR status = 'failed'",
            name=op.f("ck_integration_runs_status"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integration_runs")),
    )
    op.create_table(
        "entities",
        sa.Column("entity_id", code(32), nullable=False),
        sa.Column("entity_type", code(32), nullable=False),
        sa.Column("entity_key", code(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("merged_into", code(32), nullable=True),
        sa.Column("created_run", sa.Integer(), nullable=False),
        sa.Column("updated_run", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status = 'active' OR status = 'merged' OR status = 'retired'",
            name=op.f("ck_entities_status"),
        ),
        sa.ForeignKeyConstraint(
            ["merged_into"],
            [ENTITY],
            name=op.f("fk_entities_merged_into_entities"),
            deferrable=True,
            initially="DEFERRED",
        ),
        sa.PrimaryKeyConstraint("entity_id", name=op.f("pk_entities")),
        sa.UniqueConstraint(
            "entity_type", "entity_key", name=op.f("uq_entities_entity_type_entity_key")
        ),
    )
    op.create_table(
        "golden_records",
        sa.Column("entity_id", code(32), nullable=False),
        sa.Column("entity_type", code(32), nullable=False),
        sa.Column("values", JSON, nullable=False),
        sa.Column("provenance", JSON, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_run", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entity_id"], [ENTITY], name=op.f("fk_golden_records_entity_id_entities")
        ),
        sa.PrimaryKeyConstraint("entity_id", name=op.f("pk_golden_records")),
    )
    op.create_table(
        "golden_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_id", code(32), nullable=False),
        sa.Column("field", code(64), nullable=False),
        sa.Column("value", JSON, nullable=True),
        sa.Column("provenance", JSON, nullable=True),
        sa.Column("valid_from_run", sa.Integer(), nullable=False),
        sa.Column("valid_to_run", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entity_id"], [ENTITY], name=op.f("fk_golden_history_entity_id_entities")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_golden_history")),
    )
    op.create_index(
        op.f("ix_golden_history_entity_id_field"), "golden_history", ["entity_id", "field"]
    )
    op.create_table(
        "record_links",
        sa.Column("source", code(64), nullable=False),
        sa.Column("file", code(), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("entity_id", code(32), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("method", sa.String(16), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("reason", sa.String(64), nullable=True),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "method = 'identifier' OR method = 'probabilistic' OR method = 'review'",
            name=op.f("ck_record_links_method"),
        ),
        sa.CheckConstraint(
            "status = 'linked' OR status = 'quarantined' OR status = 'skipped' "
            "OR status = 'other_source'",
            name=op.f("ck_record_links_status"),
        ),
        sa.PrimaryKeyConstraint("source", "file", "row", name=op.f("pk_record_links")),
    )
    op.create_index(op.f("ix_record_links_entity_id"), "record_links", ["entity_id"])
    op.create_index(op.f("ix_record_links_run_id"), "record_links", ["run_id"])
    op.create_table(
        "quality_issues",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("issue_type", code(64), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("department_key", code(64), nullable=False),
        sa.Column("source", code(64), nullable=True),
        sa.Column("file", code(), nullable=True),
        sa.Column("row", sa.Integer(), nullable=True),
        sa.Column("entity_id", code(32), nullable=True),
        sa.Column("field", code(64), nullable=True),
        sa.Column("detail", JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["entity_id"], [ENTITY], name=op.f("fk_quality_issues_entity_id_entities")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_issues")),
    )
    op.create_index(
        op.f("ix_quality_issues_department_key_issue_type"),
        "quality_issues",
        ["department_key", "issue_type"],
    )
    op.create_index(op.f("ix_quality_issues_entity_id"), "quality_issues", ["entity_id"])
    op.create_table(
        "quality_scores",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("department_key", code(64), nullable=False),
        sa.Column("completeness", sa.Float(), nullable=False),
        sa.Column("validity", sa.Float(), nullable=False),
        sa.Column("consistency", sa.Float(), nullable=False),
        sa.Column("timeliness", sa.Float(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        *(
            sa.CheckConstraint(f"{name} BETWEEN 0 AND 1", name=op.f(f"ck_quality_scores_{name}"))
            for name in ("completeness", "validity", "consistency", "timeliness")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], [RUN], name=op.f("fk_quality_scores_run_id_integration_runs")
        ),
        sa.PrimaryKeyConstraint("run_id", "department_key", name=op.f("pk_quality_scores")),
    )
    op.create_table(
        "review_pairs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("left_source", code(64), nullable=False),
        sa.Column("left_file", code(), nullable=False),
        sa.Column("left_row", sa.Integer(), nullable=False),
        sa.Column("right_source", code(64), nullable=False),
        sa.Column("right_file", code(), nullable=False),
        sa.Column("right_row", sa.Integer(), nullable=False),
        sa.Column("entity_type", code(32), nullable=False),
        sa.Column("match_probability", sa.Float(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("decided_by", sa.String(64), nullable=True),
        sa.Column("decided_at", TIMESTAMP, nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("first_seen_run", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status = 'open' OR status = 'same' OR status = 'not_same'",
            name=op.f("ck_review_pairs_status"),
        ),
        sa.CheckConstraint(
            "(left_source, left_file, left_row) < (right_source, right_file, right_row)",
            name=op.f("ck_review_pairs_ordered"),
        ),
        sa.ForeignKeyConstraint(
            ["first_seen_run"], [RUN], name=op.f("fk_review_pairs_first_seen_run_integration_runs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_pairs")),
        sa.UniqueConstraint(
            "left_source",
            "left_file",
            "left_row",
            "right_source",
            "right_file",
            "right_row",
            name="uq_review_pairs_pair",
        ),
    )
    op.create_index(
        op.f("ix_review_pairs_status_entity_type"), "review_pairs", ["status", "entity_type"]
    )
    op.create_table(
        "entity_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("entity_ids", JSON, nullable=False),
        sa.Column("detail", JSON, nullable=False),
        sa.CheckConstraint(
            "kind = 'created' OR kind = 'merged' OR kind = 'split' OR kind = 'retired'",
            name=op.f("ck_entity_events_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], [RUN], name=op.f("fk_entity_events_run_id_integration_runs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entity_events")),
    )
    op.create_index(op.f("ix_entity_events_run_id"), "entity_events", ["run_id"])


def downgrade() -> None:
    """Drop the thematic store's tables, dependents first."""
    for table in (
        "entity_events",
        "review_pairs",
        "quality_scores",
        "quality_issues",
        "record_links",
        "golden_history",
        "golden_records",
        "entities",
        "integration_runs",
        "id_counters",
    ):
        op.drop_table(table)
