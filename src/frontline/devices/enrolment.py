"""Enrolling a phone: a one-time code for one worker, redeemed by the app with its public key.

    issued = issue_enrolment_code(connection, admin, staff_id=worker_id, now=now)
    device = enrol_device(connection, issued.code, proof, Registration(...), now=now)

The code is shown once (as text and as the QR code of the app's enrolment link) and stored
only as a digest; it is used once and lapses after `CODE_LIFETIME`. The app proves it holds
the key it registers by signing the enrolment's DPoP proof with it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, insert, select, update

from frontline.access.policy import in_scope
from frontline.devices.errors import DeviceError
from frontline.devices.models import Device, EnrolmentCode
from frontline.devices.proofs import Proof
from frontline.staff.accounts import get_staff
from frontline.staff.principal import Principal
from frontline.staff.roles import Role
from frontline.staff.tokens import new_public_id

CODE_LIFETIME = timedelta(hours=24)
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
"""Letters and digits that cannot be misread for one another (no 0/O, 1/I/L, U)."""
CODE_LENGTH = 12
"""About 59 bits: guessing a live code is hopeless, and each is used once."""
DEVICE_ROLES = frozenset({Role.WORKER})
"""Who gets an enrolled device: the grid workers who take task data into the field."""
MAX_NAME_LENGTH = 80


@dataclass(frozen=True, slots=True)
class IssuedCode:
    """An enrolment code as issued: `code` is shown this once and never again."""

    id: int
    code: str
    staff_id: int
    username: str
    display_name: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Registration:
    """What the app says about itself when it enrols."""

    public_key: dict[str, str]
    name: str
    platform: str
    app_version: str


@dataclass(frozen=True, slots=True)
class EnrolledDevice:
    """A device just enrolled, and whose it is."""

    device_id: str
    staff_id: int
    username: str
    display_name: str


def issue_enrolment_code(
    connection: Connection, issuer: Principal, *, staff_id: int, now: datetime
) -> IssuedCode:
    """A one-time enrolment code for the worker `staff_id`, issued by an administrator whose
    area scope holds the worker's; `DeviceError` otherwise."""
    if Role.ADMINISTRATOR not in issuer.roles:
        raise DeviceError("not_administrator")
    account = get_staff(connection, staff_id)
    if account is None or not in_scope(issuer.area, account.area):
        raise DeviceError("staff_unknown")
    if not account.active:
        raise DeviceError("staff_inactive")
    if not DEVICE_ROLES & account.roles:
        raise DeviceError("not_a_worker")
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    expires_at = now + CODE_LIFETIME
    code_id = connection.execute(
        insert(EnrolmentCode)
        .values(
            code_hash=code_digest(code),
            staff_id=staff_id,
            issued_by=issuer.staff_id,
            issued_at=now,
            expires_at=expires_at,
        )
        .returning(EnrolmentCode.id)
    ).scalar_one()
    return IssuedCode(
        id=code_id,
        code=format_code(code),
        staff_id=staff_id,
        username=account.username,
        display_name=account.display_name,
        expires_at=expires_at,
    )


def enrol_device(
    connection: Connection,
    code: str,
    proof: Proof,
    registration: Registration,
    *,
    now: datetime,
) -> EnrolledDevice:
    """Bind the key that signed `proof` to the worker of `code`, as a new device.

    `DeviceError`: `code_invalid` (unknown, used or lapsed — one answer for all),
    `key_mismatch` (the proof was not made by the registered key), `key_in_use` (a device
    has this key already), `staff_inactive`.
    """
    if proof.public_key != registration.public_key:
        raise DeviceError("key_mismatch")
    digest = code_digest(normalise_code(code))
    found = connection.execute(
        select(EnrolmentCode.id, EnrolmentCode.staff_id)
        .where(
            EnrolmentCode.code_hash == digest,
            EnrolmentCode.used_at.is_(None),
            EnrolmentCode.expires_at > now,
        )
        .with_for_update()
    ).one_or_none()
    if found is None:
        raise DeviceError("code_invalid")
    account = get_staff(connection, found.staff_id)
    if account is None or not account.active:
        raise DeviceError("staff_inactive")
    taken = connection.execute(
        select(Device.id).where(Device.key_thumbprint == proof.thumbprint)
    ).scalar_one_or_none()
    if taken is not None:
        raise DeviceError("key_in_use")
    device_id = "D" + new_public_id()[:20]
    connection.execute(
        insert(Device).values(
            id=device_id,
            staff_id=account.id,
            key_thumbprint=proof.thumbprint,
            public_key=registration.public_key,
            name=_text(registration.name) or "手机",
            platform=_text(registration.platform),
            status="active",
            enrolled_at=now,
            status_changed_at=now,
            app_version=_text(registration.app_version)[:40] or None,
        )
    )
    connection.execute(
        update(EnrolmentCode)
        .where(EnrolmentCode.id == found.id)
        .values(used_at=now, device_id=device_id)
    )
    return EnrolledDevice(device_id, account.id, account.username, account.display_name)


def code_digest(code: str) -> str:
    """The hex SHA-256 a code is stored and found by."""
    return hashlib.sha256(code.encode("ascii", "replace")).hexdigest()


def normalise_code(code: str) -> str:
    """A code as typed — any case, with dashes or spaces — in its stored alphabet."""
    return "".join(ch for ch in code.upper() if ch.isalnum())[: CODE_LENGTH * 2]


def format_code(code: str) -> str:
    """`ABCDEFGHJKMN` → `ABCD-EFGH-JKMN`: easier to read out and type."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _text(value: str) -> str:
    return "".join(ch for ch in value if ch.isprintable()).strip()[:MAX_NAME_LENGTH]
