"""Appending: contiguous seqs, linked hashes, checkpoints, and the caller's transaction."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from frontline.audit import (
    GENESIS_HASH,
    AuditCheckpoint,
    AuditEvent,
    Ed25519Signer,
    EventDraft,
    append,
    chain_head,
    checkpoint,
    configure_chain,
)
from frontline.audit import log as log_module
from frontline.audit.chain import encode, hasher, link, microseconds
from frontline.audit.log import COPY_FROM
from frontline.store import hot, write_transaction
from tests.audit.factories import check, fill, read


def _events(engine: Engine) -> list[AuditEvent]:
    with Session(engine) as session:
        return list(session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))


def _checkpoints(engine: Engine) -> list[tuple[int, int]]:
    with Session(engine) as session:
        rows = session.execute(
            select(AuditCheckpoint.seq, AuditCheckpoint.prev_seq).order_by(AuditCheckpoint.seq)
        )
        return [(seq, prev) for seq, prev in rows]


def test_events_get_contiguous_seqs_and_linked_hashes(engine: Engine) -> None:
    with write_transaction(engine) as connection:
        assert append(connection, [read(0), read(1)]) == [1, 2]
        assert append(connection, [read(2)]) == [3]
        assert append(connection, []) == []
    events = _events(engine)
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[0].prev_hash == GENESIS_HASH
    sha256 = hasher("sha256")
    for before, event in zip([None, *events], events, strict=False):
        assert event.prev_hash == (before.hash if before else GENESIS_HASH)
        encoding = encode(
            microseconds(event.occurred_at),
            event.actor_id,
            event.actor_role,
            event.department,
            event.device_id,
            event.action,
            event.purpose_kind,
            event.purpose_ref,
            event.subject_type,
            event.subject_id,
            '["name","phone"]' if event.seq == 2 else '["name","address","id_number"]',
            f'{{"scenario":"elderly_home_visit","version":{1 + (event.seq - 1) % 2}}}',
        )
        assert event.hash == link(sha256, event.prev_hash, encoding)
    with engine.connect() as connection:
        head = chain_head(connection)
    assert (head.last_seq, head.last_hash, head.checkpoint_seq) == (3, events[-1].hash, 0)


def test_an_event_keeps_what_its_draft_said(engine: Engine) -> None:
    at = datetime(2026, 11, 30, 9, 15, 1, 250001, tzinfo=UTC)
    draft = read(3, occurred_at=at, detail={"说明": "上门走访", "n": 2}, device_id=None)
    with write_transaction(engine) as connection:
        append(connection, [draft])
    (event,) = _events(engine)
    assert event.occurred_at == at
    assert event.fields == ["name", "phone"]
    assert event.detail == {"说明": "上门走访", "n": 2}
    assert (event.actor_id, event.department, event.device_id) == ("103", "civil_affairs", None)
    assert (event.purpose_kind, event.purpose_ref, event.subject_id) == ("task", "T3", "P000000003")


def test_a_rolled_back_read_leaves_no_event(engine: Engine) -> None:
    def read_then_fail() -> None:
        with write_transaction(engine) as connection:
            append(connection, [read(0), read(1)])
            raise RuntimeError("the read failed after its audit event was appended")

    with pytest.raises(RuntimeError):
        read_then_fail()
    with write_transaction(engine) as connection:
        assert append(connection, [read(2)]) == [1]
    assert check(engine, {}).ok


def test_a_checkpoint_is_signed_whenever_enough_events_passed(
    engine: Engine, signer: Ed25519Signer
) -> None:
    fill(engine, 25, signer=signer, every=10, batch=1)
    assert _checkpoints(engine) == [(10, 0), (20, 10)]
    fill(engine, 12, signer=signer, every=10, batch=12, start=25)
    # A batch that passes the mark is checkpointed at its last event.
    assert _checkpoints(engine) == [(10, 0), (20, 10), (37, 20)]
    fill(engine, 5, every=10, batch=5, start=37)
    assert _checkpoints(engine)[-1] == (37, 20)  # no signer, no checkpoint
    with engine.connect() as connection:
        head = chain_head(connection)
    assert (head.last_seq, head.checkpoint_seq) == (42, 37)
    assert head.checkpointed_at is not None


def test_a_checkpoint_can_be_forced_by_a_timer(engine: Engine, signer: Ed25519Signer) -> None:
    with write_transaction(engine) as connection:
        assert checkpoint(connection, signer) is None  # nothing to cover yet
    fill(engine, 3)
    with write_transaction(engine) as connection:
        assert checkpoint(connection, signer) == 3
        assert checkpoint(connection, signer) is None
    assert _checkpoints(engine) == [(3, 0)]


def test_sm3_is_chosen_before_the_first_event(
    engine: Engine, signer: Ed25519Signer, public_keys: dict[str, object]
) -> None:
    with write_transaction(engine) as connection:
        configure_chain(connection, algorithm="sm3")
    fill(engine, 12, signer=signer, every=5)
    events = _events(engine)
    sm3 = hasher("sm3")
    first = events[0]
    encoding = encode(
        microseconds(first.occurred_at),
        first.actor_id,
        first.actor_role,
        first.department,
        first.device_id,
        first.action,
        first.purpose_kind,
        first.purpose_ref,
        first.subject_type,
        first.subject_id,
        '["name","address","id_number"]',
        '{"scenario":"elderly_home_visit","version":1}',
    )
    assert first.hash == link(sm3, GENESIS_HASH, encoding)
    report = check(engine, public_keys)  # type: ignore[arg-type]
    assert (report.ok, report.algorithm, report.proven_through) == (True, "sm3", 12)
    with write_transaction(engine) as connection, pytest.raises(ValueError, match="before"):
        configure_chain(connection, algorithm="sha256")
    with write_transaction(engine) as connection, pytest.raises(ValueError, match="unknown"):
        configure_chain(connection, algorithm="md5")


def test_concurrent_appenders_keep_one_valid_chain(
    engine: Engine, signer: Ed25519Signer, public_keys: dict[str, object]
) -> None:
    threads, rounds = 4, 15
    errors: list[BaseException] = []
    start = threading.Barrier(threads)

    def work(worker: int) -> None:
        try:
            start.wait()
            for r in range(rounds):
                with write_transaction(engine) as connection:
                    drafts = [read(worker * 1000 + r * 3 + k) for k in range(1 + r % 3)]
                    append(connection, drafts, signer=signer, checkpoint_every=10)
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    pool = [threading.Thread(target=work, args=(w,)) for w in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    assert errors == []
    total = threads * sum(1 + r % 3 for r in range(rounds))
    assert [e.seq for e in _events(engine)] == list(range(1, total + 1))
    report = check(engine, public_keys)  # type: ignore[arg-type]
    assert report.ok, report.problems
    assert report.events == total
    assert report.checkpoints == len(_checkpoints(engine)) >= total // 10 - threads


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"purpose_kind": "none", "purpose_ref": None}, "must state its purpose"),
        ({"subject_id": None, "subject_type": None}, "must name its subject"),
        ({"purpose_kind": "curiosity"}, "purpose_kind"),
        ({"purpose_ref": None}, "purpose_ref is required"),
        ({"department": "x" * 65}, "department"),
        ({"action": ""}, "action"),
        ({"actor_id": "1\x002"}, "actor_id"),
        ({"fields": ("name", "")}, "field names"),
        ({"subject_id": None, "fields": ()}, "subject_type and subject_id go together"),
        ({"occurred_at": datetime(2026, 1, 1)}, "aware"),
        ({"detail": ["not", "an", "object"]}, "JSON object"),
    ],
)
def test_a_draft_that_cannot_be_accounted_for_is_refused(
    changes: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        read(1, **changes)


def test_a_sign_in_needs_no_subject_or_purpose() -> None:
    draft = EventDraft("sign_in", actor_id="17", actor_role="worker", department="civil_affairs")
    assert (draft.fields, draft.purpose_kind, draft.subject_id) == ((), "none", None)


def test_detail_that_json_cannot_hold_is_refused(engine: Engine) -> None:
    with write_transaction(engine) as connection, pytest.raises(ValueError, match="JSON"):
        append(connection, [read(1, detail={"x": float("inf")})])


def test_awkward_values_are_stored_exactly_and_verify(engine: Engine) -> None:
    drafts = [
        read(
            1,
            actor_id="工号-７",
            department='民政局 "社会救助" \\ 科',
            device_id="📱" * 16,
            purpose_ref="x" * 128,
            subject_id="P" + "9" * 63,
            fields=("姓名", "phone\u2028", 'a"b'),
            detail={"换行": "a\nb\tc\x00d", "emoji": "🧓", "n": -1.5e-7, "big": 2**70},
        ),
        EventDraft("sign_in_refused", detail={"reason": "locked"}),
    ]
    with write_transaction(engine) as connection:
        append(connection, drafts)
    first, second = _events(engine)
    assert first.device_id == "📱" * 16
    assert first.fields == ["姓名", "phone\u2028", 'a"b']
    assert first.detail == {"换行": "a\nb\tc\x00d", "emoji": "🧓", "n": -1.5e-7, "big": 2**70}
    assert (second.actor_id, second.fields, second.purpose_kind) == (None, [], "none")
    assert check(engine, {}).ok


def test_a_large_batch_goes_in_with_copy_on_postgresql_and_reads_back_exactly(
    engine: Engine,
    signer: Ed25519Signer,
    public_keys: dict[str, object],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    copied: list[bool] = []
    real = hot.copy_rows

    def counted(*arguments: Any) -> bool:
        copied.append(real(*arguments))
        return copied[-1]

    monkeypatch.setattr(log_module, "copy_rows", counted)
    drafts = [
        read(i, device_id=None if i % 2 else "D0001", detail={"备注": f"第{i}次"})
        for i in range(30)
    ]
    with write_transaction(engine) as connection:
        small = append(connection, drafts[: COPY_FROM - 1], signer=signer, checkpoint_every=10)
        large = append(connection, drafts[COPY_FROM - 1 :], signer=signer, checkpoint_every=10)
    assert small + large == list(range(1, 31))
    # Only the large batch is offered to COPY; SQLite declines it and inserts as before.
    assert copied == [engine.dialect.name == "postgresql"]
    stored = _events(engine)
    assert [(e.subject_id, e.device_id, e.detail) for e in stored] == [
        (d.subject_id, d.device_id, dict(d.detail)) for d in drafts
    ]
    report = check(engine, public_keys)  # type: ignore[arg-type]
    assert report.ok, report.problems
