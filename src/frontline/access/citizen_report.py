"""The citizen access report: for a resident ID number, every access to that person's data.

Built from the audit log (`frontline.audit.access_report`), so it is complete by
construction: every read appends its event in the read's own transaction. Accesses recorded
under an entity later merged into the person are included. Producing a report is itself
recorded (action `access_report`, no fields), so the log shows who asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select

from frontline.access.policy import in_scope
from frontline.access.reading import person_by_id_number
from frontline.access.refusals import Reason
from frontline.areas import grid_of_subject
from frontline.audit import (
    AccessEntry,
    AuditEvent,
    EventDraft,
    Signer,
    access_report,
    append,
)
from frontline.ids import mask as mask_id_number
from frontline.ids import parse_resident_id
from frontline.integrate.fields import entity_types
from frontline.scenarios import list_scenarios
from frontline.staff.accounts import list_departments
from frontline.staff.principal import Principal
from frontline.staff.roles import Role
from frontline.store import Entity

REPORTED = "access_report"
_PURPOSES_ZH = {
    "task": "工单",
    "counter": "窗口服务",
    "break_glass": "紧急授权",
    "review": "采集审核",
    "export": "采集记录导出",
}
_PURPOSES_EN = {
    "task": "Task",
    "counter": "Counter service",
    "break_glass": "Break-glass",
    "review": "Review of a field correction",
    "export": "Export of field records",
}


class InvalidIdNumber(ValueError):  # noqa: N818 - named after what the caller answers
    """The number given is not a valid resident ID number."""

    reason = Reason.INVALID_ID_NUMBER


class OutOfScope(PermissionError):  # noqa: N818 - named after what the caller answers
    """The person lives in a grid outside the reader's area scope."""

    reason = Reason.OUT_OF_SCOPE


@dataclass(frozen=True, slots=True)
class ReportLine:
    """One access, as the person reads it."""

    entry: AccessEntry
    department_name: str | None
    role_zh: str | None
    purpose_zh: str
    purpose_en: str
    scenario: str | None
    """The scenario's key, from the event's detail."""
    scenario_name: str | None
    field_labels: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CitizenReport:
    """Every access to one person's data, newest first."""

    id_number_masked: str
    subject_id: str | None
    """The person's entity id; None when the thematic store holds no such person."""
    generated_at: datetime
    lines: tuple[ReportLine, ...]


def citizen_report(
    connection: Connection,
    principal: Principal,
    id_number: str,
    *,
    now: datetime,
    signer: Signer | None = None,
) -> CitizenReport:
    """The access report of the person with `id_number` (normalised and checked first).

    Raises `InvalidIdNumber`, and `OutOfScope` for a person placed in a grid outside the
    reader's area scope (area scope holds everywhere). A number that matches nobody gives an
    empty report.
    """
    parsed = parse_resident_id(id_number)
    if parsed.number is None:
        raise InvalidIdNumber("not a valid resident ID number")
    entity_id = person_by_id_number(connection, parsed.number)
    masked = mask_id_number(parsed.number)
    if entity_id is None:
        return CitizenReport(masked, None, now, ())
    survivor = _survivor(connection, entity_id)
    grid = grid_of_subject(connection, survivor)
    if grid is not None and not in_scope(principal.area, grid):
        raise OutOfScope("the person lives outside your area")
    entries = [
        entry
        for known in _merged_into(connection, survivor)
        for entry in access_report(connection, "person", known)
    ]
    entries.sort(key=lambda e: e.seq, reverse=True)
    lines = _lines(connection, entries)
    append(
        connection,
        [
            EventDraft(
                REPORTED,
                actor_id=str(principal.staff_id),
                actor_role=_role(principal),
                department=principal.department,
                subject_type="person",
                subject_id=survivor,
                detail={"accesses": len(lines)},
                occurred_at=now,
            )
        ],
        signer=signer,
    )
    return CitizenReport(masked, survivor, now, tuple(lines))


def _role(principal: Principal) -> str | None:
    for role in (Role.AUDITOR, Role.ADMINISTRATOR):
        if role in principal.roles:
            return role.value
    return next(iter(sorted(principal.roles)), None)


def _survivor(connection: Connection, entity_id: str) -> str:
    current = entity_id
    for _ in range(16):
        row = connection.execute(
            select(Entity.status, Entity.merged_into).where(Entity.entity_id == current)
        ).one()
        if row.status != "merged" or row.merged_into is None:
            return current
        current = row.merged_into
    return current


def _merged_into(connection: Connection, survivor: str) -> list[str]:
    """`survivor` and every entity merged into it, directly or through others."""
    found, frontier = [survivor], [survivor]
    while frontier and len(found) < 1000:
        frontier = list(
            connection.execute(
                select(Entity.entity_id).where(Entity.merged_into.in_(frontier))
            ).scalars()
        )
        frontier = [e for e in frontier if e not in found]
        found.extend(frontier)
    return found


def _lines(connection: Connection, entries: list[AccessEntry]) -> list[ReportLine]:
    departments = {d.code: d.name for d in list_departments(connection)}
    scenarios = {s.key: s.name for s in list_scenarios(connection)}
    labels = {f.name: f.label_zh for f in entity_types()["person"].fields}
    scenario_of = _scenarios_of(connection, [e.seq for e in entries])
    lines = []
    for entry in entries:
        key = scenario_of.get(entry.seq)
        role = _role_label(entry.actor_role)
        lines.append(
            ReportLine(
                entry=entry,
                department_name=departments.get(entry.department or ""),
                role_zh=role,
                purpose_zh=_PURPOSES_ZH.get(entry.purpose_kind, entry.purpose_kind),
                purpose_en=_PURPOSES_EN.get(entry.purpose_kind, entry.purpose_kind),
                scenario=key,
                scenario_name=scenarios.get(key) if key else None,
                field_labels=tuple(labels.get(f, f) for f in entry.fields),
            )
        )
    return lines


def _role_label(role: str | None) -> str | None:
    try:
        return Role(role).label_zh if role else None
    except ValueError:
        return role


def _scenarios_of(connection: Connection, seqs: list[int]) -> dict[int, str]:
    """The scenario each event names in its detail, by seq."""
    found: dict[int, str] = {}
    for start in range(0, len(seqs), 500):
        rows = connection.execute(
            select(AuditEvent.seq, AuditEvent.detail).where(
                AuditEvent.seq.in_(seqs[start : start + 500])
            )
        )
        for seq, detail in rows:
            if isinstance(detail, dict) and isinstance(detail.get("scenario"), str):
                found[seq] = detail["scenario"]
    return found
