"""Publishing a run into the thematic store: all of it, or nothing.

Everything one run publishes is written in one transaction on one connection. Until it
commits, readers keep seeing the previous publish — PostgreSQL by MVCC, SQLite because in
WAL mode readers read the last committed snapshot — and if anything fails, the rollback
leaves that previous state exactly as it was; the run is then marked `failed`.

One publish at a time: on SQLite the transaction starts with BEGIN IMMEDIATE (the single
write lock), on PostgreSQL it takes a transaction-scoped advisory lock.

How rows travel: into an empty table they are bulk-loaded straight in (the first publish;
on SQLite its secondary indexes are built once afterwards); otherwise into a temporary
stage table, then folded in with set-based statements that insert what is new, update
only what changed, keep replaced values as history and, with `replace=True`, delete what
the run's scope no longer has. Links carry no foreign key (see `links`): the links a
publish wrote are checked against the entities in one query before the commit.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    RootTransaction,
    Select,
    Table,
    false,
    func,
    literal,
    select,
    text,
    update,
)
from sqlalchemy.exc import SQLAlchemyError

from frontline.store import merge
from frontline.store.base import canonical_json, utc_now
from frontline.store.counters import IdCounter, entity_number
from frontline.store.engine import begin_write
from frontline.store.events import EntityEvent
from frontline.store.quality import QualityIssue, QualityScore
from frontline.store.review import ReviewPair
from frontline.store.rows import (
    EntityRow,
    EventRow,
    GoldenRow,
    IssueRow,
    LinkRow,
    ReviewPairRow,
    RunSummary,
    ScoreRow,
    json_text,
)
from frontline.store.runs import IntegrationRun, fail_run
from frontline.store.staging import (
    SUPPORTED_DIALECTS,
    Progress,
    analyze,
    batches,
    drop_indexes,
    load,
    rebuild_indexes,
    stage_table,
)

# Any constant will do: every publisher of every Frontline deployment takes the same lock.
_PUBLISH_LOCK_KEY = 7_046_115_101

_ISSUES: Table = QualityIssue.__table__  # type: ignore[assignment]
_SCORES: Table = QualityScore.__table__  # type: ignore[assignment]
_EVENTS: Table = EntityEvent.__table__  # type: ignore[assignment]
_REVIEW: Table = ReviewPair.__table__  # type: ignore[assignment]

# The columns each kind of row fills: the row's fields, and the run the publisher adds.
_COLUMNS = {
    "entities": (*EntityRow._fields, "created_run", "updated_run"),
    "golden": (*GoldenRow._fields, "version", "updated_run"),
    "links": (*LinkRow._fields, "run_id"),
    "issues": ("run_id", *IssueRow._fields),
    "scores": ("run_id", *ScoreRow._fields),
    "events": ("run_id", *EventRow._fields),
}


class PublishError(ValueError):
    """The rows given to a publish are wrong (the publish is rolled back)."""


@dataclass
class PublishReport:
    """What a publish wrote: rows per kind and seconds per step."""

    run_id: int
    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


class Publisher:
    """A context manager publishing one run; see the module docstring.

        with Publisher(engine, run, replace=True) as publisher:
            publisher.entities(entity_rows)  # first: everything else refers to entities
            publisher.golden(golden_rows)
            publisher.links(link_rows)
            publisher.issues(issue_rows)
        report = publisher.report

    Each method may be called several times (e.g. once per batch read from DuckDB). The
    commit happens when the `with` block ends without an exception.
    """

    def __init__(
        self,
        engine: Engine,
        run: RunSummary,
        *,
        replace: bool,
        batch_size: int = 10_000,
        progress: Progress | None = None,
    ) -> None:
        if engine.dialect.name not in SUPPORTED_DIALECTS:
            raise ValueError(f"cannot publish to {engine.dialect.name}: use SQLite or PostgreSQL")
        self.report = PublishReport(run.run_id)
        self._engine = engine
        self._run = run
        self._replace = replace
        self._batch_size = batch_size
        self._progress = progress
        self._connection: Connection | None = None
        self._transaction: RootTransaction | None = None
        self._counters: dict[str, tuple[str, int]] = {}
        self._targets: dict[str, Table] = {}

    def __enter__(self) -> Publisher:
        self._connection = self._engine.connect()
        try:
            self._transaction = begin_write(self._connection)
            self._prepare()
        except BaseException as error:
            self._abandon(error)
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if error is not None:
            self._abandon(error)
            return
        try:
            with self._timed("finish"):
                self._finish()
            with self._timed("commit"):
                self._live_transaction.commit()
        except BaseException as failure:
            self._abandon(failure)
            raise
        self._close()

    # -- the rows -----------------------------------------------------------------------

    def entities(self, rows: Iterable[EntityRow]) -> int:
        """Insert or update entities (none is ever deleted). Ids must come from the counters."""
        run = self._run.run_id
        tuples = (
            (r.entity_id, r.entity_type, r.entity_key, r.status, r.merged_into, run, run)
            for r in map(self._allocated, rows)
        )
        with self._timed("entities"):
            target = self._target(merge.ENTITIES)
            loaded = self._load("entities", target, tuples)
            if target is not merge.ENTITIES:
                # Folded in at once, not at the end: the golden records and links that
                # follow must find their entity (foreign keys are checked per statement).
                analyze(self._live, target)
                merge.upsert_entities(self._live, target)
        return loaded

    def golden(self, rows: Iterable[GoldenRow]) -> int:
        """Golden records of this run; a replaced value is kept in the history."""
        run = self._run.run_id
        tuples = (
            (r.entity_id, r.entity_type, json_text(r.values), json_text(r.provenance), 1, run)
            for r in rows
        )
        with self._timed("golden"):
            return self._load("golden", self._target(merge.GOLDEN), tuples)

    def links(self, rows: Iterable[LinkRow]) -> int:
        """The outcome of each input row."""
        run = self._run.run_id
        with self._timed("links"):
            return self._load("links", self._target(merge.LINKS), ((*r, run) for r in rows))

    def issues(self, rows: Iterable[IssueRow]) -> int:
        """Quality issues found by this run; they replace the earlier ones they restate."""
        run = self._run.run_id
        tuples = ((run, *r[:-1], json_text(r.detail)) for r in rows)
        with self._timed("issues"):
            return self._load("issues", _ISSUES, tuples)

    def scores(self, rows: Iterable[ScoreRow]) -> int:
        """Per-department quality scores of this run (every run's are kept, for trends)."""
        run = self._run.run_id
        with self._timed("scores"):
            return self._load("scores", _SCORES, ((run, *r) for r in rows))

    def events(self, rows: Iterable[EventRow]) -> int:
        """Identity events of this run (appended)."""
        run = self._run.run_id
        tuples = (
            (run, r.kind, canonical_json(list(r.entity_ids)), json_text(r.detail)) for r in rows
        )
        with self._timed("events"):
            return self._load("events", _EVENTS, tuples)

    def review_pairs(self, rows: Iterable[ReviewPairRow]) -> int:
        """Uncertain pairs for stewards, stored once per pair whichever way round.

        A pair already stored keeps its decision and first run; while still open it takes
        the new match probability.
        """
        statement = merge.upsert(self._live, _REVIEW)
        statement = statement.on_conflict_do_update(
            index_elements=[c for c in _REVIEW.c if c.name.startswith(("left_", "right_"))],
            set_={
                "match_probability": statement.excluded.match_probability,
                "records": statement.excluded.records,
            },
            where=_REVIEW.c.status == "open",
        )
        count = 0
        with self._timed("review_pairs"):
            for batch in batches((_pair(r, self._run.run_id) for r in rows), 1000):
                self._live.execute(statement, batch)
                count += len(batch)
        self.report.rows["review_pairs"] = self.report.rows.get("review_pairs", 0) + count
        return count

    # -- the steps ----------------------------------------------------------------------

    def _prepare(self) -> None:
        connection = self._live
        if connection.dialect.name == "postgresql":
            connection.execute(select(func.pg_advisory_xact_lock(_PUBLISH_LOCK_KEY)))
            # A few statements over millions of rows: compiling them (JIT) costs more than
            # it saves, and hash joins of that size need more than the 4 MB default.
            connection.execute(text("SET LOCAL jit = off"))
            connection.execute(text("SET LOCAL work_mem = '128MB'"))
        status = connection.execute(
            select(IntegrationRun.status).where(IntegrationRun.id == self._run.run_id)
        ).scalar_one_or_none()
        if status != "running":
            state = "does not exist" if status is None else f"is {status}"
            raise PublishError(f"run {self._run.run_id} {state}; publish a started run")
        counters = select(IdCounter.entity_type, IdCounter.prefix, IdCounter.next_value)
        self._counters = {t: (p, n) for t, p, n in connection.execute(counters)}

    def _finish(self) -> None:
        connection, run, scope = self._live, self._run.run_id, self._run.scope
        types = scope.entity_types if self._replace else frozenset[str]()
        sources = scope.sources if self._replace else frozenset[str]()
        # A full publish that gave no rows of a table still replaces its scope there.
        if types:
            self._target(merge.GOLDEN)
        if sources:
            self._target(merge.LINKS)
        golden = self._targets.get(merge.GOLDEN.name)
        links = self._targets.get(merge.LINKS.name)
        if golden is not None and golden is not merge.GOLDEN:
            self._fold_golden(golden, types)
        if links is not None and links is not merge.LINKS:
            self._fold_links(links, sources)
        for target in self._targets.values():
            if not target.name.startswith("stage_"):
                rebuild_indexes(connection, target)
                analyze(connection, target)  # was empty: its statistics say nothing yet
        if links is not None:
            self._check_links(links is merge.LINKS)
        with self._timed("retire_issues"):
            retired = merge.retire_issues(
                connection,
                run,
                scope_sources=sources if self._replace else None,
                scope_types=types if self._replace else None,
                restated_entities=_keys(golden, merge.GOLDEN, "entity_id"),
                restated_links=_keys(links, merge.LINKS, "source", "file", "row"),
            )
            self._count("issues_retired", retired)
        marked = connection.execute(
            update(IntegrationRun)
            .where(IntegrationRun.id == run, IntegrationRun.status == "running")
            .values(status="published", finished_at=utc_now(), summary=dict(self._run.summary))
        ).rowcount
        if marked != 1:
            raise PublishError(f"run {run} is no longer running")

    def _fold_golden(self, stage: Table, retired_types: frozenset[str]) -> None:
        connection, run = self._live, self._run.run_id
        analyze(connection, stage)
        with self._timed("history"):
            self._count(
                "history", merge.record_golden_history(connection, stage, run, retired_types)
            )
        with self._timed("merge_golden"):
            removed, _ = merge.replace_golden(connection, stage, retired_types)
            self._count("golden_removed", removed)

    def _fold_links(self, stage: Table, retired_sources: frozenset[str]) -> None:
        analyze(self._live, stage)
        with self._timed("merge_links"):
            removed, _ = merge.replace_links(self._live, stage, retired_sources)
            self._count("links_removed", removed)

    def _check_links(self, loaded_into_empty: bool) -> None:
        """Refuse links to entities that do not exist (the check a foreign key would make)."""
        # Into an empty table every link is this run's; otherwise only the links this run
        # changed (they carry its id) can be new dangling ones: entities are never deleted.
        run = None if loaded_into_empty else self._run.run_id
        with self._timed("check_links"):
            dangling = merge.dangling_links(self._live, merge.LINKS, run)
        if dangling:
            raise PublishError("links to entities that do not exist: " + "; ".join(dangling))

    def _abandon(self, error: BaseException) -> None:
        try:
            if self._transaction is not None and self._transaction.is_active:
                self._transaction.rollback()
        finally:
            self._close()
        try:
            # Only the kind of error: its text may quote personal data (a key's value).
            fail_run(self._engine, self._run.run_id, type(error).__name__)
        except SQLAlchemyError as secondary:
            error.add_note(f"marking run {self._run.run_id} failed also failed: {secondary}")

    # -- helpers ------------------------------------------------------------------------

    @property
    def _live(self) -> Connection:
        if self._connection is None:
            raise RuntimeError("use the Publisher in a `with` block")
        return self._connection

    @property
    def _live_transaction(self) -> RootTransaction:
        if self._transaction is None:
            raise RuntimeError("use the Publisher in a `with` block")
        return self._transaction

    def _close(self) -> None:
        if self._connection is not None:
            staged = any(t.name.startswith("stage_") for t in self._targets.values())
            if staged and self._connection.dialect.name == "sqlite":
                # Closing the SQLite connection deletes its temporary database at once;
                # dropping a gigabyte of stage tables would walk every page to free it.
                # (PostgreSQL drops them at the end of the transaction.)
                self._connection.invalidate()
            self._connection.close()
            self._connection = None
            self._transaction = None

    def _target(self, table: Table) -> Table:
        """Where rows for `table` go: the table itself while it is empty, else a stage."""
        if table.name not in self._targets:
            empty = self._live.execute(select(literal(1)).select_from(table).limit(1)).first()
            if empty is None:
                drop_indexes(self._live, table)
                self._targets[table.name] = table
            else:
                self._targets[table.name] = stage_table(self._live, table)
        return self._targets[table.name]

    def _load(self, kind: str, table: Table, rows: Iterable[tuple[Any, ...]]) -> int:
        loaded = load(
            self._live,
            table,
            _COLUMNS[kind],
            rows,
            batch_size=self._batch_size,
            progress=self._progress,
        )
        self._count(kind, loaded)
        return loaded

    def _count(self, kind: str, rows: int) -> None:
        self.report.rows[kind] = self.report.rows.get(kind, 0) + rows

    def _allocated(self, row: EntityRow) -> EntityRow:
        counter = self._counters.get(row.entity_type)
        if counter is None:
            raise PublishError(f"entity {row.entity_id}: type {row.entity_type!r} has no counter")
        prefix, next_value = counter
        number = entity_number(row.entity_id, prefix)
        if number is None or number >= next_value:
            raise PublishError(
                f"entity id {row.entity_id!r} was never allocated to {row.entity_type!r}"
            )
        return row

    @contextmanager
    def _timed(self, step: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            elapsed = time.perf_counter() - started
            self.report.seconds[step] = self.report.seconds.get(step, 0.0) + elapsed


def _keys(target: Table | None, table: Table, *names: str) -> Select[Any]:
    """The keys of the rows a publish restated in `table` (all of them if it was empty)."""
    source = table if target is None else target
    keys = select(*(source.c[name] for name in names))
    return keys.where(false()) if target is None else keys


def _pair(row: ReviewPairRow, run_id: int) -> dict[str, object]:
    left, right = sorted((row.a, row.b))
    records = None
    if row.records is not None:
        a, b = (_document(r) for r in row.records)
        records = {"left": a, "right": b} if left == row.a else {"left": b, "right": a}
    return {
        "left_source": left.source,
        "left_file": left.file,
        "left_row": left.row,
        "right_source": right.source,
        "right_file": right.file,
        "right_row": right.row,
        "entity_type": row.entity_type,
        "match_probability": row.match_probability,
        "status": "open",
        "first_seen_run": run_id,
        "records": records,
    }


def _document(value: object) -> object:
    """A JSON document given as text, decoded (the column's type encodes it)."""
    return json.loads(value) if isinstance(value, str) else value


def publish(
    engine: Engine,
    run: RunSummary,
    *,
    replace: bool,
    entities: Iterable[EntityRow] = (),
    golden: Iterable[GoldenRow] = (),
    links: Iterable[LinkRow] = (),
    issues: Iterable[IssueRow] = (),
    scores: Iterable[ScoreRow] = (),
    events: Iterable[EventRow] = (),
    review_pairs: Iterable[ReviewPairRow] = (),
    batch_size: int = 10_000,
    progress: Progress | None = None,
) -> PublishReport:
    """Publish a run in one transaction (see `Publisher`); iterables are consumed once.

    `replace=True`: the run covered `run.scope` completely — golden records, links and
    issues of the scope that it does not restate are removed (their values kept as history).
    `replace=False`: only the given entities' records and the given rows' links are updated.
    """
    with Publisher(
        engine, run, replace=replace, batch_size=batch_size, progress=progress
    ) as publisher:
        publisher.entities(entities)
        publisher.golden(golden)
        publisher.links(links)
        publisher.issues(issues)
        publisher.scores(scores)
        publisher.events(events)
        publisher.review_pairs(review_pairs)
    return publisher.report
