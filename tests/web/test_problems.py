"""Every error is RFC 9457 problem details, in the reader's language, declared in the spec."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import APIRouter
from sqlalchemy import Engine

from frontline.staff.accounts import create_department, list_departments
from frontline.web import Feature, Problem, create_app, default_features, problems
from frontline.web.catalogue import Catalogue
from frontline.web.deps import ConnectionDep
from frontline.web.messages import core_messages
from frontline.web.problems import FORBIDDEN, PROBLEM_MEDIA_TYPE, ProblemType
from tests.web.client import Client
from tests.web.conftest import PASSWORD, SESSION_SETTINGS, Clock, bearer, settings_for, sign_in

ID_NUMBER = "110101199003074514"


def _shape(response_json: dict[str, object], status: int) -> None:
    assert set(response_json) >= {"type", "title", "status", "detail", "instance"}
    assert response_json["status"] == status
    assert str(response_json["type"]).startswith("/problems/")
    assert str(response_json["instance"]).startswith("urn:uuid:")
    assert response_json["title"]
    assert response_json["detail"]


def _unauthenticated(client: Client) -> tuple[int, dict[str, object]]:
    response = client.get("/api/v1/me")
    assert response.headers["www-authenticate"] == "Bearer"
    return response.status_code, response.json()


def _forbidden(client: Client) -> tuple[int, dict[str, object]]:
    response = client.get("/api/v1/quality/departments", headers=bearer(sign_in(client, "worker")))
    return response.status_code, response.json()


def _not_found(client: Client) -> tuple[int, dict[str, object]]:
    response = client.get(f"/api/v1/people/{ID_NUMBER}")
    return response.status_code, response.json()


def _invalid(client: Client) -> tuple[int, dict[str, object]]:
    response = client.post("/api/v1/auth/sign-in", json={"username": ID_NUMBER, "password": ""})
    return response.status_code, response.json()


def _rate_limited(client: Client) -> tuple[int, dict[str, object]]:
    for _ in range(SESSION_SETTINGS.max_attempts_per_window + 1):
        response = client.post(
            "/api/v1/auth/sign-in", json={"username": ID_NUMBER, "password": "wrong-password"}
        )
    return response.status_code, response.json()


@pytest.mark.parametrize(
    ("status", "cause"),
    [
        (401, _unauthenticated),
        (403, _forbidden),
        (404, _not_found),
        (422, _invalid),
        (429, _rate_limited),
    ],
)
def test_errors_are_problem_details_without_personal_data(
    client: Client, status: int, cause: Callable[[Client], tuple[int, dict[str, object]]]
) -> None:
    got, body = cause(client)
    assert got == status
    _shape(body, status)
    # Neither the submitted ID number nor the path that held it comes back.
    assert ID_NUMBER not in str(body)


def test_problems_speak_the_readers_language(client: Client) -> None:
    zh = client.get("/api/v1/me")
    assert zh.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert zh.headers["content-language"] == "zh-CN"
    assert zh.json()["title"] == "未登录"
    en = client.get("/api/v1/me", headers={"Accept-Language": "en-GB,en;q=0.9,zh;q=0.5"})
    assert en.headers["content-language"] == "en"
    assert en.json()["title"] == "Not signed in"
    assert "Sign in first" in en.json()["detail"]


def test_invalid_requests_list_each_field(client: Client) -> None:
    response = client.post(
        "/api/v1/auth/sign-in",
        json={"username": "", "extra": 1},
        headers={"Accept-Language": "zh-CN"},
    )
    body = response.json()
    fields = {(e["location"], e["field"]): e for e in body["errors"]}
    assert set(fields) == {("body", "username"), ("body", "password")}
    assert fields["body", "password"]["type"] == "missing"
    assert fields["body", "password"]["message"] == "必须填写此项。"
    assert fields["body", "username"]["message"] == "内容太短（至少 1 个字符）。"
    assert "2" in body["detail"]  # "请求中有 2 处错误"


def test_a_malformed_body_is_a_problem_too(client: Client) -> None:
    response = client.post(
        "/api/v1/auth/sign-in",
        content=b"{not json",
        headers={"Content-Type": "application/json", "Accept-Language": "en"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["type"] == "json_invalid"


def test_wrong_method_says_which_are_allowed(client: Client) -> None:
    response = client.get("/api/v1/auth/sign-in")
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    _shape(response.json(), 405)


def test_unknown_hosts_are_refused(client: Client) -> None:
    response = client.get("/healthz", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert response.json()["type"] == "/problems/invalid-host"
    assert client.get("/healthz", headers={"Host": "localhost:8000"}).status_code == 200


def _test_feature() -> Feature:
    router = APIRouter(prefix="/test")

    @router.post("/ok")
    def ok(connection: ConnectionDep) -> dict[str, str]:
        create_department(connection, code="committed", name="提交")
        return {"status": "ok"}

    @router.post("/keep")
    def keep(connection: ConnectionDep) -> None:
        create_department(connection, code="kept", name="保留")
        raise Problem(FORBIDDEN, keep_changes=True)

    @router.post("/drop")
    def drop(connection: ConnectionDep) -> None:
        create_department(connection, code="dropped", name="丢弃")
        raise Problem(FORBIDDEN)

    @router.post("/crash")
    def crash(connection: ConnectionDep) -> None:
        create_department(connection, code="crashed", name="崩溃")
        raise RuntimeError(f"failed on {ID_NUMBER}")

    return Feature(name="test", routers=(router,))


@pytest.fixture
def test_client(engine: Engine, database_url: str, tmp_path: Path) -> Iterator[Client]:
    app = create_app(
        settings_for(database_url, tmp_path / "var"),
        features=[*default_features(), _test_feature()],
        clock=Clock(),
        session_settings=SESSION_SETTINGS,
    )
    with Client(app) as client:
        yield client


def test_one_transaction_per_request(test_client: Client, engine: Engine) -> None:
    assert test_client.post("/test/ok").status_code == 200
    assert test_client.post("/test/keep").status_code == 403
    assert test_client.post("/test/drop").status_code == 403
    with engine.connect() as connection:
        codes = {d.code for d in list_departments(connection)}
    assert codes == {"committed", "kept"}


def test_server_errors_hide_the_cause_but_log_a_reference(
    test_client: Client, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="frontline.web"):
        response = test_client.post("/test/crash", headers={"Accept-Language": "en"})
    assert response.status_code == 500
    body = response.json()
    _shape(body, 500)
    assert ID_NUMBER not in response.text
    assert "Traceback" not in response.text
    assert "RuntimeError" not in response.text
    assert body["instance"] in caplog.text  # the reference a person quotes is in the log
    with engine.connect() as connection:
        assert "crashed" not in {d.code for d in list_departments(connection)}


def _problem_types() -> list[ProblemType]:
    return [v for v in vars(problems).values() if isinstance(v, ProblemType)]


def test_every_problem_type_has_both_languages() -> None:
    catalogue = Catalogue(core_messages())
    for kind in _problem_types():
        for part in ("title", "detail"):
            text = catalogue.get(f"problem.{kind.slug}.{part}")
            assert text.zh
            assert text.en
            assert text.zh != text.en


def test_the_spec_declares_problem_responses_everywhere(tmp_path: Path) -> None:
    # The spec needs no database: the app connects lazily.
    app = create_app(settings_for(f"sqlite:///{tmp_path / 'none.db'}", tmp_path / "var"))
    spec = app.openapi()
    assert "ProblemDetails" in spec["components"]["schemas"]
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            errors = {s: r for s, r in operation["responses"].items() if s[0] in "45"}
            assert errors, f"{method} {path} declares no error response"
            for status, response in errors.items():
                assert list(response["content"]) == [PROBLEM_MEDIA_TYPE], (path, status)
            if "security" in operation:
                assert "401" in errors, path
    assert set(spec["paths"]) >= {
        "/healthz",
        "/api/v1/auth/sign-in",
        "/api/v1/auth/refresh",
        "/api/v1/auth/sign-out",
        "/api/v1/me",
        "/api/v1/quality/departments",
    }


def test_the_password_never_comes_back(client: Client) -> None:
    response = client.post(
        "/api/v1/auth/sign-in", json={"username": "admin", "password": PASSWORD + "x" * 2000}
    )
    assert response.status_code == 422
    assert PASSWORD not in response.text


def test_an_unreadable_body_is_a_bad_request(client: Client) -> None:
    response = client.post(
        "/api/v1/auth/refresh",
        content=b"\xff\xfe{",
        headers={"Content-Type": "application/json", "Accept-Language": "en"},
    )
    assert response.status_code == 400
    body = response.json()
    _shape(body, 400)
    assert body["type"] == "/problems/bad-request"
    assert "UTF-8 JSON" in body["detail"]


@pytest.mark.parametrize(
    ("seconds", "zh", "en"),
    [(5, "5 秒", "5 seconds"), (89, "89 秒", "89 seconds"), (90, "2 分钟", "2 minutes"),
     (900, "15 分钟", "15 minutes"), (901, "16 分钟", "16 minutes")],
)  # fmt: skip
def test_waits_are_told_in_words_people_use(seconds: int, zh: str, en: str) -> None:
    assert problems.waiting_time(seconds, "zh") == zh
    assert problems.waiting_time(seconds, "en") == en


def test_the_access_log_names_routes_not_paths(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="frontline.web.access"):
        client.get(f"/api/v1/me?id={ID_NUMBER}")
        client.get(f"/console/people/{ID_NUMBER}")
        client.get("/static/console.css")
    lines = [r.getMessage() for r in caplog.records if r.name == "frontline.web.access"]
    assert [line.rsplit(" ", 2)[0] for line in lines] == [
        "GET /api/v1/me 401",
        "GET - 404",
        "GET /static/… 200",
    ]
    assert ID_NUMBER not in caplog.text
