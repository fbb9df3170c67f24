"""A mistyped but valid resident ID makes a second entity for one person: it is offered for
review, a steward's "same" merges it (an event, the old id kept as merged), and taking the
decision back splits it off again under its old id."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from stdnum.cn import ric

from frontline.ids.resident import check_digit
from frontline.integrate.duplicates import CANDIDATES, _score_pairs
from frontline.store import (
    Entity,
    EntityEvent,
    RecordLink,
    ReviewPair,
    decide_review_pair,
)
from frontline.synth import CityConfig, generate_city
from tests.integrate.running import integrate


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("city")
    generate_city(CityConfig(persons=1000, seed=3), folder)
    return folder


def mistype_one_id(city: Path, tmp_path: Path) -> tuple[Path, int, str, str]:
    """Copy the city and give one register row a valid number one digit off the person's own,
    for a person that other departments know by the right number. Returns the city, the row,
    the right and the mistyped number."""
    copy = Path(shutil.copytree(city, tmp_path / "city"))
    path = copy / "household_registry.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="gbk"))))
    column = rows[0].index("公民身份号码")
    elsewhere = (copy / "pensions.csv").read_text(encoding="utf-8-sig")
    for index, row in enumerate(rows[1:], start=1):
        number = row[column]
        if len(number) != 18 or not ric.is_valid(number) or number not in elsewhere:
            continue
        # The 16th digit: part of the sequence number, leaving birth date and sex alone.
        body = number[:15] + str((int(number[15]) + 2) % 10) + number[16]
        mistyped = body + check_digit(body)
        row[column] = mistyped
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        path.write_text(out.getvalue(), encoding="gbk")
        return copy, index, number, mistyped
    raise AssertionError("no register row of a pensioner")


def test_a_second_entity_is_merged_and_split_on_the_stewards_word(
    pristine: Path, sqlite_store: Engine, tmp_path: Path
) -> None:
    city, row, right, mistyped = mistype_one_id(pristine, tmp_path)
    integrate(city, sqlite_store)
    with Session(sqlite_store) as session:
        ids = dict(session.execute(select(Entity.entity_key, Entity.entity_id)).all())
        pairs = session.scalars(
            select(ReviewPair).where(
                (ReviewPair.left_source == "household_registry") & (ReviewPair.left_row == row)
                | (ReviewPair.right_source == "household_registry") & (ReviewPair.right_row == row)
            )
        ).all()
    assert right in ids
    assert mistyped in ids
    assert len(pairs) == 1
    pair = pairs[0]
    assert pair.match_probability >= 0.5
    assert pair.records is not None
    assert {pair.records["left"]["id_number"], pair.records["right"]["id_number"]} == {
        right,
        mistyped,
    }

    with Session(sqlite_store) as session, session.begin():
        decide_review_pair(session, pair.id, same=True, decided_by="steward-1")
    merged, _ = integrate(city, sqlite_store)
    assert merged.identities["person"].merged == 1
    with Session(sqlite_store) as session:
        twin = session.get(Entity, ids[mistyped])
        link = session.get(RecordLink, ("household_registry", "household_registry.csv", row))
        events = session.scalars(select(EntityEvent).where(EntityEvent.kind == "merged")).all()
    assert twin is not None
    assert (twin.status, twin.merged_into) == ("merged", ids[right])
    assert link is not None
    assert (link.entity_id, link.method) == (ids[right], "review")
    assert [e.entity_ids for e in events] == [[ids[mistyped], ids[right]]]

    with Session(sqlite_store) as session, session.begin():
        decide_review_pair(session, pair.id, same=False, decided_by="steward-2")
    split, _ = integrate(city, sqlite_store)
    assert split.identities["person"].split == 1
    with Session(sqlite_store) as session:
        twin = session.get(Entity, ids[mistyped])
        link = session.get(RecordLink, ("household_registry", "household_registry.csv", row))
        events = session.scalars(select(EntityEvent).where(EntityEvent.kind == "split")).all()
    assert twin is not None
    assert (twin.status, twin.merged_into) == ("active", None)
    assert link is not None
    assert (link.entity_id, link.method) == (ids[mistyped], "identifier")
    assert [e.entity_ids for e in events] == [[ids[mistyped], ids[right]]]


def candidates(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    return con.execute(f"SELECT * FROM {CANDIDATES} ORDER BY ALL").fetchall()  # noqa: S608


def test_an_incremental_run_keeps_the_scored_pairs_until_they_change(
    pristine: Path, sqlite_store: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    city, row, _, _ = mistype_one_id(pristine, tmp_path)
    workspace = tmp_path / "workspace.duckdb"
    _, con = integrate(city, sqlite_store, workspace=workspace)
    listed = candidates(con)
    con.close()
    assert len(listed) == 1
    scored: list[int] = []

    def spied(*args: Any) -> None:
        scored.append(1)
        _score_pairs(*args)

    monkeypatch.setattr("frontline.integrate.duplicates._score_pairs", spied)
    # Another source changes: the pair and its records do not, so it is not scored again.
    pensions = city / "pensions.csv"
    pensions.write_text(pensions.read_text(encoding="utf-8-sig") + "\n", encoding="utf-8-sig")
    result, con = integrate(city, sqlite_store, workspace=workspace, incremental=True)
    assert result.read == ["pensions"]
    assert candidates(con) == listed
    con.close()
    assert scored == []
    # The register row of the mistyped number takes another phone: the pair is scored again
    # and, the two phones now disagreeing, falls below the review threshold.
    register = city / "household_registry.csv"
    rows = list(csv.reader(io.StringIO(register.read_text(encoding="gbk"))))
    rows[row][rows[0].index("联系电话")] = "13900000000"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    register.write_text(out.getvalue(), encoding="gbk")
    result, con = integrate(city, sqlite_store, workspace=workspace, incremental=True)
    assert result.read == ["household_registry"]
    again = candidates(con)
    con.close()
    assert scored == [1]
    assert again == []
