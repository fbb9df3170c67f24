"""Choosing the language: Chinese unless the reader prefers English."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frontline.web.language import from_accept_language


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, "zh"),
        ("", "zh"),
        ("fr-FR,de;q=0.8", "zh"),
        ("en", "en"),
        ("en-US,en;q=0.9", "en"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh"),
        ("en;q=0.5, zh-Hans;q=0.9", "zh"),
        ("zh;q=0.3, en;q=0.7", "en"),
        ("en;q=0, zh;q=0.1", "zh"),
        ("de, en-GB;q=0.9", "en"),
        ("en;q=banana, zh", "zh"),
        ("EN-us", "en"),
    ],
)
def test_accept_language(header: str | None, language: str) -> None:
    assert from_accept_language(header) == language


@given(st.text(max_size=80))
def test_any_header_gives_one_of_ours(header: str) -> None:
    assert from_accept_language(header) in ("zh", "en")
