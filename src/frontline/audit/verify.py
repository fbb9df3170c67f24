"""Verifying the audit log: every hash, every link, every checkpoint signature.

One ordered pass over the events recomputes each hash from the row's content (`edited` when
it differs), checks each `prev_hash` against the hash stored before it, notes gaps in the
seqs (`deleted`), and compares the hashes the head, the checkpoints and the caller's anchors
name. Broken links, if any, get a second pass that finds what each event really follows
(see `diagnosis`).

What it can and cannot see: anyone who can write to the database can also recompute hashes.
Rewriting an event then breaks the link to the next one, and rewriting everything after it
too contradicts the next signed checkpoint, which only the signing key can make. But events
after the newest checkpoint can be removed, or forged events added, with the head row
rewritten to match, and nothing in the database shows it. Checkpoint often (`append`'s
`checkpoint_every`, and `frontline audit checkpoint` on a timer), and keep a recent
checkpoint's seq and hash outside the database: `anchors` then catch such a cut.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Connection, Engine, Row, String, Text, func, select, type_coerce
from sqlalchemy.sql import ClauseElement

from frontline.audit.chain import (
    ENCODING_VERSION,
    EPOCH,
    GENESIS_HASH,
    HASH_ALGORITHMS,
    MICROSECOND,
    NAIVE_EPOCH,
    array_encoder,
    hasher,
)
from frontline.audit.checkpoint import CheckpointStatement, statement_signed
from frontline.audit.diagnosis import Gaps, classify_breaks
from frontline.audit.models import AuditChain, AuditCheckpoint, AuditEvent
from frontline.audit.problems import Findings, Problem
from frontline.audit.stream import BATCH, stream_rows

Progress = Callable[[int, int], None]
"""Called with (events read, events in the log) as the pass goes."""

MAX_BREAKS = 10_000


@dataclass(frozen=True, slots=True)
class Anchor:
    """A seq and the hash the chain had there, kept outside the database (e.g. printed)."""

    seq: int
    hash: str


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """What `verify` found."""

    events: int
    last_seq: int
    algorithm: str
    checkpoints: int
    checkpoints_verified: int
    """Checkpoints whose signature verified and whose hash is the event's hash."""
    signatures_checked: bool
    """False when no public key was given: signatures were then not checked at all."""
    proven_through: int
    """Events 1..this are proven by a verified checkpoint with no problem before it."""
    problems: tuple[Problem, ...]
    """The first problems by seq (at most `limit`); `problem_counts` counts them all."""
    problem_counts: Mapping[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Whether nothing at all was found."""
        return not self.problem_counts

    @property
    def first_break(self) -> Problem | None:
        """Where the log first goes wrong, or None."""
        return self.problems[0] if self.problems else None


@contextmanager
def snapshot(engine: Engine) -> Iterator[Connection]:
    """A connection in a read transaction that sees one state throughout (for `verify`).

    REPEATABLE READ on PostgreSQL; on SQLite (WAL) a transaction's reads share one snapshot.
    Without it, events appended during the pass would look like a head moved past the log.
    """
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            yield connection


def verify(
    connection: Connection,
    *,
    public_keys: Mapping[str, Ed25519PublicKey],
    anchors: Sequence[Anchor] = (),
    progress: Progress | None = None,
    limit: int = 1000,
) -> VerifyReport:
    """Check the whole log; `public_keys` by key id (empty: signatures are not checked)."""
    started = time.perf_counter()
    findings = Findings(limit)
    head = connection.execute(select(*AuditChain.__table__.c).where(AuditChain.id == 1)).first()
    if head is None:
        findings.add(0, "head", "the chain's head row is missing")
    checkpoints = connection.execute(
        select(*AuditCheckpoint.__table__.c).order_by(AuditCheckpoint.seq)
    ).all()
    algorithm = head.algorithm if head else _algorithm_of(checkpoints)
    if algorithm not in HASH_ALGORITHMS:
        findings.add(0, "head", "the chain's head names an unknown hash algorithm")
        algorithm = _algorithm_of(checkpoints)
    signed = _check_checkpoints(checkpoints, head, algorithm, public_keys, findings)
    witnesses: dict[int, list[tuple[str, str, str]]] = {}
    for checkpoint in checkpoints:
        witnesses.setdefault(checkpoint.seq, []).append(
            ("checkpoint_mismatch", checkpoint.hash, f"checkpoint {checkpoint.seq}")
        )
    for anchor in anchors:
        witnesses.setdefault(anchor.seq, []).append(("anchor", anchor.hash, "the kept anchor"))
    if head is not None and head.last_seq > 0:
        witnesses.setdefault(head.last_seq, []).append(("head", head.last_hash, "the head"))
    total = connection.scalar(select(func.max(AuditEvent.seq))) or 0
    scan = _Scan(algorithm, witnesses, findings)
    scan.run(connection, total, progress)
    if scan.breaks:
        classify_breaks(scan.breaks, _hashes(connection), scan.gaps, findings)
    _check_the_end(scan.last, head, witnesses, findings)
    first_problem = findings.first_event_problem()
    matched = {seq for seq in scan.matched if first_problem is None or seq < first_problem}
    verified = [c.seq for c in checkpoints if c.seq in signed and c.seq in scan.matched]
    return VerifyReport(
        events=scan.count,
        last_seq=scan.last,
        algorithm=algorithm,
        checkpoints=len(checkpoints),
        checkpoints_verified=len(verified),
        signatures_checked=bool(public_keys),
        proven_through=max((s for s in verified if s in matched), default=0),
        problems=findings.sorted(),
        problem_counts=dict(findings.counts),
        seconds=time.perf_counter() - started,
    )


class _Scan:
    """The ordered pass over the events."""

    def __init__(
        self,
        algorithm: str,
        witnesses: Mapping[int, list[tuple[str, str, str]]],
        findings: Findings,
    ) -> None:
        self.new_hash = hasher(algorithm)
        self.witnesses = witnesses
        self.findings = findings
        self.gaps = Gaps()
        self.breaks: list[tuple[int, str]] = []
        self.matched: set[int] = set()
        self.count = 0
        self.last = 0

    def run(self, connection: Connection, total: int, progress: Progress | None) -> None:
        # The loop runs a million times: everything it uses is a local, and the timestamp
        # arithmetic is inlined (naive UTC text on SQLite, aware datetimes on PostgreSQL).
        new_hash, witnesses, findings = self.new_hash, self.witnesses, self.findings
        encode_array, join, from_hex = array_encoder(), "".join, bytes.fromhex
        parse, microsecond = datetime.fromisoformat, MICROSECOND
        epoch = NAIVE_EPOCH if connection.dialect.name == "sqlite" else EPOCH
        expected, previous, count = 1, GENESIS_HASH, 0
        for row in stream_rows(connection, _event_columns()):
            seq, occurred_at, prev_hash, stored = row[0], row[1], row[13], row[14]
            after_gap = seq != expected
            if after_gap:
                self.gaps.add(expected, seq - 1)
                missing = (
                    f"event {expected}"
                    if seq - 1 == expected
                    else f"{seq - expected} events from seq {expected}"
                )
                findings.add(expected, "deleted", f"{missing} missing")
            try:
                if occurred_at.__class__ is str:
                    occurred_at = parse(occurred_at)
                columns = [ENCODING_VERSION, (occurred_at - epoch) // microsecond, *row[2:13]]
                encoding = join(encode_array(columns, 0)).encode("ascii")
                computed = new_hash(from_hex(prev_hash) + encoding).hexdigest()
            except (TypeError, ValueError, UnicodeError):
                computed = None  # a column rewritten into something append never writes
            if computed != stored:
                findings.add(seq, "edited", f"event {seq}'s content does not match its hash")
            if prev_hash != previous and not after_gap and len(self.breaks) < MAX_BREAKS:
                self.breaks.append((seq, prev_hash))
            if seq in witnesses:
                self._witness(seq, stored)
            previous, expected = stored, seq + 1
            count += 1
            if progress is not None and not count % BATCH:
                progress(count, total)
        self.count, self.last = count, expected - 1
        if progress is not None:
            progress(count, total)

    def _witness(self, seq: int, stored: str) -> None:
        for kind, claimed, who in self.witnesses[seq]:
            if claimed != stored:
                self.findings.add(seq, kind, f"{who} names another hash for event {seq}")
            elif kind == "checkpoint_mismatch":
                self.matched.add(seq)


def _event_columns() -> ClauseElement:
    # Raw driver values: SQLite's timestamp text, PostgreSQL's datetime, the documents'
    # stored text; decoding them would double the pass's time.
    return select(
        AuditEvent.seq,
        type_coerce(AuditEvent.occurred_at, String()),
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
        AuditEvent.hash,
    ).order_by(AuditEvent.seq)


def _hashes(connection: Connection) -> Iterator[tuple[int, str]]:
    statement = select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq)
    yield from stream_rows(connection, statement)


def _algorithm_of(checkpoints: Sequence[Row[Any]]) -> str:
    # Without a (sane) head, the newest checkpoint says which algorithm the chain was using.
    known = [c.hash_algorithm for c in checkpoints if c.hash_algorithm in HASH_ALGORITHMS]
    return known[-1] if known else "sha256"


def _check_checkpoints(
    checkpoints: Sequence[Row[Any]],
    head: Row[Any] | None,
    algorithm: str,
    public_keys: Mapping[str, Ed25519PublicKey],
    findings: Findings,
) -> set[int]:
    """Signatures and the checkpoints' own chain; returns the seqs whose signature verified."""
    signed: set[int] = set()
    before = 0
    for checkpoint in checkpoints:
        seq = checkpoint.seq
        if checkpoint.prev_seq != before:
            findings.add(
                seq,
                "missing_checkpoint",
                f"checkpoint {seq} follows checkpoint {checkpoint.prev_seq}, not {before}",
            )
        before = seq
        if checkpoint.hash_algorithm != algorithm:
            findings.add(seq, "checkpoint_mismatch", f"checkpoint {seq} names another algorithm")
        if not public_keys:
            continue
        public_key = public_keys.get(checkpoint.key_id)
        if public_key is None:
            findings.add(seq, "unknown_key", f"checkpoint {seq} is signed by an unknown key")
        elif _signature_ok(checkpoint, public_key):
            if checkpoint.hash_algorithm == algorithm:
                signed.add(seq)
        else:
            findings.add(seq, "bad_signature", f"checkpoint {seq}'s signature does not verify")
    if head is not None and head.checkpoint_seq != before:
        findings.add(
            max(head.checkpoint_seq, before),
            "missing_checkpoint",
            f"the head names checkpoint {head.checkpoint_seq}; the newest present is {before}",
        )
    return signed


def _signature_ok(checkpoint: Row[Any], public_key: Ed25519PublicKey) -> bool:
    try:
        statement = CheckpointStatement(
            checkpoint.seq,
            checkpoint.prev_seq,
            checkpoint.hash,
            checkpoint.hash_algorithm,
            checkpoint.signed_at,
            checkpoint.algorithm,
            checkpoint.key_id,
        )
        return statement_signed(statement, checkpoint.signature, public_key)
    except (TypeError, ValueError, AttributeError):
        return False


def _check_the_end(
    last: int,
    head: Row[Any] | None,
    witnesses: Mapping[int, list[tuple[str, str, str]]],
    findings: Findings,
) -> None:
    """Events the head, a checkpoint or an anchor covers beyond the last one present."""
    beyond = [(seq, who) for seq, claims in witnesses.items() if seq > last for *_, who in claims]
    if beyond:
        covered, who = max(beyond)
        findings.add(
            last + 1,
            "truncated",
            f"the log ends at seq {last}, but {who} covers events up to {covered}",
        )
    if head is not None and head.last_seq < last:
        for seq in range(head.last_seq + 1, min(last, head.last_seq + findings.limit) + 1):
            findings.add(seq, "inserted", f"event {seq} is after the head (seq {head.last_seq})")
