"""Areas, grids, the address → grid table and scenario versions.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the model's types (see r0001_thematic_store.py).
JSON = sa.JSON()
TIMESTAMP = sa.DateTime(timezone=True)


def code(length: int | None = None) -> sa.types.TypeEngine[str]:
    """Codes and keys: the "C" collation on PostgreSQL (see frontline.store.base.code)."""
    if length is None:
        return sa.Text().with_variant(sa.Text(collation="C"), "postgresql")
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


def _one_of(column: str, *values: str) -> str:
    return " OR ".join(f"{column} = '{value}'" for value in values)


def upgrade() -> None:
    """Create the area tree, the address table, subject placements and scenario versions."""
    op.create_table(
        "area_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("imported_at", TIMESTAMP, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("report", JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_area_imports")),
    )
    op.create_table(
        "areas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", code(15), nullable=False),
        sa.Column("parent_code", code(15), nullable=True),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.CheckConstraint(
            _one_of("level", "province", "city", "district", "street", "community", "grid"),
            name=op.f("ck_areas_level"),
        ),
        sa.CheckConstraint(
            "valid_to IS NULL OR valid_to > valid_from", name=op.f("ck_areas_dates")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_areas")),
        sa.UniqueConstraint("code", "valid_from", name=op.f("uq_areas_code_valid_from")),
    )
    op.create_index(op.f("ix_areas_parent_code"), "areas", ["parent_code"])
    op.create_table(
        "address_grid",
        sa.Column("address", code(), nullable=False),
        sa.Column("address_key", code(), nullable=False),
        sa.Column("grid_code", code(15), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["area_imports.id"],
            name=op.f("fk_address_grid_import_id_area_imports"),
        ),
        sa.PrimaryKeyConstraint("address", name=op.f("pk_address_grid")),
    )
    op.create_index(op.f("ix_address_grid_address_key"), "address_grid", ["address_key"])
    op.create_index(op.f("ix_address_grid_grid_code"), "address_grid", ["grid_code"])
    op.create_table(
        "subject_areas",
        sa.Column("entity_id", code(32), nullable=False),
        sa.Column("entity_type", code(32), nullable=False),
        sa.Column("grid_code", code(15), nullable=True),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(16), nullable=True),
        sa.Column("placed_at", TIMESTAMP, nullable=False),
        sa.CheckConstraint(
            _one_of("method", "address", "dwelling_key", "unplaced"),
            name=op.f("ck_subject_areas_method"),
        ),
        sa.CheckConstraint(
            _one_of("reason", "no_address", "no_match", "ambiguous", "conflict"),
            name=op.f("ck_subject_areas_reason"),
        ),
        sa.CheckConstraint(
            "method = 'unplaced' AND grid_code IS NULL AND reason IS NOT NULL "
            "OR method != 'unplaced' AND grid_code IS NOT NULL AND reason IS NULL",
            name=op.f("ck_subject_areas_placed"),
        ),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["entities.entity_id"],
            name=op.f("fk_subject_areas_entity_id_entities"),
        ),
        sa.PrimaryKeyConstraint("entity_id", name=op.f("pk_subject_areas")),
    )
    op.create_index(op.f("ix_subject_areas_grid_code"), "subject_areas", ["grid_code"])
    op.create_table(
        "scenario_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", code(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("name_en", sa.String(128), nullable=False),
        sa.Column("department", code(64), nullable=False),
        sa.Column("entity_type", code(32), nullable=False),
        sa.Column("counter", sa.Boolean(), nullable=False),
        sa.Column("declaration", JSON, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("file", sa.String(255), nullable=True),
        sa.Column("file_digest", sa.String(64), nullable=True),
        sa.Column("registered_at", TIMESTAMP, nullable=False),
        sa.CheckConstraint("version >= 1", name=op.f("ck_scenario_versions_version")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scenario_versions")),
        sa.UniqueConstraint("key", "version", name=op.f("uq_scenario_versions_key_version")),
    )
    op.create_index(op.f("ix_scenario_versions_department"), "scenario_versions", ["department"])


def downgrade() -> None:
    """Drop the tables of this revision, dependents first."""
    for table in ("scenario_versions", "subject_areas", "address_grid", "areas", "area_imports"):
        op.drop_table(table)
