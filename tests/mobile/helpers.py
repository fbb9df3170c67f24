"""What the browser tests of the app share: waiting on the page, reading its state, the PIN
pad, and screenshots of a whole screen as a worker sees it."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page


def until(page: Page, condition: Callable[[], object], what: str, seconds: float = 15) -> None:
    """Wait (letting the page run) until `condition()` is true."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        page.wait_for_timeout(50)


def counts(page: Page) -> dict[str, int]:
    """Record counts of every IndexedDB store of the app."""
    found: dict[str, int] = page.evaluate("frontline.counts()")
    return found


def screen(page: Page) -> str:
    """The screen the app shows."""
    return str(page.evaluate("document.body.dataset.screen"))


def press_pin(page: Page, pin: str) -> None:
    for digit in pin:
        page.click(f".pin-pad [data-key='{digit}']")
    page.click(".pin-pad [data-key='ok']")


def shoot(page: Page, path: Path) -> None:
    """A screenshot of the whole screen, as on a phone as tall as the page.

    Playwright's `full_page` keeps the viewport and paints the page beyond it: the app's bottom
    bar (sticky, as it should be on a phone) then floats over the middle of the content with
    blank space under it. Growing the viewport to the page's height instead shows every
    part where the worker finds it when scrolling: the content, then the bar at the bottom.
    """
    size = page.viewport_size
    assert size is not None
    height = int(page.evaluate("document.documentElement.scrollHeight"))
    try:
        if height > size["height"]:
            page.set_viewport_size({"width": size["width"], "height": height})
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=path, animations="disabled", caret="hide")
    finally:
        page.set_viewport_size(size)
