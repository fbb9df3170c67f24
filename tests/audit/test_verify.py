"""Tampering directly in the database — edit, delete, reorder, insert, forge — is reported
with the seq where it happened and what kind of change it was, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import Engine, select, text, update

from frontline.audit import (
    Anchor,
    AuditCheckpoint,
    AuditEvent,
    Ed25519Signer,
    snapshot,
    verify,
)
from frontline.audit.checkpoint import sign_statement
from tests.audit.factories import (
    check,
    fill,
    forge,
    found,
    hash_at,
    read,
    rehash,
    relink,
    run_sql,
    shift,
    swap,
)

Keys = dict[str, Ed25519PublicKey]


@pytest.fixture
def chain(engine: Engine, signer: Ed25519Signer) -> Engine:
    """100 events, a signed checkpoint at every tenth (10, 20, … 100)."""
    fill(engine, 100, signer=signer, every=10, batch=5)
    return engine


def test_an_untouched_chain_verifies(chain: Engine, public_keys: Keys) -> None:
    report = check(chain, public_keys)
    assert report.ok
    assert report.first_break is None
    assert report.problems == ()
    assert (report.events, report.last_seq, report.algorithm) == (100, 100, "sha256")
    assert (report.checkpoints, report.checkpoints_verified, report.proven_through) == (10, 10, 100)
    assert report.signatures_checked


def test_without_keys_nothing_is_proven(chain: Engine) -> None:
    report = check(chain, {})
    assert report.ok
    assert not report.signatures_checked
    assert (report.checkpoints_verified, report.proven_through) == (0, 0)


def test_an_empty_log_verifies(engine: Engine, public_keys: Keys) -> None:
    report = check(engine, public_keys)
    assert report.ok
    assert (report.events, report.checkpoints) == (0, 0)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("department", "tax_bureau"),
        ("actor_id", "999"),
        ("subject_id", "P000000099"),
        ("purpose_kind", "counter"),
        ("device_id", None),
        ("fields", '["name"]'),
        ("detail", '{"scenario":"elderly_home_visit","version":2} '),
        ("prev_hash", "ab" * 32),
        ("prev_hash", "not hex"),
    ],
)
def test_an_edited_field_is_found(
    chain: Engine, public_keys: Keys, column: str, value: str | None
) -> None:
    run_sql(chain, f"UPDATE audit_events SET {column} = :value WHERE seq = 37", value=value)  # noqa: S608
    report = check(chain, public_keys)
    assert found(report) == [(37, "edited")]
    assert report.problem_counts == {"edited": 1}
    assert report.proven_through == 30
    assert all("tax_bureau" not in p.message for p in report.problems)


def test_an_edited_time_is_found(chain: Engine, public_keys: Keys) -> None:
    with chain.begin() as connection:
        when = connection.scalar(select(AuditEvent.occurred_at).where(AuditEvent.seq == 5))
        assert when is not None
        connection.execute(
            update(AuditEvent)
            .where(AuditEvent.seq == 5)
            .values(occurred_at=when.replace(microsecond=0))
        )
    assert found(check(chain, public_keys)) == [(5, "edited")]


def test_an_edit_with_its_hash_recomputed_breaks_the_next_link(
    chain: Engine, public_keys: Keys
) -> None:
    run_sql(chain, "UPDATE audit_events SET subject_id = 'P000000099' WHERE seq = 37")
    rehash(chain, 37)
    report = check(chain, public_keys)
    assert found(report) == [(38, "unlinked")]
    assert report.proven_through == 30


def test_rewriting_the_rest_of_the_chain_is_caught_by_the_next_checkpoint(
    chain: Engine, public_keys: Keys
) -> None:
    run_sql(chain, "UPDATE audit_events SET subject_id = 'P000000099' WHERE seq = 37")
    last = relink(chain, 37, 100)
    run_sql(chain, "UPDATE audit_chain SET last_hash = :h", h=last)
    report = check(chain, public_keys)
    assert found(report) == [(seq, "checkpoint_mismatch") for seq in range(40, 101, 10)]
    assert report.first_break is not None
    assert report.first_break.message == "checkpoint 40 names another hash for event 40"
    assert report.proven_through == 30


def test_a_deleted_event_is_found(chain: Engine, public_keys: Keys) -> None:
    run_sql(chain, "DELETE FROM audit_events WHERE seq = 50")
    report = check(chain, public_keys)
    assert [(p.seq, p.kind, p.message) for p in report.problems] == [
        (50, "deleted", "event 50 missing")
    ]
    assert report.proven_through == 40


def test_deleted_events_are_found_as_one_gap(chain: Engine, public_keys: Keys) -> None:
    run_sql(chain, "DELETE FROM audit_events WHERE seq BETWEEN 51 AND 53")
    report = check(chain, public_keys)
    assert [(p.seq, p.kind, p.message) for p in report.problems] == [
        (51, "deleted", "3 events from seq 51 missing")
    ]


def test_a_deletion_hidden_by_renumbering_is_found(chain: Engine, public_keys: Keys) -> None:
    run_sql(chain, "DELETE FROM audit_events WHERE seq = 50")
    shift(chain, 51, -1)
    run_sql(chain, "UPDATE audit_chain SET last_seq = 99")
    report = check(chain, public_keys)
    assert report.first_break is not None
    assert (report.first_break.seq, report.first_break.kind) == (50, "unlinked")
    assert (50, "checkpoint_mismatch") in found(report)


def test_a_cut_tail_is_found_by_the_head_and_the_checkpoints(
    chain: Engine, public_keys: Keys
) -> None:
    run_sql(chain, "DELETE FROM audit_events WHERE seq > 85")
    report = check(chain, public_keys)
    assert found(report) == [(86, "truncated")]
    assert (
        report.problems[0].message == "the log ends at seq 85, but the head covers events up to 100"
    )
    # With the head rewritten to match, the checkpoints at 90 and 100 still cover the cut.
    run_sql(chain, "UPDATE audit_chain SET last_seq = 85, last_hash = :h", h=hash_at(chain, 85))
    report = check(chain, public_keys)
    assert found(report) == [(86, "truncated")]
    assert "checkpoint 100 covers events up to 100" in report.problems[0].message


def test_a_tail_cut_past_the_newest_checkpoint_needs_an_anchor(
    chain: Engine, public_keys: Keys
) -> None:
    # The documented limit: with the events after a checkpoint, that checkpoint and the
    # head all rewritten, the database alone shows nothing. An anchor kept outside does.
    kept = Anchor(100, hash_at(chain, 100))
    run_sql(chain, "DELETE FROM audit_events WHERE seq > 95")
    run_sql(chain, "DELETE FROM audit_checkpoints WHERE seq = 100")
    run_sql(
        chain,
        "UPDATE audit_chain SET last_seq = 95, last_hash = :h, checkpoint_seq = 90",
        h=hash_at(chain, 95),
    )
    assert check(chain, public_keys).ok
    report = check(chain, public_keys, anchors=[kept])
    assert found(report) == [(96, "truncated")]
    assert report.problems[0].message == (
        "the log ends at seq 95, but the kept anchor covers events up to 100"
    )


def test_an_anchor_that_disagrees_is_found(chain: Engine, public_keys: Keys) -> None:
    report = check(chain, public_keys, anchors=[Anchor(30, "ab" * 32)])
    assert found(report) == [(30, "anchor")]


@pytest.mark.parametrize(("a", "b"), [(21, 22), (31, 67)])
def test_swapped_events_are_found_reordered(
    chain: Engine, public_keys: Keys, a: int, b: int
) -> None:
    swap(chain, a, b)
    report = check(chain, public_keys)
    assert report.first_break is not None
    assert (report.first_break.seq, report.first_break.kind) == (a, "reordered")
    assert {kind for _, kind in found(report)} == {"reordered"}
    assert {seq for seq, _ in found(report)} == {a, a + 1, b, b + 1}
    assert report.proven_through == (20 if a < 30 else 30)


def test_swapped_contents_at_a_checkpoint_are_found_there(chain: Engine, public_keys: Keys) -> None:
    swap(chain, 20, 21)
    report = check(chain, public_keys)
    assert found(report)[:2] == [(20, "reordered"), (20, "checkpoint_mismatch")]


def test_a_forged_event_inserted_in_the_middle_is_found(chain: Engine, public_keys: Keys) -> None:
    shift(chain, 45, 1)
    forge(chain, 45, read(7, purpose_kind="break_glass", purpose_ref="G1"))
    report = check(chain, public_keys)
    assert report.first_break is not None
    assert (report.first_break.seq, report.first_break.kind) == (45, "inserted")
    assert report.problem_counts["inserted"] == 2  # the forgery, and the one past the head
    assert (101, "inserted") in found(report)
    assert report.proven_through == 40


def test_a_forged_event_appended_at_the_end_is_found(chain: Engine, public_keys: Keys) -> None:
    forge(chain, 101, read(7))
    report = check(chain, public_keys)
    assert found(report) == [(101, "inserted")]
    assert report.problems[0].message == "event 101 is after the head (seq 100)"


def test_forged_events_after_the_head_with_a_bad_hash_are_inserted(
    chain: Engine, public_keys: Keys
) -> None:
    forge(chain, 101, read(7))
    run_sql(chain, "UPDATE audit_events SET hash = :h WHERE seq = 101", h="cd" * 32)
    assert found(check(chain, public_keys)) == [(101, "inserted")]


def test_a_forged_checkpoint_signature_is_found(chain: Engine, public_keys: Keys) -> None:
    run_sql(chain, "UPDATE audit_checkpoints SET signature = :s WHERE seq = 50", s="00" * 64)
    report = check(chain, public_keys)
    assert found(report) == [(50, "bad_signature")]
    assert report.checkpoints_verified == 9


def test_a_checkpoint_re_signed_with_another_key_is_found(chain: Engine, public_keys: Keys) -> None:
    intruder = _signer()
    with chain.begin() as connection:
        row = connection.execute(
            select(AuditCheckpoint.__table__).where(AuditCheckpoint.seq == 50)
        ).one()
        statement, signature = sign_statement(
            intruder,
            seq=row.seq,
            prev_seq=row.prev_seq,
            hash="ab" * 32,
            hash_algorithm=row.hash_algorithm,
            at=row.signed_at,
        )
        connection.execute(
            update(AuditCheckpoint)
            .where(AuditCheckpoint.seq == 50)
            .values(hash=statement.hash, key_id=statement.key_id, signature=signature)
        )
    report = check(chain, public_keys)
    assert found(report) == [(50, "checkpoint_mismatch"), (50, "unknown_key")]
    # Given the intruder's key too, the signature verifies but the hash still does not.
    keys = {**public_keys, intruder.key_id: intruder.public_key}
    assert found(check(chain, keys)) == [(50, "checkpoint_mismatch")]


def test_a_checkpoint_with_an_edited_hash_fails_twice(chain: Engine, public_keys: Keys) -> None:
    run_sql(chain, "UPDATE audit_checkpoints SET hash = :h WHERE seq = 60", h="ab" * 32)
    assert sorted(found(check(chain, public_keys))) == [
        (60, "bad_signature"),
        (60, "checkpoint_mismatch"),
    ]


def test_a_deleted_checkpoint_is_found(chain: Engine, public_keys: Keys) -> None:
    run_sql(chain, "DELETE FROM audit_checkpoints WHERE seq = 50")
    report = check(chain, public_keys)
    assert [(p.seq, p.kind, p.message) for p in report.problems] == [
        (60, "missing_checkpoint", "checkpoint 60 follows checkpoint 50, not 40")
    ]
    run_sql(chain, "DELETE FROM audit_checkpoints WHERE seq = 100")
    assert (100, "missing_checkpoint") in found(check(chain, public_keys))


def test_a_deleted_head_is_found(chain: Engine, public_keys: Keys) -> None:
    run_sql(chain, "DELETE FROM audit_chain")
    report = check(chain, public_keys)
    assert found(report) == [(0, "head")]


def test_a_rewritten_head_is_found(chain: Engine, public_keys: Keys) -> None:
    run_sql(chain, "UPDATE audit_chain SET last_hash = :h", h="ab" * 32)
    assert found(check(chain, public_keys)) == [(100, "head")]


def test_progress_is_reported(chain: Engine, public_keys: Keys) -> None:
    seen: list[tuple[int, int]] = []
    with snapshot(chain) as connection:
        verify(connection, public_keys=public_keys, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (100, 100)


def test_problems_are_capped_but_all_counted(chain: Engine, public_keys: Keys) -> None:
    run_sql(chain, "UPDATE audit_events SET department = 'x' WHERE seq > 10")
    with snapshot(chain) as connection:
        report = verify(connection, public_keys=public_keys, limit=5)
    assert [p.seq for p in report.problems] == [11, 12, 13, 14, 15]
    assert report.problem_counts == {"edited": 90}


def _signer() -> Ed25519Signer:
    return Ed25519Signer(Ed25519PrivateKey.generate())


def test_a_head_naming_another_algorithm_is_found(chain: Engine, public_keys: Keys) -> None:
    # SQLite keeps a CHECK only as long as nobody rebuilds the table without it.
    with chain.begin() as connection:
        if chain.dialect.name == "postgresql":
            connection.execute(
                text("ALTER TABLE audit_chain DROP CONSTRAINT ck_audit_chain_algorithm")
            )
        else:
            connection.execute(text("PRAGMA ignore_check_constraints = ON"))
        connection.execute(text("UPDATE audit_chain SET algorithm = 'md5'"))
    report = check(chain, public_keys)
    assert found(report) == [(0, "head")]
    assert report.proven_through == 100  # the checkpoints still name sha256, and verify
