"""A rejection's reason: the API schema accepts exactly the reasons the service keeps, whatever
characters they hold (spaces and control characters are where regex dialects disagree)."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from pydantic import ValidationError

from frontline.forms.refusals import FormsRefused, Refusal
from frontline.forms.review import kept_reason
from frontline.web.forms_models import RejectIn

EDGES = st.sampled_from(
    [" ", "\t", "\n", "\x0b", "\x1c", "\x1e", "\x11", "\x85", "\xa0", "\u2007", "\u200b",
     "\u3000", "\ufeff", "a", "驳", "·", "\U0005715d"]
)  # fmt: skip


def schema_accepts(reason: str) -> bool:
    try:
        RejectIn(reason=reason)
    except ValidationError:
        return False
    return True


def service_keeps(reason: str) -> bool:
    try:
        kept_reason(reason)
    except FormsRefused as refused:
        return refused.reason is not Refusal.REASON_INVALID  # any other refusal fails the test
    return True


@given(st.text(EDGES, max_size=6) | st.text(max_size=12))
@example("\x1e\x11\x85")  # a reason the schema once allowed and the service refused
@example("  与户籍登记不符 ")
@example(" " + "x" * 499 + " ")
def test_the_schema_allows_exactly_what_the_service_keeps(reason: str) -> None:
    assert schema_accepts(reason) == service_keeps(reason)


@pytest.mark.parametrize(
    ("reason", "kept"),
    [(" 地址不符 ", "地址不符"), ("a\u3000b", "a\u3000b"), ("ab", "ab")],
)
def test_a_reason_is_kept_without_the_spaces_around_it(reason: str, kept: str) -> None:
    assert kept_reason(reason) == kept


@pytest.mark.parametrize(
    "reason", ["", " x ", "\x1e\x11\x85", "\u3000\u3000", "x" * 501, " " + "x" * 499 + " "]
)
def test_a_reason_without_two_visible_characters_or_too_long_is_refused(reason: str) -> None:
    assert not schema_accepts(reason)
    assert not service_keeps(reason)
