"""The console's Review page in real Chromium: a department manager sees a worker's field
correction beside the record's value and accepts it; the screenshot is the page in Chinese.

FRONTLINE_SCREENSHOTS=docs/screenshots .venv/bin/pytest -m browser tests/web -k "review and sqlite"
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from sqlalchemy import Engine

from frontline.forms.registry import register_folder
from frontline.forms.submissions import record_submission
from frontline.staff.accounts import find_staff
from frontline.staff.principal import Principal
from frontline.staff.roles import Role
from frontline.store import write_transaction
from frontline.tasks import assign_task, create_task
from frontline.web import create_app
from tests.access.world import T0, build_world
from tests.forms_store.factories import FORMS, NEW_ADDRESS, phone_of, submission
from tests.web.conftest import PASSWORD, SESSION_SETTINGS, add_members, settings_for
from tests.web.test_browser import CHROMIUM, DESKTOP, _fits, _offline, browser, serving, shots
from tests.web.test_forms_api import address_of

__all__ = ["browser", "shots"]  # fixtures used by the tests below
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


@pytest.fixture
def review_server(engine: Engine, database_url: str, tmp_path: Path) -> Iterator[str]:
    """The service, with a worker's submission proposing two corrections of a record."""
    build_world(engine, with_staff=False)
    add_members(engine)
    with write_transaction(engine) as connection:
        register_folder(connection, FORMS, now=T0)
        member = find_staff(connection, "worker")
        assert member is not None
    worker = Principal(
        member.id, "worker", member.display_name, "civil_affairs",
        frozenset({Role.WORKER}), member.area, "browser",
    )  # fmt: skip
    with write_transaction(engine) as connection:
        task_id = create_task(
            connection, None, scenario="elderly_home_visit", subject_id="P000000001",
            due_on=date(2026, 3, 31), now=T0,
        )  # fmt: skip
        assign_task(connection, None, task_id, member.id, now=T0)
    task = f"T{task_id:08d}"
    on_phone = phone_of(engine, worker)
    with write_transaction(engine) as connection:
        body = submission(task, address=NEW_ADDRESS, phone="13900001111")
        record_submission(connection, on_phone, body, now=T0)
    app = create_app(
        settings_for(database_url, tmp_path / "var"), session_settings=SESSION_SETTINGS
    )
    with serving(app) as base:
        yield base


def test_a_manager_accepts_a_correction(
    browser: Browser, review_server: str, engine: Engine, shots: Path
) -> None:
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    outside = _offline(page, review_server)
    page.goto(f"{review_server}/console/review")
    page.fill("#username", "manager")
    page.fill("#password", PASSWORD)
    page.click("button.primary")
    page.wait_for_selector("[data-testid=changes]")
    rows = page.locator("[data-testid=change]")
    assert rows.count() == 2
    assert "采集审核" in page.locator("h1").inner_text()
    assert _fits(page)
    page.screenshot(path=shots / "review-zh.png", full_page=True)
    address = rows.filter(has_text="住址")
    assert NEW_ADDRESS in address.inner_text()
    address.locator("button.primary").click()
    page.wait_for_selector("[data-testid=done]")
    assert page.locator("[data-testid=change]").count() == 1
    assert address_of(engine) == NEW_ADDRESS
    assert outside == []
    context.close()
