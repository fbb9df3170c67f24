"""The batching writer: many threads hand it events, one chain comes out, every seq once."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence

import pytest
from sqlalchemy import Connection, Engine, select

from frontline.audit import AuditEvent, AuditWriter, AuditWriterClosedError, Ed25519Signer
from frontline.audit import writer as writer_module
from frontline.audit.draft import EventDraft
from tests.audit.factories import check, read


def test_many_threads_get_their_own_seqs_in_one_valid_chain(
    engine: Engine, signer: Ed25519Signer, public_keys: dict[str, object]
) -> None:
    threads, rounds = 6, 20
    writer = AuditWriter(engine, signer=signer, checkpoint_every=25)
    given: dict[int, list[list[int]]] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(threads)

    def work(worker: int) -> None:
        try:
            start.wait()
            given[worker] = [
                writer.write([read(worker * 1000 + r * 2 + k) for k in range(1 + r % 2)])
                for r in range(rounds)
            ]
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    pool = [threading.Thread(target=work, args=(w,)) for w in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    writer.close()
    assert errors == []
    total = threads * sum(1 + r % 2 for r in range(rounds))
    seqs = [seq for answers in given.values() for answer in answers for seq in answer]
    assert sorted(seqs) == list(range(1, total + 1))
    # A request's events stay together, in the order it gave them.
    for worker, answers in given.items():
        for r, answer in enumerate(answers):
            assert answer == list(range(answer[0], answer[0] + 1 + r % 2)), (worker, r)
    with engine.connect() as connection:
        stored = dict(connection.execute(select(AuditEvent.seq, AuditEvent.subject_id)).all())
    for worker, answers in given.items():
        for r, answer in enumerate(answers):
            expected = [read(worker * 1000 + r * 2 + k).subject_id for k in range(len(answer))]
            assert [stored[s] for s in answer] == expected
    report = check(engine, public_keys)  # type: ignore[arg-type]
    assert report.ok, report.problems
    assert report.events == total


def test_a_failed_batch_fails_every_request_in_it_and_the_writer_goes_on(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = writer_module.append  # type: ignore[attr-defined]
    calls = 0

    def failing_once(
        connection: Connection, drafts: Sequence[EventDraft], **kw: object
    ) -> list[int]:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("the database went away")
        return real(connection, drafts, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(writer_module, "append", failing_once)
    writer = AuditWriter(engine)
    with pytest.raises(RuntimeError, match="went away"):
        writer.write([read(1)])
    assert writer.write([read(2)]) == [1]  # nothing of the failed batch was kept
    writer.close()
    with pytest.raises(AuditWriterClosedError):
        writer.write([read(3)])


def test_an_event_loop_awaits_its_events_without_blocking_its_thread(engine: Engine) -> None:
    writer = AuditWriter(engine)

    async def reads() -> tuple[list[list[int]], list[int]]:
        # Handed over together, committed by the writer's thread, awaited in the loop.
        futures = [asyncio.wrap_future(writer.submit([read(i), read(i + 100)])) for i in range(5)]
        return list(await asyncio.gather(*futures)), await asyncio.wrap_future(writer.submit([]))

    answers, nothing = asyncio.run(reads())
    writer.close()
    assert nothing == []
    assert sorted(seq for answer in answers for seq in answer) == list(range(1, 11))
    for answer in answers:
        assert answer[1] == answer[0] + 1
    with engine.connect() as connection:
        stored = dict(connection.execute(select(AuditEvent.seq, AuditEvent.subject_id)).all())
    assert [stored[s] for s in answers[2]] == [read(2).subject_id, read(102).subject_id]
