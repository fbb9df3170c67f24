"""A published run the way the integration engine publishes one: its summary, issues, scores.

`City` describes nine departments and twelve sources of a city's data at a `scale` (1 gives
counts in the thousands, for looking at the report; tests use a small scale to stay fast).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from frontline.store import IssueRow, RunSummary, Scope, ScoreRow, publish, start_run

DEPARTMENTS: dict[str, str] = {
    "public_security": "公安局",
    "civil_affairs": "民政局",
    "human_resources": "人力资源和社会保障局",
    "health": "卫生健康委员会",
    "market_regulation": "市场监督管理局",
    "tax": "税务局",
    "natural_resources": "自然资源和规划局",
    "traffic_police": "公安局交通管理局",
    "medical_insurance": "医疗保障局",
}

# key, department, entity, rows read at scale 1, encoding
SOURCES: tuple[tuple[str, str, str, int, str], ...] = (
    ("household_registry", "public_security", "person", 52_000, "gb18030"),
    ("births_deaths", "health", "person", 6_400, "utf-8"),
    ("civil_affairs_subsidies", "civil_affairs", "person", 3_100, "gbk"),
    ("pensions", "human_resources", "person", 14_800, "utf-8-sig"),
    ("employment", "human_resources", "person", 21_500, "utf-8"),
    ("medical_insurance", "medical_insurance", "person", 48_200, "utf-8"),
    ("enterprises", "market_regulation", "enterprise", 4_300, "utf-8"),
    ("tax", "tax", "enterprise", 3_900, "gbk"),
    ("property_persons", "natural_resources", "person", 18_600, "utf-8"),
    ("property_enterprises", "natural_resources", "enterprise", 18_600, "utf-8"),
    ("vehicles_persons", "traffic_police", "person", 12_300, "utf-8"),
    ("vehicles_enterprises", "traffic_police", "enterprise", 12_300, "utf-8"),
)

# department → issue type → count at scale 1
ISSUES: dict[str, dict[str, int]] = {
    "public_security": {"invalid_identifier": 212, "duplicate": 388, "stale": 1_240},
    "health": {"invalid_identifier": 96, "identifier_mismatch": 41, "missing_identifier": 310},
    "civil_affairs": {
        "conflict": 2_904, "alive_after_death": 23, "unlinked": 146, "invalid_identifier": 58,
    },
    "human_resources": {
        "conflict": 3_611, "alive_after_death": 61, "identifier_mismatch": 187, "unlinked": 402,
        "missing_identifier": 1_090,
    },
    "medical_insurance": {"conflict": 1_488, "stale": 4_020, "alive_after_death": 9},
    "market_regulation": {"invalid_identifier": 17, "duplicate": 44},
    "tax": {"conflict": 733, "invalid_identifier": 129, "unlinked": 88},
    "natural_resources": {"conflict": 2_155, "missing_identifier": 2_760, "unlinked": 517},
    "traffic_police": {"conflict": 1_302, "stale": 3_380, "duplicate": 265, "unlinked": 77},
}  # fmt: skip

# field, department whose value lost, department whose value won, count at scale 1
CONFLICTS: tuple[tuple[str, str, str, int], ...] = (
    ("address", "civil_affairs", "public_security", 1_842),
    ("phone", "civil_affairs", "human_resources", 731),
    ("name", "civil_affairs", "public_security", 331),
    ("address", "human_resources", "public_security", 2_410),
    ("phone", "human_resources", "medical_insurance", 822),
    ("birth_date", "human_resources", "public_security", 379),
    ("address", "medical_insurance", "public_security", 1_201),
    ("phone", "medical_insurance", "human_resources", 287),
    ("address", "tax", "market_regulation", 512),
    ("legal_rep_name", "tax", "market_regulation", 221),
    ("address", "natural_resources", "public_security", 1_630),
    ("name", "natural_resources", "market_regulation", 525),
    ("address", "traffic_police", "public_security", 906),
    ("phone", "traffic_police", "human_resources", 396),
)

# department → completeness, validity, consistency, timeliness
SCORES: dict[str, tuple[float, float, float, float]] = {
    "public_security": (0.9968, 0.9959, 0.9991, 0.9762),
    "health": (0.9871, 0.9803, 0.9934, 0.9911),
    "civil_affairs": (0.9412, 0.9744, 0.8125, 0.9301),
    "human_resources": (0.9536, 0.9622, 0.8714, 0.9552),
    "medical_insurance": (0.9907, 0.9886, 0.9512, 0.8166),
    "market_regulation": (1.0, 0.9992, 0.9985, 0.9940),
    "tax": (0.9733, 0.9671, 0.9046, 0.9628),
    "natural_resources": (0.8842, 0.9408, 0.8867, 0.9095),
    "traffic_police": (0.9655, 0.9810, 0.8921, 0.7433),
}


def scaled(n: int, scale: float) -> int:
    """`n` at `scale`, never rounded down to nothing."""
    return max(1, round(n * scale))


@dataclass
class City:
    """The run the engine would publish for the city at `scale`."""

    scale: float = 1.0
    names: dict[str, str] = field(default_factory=lambda: dict(DEPARTMENTS))
    notes: list[str] = field(
        default_factory=lambda: [
            "employment.csv: 1 duplicate header column renamed (重复表头已重命名)"
        ]
    )

    def sources(self) -> list[dict[str, Any]]:
        found = []
        for key, department, entity, rows, encoding in SOURCES:
            rows_read = scaled(rows, self.scale)
            unmatched = rows_read * 12 // 1000
            review = rows_read * 4 // 1000
            skipped = 2 if key == "civil_affairs_subsidies" else 0
            # A register of persons and enterprises, described by one source for each.
            other = rows_read * 35 // 100 if key.startswith(("property_", "vehicles_")) else 0
            if key.endswith("_enterprises"):
                other = rows_read - other
                unmatched = review = 0
            linked = rows_read - unmatched - review - skipped - other
            found.append(
                {
                    "key": key,
                    "department": self.names[department],
                    "department_key": department,
                    "entity": entity,
                    "rows_read": rows_read,
                    "linked": linked,
                    "linked_residue": linked // 90,
                    "repaired": linked // 40,
                    "quarantined": {"unmatched": unmatched, "review_pending": review},
                    "skipped": skipped,
                    "other_source": other,
                    "encoding": encoding,
                }
            )
        return found

    def summary(self) -> dict[str, object]:
        """The run's summary, exactly as the engine writes it."""
        return {
            "sources": self.sources(),
            "entities": {
                "person": scaled(50_000, self.scale),
                "enterprise": scaled(4_300, self.scale),
            },
            "issues": {d: dict(self.issue_counts(d)) for d in ISSUES},
            "conflicts": [
                {
                    "field": f,
                    "department_key": loser,
                    "golden_department_key": winner,
                    "count": scaled(n, self.scale),
                }
                for f, loser, winner, n in CONFLICTS
            ],
            "seconds": {"read": 4.2, "normalise": 2.9, "link": 11.6, "publish": 3.1},
            "notes": self.notes,
            "as_of": "2026-06-30",
        }

    def issue_counts(self, department: str) -> Iterator[tuple[str, int]]:
        for kind, n in ISSUES[department].items():
            yield kind, scaled(n, self.scale)

    def issues(self) -> Iterator[IssueRow]:
        """Every issue row, with the detail the engine gives each type."""
        severities = {
            "invalid_identifier": "error", "identifier_mismatch": "error",
            "alive_after_death": "error", "stale": "info",
        }  # fmt: skip
        source_of = {d: k for k, d, *_ in reversed(SOURCES)}
        for department in ISSUES:
            for kind, n in self.issue_counts(department):
                for row in range(2, n + 2):
                    yield IssueRow(
                        kind,
                        severities.get(kind, "warning"),
                        department,
                        source_of[department],
                        f"{source_of[department]}.csv",
                        row,
                        None,
                        "address" if kind == "conflict" else None,
                        _detail(kind, row),
                    )

    def scores(self) -> list[ScoreRow]:
        rows = dict.fromkeys(SCORES, 0)
        for _, department, _, n, _ in SOURCES:
            rows[department] += scaled(n, self.scale)
        return [ScoreRow(d, *values, rows[d]) for d, values in SCORES.items()]


def _detail(kind: str, row: int) -> Mapping[str, object]:
    if kind == "unlinked":
        return {"reason": ("unmatched", "review_pending", "no_identity")[row % 3]}
    if kind == "conflict":
        return {"golden_department": "公安局", "golden_source": "household_registry", "stale": True}
    return {}


def publish_city(engine: Engine, city: City, *, with_scores: bool = True) -> int:
    """Publish the city's run (issues and scores; no entities needed) and return its id."""
    run_id = start_run(engine, "sha256:5be0c6f2a41d")
    scope = Scope(sources=frozenset(key for key, *_ in SOURCES))
    publish(
        engine,
        RunSummary(run_id, scope, summary=city.summary()),
        replace=True,
        issues=city.issues(),
        scores=city.scores() if with_scores else (),
    )
    return run_id
