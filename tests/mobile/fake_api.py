"""A stand-in for the device API of docs/devices.md, for driving the app in a browser.

It keeps everything in memory and checks every DPoP proof the way the contract says the
server does — signature by the header's key, `typ`, `alg`, `htm`, `htu`, `iat` within 60 s, a
`jti` never seen before, `ath` for the access token, the key's thumbprint against the enrolled
device and the token's binding — so a test passing against it shows that the app's proofs are
right, not merely present. Tests read what the app sent (`check_ins`, `package_requests`,
`receipts`, `steps`, `commands_done`, `submission_posts`, `batch_posts`, `events`) and steer it
(`commands`, `purge`, a device's `revoked`, `submission_errors`, `invalid`,
`submission_failures`, `submission_refusal`).

Packages: `POST /api/v1/device/tasks/{task}/package` issues one task's package (refused 403
`task-not-open` unless the task is assigned or in progress); `POST /api/v1/device/packages`
takes 1 to `MAX_PACKAGES` tasks, each once, and answers each one's status and package (or
problem) in `results`, exactly as the single route would answer it alone.

Field forms: a task's package carries the definitions of its `_forms` (from `forms`), and
`POST /api/v1/device/submissions` stores a submission once by its client_id — a retry with
the same content answers 200 `duplicate`, other content 409 `submission-conflict` — after
checking it as the real service does (`frontline.forms.check_submission`, the attachments'
digests): a submission the app sends that the server's validator refuses is a 422 here too.
`POST /api/v1/device/submissions/batch` takes up to `MAX_BATCH` submissions without photos,
each exactly as the single route takes it, and answers each one's status and body in
`results`; a failure injected (`submission_failures`) fails the whole request.

Like the real service, it ignores case, spaces and dashes in enrolment codes, ends the
device's sessions when it answers a lock (the worker signs in again with the password), and
answers `device-wiped` once a wipe is reported done.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from fastapi import APIRouter, Request
from starlette.responses import JSONResponse, Response

from frontline.devices.packages import MAX_PACKAGES
from frontline.forms import FormDefinition, check_submission
from frontline.web.forms_models import MAX_BATCH

PASSWORD = "冬日暖阳-visit-2026"  # noqa: S105 - the fake worker's password
WORKER = "worker"
JsonDict = dict[str, Any]


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def thumbprint(jwk: JsonDict) -> str:
    """RFC 7638 for an EC key."""
    canonical = json.dumps(
        {"crv": jwk["crv"], "kty": jwk["kty"], "x": jwk["x"], "y": jwk["y"]},
        separators=(",", ":"),
        sort_keys=True,
    )
    return b64url(hashlib.sha256(canonical.encode()).digest())


class ProofError(Exception):
    """A DPoP proof the server refuses."""


@dataclass
class Proof:
    header: JsonDict
    payload: JsonDict
    thumbprint: str


def verify_proof(
    proof: str,
    *,
    method: str,
    url: str,
    access_token: str | None = None,
    seen: set[str] | None = None,
    now: float | None = None,
) -> Proof:
    """Check a DPoP proof as RFC 9449 §4.3 says; raises ProofError."""
    try:
        header_part, payload_part, signature_part = proof.split(".")
        header = json.loads(b64url_decode(header_part))
        payload = json.loads(b64url_decode(payload_part))
        signature = b64url_decode(signature_part)
    except ValueError as error:
        raise ProofError(f"malformed: {error}") from None
    if header.get("typ") != "dpop+jwt" or header.get("alg") != "ES256":
        raise ProofError("typ/alg")
    jwk = header.get("jwk") or {}
    if set(jwk) != {"kty", "crv", "x", "y"} or jwk["kty"] != "EC" or jwk["crv"] != "P-256":
        raise ProofError(f"jwk {sorted(jwk)}")
    key = ec.EllipticCurvePublicNumbers(
        int.from_bytes(b64url_decode(jwk["x"]), "big"),
        int.from_bytes(b64url_decode(jwk["y"]), "big"),
        ec.SECP256R1(),
    ).public_key()
    if len(signature) != 64:
        raise ProofError("signature length")
    der = encode_dss_signature(
        int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    )
    try:
        key.verify(der, f"{header_part}.{payload_part}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise ProofError("signature") from None
    if payload.get("htm") != method:
        raise ProofError(f"htm {payload.get('htm')} != {method}")
    if payload.get("htu") != url:
        raise ProofError(f"htu {payload.get('htu')} != {url}")
    moment = time.time() if now is None else now
    if not isinstance(payload.get("iat"), int) or abs(payload["iat"] - moment) > 60:
        raise ProofError("iat")
    jti = payload.get("jti")
    if not isinstance(jti, str) or len(jti) < 16:
        raise ProofError("jti")
    if seen is not None:
        if jti in seen:
            raise ProofError("replayed jti")
        seen.add(jti)
    if access_token is not None:
        expected = b64url(hashlib.sha256(access_token.encode()).digest())
        if payload.get("ath") != expected:
            raise ProofError("ath")
    elif "ath" in payload:
        raise ProofError("ath without a token")
    return Proof(header, payload, thumbprint(jwk))


@dataclass
class Device:
    device_id: str
    thumbprint: str
    name: str
    platform: str
    revoked: bool = False
    wiped: bool = False


@dataclass
class FakeServer:
    """The fake device API's state."""

    codes: dict[str, str] = field(default_factory=lambda: {"ENROL1234": WORKER})
    devices: dict[str, Device] = field(default_factory=dict)
    access: dict[str, tuple[str, float]] = field(default_factory=dict)
    refresh: dict[str, str] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)
    policy: JsonDict = field(
        default_factory=lambda: {"idle_lock_minutes": 5, "offline_grace_hours": 72}
    )
    tasks: dict[str, JsonDict] = field(default_factory=dict)
    packages: dict[str, JsonDict] = field(default_factory=dict)
    package_requests: list[tuple[str, list[str]]] = field(default_factory=list)
    """Every package request received, in order: its path and the tasks it asked for."""
    commands: list[JsonDict] = field(default_factory=list)
    purge: list[JsonDict] = field(default_factory=list)
    check_ins: list[JsonDict] = field(default_factory=list)
    receipts: list[JsonDict] = field(default_factory=list)
    steps: list[tuple[str, str, JsonDict]] = field(default_factory=list)
    commands_done: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    forms: dict[str, JsonDict] = field(default_factory=dict)
    """Form definition documents by form id (the current version of each)."""
    submissions: dict[str, JsonDict] = field(default_factory=dict)
    """Stored submissions by client_id: the body as first received."""
    submission_posts: list[JsonDict] = field(default_factory=list)
    """Every submission body received, retries included, in order (alone or in a batch)."""
    batch_posts: list[list[JsonDict]] = field(default_factory=list)
    """The submissions of every batch request received, in order."""
    submission_errors: list[JsonDict] = field(default_factory=list)
    """Errors the next submission is refused with (422), besides the validator's; used once."""
    invalid: dict[str, list[JsonDict]] = field(default_factory=dict)
    """Errors the submission of a client_id is refused with (422), each time it is sent."""
    submission_failures: int = 0
    """How many submission requests (a batch is one) to answer 503 (the service failing)."""
    submission_refusal: str | None = None
    """A 409 problem slug (task-cancelled, form-outdated) the submissions are refused with."""
    events: list[str] = field(default_factory=list)
    """Task steps and stored submissions, in the order they arrived: `start T…`, `form T…`."""
    access_ttl: float = 600.0
    package_ttl: timedelta = timedelta(hours=72)
    issued: int = 0

    def add_task(
        self,
        reference: str,
        grid: str,
        status: str,
        due_on: date,
        fields: list[JsonDict],
        forms: list[str] | None = None,
    ) -> None:
        self.tasks[reference] = {
            "reference": reference,
            "scenario_key": "elderly_home_visit",
            "scenario_version": 1,
            "scenario_name": "独居老人走访",
            "scenario_name_en": "Home visit to an elderly person living alone",
            "subject_type": "person",
            "grid_code": grid,
            "status": status,
            "due_on": due_on.isoformat(),
            "outcome": None,
            "_fields": fields,
            "_forms": forms or [],
        }

    def public_task(self, reference: str) -> JsonDict:
        return {k: v for k, v in self.tasks[reference].items() if not k.startswith("_")}


class _Refused(Exception):  # noqa: N818 - a refusal, answered as a problem
    def __init__(self, status: int, slug: str, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.problem: JsonDict = {
            "type": f"/problems/{slug}",
            "title": slug,
            "status": status,
            "detail": detail,
            **extra,
        }

    @property
    def response(self) -> JSONResponse:
        return JSONResponse(
            self.problem, status_code=self.status, media_type="application/problem+json"
        )


def check_attachments(body: JsonDict) -> list[JsonDict]:
    """The errors of a submission's attachments: each photo answer's digest must be the
    SHA-256 of an attachment's data, sent in base64."""
    errors: list[JsonDict] = []
    sent: dict[str, bytes] = {}
    for index, item in enumerate(body.get("attachments") or []):
        data = base64.b64decode(item.get("data", ""), validate=True)
        if hashlib.sha256(data).hexdigest() != item.get("sha256"):
            errors.append({"path": f"attachments[{index}]", "code": "attachment",
                           "message": "附件摘要不符"})  # fmt: skip
        sent[str(item.get("sha256"))] = data

    def visit(value: object, path: str) -> None:
        if isinstance(value, list):
            for index, item in enumerate(value):
                visit(item, f"{path}[{index}]")
        elif isinstance(value, dict):
            if "attachment" in value:
                if value["attachment"] not in sent:
                    errors.append({"path": path, "code": "attachment", "message": "缺少照片"})
                return
            for name, item in value.items():
                visit(item, f"{path}.{name}" if path else name)

    visit(body.get("answers"), "")
    return errors


def router(server: FakeServer) -> APIRouter:
    """The fake routes (device API and the task steps) over `server`."""
    api = APIRouter()

    def url_of(request: Request) -> str:
        return str(request.url).split("?", 1)[0].split("#", 1)[0]

    def proof_of(request: Request, token: str | None) -> Proof:
        try:
            return verify_proof(
                request.headers.get("dpop", ""),
                method=request.method,
                url=url_of(request),
                access_token=token,
                seen=server.seen,
            )
        except ProofError as error:
            server.refused.append(str(error))
            raise _Refused(401, "invalid-dpop-proof", str(error)) from None

    def device_of(thumb: str) -> Device:
        device = server.devices.get(thumb)
        if device is None:
            raise _Refused(401, "device-unknown", "no such device")
        if device.revoked:
            raise _Refused(403, "device-revoked", "此设备已被注销。")
        if device.wiped:
            raise _Refused(403, "device-wiped", "这部设备已清除数据，需要重新绑定。")
        return device

    def end_sessions(thumb: str) -> None:
        for token, (owner, _) in list(server.access.items()):
            if owner == thumb:
                del server.access[token]
        for token, owner in list(server.refresh.items()):
            if owner == thumb:
                del server.refresh[token]

    def signed_in(request: Request) -> Device:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme != "DPoP" or not token:
            raise _Refused(401, "unauthenticated", "DPoP token required")
        proof = proof_of(request, token)
        device = device_of(proof.thumbprint)
        bound = server.access.get(token)
        if bound is None or bound[0] != proof.thumbprint:
            raise _Refused(401, "session-invalid", "unknown token or another key")
        if bound[1] < time.time():
            raise _Refused(401, "session-invalid", "expired")
        return device

    def issue(thumb: str) -> JsonDict:
        access, refresh = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        expires = time.time() + server.access_ttl
        server.access[access] = (thumb, expires)
        server.refresh[refresh] = thumb
        return {
            "access_token": access,
            "refresh_token": refresh,
            "token_type": "DPoP",
            "expires_in": int(server.access_ttl),
            "access_expires_at": datetime.fromtimestamp(expires, UTC).isoformat(),
            "refresh_expires_at": (datetime.now(UTC) + timedelta(hours=8)).isoformat(),
        }

    def answer(work: Any) -> Response:
        try:
            result = work()
        except _Refused as refused:
            return refused.response
        if isinstance(result, Response):
            return result
        return JSONResponse(result, headers={"Cache-Control": "no-store"})

    @api.post("/api/v1/device/enrol")
    async def enrol(request: Request) -> Response:
        body = await request.json()

        def work() -> JsonDict:
            proof = proof_of(request, None)
            if proof.header["jwk"] != body["public_key"]:
                raise _Refused(422, "invalid-request", "proof by another key")
            code = "".join(ch for ch in body["code"].upper() if ch.isalnum())
            if server.codes.pop(code, None) is None:
                raise _Refused(403, "enrolment-invalid", "登记码无效或已使用。")
            device = Device(
                f"D{len(server.devices) + 1:06d}", proof.thumbprint, body["name"], body["platform"]
            )
            server.devices[proof.thumbprint] = device
            return {
                "device_id": device.device_id,
                "staff_id": 7,
                "username": WORKER,
                "display_name": "网格员甲",
                "policy": server.policy,
            }

        return answer(work)

    @api.post("/api/v1/device/sign-in")
    async def sign_in(request: Request) -> Response:
        body = await request.json()

        def work() -> JsonDict:
            proof = proof_of(request, None)
            device_of(proof.thumbprint)
            if body.get("username") != WORKER or body.get("password") != PASSWORD:
                raise _Refused(401, "bad-credentials", "用户名或密码不正确。")
            return issue(proof.thumbprint) | {
                "device_id": server.devices[proof.thumbprint].device_id,
                "staff_id": 7,
                "display_name": "网格员甲",
            }

        return answer(work)

    @api.post("/api/v1/device/refresh")
    async def refresh(request: Request) -> Response:
        body = await request.json()

        def work() -> JsonDict:
            proof = proof_of(request, None)
            device_of(proof.thumbprint)
            if server.refresh.pop(body.get("refresh_token", ""), None) != proof.thumbprint:
                raise _Refused(401, "session-invalid", "refresh refused")
            return issue(proof.thumbprint)

        return answer(work)

    @api.post("/api/v1/device/check-in")
    async def check_in(request: Request) -> Response:
        body = await request.json()

        def work() -> JsonDict:
            device = signed_in(request)
            server.check_ins.append(body)
            purge, server.purge = server.purge, []
            commands = list(server.commands)
            if any(c["kind"] == "lock" for c in commands):  # done by answering it
                server.commands = [c for c in commands if c["kind"] != "lock"]
                end_sessions(device.thumbprint)
            return {
                "server_time": datetime.now(UTC).isoformat(),
                "policy": server.policy,
                "commands": commands,
                "purge": purge,
            }

        return answer(work)

    @api.post("/api/v1/device/commands/{command_id}/done")
    def command_done(request: Request, command_id: str) -> Response:
        def work() -> Response:
            device = signed_in(request)
            server.commands_done.append(command_id)
            done = [c for c in server.commands if str(c["id"]) == command_id]
            server.commands = [c for c in server.commands if str(c["id"]) != command_id]
            if done and done[0]["kind"] == "wipe":
                device.wiped = True
                end_sessions(device.thumbprint)
            return Response(status_code=204)

        return answer(work)

    @api.get("/api/v1/device/tasks")
    def tasks(request: Request) -> Response:
        def work() -> JsonDict:
            signed_in(request)
            items = [server.public_task(ref) for ref in sorted(server.tasks)]
            return {"items": items, "total": len(items)}

        return answer(work)

    def package_of(reference: str) -> JsonDict:
        """Issue one task's package (the body of a 201); raises _Refused."""
        task = server.tasks.get(reference)
        if task is None or task["status"] not in {"assigned", "in_progress"}:
            raise _Refused(403, "task-not-open", "not open")
        server.issued += 1
        body = {
            "package_id": f"PK{server.issued:06d}",
            "task_reference": reference,
            "task_status": task["status"],
            "issued_at": datetime.now(UTC).isoformat(),
            "expires_at": (datetime.now(UTC) + server.package_ttl).isoformat(),
            "read": {
                "subject": {"type": "person", "id": "P000000001"},
                "purpose_kind": "task",
                "purpose_ref": reference,
                "scenario": {
                    "key": task["scenario_key"],
                    "version": 1,
                    "name": task["scenario_name"],
                    "name_en": task["scenario_name_en"],
                },
                "fields": task["_fields"],
            },
            "forms": [server.forms[form_id] for form_id in task["_forms"]],
        }
        server.packages[body["package_id"]] = body
        return body

    @api.post("/api/v1/device/tasks/{reference}/package")
    def package(request: Request, reference: str) -> Response:
        def work() -> Response:
            signed_in(request)
            server.package_requests.append((request.url.path, [reference]))
            return JSONResponse(
                package_of(reference), status_code=201, headers={"Cache-Control": "no-store"}
            )

        return answer(work)

    @api.post("/api/v1/device/packages")
    async def packages(request: Request) -> Response:
        body = await request.json()

        def work() -> JsonDict:
            signed_in(request)
            tasks = body.get("tasks") if isinstance(body, dict) else None
            if (
                not isinstance(tasks, list)
                or not 1 <= len(tasks) <= MAX_PACKAGES
                or not all(isinstance(task, str) for task in tasks)
                or len(set(tasks)) != len(tasks)
            ):
                raise _Refused(422, "invalid-request", f"1 to {MAX_PACKAGES} tasks, each once")
            server.package_requests.append((request.url.path, list(tasks)))
            results = []
            for reference in tasks:  # each as the single route answers it
                result: JsonDict = {"task": reference, "status": 201, "package": None,
                                    "problem": None}  # fmt: skip
                try:
                    result["package"] = package_of(reference)
                except _Refused as refused:
                    result["status"], result["problem"] = refused.status, refused.problem
                results.append(result)
            return {"results": results}

        return answer(work)

    @api.post("/api/v1/device/receipts")
    async def receipts(request: Request) -> Response:
        body = await request.json()

        def work() -> JsonDict:
            signed_in(request)
            known = {r["package_id"] for r in server.receipts}
            fresh = [r for r in body["receipts"] if r["package_id"] not in known]
            server.receipts.extend(fresh)
            return {"accepted": len(fresh)}

        return answer(work)

    @api.post("/api/v1/tasks/{reference}/{step}")
    async def task_step(request: Request, reference: str, step: str) -> Response:
        raw = await request.body()
        body = json.loads(raw) if raw else {}

        def work() -> JsonDict:
            signed_in(request)
            task = server.tasks.get(reference)
            if task is None:
                raise _Refused(404, "not-found", "no task")
            wanted = {"start": ("assigned", "in_progress"), "complete": ("in_progress", "done")}
            if step not in wanted or task["status"] != wanted[step][0]:
                raise _Refused(409, "task-transition", f"cannot {step} a {task['status']} task")
            task["status"] = wanted[step][1]
            if step == "complete":
                task["outcome"] = body["outcome"]
            server.steps.append((reference, step, body))
            server.events.append(f"{step} {reference}")
            return server.public_task(reference)

        return answer(work)

    def receipt(client_id: str, *, duplicate: bool, proposals: int = 0) -> JsonDict:
        return {
            "submission_id": list(server.submissions).index(client_id) + 1,
            "client_id": client_id,
            "status": "accepted",
            "duplicate": duplicate,
            "received_at": datetime.now(UTC).isoformat(),
            "proposals": proposals,
        }

    def take(body: JsonDict) -> tuple[int, JsonDict]:
        """Check and store one submission: (201 or 200, its receipt); raises _Refused."""
        client_id = str(body["client_id"])
        stored = server.submissions.get(client_id)
        if stored is not None:
            if stored != body:
                raise _Refused(409, "submission-conflict", "同一编号的提交内容不同。")
            return 200, receipt(client_id, duplicate=True)
        task = server.tasks.get(str(body["task"]))
        if task is None:
            raise _Refused(404, "task-not-found", "没有这个工单。")
        if server.submission_refusal == "task-cancelled" or task["status"] == "cancelled":
            raise _Refused(409, "task-cancelled", "该工单已撤销，此表单不再接收。")
        document = server.forms.get(str(body["form_id"]))
        outdated = server.submission_refusal == "form-outdated"
        if outdated or document is None or document["version"] != body["form_version"]:
            raise _Refused(409, "form-outdated", "表单版本已更新，请按新版表单填写。")
        golden = {f["name"]: f["value"] for f in task["_fields"] if f["mask"] == "full"}
        checked = check_submission(
            FormDefinition.from_document(document),
            body["answers"],
            today=date.today(),
            prefill=golden,
        )
        errors = [{"path": e.path, "code": e.code, "message": e.message_zh} for e in checked.errors]
        errors += check_attachments(body)
        errors += server.submission_errors + server.invalid.get(client_id, [])
        server.submission_errors = []
        if errors:
            raise _Refused(
                422, "submission-invalid", "提交的答案有误，请修改后重新提交。", errors=errors
            )
        server.submissions[client_id] = body
        server.events.append(f"form {body['task']}")
        return 201, receipt(client_id, duplicate=False, proposals=len(checked.proposals))

    def failing() -> None:
        """The service failing, when a test asks for it: the whole request is refused."""
        if server.submission_failures:
            server.submission_failures -= 1
            raise _Refused(503, "unavailable", "服务暂时不可用。")

    @api.post("/api/v1/device/submissions")
    async def submission(request: Request) -> Response:
        body = await request.json()

        def work() -> Response:
            signed_in(request)
            server.submission_posts.append(body)
            failing()
            status, stored = take(body)
            return JSONResponse(stored, status_code=status)

        return answer(work)

    @api.post("/api/v1/device/submissions/batch")
    async def submission_batch(request: Request) -> Response:
        body = await request.json()

        def work() -> JsonDict:
            signed_in(request)
            items = body.get("submissions") if isinstance(body, dict) else None
            if not isinstance(items, list) or not 1 <= len(items) <= MAX_BATCH:
                raise _Refused(422, "invalid-request", f"1 to {MAX_BATCH} submissions")
            if any(item.get("attachments") for item in items):
                raise _Refused(422, "invalid-request", "a form with photos is sent alone")
            server.batch_posts.append(items)
            server.submission_posts.extend(items)
            failing()
            results = []
            for item in items:  # each as the single route takes it
                result: JsonDict = {"client_id": str(item["client_id"]), "submission": None,
                                    "problem": None}  # fmt: skip
                try:
                    result["status"], result["submission"] = take(item)
                except _Refused as refused:
                    result["status"], result["problem"] = refused.status, refused.problem
                results.append(result)
            return {"results": results}

        return answer(work)

    return api
