"""Review: a department manager reads change requests — the old value, the proposed one and
the record's current one — and accepts or rejects each.

    page = review_page(connection, manager, status="pending", now=now, signer=signer)
    decided = accept_change(connection, manager, 42, now=now, signer=signer)
    decided = reject_change(connection, manager, 43, reason="住址与户籍不符", now=now)

Every read of a request's values is a read of personal data through the access policy, with
the purpose `review` (`frontline.access.purposes.ReviewPurpose`): only the request's one
field, only for managers of the scenario's department, only inside their area scope; each
read and each decision is an audit event naming the change request (`CR000042`).

Accepting writes the value back (`frontline.forms.writeback.apply_change`) in the same
transaction and supersedes the other pending requests for that field. When the record's
value changed since the request was made (another change, a new integration run), accepting
is refused as stale until the reviewer confirms the current value they saw.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, update

from frontline.access.policy import decide
from frontline.access.purposes import ReviewPurpose, change_reference
from frontline.access.reading import AccessRefused, read_subject, refuse
from frontline.audit import AuditWriter, EventDraft, Signer, append
from frontline.forms.changes import (
    ChangeInfo,
    changes_page,
    get_change,
    pending_rivals,
    same_value,
)
from frontline.forms.models import ChangeRequest
from frontline.forms.refusals import FormsRefused, Refusal
from frontline.forms.writeback import apply_change
from frontline.staff.principal import Principal
from frontline.staff.roles import Role
from frontline.store.golden import GoldenRecord
from frontline.visible_text import spanning

ACCEPTED = "change_accepted"
REJECTED = "change_rejected"
MIN_REASON = 2
MAX_REASON = 500
REASON_PATTERN = spanning(MIN_REASON)
"""A reason holds at least two visible characters (`MIN_REASON`)."""


@dataclass(frozen=True, slots=True)
class Reviewed:
    """A change request as its reviewer reads it: its values and the record's current one."""

    change: ChangeInfo
    current_value: Any
    audit_seq: int
    """The audit event of the read."""


@dataclass(frozen=True, slots=True)
class ReviewPage:
    """A page of a reviewer's change requests."""

    items: list[Reviewed]
    total: int
    limit: int
    offset: int
    withheld: int
    """Requests on the page the policy refused to show (their subject moved out of scope)."""


@dataclass(frozen=True, slots=True)
class Decided:
    """A decision taken: the request as it now stands."""

    change: ChangeInfo
    current_value: Any
    """The record's value after the decision."""
    version: int | None
    """The golden record's new version (accepted), or None."""
    superseded: list[int]
    audit_seq: int


def review_page(
    connection: Connection,
    principal: Principal,
    *,
    status: str | None = None,
    field: str | None = None,
    limit: int = 50,
    offset: int = 0,
    now: datetime,
    signer: Signer | None = None,
    writer: AuditWriter | None = None,
) -> ReviewPage:
    """The reviewer's change requests, each read through the policy (and audited); a request
    whose read is refused is withheld (its refusal audited)."""
    _require_reviewer(principal)
    page = changes_page(
        connection, principal, status=status, field=field, limit=limit, offset=offset
    )
    items: list[Reviewed] = []
    withheld = 0
    for change in page.items:
        try:
            items.append(_read(connection, principal, change, now, signer, writer))
        except AccessRefused:
            withheld += 1
    return ReviewPage(items, page.total, page.limit, page.offset, withheld)


def review_change(
    connection: Connection,
    principal: Principal,
    change_id: int,
    *,
    now: datetime,
    signer: Signer | None = None,
    writer: AuditWriter | None = None,
) -> Reviewed:
    """One change request with its values, read through the policy (`AccessRefused`,
    audited, when it may not be)."""
    return _read(connection, principal, _found(connection, change_id), now, signer, writer)


def accept_change(
    connection: Connection,
    principal: Principal,
    change_id: int,
    *,
    confirm_current: str | None = None,
    now: datetime,
    signer: Signer | None = None,
) -> Decided:
    """Accept a pending change request: write it back, supersede the other pending requests
    for the field, and audit the decision — all in the caller's transaction.

    Refused with `AccessRefused` (audited) when the policy would not let `principal` review
    it; `FormsRefused`: `change_decided` when it is no longer pending, `change_stale` when
    the record's value changed since it was proposed and `confirm_current` does not name the
    value it has now.
    """
    change = _found(connection, change_id)
    decision = decide(connection, principal, ReviewPurpose(change.facts), change.subject, now=now)
    if not decision.allowed:
        raise refuse(connection, principal, decision, now=now, signer=signer)
    if change.status != "pending":
        raise FormsRefused(Refusal.CHANGE_DECIDED, change=change.reference)
    target = decision.subject.id
    current = _current(connection, target, change.field, lock=True)
    stale = not same_value(current, change.old_value)
    if stale and (confirm_current is None or not same_value(current, confirm_current)):
        raise FormsRefused(Refusal.CHANGE_STALE, change=change.reference)
    _decide(connection, change, "accepted", principal, now, reason=None)
    version = apply_change(
        connection, change, reviewer_id=principal.staff_id, now=now, entity_id=target
    )
    rivals = pending_rivals(connection, change)
    if rivals:
        connection.execute(
            update(ChangeRequest)
            .where(ChangeRequest.id.in_(rivals), ChangeRequest.status == "pending")
            .values(
                status="superseded",
                reviewer_id=principal.staff_id,
                decided_at=now,
                reason=f"superseded by {change.reference}",
            )
        )
    seq = _audit(
        connection,
        principal,
        change,
        ACCEPTED,
        now,
        signer,
        target,
        {"superseded": [change_reference(r) for r in rivals], "stale_confirmed": stale},
    )
    return Decided(_found(connection, change.id), change.new_value, version, rivals, seq)


def reject_change(
    connection: Connection,
    principal: Principal,
    change_id: int,
    *,
    reason: str,
    now: datetime,
    signer: Signer | None = None,
) -> Decided:
    """Reject a pending change request with a reason the worker will read; the record is left
    as it is. Refused as `accept_change` is (and `reason_invalid` for a reason out of bounds)."""
    text = kept_reason(reason)
    change = _found(connection, change_id)
    decision = decide(connection, principal, ReviewPurpose(change.facts), change.subject, now=now)
    if not decision.allowed:
        raise refuse(connection, principal, decision, now=now, signer=signer)
    if change.status != "pending":
        raise FormsRefused(Refusal.CHANGE_DECIDED, change=change.reference)
    _decide(connection, change, "rejected", principal, now, reason=text)
    current = _current(connection, decision.subject.id, change.field, lock=False)
    seq = _audit(connection, principal, change, REJECTED, now, signer, decision.subject.id, {})
    return Decided(_found(connection, change.id), current, None, [], seq)


def kept_reason(reason: str) -> str:
    """The reason as it is kept, without the spaces around it; refused (`reason_invalid`)
    unless it holds `REASON_PATTERN` and at most `MAX_REASON` characters, spaces included."""
    if len(reason) > MAX_REASON or not re.search(REASON_PATTERN, reason):
        raise FormsRefused(Refusal.REASON_INVALID)
    return reason.strip()


def _require_reviewer(principal: Principal) -> None:
    if not principal.has(Role.DEPARTMENT_MANAGER):
        raise FormsRefused(Refusal.NOT_A_REVIEWER)


def _found(connection: Connection, change_id: int) -> ChangeInfo:
    change = get_change(connection, change_id)
    if change is None:
        raise FormsRefused(Refusal.CHANGE_NOT_FOUND, change=change_reference(change_id))
    return change


def _read(
    connection: Connection,
    principal: Principal,
    change: ChangeInfo,
    now: datetime,
    signer: Signer | None,
    writer: AuditWriter | None,
) -> Reviewed:
    record = read_subject(
        connection,
        principal,
        ReviewPurpose(change.facts),
        change.subject,
        now=now,
        signer=signer,
        writer=writer,
    )
    return Reviewed(change, record.values.get(change.field), record.audit_seq)


def _current(connection: Connection, entity_id: str, field: str, *, lock: bool) -> Any:
    query = select(GoldenRecord.values).where(GoldenRecord.entity_id == entity_id)
    values = connection.execute(query.with_for_update() if lock else query).scalar_one_or_none()
    return None if values is None else values.get(field)


def _decide(
    connection: Connection,
    change: ChangeInfo,
    status: str,
    principal: Principal,
    now: datetime,
    *,
    reason: str | None,
) -> None:
    """Mark the request decided, unless someone decided it meanwhile (then `change_decided`)."""
    changed = connection.execute(
        update(ChangeRequest)
        .where(ChangeRequest.id == change.id, ChangeRequest.status == "pending")
        .values(status=status, reviewer_id=principal.staff_id, decided_at=now, reason=reason)
    ).rowcount
    if changed != 1:
        raise FormsRefused(Refusal.CHANGE_DECIDED, change=change.reference)


def _audit(
    connection: Connection,
    principal: Principal,
    change: ChangeInfo,
    action: str,
    now: datetime,
    signer: Signer | None,
    subject_id: str,
    detail: dict[str, object],
) -> int:
    (seq,) = append(
        connection,
        [
            EventDraft(
                action,
                actor_id=str(principal.staff_id),
                actor_role=Role.DEPARTMENT_MANAGER.value,
                department=principal.department,
                device_id=principal.device_id,
                purpose_kind="review",
                purpose_ref=change.reference,
                subject_type=change.subject_type,
                subject_id=subject_id,
                fields=(change.field,),
                # Never the values: only where the change came from and what it decided.
                detail={
                    "change": change.id,
                    "submission": change.submission_id,
                    "task": change.task_reference,
                    **detail,
                },
                occurred_at=now,
            )
        ],
        signer=signer,
    )
    return seq
