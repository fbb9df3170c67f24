"""Devices over the API, on SQLite and PostgreSQL: enrolment, two-factor sign-in with
DPoP-bound tokens, check-in, packages with their receipts and the inventory, lock, wipe and
revoke — with a phone simulated in Python (the browser's part is tested in tests/mobile)."""

from __future__ import annotations

import json
import secrets
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from joserfc import jws
from joserfc.jwk import ECKey
from sqlalchemy import Engine, select

from frontline.audit import AuditEvent
from frontline.devices.models import DpopProof
from frontline.devices.proofs import token_hash
from frontline.staff.accounts import create_staff, find_staff
from frontline.staff.roles import Role
from frontline.store import write_transaction
from frontline.tasks import assign_task, cancel_task, create_task
from frontline.web import create_app
from tests.access.world import build_world
from tests.web.client import Client
from tests.web.conftest import (
    CHEAP,
    PASSWORD,
    SESSION_SETTINGS,
    Clock,
    add_members,
    bearer,
    settings_for,
    sign_in,
)

BASE = "http://testserver"


class Phone:
    """A device: its own P-256 key, proofs for each request, its tokens once signed in."""

    def __init__(self, client: Client | httpx.Client, clock: Clock, base: str = BASE) -> None:
        self.client = client
        self.clock = clock
        self.base = base
        self.key = ECKey.generate_key("P-256")
        self.access: str | None = None
        self.refresh: str | None = None

    @property
    def public_key(self) -> dict[str, Any]:
        return dict(self.key.as_dict(private=False))

    def proof(self, method: str, path: str, token: str | None = None) -> str:
        claims: dict[str, Any] = {
            "jti": secrets.token_urlsafe(16),
            "htm": method,
            "htu": self.base + path,
            "iat": int(self.clock.now.timestamp()),
        }
        if token is not None:
            claims["ath"] = token_hash(token)
        header = {"typ": "dpop+jwt", "alg": "ES256", "jwk": self.public_key}
        return jws.serialize_compact(header, json.dumps(claims), self.key)

    def call(self, method: str, path: str, body: Any = None, **proof: Any) -> httpx.Response:
        headers = {"DPoP": proof.get("proof") or self.proof(method, path, self.access)}
        if self.access is not None:
            headers["Authorization"] = f"DPoP {self.access}"
        return self.client.request(method, path, headers=headers, json=body)

    def enrol(self, code: str) -> httpx.Response:
        body = {"code": code, "public_key": self.public_key, "name": "测试手机", "app_version": "1"}
        return self.call("POST", "/api/v1/device/enrol", body)

    def sign_in(self, username: str = "worker", password: str = PASSWORD) -> httpx.Response:
        answer = self.call(
            "POST", "/api/v1/device/sign-in", {"username": username, "password": password}
        )
        if answer.status_code == 200:
            self.access = answer.json()["access_token"]
            self.refresh = answer.json()["refresh_token"]
        return answer

    def check_in(self, held: int = 0, **posture: Any) -> httpx.Response:
        return self.call(
            "POST",
            "/api/v1/device/check-in",
            {"app_version": "1", "packages_held": held, **posture},
        )


@pytest.fixture
def world_app(engine: Engine, database_url: str, tmp_path: Any, clock: Clock) -> FastAPI:
    build_world(engine, with_staff=False)
    add_members(engine)
    with write_transaction(engine) as connection:
        create_staff(
            connection, username="worker2", display_name="网格员二", department="civil_affairs",
            roles=[Role.WORKER], area="330106001001001", password=PASSWORD, hashing=CHEAP,
            now=clock.now,
        )  # fmt: skip
    return create_app(
        settings_for(database_url, tmp_path / "var", worker_devices_required=True),
        clock=clock,
        session_settings=SESSION_SETTINGS,
    )


@pytest.fixture
def api(world_app: FastAPI) -> Any:
    with Client(world_app) as client:
        yield client


def staff_id(client: Client, username: str) -> int:
    engine: Engine = client.app.state.engine
    with engine.connect() as connection:
        account = find_staff(connection, username)
    assert account is not None
    return account.id


def enrolled(client: Client, clock: Clock, username: str = "worker") -> tuple[Phone, str]:
    admin = bearer(sign_in(client, "admin"))
    issued = client.post(
        "/api/v1/devices/enrolments", headers=admin, json={"staff_id": staff_id(client, username)}
    )
    assert issued.status_code == 201, issued.text
    phone = Phone(client, clock)
    answer = phone.enrol(issued.json()["code"])
    assert answer.status_code == 201, answer.text
    return phone, answer.json()["device_id"]


def assigned_task(engine: Engine, client: Client, clock: Clock) -> str:
    worker = staff_id(client, "worker")
    with write_transaction(engine) as connection:
        task_id = create_task(
            connection, None, scenario="elderly_home_visit", subject_id="P000000001",
            due_on=date(2026, 3, 31), now=clock.now,
        )  # fmt: skip
        assign_task(connection, None, task_id, worker, now=clock.now)
    return f"T{task_id:08d}"


def test_an_administrator_issues_a_one_time_code_with_its_qr_code(
    api: Client, clock: Clock
) -> None:
    admin = bearer(sign_in(api, "admin"))
    issued = api.post(
        "/api/v1/devices/enrolments", headers=admin, json={"staff_id": staff_id(api, "worker")}
    )
    assert issued.status_code == 201
    body = issued.json()
    assert len(body["code"]) == 14
    assert body["enrol_url"].endswith(f"/app/?enrol={body['code']}")
    assert body["qr_svg"].startswith("<svg")
    not_a_worker = api.post(
        "/api/v1/devices/enrolments", headers=admin, json={"staff_id": staff_id(api, "clerk")}
    )
    assert not_a_worker.status_code == 409
    phone = Phone(api, clock)
    enrolled_now = phone.enrol(body["code"].lower().replace("-", " "))
    assert enrolled_now.status_code == 201, enrolled_now.text
    again = Phone(api, clock).enrol(body["code"])
    assert again.status_code == 400  # used once
    assert again.json()["type"].endswith("/code-invalid")


def test_enrolment_needs_a_proof_made_by_the_registered_key(api: Client, clock: Clock) -> None:
    admin = bearer(sign_in(api, "admin"))
    code = api.post(
        "/api/v1/devices/enrolments", headers=admin, json={"staff_id": staff_id(api, "worker")}
    ).json()["code"]
    phone, other = Phone(api, clock), Phone(api, clock)
    body = {"code": code, "public_key": phone.public_key}
    forged = api.post(
        "/api/v1/device/enrol",
        headers={"DPoP": other.proof("POST", "/api/v1/device/enrol")},
        json=body,
    )
    assert forged.status_code == 400
    missing = api.post("/api/v1/device/enrol", json=body)
    assert missing.status_code == 401
    assert missing.headers["WWW-Authenticate"].startswith("DPoP")
    proof = phone.proof("POST", "/api/v1/device/enrol")
    assert api.post("/api/v1/device/enrol", headers={"DPoP": proof}, json=body).status_code == 201
    replayed = api.post("/api/v1/device/enrol", headers={"DPoP": proof}, json=body)
    assert replayed.status_code == 401  # the same proof twice


def test_sign_in_needs_the_password_and_the_workers_own_enrolled_device(
    api: Client, clock: Clock
) -> None:
    phone, _ = enrolled(api, clock)
    assert phone.sign_in(password="wrong-password-123").status_code == 401  # noqa: S106
    assert phone.sign_in("worker2").status_code == 403  # the phone is worker's, not worker2's
    stranger = Phone(api, clock)
    assert stranger.sign_in().status_code == 401  # a key never enrolled
    signed = phone.sign_in()
    assert signed.status_code == 200
    assert signed.json()["token_type"] == "DPoP"  # noqa: S105
    assert phone.check_in().status_code == 200
    # The token alone is useless: as a Bearer token, or with another key's proof.
    token = phone.access
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    stolen = stranger.proof("POST", "/api/v1/device/check-in", token)
    answer = api.post(
        "/api/v1/device/check-in",
        headers={"Authorization": f"DPoP {token}", "DPoP": stolen},
        json={"app_version": "1", "packages_held": 0},
    )
    assert answer.status_code == 401
    # A replayed request is refused; a proof for another URL too.
    proof = phone.proof("POST", "/api/v1/device/check-in", token)
    body = {"app_version": "1", "packages_held": 0}
    headers = {"Authorization": f"DPoP {token}", "DPoP": proof}
    assert api.post("/api/v1/device/check-in", headers=headers, json=body).status_code == 200
    assert api.post("/api/v1/device/check-in", headers=headers, json=body).status_code == 401
    elsewhere = phone.call(
        "GET", "/api/v1/device/tasks", proof=phone.proof("GET", "/api/v1/me", token)
    )
    assert elsewhere.status_code == 401
    refreshed = phone.call("POST", "/api/v1/device/refresh", {"refresh_token": phone.refresh})
    assert refreshed.status_code == 200
    phone.access = refreshed.json()["access_token"]
    assert phone.call("GET", "/api/v1/device/tasks").status_code == 200


def test_a_package_is_audited_listed_in_the_inventory_and_receipted_after_completion(
    engine: Engine, api: Client, clock: Clock
) -> None:
    phone, device_id = enrolled(api, clock)
    phone.sign_in()
    reference = assigned_task(engine, api, clock)
    tasks = phone.call("GET", "/api/v1/device/tasks").json()["items"]
    assert [t["reference"] for t in tasks] == [reference]
    package = phone.call("POST", f"/api/v1/device/tasks/{reference}/package")
    assert package.status_code == 201, package.text
    body = package.json()
    fields = {f["name"]: f["value"] for f in body["read"]["fields"]}
    assert fields["id_number"] == "110105********0016"
    assert "ethnicity" not in fields
    with engine.connect() as connection:
        event = connection.execute(
            select(AuditEvent).where(AuditEvent.seq == body["read"]["audit_seq"])
        ).one()
    assert (event.action, event.device_id, event.subject_id) == ("read", device_id, "P000000001")
    auditor = bearer(sign_in(api, "auditor"))
    held = api.get("/api/v1/devices/inventory", headers=auditor).json()["items"]
    assert [(h["device_id"], h["subject_id"]) for h in held] == [(device_id, "P000000001")]
    assert "王建国" not in json.dumps(held, ensure_ascii=False)
    # Completed on the phone: the next check-in orders the purge; the receipt empties the
    # inventory, and sending it again changes nothing.
    assert phone.call("POST", f"/api/v1/tasks/{reference}/start").status_code == 200
    done = phone.call("POST", f"/api/v1/tasks/{reference}/complete", {"outcome": "已走访"})
    assert done.status_code == 200, done.text
    purge = phone.check_in(held=1).json()["purge"]
    assert purge == [{"package_id": body["package_id"], "reason": "completed"}]
    receipt = {"package_id": body["package_id"], "reason": "completed",
               "deleted_at": clock.now.isoformat()}  # fmt: skip
    first = phone.call("POST", "/api/v1/device/receipts", {"receipts": [receipt]}).json()
    assert (first["accepted"], first["repeated"]) == (1, 0)
    second = phone.call("POST", "/api/v1/device/receipts", {"receipts": [receipt]}).json()
    assert (second["accepted"], second["repeated"]) == (0, 1)
    assert api.get("/api/v1/devices/inventory", headers=auditor).json()["items"] == []


def test_an_expired_package_leaves_the_inventory_even_without_a_receipt(
    engine: Engine, api: Client, clock: Clock
) -> None:
    phone, _ = enrolled(api, clock)
    phone.sign_in()
    reference = assigned_task(engine, api, clock)
    issued = phone.call("POST", f"/api/v1/device/tasks/{reference}/package").json()
    assert issued["expires_at"].startswith((clock.now + timedelta(hours=72)).date().isoformat())
    auditor = bearer(sign_in(api, "auditor"))
    assert len(api.get("/api/v1/devices/inventory", headers=auditor).json()["items"]) == 1
    clock.advance(timedelta(hours=72, seconds=1))
    auditor = bearer(sign_in(api, "auditor"))
    assert api.get("/api/v1/devices/inventory", headers=auditor).json()["items"] == []


def test_lock_wipe_and_revoke(api: Client, clock: Clock) -> None:
    admin = bearer(sign_in(api, "admin"))
    phone, device_id = enrolled(api, clock)
    phone.sign_in()
    locked = api.post(f"/api/v1/devices/{device_id}/lock", headers=admin, json={"reason": "离岗"})
    assert locked.status_code == 200
    commands = phone.check_in().json()["commands"]
    assert [c["kind"] for c in commands] == ["lock"]
    assert phone.check_in().status_code == 401  # the lock ended the device's sessions
    phone.sign_in()
    wiped = api.post(f"/api/v1/devices/{device_id}/wipe", headers=admin, json={})
    command = phone.check_in().json()["commands"][0]
    assert (command["kind"], command["id"]) == ("wipe", wiped.json()["command_id"])
    done = phone.call("POST", f"/api/v1/device/commands/{command['id']}/done")
    assert done.status_code == 204
    listed = api.get("/api/v1/devices", headers=admin).json()["items"]
    assert {d["id"]: d["status"] for d in listed}[device_id] == "wiped"
    assert phone.sign_in().status_code == 403  # a wiped device must enrol again
    again = api.post(f"/api/v1/devices/{device_id}/wipe", headers=admin, json={})
    assert again.status_code == 403
    assert again.json()["type"].endswith("/device-wiped")
    lost, lost_id = enrolled(api, clock)
    lost.sign_in()
    assert lost.check_in().status_code == 200
    revoked = api.post(f"/api/v1/devices/{lost_id}/revoke", headers=admin, json={"reason": "丢失"})
    assert revoked.status_code == 200
    refused = lost.check_in()
    assert refused.status_code in (401, 403)
    assert lost.sign_in().json()["type"].endswith("/device-revoked")


def test_a_second_workers_device_never_gets_the_first_workers_task(
    engine: Engine, api: Client, clock: Clock
) -> None:
    reference = assigned_task(engine, api, clock)
    other, _ = enrolled(api, clock, "worker2")
    other.sign_in("worker2")
    assert other.call("GET", "/api/v1/device/tasks").json()["items"] == []
    refused = other.call("POST", f"/api/v1/device/tasks/{reference}/package")
    assert refused.status_code == 404
    auditor = bearer(sign_in(api, "auditor"))
    assert api.get("/api/v1/devices/inventory", headers=auditor).json()["items"] == []


def test_a_proof_is_refused_outside_its_time_window(api: Client, clock: Clock) -> None:
    phone, _ = enrolled(api, clock)
    phone.sign_in()
    stale = Clock(clock.now - timedelta(minutes=5))
    late = Phone(api, stale)
    late.key = phone.key
    answer = phone.call(
        "POST",
        "/api/v1/device/check-in",
        {"app_version": "1", "packages_held": 0},
        proof=late.proof("POST", "/api/v1/device/check-in", phone.access),
    )
    assert answer.status_code == 401


def test_a_worker_signs_in_only_on_an_enrolled_phone(api: Client, clock: Clock) -> None:
    refused = api.post("/api/v1/auth/sign-in", json={"username": "worker", "password": PASSWORD})
    assert refused.status_code == 403
    assert refused.json()["type"].endswith("/device-required")
    assert "手机" in refused.json()["detail"]
    phone, _ = enrolled(api, clock)
    assert phone.sign_in().status_code == 200
    manager = api.post("/api/v1/auth/sign-in", json={"username": "manager", "password": PASSWORD})
    assert manager.status_code == 200  # other roles keep their password sign-in


def test_a_check_in_forgets_the_devices_own_proofs_too_old_to_be_replayed(
    engine: Engine, api: Client, clock: Clock
) -> None:
    phone, _ = enrolled(api, clock)
    other, _ = enrolled(api, clock, "worker2")
    phone.sign_in()
    other.sign_in("worker2")
    assert phone.check_in().status_code == 200
    assert other.check_in().status_code == 200
    clock.advance(timedelta(minutes=5))
    assert phone.check_in().status_code == 200
    with engine.connect() as connection:
        kept = connection.execute(select(DpopProof.key_thumbprint, DpopProof.expires_at)).all()
    mine, theirs = phone.key.thumbprint(), other.key.thumbprint()
    assert all(when > clock.now - timedelta(minutes=2) for key, when in kept if key == mine)
    assert len([key for key, _ in kept if key == theirs]) == 3  # enrol, sign-in, check-in


def task_of(engine: Engine, assignee: int, subject: str, scenario: str, clock: Clock) -> str:
    with write_transaction(engine) as connection:
        task_id = create_task(
            connection, None, scenario=scenario, subject_id=subject,
            due_on=date(2026, 3, 31), now=clock.now,
        )  # fmt: skip
        assign_task(connection, None, task_id, assignee, now=clock.now)
    return f"T{task_id:08d}"


def test_a_phone_fetches_several_packages_in_one_request_each_as_if_alone(
    engine: Engine, api: Client, clock: Clock
) -> None:
    phone, device_id = enrolled(api, clock)
    phone.sign_in()
    worker, other = staff_id(api, "worker"), staff_id(api, "worker2")
    # One open task per scenario and subject (the world has one person in the workers'
    # grid): the cancelled ones first.
    theirs = task_of(engine, other, "P000000001", "elderly_home_visit", clock)
    cancelled = task_of(engine, worker, "P000000001", "subsidy_recheck", clock)
    with write_transaction(engine) as connection:
        for reference in (theirs, cancelled):
            cancel_task(connection, None, reference, reason="撤销", now=clock.now)
    done = task_of(engine, worker, "P000000001", "elderly_home_visit", clock)
    with write_transaction(engine) as connection:
        cancel_task(connection, None, done, reason="重复", now=clock.now)
    visit = task_of(engine, worker, "P000000001", "elderly_home_visit", clock)
    recheck = task_of(engine, worker, "P000000001", "subsidy_recheck", clock)
    asked = [visit, "T99999999", theirs, cancelled, done, recheck, str(int(visit[1:]))]
    answer = phone.call("POST", "/api/v1/device/packages", {"tasks": asked})
    assert answer.status_code == 200, answer.text
    assert answer.headers["cache-control"] == "no-store"
    results = answer.json()["results"]
    assert [(r["task"], r["status"]) for r in results] == list(
        zip(asked, [201, 404, 404, 403, 403, 201, 201], strict=True)
    )
    for result in results:
        assert (result["package"] is None) == (result["status"] != 201)
        assert (result["problem"] is None) == (result["status"] == 201)
    # Each refusal is the problem the task would get alone.
    for result in results[1:5]:
        alone = phone.call("POST", f"/api/v1/device/tasks/{result['task']}/package")
        assert (alone.status_code, alone.json()["type"]) == (
            result["status"], result["problem"]["type"]
        )  # fmt: skip
    first, second, again = (results[n]["package"] for n in (0, 5, 6))
    assert again == first  # the same task, by id and by reference: one package
    assert (first["task_reference"], second["task_reference"]) == (visit, recheck)
    assert {f["name"]: f["value"] for f in first["read"]["fields"]}["id_number"] == (
        "110105********0016"
    )
    assert [form["form_id"] for form in first["forms"]] == [
        form["form_id"]
        for form in phone.call("POST", f"/api/v1/device/tasks/{visit}/package").json()["forms"]
    ]
    with engine.connect() as connection:
        events = connection.execute(
            select(AuditEvent.action, AuditEvent.device_id, AuditEvent.purpose_ref)
            .where(AuditEvent.seq.in_([first["read"]["audit_seq"], second["read"]["audit_seq"]]))
            .order_by(AuditEvent.seq)
        ).all()
    assert [tuple(e) for e in events] == [("read", device_id, visit), ("read", device_id, recheck)]
    auditor = bearer(sign_in(api, "auditor"))
    held = api.get("/api/v1/devices/inventory", headers=auditor).json()["items"]
    # The single fetch of `visit` above replaced the batch's package of it.
    assert sorted(h["task_reference"] for h in held) == [visit, recheck]
    assert first["package_id"] not in {h["package_id"] for h in held}


@pytest.mark.parametrize(
    "tasks",
    [[], ["T00000001", "T00000001"], ["x"], [f"T{n:08d}" for n in range(1, 52)]],
    ids=["none", "twice", "malformed", "too-many"],
)
def test_a_batch_of_packages_is_refused_whole_when_malformed(
    api: Client, clock: Clock, tasks: list[str]
) -> None:
    phone, _ = enrolled(api, clock)
    phone.sign_in()
    answer = phone.call("POST", "/api/v1/device/packages", {"tasks": tasks})
    assert answer.status_code == 422, answer.text


def test_the_device_list_shows_what_a_wipe_would_lose(api: Client, clock: Clock) -> None:
    phone, device_id = enrolled(api, clock)
    phone.sign_in()
    admin = bearer(sign_in(api, "admin"))

    def unsent() -> tuple[int | None, int | None]:
        listed = api.get("/api/v1/devices", headers=admin).json()["items"]
        device = next(d for d in listed if d["id"] == device_id)
        return device["forms_unsent"], device["steps_unsent"]

    assert phone.check_in().status_code == 200
    assert unsent() == (None, None)  # an app that does not say
    assert phone.check_in(forms_unsent=3, steps_unsent=1).status_code == 200
    assert unsent() == (3, 1)
    assert phone.check_in(forms_unsent=0, steps_unsent=0).status_code == 200
    assert unsent() == (0, 0)
    assert phone.check_in(forms_unsent=-1).status_code == 422
