"""argon2id hashes with rehash-on-verify, equal work without an account, the password policy."""

from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frontline.staff.passwords import (
    MAX_LENGTH,
    MIN_LENGTH,
    OWASP,
    HashParameters,
    WeakPasswordError,
    check_password_policy,
    common_passwords,
    dummy_hash,
    hash_password,
    password_problems,
    verify_password,
)
from tests.staff.factories import CHEAP, PASSWORD


def test_the_default_is_owasps_argon2id() -> None:
    assert (OWASP.memory_cost, OWASP.time_cost, OWASP.parallelism) == (19_456, 2, 1)
    assert hash_password(PASSWORD).startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_a_hash_verifies_its_password_only() -> None:
    stored = hash_password(PASSWORD, parameters=CHEAP)
    assert verify_password(stored, PASSWORD, parameters=CHEAP).valid
    assert not verify_password(stored, PASSWORD + " ", parameters=CHEAP).valid
    assert not verify_password(stored, PASSWORD.upper(), parameters=CHEAP).valid


def test_hashes_are_salted() -> None:
    assert hash_password(PASSWORD, parameters=CHEAP) != hash_password(PASSWORD, parameters=CHEAP)


def test_a_hash_of_other_parameters_is_replaced_on_a_right_password_only() -> None:
    old = hash_password(PASSWORD, parameters=CHEAP)
    stronger = HashParameters(time_cost=2, memory_cost=16, parallelism=1)
    checked = verify_password(old, PASSWORD, parameters=stronger)
    assert checked.valid
    assert checked.new_hash is not None
    assert checked.new_hash.startswith("$argon2id$v=19$m=16,t=2,p=1$")
    assert verify_password(checked.new_hash, PASSWORD, parameters=stronger) == (
        type(checked)(valid=True, new_hash=None)
    )
    assert verify_password(old, "not the password!", parameters=stronger).new_hash is None
    assert verify_password(old, PASSWORD, parameters=CHEAP).new_hash is None


def test_a_missing_or_broken_hash_never_verifies() -> None:
    assert not verify_password(None, PASSWORD, parameters=CHEAP).valid
    assert not verify_password("not a hash", PASSWORD, parameters=CHEAP).valid
    assert not verify_password("", "", parameters=CHEAP).valid


def test_an_overlong_password_is_refused_without_hashing_it_whole() -> None:
    stored = hash_password(PASSWORD, parameters=CHEAP)
    assert not verify_password(stored, PASSWORD * 100, parameters=CHEAP).valid
    assert len(PASSWORD * 100) > MAX_LENGTH


def _median_seconds(action: object, repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return sorted(times)[repeat // 2]


def test_no_account_costs_as_much_as_a_wrong_password() -> None:
    # The dummy hash is verified with the real parameters: an unknown username takes as
    # long as a wrong password (about 20 ms with OWASP's), not the microseconds of a lookup.
    stored = hash_password(PASSWORD)
    dummy_hash()  # made once, outside the timing
    wrong = _median_seconds(lambda: verify_password(stored, "a wrong password"))
    missing = _median_seconds(lambda: verify_password(None, "a wrong password"))
    assert missing > 0.5 * wrong
    assert wrong > 0.002


def test_the_dummy_hash_is_made_once_per_parameters() -> None:
    assert dummy_hash(CHEAP) == dummy_hash(CHEAP)
    assert dummy_hash(CHEAP) != dummy_hash(HashParameters(time_cost=1, memory_cost=16))


@pytest.mark.parametrize(
    ("password", "codes"),
    [
        ("short-pw", {"too_short"}),
        ("Wang.Fang-2026-spring", {"username"}),
        ("wang.fang", {"too_short", "username"}),
        ("Password1234", {"common"}),
        ("WOAINI1314520", {"common"}),
        ("x" * (MAX_LENGTH + 1), {"too_long"}),
        (PASSWORD, set()),
        ("k7#Lp9!qW2zX", set()),
        ("k7#Lp9!qW2z", {"too_short"}),
        ("十二个汉字组成的一句长长的密码", set()),
    ],
)
def test_the_policy(password: str, codes: set[str]) -> None:
    problems = password_problems(password, username="wang.fang")
    assert {p.code for p in problems} == codes


def test_a_weak_password_is_explained_in_both_languages_without_the_password() -> None:
    with pytest.raises(WeakPasswordError) as raised:
        check_password_policy("password1234", username="wang.fang")
    message = str(raised.value)
    assert "常见密码" in message
    assert "common password" in message
    assert "password1234" not in message
    assert [v.code for v in raised.value.violations] == ["common"]


def test_the_common_list_only_holds_folded_entries() -> None:
    listed = common_passwords()
    assert len(listed) > 50
    assert all(entry == entry.casefold() and not entry.startswith("#") for entry in listed)


@given(st.text(max_size=MIN_LENGTH - 1))
def test_every_password_under_twelve_characters_is_refused(password: str) -> None:
    with pytest.raises(WeakPasswordError):
        check_password_policy(password, username="wang.fang")


@given(st.text(min_size=0, max_size=20), st.text(min_size=0, max_size=20))
def test_a_password_holding_the_username_is_refused(before: str, after: str) -> None:
    problems = password_problems(f"{before}Wang.Fang{after}", username="wang.fang")
    assert "username" in {p.code for p in problems}
