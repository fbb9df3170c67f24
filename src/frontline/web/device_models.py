"""The device API's request and response bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, Field, JsonValue, field_validator

from frontline.devices.packages import MAX_PACKAGES, MAX_RECEIPTS
from frontline.devices.registry import DevicePolicy
from frontline.web.access_models import SubjectRead

PurgeReason = Literal[
    "completed", "cancelled", "reassigned", "expired", "grace", "wiped", "replaced"
]


class EnrolmentIn(BaseModel):
    """Whom an enrolment code is for."""

    staff_id: int = Field(ge=1, le=2**31 - 1, description="The worker's staff id.")


class EnrolmentOut(BaseModel):
    """A one-time enrolment code: shown this once, never again."""

    id: int
    code: str = Field(description="Typed into the app, or read from the QR code.")
    staff_id: int
    username: str
    display_name: str
    expires_at: datetime
    enrol_url: str = Field(description="The app's enrolment link the QR code holds.")
    qr_svg: str = Field(description="The QR code of `enrol_url`, an SVG document.")


class PublicKey(BaseModel):
    """An EC P-256 public key, as a JWK."""

    kty: Literal["EC"]
    crv: Literal["P-256"]
    x: str = Field(min_length=43, max_length=43, pattern=r"^[A-Za-z0-9_-]+$")
    y: str = Field(min_length=43, max_length=43, pattern=r"^[A-Za-z0-9_-]+$")


class EnrolIn(BaseModel):
    """The app's enrolment: the code and the public key it signs its proofs with."""

    code: str = Field(min_length=4, max_length=40)
    public_key: PublicKey
    name: str = Field(default="", max_length=80, description="What the worker calls the phone.")
    platform: str = Field(default="", max_length=200, description="The browser's platform.")
    app_version: str = Field(default="", max_length=40)


class PolicyOut(BaseModel):
    """What the app enforces by itself, offline included."""

    offline_grace_hours: float
    max_retention_hours: float
    idle_lock_minutes: float
    pin_required: bool = True


class EnrolledOut(BaseModel):
    """The device just enrolled."""

    device_id: str
    staff_id: int
    username: str
    display_name: str
    policy: PolicyOut


class DeviceSignIn(BaseModel):
    """The worker's password, on the enrolled device (the proof is the second factor)."""

    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=1024)


class DeviceRefresh(BaseModel):
    """A device's refresh token."""

    refresh_token: str = Field(min_length=1, max_length=128)


class DeviceTokens(BaseModel):
    """A token pair bound to the device key: send `Authorization: DPoP <access_token>` with a
    proof on every call."""

    access_token: str
    refresh_token: str
    token_type: Literal["DPoP"] = "DPoP"  # noqa: S105 - the token type, not a secret
    expires_in: int
    access_expires_at: datetime
    refresh_expires_at: datetime
    device_id: str
    staff_id: int
    display_name: str


class CheckInIn(BaseModel):
    """The device's posture."""

    app_version: str = Field(max_length=40)
    last_sync_at: AwareDatetime | None = None
    packages_held: int = Field(ge=0, le=100_000)
    # A petabyte: more than any phone holds, and a bound that a JSON number written as a
    # float still meets exactly (2**62 written as 4.611686018427388e18 would not).
    storage_bytes: int | None = Field(default=None, ge=0, le=10**15)
    locked: bool = False
    forms_unsent: int | None = Field(
        default=None, ge=0, le=100_000, description="Finished forms waiting in the outbox."
    )
    steps_unsent: int | None = Field(
        default=None, ge=0, le=100_000, description="Task steps waiting in the outbox."
    )


class CommandOut(BaseModel):
    """A command to carry out."""

    id: int
    kind: Literal["lock", "wipe"]
    issued_at: datetime


class PurgeOut(BaseModel):
    """A package to delete now."""

    package_id: str
    reason: PurgeReason


class CheckInOut(BaseModel):
    """Policy, commands and purges for the device."""

    server_time: datetime
    policy: PolicyOut
    commands: list[CommandOut]
    purge: list[PurgeOut]


class DeviceTask(BaseModel):
    """A task of the device's worker (no personal data)."""

    reference: str
    scenario_key: str
    scenario_name: str
    scenario_name_en: str
    status: str
    due_on: str
    overdue: bool
    grid_code: str
    subject_type: str
    subject_id: str


class DeviceTasks(BaseModel):
    """The worker's assigned and in-progress tasks."""

    items: list[DeviceTask]


class PackageOut(BaseModel):
    """A task's data for the device: keep it encrypted, delete it by `expires_at`."""

    package_id: str
    task_reference: str
    task_status: str
    issued_at: datetime
    expires_at: datetime
    read: SubjectRead
    forms: list[dict[str, Any]] = Field(
        description="The definition of each form the task's scenario names (its active "
        "version): the app renders them offline, pre-filling a bound question from `read` "
        "when the scenario delivers that field in full."
    )


TASK_KEY = r"^(?:[0-9]{1,9}|T[0-9]{8,10})$"
"""A task named by its id or its reference (T00000042)."""


class PackagesIn(BaseModel):
    """The tasks whose packages the phone fetches now, each once."""

    tasks: list[Annotated[str, Field(pattern=TASK_KEY)]] = Field(
        min_length=1,
        max_length=MAX_PACKAGES,
        description="Task references (T00000042) or ids, each once.",
        json_schema_extra={"uniqueItems": True},
    )

    @field_validator("tasks")
    @classmethod
    def _each_once(cls, tasks: list[str]) -> list[str]:
        if len(set(tasks)) != len(tasks):
            raise ValueError("each task at most once")
        return tasks


class PackageResultOut(BaseModel):
    """What became of one task's package: as if it had been fetched alone."""

    task: str = Field(description="The task as it was asked for.")
    status: int = Field(
        description="The status it would get alone: 201 issued, or the problem's status "
        "(404 not your task, 403 refused by the access policy, …)."
    )
    package: PackageOut | None = Field(description="The package, when issued.")
    problem: dict[str, JsonValue] | None = Field(
        description="When refused: the problem details it would get alone."
    )


class PackagesOut(BaseModel):
    """One result per task asked for, in the order asked."""

    results: list[PackageResultOut]


class ReceiptIn(BaseModel):
    """The device deleted a package."""

    package_id: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")
    reason: PurgeReason
    deleted_at: AwareDatetime


class ReceiptsIn(BaseModel):
    """Deletion receipts, sent when the network allows."""

    receipts: list[ReceiptIn] = Field(max_length=MAX_RECEIPTS)


class ReceiptsOut(BaseModel):
    """What the receipts did."""

    accepted: int
    repeated: int
    unknown: list[str]


class CommandIn(BaseModel):
    """Why a device is locked, wiped or revoked."""

    reason: str = Field(default="", max_length=500)


class CommandIssued(BaseModel):
    """A command issued (a revoke takes effect at once and has no id)."""

    device_id: str
    kind: Literal["lock", "wipe", "revoke"]
    command_id: int | None


class DeviceOut(BaseModel):
    """A device, its worker and its last posture."""

    id: str
    staff_id: int
    username: str
    display_name: str
    area: str
    name: str
    platform: str
    status: Literal["active", "revoked", "wiped"]
    status_reason: str | None
    enrolled_at: datetime
    status_changed_at: datetime
    last_check_in_at: datetime | None
    app_version: str | None
    last_sync_at: datetime | None
    packages_held: int | None
    storage_bytes: int | None
    locked: bool | None
    forms_unsent: int | None = Field(
        default=None,
        description="Finished forms waiting in the phone's outbox at its last check-in: "
        "a wipe deletes them.",
    )
    steps_unsent: int | None = Field(
        default=None, description="Task steps waiting in the phone's outbox at its last check-in."
    )
    packages_on_device: int = Field(description="Issued, not receipted, not expired.")
    pending_commands: list[str]


class DeviceList(BaseModel):
    """Devices in the viewer's area scope."""

    items: list[DeviceOut]


class HeldOut(BaseModel):
    """A subject's data on a device now (names the subject by entity id only)."""

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


class Inventory(BaseModel):
    """Which subjects' data is on which device now."""

    as_of: datetime
    items: list[HeldOut]


def policy_out(policy: DevicePolicy) -> PolicyOut:
    """The API's shape of a device policy."""
    return PolicyOut(
        offline_grace_hours=policy.offline_grace.total_seconds() / 3600,
        max_retention_hours=policy.max_retention.total_seconds() / 3600,
        idle_lock_minutes=policy.idle_lock.total_seconds() / 60,
    )
