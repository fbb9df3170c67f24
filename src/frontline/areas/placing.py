"""The work of `place_subjects`: read addresses out in batches, match them in DuckDB, write the
difference back. Imported only when placing, so that the service does not load DuckDB and
Arrow for it."""

from __future__ import annotations

import time
from collections import Counter
from datetime import datetime
from typing import Any

import pyarrow as pa
from sqlalchemy import Connection, Select, Table, delete, exists, func, insert, or_, select, update

from frontline.areas.codes import AreaLevel
from frontline.areas.matching import BOOK, GRID_NAMES, SUBJECTS, match_subjects
from frontline.areas.models import AddressGrid, Area, SubjectArea
from frontline.areas.placement import EXAMPLES, PlacementReport
from frontline.store.golden import GoldenRecord
from frontline.store.staging import load, stage_table

PLACED: Table = SubjectArea.__table__  # type: ignore[assignment]
_COLUMNS = ("entity_id", "entity_type", "grid_code", "method", "reason", "placed_at")
_BATCH = 50_000
# SQLAlchemy reports the row count of an INSERT only when asked.
_COUNTED = {"preserve_rowcount": True}


def place(connection: Connection, entity_type: str, now: datetime) -> PlacementReport:
    """Place every golden record of ``entity_type`` (see `place_subjects`)."""
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    address = GoldenRecord.values["address"].as_string()
    subjects = _arrow(
        connection,
        select(GoldenRecord.entity_id, address).where(GoldenRecord.entity_type == entity_type),
        SUBJECTS,
    )
    entries = select(AddressGrid.address, AddressGrid.address_key, AddressGrid.grid_code)
    book = _arrow(connection, entries, BOOK)
    names = _grid_names(connection)
    seconds["read"] = time.perf_counter() - started
    started = time.perf_counter()
    result = match_subjects(subjects, book, names)
    seconds["match"] = time.perf_counter() - started
    started = time.perf_counter()
    report = _report(entity_type, result)
    report.new, report.moved, report.removed = _write(connection, entity_type, result, now)
    seconds["write"] = time.perf_counter() - started
    report.seconds = seconds
    return report


def _arrow(connection: Connection, query: Select[*tuple[Any, ...]], schema: pa.Schema) -> pa.Table:
    """The rows of ``query`` as an Arrow table, fetched in batches."""
    # Options on the statement, not the connection: they would stay on the caller's connection.
    result = connection.execute(query.execution_options(yield_per=_BATCH))
    batches = [
        pa.RecordBatch.from_arrays(
            [
                pa.array(column, type=f.type)
                for column, f in zip(zip(*rows, strict=True), schema, strict=True)
            ],
            schema=schema,
        )
        for rows in result.partitions()
    ]
    return pa.Table.from_batches(batches, schema=schema)


def _grid_names(connection: Connection) -> pa.Table:
    """Each grid in force with the names of its community, street, district, city, province."""
    rows = connection.execute(
        select(Area.code, Area.parent_code, Area.level, Area.name).where(Area.valid_to.is_(None))
    ).all()
    parent = {code: up for code, up, _, _ in rows}
    name = {code: label for code, _, _, label in rows}
    columns: dict[str, list[str | None]] = {f.name: [] for f in GRID_NAMES}
    for code, _, level, _ in rows:
        if level != AreaLevel.GRID:
            continue
        columns["grid_code"].append(code)
        up: str | None = parent[code]
        for level_name in ("community", "street", "district", "city", "province"):
            columns[level_name].append(name.get(up) if up is not None else None)
            up = parent.get(up) if up is not None else None
    return pa.table(columns, schema=GRID_NAMES)


def _report(entity_type: str, result: pa.Table) -> PlacementReport:
    methods = result.column("method").to_pylist()
    reasons = result.column("reason").to_pylist()
    examples: dict[str, list[str]] = {}
    for entity_id, reason in zip(result.column("entity_id").to_pylist(), reasons, strict=True):
        if reason is not None and len(examples.setdefault(reason, [])) < EXAMPLES:
            examples[reason].append(entity_id)
    placed = Counter(m for m in methods if m != "unplaced")
    unplaced = Counter(r for r in reasons if r is not None)
    return PlacementReport(entity_type, result.num_rows, dict(placed), dict(unplaced), examples)


def _write(
    connection: Connection, entity_type: str, result: pa.Table, now: datetime
) -> tuple[int, int, int]:
    """Write the difference; returns the (new, moved, removed) counts."""
    stage = stage_table(connection, PLACED)
    try:
        rows = zip(
            result.column("entity_id").to_pylist(),
            result.column("grid_code").to_pylist(),
            result.column("method").to_pylist(),
            result.column("reason").to_pylist(),
            strict=True,
        )
        load(
            connection,
            stage,
            _COLUMNS,
            ((e, entity_type, g, m, r, now) for e, g, m, r in rows),
            batch_size=_BATCH,
        )
        return _merge(connection, stage, entity_type)
    finally:
        stage.drop(connection)


def _merge(connection: Connection, stage: Table, entity_type: str) -> tuple[int, int, int]:
    old, new = PLACED.c, stage.c
    staged = exists().where(new.entity_id == old.entity_id)
    removed = connection.execute(
        delete(PLACED).where(old.entity_type == entity_type, ~staged)
    ).rowcount
    moved = connection.execute(
        select(func.count())
        .select_from(stage.join(PLACED, old.entity_id == new.entity_id))
        .where(old.grid_code.is_distinct_from(new.grid_code))
    ).scalar_one()
    differs = or_(
        old.grid_code.is_distinct_from(new.grid_code),
        old.method != new.method,
        old.reason.is_distinct_from(new.reason),
    )
    connection.execute(
        update(PLACED)
        .where(old.entity_id == new.entity_id, differs)
        .values({c: new[c] for c in _COLUMNS[1:]})
    )
    present = exists().where(old.entity_id == new.entity_id)
    added = connection.execute(
        insert(PLACED).from_select(_COLUMNS, select(*(new[c] for c in _COLUMNS)).where(~present)),
        execution_options=_COUNTED,
    ).rowcount
    return added, moved, removed
