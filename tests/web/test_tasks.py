"""The tasks API and the console's tasks and scenarios pages, signed in as each kind of member."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from frontline.web import create_app
from tests.tasks.factories import GRID_A, GRID_B, OUTSIDE, World, build_world
from tests.web.client import Client
from tests.web.conftest import PASSWORD, SESSION_SETTINGS, Clock, bearer, settings_for, sign_in
from tests.web.test_console import console_sign_in


@pytest.fixture
def world(engine: Engine) -> World:
    return build_world(engine, password=PASSWORD)


@pytest.fixture
def tasks_app(world: World, database_url: str, tmp_path: Path) -> FastAPI:
    return create_app(
        settings_for(database_url, tmp_path / "var"),
        clock=Clock(),
        session_settings=SESSION_SETTINGS,
    )


@pytest.fixture
def api(tasks_app: FastAPI) -> Iterator[Client]:
    with Client(tasks_app) as client:
        yield client


def _as(client: Client, who: str) -> dict[str, str]:
    return bearer(sign_in(client, who))


def test_a_task_from_creation_to_done_over_the_api(api: Client, world: World) -> None:
    manager, worker = _as(api, "manager"), _as(api, "worker")
    subject = world.in_grid(GRID_A)[0]
    body = {
        "scenario": "elderly_home_visit",
        "subject_id": subject,
        "due_on": "2026-03-31",
        "assignee_id": world.id("worker"),
    }
    created = api.post("/api/v1/tasks", json=body, headers=manager)
    assert created.status_code == 201, created.text
    task = created.json()
    reference = task["reference"]
    assert (task["status"], task["grid"], task["assignee_name"]) == (
        "assigned",
        GRID_A,
        "测试worker",
    )
    assert [s["to_status"] for s in task["transitions"]] == ["open", "assigned"]
    again = api.post("/api/v1/tasks", json=body, headers=manager)
    assert again.status_code == 409
    assert again.json()["type"] == "/problems/task-conflict"
    assert reference in again.json()["detail"]

    mine = api.get("/api/v1/tasks", headers=worker).json()
    assert [t["reference"] for t in mine["items"]] == [reference]
    assert (
        api.post(
            f"/api/v1/tasks/{reference}/complete", json={"outcome": "x"}, headers=worker
        ).status_code
        == 409
    )
    assert api.post(f"/api/v1/tasks/{reference}/start", headers=worker).json()["status"] == (
        "in_progress"
    )
    done = api.post(
        f"/api/v1/tasks/{reference}/complete", json={"outcome": "一切正常"}, headers=worker
    )
    assert done.json()["status"] == "done"
    assert done.json()["outcome"] == "一切正常"
    refused = api.post(
        f"/api/v1/tasks/{reference}/cancel",
        json={"reason": "x"},
        headers=manager,
    )
    assert refused.status_code == 409
    assert "已办结" in refused.json()["detail"]


def test_the_api_refuses_what_the_roles_do_not_allow(api: Client, world: World) -> None:
    manager = _as(api, "manager")
    bulk = {
        "scenario": "elderly_home_visit",
        "due_on": "2026-03-31",
        "subject_ids": world.in_grid(GRID_A)
        + world.in_grid(GRID_B)
        + [world.in_grid(OUTSIDE)[0], world.in_grid(None)[0], "P999999999"],
    }
    answer = api.post("/api/v1/tasks/bulk", json=bulk, headers=manager).json()
    assert answer["created"] == 6
    outcomes = [r["outcome"] for r in answer["results"]][-3:]
    assert outcomes == ["out_of_scope", "unplaced", "unknown_subject"]
    assert api.post("/api/v1/tasks/bulk", json=bulk, headers=manager).json()["created"] == 0
    reference = answer["results"][0]["reference"]

    hr = _as(api, "hr_manager")
    assert api.post("/api/v1/tasks/bulk", json=bulk, headers=hr).status_code == 403
    assert api.get(f"/api/v1/tasks/{reference}", headers=hr).status_code == 404
    assert (
        api.post(f"/api/v1/tasks/{reference}/cancel", json={"reason": "x"}, headers=hr).status_code
        == 404
    )
    clerk = _as(api, "clerk")
    assert api.get("/api/v1/tasks", headers=clerk).status_code == 403
    auditor = _as(api, "auditor")
    assert api.get("/api/v1/tasks", headers=auditor).json()["total"] == 6
    assert (
        api.post(
            f"/api/v1/tasks/{reference}/cancel", json={"reason": "x"}, headers=auditor
        ).status_code
        == 403
    )
    wrong = api.post(
        f"/api/v1/tasks/{reference}/assign",
        json={"assignee_id": world.id("worker2")},
        headers=manager,
    )
    assert wrong.status_code == 409
    assert wrong.json()["type"] == "/problems/task-refused"
    grid = api.post(
        "/api/v1/tasks/assign-by-grid",
        json={"grid": GRID_B, "assignee_id": world.id("worker2")},
        headers=manager,
    )
    assert len(grid.json()["references"]) == len(world.in_grid(GRID_B))
    english = api.get("/api/v1/tasks/T99999999", headers={**manager, "Accept-Language": "en"})
    assert english.status_code == 404
    assert "no such task" in english.json()["detail"]


def test_scenarios_over_the_api(api: Client, world: World) -> None:
    worker = _as(api, "worker")
    listed = api.get("/api/v1/scenarios", headers=worker).json()
    assert "elderly_home_visit" in [s["key"] for s in listed]
    visit = api.get("/api/v1/scenarios/elderly_home_visit", headers=worker).json()
    assert {"name": "id_number", "masking": "mask"} in visit["fields"]
    assert visit["retention_seconds"] == 72 * 3600
    assert api.get("/api/v1/scenarios/nothing", headers=worker).status_code == 404
    assert api.get("/api/v1/scenarios").status_code == 401


def test_the_console_lists_creates_and_bulk_assigns(tasks_app: FastAPI, world: World) -> None:
    with Client(tasks_app) as console:
        console_sign_in(console, "manager")
        page = console.get("/console/tasks")
        assert page.status_code == 200
        assert "共 0 个工单" in page.text
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        subjects = "\n".join([*world.in_grid(GRID_A), "P999999999"])
        made = console.post(
            "/console/tasks/create",
            data={
                "scenario": "elderly_home_visit",
                "subjects": subjects,
                "due_on": "2026-03-31",
                "csrf_token": token,
            },
        )
        assert made.status_code == 303
        listed = console.get(made.headers["location"])
        assert "已创建 3 个工单；1 个对象未创建" in listed.text
        references = [f"T{n:08d}" for n in (1, 2)]
        assigned = console.post(
            "/console/tasks/assign",
            data={
                "task": references,
                "assignee": str(world.id("worker")),
                "back": "status=open",
                "csrf_token": token,
            },
        )
        assert assigned.status_code == 303
        assert assigned.headers["location"] == "/console/tasks?status=open&assigned=2"
        open_only = console.get(assigned.headers["location"])
        assert "已分派 2 个工单。" in open_only.text
        assert "共 1 个工单" in open_only.text
        forged = console.post(
            "/console/tasks/assign",
            data={"task": ["T00000003"], "assignee": str(world.id("worker")), "csrf_token": "x"},
        )
        assert forged.status_code == 403
        one = console.get("/console/tasks/T00000001?lang=en")
        assert "Steps" in one.text
        assert "open → assigned" in one.text
        scenario = console.get("/console/scenarios/elderly_home_visit?lang=zh")
        assert "部分遮蔽" in scenario.text
        assert "独居老人走访" in console.get("/console/scenarios").text
    with Client(tasks_app) as console:
        console_sign_in(console, "worker")
        mine = console.get("/console/tasks")
        assert "共 2 个工单" in mine.text
        assert 'action="/console/tasks/create"' not in mine.text
        assert console.post("/console/tasks/create", data={}).status_code == 403
    with Client(tasks_app) as console:
        console_sign_in(console, "clerk")
        assert console.get("/console/tasks").status_code == 403
        assert "/console/tasks" not in console.get("/console").text
