"""A publish is all or nothing: whatever fails, the previous published state stays exactly."""

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from frontline.store import (
    GoldenRecord,
    IntegrationRun,
    LinkRow,
    Publisher,
    PublishError,
    golden_record,
    latest_run,
    publish,
)
from tests.store.factories import City, new_run, person_values, snapshot

T = TypeVar("T")


class InjectedError(RuntimeError):
    """The failure a test injects."""


def exploding(rows: Iterable[T], after: int) -> Iterator[T]:
    """`rows`, raising `InjectedError` after `after` of them."""
    for i, row in enumerate(rows):
        if i == after:
            raise InjectedError(f"failed after {after} rows")
        yield row


def published_city(engine: Engine) -> City:
    city = City(engine, 30)
    publish(
        engine,
        new_run(engine),
        replace=True,
        entities=city.entities(),
        golden=city.golden(),
        links=city.links(),
        issues=city.issues(),
    )
    return city


def changed(city: City) -> City:
    """The same city with every name and the first half of the addresses changed."""
    for i, entity_id in enumerate(city.ids):
        city.values[entity_id] = person_values(i, name=f"新{i}", address="上海" if i < 15 else None)
    return city


def fail_in_entities(p: Publisher, c: City) -> None:
    p.entities(exploding(c.entities(), 10))


def fail_in_golden(p: Publisher, c: City) -> None:
    p.entities(c.entities())
    p.golden(exploding(c.golden(), 25))


def fail_in_links(p: Publisher, c: City) -> None:
    p.entities(c.entities())
    p.golden(c.golden())
    p.links(exploding(c.links(), 45))


def fail_after_everything(p: Publisher, c: City) -> None:
    p.entities(c.entities())
    p.golden(c.golden())
    p.links(c.links())
    p.issues(c.issues())
    raise InjectedError("after everything")


def fail_at_finish(p: Publisher, c: City) -> None:
    # Links are checked at the end: a link to an unknown entity fails only then.
    p.golden(c.golden())
    p.links([*c.links(), LinkRow("health", "x.csv", 1, "P000000999", "linked")])


FAILURES: dict[str, tuple[Callable[[Publisher, City], None], type[Exception]]] = {
    "in-entities": (fail_in_entities, InjectedError),
    "in-golden": (fail_in_golden, InjectedError),
    "in-links": (fail_in_links, InjectedError),
    "after-everything": (fail_after_everything, InjectedError),
    "at-finish": (fail_at_finish, PublishError),
}


@pytest.mark.parametrize("failure", FAILURES)
def test_a_failed_publish_leaves_the_previous_state(engine: Engine, failure: str) -> None:
    city = published_city(engine)
    before = snapshot(engine)
    run = new_run(engine)
    fail, expected = FAILURES[failure]
    publisher = Publisher(engine, run, replace=True, batch_size=7)
    with pytest.raises(expected) as raised, publisher:
        fail(publisher, changed(city))
    assert snapshot(engine) == before
    with Session(engine) as session:
        failed = session.get(IntegrationRun, run.run_id)
        assert failed is not None
        assert failed.status == "failed"
        assert failed.summary == {"error": raised.type.__name__}
        latest = latest_run(session)
        assert latest is not None
        assert latest.id == run.run_id - 1
        record = golden_record(session, city.ids[0])
        assert record is not None
        assert record.values == person_values(0)
    # The same engine publishes again afterwards (no stage table or lock left behind).
    publish(engine, new_run(engine), replace=True, entities=city.entities(), golden=city.golden())
    with Session(engine) as session:
        record = golden_record(session, city.ids[0])
        assert record is not None
        assert record.values["name"] == "新0"


def test_a_failing_progress_callback_aborts_the_publish(engine: Engine) -> None:
    city = published_city(engine)
    before = snapshot(engine)

    def progress(table: str, rows: int) -> None:
        if table == "stage_record_links" and rows >= 20:
            raise InjectedError(table)

    with pytest.raises(InjectedError):
        publish(
            engine,
            new_run(engine),
            replace=True,
            entities=changed(city).entities(),
            golden=city.golden(),
            links=city.links(),
            batch_size=10,
            progress=progress,
        )
    assert snapshot(engine) == before


def test_readers_see_the_previous_state_until_the_commit(engine: Engine) -> None:
    city = published_city(engine)
    changed(city)

    def read() -> tuple[int, str]:
        with Session(engine) as session:
            total = session.scalar(select(func.count()).select_from(GoldenRecord)) or 0
            record = golden_record(session, city.ids[0])
            assert record is not None
            return total, record.values["name"]

    with Publisher(engine, new_run(engine), replace=True) as publisher:
        # Entities are folded into the live table at once, golden records at the end:
        # neither is visible to another connection before the commit.
        publisher.entities(city.entities()[:10])
        publisher.golden(city.golden()[:10])
        assert read() == (30, "王小明")
    assert read() == (10, "新0")


def test_a_first_publish_is_invisible_until_the_commit(engine: Engine) -> None:
    city = City(engine, 5)
    with Publisher(engine, new_run(engine), replace=True) as publisher:
        publisher.entities(city.entities())
        publisher.golden(city.golden())  # straight into the empty live table
        with Session(engine) as session:
            assert session.scalar(select(func.count()).select_from(GoldenRecord)) == 0
            assert latest_run(session) is None
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(GoldenRecord)) == 5
