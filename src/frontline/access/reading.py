"""Reading a subject's personal data: decided by the policy, minimised, masked and audited.

    record = read_subject(connection, principal, TaskPurpose(facts), subject, now=now)

Every read appends its audit event in the caller's transaction, so the read and its record
commit together or not at all; on SQLite run it under `begin_write`/`write_transaction`.
A refusal is audited too (without personal data) and then raised as `AccessRefused`: the
caller commits the refusal's event before answering.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, Select, bindparam, select

from frontline.access.masking import MaskRule, mask_record
from frontline.access.policy import Decision, Facts, decide, judge, preferred_role
from frontline.access.purposes import (
    CounterPurpose,
    Purpose,
    PurposeKind,
    Subject,
    TaskFacts,
    TaskPurpose,
)
from frontline.access.refusals import Reason
from frontline.audit import AuditWriter, EventDraft, Signer, append
from frontline.ids import parse_resident_id
from frontline.scenarios import Scenario
from frontline.staff.principal import Principal
from frontline.staff.roles import Role
from frontline.store import Entity
from frontline.store.golden import GoldenRecord
from frontline.store.hot import Lookup, fetch

READ = "read"
REFUSED = "read_refused"


class AccessRefused(Exception):  # noqa: N818 - a refusal, not a fault
    """The policy refused the read; its audit event is already appended."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(reason.value)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class SubjectRecord:
    """What leaves the server for one read: the scenario's fields, masked as declared."""

    subject: Subject
    purpose_kind: PurposeKind
    purpose_ref: str
    role: Role
    scenario: Scenario
    values: Mapping[str, Any]
    """Field → masked value, in the scenario's field order; no other field."""
    masks: Mapping[str, MaskRule]
    read_at: datetime
    audit_seq: int


def read_subject(
    connection: Connection,
    principal: Principal,
    purpose: Purpose,
    subject: Subject,
    *,
    now: datetime,
    signer: Signer | None = None,
    writer: AuditWriter | None = None,
) -> SubjectRecord:
    """`subject`'s data for `purpose`, minimised and masked; `AccessRefused` otherwise."""
    (answer,) = read_subjects(
        connection, principal, [(purpose, subject)], now=now, signer=signer, writer=writer
    )
    if isinstance(answer, AccessRefused):
        raise answer
    return answer


def read_subjects(
    connection: Connection,
    principal: Principal,
    reads: Sequence[tuple[Purpose, Subject]],
    *,
    now: datetime,
    signer: Signer | None = None,
    writer: AuditWriter | None = None,
) -> list[SubjectRecord | AccessRefused]:
    """Several reads by one principal, each decided, minimised and masked as `read_subject`
    does it alone, with their audit events (reads and refusals) appended together: one
    `SubjectRecord`, or the `AccessRefused` of a refusal, per read, in order."""
    drafts: list[EventDraft] = []
    answers: list[AllowedRead | AccessRefused] = []
    for purpose, subject in reads:
        decision = decide(connection, principal, purpose, subject, now=now)
        if decision.allowed and decision.scenario is not None and decision.role is not None:
            values = fetch(connection, golden_values(decision.subject.id))
            if values is not None:
                allowed = AllowedRead(decision, decision.scenario, decision.role, values)
                drafts.append(allowed.draft(principal, now))
                answers.append(allowed)
                continue
            # an entity with no golden record has no data to read
            decision = Decision(purpose, decision.subject, Reason.SUBJECT_UNKNOWN)
        drafts.append(_refusal_draft(principal, decision, now))
        answers.append(AccessRefused(decision.reason or Reason.ROLE))
    seqs = record(connection, drafts, signer=signer, writer=writer)
    return [
        answer if isinstance(answer, AccessRefused) else answer.record(now, seq)
        for answer, seq in zip(answers, seqs, strict=True)
    ]


@dataclass(frozen=True, slots=True)
class AllowedRead:
    """A read the policy allowed, before its audit event is appended: `draft` is that event,
    `record` what leaves the server once it is appended as `seq`."""

    decision: Decision
    scenario: Scenario
    role: Role
    values: Mapping[str, Any]

    def draft(self, principal: Principal, now: datetime) -> EventDraft:
        decision = self.decision
        return EventDraft(
            READ,
            actor_id=str(principal.staff_id),
            actor_role=self.role.value,
            department=principal.department,
            device_id=principal.device_id,
            purpose_kind=decision.purpose.kind,
            purpose_ref=decision.purpose.reference,
            subject_type=decision.subject.type,
            subject_id=decision.subject.id,
            fields=tuple(decision.fields),
            detail=_detail(self.scenario, decision.fields),
            occurred_at=now,
        )

    def record(self, now: datetime, seq: int) -> SubjectRecord:
        decision = self.decision
        return SubjectRecord(
            subject=decision.subject,
            purpose_kind=decision.purpose.kind,
            purpose_ref=decision.purpose.reference,
            role=self.role,
            scenario=self.scenario,
            values=mask_record(self.values, decision.fields, self.scenario.entity_type),
            masks=dict(decision.fields),
            read_at=now,
            audit_seq=seq,
        )


def counter_lookup(
    connection: Connection,
    principal: Principal,
    id_number: str,
    scenario_key: str,
    *,
    now: datetime,
    signer: Signer | None = None,
    writer: AuditWriter | None = None,
) -> SubjectRecord:
    """A window clerk's lookup of a person by resident ID number, for a counter scenario.

    The number is normalised and checked first (`frontline.ids`); a number that is invalid
    or matches nobody is refused, and its audit event holds nothing that identifies the
    person — no number, no subject.
    """
    purpose = CounterPurpose(scenario_key)
    if Role.WINDOW_CLERK not in principal.roles:
        nobody = Decision(purpose, _NOBODY, Reason.ROLE)
        raise refuse(connection, principal, nobody, now=now, signer=signer, writer=writer)
    parsed = parse_resident_id(id_number)
    if parsed.number is None:
        refused = Decision(purpose, _NOBODY, Reason.INVALID_ID_NUMBER)
        raise refuse(connection, principal, refused, now=now, signer=signer, writer=writer)
    entity_id = person_by_id_number(connection, parsed.number)
    if entity_id is None:
        refused = Decision(purpose, _NOBODY, Reason.SUBJECT_UNKNOWN)
        raise refuse(connection, principal, refused, now=now, signer=signer, writer=writer)
    return read_subject(
        connection,
        principal,
        purpose,
        Subject("person", entity_id),
        now=now,
        signer=signer,
        writer=writer,
    )


def allowed_task_read(
    principal: Principal,
    task: TaskFacts,
    facts: Facts,
    values: Mapping[str, Any] | None,
    *,
    now: datetime,
) -> AllowedRead | None:
    """The read of `task`'s subject by `principal` when the policy (`judge`) allows it on
    `facts`, with `values` (the subject's golden record, read together with the facts);
    None otherwise, and then nothing is recorded here: the caller takes `read_subject`,
    which decides again and records the refusal. For a caller that loaded the facts itself
    (`task_facts`, `golden_values`) in one round trip to the database."""
    decision = judge(principal, TaskPurpose(task), task.subject, facts, now=now)
    if not decision.allowed or decision.scenario is None or decision.role is None:
        return None
    if values is None or decision.subject.id != task.subject.id:
        return None
    return AllowedRead(decision, decision.scenario, decision.role, values)


def golden_values(entity_id: str) -> Lookup[Mapping[str, Any] | None]:
    """The values of `entity_id`'s golden record (None without one), to run on any connection
    (`frontline.store.hot`)."""
    return Lookup(golden_statement(), {"entity": entity_id}, _values)


def _values(rows: list[Any]) -> Mapping[str, Any] | None:
    if not rows:
        return None
    (row,) = rows
    values: Mapping[str, Any] | None = row.values
    return values


@cache
def golden_statement() -> Select[dict[str, Any]]:
    """The golden record's values, by entity: built once (building costs more than running)."""
    return select(GoldenRecord.values).where(GoldenRecord.entity_id == bindparam("entity"))


def person_by_id_number(connection: Connection, number: str) -> str | None:
    """The entity id of the person whose resident ID number (normalised, 18 characters) is
    `number`, or None."""
    query = select(Entity.entity_id).where(
        Entity.entity_type == "person", Entity.entity_key == number
    )
    return connection.execute(query).scalar_one_or_none()


_NOBODY = Subject("", "")
"""The subject of a refusal that must name none (an invalid or unknown ID number)."""
_UNNAMED = frozenset({Reason.INVALID_ID_NUMBER, Reason.SUBJECT_UNKNOWN, Reason.GRANT_UNKNOWN})


def refuse(
    connection: Connection,
    principal: Principal,
    decision: Decision,
    *,
    now: datetime,
    signer: Signer | None = None,
    writer: AuditWriter | None = None,
) -> AccessRefused:
    """Append the audit event of a refused read; the `AccessRefused` to raise."""
    record(connection, [_refusal_draft(principal, decision, now)], signer=signer, writer=writer)
    return AccessRefused(decision.reason or Reason.ROLE)


def _refusal_draft(principal: Principal, decision: Decision, now: datetime) -> EventDraft:
    """The audit event of a refused read: who, for what, why; the subject only when the
    reason may name it."""
    reason = decision.reason or Reason.ROLE
    named = reason not in _UNNAMED and bool(decision.subject.id and decision.subject.type)
    detail: dict[str, object] = {"reason": reason.value}
    if decision.scenario is not None:
        detail.update(scenario=decision.scenario.key, version=decision.scenario.version)
    role = decision.role or preferred_role(principal.roles)
    return EventDraft(
        REFUSED,
        actor_id=str(principal.staff_id),
        actor_role=role.value if role else None,
        department=principal.department,
        device_id=principal.device_id,
        purpose_kind=decision.purpose.kind,
        purpose_ref=decision.purpose.reference,
        subject_type=decision.subject.type if named else None,
        subject_id=decision.subject.id if named else None,
        detail=detail,
        occurred_at=now,
    )


def _detail(scenario: Scenario, fields: Mapping[str, MaskRule]) -> dict[str, object]:
    # The rule each field left under: enough to tell later what was shown, never a value.
    return {
        "scenario": scenario.key,
        "version": scenario.version,
        "masks": {name: rule.value for name, rule in fields.items()},
    }


def record(
    connection: Connection,
    drafts: list[EventDraft],
    *,
    signer: Signer | None,
    writer: AuditWriter | None,
) -> list[int]:
    """Append the audit events of a read: by the service's `writer` when it has one (batched,
    committed before the read's data is returned), else in the read's own transaction."""
    if writer is not None:
        return writer.write(drafts)
    return append(connection, drafts, signer=signer)
