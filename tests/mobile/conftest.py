"""The frontline app's tests: the routes serving it, and the app itself in Chromium."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "browser: drives real Chromium through Playwright (select with -m browser)"
    )
