"""Task data packages: what a device may hold of a subject, for how long, and the receipts
that say it is gone.

    package = issue_package(connection, principal, "T00000042", policy, now=now, writer=writer)
    outcomes = issue_packages(connection, principal, ["T00000042", "T00000043"], policy, now=now)
    receipt_packages(connection, device_id, [Receipt(package.id, "completed", deleted_at)], now=now)
    inventory(connection, auditor, now=now)        # which subjects' data is on which device

A package is one read through the access policy (`frontline.access.read_subject`: the task's
scenario's fields, masked as declared, audited with the device), with an expiry: the
scenario's on-device retention, capped by the device policy's maximum. It carries the active
version of each form the scenario names (definitions, not personal data), for the app to
render offline. The inventory is every
package issued, minus those receipted, minus those expired — the app deletes an expired
package by itself, even offline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, insert, select, update

from frontline.access.purposes import TaskFacts, TaskPurpose
from frontline.access.reading import AccessRefused, SubjectRecord, read_subjects
from frontline.audit import AuditWriter, Signer
from frontline.devices.errors import DeviceError
from frontline.devices.models import PURGE_REASONS, DevicePackage
from frontline.devices.registry import VIEWERS, DevicePolicy, on_device_now, staff_in_scope
from frontline.forms.registry import active_documents
from frontline.staff.models import StaffMember
from frontline.staff.principal import Principal
from frontline.staff.tokens import new_public_id
from frontline.tasks import TaskBrief, find_task

MAX_RECEIPTS = 500
"""Receipts taken in one call."""
MAX_PACKAGES = 50
"""Packages issued in one call."""
CLOCK_SKEW = timedelta(minutes=5)
"""A receipt's deletion time may lie this far in the future (the phone's clock)."""


@dataclass(frozen=True, slots=True)
class Package:
    """A package as issued: the read and how long the device may keep it."""

    id: str
    task: TaskBrief
    record: SubjectRecord
    issued_at: datetime
    expires_at: datetime
    forms: list[dict[str, Any]]
    """The definition documents of the scenario's forms, their active versions."""


@dataclass(frozen=True, slots=True)
class Receipt:
    """A device's word that it deleted a package."""

    package_id: str
    reason: str
    deleted_at: datetime


@dataclass(frozen=True, slots=True)
class ReceiptReport:
    """What a batch of receipts did."""

    accepted: int
    """Receipts recorded now."""
    repeated: int
    """Receipts of packages receipted before (a retry): nothing changed."""
    unknown: list[str]
    """Package ids this device was never issued."""


@dataclass(frozen=True, slots=True)
class HeldPackage:
    """One line of the inventory: a subject's data on a device now (no personal data)."""

    package_id: str
    device_id: str
    staff_id: int
    username: str
    display_name: str
    task_reference: str
    subject_type: str
    subject_id: str
    scenario_key: str
    fields: list[str]
    issued_at: datetime
    expires_at: datetime


def issue_package(
    connection: Connection,
    principal: Principal,
    task: int | str,
    policy: DevicePolicy,
    *,
    now: datetime,
    signer: Signer | None = None,
    writer: AuditWriter | None = None,
) -> Package:
    """The package of `task` for the device `principal` signed in on.

    The task must be assigned to the principal (`DeviceError` otherwise); the read itself is
    the access policy's to allow (it raises `AccessRefused`, audited, otherwise). A live
    package of the same task on the same device is replaced.
    """
    (issued,) = issue_packages(
        connection, principal, [task], policy, now=now, signer=signer, writer=writer
    )
    if issued.package is None:
        raise issued.refusal or DeviceError("task_not_yours")
    return issued.package


@dataclass(frozen=True, slots=True)
class PackageOutcome:
    """What became of one task of `issue_packages`: its package, or why there is none."""

    task: int | str
    """The task as it was asked for."""
    package: Package | None
    refusal: DeviceError | AccessRefused | None = None


def issue_packages(
    connection: Connection,
    principal: Principal,
    tasks: Sequence[int | str],
    policy: DevicePolicy,
    *,
    now: datetime,
    signer: Signer | None = None,
    writer: AuditWriter | None = None,
) -> list[PackageOutcome]:
    """The packages of `tasks` for the device `principal` signed in on, one outcome per task
    in order: each issued or refused as `issue_package` would do it alone, with the reads'
    audit events (refusals too) appended together. A task named twice (by id and by
    reference) gets the one package."""
    if principal.device_id is None:
        raise DeviceError("device_unknown")
    if len(tasks) > MAX_PACKAGES:
        raise ValueError(f"at most {MAX_PACKAGES} packages at once")
    briefs: dict[int, TaskBrief] = {}
    named: list[TaskBrief | None] = []
    for task in tasks:
        brief = find_task(connection, task)
        if brief is None or brief.assignee_id != principal.staff_id:
            named.append(None)
            continue
        named.append(briefs.setdefault(brief.id, brief))
    wanted = list(briefs.values())
    reads = read_subjects(
        connection,
        principal,
        [(TaskPurpose(facts), facts.subject) for facts in map(TaskFacts.of, wanted)],
        now=now,
        signer=signer,
        writer=writer,
    )
    issued: dict[int, Package | AccessRefused] = {}
    for brief, read in zip(wanted, reads, strict=True):
        issued[brief.id] = (
            read if isinstance(read, AccessRefused) else _package(brief, read, policy)
        )
    packages = [p for p in issued.values() if isinstance(p, Package)]
    if packages:
        _store(connection, principal, packages)
    forms = _Forms(connection)
    outcomes = []
    for task, brief in zip(tasks, named, strict=True):
        if brief is None:
            outcomes.append(PackageOutcome(task, None, DeviceError("task_not_yours")))
            continue
        result = issued[brief.id]
        if isinstance(result, AccessRefused):
            outcomes.append(PackageOutcome(task, None, result))
            continue
        package = replace(result, forms=forms.of(result.record.scenario.forms))
        outcomes.append(PackageOutcome(task, package))
    return outcomes


def _package(brief: TaskBrief, record: SubjectRecord, policy: DevicePolicy) -> Package:
    expires_at = record.read_at + min(record.scenario.retention, policy.max_retention)
    package_id = "K" + new_public_id()[:20]
    return Package(package_id, brief, record, record.read_at, expires_at, [])


def _store(connection: Connection, principal: Principal, packages: list[Package]) -> None:
    """Record `packages` as issued to the principal's device, each replacing a live package
    of its task there."""
    now = packages[0].issued_at
    connection.execute(
        update(DevicePackage)
        .where(
            DevicePackage.device_id == principal.device_id,
            DevicePackage.task_id.in_([p.task.id for p in packages]),
            DevicePackage.receipted_at.is_(None),
        )
        .values(receipted_at=now, deleted_at=now, purge_reason="replaced")
    )
    connection.execute(
        insert(DevicePackage),
        [
            {
                "id": package.id,
                "device_id": principal.device_id,
                "staff_id": principal.staff_id,
                "task_id": package.task.id,
                "task_reference": package.task.reference,
                "subject_type": package.record.subject.type,
                "subject_id": package.record.subject.id,
                "scenario_key": package.record.scenario.key,
                "scenario_version": package.record.scenario.version,
                "fields": list(package.record.values),
                "issued_at": package.issued_at,
                "expires_at": package.expires_at,
                "audit_seq": package.record.audit_seq,
            }
            for package in packages
        ],
    )


class _Forms:
    """The forms documents of scenarios, looked up once per batch for each list of forms."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._found: dict[tuple[str, ...], list[dict[str, Any]]] = {}

    def of(self, form_ids: Sequence[str]) -> list[dict[str, Any]]:
        key = tuple(form_ids)
        if key not in self._found:
            self._found[key] = active_documents(self._connection, key)
        return [dict(document) for document in self._found[key]]


def receipt_packages(
    connection: Connection, device_id: str, receipts: Sequence[Receipt], *, now: datetime
) -> ReceiptReport:
    """Record a device's deletion receipts. Idempotent: a receipt sent again changes nothing;
    a package of another device is reported unknown and left alone."""
    if len(receipts) > MAX_RECEIPTS:
        raise ValueError(f"at most {MAX_RECEIPTS} receipts at once")
    for receipt in receipts:
        if receipt.reason not in PURGE_REASONS:
            raise ValueError(f"unknown purge reason {receipt.reason!r}")
    ids = sorted({r.package_id for r in receipts})
    known = dict(
        connection.execute(
            select(DevicePackage.id, DevicePackage.receipted_at).where(
                DevicePackage.device_id == device_id, DevicePackage.id.in_(ids)
            )
        ).all()
    )
    accepted = repeated = 0
    unknown: list[str] = []
    seen: set[str] = set()
    for receipt in receipts:
        if receipt.package_id not in known:
            unknown.append(receipt.package_id)
            continue
        if known[receipt.package_id] is not None or receipt.package_id in seen:
            repeated += 1
            continue
        seen.add(receipt.package_id)
        connection.execute(
            update(DevicePackage)
            .where(DevicePackage.id == receipt.package_id, DevicePackage.receipted_at.is_(None))
            .values(
                receipted_at=now,
                deleted_at=min(receipt.deleted_at, now + CLOCK_SKEW),
                purge_reason=receipt.reason,
            )
        )
        accepted += 1
    return ReceiptReport(accepted, repeated, sorted(set(unknown)))


def inventory(
    connection: Connection,
    viewer: Principal,
    *,
    now: datetime,
    device_id: str | None = None,
    subject_id: str | None = None,
) -> list[HeldPackage]:
    """Which subjects' data is on which device now, for staff inside the viewer's area scope
    (an administrator or auditor): issued, minus receipted, minus expired."""
    if not VIEWERS & viewer.roles:
        raise DeviceError("not_administrator")
    query = (
        select(
            *DevicePackage.__table__.columns,
            StaffMember.username,
            StaffMember.display_name,
            StaffMember.area_code,
        )
        .join(StaffMember, StaffMember.id == DevicePackage.staff_id)
        .where(on_device_now(now))
        .order_by(DevicePackage.device_id, DevicePackage.issued_at, DevicePackage.id)
    )
    if device_id is not None:
        query = query.where(DevicePackage.device_id == device_id)
    if subject_id is not None:
        query = query.where(DevicePackage.subject_id == subject_id)
    held = []
    for row in connection.execute(query.where(staff_in_scope(viewer))):
        held.append(
            HeldPackage(
                package_id=row.id,
                device_id=row.device_id,
                staff_id=row.staff_id,
                username=row.username,
                display_name=row.display_name,
                task_reference=row.task_reference,
                subject_type=row.subject_type,
                subject_id=row.subject_id,
                scenario_key=row.scenario_key,
                fields=list(row.fields),
                issued_at=row.issued_at,
                expires_at=row.expires_at,
            )
        )
    return held
