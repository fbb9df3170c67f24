"""Checkpoint signing keys: Ed25519, kept as PEM files or PEM text in settings.

A private key is a secret: it is never logged and never appears in an exception message or a
`repr`. A key is named by its `key_id`, a fingerprint of the public key, which is what each
checkpoint records and what a verifier looks the public key up by.

SM2 (GB/T 32918) would be the national-standard alternative; `cryptography` does not
implement SM2 signatures, so it is not offered here. The `Signer` protocol is what an SM2
signer (e.g. built on gmssl) would implement.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

SIGNATURE_ALGORITHM = "ed25519"


class SigningKeyError(ValueError):
    """A key could not be read: the message names the place, never the key's content."""


class Signer(Protocol):
    """What signs checkpoints."""

    @property
    def algorithm(self) -> str:
        """The signature algorithm's name, recorded with each checkpoint."""
        ...

    @property
    def key_id(self) -> str:
        """The fingerprint of the public key (see `key_id`)."""
        ...

    def sign(self, message: bytes) -> bytes:
        """The signature of `message`."""
        ...


class Ed25519Signer:
    """An Ed25519 private key that signs checkpoints."""

    __slots__ = ("_key", "_key_id")

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._key = private_key
        self._key_id = key_id(private_key.public_key())

    def __repr__(self) -> str:
        return f"Ed25519Signer(key_id={self._key_id!r})"

    @property
    def algorithm(self) -> str:
        """Always `ed25519`."""
        return SIGNATURE_ALGORITHM

    @property
    def key_id(self) -> str:
        """The fingerprint of this key's public half."""
        return self._key_id

    @property
    def public_key(self) -> Ed25519PublicKey:
        """The public half, for verifiers."""
        return self._key.public_key()

    def sign(self, message: bytes) -> bytes:
        """The 64-byte Ed25519 signature of `message`."""
        return self._key.sign(message)


def key_id(public_key: Ed25519PublicKey) -> str:
    """The key's fingerprint: the first 16 bytes of SHA-256 of the raw public key, in hex."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).digest()[:16].hex()


def generate_key_file(path: Path) -> Ed25519Signer:
    """Make a new key, write it to `path` as PKCS#8 PEM readable by its owner only (0600).

    Refuses to overwrite an existing file (FileExistsError): a lost signing key cannot be
    recovered, and the checkpoints it signed stay verifiable only with its public half.
    """
    private_key = Ed25519PrivateKey.generate()
    pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_EXCL with the mode at creation: the key is never readable by others, even briefly.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)
    return Ed25519Signer(private_key)


def load_signer(pem: str | bytes) -> Ed25519Signer:
    """A signer from PEM text (e.g. a setting); SigningKeyError if it is not an Ed25519 key."""
    data = pem.encode("ascii", "replace") if isinstance(pem, str) else pem
    try:
        private_key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        raise SigningKeyError(
            "the audit signing key is not an unencrypted PEM private key"
        ) from None
    if not isinstance(private_key, Ed25519PrivateKey):
        raise SigningKeyError("the audit signing key is not an Ed25519 key")
    return Ed25519Signer(private_key)


def read_signer(path: Path) -> Ed25519Signer:
    """A signer from a PEM file; SigningKeyError naming the file (not its content) if unreadable."""
    try:
        return load_signer(path.read_bytes())
    except OSError as error:
        raise SigningKeyError(
            f"cannot read the audit signing key {path}: {error.strerror}"
        ) from None
    except SigningKeyError as error:
        raise SigningKeyError(f"{path}: {error}") from None


def public_key_pem(public_key: Ed25519PublicKey) -> bytes:
    """The public key as SubjectPublicKeyInfo PEM, for verifiers."""
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def load_public_key(pem: str | bytes) -> Ed25519PublicKey:
    """An Ed25519 public key from PEM text; SigningKeyError if it is not one."""
    data = pem.encode("ascii", "replace") if isinstance(pem, str) else pem
    try:
        public_key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError):
        raise SigningKeyError("not a PEM public key") from None
    if not isinstance(public_key, Ed25519PublicKey):
        raise SigningKeyError("not an Ed25519 public key")
    return public_key


def read_public_key(path: Path) -> Ed25519PublicKey:
    """An Ed25519 public key from a PEM file; SigningKeyError naming the file if it is not one."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SigningKeyError(f"cannot read the public key {path}: {error.strerror}") from None
    if b"PRIVATE KEY" in data:
        # A verifier never needs the private key; do not encourage handing it out.
        raise SigningKeyError(f"{path} holds a private key: give its public key (*.pub.pem)")
    try:
        return load_public_key(data)
    except SigningKeyError as error:
        raise SigningKeyError(f"{path}: {error}") from None


def signature_valid(public_key: Ed25519PublicKey, signature: bytes, message: bytes) -> bool:
    """Whether `signature` is `public_key`'s signature of `message`."""
    try:
        public_key.verify(signature, message)
    except InvalidSignature:
        return False
    return True
