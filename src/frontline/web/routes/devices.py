"""The device API: `/api/v1/device/…` for the frontline app on an enrolled phone (every call
with a DPoP proof), `/api/v1/devices/…` for administrators and auditors. Routes parse and
shape; `frontline.devices` decides. See docs/devices.md."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, TypeVar

import segno
from fastapi import APIRouter, Depends, Path, Query, Request, Response
from sqlalchemy import Connection

from frontline.access.reading import AccessRefused
from frontline.devices.enrolment import Registration, enrol_device, issue_enrolment_code
from frontline.devices.errors import DeviceError
from frontline.devices.packages import (
    Package,
    PackageOutcome,
    Receipt,
    inventory,
    issue_package,
    issue_packages,
    receipt_packages,
)
from frontline.devices.registry import (
    BoundDevice,
    DevicePolicy,
    Posture,
    bound_device,
    check_in,
    command_done,
    issue_command,
    list_devices,
)
from frontline.staff import sessions
from frontline.staff.principal import Principal
from frontline.staff.roles import Role
from frontline.staff.sessions import SessionInvalid, SignInRefused
from frontline.tasks import Status, TaskFilter, TaskInfo, list_tasks
from frontline.web.access_models import subject_read
from frontline.web.access_problems import refusal
from frontline.web.audit_signer import AuditSignerDep, AuditWriterDep
from frontline.web.deps import (
    BearerDep,
    ConnectionDep,
    EngineDep,
    NowDep,
    PrincipalDep,
    SessionSettingsDep,
    request_principal,
    require_roles,
    run_in_transaction,
)
from frontline.web.device_auth import (
    device_problem,
    messages,
    remember,
    request_proof,
)
from frontline.web.device_models import (
    CheckInIn,
    CheckInOut,
    CommandIn,
    CommandIssued,
    CommandOut,
    DeviceList,
    DeviceOut,
    DeviceRefresh,
    DeviceSignIn,
    DeviceTask,
    DeviceTasks,
    DeviceTokens,
    EnrolIn,
    EnrolledOut,
    EnrolmentIn,
    EnrolmentOut,
    HeldOut,
    Inventory,
    PackageOut,
    PackageResultOut,
    PackagesIn,
    PackagesOut,
    PurgeOut,
    ReceiptsIn,
    ReceiptsOut,
    policy_out,
)
from frontline.web.features import Feature
from frontline.web.language import of_page
from frontline.web.problems import SESSION_INVALID, Problem, problem_responses
from frontline.web.routes.auth import client_address, refusal_problem

T = TypeVar("T")
APP_PATH = "/app/"
DEVICE_ID = Annotated[str, Path(max_length=32, pattern=r"^[A-Za-z0-9_-]+$")]
TASK = Annotated[str, Path(pattern=r"^(?:[0-9]{1,9}|T[0-9]{8,10})$")]
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}

AdministratorDep = Annotated[Principal, Depends(require_roles(Role.ADMINISTRATOR))]
ViewerDep = Annotated[Principal, Depends(require_roles(Role.ADMINISTRATOR, Role.AUDITOR))]


def device_policy(request: Request) -> DevicePolicy:
    """The device policy of the app (its settings)."""
    policy: DevicePolicy | None = getattr(request.app.state, "device_policy", None)
    return policy or DevicePolicy()


def _refused(work: Callable[[], T]) -> T:
    try:
        return work()
    except DeviceError as error:
        raise device_problem(error) from None


def _device_of(principal: Principal) -> str:
    if principal.device_id is None:
        raise device_problem(DeviceError("device_unknown"))
    return principal.device_id


def router() -> APIRouter:
    """The device routes."""
    api = APIRouter(prefix="/api/v1", tags=["devices"])
    _administration(api)
    _device(api)
    return api


def _administration(api: APIRouter) -> None:
    @api.post(
        "/devices/enrolments",
        status_code=201,
        response_model=EnrolmentOut,
        responses=problem_responses(401, 403, 404, 409, 422),
    )
    def issue_code(
        body: EnrolmentIn,
        request: Request,
        response: Response,
        connection: ConnectionDep,
        principal: AdministratorDep,
        now: NowDep,
    ) -> EnrolmentOut:
        """A one-time enrolment code for a worker (valid 24 hours), with the QR code of the
        app's enrolment link. The code is shown only in this answer."""
        issued = _refused(
            lambda: issue_enrolment_code(connection, principal, staff_id=body.staff_id, now=now)
        )
        link = f"{str(request.base_url).rstrip('/')}{APP_PATH}?enrol={issued.code}"
        response.headers.update(NO_STORE)
        return EnrolmentOut(
            id=issued.id,
            code=issued.code,
            staff_id=issued.staff_id,
            username=issued.username,
            display_name=issued.display_name,
            expires_at=issued.expires_at,
            enrol_url=link,
            qr_svg=segno.make(link, error="m").svg_inline(scale=6, title="绑定码 enrolment code"),
        )

    @api.get("/devices", response_model=DeviceList, responses=problem_responses(401, 403, 422))
    def devices(
        connection: ConnectionDep,
        principal: ViewerDep,
        now: NowDep,
        staff_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    ) -> DeviceList:
        """Devices of staff in your area scope: worker, status, last check-in and posture,
        how many packages each holds now, commands waiting."""
        found = _refused(lambda: list_devices(connection, principal, now=now, staff_id=staff_id))
        return DeviceList(items=[DeviceOut.model_validate(d, from_attributes=True) for d in found])

    @api.get(
        "/devices/inventory", response_model=Inventory, responses=problem_responses(401, 403, 422)
    )
    def held(
        connection: ConnectionDep,
        principal: ViewerDep,
        now: NowDep,
        device_id: Annotated[str | None, Query(max_length=32)] = None,
        subject_id: Annotated[str | None, Query(max_length=32)] = None,
    ) -> Inventory:
        """Which subjects' data is on which device now: every package issued, minus those
        the device receipted as deleted, minus those expired (deleted by the app even
        offline)."""
        found = _refused(
            lambda: inventory(
                connection, principal, now=now, device_id=device_id, subject_id=subject_id
            )
        )
        items = [HeldOut.model_validate(h, from_attributes=True) for h in found]
        return Inventory(as_of=now, items=items)

    for kind in ("lock", "wipe", "revoke"):
        _command_route(api, kind)


def _command_route(api: APIRouter, kind: str) -> None:
    summaries = {
        "lock": "Lock a device: at its next check-in the app locks and its sessions end.",
        "wipe": "Wipe a device: at its next check-in the app deletes every package and its "
        "keys, sends its receipts and must enrol again.",
        "revoke": "Revoke a device (reported lost): at once, every later call from it is "
        "refused and its sessions end; the app wipes itself when it hears so.",
    }

    def command(
        device_id: DEVICE_ID,
        body: CommandIn,
        connection: ConnectionDep,
        principal: AdministratorDep,
        now: NowDep,
    ) -> CommandIssued:
        issued = _refused(
            lambda: issue_command(
                connection, principal, device_id, kind, reason=body.reason or None, now=now
            )
        )
        return CommandIssued(device_id=device_id, kind=kind, command_id=issued)  # type: ignore[arg-type]

    command.__doc__ = summaries[kind]
    api.add_api_route(
        f"/devices/{{device_id}}/{kind}",
        command,
        methods=["POST"],
        response_model=CommandIssued,
        responses=problem_responses(401, 403, 404, 409, 422),
        name=f"device_{kind}",
    )


def _device(api: APIRouter) -> None:
    @api.post(
        "/device/enrol",
        status_code=201,
        response_model=EnrolledOut,
        responses=problem_responses(400, 401, 409, 422),
    )
    def enrol(
        body: EnrolIn, request: Request, connection: ConnectionDep, now: NowDep
    ) -> EnrolledOut:
        """Enrol this device: the code from an administrator, the public key of the
        device's non-extractable key pair, and a DPoP proof made with that key."""
        proof = request_proof(request, now)
        remember(connection, proof)
        registration = Registration(
            public_key=body.public_key.model_dump(),
            name=body.name,
            platform=body.platform,
            app_version=body.app_version,
        )
        enrolled = _refused(
            lambda: enrol_device(connection, body.code, proof, registration, now=now)
        )
        return EnrolledOut(
            device_id=enrolled.device_id,
            staff_id=enrolled.staff_id,
            username=enrolled.username,
            display_name=enrolled.display_name,
            policy=policy_out(device_policy(request)),
        )

    @api.post(
        "/device/sign-in",
        response_model=DeviceTokens,
        responses=problem_responses(401, 403, 422, 423, 429),
    )
    def device_sign_in(
        body: DeviceSignIn,
        request: Request,
        response: Response,
        engine: EngineDep,
        now: NowDep,
        settings: SessionSettingsDep,
    ) -> DeviceTokens:
        """Sign in on an enrolled device: the worker's password and the device's proof (two
        factors). The tokens are bound to the device key."""
        with engine.connect() as connection:
            device = _proven_device(connection, request, now)
            try:
                pair = sessions.sign_in(
                    connection,
                    body.username,
                    body.password,
                    client=client_address(request),
                    now=now,
                    settings=settings,
                    device_id=device.id,
                )
            except SignInRefused as refused:
                raise refusal_problem(refused) from None
            # The password was right but the phone may be another worker's.
            refusal = device_problem(DeviceError("device_not_yours"))
            principal = _device_session(connection, pair, device, now, refusal)
        response.headers.update(NO_STORE)
        return _tokens(pair, device.id, principal, now)

    @api.post(
        "/device/refresh", response_model=DeviceTokens, responses=problem_responses(401, 403, 422)
    )
    def device_refresh(
        body: DeviceRefresh,
        request: Request,
        response: Response,
        engine: EngineDep,
        now: NowDep,
        settings: SessionSettingsDep,
    ) -> DeviceTokens:
        """New device-bound tokens for a refresh token, with the same device's proof."""
        with engine.connect() as connection:
            device = _proven_device(connection, request, now)
            try:
                pair = sessions.refresh(connection, body.refresh_token, now=now, settings=settings)
            except SessionInvalid:
                raise Problem(SESSION_INVALID) from None
            principal = _device_session(connection, pair, device, now, Problem(SESSION_INVALID))
        response.headers.update(NO_STORE)
        return _tokens(pair, device.id, principal, now)

    @api.post(
        "/device/check-in", response_model=CheckInOut, responses=problem_responses(401, 403, 422)
    )
    async def device_check_in(
        body: CheckInIn, request: Request, engine: EngineDep, now: NowDep, _: BearerDep
    ) -> CheckInOut:
        """Report the device's posture; answers the policy, commands to carry out and
        packages to delete now."""
        posture = Posture(
            app_version=body.app_version,
            last_sync_at=body.last_sync_at,
            packages_held=body.packages_held,
            forms_unsent=body.forms_unsent,
            steps_unsent=body.steps_unsent,
            storage_bytes=body.storage_bytes,
            locked=body.locked,
        )
        policy = device_policy(request)

        def work(connection: Connection) -> CheckInOut:
            device_id = _device_of(request_principal(connection, request, now))
            answer = check_in(connection, device_id, posture, policy, now=now)
            return CheckInOut(
                server_time=answer.server_time,
                policy=policy_out(answer.policy),
                commands=[
                    CommandOut(id=c.id, kind=c.kind, issued_at=c.issued_at)  # type: ignore[arg-type]
                    for c in answer.commands
                ],
                purge=[
                    PurgeOut(package_id=p.package_id, reason=p.reason)  # type: ignore[arg-type]
                    for p in answer.purge
                ],
            )

        # Every phone checks in each morning: one worker thread for all of it.
        return await run_in_transaction(request, engine, work, statements_only=False)

    @api.post(
        "/device/commands/{command_id}/done",
        status_code=204,
        responses=problem_responses(401, 403, 404, 422),
    )
    def device_command_done(
        command_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
        connection: ConnectionDep,
        principal: PrincipalDep,
        now: NowDep,
    ) -> Response:
        """A lock or wipe carried out."""
        device_id = _device_of(principal)
        _refused(lambda: command_done(connection, device_id, command_id, now=now))
        return Response(status_code=204)

    @api.get("/device/tasks", response_model=DeviceTasks, responses=problem_responses(401, 403))
    async def device_tasks(
        request: Request, engine: EngineDep, now: NowDep, _: BearerDep
    ) -> DeviceTasks:
        """The worker's assigned and in-progress tasks, soonest due first (no personal
        data: the subject is named by its entity id)."""

        def work(connection: Connection) -> DeviceTasks:
            principal = request_principal(connection, request, now)
            _device_of(principal)
            page = list_tasks(
                connection,
                principal,
                TaskFilter(
                    statuses=(Status.ASSIGNED, Status.IN_PROGRESS), assignee_id=principal.staff_id
                ),
                limit=200,
            )
            return DeviceTasks(items=[_device_task(t, now.date()) for t in page.items])

        return await run_in_transaction(request, engine, work, statements_only=False)

    @api.post(
        "/device/tasks/{task}/package",
        status_code=201,
        response_model=PackageOut,
        responses=problem_responses(401, 403, 404, 422),
    )
    async def device_package(
        task: TASK,
        request: Request,
        response: Response,
        engine: EngineDep,
        now: NowDep,
        signer: AuditSignerDep,
        writer: AuditWriterDep,
        _: BearerDep,
    ) -> PackageOut:
        """The task's package: the scenario's fields of its subject, masked as declared,
        when the device must have deleted it, and the scenario's forms to fill in. Each
        package issued is a read in the audit log, with the device."""
        reference = int(task) if task.isdigit() else task
        policy = device_policy(request)

        def work(connection: Connection) -> PackageOut:
            principal = request_principal(connection, request, now)
            _device_of(principal)
            try:
                package = issue_package(
                    connection, principal, reference, policy, now=now, signer=signer, writer=writer
                )
            except (DeviceError, AccessRefused) as refused:
                raise _package_problem(refused) from None
            return _package_out(package)

        response.headers.update(NO_STORE)
        # Ten of these per phone every morning: one worker thread each.
        return await run_in_transaction(request, engine, work, statements_only=False)

    @api.post(
        "/device/packages",
        response_model=PackagesOut,
        responses=problem_responses(401, 403, 422),
    )
    async def device_packages(
        body: PackagesIn,
        request: Request,
        response: Response,
        engine: EngineDep,
        now: NowDep,
        signer: AuditSignerDep,
        writer: AuditWriterDep,
        _: BearerDep,
    ) -> PackagesOut:
        """The packages of several tasks in one request (its DPoP proof): each issued or
        refused as `POST /device/tasks/{task}/package` does it alone — a refused task does
        not hold back the others — and answered in `results`, in the order asked, with the
        status and body it would get alone. Each package issued is a read in the audit log."""
        tasks = [int(task) if task.isdigit() else task for task in body.tasks]
        policy = device_policy(request)

        def work(connection: Connection) -> list[PackageOutcome]:
            principal = request_principal(connection, request, now)
            _device_of(principal)
            return issue_packages(
                connection, principal, tasks, policy, now=now, signer=signer, writer=writer
            )

        outcomes = await run_in_transaction(request, engine, work, statements_only=False)
        catalogue, language = request.app.state.catalogue, of_page(request)
        results = []
        for asked, outcome in zip(body.tasks, outcomes, strict=True):
            if outcome.package is not None:
                results.append(PackageResultOut(
                    task=asked, status=201, package=_package_out(outcome.package), problem=None
                ))  # fmt: skip
                continue
            problem = _package_problem(outcome.refusal or DeviceError("task_not_yours"))
            details = problem.details(catalogue, language)
            results.append(PackageResultOut(
                task=asked, status=details.status, package=None,
                problem=details.model_dump(mode="json", exclude_none=True),
            ))  # fmt: skip
        response.headers.update(NO_STORE)
        return PackagesOut(results=results)

    @api.post(
        "/device/receipts", response_model=ReceiptsOut, responses=problem_responses(401, 403, 422)
    )
    def device_receipts(
        body: ReceiptsIn, connection: ConnectionDep, principal: PrincipalDep, now: NowDep
    ) -> ReceiptsOut:
        """Deletion receipts. Sending one again changes nothing."""
        device_id = _device_of(principal)
        report = receipt_packages(
            connection,
            device_id,
            [Receipt(r.package_id, r.reason, r.deleted_at) for r in body.receipts],
            now=now,
        )
        return ReceiptsOut(
            accepted=report.accepted, repeated=report.repeated, unknown=report.unknown
        )


def _package_problem(refused: DeviceError | AccessRefused) -> Problem:
    """Why a task's package is not issued: not the worker's task, or the policy's refusal
    (its audit event kept)."""
    if isinstance(refused, AccessRefused):
        return refusal(refused.reason)
    return device_problem(refused)


def _package_out(package: Package) -> PackageOut:
    return PackageOut(
        package_id=package.id,
        task_reference=package.task.reference,
        task_status=package.task.status.value,
        issued_at=package.issued_at,
        expires_at=package.expires_at,
        read=subject_read(package.record),
        forms=package.forms,
    )


def _proven_device(connection: Connection, request: Request, now: datetime) -> BoundDevice:
    """The usable device whose key made the request's proof (the proof recorded as used)."""
    proof = request_proof(request, now)
    with connection.begin():
        device = _refused(lambda: bound_device(connection, proof.thumbprint))
        remember(connection, proof)
    return device


def _device_session(
    connection: Connection,
    pair: sessions.TokenPair,
    device: BoundDevice,
    now: datetime,
    refusal: Problem,
) -> Principal:
    """The staff member of a session just opened on `device`; when it is not that device's
    worker's session on it, the session is ended and `refusal` raised."""
    with connection.begin():
        principal = sessions.authenticate(connection, pair.access_token, now=now)
        ours = (
            principal is not None
            and principal.staff_id == device.staff_id
            and principal.device_id == device.id
        )
        if not ours:
            sessions.sign_out(connection, pair.access_token, now=now)
    if not ours or principal is None:  # raised after the commit: the session stays ended
        raise refusal
    return principal


def _device_task(task: TaskInfo, today: date) -> DeviceTask:
    return DeviceTask(
        reference=task.reference,
        scenario_key=task.scenario_key,
        scenario_name=task.scenario_name,
        scenario_name_en=task.scenario_name_en,
        status=task.status.value,
        due_on=task.due_on.isoformat(),
        overdue=task.overdue(today),
        grid_code=task.grid_code,
        subject_type=task.subject_type,
        subject_id=task.subject_id,
    )


def _tokens(
    pair: sessions.TokenPair, device_id: str, principal: Principal, now: datetime
) -> DeviceTokens:
    return DeviceTokens(
        access_token=pair.access_token,
        refresh_token=pair.refresh_token,
        expires_in=max(0, int((pair.access_expires_at - now).total_seconds())),
        access_expires_at=pair.access_expires_at,
        refresh_expires_at=pair.refresh_expires_at,
        device_id=device_id,
        staff_id=principal.staff_id,
        display_name=principal.display_name,
    )


def feature() -> Feature:
    """Device management over the API."""
    return Feature(name="devices", routers=(router(),), messages=messages())
