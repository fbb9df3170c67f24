"""Sign-in attempts: the record, the rate limits and the lock-out state built on it.

Rate limits count the failed attempts (not the refusals they cause, so a blocked client's
retries do not prolong its block) per typed username and per client address in a sliding
window. Lock-out counts consecutive failures: on the account for a known username, and —
so that being locked out never tells a real account from an unknown name — in the attempt
record for an unknown one, where the failure that locks is recorded as `locked_out`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, delete, func, insert, select, update

from frontline.staff.models import SignInAttempt, StaffMember

if TYPE_CHECKING:
    from frontline.staff.sessions import SessionSettings

FAILURES = ("bad_credentials", "locked_out", "locked", "inactive")
"""Outcomes the rate limits count."""


@dataclass(frozen=True, slots=True)
class LockState:
    """A known account's lock-out state, as read (and locked) for this attempt."""

    staff_id: int
    failed_attempts: int
    locked_until: datetime | None


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why an attempt fails: the outcome recorded, the reason told, when to retry."""

    outcome: str
    reason: str
    retry_after: int | None = None


def refusal_before_verifying(
    connection: Connection,
    name: str,
    client: str,
    account: LockState | None,
    *,
    now: datetime,
    settings: SessionSettings,
) -> Refusal | None:
    """A refusal that needs no password check (rate limit, lock-out), else None."""
    for column, value in ((SignInAttempt.username, name), (SignInAttempt.client, client)):
        wait = _rate_limit_wait(connection, column == value, now=now, settings=settings)
        if wait is not None:
            return Refusal("rate_limited", "rate_limited", wait)
    if account is not None:
        locked_until: datetime | None = account.locked_until
    else:
        last_lock = _last_lock(connection, name)
        locked_until = last_lock + settings.lockout_duration if last_lock else None
    if locked_until is not None and locked_until > now:
        return Refusal("locked", "locked", _seconds(locked_until - now))
    return None


def count_failure(
    connection: Connection,
    name: str,
    account: LockState | None,
    *,
    now: datetime,
    settings: SessionSettings,
) -> Refusal:
    """Count a wrong password against `name`; lock it at the threshold."""
    if account is not None:
        failures = account.failed_attempts + 1
    else:
        since = _last_lock(connection, name)
        query = select(func.count()).where(
            SignInAttempt.username == name, SignInAttempt.outcome == "bad_credentials"
        )
        if since is not None:
            query = query.where(SignInAttempt.attempted_at > since)
        failures = (connection.scalar(query) or 0) + 1
    locks = failures >= settings.lockout_threshold
    if account is not None:
        connection.execute(
            update(StaffMember)
            .where(StaffMember.id == account.staff_id)
            .values(
                failed_attempts=0 if locks else failures,
                locked_until=now + settings.lockout_duration if locks else None,
            )
        )
    if locks:
        return Refusal("locked_out", "locked", _seconds(settings.lockout_duration))
    return Refusal("bad_credentials", "bad_credentials")


def record_attempt(
    connection: Connection, name: str, client: str, *, now: datetime, outcome: str
) -> None:
    """Keep one attempt."""
    connection.execute(
        insert(SignInAttempt).values(
            username=name, client=client, attempted_at=now, outcome=outcome
        )
    )


def prune_attempts(connection: Connection, *, before: datetime) -> int:
    """Delete the attempts made before `before` (keep more than the window and the lock-out
    duration; unknown names' failure counts start again); how many were deleted."""
    result = connection.execute(delete(SignInAttempt).where(SignInAttempt.attempted_at < before))
    return result.rowcount


def _rate_limit_wait(
    connection: Connection, condition: Any, *, now: datetime, settings: SessionSettings
) -> int | None:
    """Seconds until enough failures leave the window for one more attempt, or None."""
    limit = settings.max_attempts_per_window
    times = connection.scalars(
        select(SignInAttempt.attempted_at)
        .where(
            condition,
            SignInAttempt.attempted_at > now - settings.window,
            SignInAttempt.outcome.in_(FAILURES),
        )
        .order_by(SignInAttempt.attempted_at)
    ).all()
    if len(times) < limit:
        return None
    return _seconds(times[len(times) - limit] + settings.window - now)


def _last_lock(connection: Connection, name: str) -> datetime | None:
    return connection.scalar(
        select(func.max(SignInAttempt.attempted_at)).where(
            SignInAttempt.username == name, SignInAttempt.outcome == "locked_out"
        )
    )


def _seconds(duration: timedelta) -> int:
    return max(1, math.ceil(duration.total_seconds()))
