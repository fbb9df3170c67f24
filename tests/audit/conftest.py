"""A checkpoint signing key of the test's own."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from frontline.audit import Ed25519Signer, generate_key_file


@pytest.fixture
def signer(tmp_path: Path) -> Ed25519Signer:
    """A fresh Ed25519 signing key, written to the test's temporary folder."""
    return generate_key_file(tmp_path / "keys" / "audit.pem")


@pytest.fixture
def public_keys(signer: Ed25519Signer) -> dict[str, Ed25519PublicKey]:
    """The verifier's view: the signer's public key by its key id."""
    return {signer.key_id: signer.public_key}
