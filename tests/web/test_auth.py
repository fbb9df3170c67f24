"""Sign-in, refresh, sign-out and `/me` through HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from tests.web.client import Client
from tests.web.conftest import PASSWORD, SESSION_SETTINGS, Clock, bearer, sign_in


def test_sign_in_answers_tokens_that_open_me(client: Client) -> None:
    response = client.post(
        "/api/v1/auth/sign-in", json={"username": "Manager", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    tokens = response.json()
    assert tokens["token_type"] == "bearer"  # noqa: S105 - a token type
    assert tokens["expires_in"] == SESSION_SETTINGS.access_ttl.total_seconds()
    assert tokens["access_token"] != tokens["refresh_token"]

    me = client.get("/api/v1/me", headers=bearer(tokens))
    assert me.status_code == 200
    assert me.json() == {
        "staff_id": me.json()["staff_id"],
        "username": "manager",
        "display_name": "测试manager",
        "department": "civil_affairs",
        "roles": ["department_manager"],
        "area": "330106001001001",
        "session_id": tokens["session_id"],
    }


def test_me_needs_a_live_access_token(client: Client, clock: Clock) -> None:
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer nonsense"}).status_code == 401
    tokens = sign_in(client, "worker")
    clock.advance(SESSION_SETTINGS.access_ttl + timedelta(seconds=1))
    expired = client.get("/api/v1/me", headers=bearer(tokens))
    assert expired.status_code == 401
    assert 'error="invalid_token"' in expired.headers["www-authenticate"]


def test_refresh_rotates_and_a_reused_refresh_token_ends_the_session(
    client: Client, clock: Clock
) -> None:
    first = sign_in(client, "steward")
    clock.advance(timedelta(minutes=20))
    renewed = client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert renewed.status_code == 200
    second = renewed.json()
    assert client.get("/api/v1/me", headers=bearer(second)).status_code == 200

    reused = client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert reused.status_code == 401
    assert reused.json()["type"] == "/problems/session-invalid"
    # Reuse means the tokens leaked: the newer pair stops working too.
    assert client.get("/api/v1/me", headers=bearer(second)).status_code == 401


def test_sign_out_ends_both_tokens(client: Client) -> None:
    tokens = sign_in(client, "auditor")
    assert client.post("/api/v1/auth/sign-out", headers=bearer(tokens)).status_code == 204
    assert client.get("/api/v1/me", headers=bearer(tokens)).status_code == 401
    refused = client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refused.status_code == 401
    assert client.post("/api/v1/auth/sign-out").status_code == 401


def test_wrong_password_then_lock_out_with_retry_after(client: Client, clock: Clock) -> None:
    wrong = {"username": "clerk", "password": "not-the-password"}
    for _ in range(SESSION_SETTINGS.lockout_threshold - 1):
        refused = client.post("/api/v1/auth/sign-in", json=wrong)
        assert refused.status_code == 401
        assert refused.json()["type"] == "/problems/bad-credentials"
    locking = client.post("/api/v1/auth/sign-in", json=wrong)
    assert locking.status_code == 423
    # Even the right password waits now: the refusals were kept though the requests failed.
    locked = client.post("/api/v1/auth/sign-in", json={"username": "clerk", "password": PASSWORD})
    assert locked.status_code == 423
    body = locked.json()
    assert body["type"] == "/problems/account-locked"
    wait = int(locked.headers["retry-after"])
    assert body["retry_after"] == wait
    assert 0 < wait <= SESSION_SETTINGS.lockout_duration.total_seconds()
    minutes = -(-wait // 60)
    assert f"请在 {minutes} 分钟后再试" in body["detail"]

    clock.advance(timedelta(seconds=wait + 1))
    assert sign_in(client, "clerk")["access_token"]


def test_too_many_attempts_from_one_client_are_rate_limited(client: Client) -> None:
    statuses = []
    for i in range(SESSION_SETTINGS.max_attempts_per_window + 1):
        # Different (unknown) names, so no single account locks: the client is what is limited.
        response = client.post(
            "/api/v1/auth/sign-in", json={"username": f"nobody{i}", "password": "x" * 12}
        )
        statuses.append(response.status_code)
    assert statuses[0] == 401
    assert statuses[-1] == 429
    assert int(response.headers["retry-after"]) > 0
    assert response.json()["type"] == "/problems/rate-limited"


def test_inactive_accounts_are_told_so(client: Client) -> None:
    from sqlalchemy import update

    from frontline.staff.models import StaffMember

    engine = client.app.state.engine
    with engine.begin() as connection:
        connection.execute(
            update(StaffMember).where(StaffMember.username == "worker").values(active=False)
        )
    refused = client.post("/api/v1/auth/sign-in", json={"username": "worker", "password": PASSWORD})
    assert refused.status_code == 403
    assert refused.json()["type"] == "/problems/account-inactive"


def test_signing_out_twice_or_with_a_made_up_token_is_refused(client: Client) -> None:
    tokens = sign_in(client, "admin")
    assert client.post("/api/v1/auth/sign-out", headers=bearer(tokens)).status_code == 204
    assert client.post("/api/v1/auth/sign-out", headers=bearer(tokens)).status_code == 401
    made_up = {"Authorization": "Bearer made-up"}
    assert client.post("/api/v1/auth/sign-out", headers=made_up).status_code == 401
