"""The auditor's pages in real Chromium: the audit chain, verifying it, and a citizen's access
report after a worker read a subject through a task (see test_browser for the set-up).

FRONTLINE_SCREENSHOTS=docs/screenshots .venv/bin/pytest -m browser tests/web -k "access and sqlite"
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser
from sqlalchemy import Engine

from frontline.staff.accounts import find_staff
from frontline.store import write_transaction
from frontline.tasks import assign_task, create_task
from frontline.web import create_app
from tests.access.world import PEOPLE, build_world
from tests.web.conftest import PASSWORD, SESSION_SETTINGS, add_members, settings_for
from tests.web.test_browser import CHROMIUM, DESKTOP, _fits, _offline, browser, serving, shots

__all__ = ["browser", "shots"]  # fixtures used by the tests below
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]
SUBJECT = "P000000001"


@pytest.fixture
def read_server(engine: Engine, database_url: str, tmp_path: Path) -> Iterator[str]:
    """The service, after the worker read `SUBJECT` through an assigned home visit."""
    build_world(engine, with_staff=False)
    add_members(engine)
    with write_transaction(engine) as connection:
        worker = find_staff(connection, "worker")
        assert worker is not None
        task = create_task(
            connection, None, scenario="elderly_home_visit", subject_id=SUBJECT,
            due_on=date(2026, 12, 31),
        )  # fmt: skip
        assign_task(connection, None, task, worker.id)
    app = create_app(
        settings_for(database_url, tmp_path / "var"), session_settings=SESSION_SETTINGS
    )
    with serving(app) as base, httpx.Client(base_url=base) as client:
        signed = client.post(
            "/api/v1/auth/sign-in", json={"username": "worker", "password": PASSWORD}
        ).json()
        bearer = {"Authorization": f"Bearer {signed['access_token']}"}
        read = client.get(f"/api/v1/tasks/T{task:08d}/subject", headers=bearer)
        assert read.status_code == 200, read.text
        yield base


def test_an_auditor_verifies_the_chain_and_prints_a_citizens_report(
    browser: Browser, read_server: str, shots: Path
) -> None:
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    outside = _offline(page, read_server)
    page.goto(f"{read_server}/console/sign-in?next=/console/audit")
    page.fill("#username", "auditor")
    page.fill("#password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{read_server}/console/audit")
    assert page.locator("text=还没有验证过。").is_visible()
    page.click("text=立即验证")
    page.wait_for_load_state()
    assert page.locator("text=完整").first.is_visible()
    assert page.locator("text=验证人 测试auditor").is_visible()  # by name, not by staff id
    page.screenshot(path=shots / "audit-zh.png", full_page=True)
    page.goto(f"{read_server}/console/access-report")
    page.fill("#id_number", PEOPLE[SUBJECT][0])
    page.click("form.inline-form button.primary")
    page.wait_for_load_state()
    report = page.locator("main").inner_text()
    # Who (department, role), why (the task), what (fields), and the number masked.
    assert "民政局" in report
    assert "T0000000" in report
    assert "姓名" in report
    assert PEOPLE[SUBJECT][0] not in report
    assert _fits(page)
    page.screenshot(path=shots / "access-report-zh.png", full_page=True)
    assert outside == []
    context.close()
