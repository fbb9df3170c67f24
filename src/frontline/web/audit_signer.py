"""The audit checkpoint signer and the batching audit writer of one app, for routes that
append to the audit log.

Read from `FRONTLINE_AUDIT_KEY_FILE` on first use and kept on the app. In the embedded and
development modes a missing key file is made (mode 0600); production must provide one, and
without it the request fails rather than write checkpoints nobody can sign.

    def route(..., signer: AuditSignerDep) -> ...:
        read_subject(connection, principal, purpose, subject, now=now, signer=signer)
"""

from __future__ import annotations

from typing import Annotated

import anyio.to_thread
from fastapi import Depends, Request
from sqlalchemy import Engine

from frontline.audit import (
    AuditWriter,
    Ed25519Signer,
    SigningKeyError,
    generate_key_file,
    read_signer,
)
from frontline.settings import Settings

_STATE = "audit_signer"


async def get_signer(request: Request) -> Ed25519Signer:
    """The app's checkpoint signer (loaded, or in embedded/development mode made, once).

    A coroutine: after the first request it is an attribute read, not worth a hop to a
    worker thread; the first one reads (or writes) the key file in a worker thread.
    """
    found: Ed25519Signer | None = getattr(request.app.state, _STATE, None)
    if found is None:
        found = await anyio.to_thread.run_sync(app_signer, request)
    return found


def app_signer(request: Request) -> Ed25519Signer:
    """`get_signer` for code running in a worker thread."""
    found: Ed25519Signer | None = getattr(request.app.state, _STATE, None)
    if found is None:
        # Two first requests at once both load the same file: harmless, so no lock.
        found = load_app_signer(request.app.state.settings)
        setattr(request.app.state, _STATE, found)
    return found


def load_app_signer(settings: Settings) -> Ed25519Signer:
    """The signer `settings` name; made first outside production when its file is missing."""
    path = settings.audit_key_file
    if path is None:  # filled in by the settings' validation
        raise SigningKeyError("no audit signing key file is configured")
    if not path.exists() and settings.environment != "production":
        try:
            return generate_key_file(path)
        except FileExistsError:  # another process made it just now
            pass
    return read_signer(path)


AuditSignerDep = Annotated[Ed25519Signer, Depends(get_signer)]


async def get_writer(request: Request) -> AuditWriter | None:
    """The app's batching audit writer (PostgreSQL; made at start-up), or None: then reads
    append in their own transaction."""
    return app_writer(request)


def app_writer(request: Request) -> AuditWriter | None:
    """`get_writer` for a route that takes it itself."""
    writer: AuditWriter | None = getattr(request.app.state, "audit_writer", None)
    return writer


def start_writer(app_state: object, settings: Settings, engine: Engine) -> None:
    """Give the app a batching audit writer when its database is a server (see
    `frontline.audit.writer`: on SQLite a request holding the write lock would wait for it)."""
    if engine.dialect.name == "postgresql":
        signer = load_app_signer(settings)
        setattr(app_state, _STATE, signer)
        app_state.audit_writer = AuditWriter(engine, signer=signer)  # type: ignore[attr-defined]


def stop_writer(app_state: object) -> None:
    """Append what the writer holds and stop it."""
    writer: AuditWriter | None = getattr(app_state, "audit_writer", None)
    if writer is not None:
        writer.close()


AuditWriterDep = Annotated[AuditWriter | None, Depends(get_writer)]
