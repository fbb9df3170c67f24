"""`GET /api/v1/quality/departments`: who sees which departments' quality."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from tests.quality.factories import ISSUES, SCORES, City, publish_city
from tests.web.client import Client
from tests.web.conftest import bearer, sign_in

SCALE = 0.01


@pytest.fixture
def published(engine: Engine) -> int:
    return publish_city(engine, City(scale=SCALE))


def _overview(client: Client, username: str) -> dict[str, object]:
    response = client.get("/api/v1/quality/departments", headers=bearer(sign_in(client, username)))
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


@pytest.mark.parametrize("username", ["steward", "admin"])
def test_stewards_and_administrators_see_every_department(
    client: Client, published: int, username: str
) -> None:
    body = _overview(client, username)
    assert body["run"]["id"] == published  # type: ignore[index]
    assert body["run"]["as_of"] == "2026-06-30"  # type: ignore[index]
    departments = {d["key"]: d for d in body["departments"]}  # type: ignore[attr-defined]
    assert set(departments) == set(ISSUES)
    civil = departments["civil_affairs"]
    assert civil["name"] == "民政局"
    assert civil["scores"]["consistency"] == SCORES["civil_affairs"][2]
    city = City(scale=SCALE)
    assert {i["type"]: i["count"] for i in civil["issues"]} == dict(
        city.issue_counts("civil_affairs")
    )
    totals = {k["type"]: k["count"] for k in body["issue_types"]}  # type: ignore[attr-defined]
    assert sum(totals.values()) == sum(d["issues_total"] for d in departments.values())
    severities = [k["severity"] for k in body["issue_types"]]  # type: ignore[attr-defined]
    assert severities == sorted(severities, key=["error", "warning", "info"].index)


def test_a_department_manager_sees_their_own_department_only(
    client: Client, published: int
) -> None:
    body = _overview(client, "manager")
    assert [d["key"] for d in body["departments"]] == ["civil_affairs"]  # type: ignore[attr-defined]
    totals = {k["type"]: k["count"] for k in body["issue_types"]}  # type: ignore[attr-defined]
    assert totals["stale"] == 0  # only other departments have stale records
    assert sum(totals.values()) == body["departments"][0]["issues_total"]  # type: ignore[index]


@pytest.mark.parametrize("username", ["worker", "clerk", "auditor"])
def test_other_roles_are_refused(client: Client, published: int, username: str) -> None:
    response = client.get("/api/v1/quality/departments", headers=bearer(sign_in(client, username)))
    assert response.status_code == 403
    assert response.json()["type"] == "/problems/forbidden"


def test_before_any_run_there_is_nothing_to_show(client: Client) -> None:
    body = _overview(client, "steward")
    assert body == {"run": None, "departments": [], "issue_types": []}
