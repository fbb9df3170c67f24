"""The authorisation matrix: every route of the app × every role × an in-scope and an
out-of-scope subject. The expected answer comes from `MATRIX`, written from the access policy
(docs/access.md); any allow it does not grant fails, and so does a route without an entry.

In scope: person P000000001 in grid A, where every member works. Out of scope: P000000002 in
grid B (its task is assigned to a worker of grid B; its break-glass grant was made before the
worker's scope changed, written straight into the store).
"""

from __future__ import annotations

import io
import re
import secrets
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from python_calamine import CalamineWorkbook
from sqlalchemy import Connection, Engine, insert, select
from starlette.routing import Mount, Route

from frontline.access.models import BreakGlassGrant
from frontline.devices.models import Device
from frontline.forms.changes import changes_of_submission
from frontline.forms.registry import register_folder
from frontline.forms.submissions import record_submission
from frontline.staff.accounts import create_staff
from frontline.staff.principal import Principal
from frontline.staff.roles import Role
from frontline.store import write_transaction
from frontline.tasks import assign_task, cancel_task, create_task, get_task, start_task
from frontline.tasks.models import Task
from frontline.web import create_app
from tests.access.world import GRID_A, GRID_B, PEOPLE, build_world
from tests.forms_store.factories import FORMS, VERSION, VISIT, submission
from tests.web.client import Client
from tests.web.conftest import (
    CHEAP,
    MEMBERS,
    PASSWORD,
    SESSION_SETTINGS,
    T0,
    Clock,
    add_members,
    bearer,
    settings_for,
)

ROLE_OF = {username: roles[0] for username, roles in MEMBERS.items()}
USER_OF = {role: username for username, role in ROLE_OF.items()}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
IN, OUT = "P000000001", "P000000002"
ALL = frozenset(Role)
READING = frozenset({Role.WORKER, Role.DEPARTMENT_MANAGER, Role.ADMINISTRATOR, Role.AUDITOR})


@dataclass
class World:
    """The app, a signed-in API token and console client per role, and the objects to read."""

    engine: Engine
    api: Client
    tokens: dict[Role, dict[str, str]]
    console: dict[Role, Client]
    staff: dict[str, int]
    tasks: dict[str, str] = field(default_factory=dict)
    """Subject → its elderly home visit task's reference."""

    def grant(self, subject: str) -> int:
        """A fresh break-glass grant of the worker's, for `subject`."""
        with write_transaction(self.engine) as connection:
            return int(
                connection.execute(
                    insert(BreakGlassGrant)
                    .values(
                        staff_id=self.staff["worker"], role="worker",
                        department="civil_affairs", subject_type="person", subject_id=subject,
                        scenario_key="elderly_home_visit", scenario_version=1,
                        justification="测试用的紧急授权理由", granted_at=T0,
                        expires_at=T0 + timedelta(hours=4), review_state="pending",
                    )
                    .returning(BreakGlassGrant.id)
                ).scalar_one()
            )  # fmt: skip

    def principal(self, username: str) -> Principal:
        """The member acting directly on the services (as a signed-in request would)."""
        area = GRID_B if username == "worker_b" else GRID_A
        return Principal(
            self.staff[username], username, username, "civil_affairs",
            frozenset({Role.WORKER}), area, "matrix",
        )  # fmt: skip

    def csrf(self, role: Role) -> str:
        found = CSRF.search(self.console[role].get("/console").text)
        assert found is not None
        return found.group(1)


Call = Callable[[World, Role, str], httpx.Response]
Rule = Callable[[Role, bool], bool]


def roles(*allowed: Role, scoped: bool = False) -> Rule:
    """Allowed for these roles (and, when `scoped`, only for the in-scope subject)."""
    return lambda role, in_scope: role in allowed and (in_scope or not scoped)


def api(method: str, path: str, **body: Any) -> Call:
    def call(world: World, role: Role, subject: str) -> httpx.Response:
        values = {k: v(world, subject) if callable(v) else v for k, v in body.items()}
        target = path.format(task=world.tasks.get(subject, ""), grant=world.grant(subject)
                             if "{grant}" in path else "")  # fmt: skip
        return world.api.request(
            method, target, headers=world.tokens[role], json=values if values else None
        )

    return call


def page(method: str, path: str, **form: Any) -> Call:
    def call(world: World, role: Role, subject: str) -> httpx.Response:
        client = world.console[role]
        target = path.format(task=world.tasks.get(subject, ""), grant=world.grant(subject)
                             if "{grant}" in path else "")  # fmt: skip
        if method == "GET":
            return client.get(target)
        data = {k: v(world, subject) if callable(v) else v for k, v in form.items()}
        return client.post(target, data={"csrf_token": world.csrf(role), **data})

    return call


def id_number(_: World, subject: str) -> str:
    return PEOPLE[subject][0]


def subject_id(_: World, subject: str) -> str:
    return subject


def sign_out(world: World, role: Role, subject: str) -> httpx.Response:
    credentials = {"username": USER_OF[role], "password": PASSWORD}
    fresh = world.api.post("/api/v1/auth/sign-in", json=credentials).json()
    return world.api.post("/api/v1/auth/sign-out", headers=bearer(fresh))


def console_sign_out(world: World, role: Role, subject: str) -> httpx.Response:
    # A client of its own: signing out must not end the role's console session used below.
    with Client(world.api.app) as client:
        found = CSRF.search(client.get("/console/sign-in").text)
        assert found is not None
        return client.post("/console/sign-out", data={"csrf_token": found.group(1)})


def fresh_device(world: World, subject: str) -> str:
    """A new enrolled device of the subject's grid worker (written straight to the store)."""
    device_id = "D" + secrets.token_hex(8)
    with write_transaction(world.engine) as connection:
        connection.execute(
            insert(Device).values(
                id=device_id, staff_id=world.staff[WORKER_OF[subject]],
                key_thumbprint=secrets.token_urlsafe(32), public_key={}, name="测试手机",
                platform="test", status="active", enrolled_at=T0, status_changed_at=T0,
            )
        )  # fmt: skip
    return device_id


def device_command(kind: str) -> Call:
    """Lock, wipe or revoke a fresh device of the subject's grid worker."""

    def call(world: World, role: Role, subject: str) -> httpx.Response:
        device_id = fresh_device(world, subject)
        return world.api.post(
            f"/api/v1/devices/{device_id}/{kind}", headers=world.tokens[role], json={}
        )

    return call


def console_device_command(world: World, role: Role, subject: str) -> httpx.Response:
    """Revoke a fresh device of the subject's grid worker from the console."""
    device_id = fresh_device(world, subject)
    return world.console[role].post(
        f"/console/devices/{device_id}/revoke", data={"csrf_token": world.csrf(role)}
    )


def console_enrolment(world: World, role: Role, subject: str) -> httpx.Response:
    """An enrolment code for the subject's grid worker, from the console."""
    data = {"csrf_token": world.csrf(role), "staff_id": world.staff[WORKER_OF[subject]]}
    return world.console[role].post("/console/devices/enrolments", data=data)


def enrolment_code(world: World, role: Role, subject: str) -> httpx.Response:
    """An enrolment code for the subject's grid worker."""
    body = {"staff_id": world.staff[WORKER_OF[subject]]}
    return world.api.post("/api/v1/devices/enrolments", headers=world.tokens[role], json=body)


NOBODY = roles()
"""Refused to every role's Bearer token: the device's own calls need its DPoP proof."""
PUBLIC = None
"""No role rule: open to anyone (or to credentials, not roles); only checked for no 5xx."""

WORKER_OF = {IN: "worker", OUT: "worker_b"}
"""Each subject's grid worker (the subjects lie in grids A and B; every role's scope is A)."""
MANAGING = (Role.DEPARTMENT_MANAGER, Role.ADMINISTRATOR)
"""Roles that create, assign and cancel tasks of their own department (civil affairs here)."""


def fresh_task(world: World, subject: str, *, assigned: bool = True, started: bool = False) -> str:
    """A new elderly home visit task for `subject` (its open one cancelled first), assigned to
    the subject's grid worker and started when asked: every write is checked from a known
    state, and the reads of `world.tasks` keep finding an assigned task."""
    with write_transaction(world.engine) as connection:
        old = world.tasks.get(subject)
        found = get_task(connection, old) if old else None
        if found is not None and found.status.live:
            cancel_task(connection, None, old or "", reason="test reset", now=T0)
        task_id = create_task(
            connection, None, scenario="elderly_home_visit", subject_id=subject,
            due_on=date(2026, 3, 31), now=T0,
        )  # fmt: skip
        if assigned:
            assign_task(connection, None, task_id, world.staff[WORKER_OF[subject]], now=T0)
        if started:
            start_task(connection, world.principal(WORKER_OF[subject]), task_id, now=T0)
    world.tasks[subject] = f"T{task_id:08d}"
    return world.tasks[subject]


def effect(done: bool) -> httpx.Response:
    """What a write achieved, as the matrix reads it: a route may answer 200 with per-item
    refusals (bulk creation), so writes are judged by their effect in the store."""
    return httpx.Response(200 if done else 403)


def status_of(world: World, reference: str) -> str:
    with world.engine.connect() as connection:
        found = get_task(connection, reference)
    assert found is not None
    return found.status.value


def task_write(
    path: str, body: Callable[[World, str], dict[str, Any]], expect: str, **state: bool
) -> Call:
    """A call on a fresh task of the subject; allowed when the task then has status `expect`."""

    def call(world: World, role: Role, subject: str) -> httpx.Response:
        reference = fresh_task(world, subject, **state)
        answer = world.api.post(
            path.format(task=reference), headers=world.tokens[role], json=body(world, subject)
        )
        if answer.status_code >= 500:
            return answer
        done = status_of(world, reference) == expect
        fresh_task(world, subject)
        return effect(done)

    return call


def create_subsidy_recheck(bulk: bool, console: bool = False) -> Call:
    """Create a subsidy re-check for the subject (its open one cancelled first); allowed when
    the task exists afterwards."""

    def call(world: World, role: Role, subject: str) -> httpx.Response:
        with write_transaction(world.engine) as connection:
            for task in open_tasks(connection, subject, "subsidy_recheck"):
                cancel_task(connection, None, task, reason="test reset", now=T0)
        if console:
            answer = world.console[role].post(
                "/console/tasks/create",
                data={"csrf_token": world.csrf(role), "scenario": "subsidy_recheck",
                      "subjects": subject, "due_on": "2026-03-31"},
            )  # fmt: skip
        else:
            one = {"scenario": "subsidy_recheck", "due_on": "2026-03-31"}
            body = {**one, "subject_ids": [subject]} if bulk else {**one, "subject_id": subject}
            path = "/api/v1/tasks/bulk" if bulk else "/api/v1/tasks"
            answer = world.api.post(path, headers=world.tokens[role], json=body)
        if answer.status_code >= 500:
            return answer
        with world.engine.connect() as connection:
            return effect(bool(open_tasks(connection, subject, "subsidy_recheck")))

    return call


def assign_by_grid(world: World, role: Role, subject: str) -> httpx.Response:
    reference = fresh_task(world, subject, assigned=False)
    answer = world.api.post(
        "/api/v1/tasks/assign-by-grid",
        headers=world.tokens[role],
        json={"grid": PEOPLE[subject][1], "assignee_id": world.staff[WORKER_OF[subject]]},
    )
    if answer.status_code >= 500:
        return answer
    done = status_of(world, reference) == "assigned"
    fresh_task(world, subject)
    return effect(done)


def console_assign(world: World, role: Role, subject: str) -> httpx.Response:
    reference = fresh_task(world, subject, assigned=False)
    answer = world.console[role].post(
        "/console/tasks/assign",
        data={"csrf_token": world.csrf(role), "task": reference,
              "assignee": str(world.staff[WORKER_OF[subject]])},
    )  # fmt: skip
    if answer.status_code >= 500:
        return answer
    done = status_of(world, reference) == "assigned"
    fresh_task(world, subject)
    return effect(done)


def to_worker(world: World, subject: str) -> dict[str, Any]:
    return {"assignee_id": world.staff[WORKER_OF[subject]]}


def forms_ready(world: World) -> None:
    """The demo city's forms registered (again: registering the same content changes nothing)."""
    with write_transaction(world.engine) as connection:
        register_folder(connection, FORMS, now=T0)


def submitted(world: World, subject: str) -> int:
    """A new submission from the subject's grid worker's phone correcting the address; the id
    of the change request it proposes."""
    forms_ready(world)
    worker = replace(world.principal(WORKER_OF[subject]), device_id=fresh_device(world, subject))
    body = submission(
        world.tasks[subject], address=f"浙江省杭州市西湖区翠苑街道{uuid.uuid4().hex}号"
    )
    with write_transaction(world.engine) as connection:
        receipt = record_submission(connection, worker, body, now=T0)
        (change,) = changes_of_submission(connection, receipt.submission_id)
    return change.id


def forms_call(path: str) -> Call:
    """A read of the form registry (the forms registered first)."""

    def call(world: World, role: Role, subject: str) -> httpx.Response:
        forms_ready(world)
        return world.api.get(path, headers=world.tokens[role])

    return call


def upload_form(world: World, role: Role, subject: str) -> httpx.Response:
    data = (FORMS / f"{VISIT}.xlsx").read_bytes()
    files = {"file": (f"{VISIT}.xlsx", data, "application/octet-stream")}
    return world.api.post("/api/v1/forms", headers=world.tokens[role], files=files)


def export(fmt: str) -> Call:
    """The form's export, after a submission about the subject; allowed when the subject is in
    it."""

    def call(world: World, role: Role, subject: str) -> httpx.Response:
        submitted(world, subject)
        answer = world.api.get(
            f"/api/v1/forms/{VISIT}/submissions.{fmt}", headers=world.tokens[role]
        )
        if answer.status_code != 200:
            return answer
        if fmt == "csv":
            text = answer.content.decode("utf-8-sig")
        else:
            book = CalamineWorkbook.from_filelike(io.BytesIO(answer.content))
            text = str(book.get_sheet_by_index(0).to_python())
        return effect(subject in text)

    return call


def change_call(method: str, action: str = "", **body: Any) -> Call:
    """A reviewer's call on a fresh change request about the subject."""

    def call(world: World, role: Role, subject: str) -> httpx.Response:
        change_id = submitted(world, subject)
        path = f"/api/v1/changes/{change_id}" + (f"/{action}" if action else "")
        return world.api.request(method, path, headers=world.tokens[role], json=body or None)

    return call


def change_queue(world: World, role: Role, subject: str) -> httpx.Response:
    """The reviewer's queue, after a change request about the subject; allowed when it is
    listed."""
    change_id = submitted(world, subject)
    answer = world.api.get("/api/v1/changes?limit=200", headers=world.tokens[role])
    if answer.status_code != 200:
        return answer
    return effect(change_id in [item["id"] for item in answer.json()["items"]])


def console_change(action: str, **form: str) -> Call:
    """A reviewer's decision in the console on a fresh change request about the subject."""

    def call(world: World, role: Role, subject: str) -> httpx.Response:
        change_id = submitted(world, subject)
        client = world.console[role]
        data = {"csrf_token": world.csrf(role), **form}
        return client.post(f"/console/review/{change_id}/{action}", data=data)

    return call


def console_change_queue(world: World, role: Role, subject: str) -> httpx.Response:
    """The console's Review page, after a change request about the subject; allowed when the
    page shows it."""
    change_id = submitted(world, subject)
    answer = world.console[role].get("/console/review")
    if answer.status_code != 200:
        return answer
    return effect(f"CR{change_id:06d}" in answer.text)


MATRIX: dict[tuple[str, str], tuple[Call, Rule | None]] = {
    ("GET", "/healthz"): (api("GET", "/healthz"), PUBLIC),
    ("GET", "/openapi.json"): (api("GET", "/openapi.json"), PUBLIC),
    ("GET", "/docs"): (api("GET", "/docs"), PUBLIC),
    ("GET", "/"): (api("GET", "/"), PUBLIC),
    ("POST", "/api/v1/auth/sign-in"): (api("POST", "/api/v1/auth/sign-in"), PUBLIC),
    ("POST", "/api/v1/auth/refresh"): (api("POST", "/api/v1/auth/refresh"), PUBLIC),
    ("POST", "/api/v1/auth/sign-out"): (sign_out, roles(*ALL)),
    ("GET", "/api/v1/me"): (api("GET", "/api/v1/me"), roles(*ALL)),
    ("GET", "/api/v1/quality/departments"): (
        api("GET", "/api/v1/quality/departments"),
        roles(Role.DATA_STEWARD, Role.DEPARTMENT_MANAGER, Role.ADMINISTRATOR),
    ),
    # Personal data: only through a purpose, and only in scope.
    ("GET", "/api/v1/tasks/{task_id}/subject"): (
        api("GET", "/api/v1/tasks/{task}/subject"),
        roles(Role.WORKER, scoped=True),
    ),
    ("POST", "/api/v1/counter/lookups"): (
        api("POST", "/api/v1/counter/lookups", id_number=id_number, scenario="counter_service"),
        roles(Role.WINDOW_CLERK, scoped=True),
    ),
    ("POST", "/api/v1/break-glass"): (
        api(
            "POST",
            "/api/v1/break-glass",
            subject_id=subject_id,
            scenario="elderly_home_visit",
            justification="老人突发疾病需要立即联系家属",
            minutes=30,
        ),
        roles(Role.WORKER, Role.DEPARTMENT_MANAGER, scoped=True),
    ),
    ("GET", "/api/v1/break-glass"): (api("GET", "/api/v1/break-glass"), roles(*ALL)),
    ("GET", "/api/v1/break-glass/{grant_id}/subject"): (
        api("GET", "/api/v1/break-glass/{grant}/subject"),
        roles(Role.WORKER, scoped=True),
    ),
    ("POST", "/api/v1/break-glass/{grant_id}/review"): (
        api("POST", "/api/v1/break-glass/{grant}/review", verdict="accepted", note="已核实"),
        roles(Role.AUDITOR),
    ),
    ("POST", "/api/v1/access-reports"): (
        api("POST", "/api/v1/access-reports", id_number=id_number),
        roles(Role.AUDITOR, Role.ADMINISTRATOR, scoped=True),
    ),
    ("GET", "/api/v1/audit/status"): (api("GET", "/api/v1/audit/status"), roles(Role.AUDITOR)),
    ("POST", "/api/v1/audit/verifications"): (
        api("POST", "/api/v1/audit/verifications"),
        roles(Role.AUDITOR),
    ),
    # Tasks (no personal data: entity ids only) — reading follows the tasks' own rules.
    ("GET", "/api/v1/tasks"): (api("GET", "/api/v1/tasks"), roles(*READING)),
    ("GET", "/api/v1/tasks/{reference}"): (
        api("GET", "/api/v1/tasks/{task}"),
        roles(*READING, scoped=True),
    ),
    ("POST", "/api/v1/tasks"): (create_subsidy_recheck(bulk=False), roles(*MANAGING, scoped=True)),
    ("POST", "/api/v1/tasks/bulk"): (
        create_subsidy_recheck(bulk=True),
        roles(*MANAGING, scoped=True),
    ),
    ("POST", "/api/v1/tasks/assign-by-grid"): (assign_by_grid, roles(*MANAGING, scoped=True)),
    ("POST", "/api/v1/tasks/{reference}/assign"): (
        task_write("/api/v1/tasks/{task}/assign", to_worker, "assigned", assigned=False),
        roles(*MANAGING, scoped=True),
    ),
    ("POST", "/api/v1/tasks/{reference}/start"): (
        task_write("/api/v1/tasks/{task}/start", lambda _w, _s: {}, "in_progress"),
        roles(Role.WORKER, scoped=True),
    ),
    ("POST", "/api/v1/tasks/{reference}/complete"): (
        task_write(
            "/api/v1/tasks/{task}/complete",
            lambda _w, _s: {"outcome": "已上门，老人身体良好"},
            "done",
            started=True,
        ),
        roles(Role.WORKER, scoped=True),
    ),
    ("POST", "/api/v1/tasks/{reference}/cancel"): (
        task_write(
            "/api/v1/tasks/{task}/cancel", lambda _w, _s: {"reason": "重复工单"}, "cancelled"
        ),
        roles(*MANAGING, scoped=True),
    ),
    # Devices: administrators manage those of staff in their scope; auditors see them.
    ("POST", "/api/v1/devices/enrolments"): (
        enrolment_code,
        roles(Role.ADMINISTRATOR, scoped=True),
    ),
    ("GET", "/api/v1/devices"): (
        api("GET", "/api/v1/devices"),
        roles(Role.ADMINISTRATOR, Role.AUDITOR),
    ),
    ("GET", "/api/v1/devices/inventory"): (
        api("GET", "/api/v1/devices/inventory"),
        roles(Role.ADMINISTRATOR, Role.AUDITOR),
    ),
    ("POST", "/api/v1/devices/{device_id}/lock"): (
        device_command("lock"),
        roles(Role.ADMINISTRATOR, scoped=True),
    ),
    ("POST", "/api/v1/devices/{device_id}/wipe"): (
        device_command("wipe"),
        roles(Role.ADMINISTRATOR, scoped=True),
    ),
    ("POST", "/api/v1/devices/{device_id}/revoke"): (
        device_command("revoke"),
        roles(Role.ADMINISTRATOR, scoped=True),
    ),
    ("POST", "/api/v1/device/enrol"): (
        api(
            "POST",
            "/api/v1/device/enrol",
            code="ABCD-EFGH-JKMN",
            public_key={"kty": "EC", "crv": "P-256", "x": "A" * 43, "y": "B" * 43},
        ),
        NOBODY,
    ),
    ("POST", "/api/v1/device/sign-in"): (
        api("POST", "/api/v1/device/sign-in", username="worker", password=PASSWORD),
        NOBODY,
    ),
    ("POST", "/api/v1/device/refresh"): (
        api("POST", "/api/v1/device/refresh", refresh_token="x" * 43),
        NOBODY,
    ),
    ("POST", "/api/v1/device/check-in"): (
        api("POST", "/api/v1/device/check-in", app_version="1", packages_held=0),
        NOBODY,
    ),
    ("POST", "/api/v1/device/commands/{command_id}/done"): (
        api("POST", "/api/v1/device/commands/1/done"),
        NOBODY,
    ),
    ("GET", "/api/v1/device/tasks"): (api("GET", "/api/v1/device/tasks"), NOBODY),
    ("POST", "/api/v1/device/tasks/{task}/package"): (
        api("POST", "/api/v1/device/tasks/{task}/package"),
        NOBODY,
    ),
    ("POST", "/api/v1/device/packages"): (
        api("POST", "/api/v1/device/packages", tasks=lambda w, s: [w.tasks[s]]),
        NOBODY,
    ),
    ("POST", "/api/v1/device/receipts"): (
        api("POST", "/api/v1/device/receipts", receipts=[]),
        NOBODY,
    ),
    # Forms: definitions are not personal data; submissions come from phones only; a change
    # request's values and an export are personal data, read under `review` and `export`.
    ("POST", "/api/v1/forms"): (upload_form, roles(Role.ADMINISTRATOR, Role.DEPARTMENT_MANAGER)),
    ("GET", "/api/v1/forms"): (forms_call("/api/v1/forms"), roles(*ALL)),
    ("GET", "/api/v1/forms/{form_id}"): (forms_call(f"/api/v1/forms/{VISIT}"), roles(*ALL)),
    ("GET", "/api/v1/forms/{form_id}/versions/{version}"): (
        forms_call(f"/api/v1/forms/{VISIT}/versions/{VERSION}"),
        roles(*ALL),
    ),
    ("GET", "/api/v1/forms/{form_id}/submissions.csv"): (
        export("csv"),
        roles(*MANAGING, scoped=True),
    ),
    ("GET", "/api/v1/forms/{form_id}/submissions.xlsx"): (
        export("xlsx"),
        roles(*MANAGING, scoped=True),
    ),
    ("POST", "/api/v1/device/submissions"): (
        api(
            "POST",
            "/api/v1/device/submissions",
            client_id=lambda _w, _s: str(uuid.uuid4()),
            task=lambda w, s: w.tasks[s],
            form_id=VISIT,
            form_version=VERSION,
            answers={"met": "no"},
            completed_at=T0.isoformat(),
        ),
        NOBODY,
    ),
    ("POST", "/api/v1/device/submissions/batch"): (
        api(
            "POST",
            "/api/v1/device/submissions/batch",
            submissions=lambda w, s: [
                {
                    "client_id": str(uuid.uuid4()),
                    "task": w.tasks[s],
                    "form_id": VISIT,
                    "form_version": VERSION,
                    "answers": {"met": "no"},
                    "completed_at": T0.isoformat(),
                }
            ],
        ),
        NOBODY,
    ),
    ("GET", "/api/v1/changes"): (change_queue, roles(Role.DEPARTMENT_MANAGER, scoped=True)),
    ("GET", "/api/v1/changes/{change_id}"): (
        change_call("GET"),
        roles(Role.DEPARTMENT_MANAGER, scoped=True),
    ),
    ("POST", "/api/v1/changes/{change_id}/accept"): (
        change_call("POST", "accept"),
        roles(Role.DEPARTMENT_MANAGER, scoped=True),
    ),
    ("POST", "/api/v1/changes/{change_id}/reject"): (
        change_call("POST", "reject", reason="与户籍登记不符"),
        roles(Role.DEPARTMENT_MANAGER, scoped=True),
    ),
    ("GET", "/api/v1/scenarios"): (api("GET", "/api/v1/scenarios"), roles(*ALL)),
    ("GET", "/api/v1/scenarios/{key}"): (
        api("GET", "/api/v1/scenarios/elderly_home_visit"),
        roles(*ALL),
    ),
    # The frontline app's shell: static files, no data (the data comes over the device API).
    ("GET", "/app"): (api("GET", "/app"), PUBLIC),
    ("GET", "/app/"): (api("GET", "/app/"), PUBLIC),
    ("GET", "/app/sw.js"): (api("GET", "/app/sw.js"), PUBLIC),
    ("GET", "/app/manifest.webmanifest"): (api("GET", "/app/manifest.webmanifest"), PUBLIC),
    ("GET", "/app/static/{name:path}"): (api("GET", "/app/static/app.css"), PUBLIC),
    # The console.
    ("GET", "/console"): (page("GET", "/console"), roles(*ALL)),
    ("GET", "/console/sign-in"): (page("GET", "/console/sign-in"), PUBLIC),
    ("POST", "/console/sign-in"): (page("POST", "/console/sign-in"), PUBLIC),
    ("POST", "/console/sign-out"): (console_sign_out, PUBLIC),
    ("GET", "/console/quality"): (
        page("GET", "/console/quality"),
        roles(Role.DATA_STEWARD, Role.DEPARTMENT_MANAGER, Role.ADMINISTRATOR),
    ),
    ("GET", "/console/tasks"): (page("GET", "/console/tasks"), roles(*READING)),
    ("GET", "/console/tasks/{reference}"): (
        page("GET", "/console/tasks/{task}"),
        roles(*READING, scoped=True),
    ),
    ("POST", "/console/tasks/create"): (
        create_subsidy_recheck(bulk=True, console=True),
        roles(*MANAGING, scoped=True),
    ),
    ("POST", "/console/tasks/assign"): (console_assign, roles(*MANAGING, scoped=True)),
    ("GET", "/console/scenarios"): (page("GET", "/console/scenarios"), roles(*ALL)),
    ("GET", "/console/scenarios/{key}"): (
        page("GET", "/console/scenarios/elderly_home_visit"),
        roles(*ALL),
    ),
    ("GET", "/console/access-report"): (
        page("GET", "/console/access-report"),
        roles(Role.AUDITOR, Role.ADMINISTRATOR),
    ),
    ("POST", "/console/access-report"): (
        page("POST", "/console/access-report", id_number=id_number),
        roles(Role.AUDITOR, Role.ADMINISTRATOR, scoped=True),
    ),
    ("GET", "/console/devices"): (
        page("GET", "/console/devices"),
        roles(Role.ADMINISTRATOR, Role.AUDITOR),
    ),
    ("POST", "/console/devices/enrolments"): (
        console_enrolment,
        roles(Role.ADMINISTRATOR, scoped=True),
    ),
    ("POST", "/console/devices/{device_id}/{kind}"): (
        console_device_command,
        roles(Role.ADMINISTRATOR, scoped=True),
    ),
    ("GET", "/console/review"): (
        console_change_queue,
        roles(Role.DEPARTMENT_MANAGER, scoped=True),
    ),
    ("POST", "/console/review/{change_id}/accept"): (
        console_change("accept"),
        roles(Role.DEPARTMENT_MANAGER, scoped=True),
    ),
    ("POST", "/console/review/{change_id}/reject"): (
        console_change("reject", reason="与户籍登记不符"),
        roles(Role.DEPARTMENT_MANAGER, scoped=True),
    ),
    ("GET", "/console/audit"): (page("GET", "/console/audit"), roles(Role.AUDITOR)),
    ("POST", "/console/audit/verify"): (page("POST", "/console/audit/verify"), roles(Role.AUDITOR)),
    ("GET", "/console/break-glass"): (page("GET", "/console/break-glass"), roles(Role.AUDITOR)),
    ("POST", "/console/break-glass/{grant_id}/review"): (
        page("POST", "/console/break-glass/{grant}/review", verdict="accepted", note="已核实"),
        roles(Role.AUDITOR),
    ),
}
SKIPPED_MOUNTS = frozenset({"/static"})


def app_routes(app: FastAPI) -> Iterator[tuple[str, str]]:
    """(method, path) of every route of the app, included routers' too."""
    for route in app.routes:
        if isinstance(route, Mount):
            assert route.path in SKIPPED_MOUNTS, f"unexpected mount {route.path}"
            continue
        # Included routers are one entry of `app.routes` each, their routes inside it.
        contexts: Iterable[Any] = (
            route.effective_route_contexts()
            if hasattr(route, "effective_route_contexts")
            else [route]
        )
        for context in contexts:
            assert isinstance(context, APIRoute | Route) or hasattr(context, "methods")
            for method in sorted(context.methods or ()):
                if method != "HEAD":
                    yield method, str(context.path)


@pytest.fixture
def world(engine: Engine, database_url: str, tmp_path: Path) -> Iterator[World]:
    build_world(engine, with_staff=False)
    add_members(engine)
    with write_transaction(engine) as connection:
        worker_b = create_staff(
            connection, username="worker_b", display_name="网格B", department="civil_affairs",
            roles=[Role.WORKER], area=GRID_B, password=PASSWORD, hashing=CHEAP, now=T0,
        )  # fmt: skip
    app = create_app(
        settings_for(database_url, tmp_path / "var"),
        clock=Clock(),
        session_settings=SESSION_SETTINGS,
    )
    with Client(app) as client:
        tokens, consoles, staff = {}, {}, {}
        for username, role in ROLE_OF.items():
            answer = client.post(
                "/api/v1/auth/sign-in", json={"username": username, "password": PASSWORD}
            ).json()
            tokens[role] = bearer(answer)
            staff[username] = client.get("/api/v1/me", headers=tokens[role]).json()["staff_id"]
            consoles[role] = Client(app).__enter__()
            form = consoles[role].get("/console/sign-in").text
            token = CSRF.search(form)
            assert token is not None
            signed = consoles[role].post(
                "/console/sign-in",
                data={"username": username, "password": PASSWORD, "csrf_token": token.group(1)},
            )
            assert signed.status_code == 303
        world = World(engine, client, tokens, consoles, {**staff, "worker_b": worker_b})
        with write_transaction(engine) as connection:
            for subject, assignee in ((IN, staff["worker"]), (OUT, worker_b)):
                task_id = create_task(
                    connection, None, scenario="elderly_home_visit", subject_id=subject,
                    due_on=date(2026, 3, 31), now=T0,
                )  # fmt: skip
                assign_task(connection, None, task_id, assignee, now=T0)
                world.tasks[subject] = f"T{task_id:08d}"
        yield world
        for console in consoles.values():
            console.__exit__()


def test_every_route_has_a_matrix_entry(world: World) -> None:
    missing = sorted(set(app_routes(world.api.app)) - MATRIX.keys())
    assert not missing, f"routes without an authorisation matrix entry: {missing}"


def test_no_route_allows_what_the_policy_does_not_grant(world: World) -> None:
    wrong: list[tuple[object, ...]] = []
    for key in sorted(set(app_routes(world.api.app))):
        call, rule = MATRIX[key]
        for role in Role:
            for subject in (IN, OUT):
                response = call(world, role, subject)
                if response.status_code >= 500:
                    wrong.append((key, role.value, subject, response.status_code, "no 5xx"))
                    continue
                if rule is None:
                    continue
                allowed = _allowed(response)
                expected = rule(role, subject == IN)
                if allowed != expected:
                    wrong.append((key, role.value, subject, response.status_code, expected))
    assert not wrong, "\n".join(map(str, wrong))


def _allowed(response: httpx.Response) -> bool:
    if response.status_code in (401, 403, 404, 409, 422):
        return False
    if response.status_code == 303:
        return "/console/sign-in" not in response.headers.get("location", "")
    assert 200 <= response.status_code < 300, response.text
    return True


def test_the_printable_report_shows_who_why_what_and_when_in_chinese(world: World) -> None:
    looked_up = world.api.post(
        "/api/v1/counter/lookups",
        headers=world.tokens[Role.WINDOW_CLERK],
        json={"id_number": PEOPLE[IN][0], "scenario": "counter_service"},
    )
    assert looked_up.status_code == 200
    assert {f["name"]: f["value"] for f in looked_up.json()["fields"]}["id_number"] == (
        "110105********0016"
    )
    report = page("POST", "/console/access-report", id_number=id_number)(world, Role.AUDITOR, IN)
    assert report.status_code == 200
    text = report.text
    assert "个人数据访问记录" in text
    assert "窗口人员" in text
    assert "窗口服务：一窗受理（社会救助申请）" in text
    assert "姓名" in text
    assert "@media print" in text
    assert PEOPLE[IN][0] not in text  # the number is shown masked only
    answer = world.api.post(
        "/api/v1/access-reports",
        headers=world.tokens[Role.AUDITOR],
        json={"id_number": PEOPLE[IN][0]},
    ).json()
    assert [a["purpose_kind"] for a in answer["accesses"]] == ["counter"]
    assert answer["accesses"][0]["role"] == "window_clerk"


def open_tasks(connection: Connection, subject: str, scenario: str) -> list[str]:
    """The references of `subject`'s live tasks of `scenario`."""
    return list(
        connection.scalars(
            select(Task.reference).where(
                Task.subject_id == subject,
                Task.scenario_key == scenario,
                Task.status.in_(("open", "assigned", "in_progress")),
            )
        )
    )
