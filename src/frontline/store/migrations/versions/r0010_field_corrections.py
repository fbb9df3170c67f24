"""Field corrections accepted in review, one view per entity type, shaped as a department table:
the integration engine reads them as a source of their own (`table: {store: true}`), so a later
run ranks each accepted value against the departments' by the same survivorship rules, dated by
its decision (the day in China Standard Time).

Only entities whose key is their identifier (18 characters: a resident ID number or a unified
social credit code) appear: a correction of an entity without one could not be linked to it.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the entity types' fields (frontline.integrate.fields) as they are now: a
# migration must not change when the code does; a field added later gets a migration of its own.
VIEWS = {
    "frontline_person_corrections": (
        "person",
        "id_number",
        ("name", "sex", "birth_date", "ethnicity", "phone", "address", "death_date"),
    ),
    "frontline_enterprise_corrections": (
        "enterprise",
        "credit_code",
        (
            "name",
            "legal_rep_name",
            "legal_rep_id_number",
            "kind",
            "status",
            "established",
            "address",
        ),
    ),
}


def _decided_on(dialect: str) -> str:
    """SQL for the day of `decided_at` (stored in UTC) in China Standard Time, as text."""
    if dialect == "sqlite":
        return "date(c.decided_at, '+8 hours')"
    return "to_char(c.decided_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')"


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for view, (entity_type, identifier, fields) in VIEWS.items():
        columns = ", ".join(
            f"CASE WHEN c.field = '{name}' THEN c.new_value END AS {name}" for name in fields
        )
        # Every name here is one of this file's constants: nothing comes from input.
        statement = (
            f"CREATE VIEW {view} AS "  # noqa: S608
            f"SELECT c.id AS change_id, e.entity_key AS {identifier}, {columns}, "
            f"{_decided_on(dialect)} AS decided_on, c.department AS department "
            "FROM change_requests c JOIN entities e ON e.entity_id = c.subject_id "
            f"WHERE c.status = 'accepted' AND c.subject_type = '{entity_type}' "
            "AND length(e.entity_key) = 18"
        )
        op.execute(statement)


def downgrade() -> None:
    for view in VIEWS:
        op.execute(f"DROP VIEW IF EXISTS {view}")
