import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from frontline.store import (
    EntityRow,
    RunSummary,
    Scope,
    allocate_entity_ids,
    allocate_on,
    begin_write,
    format_entity_id,
    publish,
    register_entity_type,
    start_run,
)
from frontline.store.counters import IdBlock, entity_number


def test_ids_are_the_prefix_and_nine_digits() -> None:
    assert format_entity_id("P", 123) == "P000000123"
    assert format_entity_id("E", 45) == "E000000045"
    assert format_entity_id("P", 1_234_567_890) == "P1234567890"
    assert entity_number("P000000123", "P") == 123
    assert entity_number("E000000123", "P") is None
    assert entity_number("P12", "P") is None


def test_blocks_follow_each_other(engine: Engine) -> None:
    first = allocate_entity_ids(engine, "person", 3)
    second = allocate_entity_ids(engine, "person", 2)
    enterprises = allocate_entity_ids(engine, "enterprise", 1)
    assert list(first) == ["P000000001", "P000000002", "P000000003"]
    assert list(second) == ["P000000004", "P000000005"]
    assert list(enterprises) == ["E000000001"]
    assert len(first) == 3
    assert allocate_entity_ids(engine, "person", 0) == IdBlock("P", 6, 0)


def test_an_unknown_type_must_be_registered(engine: Engine) -> None:
    with pytest.raises(LookupError, match="register_entity_type"):
        allocate_entity_ids(engine, "vehicle", 1)
    register_entity_type(engine, "vehicle", "V")
    register_entity_type(engine, "vehicle", "V")  # again: nothing happens
    assert list(allocate_entity_ids(engine, "vehicle", 1)) == ["V000000001"]


def test_prefixes_never_collide(engine: Engine) -> None:
    with pytest.raises(ValueError, match="'person' uses 'P'"):
        register_entity_type(engine, "property", "P")
    with pytest.raises(ValueError, match="'person' uses 'P'"):
        register_entity_type(engine, "person", "PE")
    with pytest.raises(ValueError, match="capital letters"):
        register_entity_type(engine, "vehicle", "v1")


def test_negative_counts_are_refused(engine: Engine) -> None:
    with pytest.raises(ValueError, match="-1"):
        allocate_entity_ids(engine, "person", -1)


def test_concurrent_allocations_never_overlap(engine: Engine) -> None:
    # Several threads (each on its own pooled connection) allocate at the same time.
    blocks: list[IdBlock] = []
    start = threading.Barrier(4)

    def allocate() -> None:
        start.wait()
        for size in (1, 7, 3, 50, 2):
            blocks.append(allocate_entity_ids(engine, "person", size))

    threads = [threading.Thread(target=allocate) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ids = [entity_id for block in blocks for entity_id in block]
    assert len(ids) == len(set(ids)) == 4 * 63
    assert sorted(ids) == [format_entity_id("P", n) for n in range(1, 4 * 63 + 1)]


def test_a_second_session_waits_for_the_first(engine: Engine) -> None:
    # Session A takes a block and holds its transaction open; session B's allocation must
    # wait for A's commit and then continue after A's block.
    taken: list[IdBlock] = []
    with engine.connect() as first:
        transaction = begin_write(first)
        block = allocate_on(first, "person", 5)
        second = threading.Thread(
            target=lambda: taken.append(allocate_entity_ids(engine, "person", 3))
        )
        second.start()
        second.join(timeout=0.5)
        assert second.is_alive()
        assert taken == []
        transaction.commit()
    second.join(timeout=10)
    assert list(block) == [format_entity_id("P", n) for n in range(1, 6)]
    assert taken == [IdBlock("P", 6, 3)]


def test_ids_of_a_rolled_back_allocation_were_never_given(engine: Engine) -> None:
    with engine.connect() as connection:
        transaction = begin_write(connection)
        allocate_on(connection, "person", 5)
        transaction.rollback()
    assert allocate_entity_ids(engine, "person", 1) == IdBlock("P", 1, 1)


def test_ids_of_a_failed_publish_are_never_given_again(engine: Engine) -> None:
    block = allocate_entity_ids(engine, "person", 3)

    def entities() -> Iterator[EntityRow]:
        yield from (EntityRow(e, "person", e) for e in block)
        raise RuntimeError("the run fails")

    run = RunSummary(start_run(engine, "digest"), Scope())
    with pytest.raises(RuntimeError, match="the run fails"):
        publish(engine, run, replace=True, entities=entities())
    assert allocate_entity_ids(engine, "person", 1) == IdBlock("P", 4, 1)
