"""DPoP proofs (RFC 9449): a device proves, on every call, that it holds its private key.

    proof = check_proof(header, method="POST", url="https://…/api/v1/device/check-in",
                        now=now, access_token=token)
    remember_proof(connection, proof)          # a second use of the same proof is refused

A proof is a compact JWS (`typ: dpop+jwt`, `alg: ES256`) signed by the device's key, whose
public half is in its header (`jwk`); its claims bind it to one request: `htm` (method), `htu`
(URL without query and fragment), `iat` (time), `jti` (unique) and, with an access token,
`ath` (the token's SHA-256, base64url). The key is named by its RFC 7638 thumbprint.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import ECKey
from sqlalchemy import Connection, delete
from sqlalchemy.dialects import postgresql, sqlite

from frontline.devices.models import DpopProof

PROOF_WINDOW = timedelta(seconds=60)
"""How far a proof's `iat` may lie from the server's clock, either way."""
MAX_PROOF_LENGTH = 4096
MAX_JTI_LENGTH = 64
PROOF_TYPE = "dpop+jwt"
ALGORITHM = "ES256"


class ProofError(Exception):
    """A DPoP proof that is missing, malformed, not for this request, or used before."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"DPoP proof refused: {reason}")
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Proof:
    """A checked proof: the key that signed it and what makes it unique."""

    thumbprint: str
    public_key: dict[str, str]
    jti: str
    issued_at: datetime


def check_proof(
    proof: str | None,
    *,
    method: str,
    url: str,
    now: datetime,
    access_token: str | None = None,
) -> Proof:
    """The checked `proof` for a `method` request to `url` at `now`; `ProofError` otherwise.

    With `access_token`, the proof must carry its hash (`ath`). Whether its key is the one a
    device enrolled is the caller's question; whether it was used before, `remember_proof`'s.
    """
    if not proof:
        raise ProofError("missing")
    if len(proof) > MAX_PROOF_LENGTH or proof.count(".") != 2:
        raise ProofError("malformed")
    try:
        extracted = jws.extract_compact(proof.encode("ascii"))
        header = extracted.protected
        claims = json.loads(extracted.payload)
    except (JoseError, ValueError, UnicodeError):
        raise ProofError("malformed") from None
    if header.get("typ") != PROOF_TYPE:
        raise ProofError("type")
    if header.get("alg") != ALGORITHM:
        raise ProofError("algorithm")
    public_key = _public_key(header.get("jwk"))
    try:
        key = ECKey.import_key(dict(public_key.items()))
        jws.deserialize_compact(proof, key, algorithms=[ALGORITHM])
    except (JoseError, ValueError):
        raise ProofError("signature") from None
    if not isinstance(claims, dict):
        raise ProofError("malformed")
    if claims.get("htm") != method.upper():
        raise ProofError("method")
    if not isinstance(claims.get("htu"), str) or _target(claims["htu"]) != _target(url):
        raise ProofError("url")
    issued_at = _issued_at(claims.get("iat"))
    if abs(issued_at - now) > PROOF_WINDOW:
        raise ProofError("time")
    jti = claims.get("jti")
    if not isinstance(jti, str) or not 0 < len(jti) <= MAX_JTI_LENGTH:
        raise ProofError("malformed")
    if access_token is not None and claims.get("ath") != token_hash(access_token):
        raise ProofError("token_hash")
    return Proof(key.thumbprint(), public_key, jti, issued_at)


def remember_proof(connection: Connection, proof: Proof) -> None:
    """Record `proof` as used, in the caller's transaction; `ProofError("replayed")` if it
    was used before. Proofs too old to be accepted again are forgotten on the way."""
    values = {
        "key_thumbprint": proof.thumbprint,
        "jti": proof.jti,
        "expires_at": proof.issued_at + PROOF_WINDOW,
    }
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(DpopProof).values(values).on_conflict_do_nothing().returning(DpopProof.id)
    )
    if connection.execute(statement).scalar_one_or_none() is None:  # nothing inserted
        raise ProofError("replayed")


def forget_old_proofs(connection: Connection, thumbprint: str, now: datetime) -> int:
    """Delete the proofs of one key that are no longer accepted anyway; how many.

    One device's own, at its check-in: concurrent check-ins never wait for each other's
    deletions (a sweep of every device's proofs at once would make them queue on row locks).
    """
    result = connection.execute(
        delete(DpopProof).where(
            DpopProof.key_thumbprint == thumbprint, DpopProof.expires_at < now - PROOF_WINDOW
        )
    )
    return result.rowcount


def token_hash(access_token: str) -> str:
    """The `ath` of an access token: base64url (unpadded) of its SHA-256."""
    digest = hashlib.sha256(access_token.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def key_thumbprint(public_key: dict[str, Any]) -> str:
    """The RFC 7638 thumbprint of a public EC P-256 JWK; `ProofError` for any other key."""
    try:
        members: dict[str, str | list[str]] = dict(_public_key(public_key).items())
        return ECKey.import_key(members).thumbprint()
    except (JoseError, ValueError):
        raise ProofError("key") from None


def _public_key(jwk: object) -> dict[str, str]:
    """The public EC P-256 key of a proof's header, its members only; never a private key."""
    if not isinstance(jwk, dict) or "d" in jwk:
        raise ProofError("key")
    if jwk.get("kty") != "EC" or jwk.get("crv") != "P-256":
        raise ProofError("key")
    members = {name: jwk.get(name) for name in ("kty", "crv", "x", "y")}
    if not all(isinstance(value, str) and len(value) <= 64 for value in members.values()):
        raise ProofError("key")
    return {name: str(value) for name, value in members.items()}


def _target(url: str) -> tuple[str, str, str]:
    """A URL as `htu` compares it: scheme and host case-insensitive, no query, no fragment."""
    parts = urlsplit(url)
    netloc = parts.netloc.lower()
    default = {"http": ":80", "https": ":443"}.get(parts.scheme.lower())
    if default and netloc.endswith(default):
        netloc = netloc.removesuffix(default)
    path = urlunsplit(("", "", parts.path or "/", "", ""))
    return parts.scheme.lower(), netloc, path


def _issued_at(value: object) -> datetime:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ProofError("malformed")
    try:
        return datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError):
        raise ProofError("time") from None
