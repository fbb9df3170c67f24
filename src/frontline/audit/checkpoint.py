"""Signed checkpoints: "the chain's hash at seq N is H", signed with a key the verifier trusts.

What is signed is a fixed, versioned text, so a checkpoint can be checked with nothing but
the public key and `openssl`-level tools:

    frontline audit checkpoint v1
    {"algorithm":"ed25519","hash":"…","hash_algorithm":"sha256","key_id":"…",
     "prev_seq":0,"seq":1000,"signed_at":1764500000000000}

(the JSON on one line, keys sorted, `signed_at` in UTC microseconds).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from frontline.audit.chain import microseconds
from frontline.audit.keys import SIGNATURE_ALGORITHM, Signer, signature_valid

_HEADER = b"frontline audit checkpoint v1\n"


@dataclass(frozen=True, slots=True)
class CheckpointStatement:
    """What a checkpoint asserts, before and after signing."""

    seq: int
    prev_seq: int
    hash: str
    hash_algorithm: str
    signed_at: datetime
    algorithm: str
    key_id: str

    def message(self) -> bytes:
        """The bytes that are signed."""
        body = {
            "algorithm": self.algorithm,
            "hash": self.hash,
            "hash_algorithm": self.hash_algorithm,
            "key_id": self.key_id,
            "prev_seq": self.prev_seq,
            "seq": self.seq,
            "signed_at": microseconds(self.signed_at),
        }
        return _HEADER + json.dumps(body, sort_keys=True, separators=(",", ":")).encode("ascii")


def sign_statement(
    signer: Signer, *, seq: int, prev_seq: int, hash: str, hash_algorithm: str, at: datetime
) -> tuple[CheckpointStatement, str]:
    """The statement for a checkpoint at `seq`, and its signature in hex."""
    statement = CheckpointStatement(
        seq, prev_seq, hash, hash_algorithm, at, signer.algorithm, signer.key_id
    )
    return statement, signer.sign(statement.message()).hex()


def statement_signed(
    statement: CheckpointStatement, signature_hex: str, public_key: Ed25519PublicKey
) -> bool:
    """Whether `signature_hex` is `public_key`'s valid signature of `statement`."""
    if statement.algorithm != SIGNATURE_ALGORITHM:
        return False
    try:
        signature = bytes.fromhex(signature_hex)
    except ValueError:
        return False
    return signature_valid(public_key, signature, statement.message())
