"""The frontline app in real Chromium, against the stand-in device API of `fake_api` (which
checks every DPoP proof the way docs/devices.md says the server does).

Screenshots go to a temporary folder, or to `$FRONTLINE_SCREENSHOTS` when set:

    FRONTLINE_SCREENSHOTS=docs/screenshots .venv/bin/pytest -m browser tests/mobile
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, BrowserContext, Page

from frontline.web import mobile
from tests.mobile.fake_api import PASSWORD, WORKER, FakeServer, JsonDict, router
from tests.mobile.helpers import counts, press_pin, screen, shoot, until
from tests.web.test_browser import CHROMIUM, PHONE, browser, serving, shots

__all__ = ["browser", "shots"]  # fixtures used by the tests below
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]
CODE = "ENROL-1234"
PIN = "2580"
GRID_A = "330106001001001"
GRID_B = "330106001001002"
NAME = "王建国"
FIELDS: list[JsonDict] = [
    {"name": "name", "label_zh": "姓名", "label_en": "Name", "mask": "full", "value": NAME},
    {"name": "id_number", "label_zh": "公民身份号码", "label_en": "ID number", "mask": "mask",
     "value": "110105********0016"},
    {"name": "phone", "label_zh": "联系电话", "label_en": "Phone", "mask": "last4",
     "value": "*******8000"},
    {"name": "birth_date", "label_zh": "出生日期", "label_en": "Date of birth", "mask": "year",
     "value": "1956"},
]  # fmt: skip
HOUR_MS = 3_600_000


@pytest.fixture
def fake() -> FakeServer:
    server = FakeServer()
    today = date.today()
    server.add_task("T00000001", GRID_A, "assigned", today - timedelta(days=2), FIELDS)
    server.add_task("T00000002", GRID_B, "in_progress", today, FIELDS)
    server.add_task("T00000003", GRID_A, "assigned", today + timedelta(days=3), FIELDS)
    return server


@pytest.fixture
def base(fake: FakeServer) -> Iterator[str]:
    app = FastAPI()
    app.include_router(mobile.router())
    app.include_router(router(fake))
    with serving(app) as url:
        yield url


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    made = browser.new_context(viewport=PHONE, locale="zh-CN", service_workers="allow")
    yield made
    made.close()


class Watch:
    """What the page did wrong: script errors and requests that left the service."""

    def __init__(self, context: BrowserContext, page: Page, base: str) -> None:
        self.problems: list[str] = []
        page.on("pageerror", lambda error: self.problems.append(f"pageerror {error}"))
        context.on("request", self._request(base))

    def _request(self, base: str) -> Callable[[Any], None]:
        def seen(request: Any) -> None:
            if not request.url.startswith(base):
                self.problems.append(f"outside {request.url}")

        return seen


def set_pin(page: Page) -> None:
    page.wait_for_selector(".pin-pad")
    press_pin(page, PIN)
    until(page, lambda: "再次输入" in page.inner_text("h1"), "the PIN confirmation")
    press_pin(page, PIN)


def open_app(context: BrowserContext, base: str, path: str = "/app/") -> tuple[Page, Watch]:
    page = context.new_page()
    watch = Watch(context, page, base)
    page.goto(base + path)
    page.evaluate("frontline.ready")
    return page, watch


def enrol_and_sign_in(page: Page, fake: FakeServer, shots: Path | None = None) -> None:
    """From the enrolment link to the task list, with the PIN set."""
    page.wait_for_selector("#code")
    if shots:
        shoot(page, shots / "app-enrol-zh.png")
    page.click("button[form=enrol-form]")
    page.wait_for_selector("#username")
    assert "设备已绑定" in page.inner_text("main")
    page.fill("#username", WORKER)
    page.fill("#password", PASSWORD)
    page.click("button[form=sign-in-form]")
    set_pin(page)
    page.wait_for_selector(".task-card")
    until(page, lambda: counts(page)["packages"] == 3, "the packages")
    page.evaluate("frontline.settled()")


def test_a_worker_enrols_signs_in_and_reads_a_task(
    context: BrowserContext, base: str, fake: FakeServer, shots: Path
) -> None:
    page, watch = open_app(context, base, f"/app/?enrol={CODE}")
    # The code is taken and dropped from the address bar (and the history).
    assert page.url == f"{base}/app/"
    assert page.input_value("#code") == CODE
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    enrol_and_sign_in(page, fake, shots)

    # Enrolled with the key the browser made; every proof checked out.
    assert fake.refused == []
    (device,) = fake.devices.values()
    thumbprint = page.evaluate(
        """async () => {
            const dpop = await import("/app/static/js/dpop.js");
            return dpop.thumbprint(await dpop.publicJwk(await dpop.deviceKeys()));
        }"""
    )
    assert device.thumbprint == thumbprint
    assert fake.check_ins, "checked in after signing in"
    posture = fake.check_ins[-1]
    assert set(posture) == {"app_version", "last_sync_at", "packages_held", "storage_bytes",
                            "locked", "forms_unsent", "steps_unsent"}  # fmt: skip
    assert (posture["forms_unsent"], posture["steps_unsent"]) == (0, 0)
    assert posture["app_version"] == mobile.load_shell().version
    assert posture["locked"] is False

    # The list: by grid, soonest due first, the overdue task marked.
    assert page.locator(".grid-group").count() == 2
    first = page.locator(".grid-group").first
    assert first.get_attribute("data-grid") == GRID_A
    cards = first.locator(".task-card")
    assert cards.nth(0).get_attribute("data-reference") == "T00000001"
    assert "已逾期 2 天" in cards.nth(0).inner_text()
    assert "is-overdue" in (cards.nth(0).get_attribute("class") or "")
    assert "今天到期" in page.locator("[data-reference=T00000002]").inner_text()
    assert "资料已离线保存" in cards.nth(0).inner_text()
    shoot(page, shots / "app-tasks-zh.png")

    # Filter by grid.
    page.click(f".chip[data-grid='{GRID_B}']")
    until(page, lambda: page.locator(".task-card").count() == 1, "the grid filter")
    page.click(".chip >> text=全部网格")
    until(page, lambda: page.locator(".task-card").count() == 3, "all grids")

    # The task: the subject's fields as the package gives them, masked values verbatim.
    page.click("[data-reference=T00000001]")
    page.wait_for_selector("dl.fields")
    assert page.inner_text("[data-field=id_number] .value") == "110105********0016"
    assert page.inner_text("[data-field=phone] .value") == "*******8000"
    assert page.inner_text("[data-field=name] .value") == NAME
    assert "公民身份号码" in page.inner_text("dl.fields")
    assert "部分隐藏" in page.inner_text("[data-field=id_number]")
    shoot(page, shots / "app-task-zh.png")

    # On the phone, only ciphertext: no personal data anywhere in IndexedDB in the clear.
    stored = page.evaluate(
        """async () => {
            const db = await import("/app/static/js/db.js");
            const packages = await db.all("packages");
            const text = new TextDecoder();  // UTF-8: plaintext bytes would read back
            const dump = [];
            for (const store of db.STORES) {
                for (const record of await db.all(store)) {
                    dump.push(JSON.stringify(record, (key, value) =>
                        value instanceof Uint8Array ? text.decode(value) : value));
                }
            }
            return {keys: packages.map((p) => Object.keys(p).sort()), dump: dump.join("\\n")};
        }"""
    )
    assert stored["keys"] == [["ciphertext", "expires_at", "iv", "package_id", "task_ref"]] * 3
    for secret in [NAME, "110105********0016", "*******8000", PASSWORD, *fake.access]:
        assert secret not in stored["dump"], secret
    verifier = page.evaluate("import('/app/static/js/db.js').then((db) => db.getState('pin'))")
    assert set(verifier) == {"salt", "verifier", "iterations", "algorithm"}
    assert watch.problems == []


def test_it_keeps_working_with_the_network_off(
    context: BrowserContext, base: str, fake: FakeServer, shots: Path
) -> None:
    page, watch = open_app(context, base, f"/app/?enrol={CODE}")
    enrol_and_sign_in(page, fake)
    page.wait_for_function("navigator.serviceWorker.controller !== null")

    context.set_offline(True)
    page.reload()
    page.evaluate("frontline.ready")
    assert screen(page) == "tasks"
    assert "当前离线" in page.inner_text("#banner")
    assert page.inner_text("#net") == "离线"
    page.click("[data-reference=T00000001]")
    page.wait_for_selector("dl.fields")
    assert page.inner_text("[data-field=name] .value") == NAME

    # Start offline: recorded at once, queued for the network.
    page.click("#start")
    until(page, lambda: "已保存，将在联网后提交" in page.inner_text("#notice"), "the queued notice")
    assert counts(page)["outbox"] == 1
    # The notice may show before the task's screen is drawn again with its new status.
    until(page, lambda: "办理中" in page.inner_text("dl.facts"), "the task shown in progress")
    shoot(page, shots / "app-offline-zh.png")
    assert fake.steps == []

    # Back online: the step is sent by itself.
    context.set_offline(False)
    until(page, lambda: fake.steps == [("T00000001", "start", {})], "the start to arrive")
    until(page, lambda: counts(page)["outbox"] == 0, "the outbox to empty")

    # Complete: the package leaves the phone at once, and the server hears why.
    page.click("#complete")
    page.click(".chip >> text=情况正常")
    page.click("#submit-outcome")
    until(
        page, lambda: ("T00000001", "complete", {"outcome": "情况正常"}) in fake.steps, "complete"
    )
    until(page, lambda: counts(page)["packages"] == 2, "the package purge")
    until(page, lambda: counts(page)["receipts"] == 0, "the receipt to be sent")
    (receipt,) = fake.receipts
    assert receipt["reason"] == "completed"
    assert receipt["package_id"] in fake.packages
    assert fake.packages[receipt["package_id"]]["task_reference"] == "T00000001"
    until(page, lambda: "本工单的资料已按规定从本机删除" in page.inner_text("main"), "the note")
    assert fake.refused == []
    assert [p for p in watch.problems if "outside" in p] == []


def test_packages_are_purged_on_expiry_grace_cancellation_and_reassignment(
    context: BrowserContext, base: str, fake: FakeServer
) -> None:
    fake.package_ttl = timedelta(hours=1)
    page, _ = open_app(context, base, f"/app/?enrol={CODE}")
    enrol_and_sign_in(page, fake)

    # The server cancels T00000003 and lists its package; T00000002 is reassigned (gone).
    package_of = {body["task_reference"]: pid for pid, body in fake.packages.items()}
    fake.tasks["T00000003"]["status"] = "cancelled"
    fake.purge = [{"package_id": package_of["T00000003"], "reason": "cancelled"}]
    del fake.tasks["T00000002"]
    result = page.evaluate("frontline.sync()")
    assert result == {"ok": True}
    reasons = {r["package_id"]: r["reason"] for r in fake.receipts}
    assert reasons == {package_of["T00000003"]: "cancelled", package_of["T00000002"]: "reassigned"}

    # Expiry, checked by the app with no network at all.
    context.set_offline(True)
    purged = page.evaluate(f"frontline.checkPurge(Date.now() + {2 * HOUR_MS})")
    assert [(p["package_id"], p["reason"]) for p in purged] == [
        (package_of["T00000001"], "expired")
    ]
    assert counts(page)["packages"] == 0
    assert counts(page)["receipts"] == 1
    context.set_offline(False)
    until(page, lambda: len(fake.receipts) == 3, "the expiry receipt")
    assert fake.receipts[-1]["reason"] == "expired"


def test_the_offline_grace_period_runs_out(
    context: BrowserContext, base: str, fake: FakeServer
) -> None:
    fake.policy = {"idle_lock_minutes": 600, "offline_grace_hours": 2}
    page, _ = open_app(context, base, f"/app/?enrol={CODE}")
    enrol_and_sign_in(page, fake)
    context.set_offline(True)
    assert page.evaluate(f"frontline.checkPurge(Date.now() + {HOUR_MS})") == []
    page.evaluate(f"frontline.tick(Date.now() + {3 * HOUR_MS})")
    assert counts(page)["packages"] == 0
    receipts = page.evaluate("import('/app/static/js/db.js').then((db) => db.all('receipts'))")
    assert sorted(r["reason"] for r in receipts) == ["grace"] * 3
    assert page.locator(".not-held").count() == 3  # assigned and in progress, data gone


def test_lock_and_wipe_commands(
    context: BrowserContext, base: str, fake: FakeServer, shots: Path
) -> None:
    page, _ = open_app(context, base, f"/app/?enrol={CODE}")
    enrol_and_sign_in(page, fake)

    # A lock: answered by the server at check-in, which ends the sessions too. The phone goes
    # straight to the password sign-in (the PIN does not open it); the data stays, encrypted.
    fake.commands = [{"id": 1, "kind": "lock", "issued_at": "2026-03-02T08:00:00Z"}]
    assert page.evaluate("frontline.sync()") == {"locked": True}
    until(page, lambda: screen(page) == "signin", "the sign-in screen")
    assert "管理员已远程锁定本机" in page.inner_text("#admin-lock")
    assert "本机已被锁定" in page.inner_text("h1")
    assert page.locator(".pin-pad").count() == 0
    assert page.locator("#actions button").count() == 1  # no way around it: no cancel
    assert page.input_value("#username") == WORKER  # from the enrolment
    assert counts(page)["packages"] == 3
    assert page.evaluate("frontline.counts()")["state"] > 0
    state = page.evaluate(
        """async () => {
            const db = await import("/app/static/js/db.js");
            return {locked: await db.getState("locked"), tokens: await db.get("state", "tokens")};
        }"""
    )
    assert state["locked"]["why"] == "command"
    assert state["tokens"] is None  # the sessions are over: the tokens went with them
    shoot(page, shots / "app-locked-by-admin-zh.png")
    # Reloading, or waiting, changes nothing: still the password.
    page.reload()
    page.evaluate("frontline.ready")
    assert screen(page) == "signin"
    page.evaluate(f"frontline.tick(Date.now() + {HOUR_MS})")
    assert screen(page) == "signin"
    assert page.evaluate("frontline.sync()") == {"signin": True}
    page.fill("#password", "wrong")
    page.click("button[form=sign-in-form]")
    until(page, lambda: "用户名或密码不正确" in page.inner_text("main"), "the refusal")
    assert screen(page) == "signin"
    page.fill("#password", PASSWORD)
    page.click("button[form=sign-in-form]")
    until(page, lambda: screen(page) == "tasks", "the tasks again")  # no PIN asked for
    assert counts(page)["packages"] == 3  # the data, as it was
    assert page.evaluate("import('/app/static/js/pin.js').then((pin) => pin.lockState())") is None
    assert page.evaluate("frontline.sync()") == {"ok": True}
    assert fake.check_ins[-1]["locked"] is False

    fake.commands = [{"id": 2, "kind": "wipe", "issued_at": "2026-03-02T08:00:00Z"}]
    assert page.evaluate("frontline.sync()") == {"wiped": True}
    until(page, lambda: screen(page) == "enrol", "the enrol screen")
    assert "管理员已远程擦除本机数据" in page.inner_text("main")
    assert fake.commands_done == ["2"]
    assert all(device.wiped for device in fake.devices.values())
    assert sorted(r["reason"] for r in fake.receipts) == ["wiped"] * 3
    left = counts(page)
    assert left == dict.fromkeys(left, 0) | {"state": left["state"]}
    assert (
        page.evaluate("import('/app/static/js/db.js').then((db) => db.get('keys', 'device'))")
        is None
    )


def test_a_revoked_device_wipes_itself(
    context: BrowserContext, base: str, fake: FakeServer, shots: Path
) -> None:
    page, _ = open_app(context, base, f"/app/?enrol={CODE}")
    enrol_and_sign_in(page, fake)
    for device in fake.devices.values():
        device.revoked = True
    assert page.evaluate("frontline.sync()") == {"wiped": True}
    until(page, lambda: screen(page) == "enrol", "the enrol screen")
    assert "本设备已被停用" in page.inner_text("main")
    shoot(page, shots / "app-revoked-zh.png")
    assert counts(page)["packages"] == 0
    assert counts(page)["keys"] == 0
    assert counts(page)["tasks"] == 0


def test_idle_lock_and_too_many_wrong_pins(
    context: BrowserContext, base: str, fake: FakeServer, shots: Path
) -> None:
    page, _ = open_app(context, base, f"/app/?enrol={CODE}")
    enrol_and_sign_in(page, fake)
    page.evaluate("frontline.tick(Date.now() + 4 * 60_000)")
    assert screen(page) == "tasks"
    page.evaluate("frontline.tick(Date.now() + 6 * 60_000)")
    until(page, lambda: screen(page) == "lock", "the idle lock")
    assert "应用已锁定" in page.inner_text("main")
    shoot(page, shots / "app-locked-zh.png")
    press_pin(page, "1111")
    until(page, lambda: "解锁密码错误" in page.inner_text("main"), "the wrong PIN")
    press_pin(page, PIN)
    until(page, lambda: screen(page) == "tasks", "the unlocked app")
    assert counts(page)["packages"] == 3
    page.evaluate("frontline.tick(Date.now() + 6 * 60_000)")
    until(page, lambda: screen(page) == "lock", "the idle lock again")
    # The next check-in reports the lock.
    page.evaluate("import('/app/static/js/sync.js').then((sync) => sync.checkIn())")
    assert fake.check_ins[-1]["locked"] is True

    for _ in range(10):
        press_pin(page, "0000")
        until(page, lambda: "请稍候" not in page.inner_text("main"), "the PIN check")
    until(page, lambda: screen(page) == "enrol", "the wipe")
    assert "错误次数过多" in page.inner_text("main")
    assert sorted(r["reason"] for r in fake.receipts) == ["wiped"] * 3


def test_an_expired_token_is_refreshed_and_a_bad_password_explained(
    context: BrowserContext, base: str, fake: FakeServer
) -> None:
    page, _ = open_app(context, base, f"/app/?enrol={CODE}")
    page.click("button[form=enrol-form]")
    page.wait_for_selector("#username")
    page.fill("#username", WORKER)
    page.fill("#password", "wrong")
    page.click("button[form=sign-in-form]")
    until(page, lambda: "用户名或密码不正确" in page.inner_text("main"), "the refusal")
    page.fill("#password", PASSWORD)
    page.click("button[form=sign-in-form]")
    set_pin(page)
    page.wait_for_selector(".task-card")

    fake.access.clear()  # every access token refused from now on: 401, then a refresh
    refreshes = len(fake.refresh)
    assert page.evaluate("frontline.sync()") == {"ok": True}
    assert fake.access, "a new access token was issued"
    assert len(fake.refresh) == refreshes  # the old refresh token used up, a new one issued

    fake.access.clear()
    fake.refresh.clear()  # and now the refresh token is refused too
    assert page.evaluate("frontline.sync()") == {"signin": True}
    until(page, lambda: "登录已过期" in page.inner_text("#banner"), "the sign-in banner")
    # Still usable offline-first: the tasks stay, and signing in again resumes syncing.
    assert screen(page) == "tasks"
    page.click("#banner button")
    page.fill("#username", WORKER)
    page.fill("#password", PASSWORD)
    page.click("button[form=sign-in-form]")
    until(page, lambda: screen(page) == "tasks", "the tasks again")
    assert page.evaluate("frontline.sync()") == {"ok": True}
    assert fake.refused == []


def test_english_on_request_kept_on_the_phone(
    context: BrowserContext, base: str, fake: FakeServer, shots: Path
) -> None:
    page, _ = open_app(context, base, f"/app/?enrol={CODE}")
    enrol_and_sign_in(page, fake)
    page.click("#lang")
    until(page, lambda: page.inner_text("h1") == "My tasks", "English")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Overdue by 2 d" in page.inner_text("[data-reference=T00000001]")
    page.reload()
    page.evaluate("frontline.ready")
    assert page.inner_text("h1") == "My tasks"
    page.click("[data-reference=T00000001]")
    page.wait_for_selector("dl.fields")
    assert "ID number" in page.inner_text("dl.fields")
    shoot(page, shots / "app-task-en.png")
    page.click("#lang")
    until(page, lambda: page.inner_text("h1") == "独居老人走访", "Chinese again")


SMALL_TARGETS = """() => [...document.querySelectorAll("button, a, input, textarea")]
    .filter((el) => el.offsetParent !== null)
    .map((el) => [el.textContent.trim() || el.id, el.getBoundingClientRect().height])
    .filter(([, height]) => height < 48)"""
OVERFLOW = """() => [...document.querySelectorAll("body *")]
    .filter((el) => el.offsetParent !== null && !el.closest(".pin-pad"))
    .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
    .map((el) => el.className || el.tagName)"""


def test_touch_targets_are_large_and_nothing_runs_off_the_screen(
    context: BrowserContext, base: str, fake: FakeServer, shots: Path
) -> None:
    page, _ = open_app(context, base, f"/app/?enrol={CODE}")
    enrol_and_sign_in(page, fake)
    for route, name in [
        ("#/tasks", "tasks"),
        ("#/task/T00000001", "task"),
        ("#/settings", "settings"),
    ]:
        page.evaluate(f"location.hash = '{route}'")
        until(page, lambda: screen(page) == name, route)  # noqa: B023 - used at once
        assert page.evaluate(SMALL_TARGETS) == [], route
        assert page.evaluate(OVERFLOW) == [], route
    assert "网格员甲 (worker)" in page.inner_text("main")  # the settings: who, which device
    assert "闲置 5 分钟后锁定" in page.inner_text("main")
    shoot(page, shots / "app-settings-zh.png")
    # The PIN lock and the administrator's lock too.
    page.click("#lock-now")
    until(page, lambda: screen(page) == "lock", "the lock screen")
    assert page.evaluate(SMALL_TARGETS) == []
    assert page.evaluate(OVERFLOW) == []
    press_pin(page, PIN)
    until(page, lambda: screen(page) == "settings", "the settings again")
    page.evaluate("frontline.settled()")  # the sync an unlock starts
    fake.commands = [{"id": 7, "kind": "lock", "issued_at": "2026-03-02T08:00:00Z"}]
    assert page.evaluate("frontline.sync()") == {"locked": True}
    until(page, lambda: screen(page) == "signin", "the sign-in")
    assert page.evaluate(SMALL_TARGETS) == []
    assert page.evaluate(OVERFLOW) == []
