"""The forms migration on a store already in use: the audit log keeps every event and its
chain, and takes the new purposes."""

from __future__ import annotations

from sqlalchemy import select

from frontline.audit import AuditEvent, EventDraft, append, snapshot, verify
from frontline.store import create_engine_for, upgrade, write_transaction
from tests.access.world import T0


def test_the_audit_log_survives_the_upgrade_and_takes_the_new_purposes(database_url: str) -> None:
    engine = create_engine_for(database_url)
    try:
        upgrade(engine, "0008")
        with write_transaction(engine) as connection:
            append(
                connection,
                [
                    EventDraft("sign_in", actor_id=str(n), detail={"n": n}, occurred_at=T0)
                    for n in range(1, 6)
                ],
            )
        upgrade(engine)
        with write_transaction(engine) as connection:
            append(
                connection,
                [
                    EventDraft(
                        "read", actor_id="9", purpose_kind="review", purpose_ref="CR000001",
                        subject_type="person", subject_id="P000000001", fields=("address",),
                        occurred_at=T0,
                    )
                ],
            )  # fmt: skip
        with snapshot(engine) as connection:
            report = verify(connection, public_keys={})
            kinds = list(
                connection.execute(
                    select(AuditEvent.purpose_kind).order_by(AuditEvent.seq)
                ).scalars()
            )
        assert (report.ok, report.events) == (True, 6)
        assert kinds == ["none"] * 5 + ["review"]
    finally:
        engine.dispose()
