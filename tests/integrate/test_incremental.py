"""Incremental runs: one changed source is read again, only what changed is published, and the
store ends exactly where the workspace's view of the whole run says it should."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb
import pytest
from splink import DuckDBAPI
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from frontline.ids.sql import quote_identifier as q
from frontline.integrate.fields import ENTERPRISE, PERSON
from frontline.integrate.identity import SNAPSHOT
from frontline.integrate.quality import find_issues
from frontline.integrate.residue import _score
from frontline.integrate.residue_model import ResidueSettings, scoring_linker
from frontline.integrate.routing import reroute_records
from frontline.integrate.sources import load_sources
from frontline.integrate.survivorship import survive
from frontline.integrate.workspace import meta
from frontline.store import (
    Entity,
    GoldenRecord,
    QualityIssue,
    RecordLink,
)
from frontline.synth import CityConfig, generate_city
from tests.integrate.running import SOURCES, integrate

State = tuple[dict[str, Any], set[tuple[Any, ...]], Counter[str]]
"""Golden records by entity id, links, and issues counted by type, row, entity and field."""


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("city")
    generate_city(CityConfig(persons=1000, seed=5), folder)
    return folder


@pytest.fixture
def city(pristine: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(pristine, tmp_path / "city"))


def change_phones(city: Path, every: int) -> int:
    """Give every `every`-th pension row a new phone number; return how many changed."""
    path = city / "pensions.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    column = rows[0].index("LXDH")
    changed = 0
    for i in range(1, len(rows), every):
        rows[i][column] = f"1770000{i:04d}"
        changed += 1
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8-sig")
    return changed


def store_state(store: Engine) -> State:
    with Session(store) as session:
        golden = {
            g.entity_id: (g.values, g.provenance) for g in session.scalars(select(GoldenRecord))
        }
        links = {
            (x.source, x.file, x.row, x.entity_id, x.status, x.method, x.confidence, x.reason)
            for x in session.scalars(select(RecordLink))
        }
        issues = Counter(
            f"{i.issue_type}|{i.source}|{i.row}|{i.entity_id}|{i.field}"
            for i in session.scalars(select(QualityIssue))
        )
    return golden, links, issues


def workspace_state(
    con: duckdb.DuckDBPyConnection,
) -> State:
    golden = {
        entity_id: (json.loads(values), json.loads(provenance))
        for entity_id, _, values, provenance in con.execute(
            "SELECT * FROM published_golden"
        ).fetchall()
    }
    links = set(con.execute("SELECT * FROM published_links").fetchall())
    # Every issue the workspace holds (an incremental publish prepares only the touched ones).
    issues = Counter(
        f"{t}|{s}|{r}|{e}|{f}"
        for t, s, r, e, f in con.execute(
            """
            SELECT issue_type, source, row, i.entity_id, field FROM quality_issues x
            LEFT JOIN (SELECT entity_key, entity_id, 'person' AS entity_type
                       FROM entity_ids_person
                       UNION ALL
                       SELECT entity_key, entity_id, 'enterprise' FROM entity_ids_enterprise) i
                USING (entity_type, entity_key)
            """
        ).fetchall()
    )
    return golden, links, issues


def test_an_unchanged_rerun_reads_and_publishes_nothing(
    city: Path, store: Engine, tmp_path: Path
) -> None:
    workspace = tmp_path / "workspace.duckdb"
    first, con = integrate(city, store, workspace=workspace, incremental=True)
    con.close()
    assert len(first.read) == len(load_sources(SOURCES))
    assert not first.incremental_publish  # nothing to compare with yet
    second, con = integrate(city, store, workspace=workspace, incremental=True)
    con.close()
    assert second.read == []
    assert second.incremental_publish
    assert second.published is not None
    assert second.published.rows["golden"] == second.published.rows["links"] == 0
    assert [a.rows_read for a in second.sources] == [a.rows_read for a in first.sources]


def test_one_changed_source_touches_only_what_it_affects(
    city: Path, store: Engine, tmp_path: Path
) -> None:
    workspace = tmp_path / "workspace.duckdb"
    _, con = integrate(city, store, workspace=workspace, incremental=False)
    con.close()
    before = store_state(store)
    changed = change_phones(city, every=10)
    result, con = integrate(city, store, workspace=workspace, incremental=True)
    assert result.read == ["pensions"]
    assert result.incremental_publish
    assert result.published is not None
    rows = result.published.rows
    pensions = next(a.rows_read for a in result.sources if a.key == "pensions")
    # Only entities whose golden record changed, and the changed source's links.
    assert 0 < rows["golden"] <= changed
    assert rows["golden"] < 0.1 * sum(result.entities.values())
    assert pensions <= rows["links"] < pensions + 20
    # …and the store now holds exactly what the whole run computes.
    after = store_state(store)
    assert after == workspace_state(con)
    assert after[0] != before[0]
    con.close()
    history = {e for e, _ in after[0].items() if after[0][e] != before[0].get(e)}
    assert len(history) == rows["golden"]


def test_judging_only_the_touched_entities_equals_judging_everything(
    city: Path, sqlite_store: Engine, tmp_path: Path
) -> None:
    engine = sqlite_store
    workspace = tmp_path / "workspace.duckdb"
    _, con = integrate(city, engine, workspace=workspace, incremental=False)
    con.close()
    change_phones(city, every=7)
    result, con = integrate(city, engine, workspace=workspace, incremental=True)
    entities = sum(result.entities.values())
    assert 0 < sum(result.affected.values()) < 0.2 * entities
    issues = "SELECT * EXCLUDE (severity) FROM quality_issues ORDER BY ALL"
    partial = (
        con.execute("SELECT * FROM golden_person ORDER BY entity_key").fetchall(),
        con.execute("SELECT * FROM candidates_person ORDER BY ALL").fetchall(),
        con.execute(issues).fetchall(),
    )
    specs = load_sources(SOURCES)
    for name, entity in (("person", PERSON), ("enterprise", ENTERPRISE)):
        survive(con, entity, specs, f"records_{name}")
    con.execute("DELETE FROM quality_issues")
    for name, entity in (("person", PERSON), ("enterprise", ENTERPRISE)):
        find_issues(con, entity, specs, f"records_{name}")
    full = (
        con.execute("SELECT * FROM golden_person ORDER BY entity_key").fetchall(),
        con.execute("SELECT * FROM candidates_person ORDER BY ALL").fetchall(),
        con.execute(issues).fetchall(),
    )
    con.close()
    assert partial[0] == full[0]
    assert partial[1] == full[1]
    assert partial[2] == full[2]


def workspace_tables(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[Any, ...]]]:
    """The routed and linked records, the golden records and what was published, row sets
    with columns in name order (a rerouted table may hold its rows in another order)."""
    found = {}
    for table in ("records_person", "records_enterprise", "golden_person", "published_golden",
                  "published_links", "quality_issues"):  # fmt: skip
        names = sorted(
            name
            for (name,) in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE table_name = ?", [table]
            ).fetchall()
        )
        listed = ", ".join(map(q, names))
        query = f"SELECT {listed} FROM {q(table)} ORDER BY ALL"  # noqa: S608 - our tables
        found[table] = con.execute(query).fetchall()
    return found


@pytest.mark.parametrize("change", ["phones", "source_gone", "nothing"])
def test_routing_only_the_sources_read_again_equals_routing_everything(
    city: Path, sqlite_store: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    first = tmp_path / "first.duckdb"
    _, con = integrate(city, sqlite_store, workspace=first, incremental=False)
    con.close()
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(first, copy)
    specs = load_sources(SOURCES)
    if change == "phones":
        change_phones(city, every=7)
    elif change == "source_gone":
        specs = [s for s in specs if s.key != "vehicles_persons"]
    # The store is left as the first run published it for each of the two runs below.
    store_file = Path(str(sqlite_store.url.database))
    saved = tmp_path / "store.sqlite"
    sqlite_store.dispose()
    shutil.copyfile(store_file, saved)
    done: list[bool] = []

    def spied(*args: Any, **kwargs: Any) -> bool:
        done.append(reroute_records(*args, **kwargs))
        return done[-1]

    monkeypatch.setattr("frontline.integrate.pipeline.reroute_records", spied)
    result, con = integrate(city, sqlite_store, specs=specs, workspace=first, incremental=True)
    rerouted = workspace_tables(con)
    assert done == [True, True]  # both entity types rerouted, not routed again
    con.close()
    sqlite_store.dispose()
    shutil.copyfile(saved, store_file)
    calls: list[str] = []

    def route_everything(*args: Any, **kwargs: Any) -> bool:
        calls.append(args[3])
        return False

    monkeypatch.setattr("frontline.integrate.pipeline.reroute_records", route_everything)
    _, con = integrate(city, sqlite_store, specs=specs, workspace=copy, incremental=True)
    routed = workspace_tables(con)
    con.close()
    assert calls == ["records_person", "records_enterprise"]
    assert result.read == ({"phones": ["pensions"]}.get(change, []))
    for table, rows in routed.items():
        assert rerouted[table] == rows, table
    assert routed["records_person"]  # not two empty tables


def store_entities(store: Engine, entity_type: str) -> set[tuple[Any, ...]]:
    with Session(store) as session:
        return {
            (e.entity_key, e.entity_id, e.status, e.merged_into)
            for e in session.scalars(select(Entity).where(Entity.entity_type == entity_type))
        }


def snapshot_entities(con: duckdb.DuckDBPyConnection, entity_type: str) -> set[tuple[Any, ...]]:
    table = q(SNAPSHOT.format(entity_type))
    return set(con.execute(f"SELECT * FROM {table}").fetchall())  # noqa: S608 - our table


def test_the_workspace_keeps_the_store_s_entities_and_reads_them_instead(
    city: Path, store: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = tmp_path / "workspace.duckdb"
    specs = load_sources(SOURCES)
    _, con = integrate(city, store, workspace=workspace, incremental=False)
    con.close()

    def store_read(*_: Any) -> None:
        raise AssertionError("the store's entities were read: the snapshot is current")

    monkeypatch.setattr("frontline.integrate.identity._known", store_read)
    # A source gone retires the entities only it had; back again, they are reactivated.
    without = [s for s in specs if s.key != "vehicles_persons"]
    for run, chosen in enumerate((without, specs)):
        change_phones(city, every=13 + run)
        result, con = integrate(city, store, specs=chosen, workspace=workspace, incremental=True)
        changes = result.identities["person"]
        assert (changes.retired, changes.reactivated)[run] > 0
        # A source back after a run without it is read again: its rows are all there.
        assert all(a.accounted == a.rows_read for a in result.sources)
        assert ("vehicles_persons" in result.read) == (run == 1)
        for name in ("person", "enterprise"):
            assert snapshot_entities(con, name) == store_entities(store, name), (run, name)
        con.close()


def test_a_workspace_behind_the_store_reads_the_store(
    city: Path, sqlite_store: Engine, tmp_path: Path
) -> None:
    first, second = tmp_path / "first.duckdb", tmp_path / "second.duckdb"
    _, con = integrate(city, sqlite_store, workspace=first, incremental=False)
    con.close()
    shutil.copyfile(first, second)
    change_phones(city, every=9)
    _, con = integrate(city, sqlite_store, workspace=first, incremental=True)
    con.close()
    # ``second`` still holds the first publish, the store the one after it.
    result, con = integrate(city, sqlite_store, workspace=second, incremental=True)
    assert not result.incremental_publish
    for name in ("person", "enterprise"):
        assert snapshot_entities(con, name) == store_entities(sqlite_store, name)
    con.close()


def test_scoring_only_the_profiles_that_differ_equals_scoring_every_pair(
    city: Path, sqlite_store: Engine, tmp_path: Path
) -> None:
    workspace = tmp_path / "workspace.duckdb"
    _, con = integrate(city, sqlite_store, workspace=workspace, incremental=False)
    con.close()
    changed = change_phones(city, every=7)
    result, con = integrate(city, sqlite_store, workspace=workspace, incremental=True)
    assert result.read == ["pensions"]
    # Only the rows whose phone changed have another profile, not the whole source.
    differing = con.execute(
        "SELECT (SELECT count(*) FROM __differing_residue_left), "
        "(SELECT count(*) FROM __differing_residue_reference)"
    ).fetchall()[0]
    assert 0 < sum(differing) <= changed
    incremental = sorted(con.execute("SELECT * FROM residue_pairs").fetchall())
    model = meta(con, "model")
    assert model is not None
    con.execute("ALTER TABLE residue_pairs RENAME TO incremental_pairs")
    con.execute(
        "CREATE TABLE residue_pairs (unique_id VARCHAR, reference_id VARCHAR, probability DOUBLE)"
    )
    api = DuckDBAPI(connection=con)
    linker = scoring_linker(api, ["residue_left", "residue_reference"], json.loads(model))
    _score(con, linker, ResidueSettings(), "residue_left")
    every = sorted(con.execute("SELECT * FROM residue_pairs").fetchall())
    con.close()
    assert incremental == every
    # Pairs of the changed source's records and of the others alike.
    assert {p[0].startswith("pensions:") or p[1].startswith("pensions:") for p in every} == {
        True,
        False,
    }
