"""The console's Devices page in real Chromium: an administrator sees a worker's enrolled
phone with the data it holds, issues an enrolment code with its QR code, and revokes a phone.

FRONTLINE_SCREENSHOTS=docs/screenshots .venv/bin/pytest -m browser tests/web -k "devices and sqlite"
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser
from sqlalchemy import Engine

from frontline.staff.accounts import find_staff
from frontline.store import write_transaction
from frontline.tasks import assign_task, create_task
from frontline.web import create_app
from tests.access.world import build_world
from tests.web.conftest import PASSWORD, SESSION_SETTINGS, Clock, add_members, settings_for
from tests.web.test_browser import CHROMIUM, DESKTOP, _fits, _offline, browser, serving, shots
from tests.web.test_devices import Phone

__all__ = ["browser", "shots"]  # fixtures used by the tests below
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


@pytest.fixture
def phone_server(engine: Engine, database_url: str, tmp_path: Path) -> Iterator[str]:
    """The service, with the worker's phone enrolled and holding one task's package."""
    build_world(engine, with_staff=False)
    add_members(engine)
    with write_transaction(engine) as connection:
        worker = find_staff(connection, "worker")
        assert worker is not None
        task = create_task(
            connection, None, scenario="elderly_home_visit", subject_id="P000000001",
            due_on=date(2026, 12, 31),
        )  # fmt: skip
        assign_task(connection, None, task, worker.id)
    app = create_app(
        settings_for(database_url, tmp_path / "var"), session_settings=SESSION_SETTINGS
    )
    with serving(app) as base, httpx.Client(base_url=base) as client:
        admin = client.post(
            "/api/v1/auth/sign-in", json={"username": "admin", "password": PASSWORD}
        ).json()
        code = client.post(
            "/api/v1/devices/enrolments",
            headers={"Authorization": f"Bearer {admin['access_token']}"},
            json={"staff_id": worker.id},
        ).json()["code"]
        phone = Phone(client, Clock(datetime.now(UTC)), base)
        assert phone.enrol(code).status_code == 201
        assert phone.sign_in().status_code == 200
        # Two finished forms and a task step still in the phone's outbox.
        assert phone.check_in(forms_unsent=2, steps_unsent=1).status_code == 200
        package = phone.call("POST", f"/api/v1/device/tasks/T{task:08d}/package")
        assert package.status_code == 201, package.text
        yield base


def test_an_administrator_sees_phones_and_their_data_issues_a_code_and_revokes(
    browser: Browser, phone_server: str, shots: Path
) -> None:
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    outside = _offline(page, phone_server)
    page.goto(f"{phone_server}/console/sign-in?next=/console/devices")
    page.fill("#username", "admin")
    page.fill("#password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{phone_server}/console/devices")
    text = page.locator("main").inner_text()
    assert "测试手机" in text
    assert "正常" in text
    assert "P000000001" in text  # the inventory names the subject by entity id
    assert "2 / 1" in page.locator("#devices tbody tr").first.inner_text()  # not sent
    assert "王建国" not in text  # and never by personal data
    assert _fits(page)
    page.screenshot(path=shots / "devices-zh.png", full_page=True)
    page.click("button:has-text('生成绑定码')")
    page.wait_for_load_state()
    code = page.locator("[data-testid=enrolment-code]").inner_text()
    assert len(code) == 14
    assert page.locator(".qr svg").is_visible()
    page.screenshot(path=shots / "devices-code-zh.png", full_page=True)
    page.goto(f"{phone_server}/console/devices")
    page.click("button:has-text('停用（丢失）')")
    page.wait_for_load_state()
    assert "已停用" in page.locator("main").inner_text()
    assert outside == []
    context.close()


def test_a_wipe_that_would_lose_unsent_forms_is_confirmed_first(
    browser: Browser, phone_server: str, shots: Path
) -> None:
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{phone_server}/console/sign-in?next=/console/devices")
    page.fill("#username", "admin")
    page.fill("#password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{phone_server}/console/devices")
    page.click("#devices button:text-is('擦除')")
    page.wait_for_load_state()
    warning = page.locator("#confirm-wipe").inner_text()
    assert "2 份填好的表单和 1 个工单步骤没有上传" in warning
    page.screenshot(path=shots / "devices-confirm-wipe-zh.png", full_page=True)
    # Nothing is ordered until the administrator confirms.
    page.click("text=返回移动终端列表")
    page.wait_for_url(f"{phone_server}/console/devices#device-*")
    pending = page.locator("#devices tbody tr").first.locator("td").nth(9)
    assert pending.inner_text() == "—"
    page.click("#devices button:text-is('擦除')")
    page.click("button:has-text('仍然擦除')")
    page.wait_for_url(f"{phone_server}/console/devices#device-*")
    assert pending.inner_text() == "擦除"
    context.close()
