"""The integration run: read → normalise → validate and route → link → survive → quality →
publish.

Each stage reports progress; every input row is accounted for in the result. Given a store
engine, the run takes its entity ids and the stewards' review decisions from the store and
publishes into it, atomically; without one it stops after quality (benchmarks, dry runs).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from frontline.ids import sql as ids_sql
from frontline.ids.sql import quote_identifier as q
from frontline.integrate import duplicates, quality, scope, workspace
from frontline.integrate.co_holders import link_through_co_holders
from frontline.integrate.corrections import correction_sources
from frontline.integrate.endings import link_deaths_to_endings
from frontline.integrate.fields import entity_types
from frontline.integrate.identity import SNAPSHOT, Identities, assign_entity_ids
from frontline.integrate.kinship import link_through_parents
from frontline.integrate.normalise import normalise_source
from frontline.integrate.provisional import group_unmatched
from frontline.integrate.publishing import can_publish_changes, publish_run
from frontline.integrate.readers import read_source
from frontline.integrate.residue import (
    PROBABILISTIC,
    REVIEW,
    RULE,
    Decision,
    link_enterprise_residue,
    link_person_residue,
)
from frontline.integrate.residue_model import ResidueSettings
from frontline.integrate.routing import (
    IDENTIFIER,
    OTHER_SOURCE,
    QUARANTINED,
    RESIDUE,
    SKIPPED,
    reroute_records,
    route_records,
)
from frontline.integrate.sources import SourceSpec
from frontline.integrate.survivorship import SurvivorshipRules, survive
from frontline.integrate.unique_names import link_unique_names
from frontline.store import fail_run, latest_run, review_decisions, start_run
from frontline.store.publisher import PublishReport

Progress = Callable[[str, int, int], None]
"""Called with a stage description, the steps done and the steps in all."""


@dataclass
class SourceAccount:
    """What happened to every row of one source."""

    key: str
    department: str
    entity: str
    rows_read: int = 0
    skipped: int = 0
    other_source: int = 0
    linked: int = 0
    linked_residue: int = 0
    """Of the linked rows, those linked by probabilistic matching or a rule."""
    repaired: int = 0
    residue: int = 0
    quarantined: dict[str, int] = field(default_factory=dict)
    encoding: str = ""

    @property
    def accounted(self) -> int:
        """Rows with an outcome; equals ``rows_read`` when nothing was lost."""
        return (
            self.skipped + self.other_source + self.linked + self.residue
            + sum(self.quarantined.values())
        )  # fmt: skip


@dataclass
class IntegrationResult:
    sources: list[SourceAccount]
    entities: dict[str, int]
    residue_reasons: dict[str, int]
    seconds: dict[str, float]
    notes: list[str] = field(default_factory=list)
    issues: dict[str, dict[str, int]] = field(default_factory=dict)
    """Quality issues by department key, then by issue type."""
    scores: list[quality.Scores] = field(default_factory=list)
    """Per department: completeness, validity, consistency, timeliness, rows."""
    conflicts: list[dict[str, object]] = field(default_factory=list)
    """Conflicting values by field, losing department and the golden value's department."""
    run_id: int | None = None
    """The store's id of the published run (None when no store was given)."""
    identities: dict[str, Identities] = field(default_factory=dict)
    published: PublishReport | None = None
    read: list[str] = field(default_factory=list)
    """The sources read this run (an incremental run skips the unchanged ones)."""
    incremental_publish: bool = False
    """Whether only the differences from the last publish were written."""
    affected: dict[str, int] = field(default_factory=dict)
    """Per entity type judged incrementally: the entities whose golden records were rebuilt."""

    def summary(self, specs: Sequence[SourceSpec]) -> dict[str, object]:
        """The run as the store keeps it (`integration_runs.summary`) and reports show it."""
        return {
            "sources": [
                {
                    "key": a.key, "department": a.department,
                    "department_key": next(s.department_key for s in specs if s.key == a.key),
                    "entity": a.entity, "rows_read": a.rows_read, "linked": a.linked,
                    "linked_residue": a.linked_residue, "repaired": a.repaired,
                    "quarantined": dict(sorted(a.quarantined.items())), "skipped": a.skipped,
                    "other_source": a.other_source, "encoding": a.encoding,
                }
                for a in self.sources
            ],
            "entities": self.entities,
            "issues": self.issues,
            "conflicts": self.conflicts,
            "residue_reasons": self.residue_reasons,
            "seconds": self.seconds,
            "notes": self.notes,
            "as_of": quality.reference_date(specs).isoformat(),
        }  # fmt: skip


@dataclass(frozen=True)
class RunSettings:
    """How a run links, survives and judges quality (defaults suit the synthetic city)."""

    residue: ResidueSettings = field(default_factory=ResidueSettings)
    survivorship: SurvivorshipRules = field(default_factory=SurvivorshipRules)
    quality: quality.QualitySettings = field(default_factory=quality.QualitySettings)
    memory_limit: str | None = "3GB"
    """DuckDB's memory cap for the workspace (beyond it, work spills to disk); None: DuckDB's
    default, most of the machine's memory."""


def config_digest(specs: Sequence[SourceSpec], settings: RunSettings) -> str:
    """A digest of the sources and settings, to tell runs of the same configuration."""
    text = "\n".join(s.model_dump_json() for s in sorted(specs, key=lambda s: s.key))
    return hashlib.sha256((text + repr(settings)).encode()).hexdigest()


def _timed(seconds: dict[str, float], stage: str, started: float) -> None:
    seconds[stage] = round(seconds.get(stage, 0.0) + time.perf_counter() - started, 3)


def run_integration(
    specs: list[SourceSpec],
    data_dir: Path,
    con: duckdb.DuckDBPyConnection | None = None,
    progress: Progress | None = None,
    *,
    store: Engine | None = None,
    settings: RunSettings | None = None,
    incremental: bool = False,
) -> IntegrationResult:
    """Integrate the sources' files in ``data_dir`` on a DuckDB workspace connection, and
    publish the result into ``store`` when one is given (migrated; see `frontline.store`).

    ``incremental``: ``con`` is a workspace an earlier run left (a DuckDB file): sources whose
    files and description are unchanged are not read again, the linking model is reused and
    only pairs with a record of a changed source are scored, and only what changed is
    published. Without an earlier run in the workspace the run is simply a full one.
    """
    con = con or duckdb.connect()
    chosen = settings or RunSettings()
    if store is not None:  # corrections accepted in review are weighed again
        specs = [*specs, *correction_sources(specs, store)]
    say = progress or (lambda _stage, _done, _total: None)
    seconds: dict[str, float] = {}
    ids_sql.register(con)
    if chosen.memory_limit is not None:
        workspace.limit_memory(con, chosen.memory_limit)
    workspace.ensure_state(con)
    workspace.forget_sources_except(con, [s.key for s in specs])
    accounts = {s.key: SourceAccount(s.key, s.department, s.entity) for s in specs}
    changed: set[str] = set()
    for i, spec in enumerate(specs):
        say(f"read {spec.key}", i, len(specs))
        started = time.perf_counter()
        digest = workspace.source_digest(spec, data_dir)
        kept = workspace.source_state(con, spec.key) if incremental else None
        if kept is not None and digest is not None and kept.digest == digest:
            accounts[spec.key].rows_read = kept.rows_read
            accounts[spec.key].encoding = kept.encoding
            _timed(seconds, "read", started)
            continue
        changed.add(spec.key)
        workspace.remember_source(con, spec.key, None)
        read = read_source(con, spec, data_dir, f"raw_{spec.key}", store=store)
        accounts[spec.key].rows_read = read.rows_read
        accounts[spec.key].encoding = ", ".join(sorted(set(read.encodings.values())))
        _timed(seconds, "read", started)
        say(f"normalise {spec.key}", i, len(specs))
        started = time.perf_counter()
        normalise_source(con, spec, f"raw_{spec.key}", f"norm_{spec.key}")
        con.execute(f"DROP TABLE {q(f'raw_{spec.key}')}")
        if digest is not None:
            state = workspace.SourceState(digest, read.rows_read, accounts[spec.key].encoding)
            workspace.remember_source(con, spec.key, state)
        _timed(seconds, "normalise", started)
    say("validate and route", len(specs), len(specs))
    entities: dict[str, int] = {}
    residue_reasons: dict[str, int] = {}
    notes: list[str] = []
    started = time.perf_counter()
    previous: dict[str, bool] = {}
    for name, entity in entity_types().items():
        tables = {s.key: f"norm_{s.key}" for s in specs if s.entity == name}
        if not tables:
            continue
        records = f"records_{name}"
        previous[name] = incremental and scope.remember_links(con, name, changed)
        # An incremental run routes only the rows of the sources it read again.
        if not (
            previous[name] and reroute_records(con, entity, tables, records, changed & set(tables))
        ):
            route_records(con, entity, list(tables.values()), records)
        _timed(seconds, "route", started)
        say(f"link the {name} residue", len(specs), len(specs))
        started = time.perf_counter()
        if name == "person":
            decisions = _decisions(store) if store is not None else []
            model = _model(con, chosen) if incremental else None
            linked = link_person_residue(
                con, records, chosen.residue, decisions, model=model, changed=frozenset(changed)
            )
            kin = link_through_parents(con, records, specs)
            if kin:
                notes.append(
                    f"person: {kin} nameless records linked through a parent "
                    f"（{kin} 条无姓名记录经父母关联）"
                )
            jointly = link_through_co_holders(con, records, specs, decisions)
            if jointly:
                notes.append(
                    f"person: {jointly} records without an ID number linked through a "
                    f"co-holder's household （{jointly} 条无身份证号的记录经共有人家庭关联）"
                )
            ended = link_deaths_to_endings(con, records, specs, decisions)
            if ended:
                notes.append(
                    f"person: {ended} death records without an ID number linked through a "
                    f"payment the death ended （{ended} 条无身份证号的死亡记录经终止发放关联）"
                )
            named = chosen.residue.unique_name_confidence
            if named is not None:
                by_name = link_unique_names(con, records, decisions, confidence=named)
                if by_name:
                    notes.append(
                        f"person: {by_name} records without an ID number linked to the only "
                        f"person of their name （{by_name} 条无身份证号的记录按唯一姓名关联）"
                    )
            if linked.model is not None:
                grouped = group_unmatched(con, records, linked.model, chosen.residue, decisions)
                if grouped.persons:
                    notes.append(
                        f"person: {grouped.records} unmatched records grouped into "
                        f"{grouped.persons} provisional persons without a valid ID number "
                        f"（{grouped.records} 条未关联记录归并为 {grouped.persons} 个"
                        f"无有效身份证号的临时人员）"
                    )
            merged = duplicates.apply_merges(con, records, decisions)
            duplicates.find_duplicate_entities(con, linked.model, chosen.residue.review_threshold)
            if merged:
                notes.append(f"person: {merged} entities merged into others by stewards")
            text = json.dumps(linked.model) if linked.model is not None else None
            workspace.remember(con, "model", text)
            workspace.remember(con, "model_settings", repr(chosen.residue) if text else None)
        else:
            linked = link_enterprise_residue(con, records)
        if linked.note:
            notes.append(f"{name}: {linked.note}")
        _timed(seconds, "link residue", started)
        started = time.perf_counter()
        ident = q(entity.identifier.name + "__status")
        rows = con.execute(
            f"SELECT _source, _outcome, _reason, _residue_reason, count(*), "
            f"count(*) FILTER ({ident} = 'repaired') FROM {q(records)} GROUP BY ALL"
        ).fetchall()
        for source, outcome, reason, residue_reason, count, repaired in rows:
            if residue_reason:
                residue_reasons[residue_reason] = residue_reasons.get(residue_reason, 0) + count
            account = accounts[source]
            if outcome in (IDENTIFIER, PROBABILISTIC, RULE, REVIEW):
                account.linked += count
                account.repaired += repaired
                if outcome != IDENTIFIER:
                    account.linked_residue += count
            elif outcome == RESIDUE:  # only when no residue stage ran
                account.residue += count
            elif outcome == QUARANTINED:
                account.quarantined[reason] = account.quarantined.get(reason, 0) + count
            elif outcome == SKIPPED:
                account.skipped += count
            elif outcome == OTHER_SOURCE:
                account.other_source += count
        entities[name] = con.execute(
            f"SELECT count(DISTINCT _entity_key) FROM {q(records)}"
        ).fetchall()[0][0]
    _timed(seconds, "account", started)
    result = IntegrationResult(list(accounts.values()), entities, residue_reasons, seconds, notes)
    present = [n for n in entity_types() if any(s.entity == n for s in specs)]
    judged = _judge_settings(specs, chosen)
    partial = {
        name: previous.get(name, False)
        and workspace.meta(con, "judge_settings") == judged
        and all(
            workspace.has_table(con, t)
            for t in (f"candidates_{name}", f"survivors_{name}", f"golden_{name}", quality.ISSUES)
        )
        for name in present
    }
    for name in present:
        if partial[name]:
            result.affected[name] = scope.mark_touched(con, name, changed)[0]
    _survive_and_judge(con, specs, present, chosen, result, say, partial)
    workspace.remember(con, "judge_settings", judged)
    result.read = sorted(changed)
    if store is not None:
        _publish(
            con, specs, present, chosen, store, result, say, result.read if incremental else None
        )
    return result


def _model(con: duckdb.DuckDBPyConnection, chosen: RunSettings) -> dict[str, Any] | None:
    """The linking model the workspace's last run trained, if trained with these settings."""
    text = workspace.meta(con, "model")
    if text is None or workspace.meta(con, "model_settings") != repr(chosen.residue):
        return None
    model: dict[str, Any] = json.loads(text)
    return model


def _decisions(store: Engine) -> list[Decision]:
    """The stewards' decisions on person pairs, which every run obeys."""
    with Session(store) as session:
        return [
            Decision(
                f"{p.left_source}:{p.left_file}:{p.left_row}",
                f"{p.right_source}:{p.right_file}:{p.right_row}",
                p.status == "same",
            )
            for p in review_decisions(session, "person")
        ]


def _judge_settings(specs: Sequence[SourceSpec], chosen: RunSettings) -> str:
    """What survivorship and quality depend on beyond each source's own records: when it
    changes, an incremental run judges everything again."""
    return repr((chosen.survivorship, chosen.quality, quality.reference_date(specs)))


def _survive_and_judge(
    con: duckdb.DuckDBPyConnection,
    specs: Sequence[SourceSpec],
    present: Sequence[str],
    chosen: RunSettings,
    result: IntegrationResult,
    say: Progress,
    partial: Mapping[str, bool],
) -> None:
    """Golden records with provenance, then quality issues and the scores' counts — for the
    entity types in ``partial`` only those of the entities the run touched (see `scope`)."""
    types = entity_types()
    steps = len(specs)
    say("survive", steps, steps)
    started = time.perf_counter()
    for name in present:
        only = f"affected_{name}" if partial[name] else None
        survive(con, types[name], specs, f"records_{name}", chosen.survivorship, only=only)
    _timed(result.seconds, "survive", started)
    say("quality", steps, steps)
    started = time.perf_counter()
    quality.create_tables(con)
    for name in present:
        rows = f"rejudge_{name}" if partial[name] else None
        if rows is None:
            con.execute(f"DELETE FROM {quality.ISSUES} WHERE entity_type = ?", [name])
        quality.find_issues(con, types[name], specs, f"records_{name}", chosen.quality, rows=rows)
        quality.measure(con, types[name], specs, f"records_{name}", chosen.quality)
    for department, issue_type, count in con.execute(
        f"SELECT department_key, issue_type, count(*) FROM {quality.ISSUES} "
        "GROUP BY ALL ORDER BY ALL"
    ).fetchall():
        result.issues.setdefault(department, {})[issue_type] = int(count)
    result.scores = quality.department_scores(con)
    result.conflicts = [
        {"entity": e, "field": f, "department_key": d, "golden_department_key": g, "count": int(n)}
        for e, f, d, g, n in con.execute(
            f"SELECT entity_type, field, department_key, detail->>'golden_department', count(*) "
            f"FROM {quality.ISSUES} WHERE issue_type = 'conflict' GROUP BY ALL ORDER BY ALL"
        ).fetchall()
    ]
    _timed(result.seconds, "quality", started)


def _publish(
    con: duckdb.DuckDBPyConnection,
    specs: Sequence[SourceSpec],
    present: Sequence[str],
    chosen: RunSettings,
    store: Engine,
    result: IntegrationResult,
    say: Progress,
    changed: Sequence[str] | None,
) -> None:
    """Stable ids from the store, then one atomic publish of everything the run found — or,
    given the ``changed`` sources of an incremental run, of what changed."""
    steps = len(specs)
    started = time.perf_counter()
    with Session(store) as session:
        latest = latest_run(session)
        latest_id = latest.id if latest is not None else None
    run_id = start_run(store, config_digest(specs, chosen))
    # The workspace holds exactly what the store serves: its snapshots stand in for the store.
    current = can_publish_changes(con, latest_id)
    try:
        say("entity ids", steps, steps)
        for name in present:
            merges = duplicates.MERGES if name == "person" else None
            result.identities[name] = assign_entity_ids(
                con,
                store,
                name,
                f"records_{name}",
                full=True,
                merges=merges,
                snapshot=current and workspace.has_table(con, SNAPSHOT.format(name)),
            )
        _timed(result.seconds, "ids", started)
        started = time.perf_counter()
        say("publish", steps, steps)
        # Entities leaving (retired, merged) lose their golden records: only a full publish
        # removes them.
        retiring = any(i.reshaped for i in result.identities.values())
        diff = changed is not None and not retiring and current
        # What the run touched, when every type was judged again only where it changed.
        scopes = (
            {n: (f"affected_{n}", f"rejudge_{n}") for n in present}
            if all(n in result.affected for n in present)
            else None
        )
        result.published = publish_run(
            con,
            store,
            run_id,
            present,
            [s.key for s in specs],
            result.summary(specs),
            changed_sources=sorted(changed or ()) if diff else None,
            scopes=scopes,
            snapshots=[n for n, i in result.identities.items() if i.from_snapshot],
        )
        result.incremental_publish = diff
    except BaseException as error:
        # The publisher marks its own failures; this covers what failed before it began.
        fail_run(store, run_id, type(error).__name__)
        raise
    result.run_id = run_id
    _timed(result.seconds, "publish", started)
