"""Bearer tokens and the digests they are stored and found by.

A token is 32 random bytes (`secrets.token_urlsafe`, 43 characters). The database keeps only
its SHA-256 digest, so a leaked table grants nothing; a presented token is found by looking
its digest up in a unique index, which compares digests, never the secret itself, and
takes the same time whatever the token's first characters.
"""

from __future__ import annotations

import hashlib
import secrets

TOKEN_BYTES = 32
MAX_TOKEN_LENGTH = 128
"""Presented tokens longer than this are not even hashed: no real token is that long."""


def new_token() -> str:
    """A fresh bearer token."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def new_public_id() -> str:
    """A random identifier that may be shown (session and family ids): 128 bits."""
    return secrets.token_urlsafe(16)


def token_digest(token: str) -> str | None:
    """The hex SHA-256 digest a token is stored as; None for a token no server could issue."""
    if not token or len(token) > MAX_TOKEN_LENGTH or not token.isascii():
        return None
    return hashlib.sha256(token.encode("ascii")).hexdigest()
