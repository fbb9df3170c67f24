"""Devices as the server keeps them: who they belong to, their state, check-ins and commands.

    device = bound_device(connection, proof.thumbprint)          # DeviceError unless usable
    answer = check_in(connection, device.id, posture, policy, now=now)
    issue_command(connection, admin, device_id, "wipe", reason="lost", now=now)

- **lock**: the next check-in answers the command and ends the device's sessions; the worker
  signs in again with the password on that phone.
- **wipe**: the next check-in answers the command; the app deletes everything, sends its
  receipts and reports the command done, and the device must enrol again.
- **revoke** (a phone reported lost): at once — its sessions end and every later call from it
  is refused; the app wipes itself when it hears so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, false, func, insert, select, update

from frontline.access.policy import in_scope
from frontline.areas.codes import area_bounds
from frontline.devices.errors import DeviceError
from frontline.devices.models import Device, DeviceCommand, DevicePackage
from frontline.devices.proofs import forget_old_proofs
from frontline.staff.models import StaffMember, StaffSession
from frontline.staff.principal import Principal
from frontline.staff.roles import Role
from frontline.tasks.models import Task

VIEWERS = frozenset({Role.ADMINISTRATOR, Role.AUDITOR})
"""Who sees devices and the inventory: administrators and the security officers (auditors)."""
COMMAND_KINDS = ("lock", "wipe", "revoke")


@dataclass(frozen=True, slots=True)
class DevicePolicy:
    """What a device must enforce by itself, offline included."""

    offline_grace: timedelta = timedelta(hours=72)
    """After this long without a check-in the app deletes every package."""
    max_retention: timedelta = timedelta(days=7)
    """No package lives longer on a device, whatever its scenario allows."""
    idle_lock: timedelta = timedelta(minutes=5)
    """Idle this long, the app asks for the PIN."""


@dataclass(frozen=True, slots=True)
class BoundDevice:
    """A usable device and its worker."""

    id: str
    staff_id: int


@dataclass(frozen=True, slots=True)
class Posture:
    """What a device reports at check-in."""

    app_version: str
    last_sync_at: datetime | None
    packages_held: int
    storage_bytes: int | None
    locked: bool
    forms_unsent: int | None = None
    """Finished forms waiting in the outbox; None from an app that does not say."""
    steps_unsent: int | None = None
    """Task steps waiting in the outbox; None from an app that does not say."""


@dataclass(frozen=True, slots=True)
class Command:
    """A lock or wipe waiting for a device."""

    id: int
    kind: str
    issued_at: datetime


@dataclass(frozen=True, slots=True)
class PurgeOrder:
    """A package the device must delete now, and why."""

    package_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class CheckInAnswer:
    """The server's answer to a check-in."""

    server_time: datetime
    policy: DevicePolicy
    commands: list[Command]
    purge: list[PurgeOrder]


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    """A device as the console and the API list it (no personal data)."""

    id: str
    staff_id: int
    username: str
    display_name: str
    area: str
    name: str
    platform: str
    status: str
    status_reason: str | None
    enrolled_at: datetime
    status_changed_at: datetime
    last_check_in_at: datetime | None
    app_version: str | None
    last_sync_at: datetime | None
    packages_held: int | None
    storage_bytes: int | None
    locked: bool | None
    forms_unsent: int | None = None
    steps_unsent: int | None = None
    packages_on_device: int = 0
    pending_commands: list[str] = field(default_factory=list)


def bound_device(
    connection: Connection, thumbprint: str, *, staff_id: int | None = None
) -> BoundDevice:
    """The active device whose key has `thumbprint` (and, given `staff_id`, is that
    worker's); `DeviceError` `device_unknown`, `device_revoked`, `device_wiped` or
    `device_not_yours` otherwise."""
    row = connection.execute(
        select(Device.id, Device.staff_id, Device.status).where(Device.key_thumbprint == thumbprint)
    ).one_or_none()
    if row is None:
        raise DeviceError("device_unknown")
    if row.status == "revoked":
        raise DeviceError("device_revoked")
    if row.status == "wiped":
        raise DeviceError("device_wiped")
    if staff_id is not None and row.staff_id != staff_id:
        raise DeviceError("device_not_yours")
    return BoundDevice(row.id, row.staff_id)


def device_key(connection: Connection, device_id: str) -> str | None:
    """The thumbprint of the key `device_id` enrolled with (None for no such device). A
    device's key never changes, so the answer is kept (for `KEY_CACHE` devices)."""
    keys = _device_keys()
    found = keys.get(device_id)
    if found is None:
        found = connection.execute(
            select(Device.key_thumbprint).where(Device.id == device_id)
        ).scalar_one_or_none()
        if found is not None:
            if len(keys) >= KEY_CACHE:
                keys.clear()
            keys[device_id] = found
    return found


KEY_CACHE = 50_000
"""Device keys kept in memory: every enrolled phone of a large city."""


@cache
def _device_keys() -> dict[str, str]:
    return {}


def check_in(
    connection: Connection,
    device_id: str,
    posture: Posture,
    policy: DevicePolicy,
    *,
    now: datetime,
) -> CheckInAnswer:
    """Record `posture`; answer the policy, the commands waiting and the packages to purge.

    A lock is answered once and ends the device's sessions in the same transaction. The
    device's proofs too old to be accepted again are forgotten.
    """
    thumbprint = connection.execute(
        update(Device)
        .where(Device.id == device_id)
        .values(
            last_check_in_at=now,
            app_version=posture.app_version[:40],
            last_sync_at=posture.last_sync_at,
            packages_held=posture.packages_held,
            storage_bytes=posture.storage_bytes,
            locked=posture.locked,
            forms_unsent=posture.forms_unsent,
            steps_unsent=posture.steps_unsent,
        )
        .returning(Device.key_thumbprint)
    ).scalar_one()
    forget_old_proofs(connection, thumbprint, now)
    rows = connection.execute(
        select(DeviceCommand.id, DeviceCommand.kind, DeviceCommand.issued_at)
        .where(DeviceCommand.device_id == device_id, DeviceCommand.done_at.is_(None))
        .order_by(DeviceCommand.id)
    ).all()
    commands = [Command(row.id, row.kind, row.issued_at) for row in rows]
    if commands:
        connection.execute(
            update(DeviceCommand)
            .where(
                DeviceCommand.id.in_([c.id for c in commands]),
                DeviceCommand.delivered_at.is_(None),
            )
            .values(delivered_at=now)
        )
    locks = [c.id for c in commands if c.kind == "lock"]
    if locks:  # carried out by answering it: the app locks, the sessions end
        connection.execute(
            update(DeviceCommand).where(DeviceCommand.id.in_(locks)).values(done_at=now)
        )
        end_device_sessions(connection, device_id, now=now)
    return CheckInAnswer(now, policy, commands, packages_to_purge(connection, device_id, now=now))


def packages_to_purge(connection: Connection, device_id: str, *, now: datetime) -> list[PurgeOrder]:
    """The device's live packages whose task was completed, cancelled or taken from its
    worker, or whose time ran out."""
    rows = connection.execute(
        select(
            DevicePackage.id,
            DevicePackage.staff_id,
            DevicePackage.expires_at,
            Task.status,
            Task.assignee_id,
        )
        .join(Task, Task.id == DevicePackage.task_id)
        .where(DevicePackage.device_id == device_id, DevicePackage.receipted_at.is_(None))
        .order_by(DevicePackage.id)
    ).all()
    orders = []
    for row in rows:
        if row.status == "done":
            orders.append(PurgeOrder(row.id, "completed"))
        elif row.status == "cancelled":
            orders.append(PurgeOrder(row.id, "cancelled"))
        elif row.assignee_id != row.staff_id:
            orders.append(PurgeOrder(row.id, "reassigned"))
        elif row.expires_at <= now:
            orders.append(PurgeOrder(row.id, "expired"))
    return orders


def command_done(connection: Connection, device_id: str, command_id: int, *, now: datetime) -> None:
    """The device carried out a command. A wipe done leaves the device `wiped`: its packages
    are gone (those it sent no receipt for are receipted as wiped) and its sessions end."""
    row = connection.execute(
        select(DeviceCommand.kind, DeviceCommand.done_at).where(
            DeviceCommand.id == command_id, DeviceCommand.device_id == device_id
        )
    ).one_or_none()
    if row is None:
        raise DeviceError("command_unknown")
    if row.done_at is not None:
        return
    connection.execute(
        update(DeviceCommand).where(DeviceCommand.id == command_id).values(done_at=now)
    )
    if row.kind == "wipe":
        connection.execute(
            update(DevicePackage)
            .where(DevicePackage.device_id == device_id, DevicePackage.receipted_at.is_(None))
            .values(receipted_at=now, deleted_at=now, purge_reason="wiped")
        )
        _set_status(connection, device_id, "wiped", "wipe carried out", now=now)
        end_device_sessions(connection, device_id, now=now)


def issue_command(
    connection: Connection,
    issuer: Principal,
    device_id: str,
    kind: str,
    *,
    reason: str | None,
    now: datetime,
) -> int | None:
    """Lock, wipe or revoke a device in the administrator's area scope; the command's id
    (None for a revoke, which takes effect at once and needs no delivery)."""
    if Role.ADMINISTRATOR not in issuer.roles:
        raise DeviceError("not_administrator")
    if kind not in COMMAND_KINDS:
        raise ValueError(f"unknown device command {kind!r}")
    status = _statusin_scope(connection, issuer, device_id)
    if status == "revoked":
        raise DeviceError("already_revoked")
    if status == "wiped" and kind != "revoke":  # nothing left to lock or wipe on it
        raise DeviceError("device_wiped")
    note = reason.strip()[:500] if reason else None
    if kind == "revoke":
        _set_status(connection, device_id, "revoked", note, now=now)
        end_device_sessions(connection, device_id, now=now)
        return None
    command_id: int = connection.execute(
        insert(DeviceCommand)
        .values(
            device_id=device_id,
            kind=kind,
            reason=note,
            issued_by=issuer.staff_id,
            issued_at=now,
        )
        .returning(DeviceCommand.id)
    ).scalar_one()
    return command_id


def end_device_sessions(connection: Connection, device_id: str, *, now: datetime) -> int:
    """End every live session opened on the device; how many."""
    result = connection.execute(
        update(StaffSession)
        .where(StaffSession.device_id == device_id, StaffSession.revoked_at.is_(None))
        .values(revoked_at=now, revoke_reason="revoked")
    )
    return result.rowcount


def list_devices(
    connection: Connection,
    viewer: Principal,
    *,
    now: datetime,
    staff_id: int | None = None,
    device_id: str | None = None,
) -> list[DeviceInfo]:
    """The devices of staff inside the viewer's area scope (an administrator or auditor), the
    most recently enrolled first, with the packages on each now and commands waiting."""
    if not VIEWERS & viewer.roles:
        raise DeviceError("not_administrator")
    query = (
        select(
            *Device.__table__.columns,
            StaffMember.username,
            StaffMember.display_name,
            StaffMember.area_code,
        )
        .join(StaffMember, StaffMember.id == Device.staff_id)
        .order_by(Device.enrolled_at.desc(), Device.id)
    )
    if staff_id is not None:
        query = query.where(Device.staff_id == staff_id)
    if device_id is not None:
        query = query.where(Device.id == device_id)
    query = query.where(staff_in_scope(viewer))
    live = dict(
        connection.execute(
            select(DevicePackage.device_id, func.count())
            .where(on_device_now(now))
            .group_by(DevicePackage.device_id)
        ).all()
    )
    pending: dict[str, list[str]] = {}
    for commanded, kind in connection.execute(
        select(DeviceCommand.device_id, DeviceCommand.kind)
        .where(DeviceCommand.done_at.is_(None))
        .order_by(DeviceCommand.id)
    ):
        pending.setdefault(commanded, []).append(kind)
    found = []
    for row in connection.execute(query):
        found.append(
            DeviceInfo(
                id=row.id,
                staff_id=row.staff_id,
                username=row.username,
                display_name=row.display_name,
                area=row.area_code,
                name=row.name,
                platform=row.platform,
                status=row.status,
                status_reason=row.status_reason,
                enrolled_at=row.enrolled_at,
                status_changed_at=row.status_changed_at,
                last_check_in_at=row.last_check_in_at,
                app_version=row.app_version,
                last_sync_at=row.last_sync_at,
                packages_held=row.packages_held,
                storage_bytes=row.storage_bytes,
                locked=row.locked,
                forms_unsent=row.forms_unsent,
                steps_unsent=row.steps_unsent,
                packages_on_device=live.get(row.id, 0),
                pending_commands=pending.get(row.id, []),
            )
        )
    return found


def staff_in_scope(viewer: Principal) -> ColumnElement[bool]:
    """A condition on `StaffMember`: their area lies inside the viewer's area scope (none for
    a scope that cannot be read)."""
    try:
        low, high = area_bounds(viewer.area)
    except ValueError:
        return false()
    return and_(StaffMember.area_code >= low, StaffMember.area_code < high)


def on_device_now(now: datetime) -> Any:
    """The condition of a package that is on its device now: issued, not receipted, not
    expired (an expired package is deleted by the app even offline)."""
    return and_(DevicePackage.receipted_at.is_(None), DevicePackage.expires_at > now)


def _statusin_scope(connection: Connection, issuer: Principal, device_id: str) -> str:
    row = connection.execute(
        select(Device.status, StaffMember.area_code)
        .join(StaffMember, StaffMember.id == Device.staff_id)
        .where(Device.id == device_id)
    ).one_or_none()
    if row is None or not in_scope(issuer.area, row.area_code):
        raise DeviceError("device_unknown_id")
    return str(row.status)


def _set_status(
    connection: Connection, device_id: str, status: str, reason: str | None, *, now: datetime
) -> None:
    connection.execute(
        update(Device)
        .where(Device.id == device_id)
        .values(status=status, status_reason=reason, status_changed_at=now)
    )
