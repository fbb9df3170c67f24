"""Audit events built the way the access policy would record them, and a filled log."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import (
    Connection,
    Engine,
    Text,
    bindparam,
    insert,
    select,
    text,
    type_coerce,
    update,
)

from frontline.audit import (
    GENESIS_HASH,
    Anchor,
    AuditEvent,
    EventDraft,
    Signer,
    VerifyReport,
    append,
    snapshot,
    verify,
)
from frontline.audit.chain import document_text, encode, hasher, link, microseconds

DEPARTMENTS = ("civil_affairs", "human_resources_social_security", "market_regulation")


def read(i: int, **changes: object) -> EventDraft:
    """Worker `i % 7` reading person `i % 13`'s fields for task T`i`."""
    values: dict[str, object] = {
        "action": "read",
        "actor_id": str(100 + i % 7),
        "actor_role": "worker",
        "department": DEPARTMENTS[i % 3],
        "device_id": f"D{i % 5:04d}",
        "purpose_kind": "task",
        "purpose_ref": f"T{i}",
        "subject_type": "person",
        "subject_id": f"P{i % 13:09d}",
        "fields": ("name", "phone") if i % 2 else ("name", "address", "id_number"),
        "detail": {"scenario": "elderly_home_visit", "version": 1 + i % 2},
    }
    values.update(changes)
    return EventDraft(**values)  # type: ignore[arg-type]


def fill(
    engine: Engine,
    count: int,
    *,
    signer: Signer | None = None,
    every: int = 10,
    batch: int = 7,
    start: int = 0,
) -> None:
    """Append `count` reads in transactions of `batch` events, checkpointing every `every`."""
    for first in range(start, start + count, batch):
        with engine.begin() as connection:
            drafts = [read(i) for i in range(first, min(first + batch, start + count))]
            append(connection, drafts, signer=signer, checkpoint_every=every)


def run_sql(engine: Engine, statement: str, **params: object) -> None:
    """Tamper directly in the database, as someone with write access could."""
    with engine.begin() as connection:
        connection.execute(text(statement), params)


def check(
    engine: Engine,
    public_keys: Mapping[str, Ed25519PublicKey],
    anchors: Sequence[Anchor] = (),
) -> VerifyReport:
    """Verify the log in a snapshot."""
    with snapshot(engine) as connection:
        return verify(connection, public_keys=public_keys, anchors=anchors)


def found(report: VerifyReport) -> list[tuple[int, str]]:
    """The problems as (seq, kind), by seq."""
    return [(p.seq, p.kind) for p in report.problems]


# What someone with write access and the (public) chain algorithm can do: recompute hashes.


def _stored(connection: Connection, seq: int) -> tuple[Any, ...]:
    row = connection.execute(
        select(
            AuditEvent.occurred_at,
            AuditEvent.actor_id,
            AuditEvent.actor_role,
            AuditEvent.department,
            AuditEvent.device_id,
            AuditEvent.action,
            AuditEvent.purpose_kind,
            AuditEvent.purpose_ref,
            AuditEvent.subject_type,
            AuditEvent.subject_id,
            type_coerce(AuditEvent.fields, Text()),
            type_coerce(AuditEvent.detail, Text()),
            AuditEvent.prev_hash,
        ).where(AuditEvent.seq == seq)
    ).one()
    return tuple(row)


def _hash_of(row: tuple[Any, ...], prev_hash: str) -> str:
    encoding = encode(microseconds(row[0]), *row[1:12])
    return link(hasher("sha256"), prev_hash, encoding)


def rehash(engine: Engine, seq: int) -> str:
    """Give event `seq` the hash of its (edited) content; return it."""
    with engine.begin() as connection:
        row = _stored(connection, seq)
        digest = _hash_of(row, row[12])
        connection.execute(update(AuditEvent).where(AuditEvent.seq == seq).values(hash=digest))
    return digest


def relink(engine: Engine, first: int, last: int) -> str:
    """Rewrite `prev_hash` and `hash` of events `first`..`last` into a consistent chain."""
    with engine.begin() as connection:
        previous = connection.scalar(select(AuditEvent.hash).where(AuditEvent.seq == first - 1))
        for seq in range(first, last + 1):
            digest = _hash_of(_stored(connection, seq), previous or GENESIS_HASH)
            connection.execute(
                update(AuditEvent)
                .where(AuditEvent.seq == seq)
                .values(prev_hash=previous or GENESIS_HASH, hash=digest)
            )
            previous = digest
    assert previous is not None
    return previous


def forge(engine: Engine, seq: int, draft: EventDraft) -> None:
    """Insert a well-formed event at `seq` linked to the event stored at `seq - 1`."""
    fields_text, detail_text = document_text(list(draft.fields)), document_text(dict(draft.detail))
    occurred_at = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)
    with engine.begin() as connection:
        previous = connection.scalar(select(AuditEvent.hash).where(AuditEvent.seq == seq - 1))
        prev_hash = previous or GENESIS_HASH
        encoding = encode(
            microseconds(occurred_at),
            draft.actor_id,
            draft.actor_role,
            draft.department,
            draft.device_id,
            draft.action,
            draft.purpose_kind,
            draft.purpose_ref,
            draft.subject_type,
            draft.subject_id,
            fields_text,
            detail_text,
        )
        connection.execute(
            insert(AuditEvent).values(
                seq=seq,
                occurred_at=occurred_at,
                actor_id=draft.actor_id,
                actor_role=draft.actor_role,
                department=draft.department,
                device_id=draft.device_id,
                action=draft.action,
                purpose_kind=draft.purpose_kind,
                purpose_ref=draft.purpose_ref,
                subject_type=draft.subject_type,
                subject_id=draft.subject_id,
                fields=bindparam("fields_text", fields_text, type_=Text()),
                detail=bindparam("detail_text", detail_text, type_=Text()),
                prev_hash=prev_hash,
                hash=link(hasher("sha256"), prev_hash, encoding),
            )
        )


def shift(engine: Engine, first: int, by: int) -> None:
    """Renumber events `first`… by `by` (through negatives: seq is a primary key)."""
    run_sql(
        engine, "UPDATE audit_events SET seq = -(seq + :by) WHERE seq >= :first", by=by, first=first
    )
    run_sql(engine, "UPDATE audit_events SET seq = -seq WHERE seq < 0")


def swap(engine: Engine, a: int, b: int) -> None:
    """Exchange two events' places: each row takes the other's seq."""
    run_sql(engine, "UPDATE audit_events SET seq = -1 WHERE seq = :a", a=a)
    run_sql(engine, "UPDATE audit_events SET seq = :a WHERE seq = :b", a=a, b=b)
    run_sql(engine, "UPDATE audit_events SET seq = :b WHERE seq = -1", b=b)


def hash_at(engine: Engine, seq: int) -> str:
    """The hash stored for event `seq`."""
    with engine.connect() as connection:
        stored = connection.scalar(select(AuditEvent.hash).where(AuditEvent.seq == seq))
    assert stored is not None
    return stored
