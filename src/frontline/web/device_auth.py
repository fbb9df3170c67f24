"""Requests from enrolled devices: the DPoP proof checked, the device found, refusals as
problems.

    proof = request_proof(request, now, access_token=None)     # 401 problem if not good
    principal = device_principal(connection, request, token, now)

A proof is checked against the request's own method and URL (as the server sees it; behind
a proxy, uvicorn's proxy headers give the client's scheme and host). A device revoked or
wiped is answered `device-revoked` / `device-wiped`: the app wipes itself on hearing it.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import Request
from sqlalchemy import Connection

from frontline.devices.errors import MESSAGES, DeviceError
from frontline.devices.proofs import Proof, ProofError, check_proof, remember_proof
from frontline.devices.registry import bound_device, device_key
from frontline.staff import sessions
from frontline.staff.principal import Principal
from frontline.web.catalogue import Text
from frontline.web.problems import Problem, ProblemType

DPOP_INVALID = ProblemType("dpop-invalid", 401)
DEVICE_PROBLEMS = {
    reason: ProblemType(reason.replace("_", "-"), message.status)
    for reason, message in MESSAGES.items()
}
_DPOP_CHALLENGE = 'DPoP algs="ES256"'


def request_proof(request: Request, now: datetime, *, access_token: str | None = None) -> Proof:
    """The request's checked DPoP proof (not yet remembered); a 401 problem otherwise."""
    try:
        return check_proof(
            request.headers.get("dpop"),
            method=request.method,
            url=str(request.url),
            now=now,
            access_token=access_token,
        )
    except ProofError as error:
        raise proof_problem(error) from None


def device_principal(
    connection: Connection, request: Request, access_token: str, now: datetime
) -> Principal:
    """The staff member of a device-bound access token presented with its DPoP proof.

    A device's sessions end whenever it stops being usable (revoked, wiped, locked), so a live
    session vouches for its device: the proof need only be made by that device's key (a
    binding that never changes, looked up once). When the session is not live, a revoked or
    wiped device is told so — the app wipes itself on hearing it.
    """
    proof = request_proof(request, now, access_token=access_token)
    principal = sessions.authenticate(connection, access_token, now=now)
    if principal is None or principal.device_id is None:
        try:
            bound_device(connection, proof.thumbprint)
        except DeviceError as error:
            if error.reason in ("device_revoked", "device_wiped"):
                raise device_problem(error) from None
        raise _invalid_token()
    if device_key(connection, principal.device_id) != proof.thumbprint:
        raise _invalid_token()  # a token of one device with another's proof
    remember(connection, proof)
    return principal


def _invalid_token() -> Problem:
    return Problem(
        DPOP_INVALID,
        detail="devices.token_invalid",
        headers={"WWW-Authenticate": f'{_DPOP_CHALLENGE}, error="invalid_token"'},
    )


def remember(connection: Connection, proof: Proof) -> None:
    """Record the proof as used; a replayed one is a 401 problem."""
    try:
        remember_proof(connection, proof)
    except ProofError as error:
        raise proof_problem(error) from None


def proof_problem(error: ProofError) -> Problem:
    """A refused proof, with the DPoP challenge."""
    return Problem(
        DPOP_INVALID,
        detail=f"devices.proof.{error.reason}",
        headers={"WWW-Authenticate": f'{_DPOP_CHALLENGE}, error="invalid_dpop_proof"'},
    )


def device_problem(error: DeviceError) -> Problem:
    """A device operation refused."""
    return Problem(DEVICE_PROBLEMS[error.reason])


def messages() -> dict[str, Text]:
    """The titles and details of the device problems."""
    found: dict[str, Text] = {
        "problem.dpop-invalid.title": Text("设备证明无效", "Device proof not valid"),
        "problem.dpop-invalid.detail": Text(
            "请求没有这部设备的有效证明。", "The request lacks a valid proof from this device."
        ),
        "devices.token_invalid": Text(
            "登录已失效或不属于这部设备，请重新登录。",
            "The sign-in expired or belongs to another device; sign in again.",
        ),
    }
    proof_reasons = {
        "missing": ("请求缺少设备证明（DPoP）。", "The request has no DPoP proof."),
        "malformed": ("设备证明格式不对。", "The DPoP proof is malformed."),
        "type": ("设备证明的类型不对。", "The DPoP proof has the wrong type."),
        "algorithm": ("设备证明须用 ES256 签名。", "The DPoP proof must be signed with ES256."),
        "key": ("设备证明的密钥不受支持。", "The DPoP proof's key is not supported."),
        "signature": ("设备证明的签名不对。", "The DPoP proof's signature does not verify."),
        "method": ("设备证明与请求方法不符。", "The DPoP proof is for another method."),
        "url": ("设备证明与请求地址不符。", "The DPoP proof is for another URL."),
        "time": (
            "设备证明的时间与服务器相差过大，请校准手机时间。",
            "The DPoP proof's time is too far off; check the phone's clock.",
        ),
        "token_hash": ("设备证明与登录凭据不符。", "The DPoP proof is for another token."),
        "replayed": ("这个请求已经处理过，不能重放。", "This request was seen before: no replays."),
    }
    for reason, (zh, en) in proof_reasons.items():
        found[f"devices.proof.{reason}"] = Text(zh, en)
    for reason, message in MESSAGES.items():
        slug = reason.replace("_", "-")
        found[f"problem.{slug}.title"] = Text(message.zh.split("，")[0].rstrip("。"), message.en)
        found[f"problem.{slug}.detail"] = Text(message.zh, message.en)
    return found
