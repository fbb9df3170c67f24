"""The audit chain's status for auditors: its head, its newest checkpoints, the last
verification — and verifying it on demand, with the result recorded in the chain itself.

A verification reads the whole log in one snapshot (seconds for a million events), then
appends one `audit_verified` event with its outcome (counts and seqs only), so "when was the
log last checked, by whom, and what was found" is itself tamper-evident.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Connection, Engine, select

from frontline.audit import (
    AuditCheckpoint,
    AuditEvent,
    ChainHead,
    EventDraft,
    Signer,
    VerifyReport,
    append,
    chain_head,
    snapshot,
    verify,
)
from frontline.staff.principal import Principal

VERIFIED = "audit_verified"


@dataclass(frozen=True, slots=True)
class CheckpointInfo:
    """One signed checkpoint."""

    seq: int
    signed_at: datetime
    key_id: str
    hash: str


@dataclass(frozen=True, slots=True)
class Verification:
    """A recorded verification: when, by whom, what it found."""

    seq: int
    at: datetime
    actor_id: str | None
    ok: bool
    events: int
    proven_through: int
    checkpoints_verified: int
    signatures_checked: bool
    problems: Mapping[str, int]
    first_problem_seq: int | None


@dataclass(frozen=True, slots=True)
class ChainStatus:
    """Where the chain stands."""

    head: ChainHead
    checkpoints: tuple[CheckpointInfo, ...]
    """The newest first."""
    last_verification: Verification | None


def chain_status(connection: Connection, *, checkpoints: int = 10) -> ChainStatus:
    """The head, the newest `checkpoints` checkpoints and the last recorded verification."""
    rows = connection.execute(
        select(
            AuditCheckpoint.seq,
            AuditCheckpoint.signed_at,
            AuditCheckpoint.key_id,
            AuditCheckpoint.hash,
        )
        .order_by(AuditCheckpoint.seq.desc())
        .limit(checkpoints)
    )
    last = connection.execute(
        select(AuditEvent.seq, AuditEvent.occurred_at, AuditEvent.actor_id, AuditEvent.detail)
        .where(AuditEvent.action == VERIFIED)
        .order_by(AuditEvent.seq.desc())
        .limit(1)
    ).one_or_none()
    return ChainStatus(
        head=chain_head(connection),
        checkpoints=tuple(CheckpointInfo(*row) for row in rows),
        last_verification=None if last is None else _verification(*last),
    )


def verify_and_record(
    engine: Engine,
    connection: Connection,
    principal: Principal,
    *,
    public_keys: Mapping[str, Ed25519PublicKey],
    now: datetime,
    signer: Signer | None = None,
) -> Verification:
    """Verify the whole log now (in a snapshot of its own, read through `engine`), and record
    the outcome as an event in `connection`'s transaction (the caller commits)."""
    with snapshot(engine) as reading:
        report = verify(reading, public_keys=public_keys, limit=20)
    detail = _detail(report)
    (seq,) = append(
        connection,
        [
            EventDraft(
                VERIFIED,
                actor_id=str(principal.staff_id),
                actor_role="auditor",
                department=principal.department,
                detail=detail,
                occurred_at=now,
            )
        ],
        signer=signer,
    )
    return _verification(seq, now, str(principal.staff_id), detail)


def _detail(report: VerifyReport) -> dict[str, object]:
    first = report.first_break
    return {
        "ok": report.ok,
        "events": report.events,
        "proven_through": report.proven_through,
        "checkpoints_verified": report.checkpoints_verified,
        "signatures_checked": report.signatures_checked,
        "problems": dict(report.problem_counts),
        "first_problem_seq": first.seq if first else None,
    }


def _verification(seq: int, at: datetime, actor: str | None, detail: object) -> Verification:
    found = detail if isinstance(detail, dict) else {}
    problems = found.get("problems")
    first = found.get("first_problem_seq")
    return Verification(
        seq=seq,
        at=at,
        actor_id=actor,
        ok=bool(found.get("ok")),
        events=int(found.get("events") or 0),
        proven_through=int(found.get("proven_through") or 0),
        checkpoints_verified=int(found.get("checkpoints_verified") or 0),
        signatures_checked=bool(found.get("signatures_checked")),
        problems={str(k): int(v) for k, v in problems.items()}
        if isinstance(problems, dict)
        else {},
        first_problem_seq=int(first) if isinstance(first, int) else None,
    )
