"""Benchmark: publishing golden records and record links into the thematic store.

    python benchmarks/store.py --golden 1000000 --links 2000000 --repeat 3 [--json]

For each database (SQLite in a temporary file; PostgreSQL in a fresh schema of
``--postgres-url``) and each repeat, on a freshly migrated database:

- ``publish``: the first publish of a run — entities, golden records (8 person fields,
  with per-field provenance) and links — into empty tables, in one transaction;
- ``republish``: a second full run (``replace=True``) of the same data with 1 % of the
  records changed (one field each), so the store stages, compares, keeps history and
  upserts.

Rows are built before the clock starts, with the JSON already encoded as the integration
engine would hand it over from DuckDB (``to_json``); encoding Python dicts instead costs
what ``json_encode_records_per_second`` says. Each measurement is the median of
``--repeat``; rows/s counts entities + golden records + links. One JSON object per
database, then (unless ``--json``) a table.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy import Connection, select
from sqlalchemy.engine import make_url

from frontline.store import (
    EntityRow,
    GoldenRow,
    LinkRow,
    RunSummary,
    Scope,
    allocate_entity_ids,
    canonical_json,
    create_engine_for,
    publish,
    start_run,
    upgrade,
)

SOURCES = ("public_security", "civil_affairs", "health", "pensions", "tax")
SCOPE = Scope(entity_types=frozenset({"person"}), sources=frozenset(SOURCES))
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"


def person(i: int) -> dict[str, object]:
    return {
        "id_number": f"330106{1940 + i % 60}{1 + i % 12:02d}{1 + i % 28:02d}{i % 1000:03d}{i % 10}",
        "name": SURNAMES[i % 20] + "晓明红华"[i % 4] + "伟芳娜敏"[(i // 4) % 4],
        "sex": "男" if i % 2 else "女",
        "birth_date": f"{1940 + i % 60}-{1 + i % 12:02d}-{1 + i % 28:02d}",
        "ethnicity": "汉族",
        "phone": f"138{i:08d}",
        "address": f"浙江省杭州市西湖区文三路{i % 500}号{i % 30}幢{i % 6 + 1}单元",
        "death_date": None,
    }


def provenance(values: dict[str, object], i: int) -> dict[str, object]:
    source = SOURCES[i % len(SOURCES)]
    return {
        name: {
            "source": source,
            "file": f"{source}/2024-06.csv",
            "row": i + 2,
            "as_of": "2024-06-30",
            "method": "identifier",
            "confidence": 1.0,
        }
        for name in values
    }


class Data:
    """Pre-built rows: ids P000000001… as a fresh database's counter hands them out."""

    def __init__(self, golden: int, links: int) -> None:
        ids = [f"P{n:09d}" for n in range(1, golden + 1)]
        self.entities = [EntityRow(e, "person", f"k{n}") for n, e in enumerate(ids)]
        self.golden = []
        self.changed = []
        for i, entity_id in enumerate(ids):
            values = person(i)
            where = canonical_json(provenance(values, i))
            self.golden.append(GoldenRow(entity_id, "person", canonical_json(values), where))
            if i % 100 == 0:
                values["phone"] = f"139{i:08d}"
            self.changed.append(GoldenRow(entity_id, "person", canonical_json(values), where))
        per_source = -(-links // len(SOURCES))
        self.links = [
            LinkRow(
                source,
                f"{source}/2024-06.csv",
                row,
                ids[(row * 7919 + k) % golden],
                "linked",
                "identifier",
                1.0,
            )
            for k, source in enumerate(SOURCES)
            for row in range(2, 2 + min(per_source, links - k * per_source))
        ]

    @property
    def rows(self) -> int:
        return len(self.entities) + len(self.golden) + len(self.links)


@contextmanager
def database(kind: str, postgres_url: str) -> Iterator[str]:
    """A URL of an empty database: a temporary SQLite file or a fresh PostgreSQL schema."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{Path(folder) / 'bench.db'}"
        return
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    conninfo = make_url(postgres_url).set(drivername="postgresql")
    admin = conninfo.render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    try:
        url = make_url(postgres_url).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))


def unassigned_by_grid(connection: Connection) -> dict[str, list[str]]:
    """The placed persons who have no task yet, by grid, in grid and id order: where the
    benchmarks that need tasks find their subjects."""
    from frontline.areas.models import SubjectArea
    from frontline.tasks.models import Task

    busy = set(connection.execute(select(Task.subject_id)).scalars())
    placed: dict[str, list[str]] = {}
    rows = connection.execute(
        select(SubjectArea.grid_code, SubjectArea.entity_id)
        .where(SubjectArea.grid_code.isnot(None), SubjectArea.entity_type == "person")
        .order_by(SubjectArea.grid_code, SubjectArea.entity_id)
    )
    for grid, entity in rows:
        if grid is not None and entity not in busy:
            placed.setdefault(grid, []).append(entity)
    return placed


def assign_visits(connection: Connection, staff_id: int, subjects: list[str], due_on: date) -> None:
    """An elderly home visit for each of `subjects`, assigned to `staff_id`."""
    from frontline.tasks import assign_task, create_tasks
    from frontline.tasks.creation import Outcome

    results = create_tasks(
        connection, None, scenario="elderly_home_visit", subject_ids=subjects, due_on=due_on
    )
    for result in results:
        if result.outcome is not Outcome.CREATED or result.task_id is None:
            raise SystemExit(f"could not create a task: {result.outcome}")
        assign_task(connection, None, result.task_id, staff_id)


def measure_once(kind: str, postgres_url: str, data: Data) -> dict[str, object]:
    with database(kind, postgres_url) as url:
        engine = create_engine_for(url)
        upgrade(engine)
        allocate_entity_ids(engine, "person", len(data.golden))
        timings: dict[str, object] = {}
        for step, golden in (("publish", data.golden), ("republish", data.changed)):
            run = RunSummary(start_run(engine, "bench"), SCOPE)
            started = time.perf_counter()
            report = publish(
                engine, run, replace=True, entities=data.entities, golden=golden, links=data.links
            )
            timings[step] = time.perf_counter() - started
            timings[f"{step}_steps"] = {k: round(v, 2) for k, v in report.seconds.items()}
            timings[f"{step}_history"] = report.rows.get("history", 0)
        engine.dispose()
    return timings


def json_encode_rate(records: int = 100_000) -> float:
    values = [person(i) for i in range(records)]
    started = time.perf_counter()
    for i, v in enumerate(values):
        canonical_json(v)
        canonical_json(provenance(v, i))
    return records / (time.perf_counter() - started)


def measure(kind: str, postgres_url: str, data: Data, repeat: int) -> dict[str, object]:
    runs = [measure_once(kind, postgres_url, data) for _ in range(repeat)]
    result: dict[str, object] = {
        "benchmark": "store",
        "database": kind,
        "entities": len(data.entities),
        "golden": len(data.golden),
        "links": len(data.links),
        "repeat": repeat,
    }
    for step in ("publish", "republish"):
        seconds = [float(r[step]) for r in runs]  # type: ignore[arg-type]
        median = statistics.median(seconds)
        middle = runs[seconds.index(sorted(seconds)[len(seconds) // 2])]
        result[f"{step}_seconds_median"] = round(median, 2)
        result[f"{step}_seconds_all"] = [round(s, 2) for s in seconds]
        result[f"{step}_rows_per_second"] = round(data.rows / median)
        result[f"{step}_steps"] = middle[f"{step}_steps"]
        result[f"{step}_history_rows"] = middle[f"{step}_history"]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--golden", type=int, default=100_000)
    parser.add_argument("--links", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument(
        "--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    parser.add_argument("--json", action="store_true", help="print only JSON lines")
    args = parser.parse_args()
    data = Data(args.golden, args.links)
    encode_rate = round(json_encode_rate())
    results = []
    for kind in args.databases:
        result = measure(kind, args.postgres_url, data, args.repeat)
        result["json_encode_records_per_second"] = encode_rate
        results.append(result)
        print(json.dumps(result, ensure_ascii=False), flush=True)
    if not args.json:
        print(
            f"{'database':<11} {'rows':>9} {'publish s':>9} {'rows/s':>9} "
            f"{'republish s':>11} {'rows/s':>9}"
        )
        for r in results:
            print(
                f"{r['database']:<11} {data.rows:>9} {r['publish_seconds_median']:>9} "
                f"{r['publish_rows_per_second']:>9} {r['republish_seconds_median']:>11} "
                f"{r['republish_rows_per_second']:>9}"
            )


if __name__ == "__main__":
    main()
