"""The frontline app in real Chromium against the real service (on SQLite and PostgreSQL): a
worker enrols a phone from the enrolment link, signs in, reads a task's subject as the
scenario allows, starts and completes tasks (one of them offline), and the administrator's
lock, wipe and revoke reach the phone — with the server's inventory following every step."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page
from sqlalchemy import Engine

from frontline.staff.accounts import find_staff
from frontline.store import write_transaction
from frontline.tasks import assign_task, create_task
from frontline.web import create_app, default_features, mobile
from tests.access.world import build_world
from tests.web.conftest import PASSWORD, SESSION_SETTINGS, add_members, settings_for
from tests.web.test_browser import CHROMIUM, PHONE, browser, serving, shots

__all__ = ["browser", "shots"]  # fixtures used by the tests below
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]
PIN = "7391"


class Service:
    """The running service and an administrator's (and a manager's) API client."""

    def __init__(self, base: str, client: httpx.Client, worker_id: int) -> None:
        self.base = base
        self.client = client
        self.worker_id = worker_id
        self.admin = self._bearer("admin")
        self.manager = self._bearer("manager")

    def _bearer(self, username: str) -> dict[str, str]:
        answer = self.client.post(
            "/api/v1/auth/sign-in", json={"username": username, "password": PASSWORD}
        )
        assert answer.status_code == 200, answer.text
        return {"Authorization": f"Bearer {answer.json()['access_token']}"}

    def enrol_url(self) -> str:
        answer = self.client.post(
            "/api/v1/devices/enrolments", headers=self.admin, json={"staff_id": self.worker_id}
        )
        assert answer.status_code == 201, answer.text
        url: str = answer.json()["enrol_url"]
        return url

    def inventory(self) -> list[dict[str, Any]]:
        answer = self.client.get("/api/v1/devices/inventory", headers=self.admin)
        assert answer.status_code == 200, answer.text
        items: list[dict[str, Any]] = answer.json()["items"]
        return items

    def devices(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = self.client.get("/api/v1/devices", headers=self.admin).json()[
            "items"
        ]
        return items

    def command(self, device_id: str, kind: str) -> None:
        answer = self.client.post(
            f"/api/v1/devices/{device_id}/{kind}", headers=self.admin, json={"reason": "测试"}
        )
        assert answer.status_code == 200, answer.text

    def task(self, reference: str) -> dict[str, Any]:
        found: dict[str, Any] = self.client.get(
            f"/api/v1/tasks/{reference}", headers=self.manager
        ).json()
        return found


@pytest.fixture
def service(engine: Engine, database_url: str, tmp_path: Path) -> Iterator[Service]:
    build_world(engine, with_staff=False)
    add_members(engine)
    today = date.today()
    with write_transaction(engine) as connection:
        worker = find_staff(connection, "worker")
        assert worker is not None
        for scenario, due in [
            ("elderly_home_visit", today - timedelta(days=1)),
            ("subsidy_recheck", today + timedelta(days=5)),
        ]:
            task = create_task(
                connection, None, scenario=scenario, subject_id="P000000001", due_on=due
            )
            assign_task(connection, None, task, worker.id)
    features = default_features()
    if not any(feature.name == "mobile" for feature in features):
        features.append(mobile.feature())
    app = create_app(
        settings_for(database_url, tmp_path / "var"),
        features=features,
        session_settings=SESSION_SETTINGS,
    )
    with serving(app) as base, httpx.Client(base_url=base) as client:
        yield Service(base, client, worker.id)


def until(page: Page, condition: Callable[[], object], what: str, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        page.wait_for_timeout(50)


def press_pin(page: Page, pin: str) -> None:
    for digit in pin:
        page.click(f".pin-pad [data-key='{digit}']")
    page.click(".pin-pad [data-key='ok']")


def screen(page: Page) -> str:
    return str(page.evaluate("document.body.dataset.screen"))


def counts(page: Page) -> dict[str, int]:
    found: dict[str, int] = page.evaluate("frontline.counts()")
    return found


def enrol(page: Page, service: Service, tasks: int) -> None:
    """From a fresh enrolment link to the task list, signed in, with the PIN set."""
    page.goto(service.enrol_url())
    page.evaluate("frontline.ready")
    page.wait_for_selector("#code")
    assert page.url == f"{service.base}/app/"  # the code left the address bar
    page.click("button[form=enrol-form]")
    page.wait_for_selector("#username")
    assert page.input_value("#username") == "worker"
    page.fill("#password", PASSWORD)
    page.click("button[form=sign-in-form]")
    page.wait_for_selector(".pin-pad")
    press_pin(page, PIN)
    until(page, lambda: "再次输入" in page.inner_text("h1"), "the PIN confirmation")
    press_pin(page, PIN)
    page.wait_for_selector(".task-card")
    until(page, lambda: counts(page)["packages"] == tasks, "the packages")
    page.evaluate("frontline.settled()")


def test_a_worker_uses_the_app_against_the_service(
    browser: Browser, service: Service, shots: Path
) -> None:
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    enrol(page, service, 2)
    (device,) = service.devices()
    assert device["status"] == "active"
    assert device["packages_held"] in (0, 2)  # posture as of the last check-in
    held = service.inventory()
    assert sorted(item["scenario_key"] for item in held) == [
        "elderly_home_visit",
        "subsidy_recheck",
    ]
    visit = next(
        item["task_reference"] for item in held if item["scenario_key"] == "elderly_home_visit"
    )
    page.screenshot(path=shots / "app-service-tasks-zh.png", full_page=True)
    assert "已逾期 1 天" in page.inner_text(f"[data-reference={visit}]")

    # The subject as the scenario allows: the ID number masked, the birth date a year.
    page.click(f"[data-reference={visit}]")
    page.wait_for_selector("dl.fields")
    assert page.inner_text("[data-field=name] .value") == "王建国"
    assert page.inner_text("[data-field=id_number] .value") == "110105********0016"
    assert page.inner_text("[data-field=birth_date] .value") == "1956"
    assert "1956-03-04" not in page.inner_text("main")
    assert "ethnicity" not in page.inner_text("main")  # not a field of the scenario
    page.screenshot(path=shots / "app-service-task-zh.png", full_page=True)

    # Start online; complete offline, sent when the network is back.
    page.click("#start")
    until(page, lambda: service.task(visit)["status"] == "in_progress", "the start")
    until(page, lambda: page.locator("#complete").count() == 1, "the complete button")
    context.set_offline(True)
    page.click("#complete")
    page.fill("#outcome", "老人身体状况良好，居住安全。")
    page.click("#submit-outcome")
    until(page, lambda: counts(page)["outbox"] == 1, "the queued step")
    assert counts(page)["packages"] == 1  # deleted at once, receipt queued
    assert counts(page)["receipts"] == 1
    context.set_offline(False)
    until(page, lambda: service.task(visit)["status"] == "done", "the completion")
    assert service.task(visit)["outcome"] == "老人身体状况良好，居住安全。"
    until(page, lambda: counts(page)["receipts"] == 0, "the receipt")
    page.evaluate("frontline.settled()")
    assert [item["scenario_key"] for item in service.inventory()] == ["subsidy_recheck"]
    # Done, it is off the list.
    until(page, lambda: "此工单已不在您的工单列表中" in page.inner_text("main"), "the task gone")
    page.click("#actions >> text=返回")
    until(page, lambda: screen(page) == "tasks", "the list")
    assert page.locator(".task-card").count() == 1

    # A lock: the app locks at its next check-in; the sessions end, so the worker unlocks
    # with the PIN and signs in again to sync.
    service.command(device["id"], "lock")
    assert page.evaluate("frontline.sync()") == {"signin": True}
    until(page, lambda: screen(page) == "lock", "the lock screen")
    press_pin(page, PIN)
    until(page, lambda: screen(page) == "tasks", "the tasks")
    until(page, lambda: page.locator("#banner button").count() == 1, "the sign-in banner")
    page.click("#banner button")
    page.fill("#password", PASSWORD)
    page.click("button[form=sign-in-form]")
    until(page, lambda: screen(page) == "tasks", "the tasks again")
    assert page.evaluate("frontline.sync()") == {"ok": True}

    # A wipe: receipts first, then the confirmation; the device is wiped.
    service.command(device["id"], "wipe")
    assert page.evaluate("frontline.sync()") == {"wiped": True}
    until(page, lambda: screen(page) == "enrol", "the enrol screen")
    assert "管理员已远程擦除本机数据" in page.inner_text("main")
    assert counts(page)["keys"] == 0
    assert service.inventory() == []
    assert service.devices()[0]["status"] == "wiped"

    # Enrolled again (a new key, a new device); then reported lost and revoked.
    enrol(page, service, 1)
    fresh = next(d for d in service.devices() if d["status"] == "active")
    assert fresh["id"] != device["id"]
    service.command(fresh["id"], "revoke")
    assert page.evaluate("frontline.sync()") == {"wiped": True}
    until(page, lambda: screen(page) == "enrol", "the enrol screen")
    assert "本设备已被停用" in page.inner_text("main")
    page.screenshot(path=shots / "app-service-revoked-zh.png", full_page=True)
    assert counts(page)["packages"] == 0
    assert errors == []
    context.close()
