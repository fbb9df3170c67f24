"""Sign-in, refresh rotation with reuse detection, sign-out and `authenticate`, on both
databases, with an injected clock."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st
from sqlalchemy import Engine, event, select, update

from frontline.staff import sessions
from frontline.staff.accounts import deactivate, list_departments, set_roles
from frontline.staff.models import SignInAttempt, StaffMember, StaffSession
from frontline.staff.passwords import HashParameters, hash_password, verify_password
from frontline.staff.principal import Principal
from frontline.staff.roles import Role
from frontline.staff.sessions import (
    SessionInvalid,
    SessionSettings,
    SignInRefused,
    TokenPair,
    authenticate,
    refresh,
    revoke_sessions,
    sign_in,
    sign_out,
)
from frontline.store import write_transaction
from tests.staff.factories import (
    CHEAP,
    PASSWORD,
    SETTINGS,
    T0,
    WORKER_GRID,
    a_worker,
    add_department,
    add_staff,
)

CLIENT = "192.0.2.10"


def _sign_in(
    engine: Engine,
    username: str = "wang.fang",
    password: str = PASSWORD,
    *,
    at: timedelta = timedelta(0),
    client: str = CLIENT,
    settings: SessionSettings = SETTINGS,
    device_id: str | None = None,
) -> TokenPair:
    with engine.connect() as connection:
        return sign_in(
            connection,
            username,
            password,
            client=client,
            now=T0 + at,
            settings=settings,
            device_id=device_id,
        )


def _refused(engine: Engine, username: str, password: str, **options: object) -> SignInRefused:
    with pytest.raises(SignInRefused) as raised:
        _sign_in(engine, username, password, **options)  # type: ignore[arg-type]
    return raised.value


def _who(engine: Engine, token: str, at: timedelta = timedelta(0)) -> Principal | None:
    with engine.connect() as connection:
        return authenticate(connection, token, now=T0 + at)


def _refresh(engine: Engine, token: str, at: timedelta = timedelta(0)) -> TokenPair:
    with engine.connect() as connection:
        return refresh(connection, token, now=T0 + at, settings=SETTINGS)


def _outcomes(engine: Engine) -> list[tuple[str, str]]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(SignInAttempt.username, SignInAttempt.outcome).order_by(SignInAttempt.id)
        )
        return [(row.username, row.outcome) for row in rows]


def test_a_sign_in_gives_tokens_that_authenticate_the_worker(engine: Engine) -> None:
    staff_id = a_worker(engine)
    pair = _sign_in(engine, "Wang.Fang", device_id="device-1")
    assert pair.access_expires_at == T0 + timedelta(minutes=15)
    assert pair.refresh_expires_at == T0 + timedelta(hours=8)
    assert pair.access_token != pair.refresh_token
    assert len(pair.access_token) == 43
    principal = _who(engine, pair.access_token, timedelta(minutes=14))
    assert principal == Principal(
        staff_id=staff_id,
        username="wang.fang",
        display_name="王芳",
        department="civil_affairs",
        roles=frozenset({Role.WORKER}),
        area=WORKER_GRID,
        session_id=pair.session_id,
        device_id="device-1",
    )
    assert _outcomes(engine) == [("wang.fang", "success")]


def test_authenticate_is_one_statement_that_writes_nothing(engine: Engine) -> None:
    a_worker(engine)
    pair = _sign_in(engine)
    statements: list[str] = []

    def keep(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        with engine.connect() as connection:
            assert authenticate(connection, pair.access_token, now=T0) is not None
            assert authenticate(connection, "unknown", now=T0) is None
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    queries = [q for q in statements if q != "BEGIN"]  # SQLite's, see frontline.store.engine
    assert len(queries) == 2, queries
    assert all(q.startswith("SELECT") and "staff_sessions" in q for q in queries)


def test_only_digests_of_the_tokens_are_stored(engine: Engine) -> None:
    a_worker(engine)
    pair = _sign_in(engine)
    with engine.connect() as connection:
        stored = connection.execute(select(StaffSession)).one()
    assert pair.access_token not in repr(tuple(stored))
    assert pair.refresh_token not in repr(tuple(stored))
    assert len(stored.access_hash) == 64
    assert pair.access_token not in repr(pair)
    assert pair.refresh_token not in repr(pair)


def test_roles_are_read_on_every_request(engine: Engine) -> None:
    staff_id = a_worker(engine)
    pair = _sign_in(engine)
    with write_transaction(engine) as connection:
        set_roles(connection, staff_id, [Role.WORKER, Role.WINDOW_CLERK])
    principal = _who(engine, pair.access_token)
    assert principal is not None
    assert principal.roles == {Role.WORKER, Role.WINDOW_CLERK}
    assert principal.has(Role.WINDOW_CLERK)


def test_an_access_token_expires(engine: Engine) -> None:
    a_worker(engine)
    pair = _sign_in(engine)
    assert _who(engine, pair.access_token, timedelta(minutes=15)) is None
    assert _who(engine, pair.refresh_token) is None  # a refresh token is no access token
    assert _who(engine, "") is None
    assert _who(engine, "x" * 10_000) is None


def test_a_wrong_password_and_an_unknown_user_are_refused_alike(engine: Engine) -> None:
    a_worker(engine)
    wrong = _refused(engine, "wang.fang", "not the password")
    unknown = _refused(engine, "nobody", PASSWORD)
    no_password = _refused(engine, "wang.fang", "")
    assert (wrong.reason, wrong.retry_after) == ("bad_credentials", None)
    assert (unknown.reason, unknown.retry_after) == ("bad_credentials", None)
    assert str(wrong) == str(unknown) == str(no_password)
    assert "not the password" not in str(wrong)
    assert _outcomes(engine) == [
        ("wang.fang", "bad_credentials"),
        ("nobody", "bad_credentials"),
        ("wang.fang", "bad_credentials"),
    ]


def test_an_unknown_username_is_checked_against_a_dummy_hash(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    a_worker(engine)
    checked: list[str | None] = []

    def spy(password_hash: str | None, password: str, **options: object) -> object:
        checked.append(password_hash)
        return verify_password(password_hash, password, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(sessions, "verify_password", spy)
    _refused(engine, "nobody", PASSWORD)
    _refused(engine, "wang.fang", "a wrong password")
    assert checked[0] is None  # verified against the dummy hash, see test_passwords
    assert checked[1] is not None
    assert checked[1].startswith("$argon2id$")


def test_a_name_with_control_characters_is_refused_like_an_unknown_one(engine: Engine) -> None:
    a_worker(engine)
    # A NUL cannot even be stored by PostgreSQL; it must never turn into a server error, nor
    # be stripped into someone's real name.
    refused = _refused(engine, "wang.\x00fang", PASSWORD, client="10.0.0.1\x00")
    assert (refused.reason, refused.retry_after) == ("bad_credentials", None)
    assert _outcomes(engine) == [("wang.\ufffdfang", "bad_credentials")]


def test_attempts_keep_the_typed_name_and_the_client(engine: Engine) -> None:
    a_worker(engine)
    _refused(engine, "  Some.Body  ", "guess", client="2001:db8::1")
    _refused(engine, "W" * 500, "guess")
    with engine.connect() as connection:
        rows = connection.execute(
            select(
                SignInAttempt.username, SignInAttempt.client, SignInAttempt.attempted_at
            ).order_by(SignInAttempt.id)
        ).all()
    assert rows[0] == ("some.body", "2001:db8::1", T0)
    assert rows[1].username == "w" * 128


def test_an_account_without_a_password_cannot_sign_in(engine: Engine) -> None:
    add_department(engine)
    add_staff(engine, "li.qiang", password=None)
    assert _refused(engine, "li.qiang", "").reason == "bad_credentials"
    assert _refused(engine, "li.qiang", PASSWORD).reason == "bad_credentials"


def test_consecutive_failures_lock_the_account_until_the_lock_expires(engine: Engine) -> None:
    a_worker(engine)
    for minute in range(4):
        refused = _refused(engine, "wang.fang", "wrong guess", at=timedelta(minutes=minute))
        assert refused.reason == "bad_credentials"
    fifth = _refused(engine, "wang.fang", "wrong guess", at=timedelta(minutes=4))
    assert (fifth.reason, fifth.retry_after) == ("locked", 15 * 60)
    # Locked: even the right password is refused, without a hint that it was right.
    during = _refused(engine, "wang.fang", PASSWORD, at=timedelta(minutes=10))
    assert (during.reason, during.retry_after) == ("locked", 9 * 60)
    pair = _sign_in(engine, at=timedelta(minutes=19))
    assert _who(engine, pair.access_token, timedelta(minutes=19)) is not None
    with engine.connect() as connection:
        member = connection.execute(select(StaffMember)).one()
    assert (member.failed_attempts, member.locked_until) == (0, None)
    assert [outcome for _, outcome in _outcomes(engine)] == [
        *["bad_credentials"] * 4,
        "locked_out",
        "locked",
        "success",
    ]


def test_a_success_resets_the_count_of_failures(engine: Engine) -> None:
    a_worker(engine)
    for minute in range(4):
        _refused(engine, "wang.fang", "wrong guess", at=timedelta(minutes=minute))
    _sign_in(engine, at=timedelta(minutes=5))
    for minute in range(6, 10):
        assert _refused(engine, "wang.fang", "x", at=timedelta(minutes=minute)).reason == (
            "bad_credentials"
        )


def test_an_unknown_username_locks_like_a_real_one(engine: Engine) -> None:
    a_worker(engine)

    def replies(username: str) -> list[tuple[str, int | None]]:
        found = []
        for minute in (0, 1, 2, 3, 4, 10, 19, 20, 21, 22, 23):
            refused = _refused(
                engine, username, "wrong guess", at=timedelta(minutes=minute), client=username
            )
            found.append((refused.reason, refused.retry_after))
        return found

    real, unknown = replies("wang.fang"), replies("no.such.person")
    assert real == unknown
    assert real[4:6] == [("locked", 900), ("locked", 540)]
    assert real[6:] == [("bad_credentials", None)] * 4 + [("locked", 900)]


@hyp_settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(gaps=st.lists(st.integers(min_value=0, max_value=20 * 60), min_size=1, max_size=12))
def test_guessing_never_tells_a_real_username_from_an_unknown_one(
    engine: Engine, gaps: list[int]
) -> None:
    # Any series of wrong guesses gets the same replies (lock-outs included) for a real
    # account and a name nobody has; each example uses names of its own.
    if not _department_exists(engine):
        add_department(engine)
    real, unknown = f"real.{uuid4().hex[:12]}", f"none.{uuid4().hex[:12]}"
    add_staff(engine, real)
    lenient = SessionSettings(max_attempts_per_window=1000, password_hashing=CHEAP)

    def replies(username: str) -> list[tuple[str, int | None]]:
        found, at = [], 0
        for gap in gaps:
            at += gap
            refused = _refused(
                engine,
                username,
                "wrong guess",
                at=timedelta(seconds=at),
                client=username,
                settings=lenient,
            )
            found.append((refused.reason, refused.retry_after))
        return found

    assert replies(real) == replies(unknown)


def _department_exists(engine: Engine) -> bool:
    with engine.connect() as connection:
        return bool(list_departments(connection))


def test_too_many_failures_from_one_client_are_rate_limited(engine: Engine) -> None:
    a_worker(engine)
    settings = SETTINGS  # 8 failures per 10 minutes
    for second in range(8):
        # Different usernames each time: password spraying, which lock-out cannot see.
        reason = _refused(engine, f"user{second}", "guess", at=timedelta(seconds=second)).reason
        assert reason == "bad_credentials"
    limited = _refused(engine, "wang.fang", PASSWORD, at=timedelta(seconds=30))
    assert limited.reason == "rate_limited"
    # The oldest failure (at 0 s) leaves the 10-minute window at 600 s.
    assert limited.retry_after == 600 - 30
    # Another client is not affected; this one gets back in once the window moves.
    _sign_in(engine, client="192.0.2.99", at=timedelta(seconds=31))
    assert settings.window == timedelta(minutes=10)
    _sign_in(engine, at=timedelta(seconds=600))


def test_too_many_failures_on_one_username_are_rate_limited_from_any_client(
    engine: Engine,
) -> None:
    a_worker(engine)
    lenient = SessionSettings(
        max_attempts_per_window=3, lockout_threshold=100, password_hashing=CHEAP
    )
    for second in range(3):
        _refused(
            engine,
            "wang.fang",
            "guess",
            at=timedelta(seconds=second),
            client=f"198.51.100.{second}",
            settings=lenient,
        )
    limited = _refused(
        engine,
        "WANG.FANG",
        PASSWORD,
        client="203.0.113.7",
        settings=lenient,
        at=timedelta(seconds=10),
    )
    assert (limited.reason, limited.retry_after) == ("rate_limited", 15 * 60 - 10)
    # Refusals for the rate limit are recorded but do not prolong it.
    assert _outcomes(engine)[-1] == ("wang.fang", "rate_limited")
    again = _refused(engine, "wang.fang", PASSWORD, settings=lenient, at=timedelta(seconds=20))
    assert again.retry_after == 15 * 60 - 20
    _sign_in(engine, settings=lenient, at=timedelta(minutes=15, seconds=1))


def test_a_deactivated_account_is_told_only_with_the_right_password(engine: Engine) -> None:
    staff_id = a_worker(engine)
    pair = _sign_in(engine)
    with write_transaction(engine) as connection:
        deactivate(connection, staff_id, now=T0)
    assert _who(engine, pair.access_token) is None
    assert _refused(engine, "wang.fang", "a wrong password").reason == "bad_credentials"
    assert _refused(engine, "wang.fang", PASSWORD).reason == "inactive"
    with pytest.raises(SessionInvalid) as raised:
        _refresh(engine, pair.refresh_token)
    assert raised.value.reason == "revoked"


def test_a_hash_with_old_parameters_is_replaced_at_sign_in(engine: Engine) -> None:
    a_worker(engine)
    older = HashParameters(time_cost=1, memory_cost=16, parallelism=1)
    with write_transaction(engine) as connection:
        connection.execute(
            update(StaffMember).values(password_hash=hash_password(PASSWORD, parameters=older))
        )
    _sign_in(engine)
    with engine.connect() as connection:
        stored = connection.scalar(select(StaffMember.password_hash))
    assert stored is not None
    assert stored.startswith("$argon2id$v=19$m=8,t=1,p=1$")
    _sign_in(engine, at=timedelta(minutes=1))  # the new hash verifies


def test_refresh_rotates_both_tokens(engine: Engine) -> None:
    a_worker(engine)
    first = _sign_in(engine)
    second = _refresh(engine, first.refresh_token, timedelta(minutes=14))
    assert second.session_id != first.session_id
    assert second.access_expires_at == T0 + timedelta(minutes=29)
    # The family's refresh expiry is kept: a shift's sign-in lasts 8 hours at most.
    assert second.refresh_expires_at == first.refresh_expires_at
    assert _who(engine, first.access_token, timedelta(minutes=14)) is None
    principal = _who(engine, second.access_token, timedelta(minutes=20))
    assert principal is not None
    assert principal.session_id == second.session_id
    late = _refresh(engine, second.refresh_token, timedelta(hours=7, minutes=50))
    assert late.access_expires_at == first.refresh_expires_at  # capped by the family's end


def test_reusing_a_rotated_refresh_token_revokes_the_family(engine: Engine) -> None:
    a_worker(engine)
    first = _sign_in(engine)
    other = _sign_in(engine, at=timedelta(minutes=1))  # another device's own family
    second = _refresh(engine, first.refresh_token, timedelta(minutes=10))
    third = _refresh(engine, second.refresh_token, timedelta(minutes=20))
    # A thief replays the first refresh token: everything of that family stops working.
    with pytest.raises(SessionInvalid) as raised:
        _refresh(engine, first.refresh_token, timedelta(minutes=21))
    assert raised.value.reason == "reused"
    assert first.refresh_token not in str(raised.value)
    assert _who(engine, third.access_token, timedelta(minutes=21)) is None
    with pytest.raises(SessionInvalid) as again:
        _refresh(engine, third.refresh_token, timedelta(minutes=22))
    assert again.value.reason == "revoked"
    assert _who(engine, other.access_token, timedelta(minutes=2)) is not None
    with engine.connect() as connection:
        reasons = connection.scalars(
            select(StaffSession.revoke_reason).order_by(StaffSession.created_at)
        ).all()
    assert reasons == ["rotated", None, "rotated", "refresh_reuse"]


def test_an_expired_or_unknown_refresh_token_is_refused(engine: Engine) -> None:
    a_worker(engine)
    pair = _sign_in(engine)
    for token, at, reason in [
        (pair.refresh_token, timedelta(hours=8), "expired"),
        ("not-a-token", timedelta(0), "unknown"),
        (pair.access_token, timedelta(0), "unknown"),
        ("", timedelta(0), "unknown"),
    ]:
        with pytest.raises(SessionInvalid) as raised:
            _refresh(engine, token, at)
        assert raised.value.reason == reason


def test_sign_out_ends_both_tokens(engine: Engine) -> None:
    a_worker(engine)
    pair = _sign_in(engine)
    with write_transaction(engine) as connection:
        assert sign_out(connection, pair.access_token, now=T0 + timedelta(minutes=1))
        assert not sign_out(connection, pair.access_token, now=T0 + timedelta(minutes=1))
        assert not sign_out(connection, "", now=T0)
    assert _who(engine, pair.access_token, timedelta(minutes=2)) is None
    with pytest.raises(SessionInvalid) as raised:
        _refresh(engine, pair.refresh_token, timedelta(minutes=2))
    assert raised.value.reason == "revoked"


def test_signing_out_with_an_expired_access_token_still_ends_the_session(engine: Engine) -> None:
    a_worker(engine)
    pair = _sign_in(engine)
    with write_transaction(engine) as connection:
        assert sign_out(connection, pair.access_token, now=T0 + timedelta(hours=1))
    with pytest.raises(SessionInvalid):
        _refresh(engine, pair.refresh_token, timedelta(hours=1))


def test_revoke_sessions_ends_every_session_but_the_one_kept(engine: Engine) -> None:
    staff_id = a_worker(engine)
    pairs = [_sign_in(engine, at=timedelta(minutes=m)) for m in range(3)]
    with write_transaction(engine) as connection:
        revoked = revoke_sessions(
            connection,
            staff_id,
            reason="revoked",
            now=T0 + timedelta(minutes=5),
            keep=pairs[0].session_id,
        )
    assert revoked == 2
    assert [_who(engine, p.access_token, timedelta(minutes=6)) is not None for p in pairs] == [
        True,
        False,
        False,
    ]


def test_sign_in_and_refresh_need_a_connection_outside_a_transaction(engine: Engine) -> None:
    a_worker(engine)
    with engine.connect() as connection, connection.begin():
        with pytest.raises(ValueError, match="outside a transaction"):
            sign_in(connection, "wang.fang", PASSWORD, client=CLIENT, now=T0, settings=SETTINGS)
        with pytest.raises(ValueError, match="outside a transaction"):
            refresh(connection, "token", now=T0, settings=SETTINGS)


@pytest.mark.parametrize(
    "changes",
    [
        {"access_ttl": timedelta(0)},
        {"window": timedelta(seconds=-1)},
        {"lockout_threshold": 0},
        {"max_attempts_per_window": 0},
    ],
)
def test_settings_that_cannot_work_are_refused(changes: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="must be"):
        SessionSettings(**changes)  # type: ignore[arg-type]


def test_naive_times_are_refused(engine: Engine) -> None:
    a_worker(engine)
    with engine.connect() as connection, pytest.raises(Exception, match="naive datetime"):
        sign_in(
            connection,
            "wang.fang",
            PASSWORD,
            client=CLIENT,
            now=T0.replace(tzinfo=None),
            settings=SETTINGS,
        )
