"""The hash chain: how an event becomes bytes, and how each event's hash links to the last.

    encoding = ASCII JSON array, version first:
        [1, occurred_at (UTC microseconds since 1970), actor_id, actor_role, department,
         device_id, action, purpose_kind, purpose_ref, subject_type, subject_id,
         fields (its JSON text), detail (its JSON text)]
    hash     = H(previous event's hash, 32 raw bytes || encoding), stored as hex

JSON is written as Python's `json.dumps(..., separators=(",", ":"))` writes it (ASCII, every
other character as a lowercase `\\uXXXX` escape, nulls as `null`): a fixed-length array of
scalars parses back to exactly one tuple, so two different events never share an encoding.
The `fields` and `detail` documents enter as the text stored in their columns, which is the
canonical text `document_text` makes.

The event's `seq` is deliberately not hashed: an event's place is fixed by the link to its
predecessor (and by the signed checkpoints, which name a seq), and leaving it out lets
`verify` tell an event moved to another place from one whose content was changed.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

ENCODING_VERSION = 1
"""The first element of every encoding; a new layout gets a new number."""

HASH_ALGORITHMS = ("sha256", "sm3")
"""SHA-256 by default; SM3 (GB/T 32905) where a deployment must use the national standard."""

GENESIS_HASH = "0" * 64
"""The `prev_hash` of the first event."""

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
NAIVE_EPOCH = datetime(1970, 1, 1)  # SQLite hands back naive UTC text
MICROSECOND = timedelta(microseconds=1)


@functools.cache
def array_encoder() -> Callable[[list[Any], int], Sequence[str]]:
    """The JSON encoder of encodings: `"".join(array_encoder()(columns, 0))` is the text."""
    # The C encoder made once and reused: `JSONEncoder.encode` builds a new one per call,
    # which is half the cost of encoding an event, and the verifier encodes millions.
    from json import encoder

    c_make_encoder = getattr(encoder, "c_make_encoder", None)
    if c_make_encoder is None:  # not CPython: the pure-Python encoder, same output
        encode = json.JSONEncoder(separators=(",", ":"), allow_nan=False).encode
        return lambda columns, _: (encode(columns),)
    make: Callable[[list[Any], int], Sequence[str]] = c_make_encoder(
        None, None, encoder.encode_basestring_ascii, None, ":", ",", False, False, False
    )
    return make


class HashState(Protocol):
    """What `hashlib`'s hash objects offer."""

    def digest(self) -> bytes:
        """The digest as bytes."""
        ...

    def hexdigest(self) -> str:
        """The digest in hex."""
        ...


Hasher = Callable[[bytes], HashState]
"""A hash constructor: `hasher(algorithm)(data).hexdigest()`."""


def hasher(algorithm: str) -> Hasher:
    """The hash constructor of `algorithm` (one of `HASH_ALGORITHMS`)."""
    if algorithm == "sha256":
        return hashlib.sha256
    if algorithm == "sm3":
        # OpenSSL's SM3 through hashlib; cryptography's where hashlib was built without it.
        if "sm3" in hashlib.algorithms_available:
            return functools.partial(hashlib.new, "sm3")
        return _CryptographySm3
    raise ValueError(f"unknown hash algorithm {algorithm!r}; expected one of {HASH_ALGORITHMS}")


class _CryptographySm3:
    def __init__(self, data: bytes) -> None:
        from cryptography.hazmat.primitives import hashes

        state = hashes.Hash(hashes.SM3())
        state.update(data)
        self._digest = state.finalize()

    def digest(self) -> bytes:
        return self._digest

    def hexdigest(self) -> str:
        return self._digest.hex()


def document_text(value: object) -> str:
    """The canonical JSON text of `fields` or `detail`: sorted keys, no spaces, no NaN.

    Raises ValueError for values JSON cannot hold.
    """
    try:
        return json.dumps(
            value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
        )
    except (TypeError, ValueError) as error:
        raise ValueError(f"not a JSON document: {type(error).__name__}") from None


def microseconds(value: datetime | str) -> int:
    """UTC microseconds since 1970 of an aware datetime, or of naive UTC (SQLite's text)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        return (value - NAIVE_EPOCH) // MICROSECOND
    return (value - EPOCH) // MICROSECOND


def encode(
    occurred_us: int,
    actor_id: str | None,
    actor_role: str | None,
    department: str | None,
    device_id: str | None,
    action: str,
    purpose_kind: str,
    purpose_ref: str | None,
    subject_type: str | None,
    subject_id: str | None,
    fields_text: str,
    detail_text: str,
) -> bytes:
    """The bytes an event's hash is taken over (see the module's docstring)."""
    return encode_columns(
        [
            ENCODING_VERSION,
            occurred_us,
            actor_id,
            actor_role,
            department,
            device_id,
            action,
            purpose_kind,
            purpose_ref,
            subject_type,
            subject_id,
            fields_text,
            detail_text,
        ]
    )


def encode_columns(columns: list[Any]) -> bytes:
    """`encode` for the twelve columns already in order, version first (the verifier's path)."""
    return "".join(array_encoder()(columns, 0)).encode("ascii")


def link(new_hash: Hasher, prev_hash: str, encoding: bytes) -> str:
    """The hex hash of an event whose predecessor's hash is `prev_hash` (hex)."""
    return new_hash(bytes.fromhex(prev_hash) + encoding).hexdigest()


def decode(encoding: bytes) -> tuple[Any, ...]:
    """The columns an encoding was made from (for tests and for reading an export)."""
    version, *columns = json.loads(encoding)
    if version != ENCODING_VERSION:
        raise ValueError(f"unknown audit event encoding version {version!r}")
    return tuple(columns)
