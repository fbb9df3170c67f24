"""Break-glass (紧急授权): access to one subject outside any task, in an emergency.

A member grants it to themselves with a written justification, for a short while (at most
four hours), for one subject and one scenario of their department — its fields and masking
still apply, and so does their area scope. Every read under it is audited with purpose
`break_glass`, and every grant waits for an auditor's review (accepted, or questioned with
a note for follow-up).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.orm import aliased

from frontline.access.models import BreakGlassGrant
from frontline.access.policy import (
    Decision,
    Facts,
    check_subject,
    locate_subject,
    preferred_role,
)
from frontline.access.purposes import BreakGlassPurpose, Subject, grant_reference
from frontline.access.reading import SubjectRecord, read_subject, refuse
from frontline.access.refusals import Reason
from frontline.audit import AuditEvent, AuditWriter, EventDraft, Signer, append
from frontline.scenarios import current_scenario
from frontline.staff.models import StaffMember
from frontline.staff.principal import Principal
from frontline.staff.roles import Role
from frontline.visible_text import spanning

MIN_JUSTIFICATION = 10
MAX_JUSTIFICATION = 1000
JUSTIFICATION_PATTERN = spanning(MIN_JUSTIFICATION)
"""A justification holds `MIN_JUSTIFICATION` characters from a visible one to a visible one."""
MIN_DURATION = timedelta(minutes=5)
MAX_DURATION = timedelta(hours=4)
MIN_NOTE = 2
MAX_NOTE = 1000
VERDICTS = ("accepted", "questioned")
GRANTED = "break_glass_granted"
REVIEWED = "break_glass_reviewed"


class BreakGlassError(ValueError):
    """A request or review that cannot be taken as it is; `code` says why, for the web layer."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class Grant:
    """A break-glass grant as listed for review."""

    id: int
    reference: str
    staff_id: int
    username: str
    display_name: str
    role: str
    department: str
    subject: Subject
    scenario_key: str
    scenario_version: int
    justification: str
    granted_at: datetime
    expires_at: datetime
    review_state: str
    reviewed_by: str | None
    reviewed_at: datetime | None
    review_note: str | None
    reads: int
    """Reads made under the grant (from the audit log)."""

    def active(self, now: datetime) -> bool:
        """Whether the grant still opens its subject at `now`."""
        return now < self.expires_at


def kept_justification(justification: str) -> str:
    """The justification as it is kept, without the spaces around it; `BreakGlassError`
    unless it holds `JUSTIFICATION_PATTERN` and at most `MAX_JUSTIFICATION` characters,
    spaces included (exactly what the API's schema allows)."""
    if len(justification) > MAX_JUSTIFICATION or not re.search(
        JUSTIFICATION_PATTERN, justification
    ):
        raise BreakGlassError(
            "justification",
            f"the justification needs {MIN_JUSTIFICATION} to {MAX_JUSTIFICATION} characters",
        )
    return justification.strip()


def request_grant(
    connection: Connection,
    principal: Principal,
    *,
    subject_id: str,
    scenario_key: str,
    justification: str,
    duration: timedelta,
    now: datetime,
    signer: Signer | None = None,
) -> Grant:
    """Grant `principal` break-glass access to `subject_id` for `scenario_key`, now.

    Raises `BreakGlassError` for a justification or duration out of bounds, and
    `AccessRefused` (audited) when the policy would not let them read the subject at all.
    """
    text = kept_justification(justification)
    if not MIN_DURATION <= duration <= MAX_DURATION:
        raise BreakGlassError("duration", "a grant lasts from 5 minutes to 4 hours")
    purpose = BreakGlassPurpose(0)
    scenario = current_scenario(connection, scenario_key)
    subject, grid = locate_subject(connection, subject_id)
    asked = subject or Subject("", "")  # an unknown id is not recorded: it may be mistyped
    reason: Reason | None = None
    role = None
    if scenario is None:
        reason = Reason.SCENARIO_UNKNOWN
    else:
        role = preferred_role(principal.roles & frozenset(scenario.roles) - {Role.AUDITOR})
        if role is None:
            reason = Reason.ROLE
        elif scenario.department != principal.department:
            reason = Reason.DEPARTMENT
        else:
            reason = check_subject(principal, scenario, Facts(subject, grid, scenario))
    if reason is not None or scenario is None or role is None or subject is None:
        refused = Decision(purpose, asked, reason or Reason.ROLE)
        raise refuse(connection, principal, refused, now=now, signer=signer)
    grant_id = connection.execute(
        insert(BreakGlassGrant)
        .values(
            staff_id=principal.staff_id,
            role=role.value,
            department=principal.department,
            subject_type=subject.type,
            subject_id=subject.id,
            scenario_key=scenario.key,
            scenario_version=scenario.version,
            justification=text,
            granted_at=now,
            expires_at=now + duration,
            review_state="pending",
        )
        .returning(BreakGlassGrant.id)
    ).scalar_one()
    append(
        connection,
        [
            EventDraft(
                GRANTED,
                actor_id=str(principal.staff_id),
                actor_role=role.value,
                department=principal.department,
                device_id=principal.device_id,
                purpose_kind="break_glass",
                purpose_ref=grant_reference(grant_id),
                subject_type=subject.type,
                subject_id=subject.id,
                # The justification stays in the grant: it may name the person.
                detail={
                    "scenario": scenario.key,
                    "version": scenario.version,
                    "minutes": int(duration.total_seconds() // 60),
                },
                occurred_at=now,
            )
        ],
        signer=signer,
    )
    return _written(connection, grant_id)


def read_under_grant(
    connection: Connection,
    principal: Principal,
    grant_id: int,
    *,
    now: datetime,
    signer: Signer | None = None,
    writer: AuditWriter | None = None,
) -> SubjectRecord:
    """The grant's subject, read under it (audited with purpose `break_glass`)."""
    subject = connection.execute(
        select(BreakGlassGrant.subject_type, BreakGlassGrant.subject_id).where(
            BreakGlassGrant.id == grant_id
        )
    ).one_or_none()
    asked = Subject(subject.subject_type, subject.subject_id) if subject else Subject("", "")
    return read_subject(
        connection,
        principal,
        BreakGlassPurpose(grant_id),
        asked,
        now=now,
        signer=signer,
        writer=writer,
    )


def review_grant(
    connection: Connection,
    principal: Principal,
    grant_id: int,
    *,
    verdict: str,
    note: str,
    now: datetime,
    signer: Signer | None = None,
) -> Grant:
    """An auditor's verdict on a grant: `accepted`, or `questioned` for follow-up.

    Raises `BreakGlassError`: `not_found`, `own_grant` (nobody reviews their own),
    `reviewed` (a verdict is final), `verdict` or `note` (out of bounds).
    """
    text = note.strip()
    if verdict not in VERDICTS:
        raise BreakGlassError("verdict", "the verdict is accepted or questioned")
    if not MIN_NOTE <= len(text) <= MAX_NOTE:
        raise BreakGlassError("note", f"the note needs {MIN_NOTE} to {MAX_NOTE} characters")
    grant = get_grant(connection, grant_id)
    if grant is None:
        raise BreakGlassError("not_found", "no such grant")
    if grant.staff_id == principal.staff_id:
        raise BreakGlassError("own_grant", "nobody reviews their own grant")
    changed = connection.execute(
        update(BreakGlassGrant)
        .where(BreakGlassGrant.id == grant_id, BreakGlassGrant.review_state == "pending")
        .values(
            review_state=verdict, reviewed_by=principal.staff_id, reviewed_at=now, review_note=text
        )
    ).rowcount
    if changed != 1:
        raise BreakGlassError("reviewed", "the grant is reviewed already")
    append(
        connection,
        [
            EventDraft(
                REVIEWED,
                actor_id=str(principal.staff_id),
                actor_role=Role.AUDITOR.value,
                department=principal.department,
                purpose_kind="break_glass",
                purpose_ref=grant.reference,
                subject_type=grant.subject.type,
                subject_id=grant.subject.id,
                detail={"verdict": verdict},
                occurred_at=now,
            )
        ],
        signer=signer,
    )
    return _written(connection, grant_id)


def get_grant(connection: Connection, grant_id: int) -> Grant | None:
    """One grant, or None."""
    found = list_grants(connection, grant_id=grant_id)
    return found[0] if found else None


def list_grants(
    connection: Connection,
    *,
    state: str | None = None,
    staff_id: int | None = None,
    grant_id: int | None = None,
    limit: int = 200,
) -> list[Grant]:
    """Grants, oldest first when pending review (the queue), newest first otherwise."""
    grantee = aliased(StaffMember)
    reviewer = aliased(StaffMember)
    g = BreakGlassGrant
    query = (
        select(
            *g.__table__.columns,
            grantee.username,
            grantee.display_name,
            reviewer.username.label("reviewer"),
        )
        .join(grantee, grantee.id == g.staff_id)
        .outerjoin(reviewer, reviewer.id == g.reviewed_by)
    )
    if state is not None:
        query = query.where(g.review_state == state)
    if staff_id is not None:
        query = query.where(g.staff_id == staff_id)
    if grant_id is not None:
        query = query.where(g.id == grant_id)
    oldest_first = state == "pending"
    query = query.order_by(g.granted_at if oldest_first else g.granted_at.desc(), g.id).limit(limit)
    rows = connection.execute(query).all()
    counts = _read_counts(connection, [(grant_reference(r.id), r.subject_id) for r in rows])
    return [
        Grant(
            id=row.id,
            reference=grant_reference(row.id),
            staff_id=row.staff_id,
            username=row.username,
            display_name=row.display_name,
            role=row.role,
            department=row.department,
            subject=Subject(row.subject_type, row.subject_id),
            scenario_key=row.scenario_key,
            scenario_version=row.scenario_version,
            justification=row.justification,
            granted_at=row.granted_at,
            expires_at=row.expires_at,
            review_state=row.review_state,
            reviewed_by=row.reviewer,
            reviewed_at=row.reviewed_at,
            review_note=row.review_note,
            reads=counts.get(grant_reference(row.id), 0),
        )
        for row in rows
    ]


def _read_counts(connection: Connection, grants: list[tuple[str, str]]) -> dict[str, int]:
    if not grants:
        return {}
    # Through the log's subject index: the log is large, the grants' subjects are few.
    query = (
        select(AuditEvent.purpose_ref, func.count())
        .where(
            AuditEvent.subject_id.in_(sorted({subject for _, subject in grants})),
            AuditEvent.action == "read",
            AuditEvent.purpose_kind == "break_glass",
            AuditEvent.purpose_ref.in_([reference for reference, _ in grants]),
        )
        .group_by(AuditEvent.purpose_ref)
    )
    return {str(ref): count for ref, count in connection.execute(query)}


def _written(connection: Connection, grant_id: int) -> Grant:
    grant = get_grant(connection, grant_id)
    if grant is None:  # written in this transaction: only a broken store loses it
        raise LookupError(f"grant {grant_id} vanished")
    return grant
