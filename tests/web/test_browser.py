"""The console in real Chromium (Debian's, driven by Playwright), against a real uvicorn.

Screenshots go to a temporary folder, or to `$FRONTLINE_SCREENSHOTS` when set:

    FRONTLINE_SCREENSHOTS=docs/screenshots .venv/bin/pytest -m browser tests/web
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    Route,
    ViewportSize,
    sync_playwright,
)
from playwright.sync_api import Response as PlaywrightResponse
from sqlalchemy import Engine

from tests.quality.factories import City, publish_city
from tests.web.conftest import PASSWORD, SESSION_SETTINGS, add_members, settings_for

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 860}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as driver:
        # --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
        launched = driver.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("FRONTLINE_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def server(engine: Engine, database_url: str, tmp_path: Path) -> Iterator[str]:
    """The service on a free port, with the staff and a published run of the test city."""
    from frontline.web import create_app

    add_members(engine)
    publish_city(engine, City(scale=0.1))
    app = create_app(
        settings_for(database_url, tmp_path / "var"), session_settings=SESSION_SETTINGS
    )
    with serving(app) as base:
        yield base


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """`app` on uvicorn, on a free port, in a thread; its base URL until the block ends."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    service = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=service.run, daemon=True)
    thread.start()
    for _ in range(200):
        if service.started:
            break
        threading.Event().wait(0.05)
    assert service.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        service.should_exit = True
        thread.join(timeout=10)


def _offline(page: Page, base: str) -> list[str]:
    """Refuse every request that leaves the service (an air-gapped network); the list of them,
    and of anything the browser complains about (a blocked style, a failed load)."""
    outside: list[str] = []

    def complaint(message: ConsoleMessage) -> None:
        # Pages answered 401/403 on purpose are reported by status below, not here.
        if message.type == "error" and "server responded with a status" not in message.text:
            outside.append(message.text)

    def failed_file(response: PlaywrightResponse) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            outside.append(f"{response.status} {response.url}")

    page.on("console", complaint)
    page.on("response", failed_file)

    def route(intercepted: Route) -> None:
        if intercepted.request.url.startswith(base):
            intercepted.continue_()
        else:
            outside.append(intercepted.request.url)
            intercepted.abort()

    page.route("**/*", route)
    return outside


def _fits(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_sign_in_quality_and_language_switch(browser: Browser, server: str, shots: Path) -> None:
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    outside = _offline(page, server)
    page.goto(f"{server}/console/quality")
    assert page.url.startswith(f"{server}/console/sign-in")
    assert page.locator("h1").inner_text() == "登录"
    page.screenshot(path=shots / "sign-in-zh.png")

    page.fill("#username", "steward")
    page.fill("#password", "not-my-password")
    page.click("button.primary")
    error = page.locator("[role=alert]")
    assert "用户名或密码不正确" in error.inner_text()
    assert page.input_value("#username") == "steward"
    page.screenshot(path=shots / "sign-in-error-zh.png")

    page.fill("#password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{server}/console/quality")
    assert page.locator("h1").inner_text() == "数据质量"
    assert page.locator("svg.chart").count() == 2
    assert page.locator("nav.main-nav a[aria-current=page]").inner_text() == "数据质量"
    page.screenshot(path=shots / "quality-zh.png", full_page=True)

    page.click("nav.main-nav >> text=首页")
    assert page.locator("h1").inner_text() == "测试steward，您好"
    page.screenshot(path=shots / "home-zh.png")

    page.click("a.language")
    assert page.locator("h1").inner_text() == "Welcome, 测试steward"
    page.screenshot(path=shots / "home-en.png")
    page.click("nav.main-nav >> text=Data quality")
    assert page.locator("h1").inner_text() == "Data quality"  # the choice is remembered
    page.screenshot(path=shots / "quality-en.png", full_page=True)

    page.click("text=Sign out")
    page.wait_for_url(f"{server}/console/sign-in?reason=signed_out")
    assert "You are signed out." in page.locator("[role=status]").inner_text()
    page.screenshot(path=shots / "sign-in-en.png")
    page.goto(f"{server}/console")
    assert page.url.startswith(f"{server}/console/sign-in")
    assert outside == []
    context.close()


def test_a_worker_sees_no_quality_and_a_phone_fits(
    browser: Browser, server: str, shots: Path
) -> None:
    context = browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=2)
    page = context.new_page()
    outside = _offline(page, server)
    page.goto(f"{server}/console")
    assert _fits(page)
    page.screenshot(path=shots / "sign-in-phone-zh.png")
    page.fill("#username", "worker")
    page.fill("#password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{server}/console")
    # A worker's console: their tasks and the scenarios, never the departments' data quality.
    assert page.locator("nav.main-nav a").all_inner_texts() == ["首页", "工单", "服务事项"]
    assert _fits(page)
    page.goto(f"{server}/console/quality")
    assert page.locator("h1").inner_text() == "无权访问"
    page.screenshot(path=shots / "forbidden-phone-zh.png")
    assert outside == []
    context.close()


def test_a_manager_on_a_phone_reads_their_quality(
    browser: Browser, server: str, shots: Path
) -> None:
    context = browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=2)
    page = context.new_page()
    outside = _offline(page, server)
    page.goto(f"{server}/console/sign-in?next=/console/quality")
    page.fill("#username", "manager")
    page.fill("#password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{server}/console/quality")
    assert "仅显示本部门（民政局）" in page.locator("main").inner_text()
    assert _fits(page)
    page.screenshot(path=shots / "quality-phone-zh.png", full_page=True)
    assert outside == []
    context.close()


def test_api_docs_work_offline(browser: Browser, server: str, shots: Path) -> None:
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    outside = _offline(page, server)
    page.goto(f"{server}/docs")
    page.wait_for_selector(".opblock-summary-path")
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/auth/sign-in" in [p.replace("\u200b", "") for p in paths]
    page.screenshot(path=shots / "api-docs.png")
    assert outside == []
    context.close()
