"""A worker's read of a task's subject answered in the event loop (`frontline.web.task_reads`):
on PostgreSQL the allowed read takes that path and answers exactly as the full path does;
everything else — refusals, unknown tasks, device tokens, a merged subject, a broken
connection, SQLite — is answered by the full path, and audited once."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import Connection, Engine, delete, func, insert, select, text, update

from frontline.access.reading import SubjectRecord
from frontline.areas.models import SubjectArea
from frontline.audit import AuditEvent
from frontline.store import Entity, write_transaction
from frontline.store.golden import GoldenRecord
from frontline.tasks import assign_task, cancel_task, create_task
from frontline.web import create_app, task_reads
from frontline.web.routes import access
from tests.access.world import GRID_B, PEOPLE, build_world
from tests.web.client import Client
from tests.web.conftest import (
    SESSION_SETTINGS,
    Clock,
    add_members,
    bearer,
    settings_for,
    sign_in,
)
from tests.web.test_devices import enrolled

OWN = "P000000001"
"""In the worker's grid: the read is allowed."""


class Spy:
    """What the event-loop path answered, request by request; `off` sends every read down
    the full path."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.answers: list[SubjectRecord | None] = []
        self.off = False
        real = task_reads.read_in_event_loop

        async def spied(*arguments: Any) -> SubjectRecord | None:
            answer = None if self.off else await real(*arguments)
            self.answers.append(answer)
            return answer

        monkeypatch.setattr(access, "read_in_event_loop", spied)


@pytest.fixture
def app(engine: Engine, database_url: str, tmp_path: Path, clock: Clock) -> FastAPI:
    build_world(engine, with_staff=False)
    add_members(engine)
    return create_app(
        settings_for(database_url, tmp_path / "var"), clock=clock, session_settings=SESSION_SETTINGS
    )


@pytest.fixture
def client(app: FastAPI) -> Iterator[Client]:
    with Client(app) as test_client:
        yield test_client


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> Spy:
    return Spy(monkeypatch)


def task_for(engine: Engine, client: Client, subject: str) -> str:
    """A home visit of `subject`, assigned to the worker: its reference."""
    worker = client.get("/api/v1/me", headers=bearer(sign_in(client, "worker"))).json()
    with write_transaction(engine) as connection:
        task = create_task(
            connection, None, scenario="elderly_home_visit", subject_id=subject,
            due_on=date(2026, 3, 31),
        )  # fmt: skip
        assign_task(connection, None, task, worker["staff_id"])
    return f"T{task:08d}"


def events(engine: Engine) -> list[dict[str, Any]]:
    """The audit log's events, oldest first, without what differs between two reads of the
    same thing (seq, time, chain hashes)."""
    varying = {"seq", "occurred_at", "prev_hash", "hash"}
    with engine.connect() as connection:
        rows = connection.execute(select(AuditEvent.__table__).order_by(AuditEvent.seq))
        return [
            {key: value for key, value in row.items() if key not in varying}
            for row in rows.mappings()
        ]


def reads(engine: Engine) -> list[dict[str, Any]]:
    return [e for e in events(engine) if e["action"] in {"read", "read_refused"}]


def test_an_allowed_read_answers_in_the_event_loop_as_the_full_path_does(
    engine: Engine, client: Client, spy: Spy, database_url: str
) -> None:
    reference = task_for(engine, client, OWN)
    worker = bearer(sign_in(client, "worker"))
    fast = client.get(f"/api/v1/tasks/{reference}/subject", headers=worker)
    by_id = client.get(f"/api/v1/tasks/{int(reference[1:])}/subject", headers=worker)
    spy.off = True
    full = client.get(f"/api/v1/tasks/{reference}/subject", headers=worker)
    assert fast.status_code == by_id.status_code == full.status_code == 200, fast.text
    if database_url.startswith("postgresql"):
        assert all(isinstance(answer, SubjectRecord) for answer in spy.answers[:2])
    else:  # SQLite: no asynchronous connections, every read takes the full path
        assert spy.answers[:2] == [None, None]
    answers = [r.json() for r in (fast, by_id, full)]
    for answer in answers:
        answer.pop("read_at")
        answer.pop("audit_seq")
    assert answers[0] == answers[1] == answers[2]
    shown = {f["name"]: (f["mask"], f["value"]) for f in answers[0]["fields"]}
    assert set(shown) == {"name", "sex", "birth_date", "phone", "address", "id_number"}
    assert shown["birth_date"] == ("year", "1956")  # masked as the scenario declares
    assert shown["id_number"][0] == "mask"
    assert shown["id_number"][1] != PEOPLE[OWN][0]
    recorded = reads(engine)
    assert len(recorded) == 3
    assert recorded[0] == recorded[1] == recorded[2]
    assert recorded[0]["action"] == "read"
    assert recorded[0]["subject_id"] == OWN


CHANGES: dict[str, Callable[[Connection, str], object]] = {
    # the grids were redrawn since the task was assigned
    "out_of_your_area": lambda connection, _: connection.execute(
        update(SubjectArea).where(SubjectArea.entity_id == OWN).values(grid_code=GRID_B)
    ),
    "task_not_open": lambda connection, task: cancel_task(
        connection, None, task, reason="走访对象已迁出本辖区。"
    ),
    # the subject's golden record is gone: there is nothing to read
    "subject_not_found": lambda connection, _: connection.execute(
        delete(GoldenRecord).where(GoldenRecord.entity_id == OWN)
    ),
}


@pytest.mark.parametrize("reason", sorted(CHANGES))
def test_a_refusal_is_left_to_the_full_path_and_recorded_once(
    engine: Engine, client: Client, spy: Spy, reason: str
) -> None:
    reference = task_for(engine, client, OWN)
    with write_transaction(engine) as connection:
        CHANGES[reason](connection, reference)
    answer = client.get(
        f"/api/v1/tasks/{reference}/subject", headers=bearer(sign_in(client, "worker"))
    )
    assert answer.status_code in {403, 404}, answer.text
    assert spy.answers == [None]
    (refused,) = reads(engine)
    assert refused["action"] == "read_refused"
    assert refused["detail"]["reason"] == reason


def test_unknown_tasks_other_workers_and_bad_tokens_take_the_full_path(
    engine: Engine, client: Client, spy: Spy
) -> None:
    reference = task_for(engine, client, OWN)
    manager = bearer(sign_in(client, "manager"))
    worker = bearer(sign_in(client, "worker"))
    answers = [
        client.get("/api/v1/tasks/T99999999/subject", headers=worker).status_code,
        client.get(f"/api/v1/tasks/{reference}/subject", headers=manager).status_code,
        client.get(
            f"/api/v1/tasks/{reference}/subject", headers={"Authorization": "Bearer nonsense"}
        ).status_code,
        client.get(f"/api/v1/tasks/{reference}/subject").status_code,
    ]
    assert answers == [404, 403, 401, 401]
    assert spy.answers == [None, None, None, None]
    assert [e["detail"]["reason"] for e in reads(engine)] == ["task_not_assigned_to_you"]


def test_a_devices_token_sent_as_a_bearer_token_is_refused(
    engine: Engine, client: Client, clock: Clock, spy: Spy
) -> None:
    reference = task_for(engine, client, OWN)
    phone, _ = enrolled(client, clock)
    assert phone.sign_in().status_code == 200
    answer = client.get(
        f"/api/v1/tasks/{reference}/subject", headers={"Authorization": f"Bearer {phone.access}"}
    )
    assert answer.status_code == 401
    assert spy.answers == [None]
    assert reads(engine) == []


def test_a_merged_subject_is_read_through_its_survivor_by_the_full_path(
    engine: Engine, client: Client, spy: Spy, database_url: str
) -> None:
    reference = task_for(engine, client, OWN)
    survivor = "P000000005"
    with write_transaction(engine) as connection:
        connection.execute(
            update(Entity)
            .where(Entity.entity_id == OWN)
            .values(status="merged", merged_into=survivor)
        )
        connection.execute(
            insert(Entity).values(
                entity_id=survivor, entity_type="person", entity_key="110105195603040099",
                status="active", merged_into=None, created_run=2, updated_run=2,
            )
        )  # fmt: skip
    answer = client.get(
        f"/api/v1/tasks/{reference}/subject", headers=bearer(sign_in(client, "worker"))
    )
    assert spy.answers == [None]
    # The survivor has neither a golden record nor a grid yet: the full path says so.
    assert answer.status_code in {403, 404}, answer.text
    (refused,) = reads(engine)
    assert refused["action"] == "read_refused"


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_broken_connection_falls_back_to_the_full_path_and_is_replaced(
    engine: Engine, client: Client, spy: Spy
) -> None:
    reference = task_for(engine, client, OWN)
    worker = bearer(sign_in(client, "worker"))
    assert client.get(f"/api/v1/tasks/{reference}/subject", headers=worker).status_code == 200
    assert isinstance(spy.answers[-1], SubjectRecord)
    # The app's one asynchronous connection (reads one at a time never need a second) is
    # ended by the server, as a restart would end it.
    (pool,) = client.app.state.async_pools.values()
    assert pool.get_stats()["pool_size"] == 1

    async def backend() -> int:
        async with pool.connection() as connection:
            found = await (await connection.execute("SELECT pg_backend_pid()")).fetchone()
            assert found is not None
            return int(found[0])

    pid = client.portal.call(backend)
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    statuses = [
        client.get(f"/api/v1/tasks/{reference}/subject", headers=worker).status_code
        for _ in range(5)
    ]
    assert statuses == [200] * 5  # every read answered, whichever path took it
    assert spy.answers[1] is None  # the broken connection's read took the full path
    assert isinstance(spy.answers[-1], SubjectRecord)  # and the pool made a new one
    with engine.connect() as connection:
        counted = connection.execute(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "read")
        ).scalar_one()
    assert counted == 6
