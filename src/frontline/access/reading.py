"""Reading a subject's personal data: decided by the policy, minimised, masked and audited.

    record = read_subject(connection, principal, TaskPurpose(facts), subject, now=now)

Every read appends its audit event in the caller's transaction, so the read and its record
commit together or not at all; on SQLite run it under `begin_write`/`write_transaction`.
A refusal is audited too (without personal data) and then raised as `AccessRefused`: the
caller commits the refusal's event before answering.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, Select, bindparam, select

from frontline.access.masking import MaskRule, mask_record
from frontline.access.policy import Decision, decide, preferred_role
from frontline.access.purposes import CounterPurpose, Purpose, PurposeKind, Subject
from frontline.access.refusals import Reason
from frontline.audit import AuditWriter, EventDraft, Signer, append
from frontline.ids import parse_resident_id
from frontline.scenarios import Scenario
from frontline.staff.principal import Principal
from frontline.staff.roles import Role
from frontline.store import Entity
from frontline.store.golden import GoldenRecord
from frontline.store.hot import fetch_one

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
    decision = decide(connection, principal, purpose, subject, now=now)
    if not decision.allowed or decision.scenario is None or decision.role is None:
        raise refuse(connection, principal, decision, now=now, signer=signer, writer=writer)
    found = fetch_one(connection, _golden(), {"entity": decision.subject.id})
    values = None if found is None else found.values
    if values is None:  # an entity with no golden record has no data to read
        refused = Decision(purpose, decision.subject, Reason.SUBJECT_UNKNOWN)
        raise refuse(connection, principal, refused, now=now, signer=signer, writer=writer)
    scenario = decision.scenario
    masked = mask_record(values, decision.fields, scenario.entity_type)
    draft = EventDraft(
        READ,
        actor_id=str(principal.staff_id),
        actor_role=decision.role.value,
        department=principal.department,
        device_id=principal.device_id,
        purpose_kind=purpose.kind,
        purpose_ref=purpose.reference,
        subject_type=decision.subject.type,
        subject_id=decision.subject.id,
        fields=tuple(decision.fields),
        detail=_detail(scenario, decision.fields),
        occurred_at=now,
    )
    (seq,) = record(connection, [draft], signer=signer, writer=writer)
    return SubjectRecord(
        subject=decision.subject,
        purpose_kind=purpose.kind,
        purpose_ref=purpose.reference,
        role=decision.role,
        scenario=scenario,
        values=masked,
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


@cache
def _golden() -> Select[dict[str, Any]]:
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
    reason = decision.reason or Reason.ROLE
    named = reason not in _UNNAMED and bool(decision.subject.id and decision.subject.type)
    detail: dict[str, object] = {"reason": reason.value}
    if decision.scenario is not None:
        detail.update(scenario=decision.scenario.key, version=decision.scenario.version)
    role = decision.role or preferred_role(principal.roles)
    record(
        connection,
        [
            EventDraft(
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
        ],
        signer=signer,
        writer=writer,
    )
    return AccessRefused(reason)


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
