"""The console in-process: sign-in with errors in place, cookies, CSRF, navigation by role,
the language switch, renewal, sign-out and error pages."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import Engine

from tests.quality.factories import City, publish_city
from tests.web.client import Client
from tests.web.conftest import PASSWORD, SESSION_SETTINGS, Clock

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _csrf(client: Client, path: str = "/console/sign-in") -> str:
    page = client.get(path)
    found = CSRF.search(page.text)
    assert found, page.text
    return found.group(1)


def console_sign_in(client: Client, username: str, *, next_path: str = "") -> None:
    response = client.post(
        "/console/sign-in",
        data={
            "username": username,
            "password": PASSWORD,
            "csrf_token": _csrf(client),
            "next": next_path,
        },
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == (next_path or "/console")


def _cookies(response_headers: list[str]) -> dict[str, str]:
    return {h.split("=", 1)[0]: h for h in response_headers}


def test_pages_need_a_sign_in_and_come_back_after_it(client: Client) -> None:
    home = client.get("/console")
    assert home.status_code == 303
    assert home.headers["location"] == "/console/sign-in?reason=required"
    quality = client.get("/console/quality")
    assert (
        quality.headers["location"] == "/console/sign-in?reason=required&next=%2Fconsole%2Fquality"
    )
    form = client.get(quality.headers["location"])
    assert "请先登录" in form.text
    assert 'name="next" value="/console/quality"' in form.text
    console_sign_in(client, "steward", next_path="/console/quality")
    assert client.get("/console/quality").status_code == 200


def test_sign_in_sets_strict_http_only_cookies_for_the_console_only(client: Client) -> None:
    token = _csrf(client)
    response = client.post(
        "/console/sign-in",
        data={"username": "admin", "password": PASSWORD, "csrf_token": token},
    )
    cookies = _cookies(response.headers.get_list("set-cookie"))
    for name in ("frontline_access", "frontline_refresh"):
        attributes = cookies[name].lower()
        assert "httponly" in attributes
        assert "samesite=strict" in attributes
        assert "path=/console" in attributes
        assert "secure" not in attributes  # embedded mode serves plain HTTP on localhost
    # The API does not take the cookie: it wants a Bearer token.
    access = client.cookies.get("frontline_access", path="/console")
    assert access
    as_cookie = {"Cookie": f"frontline_access={access}"}
    assert client.get("/api/v1/me", headers=as_cookie).status_code == 401


def test_pages_forbid_framing_and_scripts(client: Client) -> None:
    page = client.get("/console/sign-in")
    policy = page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'none'" in policy
    assert page.headers["x-frame-options"] == "DENY"
    assert "<script" not in page.text


def test_errors_are_shown_in_place(client: Client) -> None:
    token = _csrf(client)
    wrong = client.post(
        "/console/sign-in",
        data={"username": "manager", "password": "wrong-password", "csrf_token": token},
    )
    assert wrong.status_code == 401
    assert "用户名或密码不正确" in wrong.text
    assert 'value="manager"' in wrong.text  # what was typed stays, but never the password
    assert "wrong-password" not in wrong.text
    empty = client.post("/console/sign-in", data={"username": " ", "csrf_token": token})
    assert empty.status_code == 422
    assert "请输入用户名和密码" in empty.text


def test_forms_without_the_csrf_token_are_refused(client: Client) -> None:
    _csrf(client)  # the browser has its cookie, but the forged form lacks the token
    forged = client.post(
        "/console/sign-in", data={"username": "admin", "password": PASSWORD, "csrf_token": "x"}
    )
    assert forged.status_code == 403
    assert "表单已过期" in forged.text
    assert "frontline_access" not in forged.headers.get("set-cookie", "")
    console_sign_in(client, "admin")
    sign_out = client.post("/console/sign-out", data={"csrf_token": "forged"})
    assert sign_out.status_code == 403
    assert client.get("/console").status_code == 200  # still signed in


NAVIGATION = [
    ("steward", True),
    ("admin", True),
    ("manager", True),
    ("worker", False),
    ("clerk", False),
    ("auditor", False),
]


@pytest.mark.parametrize(("username", "sees_quality"), NAVIGATION)
def test_navigation_follows_roles(client: Client, username: str, sees_quality: bool) -> None:
    console_sign_in(client, username)
    home = client.get("/console")
    assert home.status_code == 200
    assert 'href="/console" aria-current="page"' in home.text
    assert ('href="/console/quality"' in home.text) == sees_quality
    assert f"测试{username}" in home.text
    assert "民政局" in home.text  # the department's name, not its code
    quality = client.get("/console/quality")
    assert quality.status_code == (200 if sees_quality else 403)
    if not sees_quality:
        assert "无权访问" in quality.text
        assert 'class="main-nav"' in quality.text  # the error page keeps the shell


def test_quality_page_draws_the_departments(client: Client, engine: Engine) -> None:
    console_sign_in(client, "steward")
    empty = client.get("/console/quality")
    assert 'data-testid="no-run"' in empty.text
    publish_city(engine, City(scale=0.01))
    page = client.get("/console/quality")
    assert page.text.count("<svg") == 2
    assert "公安局" in page.text
    assert "民政局" in page.text


def test_a_manager_sees_their_department_on_the_quality_page(
    client: Client, engine: Engine
) -> None:
    publish_city(engine, City(scale=0.01))
    console_sign_in(client, "manager")
    page = client.get("/console/quality")
    assert "仅显示本部门（民政局）" in page.text
    assert "公安局" not in page.text


def test_language_switch_is_remembered(client: Client) -> None:
    chinese = client.get("/console/sign-in")
    assert '<html lang="zh-CN">' in chinese.text
    assert 'href="/console/sign-in?lang=en"' in chinese.text
    english = client.get("/console/sign-in?lang=en")
    assert '<html lang="en">' in english.text
    assert "Sign in with your staff account." in english.text
    assert client.get("/console/sign-in").text.count('<html lang="en">') == 1
    back = client.get("/console/sign-in?lang=zh")
    assert '<html lang="zh-CN">' in back.text


def test_an_expired_access_token_is_renewed_from_the_refresh_cookie(
    client: Client, clock: Clock
) -> None:
    console_sign_in(client, "steward")
    before = client.cookies.get("frontline_access", path="/console")
    clock.advance(SESSION_SETTINGS.access_ttl + timedelta(minutes=1))
    page = client.get("/console")
    assert page.status_code == 200
    renewed = _cookies(page.headers.get_list("set-cookie"))
    assert {"frontline_access", "frontline_refresh"} <= set(renewed)
    assert client.cookies.get("frontline_access", path="/console") != before
    assert client.get("/console").status_code == 200
    clock.advance(SESSION_SETTINGS.refresh_ttl)
    assert client.get("/console").status_code == 303  # the working day is over


def test_sign_out_ends_the_session(client: Client) -> None:
    console_sign_in(client, "auditor")
    token = _csrf(client, "/console")
    out = client.post("/console/sign-out", data={"csrf_token": token})
    assert out.status_code == 303
    assert out.headers["location"] == "/console/sign-in?reason=signed_out"
    assert "frontline_access" not in client.cookies
    assert client.get("/console").status_code == 303
    assert "您已退出登录" in client.get(out.headers["location"]).text


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example", "/api/v1/me", "/console\\@evil"]
)
def test_next_never_leaves_the_console(client: Client, target: str) -> None:
    response = client.post(
        "/console/sign-in",
        data={
            "username": "admin",
            "password": PASSWORD,
            "csrf_token": _csrf(client),
            "next": target,
        },
    )
    assert response.headers["location"] == "/console"


def test_unknown_console_pages_are_pages_too(client: Client) -> None:
    response = client.get("/console/nowhere", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Not found" in response.text
    assert "urn:uuid:" in response.text


def test_the_root_and_the_docs(client: Client) -> None:
    assert client.get("/").headers["location"] == "/console"
    docs = client.get("/docs")
    assert "/static/swagger/swagger-ui-bundle.js" in docs.text
    assert "cdn" not in docs.text.lower()
    assert client.get("/static/swagger/swagger-ui-bundle.js").status_code == 200
    assert client.get("/healthz").json()["status"] == "ok"
