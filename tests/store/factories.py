"""Rows for publishing, built the way the integration engine would build them."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from frontline.store import (
    Base,
    EntityRow,
    GoldenRow,
    IssueRow,
    LinkRow,
    RunSummary,
    Scope,
    allocate_entity_ids,
    start_run,
)

FULL = Scope(entity_types=frozenset({"person"}), sources=frozenset({"health", "pensions"}))
SURNAMES = "王李张刘陈杨黄赵吴周"


def new_run(engine: Engine, scope: Scope = FULL, **summary: object) -> RunSummary:
    """A started run covering `scope`."""
    return RunSummary(start_run(engine, "digest"), scope, summary)


def person_values(i: int, **changes: object) -> dict[str, object]:
    """Golden values of person `i`, Chinese name and address included."""
    values: dict[str, object] = {
        "id_number": f"33010619900101{i:04d}",
        "name": f"{SURNAMES[i % 10]}小{'明红'[i % 2]}",
        "sex": "男" if i % 2 else "女",
        "address": f"浙江省杭州市西湖区文三路{i}号",
    }
    values.update(changes)
    return values


def provenance(
    values: dict[str, object], source: str = "health", row: int = 1
) -> dict[str, object]:
    """The same provenance for every field of `values`."""
    where = {
        "source": source,
        "file": f"{source}.csv",
        "row": row,
        "as_of": "2024-06-30",
        "method": "identifier",
        "confidence": 1.0,
    }
    return dict.fromkeys(values, where)


class City:
    """`size` persons with ids allocated from the counter, one health and one pension row each."""

    def __init__(self, engine: Engine, size: int) -> None:
        self.ids = list(allocate_entity_ids(engine, "person", size))
        self.values = {entity_id: person_values(i) for i, entity_id in enumerate(self.ids)}

    def entities(self, ids: Iterable[str] | None = None) -> list[EntityRow]:
        return [EntityRow(e, "person", str(self.values[e]["id_number"])) for e in ids or self.ids]

    def golden(self, ids: Iterable[str] | None = None) -> list[GoldenRow]:
        return [
            GoldenRow(e, "person", self.values[e], provenance(self.values[e], row=self.row(e)))
            for e in ids or self.ids
        ]

    def links(self, ids: Iterable[str] | None = None) -> list[LinkRow]:
        rows = []
        for e in ids or self.ids:
            row = self.row(e)
            rows.append(LinkRow("health", "health.csv", row, e, "linked", "identifier", 1.0))
            rows.append(LinkRow("pensions", "pensions.csv", row, e, "linked", "identifier", 1.0))
        return rows

    def issues(self, ids: Iterable[str] | None = None) -> list[IssueRow]:
        return [
            IssueRow(
                "stale_record",
                "warning",
                "health",
                "health",
                "health.csv",
                self.row(e),
                e,
                "address",
                {"说明": "地址过期"},
            )
            for e in ids or self.ids
        ]

    def row(self, entity_id: str) -> int:
        return self.ids.index(entity_id) + 2


TABLES = (
    "entities",
    "golden_records",
    "golden_history",
    "record_links",
    "quality_issues",
    "quality_scores",
    "review_pairs",
    "entity_events",
    "id_counters",
)


def snapshot(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the thematic store's tables (not the runs), in a stable order."""
    with engine.connect() as connection:
        return {
            table: sorted(
                (tuple(row) for row in connection.execute(select(Base.metadata.tables[table]))),
                key=repr,
            )
            for table in TABLES
        }


def count(session: Session, table: str) -> int:
    """Rows in `table`."""
    return session.execute(
        select(func.count()).select_from(Base.metadata.tables[table])
    ).scalar_one()
