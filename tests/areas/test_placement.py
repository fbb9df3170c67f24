from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from sqlalchemy import Connection, Engine, delete, select

from frontline.areas import (
    PlacementReport,
    grid_of_subject,
    load_areas,
    place_subjects,
    subjects_in,
    unplaced_subjects,
)
from frontline.areas.models import SubjectArea
from frontline.store import write_transaction
from frontline.store.golden import GoldenRecord
from frontline.synth import CityConfig
from tests.areas.factories import redraw
from tests.integrate.running import integrate

AS_OF = CityConfig(persons=300, seed=41).as_of


@pytest.fixture
def store(engine: Engine, city: Path) -> Engine:
    """The city integrated into a fresh store, with its areas loaded."""
    integrate(city, engine)[1].close()
    with write_transaction(engine) as connection:
        load_areas(connection, city / "areas", as_of=AS_OF)
    return engine


def _place(engine: Engine) -> PlacementReport:
    with write_transaction(engine) as connection:
        return place_subjects(connection)


def _true_grids(city: Path) -> dict[str, str]:
    """Each true resident ID number → the grid of the household's dwelling."""
    persons = pq.read_table(city / "truth" / "persons.parquet").to_pylist()
    households = pq.read_table(city / "truth" / "households.parquet").to_pylist()
    grid = {h["household_id"]: h["grid_code"] for h in households}
    return {p["id_number"]: grid[p["household_id"]] for p in persons}


def _placements(connection: Connection) -> dict[str, tuple[str | None, str]]:
    rows = connection.execute(
        select(SubjectArea.entity_id, SubjectArea.grid_code, SubjectArea.method)
    )
    return {entity_id: (grid, method) for entity_id, grid, method in rows}


def test_persons_land_in_their_true_grid(store: Engine, city: Path) -> None:
    report = _place(store)
    truth = _true_grids(city)
    with store.connect() as connection:
        persons = select(GoldenRecord.entity_id, GoldenRecord.values).where(
            GoldenRecord.entity_type == "person"
        )
        golden = dict(connection.execute(persons).all())
        placements = _placements(connection)
    assert report.subjects == len(golden) == len(placements)
    assert report.placed_total + sum(report.unplaced.values()) == report.subjects
    assert report.new == report.subjects
    assert report.moved == report.removed == 0
    placed = {e: grid for e, (grid, _) in placements.items() if grid is not None}
    right = sum(truth.get(golden[e].get("id_number", "")) == grid for e, grid in placed.items())
    with_address = sum(1 for values in golden.values() if values.get("address"))
    # Misplacements come from stale addresses only (a department's old address of a person
    # who moved within the district); the matching itself never guesses.
    assert right / len(placed) >= 0.97, f"{right} of {len(placed)} placed in their true grid"
    assert len(placed) / with_address >= 0.9, f"{len(placed)} of {with_address} placed"
    assert report.unplaced.get("no_address", 0) == len(golden) - with_address
    assert set(report.placed) <= {"address", "dwelling_key"}
    assert report.placed["dwelling_key"]
    for reason, examples in report.examples.items():
        assert examples == sorted(examples)
        assert 0 < len(examples) <= report.unplaced[reason]


def test_placing_again_changes_nothing_and_follows_removals(store: Engine) -> None:
    first = _place(store)
    with store.connect() as connection:
        before = connection.execute(select(SubjectArea).order_by(SubjectArea.entity_id)).all()
    later = _place_at(store, date(2026, 7, 2))
    assert (later.new, later.moved, later.removed) == (0, 0, 0)
    assert later.placed == first.placed
    assert later.unplaced == first.unplaced
    with store.connect() as connection:
        after = connection.execute(select(SubjectArea).order_by(SubjectArea.entity_id)).all()
    assert after == before  # placed_at included: nothing was rewritten
    gone = next(row.entity_id for row in before if row.grid_code is not None)
    with write_transaction(store) as connection:
        connection.execute(delete(GoldenRecord).where(GoldenRecord.entity_id == gone))
    assert _place(store).removed == 1
    with store.connect() as connection:
        assert grid_of_subject(connection, gone) is None


def test_enterprises_are_placed_apart_from_persons(store: Engine) -> None:
    persons = _place(store)
    with write_transaction(store) as connection:
        enterprises = place_subjects(connection, entity_type="enterprise")
    # The city's address table lists dwellings, not business premises on roads.
    assert enterprises.subjects > 0
    assert enterprises.placed_total == 0
    assert set(enterprises.unplaced) <= {"no_match", "no_address"}
    assert enterprises.removed == 0
    with store.connect() as connection:
        unplaced = unplaced_subjects(connection, entity_type="enterprise", limit=10_000)
        assert len(unplaced) == enterprises.subjects
    again = _place(store)  # placing persons leaves the enterprises' rows alone
    assert (again.new, again.moved, again.removed) == (0, 0, 0)
    assert again.placed == persons.placed


def _place_at(engine: Engine, day: date) -> PlacementReport:
    with write_transaction(engine) as connection:
        return place_subjects(connection, now=datetime(day.year, day.month, day.day, tzinfo=UTC))


def test_a_redrawn_grid_moves_its_residents(store: Engine, city: Path, tmp_path: Path) -> None:
    _place(store)
    with store.connect() as connection:
        before = _placements(connection)
    busiest = max(
        {g for g, _ in before.values() if g is not None},
        key=lambda g: sum(1 for grid, _ in before.values() if grid == g),
    )
    old = busiest
    new, moved = redraw(city / "areas", tmp_path / "redrawn", old)
    with write_transaction(store) as connection:
        imported = load_areas(connection, tmp_path / "redrawn", as_of=AS_OF + timedelta(days=30))
    assert imported.grids_opened == [new]
    assert imported.grids_closed == []
    assert imported.addresses.moved == len(moved)
    report = _place(store)
    with store.connect() as connection:
        after = _placements(connection)
        in_new = subjects_in(connection, new)
        in_old = subjects_in(connection, old)
        district = subjects_in(connection, "330106")
        unplaced = unplaced_subjects(connection, limit=10_000)
    changed = {e for e in after if after[e][0] != before[e][0]}
    assert changed == set(in_new)
    assert report.moved == len(in_new) > 0
    assert all(before[e][0] == old for e in in_new)
    assert set(in_old).isdisjoint(in_new)
    assert len(district) == report.placed_total
    assert len(unplaced) == sum(report.unplaced.values())
    assert {reason for _, reason in unplaced} == set(report.unplaced)
    with store.connect() as connection:
        assert grid_of_subject(connection, in_new[0]) == new
        assert grid_of_subject(connection, "P999999999") is None
