"""Tokens: random, stored as digests, and only plausible tokens are looked up."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from frontline.staff.tokens import MAX_TOKEN_LENGTH, new_public_id, new_token, token_digest


def test_tokens_are_long_random_and_distinct() -> None:
    tokens = {new_token() for _ in range(1000)}
    assert len(tokens) == 1000
    assert {len(token) for token in tokens} == {43}  # 32 bytes, base64url
    assert len(new_public_id()) == 22


def test_a_digest_is_sha256_hex() -> None:
    digest = token_digest("abc")
    assert digest == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


@given(st.text(min_size=1, max_size=MAX_TOKEN_LENGTH, alphabet=st.characters(max_codepoint=127)))
def test_every_plausible_token_has_a_digest(token: str) -> None:
    digest = token_digest(token)
    assert digest is not None
    assert len(digest) == 64


@given(
    st.text(min_size=MAX_TOKEN_LENGTH + 1) | st.text(min_size=1).filter(lambda t: not t.isascii())
)
def test_implausible_tokens_are_not_looked_up(token: str) -> None:
    assert token_digest(token) is None
