"""Break-glass: requested with a justification, bounded, expiring, audited, reviewed once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select

from frontline.access.break_glass import (
    BreakGlassError,
    list_grants,
    read_under_grant,
    request_grant,
    review_grant,
)
from frontline.access.reading import AccessRefused
from frontline.access.refusals import Reason
from frontline.audit import AuditEvent
from frontline.store import write_transaction
from tests.access.world import T0, World, build_world

WHY = "老人家中无人应门，邻居反映已两天未见，需要联系电话和住址"


@pytest.fixture
def world(engine: Engine) -> World:
    return build_world(engine)


def grant_for(engine: Engine, world: World, username: str = "worker_a", **changes: Any) -> int:
    values: dict[str, object] = {
        "subject_id": "P000000001",
        "scenario_key": "elderly_home_visit",
        "justification": WHY,
        "duration": timedelta(hours=1),
        "now": T0,
        **changes,
    }
    with write_transaction(engine) as connection:
        return request_grant(connection, world[username], **values).id  # type: ignore[arg-type]


def test_a_grant_opens_its_subject_until_it_expires_and_every_read_is_audited(
    engine: Engine, world: World
) -> None:
    grant_id = grant_for(engine, world)
    worker = world["worker_a"]
    with write_transaction(engine) as connection:
        record = read_under_grant(connection, worker, grant_id, now=T0 + timedelta(minutes=5))
    assert record.purpose_kind == "break_glass"
    assert record.purpose_ref == f"BG{grant_id:06d}"
    assert record.values["birth_date"] == "1956"  # the scenario's masking still applies
    with write_transaction(engine) as connection, pytest.raises(AccessRefused) as refused:
        read_under_grant(connection, worker, grant_id, now=T0 + timedelta(hours=1))
    assert refused.value.reason is Reason.GRANT_EXPIRED
    with write_transaction(engine) as connection, pytest.raises(AccessRefused) as refused:
        read_under_grant(connection, world["worker_b"], grant_id, now=T0)
    assert refused.value.reason is Reason.GRANT_NOT_YOURS
    with engine.connect() as connection:
        actions = connection.execute(
            select(AuditEvent.action, AuditEvent.purpose_kind).order_by(AuditEvent.seq)
        ).all()
        (listed,) = list_grants(connection, state="pending")
    assert [tuple(a) for a in actions] == [
        ("break_glass_granted", "break_glass"),
        ("read", "break_glass"),
        ("read_refused", "break_glass"),
        ("read_refused", "break_glass"),
    ]
    assert listed.reads == 1
    assert listed.justification == WHY


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"justification": "急"}, "justification"),
        ({"justification": " " * 40}, "justification"),
        ({"duration": timedelta(hours=4, minutes=1)}, "duration"),
        ({"duration": timedelta(minutes=1)}, "duration"),
    ],
)
def test_a_request_needs_a_justification_and_a_bounded_duration(
    engine: Engine, world: World, changes: dict[str, Any], code: str
) -> None:
    with pytest.raises(BreakGlassError) as error:
        grant_for(engine, world, **changes)
    assert error.value.code == code


@pytest.mark.parametrize(
    ("username", "changes", "reason"),
    [
        ("worker_b", {}, Reason.OUT_OF_SCOPE),
        ("worker_hr", {}, Reason.DEPARTMENT),
        ("steward", {}, Reason.ROLE),
        ("auditor", {}, Reason.ROLE),
        ("steward", {"subject_id": "P999999999"}, Reason.ROLE),
        ("worker_a", {"subject_id": "P000000003"}, Reason.NOT_PLACED),
        ("worker_a", {"subject_id": "P999999999"}, Reason.SUBJECT_UNKNOWN),
        ("worker_a", {"scenario_key": "nothing"}, Reason.SCENARIO_UNKNOWN),
    ],
)
def test_break_glass_does_not_widen_role_department_or_area(
    engine: Engine, world: World, username: str, changes: dict[str, Any], reason: Reason
) -> None:
    with pytest.raises(AccessRefused) as refused:
        grant_for(engine, world, username, **changes)
    assert refused.value.reason is reason


def test_an_auditor_reviews_a_grant_once_and_never_their_own(engine: Engine, world: World) -> None:
    grant_id = grant_for(engine, world)
    with write_transaction(engine) as connection:
        reviewed = review_grant(connection, world["auditor"], grant_id, verdict="questioned",
                                note="未见紧急情况的佐证，请说明", now=T0)  # fmt: skip
    assert (reviewed.review_state, reviewed.reviewed_by) == ("questioned", "auditor")
    for principal, code in ((world["auditor2"], "reviewed"), (world["auditor"], "reviewed")):
        with write_transaction(engine) as connection, pytest.raises(BreakGlassError) as error:
            review_grant(connection, principal, grant_id, verdict="accepted", note="好的", now=T0)
        assert error.value.code == code
    with write_transaction(engine) as connection, pytest.raises(BreakGlassError) as error:
        review_grant(connection, world["auditor"], 999, verdict="accepted", note="好的", now=T0)
    assert error.value.code == "not_found"
    with engine.connect() as connection:
        assert list_grants(connection, state="pending") == []
        (event,) = connection.execute(
            select(AuditEvent).where(AuditEvent.action == "break_glass_reviewed")
        ).all()
    assert event.detail == {"verdict": "questioned"}  # the note stays out of the log
