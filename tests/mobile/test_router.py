"""The routes serving the frontline app at /app: the page, the service worker, the manifest and
the static files, their media types and caching."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from frontline.web import create_app, default_features, mobile
from tests.web.client import Client
from tests.web.conftest import settings_for

JS = "text/javascript; charset=utf-8"


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    app = FastAPI()
    app.include_router(mobile.router())
    with Client(app) as running:
        yield running


def _shell_urls(worker: str) -> list[str]:
    match = re.search(r"const SHELL = (\[.*?\]);", worker)
    assert match, "the service worker names its shell"
    urls: list[str] = json.loads(match.group(1))
    return urls


@pytest.mark.parametrize("path", ["/app", "/app/"])
def test_the_page_is_served_at_app_with_a_strict_policy(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["cache-control"] == "no-cache"
    page = response.text
    assert '<html lang="zh-CN">' in page
    assert "__VERSION__" not in page
    assert f'content="{mobile.load_shell().version}"' in page
    # Absolute links: the page works at /app as well as /app/.
    assert 'src="/app/static/js/main.js"' in page
    assert 'href="/app/manifest.webmanifest"' in page
    # No inline script or style: the policy would block them.
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page) is None
    assert "style=" not in page


def test_the_service_worker_may_control_app_and_names_its_shell(client: Client) -> None:
    response = client.get("/app/sw.js")
    assert response.status_code == 200
    assert response.headers["content-type"] == JS
    assert response.headers["service-worker-allowed"] == "/app/"
    assert response.headers["cache-control"] == "no-cache"
    worker = response.text
    assert "__VERSION__" not in worker
    assert '"__SHELL__"' not in worker
    assert f'const VERSION = "{mobile.load_shell().version}";' in worker
    shell = _shell_urls(worker)
    assert shell[:2] == ["/app/", "/app/manifest.webmanifest"]
    assert "/app/static/js/main.js" in shell
    assert "/app/static/app.css" in shell
    assert "/app/static/icons/icon-192.png" in shell
    assert "/app/sw.js" not in shell
    for url in shell:
        assert client.get(url).status_code == 200, url


def test_every_file_of_the_app_is_in_the_shell(client: Client) -> None:
    shell = set(_shell_urls(client.get("/app/sw.js").text))
    static = mobile.STATIC
    for path in static.rglob("*"):
        name = path.relative_to(static).as_posix()
        if path.is_file() and name not in {"index.html", "sw.js", "manifest.webmanifest"}:
            assert f"/app/static/{name}" in shell, name


def test_the_manifest_makes_the_app_installable(client: Client) -> None:
    response = client.get("/app/manifest.webmanifest")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["start_url"] == "/app/"
    assert manifest["scope"] == "/app/"
    assert manifest["display"] == "standalone"
    assert manifest["lang"] == "zh-CN"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])
    for icon in manifest["icons"]:
        answer = client.get(icon["src"])
        assert answer.status_code == 200, icon["src"]
        assert answer.headers["content-type"] == icon["type"]


@pytest.mark.parametrize(
    ("path", "media_type"),
    [
        ("/app/static/js/main.js", JS),
        ("/app/static/app.css", "text/css; charset=utf-8"),
        ("/app/static/icons/icon.svg", "image/svg+xml"),
        ("/app/static/icons/icon-512.png", "image/png"),
    ],
)
def test_static_files_are_revalidated_by_etag(client: Client, path: str, media_type: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == media_type
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["x-content-type-options"] == "nosniff"
    etag = response.headers["etag"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200


def test_png_icons_are_pngs_of_their_size() -> None:
    for name, size in [("icon-192.png", 192), ("icon-512.png", 512), ("maskable-512.png", 512)]:
        data = (mobile.STATIC / "icons" / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        assert int.from_bytes(data[16:20], "big") == size
        assert int.from_bytes(data[20:24], "big") == size


@pytest.mark.parametrize(
    "path",
    [
        "/app/static/nothing.js",
        "/app/static/index.html",  # served at /app/ only
        "/app/static/sw.js",
        "/app/static/%2e%2e/__init__.py",
        "/app/static/..%2f__init__.py",
        "/app/static/js/",
    ],
)
def test_nothing_else_is_served(client: Client, path: str) -> None:
    assert client.get(path).status_code == 404


def test_every_module_import_resolves() -> None:
    folder = mobile.STATIC / "js"
    modules = list(folder.rglob("*.js"))
    assert folder / "forms" / "expressions.js" in modules
    for module in modules:
        text = module.read_text(encoding="utf-8")
        for target in re.findall(r'from "(\.\.?/[^"]+)"', text):
            assert (module.parent / target).resolve().is_file(), f"{module.name} imports {target}"


def test_the_app_loads_nothing_from_elsewhere() -> None:
    for path in mobile.STATIC.rglob("*"):
        if path.suffix in {".js", ".css", ".html", ".webmanifest", ".svg"}:
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", text), path.name


def test_a_changed_file_changes_the_version(tmp_path: Path) -> None:
    copy = tmp_path / "static"
    shutil.copytree(mobile.STATIC, copy)
    before = mobile.load_shell(copy)
    (copy / "app.css").write_text("body { color: red; }\n", encoding="utf-8")
    (copy / ".app.css.swp").write_text("editor scratch", encoding="utf-8")
    after = mobile.load_shell(copy)
    assert after.version != before.version
    assert ".app.css.swp" not in after.files
    assert after.version.encode() in after.worker.body


def test_the_feature_installs_in_the_service(tmp_path: Path) -> None:
    settings = settings_for(f"sqlite:///{tmp_path / 'store.db'}", tmp_path / "var")
    app = create_app(settings, features=[*default_features(), mobile.feature()])
    assert mobile.feature().name == "mobile"
    with Client(app) as running:
        page = running.get("/app/")
        assert page.status_code == 200
        assert "网格员工作台" in page.text
        assert running.get("/app/sw.js").headers["service-worker-allowed"] == "/app/"
        # Unknown files answer the service's problem details.
        missing = running.get("/app/static/missing.js")
        assert missing.status_code == 404
        assert missing.headers["content-type"].startswith("application/problem+json")
        # The app is not part of the API's description.
        spec = running.get("/openapi.json").json()
        assert not [path for path in spec["paths"] if path.startswith("/app")]
