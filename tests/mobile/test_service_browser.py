"""The frontline app in real Chromium against the real service (on SQLite and PostgreSQL), with
workers signing in only on enrolled phones, as in production.

A worker enrols a phone from the enrolment link, signs in, reads a task's subject as the
scenario allows, opens it again with the network off, starts and completes it offline — the
package leaves IndexedDB and its receipt reaches the server — and the administrator's lock and
wipe reach the phone. Packages that expire while the phone is offline are purged by the app
itself. A revoked device and a replayed token are refused. A second worker's phone never
receives the first worker's data. The server's inventory follows every step.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, BrowserContext, Page, Request, Response
from playwright.sync_api import Error as PlaywrightError
from sqlalchemy import Engine, select

from frontline.devices.models import DevicePackage
from frontline.devices.registry import DevicePolicy
from frontline.staff.accounts import create_staff, find_staff
from frontline.staff.roles import Role
from frontline.store import write_transaction
from frontline.tasks import assign_task, create_task
from frontline.web import create_app, default_features, mobile
from tests.access.world import GRID_B, build_world
from tests.mobile.helpers import counts, press_pin, screen, shoot, until
from tests.web.conftest import CHEAP, PASSWORD, SESSION_SETTINGS, Clock, add_members, settings_for
from tests.web.test_browser import CHROMIUM, PHONE, browser, serving, shots
from tests.web.test_devices import Phone

__all__ = ["browser", "shots"]  # fixtures used by the tests below
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]
PIN = "7391"
DISTRICT = "330106"
FIRST = "P000000001"
"""The first worker's subject (grid A); its ID number ends in 0016."""
SECOND = "P000000002"
"""The second worker's subject (grid B); its ID number ends in 0027."""


class Service:
    """The running service, its store, and API clients of a district administrator and of
    the grid's manager."""

    def __init__(self, base: str, client: httpx.Client, app: FastAPI, engine: Engine) -> None:
        self.base = base
        self.client = client
        self.app = app
        self.engine = engine
        self.admin = self._bearer("district")
        self.manager = self._bearer("manager")

    def _bearer(self, username: str) -> dict[str, str]:
        answer = self.client.post(
            "/api/v1/auth/sign-in", json={"username": username, "password": PASSWORD}
        )
        assert answer.status_code == 200, answer.text
        return {"Authorization": f"Bearer {answer.json()['access_token']}"}

    def staff_id(self, username: str) -> int:
        with self.engine.connect() as connection:
            account = find_staff(connection, username)
        assert account is not None
        return account.id

    def enrol_url(self, username: str) -> str:
        answer = self.client.post(
            "/api/v1/devices/enrolments",
            headers=self.admin,
            json={"staff_id": self.staff_id(username)},
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
        answer = self.client.get("/api/v1/devices", headers=self.admin)
        assert answer.status_code == 200, answer.text
        items: list[dict[str, Any]] = answer.json()["items"]
        return items

    def command(self, device_id: str, kind: str) -> None:
        answer = self.client.post(
            f"/api/v1/devices/{device_id}/{kind}", headers=self.admin, json={"reason": "测试"}
        )
        assert answer.status_code == 200, answer.text

    def task(self, reference: str) -> dict[str, Any]:
        answer = self.client.get(f"/api/v1/tasks/{reference}", headers=self.manager)
        assert answer.status_code == 200, answer.text
        found: dict[str, Any] = answer.json()
        return found

    def packages(self) -> list[DevicePackage]:
        """Every package the server issued, receipted or not."""
        with self.engine.connect() as connection:
            rows = connection.execute(select(DevicePackage)).all()
        return [DevicePackage(**row._mapping) for row in rows]


@pytest.fixture
def service(engine: Engine, database_url: str, tmp_path: Path) -> Iterator[Service]:
    """The service with workers required to sign in on their phones: `worker` (grid A) with two
    tasks on the first subject, `worker2` (grid B) with one on the second, and a district
    administrator who enrols both."""
    build_world(engine, with_staff=False)
    add_members(engine)
    today = date.today()
    with write_transaction(engine) as connection:
        for username, name, roles, area in [
            ("district", "区管理员", Role.ADMINISTRATOR, DISTRICT),
            ("worker2", "网格员乙", Role.WORKER, GRID_B),
        ]:
            create_staff(
                connection, username=username, display_name=name, department="civil_affairs",
                roles=[roles], area=area, password=PASSWORD, hashing=CHEAP,
            )  # fmt: skip
        for username, scenario, subject, due in [
            ("worker", "elderly_home_visit", FIRST, today - timedelta(days=1)),
            ("worker", "subsidy_recheck", FIRST, today + timedelta(days=5)),
            ("worker2", "elderly_home_visit", SECOND, today),
        ]:
            worker = find_staff(connection, username)
            assert worker is not None
            task = create_task(connection, None, scenario=scenario, subject_id=subject, due_on=due)
            assign_task(connection, None, task, worker.id)
    features = default_features()
    if not any(feature.name == "mobile" for feature in features):
        features.append(mobile.feature())
    app = create_app(
        settings_for(database_url, tmp_path / "var", worker_devices_required=True),
        features=features,
        session_settings=SESSION_SETTINGS,
    )
    with serving(app) as base, httpx.Client(base_url=base) as client:
        yield Service(base, client, app, engine)


@dataclass
class Handset:
    """A phone: a browser context of its own (its own IndexedDB, caches and service worker),
    one page of the app, and what it said and heard."""

    context: BrowserContext
    page: Page
    errors: list[str]
    answers: list[str]
    """The bodies of every API answer the phone received."""


def handset(browser: Browser) -> Handset:
    context = browser.new_context(viewport=PHONE, locale="zh-CN", service_workers="allow")
    page = context.new_page()
    phone = Handset(context, page, [], [])
    page.on("pageerror", lambda error: phone.errors.append(str(error)))

    def heard(response: Response) -> None:
        if "/api/" in response.url:
            try:
                phone.answers.append(response.text())
            except PlaywrightError:  # an answer without a body (204) holds no data
                phone.answers.append("")

    page.on("response", heard)
    return phone


@pytest.fixture
def phones(browser: Browser) -> Iterator[list[Handset]]:
    made: list[Handset] = []
    yield made
    for phone in made:
        phone.context.close()


def enrol(phone: Handset, service: Service, username: str, tasks: int) -> None:
    """From a fresh enrolment link to the task list, signed in, the PIN set, the packages in."""
    page = phone.page
    page.goto(service.enrol_url(username))
    page.evaluate("frontline.ready")
    page.wait_for_selector("#code")
    assert page.url == f"{service.base}/app/"  # the code left the address bar
    page.click("button[form=enrol-form]")
    page.wait_for_selector("#username")
    assert page.input_value("#username") == username
    page.fill("#password", PASSWORD)
    page.click("button[form=sign-in-form]")
    page.wait_for_selector(".pin-pad")
    press_pin(page, PIN)
    until(page, lambda: "再次输入" in page.inner_text("h1"), "the PIN confirmation")
    press_pin(page, PIN)
    page.wait_for_selector(".task-card")
    until(page, lambda: counts(page)["packages"] == tasks, "the packages")
    page.evaluate("frontline.settled()")


def stored(page: Page) -> dict[str, Any]:
    """Everything the app keeps: IndexedDB's databases and their state keys, the caches and
    their URLs, local and session storage."""
    found: dict[str, Any] = page.evaluate(
        """async () => {
            const databases = (await indexedDB.databases()).map((d) => d.name);
            const db = await import("/app/static/js/db.js");
            const state = databases.includes(db.NAME)
                ? (await db.all("state")).map((record) => record.key).sort() : [];
            const cached = [];
            for (const name of await caches.keys()) {
                const cache = await caches.open(name);
                for (const request of await cache.keys()) {
                    cached.push(new URL(request.url).pathname);
                }
            }
            return {
                databases, state, cached,
                local: Object.keys(localStorage), session: Object.keys(sessionStorage),
            };
        }"""
    )
    return found


def test_a_worker_uses_the_app_against_the_service(
    browser: Browser, service: Service, phones: list[Handset], shots: Path
) -> None:
    phone = handset(browser)
    phones.append(phone)
    page = phone.page
    enrol(phone, service, "worker", 2)
    (device,) = service.devices()
    assert device["status"] == "active"
    held = service.inventory()
    assert sorted(item["scenario_key"] for item in held) == [
        "elderly_home_visit",
        "subsidy_recheck",
    ]
    visit = next(
        item["task_reference"] for item in held if item["scenario_key"] == "elderly_home_visit"
    )
    assert "已逾期 1 天" in page.inner_text(f"[data-reference={visit}]")

    # The subject as the scenario allows: the ID number masked, the birth date a year.
    page.click(f"[data-reference={visit}]")
    page.wait_for_selector("dl.fields")
    assert page.inner_text("[data-field=name] .value") == "王建国"
    assert page.inner_text("[data-field=id_number] .value") == "110105********0016"
    assert page.inner_text("[data-field=birth_date] .value") == "1956"
    assert "1956-03-04" not in page.inner_text("main")
    assert "ethnicity" not in page.inner_text("main")  # not a field of the scenario
    shoot(page, shots / "app-service-task-zh.png")

    # Offline from here: the app opens from its service worker, and the task from IndexedDB.
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    phone.context.set_offline(True)
    page.click("a.back")
    until(page, lambda: screen(page) == "tasks", "the list")
    page.reload()
    page.evaluate("frontline.ready")
    assert screen(page) == "tasks"
    assert "当前离线" in page.inner_text("#banner")
    page.click(f"[data-reference={visit}]")
    page.wait_for_selector("dl.fields")
    assert page.inner_text("[data-field=id_number] .value") == "110105********0016"

    # Started and completed offline: the package leaves IndexedDB at once, its receipt waits.
    page.click("#start")
    until(page, lambda: page.locator("#complete").count() == 1, "the complete button")
    page.click("#complete")
    page.fill("#outcome", "老人身体状况良好，居住安全。")
    page.click("#submit-outcome")
    until(page, lambda: counts(page)["outbox"] == 2, "the queued steps")
    assert counts(page)["packages"] == 1
    assert counts(page)["receipts"] == 1
    assert service.task(visit)["status"] == "assigned"  # nothing reached the server yet
    remaining = page.evaluate(
        "import('/app/static/js/db.js').then((db) => db.all('packages'))"
        ".then((packages) => packages.map((p) => p.task_ref))"
    )
    assert visit not in remaining

    # Online again: the steps go in order, the receipt reaches the server.
    phone.context.set_offline(False)
    until(page, lambda: service.task(visit)["status"] == "done", "the completion")
    assert service.task(visit)["outcome"] == "老人身体状况良好，居住安全。"
    until(page, lambda: counts(page)["receipts"] == 0, "the receipt")
    page.evaluate("frontline.settled()")
    receipted = {p.task_reference: p for p in service.packages()}[visit]
    assert receipted.purge_reason == "completed"
    assert receipted.receipted_at is not None
    assert [item["scenario_key"] for item in service.inventory()] == ["subsidy_recheck"]
    until(page, lambda: "此工单已不在您的工单列表中" in page.inner_text("main"), "the task gone")
    page.click("#actions >> text=返回")
    until(page, lambda: screen(page) == "tasks", "the list")
    assert page.locator(".task-card").count() == 1

    # A lock: at its next check-in the phone goes straight to the password sign-in (the
    # server ended its sessions); the data stays on it, encrypted, for after.
    service.command(device["id"], "lock")
    assert page.evaluate("frontline.sync()") == {"locked": True}
    until(page, lambda: screen(page) == "signin", "the sign-in screen")
    assert "管理员已远程锁定本机" in page.inner_text("#admin-lock")
    assert page.locator(".pin-pad").count() == 0
    assert counts(page)["packages"] == 1
    assert page.locator("#notice").is_hidden()  # the queued-step toast stayed with the tasks
    page.fill("#password", PASSWORD)
    page.click("button[form=sign-in-form]")
    until(page, lambda: screen(page) == "tasks", "the tasks again")
    assert page.evaluate("frontline.sync()") == {"ok": True}
    assert counts(page)["packages"] == 1

    # A wipe: receipts first, then the confirmation; nothing of the worker's is left on the
    # phone — no database but the app's new empty one, and only the app's own files cached.
    service.command(device["id"], "wipe")
    assert page.evaluate("frontline.sync()") == {"wiped": True}
    until(page, lambda: screen(page) == "enrol", "the enrol screen")
    assert "管理员已远程擦除本机数据" in page.inner_text("main")
    left = counts(page)
    assert left == dict.fromkeys(left, 0) | {"state": left["state"]}
    kept = stored(page)
    assert set(kept["state"]) <= {"clock", "last_active_at"}, kept["state"]
    assert kept["session"] == []
    assert set(kept["local"]) <= {"frontline.lang"}
    assert all(
        path == "/app/" or path.startswith(("/app/static/", "/app/manifest"))
        for path in kept["cached"]
    ), kept["cached"]
    assert service.inventory() == []
    assert service.devices()[0]["status"] == "wiped"
    assert {p.purge_reason for p in service.packages()} == {"completed", "wiped"}
    assert phone.errors == []


def test_packages_that_expire_offline_are_purged_by_the_phone(
    browser: Browser, service: Service, phones: list[Handset]
) -> None:
    # A long grace period, so that expiry, not the grace, is what runs out.
    service.app.state.device_policy = DevicePolicy(offline_grace=timedelta(days=30))
    phone = handset(browser)
    phones.append(phone)
    page = phone.page
    enrol(phone, service, "worker", 2)
    issued = {p.scenario_key: p for p in service.packages()}
    visit = issued["elderly_home_visit"]  # kept 72 hours; the subsidy recheck 7 days
    assert visit.expires_at - visit.issued_at == timedelta(hours=72)

    phone.context.set_offline(True)
    expiry_ms = int(visit.expires_at.timestamp() * 1000)
    assert page.evaluate(f"frontline.checkPurge({expiry_ms} - 60_000)") == []
    purged = page.evaluate(f"frontline.checkPurge({expiry_ms} + 1)")
    assert [(p["package_id"], p["reason"]) for p in purged] == [(visit.id, "expired")]
    assert counts(page)["packages"] == 1
    assert counts(page)["receipts"] == 1
    # The app's own timer does the same: days on, the other package is gone too.
    page.evaluate(f"frontline.tick({expiry_ms} + {5 * 86_400_000})")
    assert counts(page)["packages"] == 0
    until(page, lambda: screen(page) == "lock", "the idle lock")  # left alone that long
    press_pin(page, PIN)
    until(page, lambda: screen(page) == "tasks", "the tasks")
    assert page.locator(".not-held").count() == 2  # the tasks stay, their data is gone

    phone.context.set_offline(False)
    until(page, lambda: counts(page)["receipts"] == 0, "the receipts")
    page.evaluate("frontline.settled()")
    reasons = {p.id: p.purge_reason for p in service.packages()}
    assert [reasons[p.id] for p in issued.values()] == ["expired", "expired"]
    # The tasks are still the worker's: online, their data may come again, as new packages
    # with expiries of their own; the expired ones are off the inventory.
    on_device = {item["package_id"] for item in service.inventory()}
    assert not on_device & {p.id for p in issued.values()}
    assert phone.errors == []


def test_a_revoked_device_and_a_replayed_token_are_refused(
    browser: Browser, service: Service, phones: list[Handset]
) -> None:
    phone = handset(browser)
    phones.append(phone)
    page = phone.page
    enrol(phone, service, "worker", 2)
    (device,) = service.devices()

    # What an eavesdropper could copy: a task-list call as the app sent it.
    sent: list[Request] = []
    phone.context.on("request", lambda request: sent.append(request))
    assert page.evaluate("frontline.sync()") == {"ok": True}
    listed = next(r for r in sent if r.url.endswith("/api/v1/device/tasks"))
    headers = listed.all_headers()
    token = headers["authorization"].removeprefix("DPoP ")
    assert headers["authorization"].startswith("DPoP ")
    path = "/api/v1/device/tasks"

    def call(**extra: str) -> httpx.Response:
        return service.client.get(path, headers=extra)

    # The request replayed as it was: the proof was used already.
    replayed = call(Authorization=f"DPoP {token}", DPoP=headers["dpop"])
    assert replayed.status_code == 401, replayed.text
    # The token without its key: as a Bearer token, or with a proof made by another key.
    assert call(Authorization=f"Bearer {token}").status_code == 401
    thief = Phone(service.client, Clock(datetime.now(UTC)), service.base)
    assert (
        call(Authorization=f"DPoP {token}", DPoP=thief.proof("GET", path, token)).status_code == 401
    )
    # Only the phone's own key makes it work: a fresh proof from the browser's key store.
    fresh = fresh_proof(page, service.base + path, token)
    answer = call(Authorization=f"DPoP {token}", DPoP=fresh)
    assert answer.status_code == 200, answer.text
    assert len(answer.json()["items"]) == 2

    # Revoked (reported lost): at once, even a fresh proof of the device is refused, and so is
    # the password sign-in on it.
    later = fresh_proof(page, service.base + path, token)
    sign_in = fresh_proof(page, service.base + "/api/v1/device/sign-in", None, "POST")
    service.command(device["id"], "revoke")
    refused = call(Authorization=f"DPoP {token}", DPoP=later)
    assert refused.status_code in (401, 403), refused.text
    again = service.client.post(
        "/api/v1/device/sign-in",
        headers={"DPoP": sign_in},
        json={"username": "worker", "password": PASSWORD},
    )
    assert again.status_code == 403, again.text
    assert again.json()["type"].endswith("/device-revoked")

    # The app hears it at its next call and wipes itself.
    assert page.evaluate("frontline.sync()") == {"wiped": True}
    until(page, lambda: screen(page) == "enrol", "the enrol screen")
    assert "本设备已被停用" in page.inner_text("main")
    left = counts(page)
    assert left == dict.fromkeys(left, 0) | {"state": left["state"]}
    assert service.devices()[0]["status"] == "revoked"
    assert phone.errors == []


def fresh_proof(page: Page, url: str, token: str | None, method: str = "GET") -> str:
    """A DPoP proof made in the page by the device's key (which never leaves the browser)."""
    proof: str = page.evaluate(
        """async ([method, url, token]) => {
            const dpop = await import("/app/static/js/dpop.js");
            return dpop.proof({method, url, accessToken: token});
        }""",
        [method, url, token],
    )
    return proof


def test_a_second_workers_phone_never_receives_the_first_workers_data(
    browser: Browser, service: Service, phones: list[Handset]
) -> None:
    first, second = handset(browser), handset(browser)
    phones.extend([first, second])
    enrol(first, service, "worker", 2)
    enrol(second, service, "worker2", 1)
    page = second.page
    first_tasks = [
        str(c.get_attribute("data-reference")) for c in first.page.locator(".task-card").all()
    ]
    assert len(first_tasks) == 2

    # The second phone lists and holds only its worker's task, on its worker's subject.
    (own,) = [str(c.get_attribute("data-reference")) for c in page.locator(".task-card").all()]
    assert own not in first_tasks
    page.click(f"[data-reference={own}]")
    page.wait_for_selector("dl.fields")
    assert page.inner_text("[data-field=id_number] .value") == "110105********0027"

    # Asking for the first worker's task through the app's own calls: refused, nothing stored.
    for reference in first_tasks:
        refusal = page.evaluate(
            """async (reference) => {
                const api = await import("/app/static/js/api.js");
                try {
                    await api.taskPackage(reference);
                    return null;
                } catch (error) {
                    return {status: error.status, type: error.type};
                }
            }""",
            reference,
        )
        assert refusal is not None
        assert refusal["status"] == 404, refusal
        assert refusal["type"].endswith("/task-not-yours"), refusal
    assert counts(page)["packages"] == 1
    # The first worker's password on the second worker's phone: refused.
    wrong = page.evaluate(
        """async (password) => {
            const api = await import("/app/static/js/api.js");
            try {
                await api.signIn("worker", password);
                return null;
            } catch (error) {
                return {status: error.status, type: error.type};
            }
        }""",
        PASSWORD,
    )
    assert wrong is not None
    assert wrong["status"] == 403, wrong
    assert wrong["type"].endswith("/device-not-yours"), wrong
    assert page.evaluate("frontline.sync()") == {"ok": True}  # still the second worker's

    # Nothing the second phone ever heard names the first worker's subject or tasks.
    heard = "\n".join(second.answers)
    assert heard
    # Its ID number whole or masked (the bare tail "0016" can be in a timestamp's microseconds).
    for secret in [FIRST, "110105195603040016", "********0016", *first_tasks]:
        assert secret not in heard, secret
    # The server's inventory agrees: each device holds its own worker's subject only.
    held: dict[tuple[str, str], set[str]] = {}
    for item in service.inventory():
        held.setdefault((item["username"], item["device_id"]), set()).add(item["subject_id"])
    devices = {device["id"]: device["username"] for device in service.devices()}
    assert {worker for worker, _ in held} == {"worker", "worker2"}
    for (worker, device_id), subjects in held.items():
        assert devices[device_id] == worker
        assert subjects == {"worker": {FIRST}, "worker2": {SECOND}}[worker]
    assert first.errors == second.errors == []
    assert json.dumps(first.answers).count(SECOND) == 0
