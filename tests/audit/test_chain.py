"""The encoding is unambiguous and fixed; the link depends on every byte of it."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frontline.audit.chain import (
    GENESIS_HASH,
    decode,
    document_text,
    encode,
    hasher,
    link,
    microseconds,
)

codes = st.none() | st.text(max_size=20)
columns = st.tuples(
    st.integers(min_value=0, max_value=2**62),
    codes,
    codes,
    codes,
    codes,
    st.text(min_size=1, max_size=20),
    st.sampled_from(("task", "counter", "break_glass", "none")),
    codes,
    codes,
    codes,
    st.lists(st.text(min_size=1, max_size=10), max_size=5).map(document_text),
    st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=5)).map(document_text),
)

EXAMPLE = (
    1_764_500_000_123_456,
    "117",
    "worker",
    "民政局",
    None,
    "read",
    "task",
    "T42",
    "person",
    "P000001234",
    '["name","phone"]',
    '{"scenario":"elderly_home_visit"}',
)


@given(columns)
def test_an_encoding_decodes_to_exactly_its_columns(values: tuple[object, ...]) -> None:
    assert decode(encode(*values)) == values  # type: ignore[arg-type]


@given(columns, columns)
def test_different_events_never_share_an_encoding(
    a: tuple[object, ...], b: tuple[object, ...]
) -> None:
    if a != b:
        assert encode(*a) != encode(*b)  # type: ignore[arg-type]


def test_the_encoding_is_fixed() -> None:
    # A change here breaks every stored chain: it needs a new ENCODING_VERSION instead.
    assert encode(*EXAMPLE) == (
        b'[1,1764500000123456,"117","worker","\\u6c11\\u653f\\u5c40",null,"read","task",'
        b'"T42","person","P000001234","[\\"name\\",\\"phone\\"]",'
        b'"{\\"scenario\\":\\"elderly_home_visit\\"}"]'
    )
    digest = hashlib.sha256(bytes(32) + encode(*EXAMPLE)).hexdigest()
    assert link(hasher("sha256"), GENESIS_HASH, encode(*EXAMPLE)) == digest


@given(st.binary(max_size=64), st.binary(max_size=64))
def test_the_link_depends_on_the_previous_hash_and_the_encoding(a: bytes, b: bytes) -> None:
    sha256 = hasher("sha256")
    previous = hashlib.sha256(a).hexdigest()
    other = hashlib.sha256(a + b"x").hexdigest()
    assert link(sha256, previous, b) != link(sha256, other, b)
    assert link(sha256, previous, b) != link(sha256, previous, b + b"\x00")


def test_sm3_is_the_standard_sm3() -> None:
    # GB/T 32905-2016, appendix A, example 1.
    expected = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert hasher("sm3")(b"abc").hexdigest() == expected
    assert hasher("sha256")(b"abc").hexdigest() != expected


def test_an_unknown_algorithm_is_refused() -> None:
    with pytest.raises(ValueError, match="md5"):
        hasher("md5")


@given(st.datetimes(timezones=st.just(UTC)), st.integers(min_value=-14, max_value=14))
def test_microseconds_agree_for_every_spelling_of_an_instant(moment: datetime, hours: int) -> None:
    elsewhere = moment.astimezone(timezone(timedelta(hours=hours)))
    naive_text = moment.replace(tzinfo=None).isoformat(sep=" ")
    assert microseconds(moment) == microseconds(elsewhere) == microseconds(naive_text)
    assert microseconds(moment + timedelta(microseconds=1)) == microseconds(moment) + 1


def test_documents_are_canonical_and_refuse_what_json_cannot_hold() -> None:
    assert document_text({"b": 1, "a": ["中", None]}) == '{"a":["中",null],"b":1}'
    with pytest.raises(ValueError, match="not a JSON document"):
        document_text({"x": float("nan")})
    with pytest.raises(ValueError, match="not a JSON document"):
        document_text({"x": object()})


def test_the_sm3_fallback_agrees_with_openssl() -> None:
    from frontline.audit.chain import _CryptographySm3

    data = b"abcd" * 16
    assert _CryptographySm3(data).hexdigest() == hasher("sm3")(data).hexdigest()
    assert _CryptographySm3(data).digest() == hasher("sm3")(data).digest()
