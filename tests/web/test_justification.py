"""A break-glass justification: the API schema accepts exactly the justifications the service
keeps, whatever characters they hold (spaces and control characters are where regex dialects
disagree)."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from pydantic import ValidationError

from frontline.access.break_glass import BreakGlassError, kept_justification
from frontline.web.access_models import BreakGlassIn

EDGES = st.sampled_from(
    [" ", "\t", "\n", "\x1c", "\x1e", "\x11", "\x85", "\xa0", "\u2007", "\u200b", "\u3000",
     "\ufeff", "a", "急", "·", "\U0005715d"]
)  # fmt: skip


def schema_accepts(text: str) -> bool:
    try:
        BreakGlassIn(subject_id="P000000001", scenario="elderly_home_visit", justification=text)
    except ValidationError:
        return False
    return True


def service_keeps(text: str) -> bool:
    try:
        kept_justification(text)
    except BreakGlassError:
        return False
    return True


@given(st.text(EDGES, min_size=8, max_size=14) | st.text(max_size=24))
@example("\x1e" * 12)  # ten characters once stripped by Python's rules, none of them visible
@example(" 老人突发疾病需要联系家属 ")
@example(" " + "x" * 999 + " ")
def test_the_schema_allows_exactly_what_the_service_keeps(text: str) -> None:
    assert schema_accepts(text) == service_keeps(text)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        (" 老人突发疾病需要联系家属 ", "老人突发疾病需要联系家属"),
        ("a" + " " * 8 + "b", "a" + " " * 8 + "b"),
    ],
)
def test_a_justification_is_kept_without_the_spaces_around_it(text: str, kept: str) -> None:
    assert kept_justification(text) == kept


@pytest.mark.parametrize(
    "text",
    ["", "  九个字符的理由不够  ", "\x1e" * 12, "\u3000" * 12, "x" * 1001, " " + "x" * 999 + " "],
)
def test_a_short_invisible_or_too_long_justification_is_refused(text: str) -> None:
    assert not schema_accepts(text)
    assert not service_keeps(text)
