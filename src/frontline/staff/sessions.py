"""Sign-in, token refresh, sign-out and the per-request `authenticate`.

A session holds one short-lived access token and one refresh token (stored as digests, see
`frontline.staff.tokens`). Refreshing rotates both: the old session is revoked as `rotated`
and a new one of the same family takes its place, keeping the family's refresh expiry, so a
shift's sign-in lasts at most `refresh_ttl` however often it is refreshed. Presenting a
rotated refresh token again means two parties hold the family's tokens: the whole family is
revoked (OAuth 2.0 Security BCP, refresh token rotation).

`sign_in` and `refresh` run in a write transaction of their own on the connection they are
given (which must not be in one) and commit it before they raise, so that a refused attempt
or a detected reuse is kept whatever the caller does with the exception. `sign_out` and
`revoke_sessions` join the caller's transaction. `authenticate` only reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, bindparam, insert, select, update

from frontline.staff.attempts import (
    LockState,
    Refusal,
    count_failure,
    record_attempt,
    refusal_before_verifying,
)
from frontline.staff.models import StaffMember, StaffRole, StaffSession
from frontline.staff.passwords import OWASP, HashParameters, verify_password
from frontline.staff.principal import Principal
from frontline.staff.roles import Role
from frontline.staff.tokens import new_public_id, new_token, token_digest
from frontline.store.base import UtcDateTime
from frontline.store.engine import begin_write
from frontline.store.hot import Lookup, fetch

MAX_CLIENT_LENGTH = 64
MAX_USERNAME_LENGTH = 128
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MAX_DEVICE_ID_LENGTH = 64


@dataclass(frozen=True, slots=True)
class SessionSettings:
    """Token lifetimes, rate limits and lock-out; `password_hashing` for rehash-on-verify."""

    access_ttl: timedelta = timedelta(minutes=15)
    refresh_ttl: timedelta = timedelta(hours=8)
    max_attempts_per_window: int = 20
    """Failed attempts allowed per username and per client address within `window`."""
    window: timedelta = timedelta(minutes=15)
    lockout_threshold: int = 5
    """Consecutive failed sign-ins that lock a username."""
    lockout_duration: timedelta = timedelta(minutes=15)
    password_hashing: HashParameters = OWASP

    def __post_init__(self) -> None:
        durations = (self.access_ttl, self.refresh_ttl, self.window, self.lockout_duration)
        if min(durations) <= timedelta(0):
            raise ValueError("session durations and the rate-limit window must be positive")
        if min(self.max_attempts_per_window, self.lockout_threshold) < 1:
            raise ValueError("attempt limits must be at least 1")


@dataclass(frozen=True, slots=True)
class TokenPair:
    """What a successful sign-in or refresh hands the client (the tokens stay out of repr)."""

    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    access_expires_at: datetime
    refresh_expires_at: datetime
    session_id: str


REFUSAL_MESSAGES = {
    "bad_credentials": ("用户名或密码错误", "wrong username or password"),
    "locked": (
        "登录失败次数过多，账号已暂时锁定",
        "too many failed sign-ins: account locked for now",
    ),
    "rate_limited": ("登录尝试过于频繁，请稍后再试", "too many sign-in attempts: try again later"),
    "inactive": ("账号已停用，请联系管理员", "this account is deactivated: ask an administrator"),
}
"""Chinese and English messages for each refusal reason."""


class SignInRefused(Exception):  # noqa: N818 - the name the web layer was promised
    """A sign-in was refused; `reason` is one of `REFUSAL_MESSAGES`' keys.

    `retry_after` (seconds) is set for `locked` and `rate_limited`.
    """

    def __init__(self, reason: str, retry_after: int | None = None) -> None:
        self.reason, self.retry_after = reason, retry_after
        wait = f" (retry after {retry_after} s)" if retry_after is not None else ""
        super().__init__(f"sign-in refused: {reason}{wait}")

    @property
    def message_zh(self) -> str:
        """What to tell the person signing in, in Chinese."""
        return REFUSAL_MESSAGES[self.reason][0]

    @property
    def message_en(self) -> str:
        """What to tell the person signing in, in English."""
        return REFUSAL_MESSAGES[self.reason][1]


class SessionInvalid(Exception):  # noqa: N818 - the name the web layer was promised
    """A refresh token that cannot be used.

    `reason`: `unknown`, `expired`, `revoked`, `reused` (the family is now revoked), `inactive`.
    """

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"session invalid: {reason}")


def sign_in(
    connection: Connection,
    username: str,
    password: str,
    *,
    client: str,
    now: datetime,
    settings: SessionSettings,
    device_id: str | None = None,
) -> TokenPair:
    """Check a username and password and open a session, or raise `SignInRefused`.

    An unknown username and a wrong password cost the same (a dummy hash is verified) and
    are refused alike; unknown usernames are even locked out alike. Every attempt is
    recorded, with the username as typed (lower-cased) and the client's address.
    """
    _require_no_transaction(connection)
    if device_id is not None and not 0 < len(device_id) <= MAX_DEVICE_ID_LENGTH:
        raise ValueError(f"a device id has 1 to {MAX_DEVICE_ID_LENGTH} characters")
    # Control characters (a NUL, which PostgreSQL cannot store) belong to no username: they
    # become U+FFFD, so the attempt is refused and recorded like any unknown name.
    name = _CONTROL.sub("\ufffd", username.strip().lower())[:MAX_USERNAME_LENGTH]
    client = _CONTROL.sub("\ufffd", client)[:MAX_CLIENT_LENGTH]
    with begin_write(connection):
        checked = _check(connection, name, password, client=client, now=now, settings=settings)
        outcome = checked.outcome if isinstance(checked, Refusal) else "success"
        record_attempt(connection, name, client, now=now, outcome=outcome)
        if not isinstance(checked, Refusal):
            return _open_session(
                connection,
                checked,
                family_id=new_public_id(),
                device_id=device_id,
                now=now,
                refresh_expires_at=now + settings.refresh_ttl,
                settings=settings,
            )
    # Raised after the commit: the attempt, and a lock it caused, are kept.
    raise SignInRefused(checked.reason, checked.retry_after)


def _check(
    connection: Connection,
    name: str,
    password: str,
    *,
    client: str,
    now: datetime,
    settings: SessionSettings,
) -> Refusal | int:
    """The staff id `name` and `password` sign in as, or why they do not."""
    account = connection.execute(
        select(
            StaffMember.id,
            StaffMember.password_hash,
            StaffMember.active,
            StaffMember.failed_attempts,
            StaffMember.locked_until,
        )
        .where(StaffMember.username == name)
        .with_for_update()  # concurrent guesses on one account count one after another
    ).one_or_none()
    state = (
        LockState(account.id, account.failed_attempts, account.locked_until) if account else None
    )
    refusal = refusal_before_verifying(connection, name, client, state, now=now, settings=settings)
    if refusal is not None:
        return refusal
    checked = verify_password(
        account.password_hash if account else None, password, parameters=settings.password_hashing
    )
    if account is None or not checked.valid:
        return count_failure(connection, name, state, now=now, settings=settings)
    if not account.active:
        # Told only to whoever knows the password: it reveals nothing to a guesser.
        return Refusal("inactive", "inactive")
    values: dict[str, object] = {"failed_attempts": 0, "locked_until": None}
    if checked.new_hash is not None:
        values["password_hash"] = checked.new_hash
    connection.execute(update(StaffMember).where(StaffMember.id == account.id).values(**values))
    return int(account.id)


def _open_session(
    connection: Connection,
    staff_id: int,
    *,
    family_id: str,
    device_id: str | None,
    now: datetime,
    refresh_expires_at: datetime,
    settings: SessionSettings,
) -> TokenPair:
    access, refresh_token = new_token(), new_token()
    pair = TokenPair(
        access_token=access,
        refresh_token=refresh_token,
        access_expires_at=min(now + settings.access_ttl, refresh_expires_at),
        refresh_expires_at=refresh_expires_at,
        session_id=new_public_id(),
    )
    connection.execute(
        insert(StaffSession).values(
            id=pair.session_id,
            staff_id=staff_id,
            access_hash=token_digest(access),
            access_expires_at=pair.access_expires_at,
            refresh_hash=token_digest(refresh_token),
            refresh_expires_at=pair.refresh_expires_at,
            family_id=family_id,
            device_id=device_id,
            created_at=now,
            last_used_at=now,
        )
    )
    return pair


def refresh(
    connection: Connection, refresh_token: str, *, now: datetime, settings: SessionSettings
) -> TokenPair:
    """Exchange a refresh token for a new token pair, or raise `SessionInvalid`.

    The presented session is revoked (`rotated`); reusing a rotated refresh token revokes
    every session of its family (`reused`).
    """
    _require_no_transaction(connection)
    with begin_write(connection):
        rotated = _rotate(connection, token_digest(refresh_token), now=now, settings=settings)
        if isinstance(rotated, TokenPair):
            return rotated
    # Raised after the commit: a family revoked for reuse stays revoked.
    raise SessionInvalid(rotated)


def _rotate(
    connection: Connection, digest: str | None, *, now: datetime, settings: SessionSettings
) -> TokenPair | str:
    """The new pair for the session of refresh-token `digest`, or why there is none."""
    if digest is None:
        return "unknown"
    session = connection.execute(
        select(
            StaffSession.id,
            StaffSession.staff_id,
            StaffSession.family_id,
            StaffSession.device_id,
            StaffSession.refresh_expires_at,
            StaffSession.revoked_at,
            StaffSession.revoke_reason,
            StaffMember.active,
        )
        .join(StaffMember, StaffMember.id == StaffSession.staff_id)
        .where(StaffSession.refresh_hash == digest)
        .with_for_update()
    ).one_or_none()
    if session is None:
        return "unknown"
    if session.revoked_at is not None:
        if session.revoke_reason != "rotated":
            return "revoked"
        # A rotated token comes back: someone else holds this family's tokens.
        family = StaffSession.family_id == session.family_id
        _revoke(connection, family, reason="refresh_reuse", now=now)
        return "reused"
    if session.refresh_expires_at <= now:
        return "expired"
    if not session.active:
        return "inactive"
    _revoke(connection, StaffSession.id == session.id, reason="rotated", now=now)
    return _open_session(
        connection,
        session.staff_id,
        family_id=session.family_id,
        device_id=session.device_id,
        now=now,
        refresh_expires_at=session.refresh_expires_at,
        settings=settings,
    )


def sign_out(connection: Connection, access_token: str, *, now: datetime) -> bool:
    """Revoke the session of `access_token` (its refresh token too); False if none was live.

    An expired access token still signs out, so its refresh token cannot be used afterwards.
    Joins the caller's transaction.
    """
    digest = token_digest(access_token)
    if digest is None:
        return False
    return _revoke(connection, StaffSession.access_hash == digest, reason="signed_out", now=now) > 0


def revoke_sessions(
    connection: Connection,
    staff_id: int,
    *,
    reason: str,
    now: datetime,
    keep: str | None = None,
) -> int:
    """Revoke every live session of a staff member (but `keep`, a session id); how many.

    `reason` is one of `frontline.staff.models.REVOKE_REASONS`, e.g. `revoked` or
    `deactivated`. Joins the caller's transaction.
    """
    condition = StaffSession.staff_id == staff_id
    if keep is not None:
        condition = condition & (StaffSession.id != keep)
    return _revoke(connection, condition, reason=reason, now=now)


def _revoke(
    connection: Connection, condition: ColumnElement[bool], *, reason: str, now: datetime
) -> int:
    result = connection.execute(
        update(StaffSession)
        .where(condition, StaffSession.revoked_at.is_(None))
        .values(revoked_at=now, revoke_reason=reason)
    )
    return result.rowcount


def authenticate(connection: Connection, access_token: str, *, now: datetime) -> Principal | None:
    """The principal a live access token acts for, or None (unknown, expired, revoked, inactive).

    One indexed read by the token's digest (a row per role); it writes nothing.
    """
    lookup = authentication(access_token, now=now)
    return None if lookup is None else fetch(connection, lookup)


def authentication(access_token: str, *, now: datetime) -> Lookup[Principal | None] | None:
    """`authenticate`'s read, to run on any connection (`frontline.store.hot`); None for a
    string that cannot be a token at all."""
    digest = token_digest(access_token)
    if digest is None:
        return None
    return Lookup(authentication_statement(), {"digest": digest, "now": now}, _principal)


def _principal(rows: list[Any]) -> Principal | None:
    if not rows:
        return None
    first = rows[0]
    return Principal(
        staff_id=first.staff_id,
        username=first.username,
        display_name=first.display_name,
        department=first.department_code,
        roles=frozenset(Role(row.role) for row in rows if row.role is not None),
        area=first.area_code,
        session_id=first.id,
        device_id=first.device_id,
    )


@cache
def authentication_statement() -> Select[*tuple[Any, ...]]:
    """The statement of `authenticate`, built once: building it costs more than running it."""
    return (
        select(
            StaffSession.id,
            StaffSession.device_id,
            StaffMember.id.label("staff_id"),
            StaffMember.username,
            StaffMember.display_name,
            StaffMember.department_code,
            StaffMember.area_code,
            StaffRole.role,
        )
        .join(StaffMember, StaffMember.id == StaffSession.staff_id)
        .outerjoin(StaffRole, StaffRole.staff_id == StaffMember.id)
        .where(
            StaffSession.access_hash == bindparam("digest"),
            StaffSession.revoked_at.is_(None),
            StaffSession.access_expires_at > bindparam("now", type_=UtcDateTime()),
            StaffMember.active.is_(True),
        )
    )


def _require_no_transaction(connection: Connection) -> None:
    if connection.in_transaction():
        raise ValueError(
            "pass a connection outside a transaction: sign-in and refresh commit their own, "
            "so that a refusal is kept"
        )
