"""The citizen access report and the audit chain's status."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, update

from frontline.access.chain_status import chain_status, verify_and_record
from frontline.access.citizen_report import InvalidIdNumber, citizen_report
from frontline.access.reading import counter_lookup
from frontline.audit import AuditEvent, generate_key_file
from frontline.store import write_transaction
from tests.access.world import PEOPLE, T0, World, build_world

ID_A = PEOPLE["P000000001"][0]


@pytest.fixture
def world(engine: Engine) -> World:
    return build_world(engine)


def test_the_report_lists_every_access_to_the_person_newest_first(
    engine: Engine, world: World
) -> None:
    for minutes in (0, 5):
        with write_transaction(engine) as connection:
            counter_lookup(connection, world["clerk"], ID_A, "counter_service",
                           now=T0 + timedelta(minutes=minutes))  # fmt: skip
    with write_transaction(engine) as connection:  # someone else's lookup is not listed
        counter_lookup(connection, world["clerk"], PEOPLE["P000000002"][0], "counter_service",
                       now=T0)  # fmt: skip
    with write_transaction(engine) as connection:
        report = citizen_report(connection, world["auditor"], ID_A, now=T0 + timedelta(hours=1))
    assert report.subject_id == "P000000001"
    assert report.id_number_masked == "110105********0016"
    assert [line.entry.occurred_at for line in report.lines] == [
        T0 + timedelta(minutes=5),
        T0,
    ]
    line = report.lines[0]
    assert (line.role_zh, line.purpose_zh, line.scenario) == (
        "窗口人员",
        "窗口服务",
        "counter_service",
    )
    assert "姓名" in line.field_labels
    assert "联系电话" in line.field_labels
    with write_transaction(engine) as connection:
        again = citizen_report(connection, world["auditor"], ID_A, now=T0 + timedelta(hours=2))
    assert len(again.lines) == 2  # producing a report is recorded, but discloses no fields


def test_an_unknown_number_gives_an_empty_report_and_an_invalid_one_is_refused(
    engine: Engine, world: World
) -> None:
    with write_transaction(engine) as connection:
        empty = citizen_report(connection, world["auditor"], "110105199001010010", now=T0)
        assert empty.subject_id is None
        assert empty.lines == ()
        with pytest.raises(InvalidIdNumber):
            citizen_report(connection, world["auditor"], "110105199001010011", now=T0)


def test_verification_is_recorded_and_finds_an_edit(engine: Engine, world: World, tmp_path) -> None:  # type: ignore[no-untyped-def]
    signer = generate_key_file(tmp_path / "audit.pem")
    keys = {signer.key_id: signer.public_key}
    for _ in range(3):
        with write_transaction(engine) as connection:
            counter_lookup(connection, world["clerk"], ID_A, "counter_service", now=T0,
                           signer=signer)  # fmt: skip
    with write_transaction(engine) as connection:
        from frontline.audit import checkpoint

        checkpoint(connection, signer)
    with write_transaction(engine) as connection:
        first = verify_and_record(
            engine, connection, world["auditor"], public_keys=keys, now=T0, signer=signer
        )
    assert first.ok
    assert first.events == 3
    assert first.proven_through == 3
    with engine.begin() as connection:
        connection.execute(
            update(AuditEvent).where(AuditEvent.seq == 2).values(actor_role="auditor")
        )
    with write_transaction(engine) as connection:
        second = verify_and_record(
            engine, connection, world["auditor"], public_keys=keys, now=T0, signer=signer
        )
    assert not second.ok
    assert second.first_problem_seq == 2
    with engine.connect() as connection:
        status = chain_status(connection)
    assert status.last_verification == second
    assert [c.seq for c in status.checkpoints] == [3]
    assert status.head.last_seq == 5
