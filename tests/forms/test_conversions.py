"""XPath's conversions, with number → text exactly as JavaScript writes numbers."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontline.forms.conversions import (
    date_from_days,
    number_text,
    parse_date,
    to_boolean,
    to_number,
    to_string,
)


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (3.0, "3"),
        (-3.0, "-3"),
        (0.0, "0"),
        (-0.0, "0"),
        (2.5, "2.5"),
        (0.1 + 0.2, "0.30000000000000004"),
        (1e21, "1e+21"),
        (1.5e21, "1.5e+21"),
        (123456789012345680000.0, "123456789012345680000"),
        (1e-6, "0.000001"),
        (1e-7, "1e-7"),
        (1.25e-7, "1.25e-7"),
        (-1.5e300, "-1.5e+300"),
        (5e-324, "5e-324"),
        (100.0, "100"),
        (0.001, "0.001"),
        (math.nan, "NaN"),
        (math.inf, "Infinity"),
        (-math.inf, "-Infinity"),
    ],
)
def test_numbers_are_written_as_javascript_writes_them(number: float, text: str) -> None:
    assert number_text(number) == text


@given(st.floats(allow_nan=False, allow_infinity=False))
@settings(max_examples=300)
def test_number_text_reads_back_to_the_same_number(number: float) -> None:
    assert float(number_text(number)) == number


@given(st.integers(min_value=-(2**53), max_value=2**53))
@settings(max_examples=200)
def test_whole_numbers_have_no_decimal_point(number: int) -> None:
    assert number_text(float(number)) == str(number)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("42", 42.0),
        (" \t42\n", 42.0),
        ("-1.5", -1.5),
        (".5", 0.5),
        ("5.", 5.0),
        ("1970-01-02", 1.0),
        ("1969-12-31", -1.0),
    ],
)
def test_text_to_number(text: str, number: float) -> None:
    assert to_number(text) == number


@pytest.mark.parametrize(
    "text",
    ["", " ", "+1", "1e3", "0x10", "1,000", "Infinity", "NaN", "2026-02-30", "2026-1-1", "１２"],
)
def test_text_that_is_not_a_number_is_nan(text: str) -> None:
    assert math.isnan(to_number(text))


def test_booleans_and_strings() -> None:
    assert to_string(True) == "true"
    assert to_number(False) == 0.0
    assert to_boolean("false") is True
    assert to_boolean("") is False
    assert to_boolean(math.nan) is False
    assert to_boolean(-0.0) is False


def test_dates() -> None:
    assert parse_date("2024-02-29") is not None
    assert parse_date("2023-02-29") is None
    assert parse_date("20240229") is None
    assert date_from_days(0.0) == "1970-01-01"
    assert date_from_days(-0.5) == "1969-12-31"
    assert date_from_days(1e12) == ""
    assert date_from_days(math.nan) == ""
