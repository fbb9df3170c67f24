"""The tasks and scenarios pages in real Chromium against a real uvicorn (see test_browser).

FRONTLINE_SCREENSHOTS=docs/screenshots .venv/bin/pytest -m browser tests/web -k "tasks and sqlite"
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from sqlalchemy import Engine

from frontline.store import write_transaction
from frontline.tasks import assign_task, create_tasks
from frontline.web import create_app
from tests.tasks.factories import DUE, GRID_A, GRID_B, World, build_world
from tests.web.conftest import PASSWORD, SESSION_SETTINGS, settings_for
from tests.web.test_browser import (
    CHROMIUM,
    DESKTOP,
    PHONE,
    _fits,
    _offline,
    browser,
    serving,
    shots,
)

__all__ = ["browser", "shots"]  # fixtures used by the tests below
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


@pytest.fixture
def tasks_server(engine: Engine, database_url: str, tmp_path: Path) -> Iterator[tuple[str, World]]:
    """The service with the tasks world: grid A's and B's visits, grid A's first assigned."""
    world = build_world(engine, per_grid=6, password=PASSWORD)
    with write_transaction(engine) as connection:
        made = create_tasks(
            connection,
            world["manager"],
            scenario="elderly_home_visit",
            subject_ids=world.in_grid(GRID_A) + world.in_grid(GRID_B),
            due_on=DUE,
        )
        create_tasks(
            connection,
            world["manager"],
            scenario="subsidy_recheck",
            subject_ids=world.in_grid(GRID_A)[:2],
            due_on=DUE,
        )
        assign_task(connection, world["manager"], made[0].reference or "", world.id("worker"))
    app = create_app(
        settings_for(database_url, tmp_path / "var"), session_settings=SESSION_SETTINGS
    )
    with serving(app) as base:
        yield base, world


def test_a_manager_filters_and_bulk_assigns_tasks(
    browser: Browser, tasks_server: tuple[str, World], shots: Path
) -> None:
    server, world = tasks_server
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    outside = _offline(page, server)
    page.goto(f"{server}/console/sign-in?next=/console/tasks")
    page.fill("#username", "manager")
    page.fill("#password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{server}/console/tasks")
    assert page.locator("h1").inner_text() == "工单"
    assert "共 14 个工单" in page.locator("main").inner_text()

    page.fill("input[name=grid]", GRID_B)
    page.select_option("select[name=status]", "open")
    page.click("form[data-testid=filters] button.primary")
    rows = page.locator("table[data-testid=tasks] tbody tr")
    assert rows.count() == 6
    page.locator("input[name=task]").nth(0).check()
    page.locator("input[name=task]").nth(1).check()
    page.select_option("select[name=assignee]", str(world.id("worker2")))
    page.screenshot(path=shots / "tasks-zh.png", full_page=True)
    page.click("#assign button.primary")
    assert "已分派 2 个工单。" in page.locator("[data-testid=assigned]").inner_text()
    assert rows.count() == 4  # still filtered: grid B, open
    page.click("a.language")
    assert page.locator("h1").inner_text() == "Tasks"
    page.screenshot(path=shots / "tasks-en.png", full_page=True)

    page.goto(f"{server}/console/scenarios/elderly_home_visit?lang=zh")
    assert page.locator("h1").inner_text() == "独居老人走访"
    assert page.locator("table[data-testid=fields] tbody tr").count() == 6
    page.screenshot(path=shots / "scenario-zh.png", full_page=True)
    assert outside == []
    context.close()


def test_a_worker_on_a_phone_sees_their_own_tasks(
    browser: Browser, tasks_server: tuple[str, World], shots: Path
) -> None:
    server, _ = tasks_server
    context = browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=2)
    page = context.new_page()
    outside = _offline(page, server)
    page.goto(f"{server}/console/sign-in?next=/console/tasks")
    page.fill("#username", "worker")
    page.fill("#password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{server}/console/tasks")
    assert page.locator("table[data-testid=tasks] tbody tr").count() == 1
    assert page.locator("#create").count() == 0
    assert _fits(page)
    page.screenshot(path=shots / "tasks-phone-zh.png", full_page=True)
    assert outside == []
    context.close()
