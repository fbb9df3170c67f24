"""Signing keys: written for their owner only, read back, never shown; checkpoints signed."""

from __future__ import annotations

import dataclasses
import hashlib
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, generate_private_key
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from frontline.audit import (
    Ed25519Signer,
    SigningKeyError,
    generate_key_file,
    key_id,
    load_public_key,
    load_signer,
    public_key_pem,
    read_public_key,
    read_signer,
)
from frontline.audit.checkpoint import sign_statement, statement_signed


def test_a_new_key_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "audit.pem"
    signer = generate_key_file(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_signer(path).key_id == signer.key_id
    with pytest.raises(FileExistsError):
        generate_key_file(path)


def test_a_key_loads_from_pem_text_as_settings_hold_it(
    signer: Ed25519Signer, tmp_path: Path
) -> None:
    pem = (tmp_path / "keys" / "audit.pem").read_text()
    assert load_signer(pem).key_id == signer.key_id


def test_the_key_id_is_the_public_keys_fingerprint(signer: Ed25519Signer) -> None:
    raw = signer.public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert signer.key_id == key_id(signer.public_key) == hashlib.sha256(raw).hexdigest()[:32]
    assert load_public_key(public_key_pem(signer.public_key)) == signer.public_key


def test_the_private_key_never_shows(signer: Ed25519Signer, tmp_path: Path) -> None:
    pem = (tmp_path / "keys" / "audit.pem").read_text()
    body = pem.splitlines()[1]
    assert body not in repr(signer)
    assert signer.key_id in repr(signer)


def test_a_broken_key_is_refused_without_quoting_it(tmp_path: Path) -> None:
    path = tmp_path / "broken.pem"
    path.write_text("-----BEGIN PRIVATE KEY-----\nSECRETSECRETSECRET\n-----END PRIVATE KEY-----\n")
    with pytest.raises(SigningKeyError) as raised:
        read_signer(path)
    assert "SECRET" not in str(raised.value)
    assert str(path) in str(raised.value)
    with pytest.raises(SigningKeyError, match="cannot read"):
        read_signer(tmp_path / "absent.pem")


def test_only_unencrypted_ed25519_keys_sign(tmp_path: Path) -> None:
    ec_key = generate_private_key(SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    with pytest.raises(SigningKeyError, match="not an Ed25519 key"):
        load_signer(ec_key)
    encrypted = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"passphrase"),
    )
    with pytest.raises(SigningKeyError, match="unencrypted"):
        load_signer(encrypted)


def test_a_verifier_is_given_public_keys_only(signer: Ed25519Signer, tmp_path: Path) -> None:
    public = tmp_path / "audit.pub.pem"
    public.write_bytes(public_key_pem(signer.public_key))
    assert read_public_key(public) == signer.public_key
    with pytest.raises(SigningKeyError, match="private key"):
        read_public_key(tmp_path / "keys" / "audit.pem")


def test_a_checkpoint_statement_verifies_only_as_signed(signer: Ed25519Signer) -> None:
    at = datetime(2026, 11, 30, 8, 0, 0, 123456, tzinfo=UTC)
    statement, signature = sign_statement(
        signer, seq=1000, prev_seq=0, hash="ab" * 32, hash_algorithm="sha256", at=at
    )
    assert statement.message().startswith(b"frontline audit checkpoint v1\n{")
    assert statement_signed(statement, signature, signer.public_key)
    other = Ed25519PrivateKey.generate().public_key()
    assert not statement_signed(statement, signature, other)
    moved = dataclasses.replace(statement, seq=999)
    assert not statement_signed(moved, signature, signer.public_key)
    assert not statement_signed(statement, "zz", signer.public_key)
