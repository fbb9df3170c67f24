"""The frontline app for grid workers' phones, served at `/app` (an offline-first PWA).

The app is static files — plain ES modules, no build step — in `static/`; this module only
serves them. `GET /app` and `/app/` answer `index.html`, `/app/sw.js` the service worker,
`/app/manifest.webmanifest` the manifest and `/app/static/…` everything else.

The service worker precaches the app shell: the server fills its file list and a version
(a digest of every file) in when serving it, so any change to a file makes browsers install
the new shell. Files are read once, when the feature is made.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from starlette.responses import Response

from frontline import __version__
from frontline.web.features import Feature

STATIC = Path(__file__).parent / "static"
PREFIX = "/app"
_SPECIAL = {"index.html", "sw.js", "manifest.webmanifest"}
_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
}
_COMMON = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}
# The app runs only its own modules and talks only to its own service; nobody may frame it.
# No inline script or style anywhere, so neither is allowed.
PAGE_HEADERS = {
    **_COMMON,
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-cache",
}
STATIC_CACHE = "no-cache"
"""Static files keep their names from one version to the next (no build step to hash them):
a browser revalidates each one (a 304 by ETag), and the service worker keeps the offline copy."""


@dataclass(frozen=True)
class _File:
    body: bytes
    media_type: str
    etag: str


@dataclass(frozen=True)
class Shell:
    """The app's files as served: path under `/app/static/` → file, and the special ones."""

    files: dict[str, _File]
    index: _File
    manifest: _File
    worker: _File
    version: str


def load_shell(folder: Path = STATIC) -> Shell:
    """Read the app from `folder` and fill in the service worker's file list and version."""
    files: dict[str, _File] = {}
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if not path.is_file() or any(part.startswith((".", "__")) for part in relative.split("/")):
            continue  # editor and cache files are not part of the app
        body = path.read_bytes()
        digest.update(relative.encode() + b"\0" + body + b"\0")
        files[relative] = _file(body, path.suffix)
    version = f"{__version__}+{digest.hexdigest()[:12]}"
    assets = sorted(name for name in files if name not in _SPECIAL)
    shell = [f"{PREFIX}/", f"{PREFIX}/manifest.webmanifest"]
    shell += [f"{PREFIX}/static/{name}" for name in assets]
    worker = files["sw.js"].body.decode()
    worker = worker.replace('"__VERSION__"', json.dumps(version))
    worker = worker.replace('["__SHELL__"]', json.dumps(shell))
    index = files["index.html"].body.decode().replace("__VERSION__", version)
    return Shell(
        files={name: files[name] for name in assets},
        index=_file(index.encode(), ".html"),
        manifest=files["manifest.webmanifest"],
        worker=_file(worker.encode(), ".js"),
        version=version,
    )


def _file(body: bytes, suffix: str) -> _File:
    media_type = _TYPES.get(suffix) or mimetypes.guess_type(f"x{suffix}")[0]
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    return _File(body, media_type or "application/octet-stream", etag)


def _answer(request: Request, file: _File, headers: dict[str, str]) -> Response:
    headers = {**headers, "ETag": file.etag}
    if file.etag in (t.strip() for t in request.headers.get("if-none-match", "").split(",")):
        return Response(status_code=304, headers=headers)
    return Response(file.body, media_type=file.media_type, headers=headers)


def router(shell: Shell | None = None) -> APIRouter:
    """The routes serving the app."""
    app_shell = shell or load_shell()
    web = APIRouter(prefix=PREFIX, include_in_schema=False)

    @web.get("")
    @web.get("/")
    def index(request: Request) -> Response:
        return _answer(request, app_shell.index, PAGE_HEADERS)

    @web.get("/sw.js")
    def service_worker(request: Request) -> Response:
        headers = {**_COMMON, "Service-Worker-Allowed": f"{PREFIX}/", "Cache-Control": "no-cache"}
        return _answer(request, app_shell.worker, headers)

    @web.get("/manifest.webmanifest")
    def manifest(request: Request) -> Response:
        return _answer(request, app_shell.manifest, {**_COMMON, "Cache-Control": STATIC_CACHE})

    @web.get("/static/{name:path}")
    def static(request: Request, name: str) -> Response:
        # Only the files read at start-up: nothing else on disk can be named here.
        file = app_shell.files.get(name)
        if file is None:
            raise HTTPException(status_code=404)
        return _answer(request, file, {**_COMMON, "Cache-Control": STATIC_CACHE})

    return web


def feature() -> Feature:
    """The frontline app as a feature of the service."""
    return Feature(name="mobile", routers=(router(),))
