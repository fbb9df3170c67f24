"""The forms API over HTTP, on SQLite and PostgreSQL: uploading form versions, the forms in a
task's package, submissions from an enrolled phone (exactly once), review and write-back,
exports — with a phone simulated in Python (the browser's part is tested in tests/mobile)."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, select

from frontline.audit import AuditEvent
from frontline.forms.models import FormSubmission
from frontline.forms.registry import register_folder
from frontline.store import write_transaction
from frontline.store.golden import GoldenRecord
from frontline.tasks import assign_task, cancel_task, create_task
from frontline.web import create_app
from tests.access.world import build_world
from tests.forms_store.factories import FORMS, NEW_ADDRESS, VERSION, VISIT, answers, spreadsheet
from tests.web.client import Client
from tests.web.conftest import SESSION_SETTINGS, Clock, add_members, bearer, settings_for, sign_in
from tests.web.test_devices import Phone, enrolled, staff_id

OLD_ADDRESS = "浙江省杭州市西湖区翠苑街道翠苑一区社区文华苑3幢2单元301室"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def api(engine: Engine, database_url: str, tmp_path: Path, clock: Clock) -> Iterator[Client]:
    """The service with the access world's people, one account per role, and the demo
    city's forms registered."""
    build_world(engine, with_staff=False)
    add_members(engine)
    with write_transaction(engine) as connection:
        register_folder(connection, FORMS, now=clock.now)
    app: FastAPI = create_app(
        settings_for(database_url, tmp_path / "var", worker_devices_required=True),
        clock=clock,
        session_settings=SESSION_SETTINGS,
    )
    with Client(app) as client:
        yield client


@pytest.fixture
def phone(api: Client, clock: Clock) -> Phone:
    """The worker's enrolled phone, signed in."""
    found, _ = enrolled(api, clock)
    assert found.sign_in().status_code == 200
    return found


def new_task(engine: Engine, api: Client, clock: Clock) -> str:
    with write_transaction(engine) as connection:
        task_id = create_task(
            connection, None, scenario="elderly_home_visit", subject_id="P000000001",
            due_on=date(2026, 3, 31), now=clock.now,
        )  # fmt: skip
        assign_task(connection, None, task_id, staff_id(api, "worker"), now=clock.now)
    return f"T{task_id:08d}"


def body(
    task: str, clock: Clock, *, client_id: str | None = None, **changes: Any
) -> dict[str, Any]:
    return {
        "client_id": client_id or str(uuid.uuid4()),
        "task": task,
        "form_id": VISIT,
        "form_version": VERSION,
        "answers": answers(**changes),
        "attachments": [],
        "completed_at": clock.now.isoformat(),
    }


def send(phone: Phone, payload: dict[str, Any], language: str = "zh") -> httpx.Response:
    path = "/api/v1/device/submissions"
    headers = {
        "DPoP": phone.proof("POST", path, phone.access),
        "Authorization": f"DPoP {phone.access}",
        "Accept-Language": language,
    }
    return phone.client.request("POST", path, headers=headers, json=payload)


def upload(api: Client, username: str, data: bytes, language: str = "zh") -> httpx.Response:
    headers = {**bearer(sign_in(api, username)), "Accept-Language": language}
    files = {"file": ("visit.xlsx", data, XLSX)}
    return api.post("/api/v1/forms", headers=headers, files=files)


def address_of(engine: Engine) -> Any:
    with engine.connect() as connection:
        return connection.execute(
            select(GoldenRecord.values).where(GoldenRecord.entity_id == "P000000001")
        ).scalar_one()["address"]


def test_form_versions_are_uploaded_listed_and_read(api: Client) -> None:
    manager = bearer(sign_in(api, "manager"))
    created = upload(api, "manager", spreadsheet())
    assert created.status_code == 201, created.text
    assert (created.json()["added"], created.json()["retired_version"]) == (True, VERSION)
    again = upload(api, "manager", spreadsheet())
    assert (again.status_code, again.json()["added"]) == (200, False)
    listed = api.get("/api/v1/forms", headers=manager).json()["items"]
    assert {f["form_id"]: f["version"] for f in listed}[VISIT] == "2026120101"
    versions = api.get(f"/api/v1/forms/{VISIT}", headers=manager).json()["items"]
    assert [(v["version"], v["status"]) for v in versions] == [
        ("2026120101", "active"), (VERSION, "retired"),
    ]  # fmt: skip
    document = api.get(f"/api/v1/forms/{VISIT}/versions/{VERSION}", headers=manager)
    assert document.json()["title"]["zh"] == "独居老人走访记录"
    assert api.get("/api/v1/forms/nothing_here", headers=manager).status_code == 404
    taken = upload(api, "manager", spreadsheet(version=VERSION))
    assert (taken.status_code, taken.json()["type"]) == (409, "/problems/form-version-taken")
    assert upload(api, "steward", spreadsheet()).status_code == 403


def test_a_refused_spreadsheet_lists_every_problem_in_the_readers_language(api: Client) -> None:
    zh = upload(api, "admin", spreadsheet("subsidy_recheck_record"))
    assert (zh.status_code, zh.json()["type"]) == (422, "/problems/form-invalid")
    (problem,) = zh.json()["problems"]
    assert (problem["sheet"], problem["row"], problem["column"]) == ("survey", 6, "golden_field")
    assert "遮蔽" in problem["message"]
    en = upload(api, "admin", spreadsheet("subsidy_recheck_record"), language="en")
    assert "masks phone" in en.json()["problems"][0]["message"]
    assert en.headers["Content-Language"] == "en"


def test_a_tasks_package_carries_its_scenarios_forms(
    engine: Engine, api: Client, clock: Clock, phone: Phone
) -> None:
    task = new_task(engine, api, clock)
    package = phone.call("POST", f"/api/v1/device/tasks/{task}/package")
    assert package.status_code == 201, package.text
    (form,) = package.json()["forms"]
    assert (form["form_id"], form["version"]) == (VISIT, VERSION)
    fields = {f["name"]: f["value"] for f in package.json()["read"]["fields"]}
    assert fields["address"] == OLD_ADDRESS  # what the bound address question is pre-filled with


def test_a_submission_is_stored_once_and_answered_the_same(
    engine: Engine, api: Client, clock: Clock, phone: Phone
) -> None:
    task = new_task(engine, api, clock)
    payload = body(task, clock, address=NEW_ADDRESS)
    first = send(phone, payload)
    assert first.status_code == 201, first.text
    answer = first.json()
    assert (answer["status"], answer["duplicate"], answer["proposals"]) == ("accepted", False, 1)
    retry = send(phone, payload)
    assert retry.status_code == 200
    assert retry.json() == {**answer, "duplicate": True}
    changed = send(phone, {**payload, "answers": answers(health="poor")})
    assert (changed.status_code, changed.json()["type"]) == (409, "/problems/submission-conflict")
    with engine.connect() as connection:
        event = connection.execute(
            select(AuditEvent).where(AuditEvent.action == "submission_recorded")
        ).one()
    assert (event.device_id, event.purpose_ref) == (phone_device(api), task)
    # A plain Bearer token is not a device.
    token = bearer(sign_in(api, "manager"))
    assert api.post("/api/v1/device/submissions", headers=token, json=payload).status_code == 401


def phone_device(api: Client) -> str:
    admin = bearer(sign_in(api, "admin"))
    (device,) = api.get("/api/v1/devices", headers=admin).json()["items"]
    return str(device["id"])


def test_refusals_a_phone_can_act_on(
    engine: Engine, api: Client, clock: Clock, phone: Phone
) -> None:
    task = new_task(engine, api, clock)
    invalid = send(phone, body(task, clock, met=None, phone="123"), language="en")
    assert (invalid.status_code, invalid.json()["type"]) == (422, "/problems/submission-invalid")
    errors = {e["path"]: e for e in invalid.json()["errors"]}
    assert errors["met"]["code"] == "required"
    assert errors["phone"]["code"] == "constraint"
    assert errors["phone"]["message"].endswith("Enter an 11-digit mobile number")
    assert errors["phone"]["field"] == "answers.phone"
    outdated = send(phone, body(task, clock) | {"form_version": "1999"})
    assert (outdated.status_code, outdated.json()["current_version"]) == (409, VERSION)
    assert VERSION in outdated.json()["detail"]
    other_form = send(phone, body(task, clock) | {"form_id": "survival_check_record"})
    assert other_form.status_code == 422
    assert other_form.json()["type"] == "/problems/form-not-in-scenario"
    missing = send(phone, body("T99999999", clock))
    assert (missing.status_code, missing.json()["type"]) == (404, "/problems/task-not-found")
    with write_transaction(engine) as connection:
        cancel_task(connection, None, task, reason="重复工单", now=clock.now)
    cancelled = send(phone, body(task, clock))
    assert (cancelled.status_code, cancelled.json()["type"]) == (409, "/problems/task-cancelled")
    assert task in cancelled.json()["detail"]


def send_batch(phone: Phone, payloads: list[dict[str, Any]], language: str = "zh") -> Any:
    path = "/api/v1/device/submissions/batch"
    headers = {
        "DPoP": phone.proof("POST", path, phone.access),
        "Authorization": f"DPoP {phone.access}",
        "Accept-Language": language,
    }
    return phone.client.request("POST", path, headers=headers, json={"submissions": payloads})


def test_a_batch_answers_each_submission_as_if_sent_alone(
    engine: Engine, api: Client, clock: Clock, phone: Phone
) -> None:
    cancelled_task = new_task(engine, api, clock)
    with write_transaction(engine) as connection:
        cancel_task(connection, None, cancelled_task, reason="重复工单", now=clock.now)
    task = new_task(engine, api, clock)
    sent_before = body(task, clock)
    assert send(phone, sent_before).status_code == 201
    correcting = body(task, clock, address=NEW_ADDRESS)
    payloads = [
        correcting,
        body(task, clock, met=None),  # invalid: met is required
        sent_before,  # a retry of one stored before
        body(cancelled_task, clock),
        correcting,  # the same record twice in one batch
        {**sent_before, "answers": answers(health="poor")},  # its client id, other content
        body(task, clock),
    ]
    answer = send_batch(phone, payloads, language="en")
    assert answer.status_code == 200, answer.text
    assert answer.headers["Cache-Control"] == "no-store"
    results = answer.json()["results"]
    assert [r["client_id"] for r in results] == [p["client_id"] for p in payloads]
    assert [r["status"] for r in results] == [201, 422, 200, 409, 200, 409, 201]
    stored, invalid, retry, cancelled, copy, conflict, plain = results
    assert (stored["submission"]["proposals"], stored["problem"]) == (1, None)
    assert copy["submission"] == {**stored["submission"], "duplicate": True}
    assert retry["submission"]["duplicate"] is True
    assert invalid["problem"]["type"] == "/problems/submission-invalid"
    assert [(e["path"], e["code"]) for e in invalid["problem"]["errors"]] == [("met", "required")]
    assert invalid["problem"]["errors"][0]["message"].endswith("an answer is required")
    assert cancelled["problem"]["type"] == "/problems/task-cancelled"
    assert cancelled_task in cancelled["problem"]["detail"]
    assert conflict["problem"]["type"] == "/problems/submission-conflict"
    assert plain["submission"]["duplicate"] is False
    with engine.connect() as connection:
        rows = connection.execute(select(FormSubmission.client_id)).scalars().all()
        events = connection.execute(
            select(AuditEvent.detail).where(AuditEvent.action == "submission_recorded")
        ).scalars()
        recorded = sorted(event["submission"] for event in events)
    assert sorted(rows) == sorted(p["client_id"] for p in (sent_before, correcting, payloads[-1]))
    assert recorded == sorted(
        [stored["submission"]["submission_id"], plain["submission"]["submission_id"],
         retry["submission"]["submission_id"]]
    )  # fmt: skip
    # Resending the whole batch (its answer lost) stores nothing new.
    resent = send_batch(phone, [payloads[0], payloads[-1]])
    assert resent.status_code == 200, resent.text
    again = resent.json()["results"]
    assert [(r["status"], r["submission"]["duplicate"]) for r in again] == [(200, True)] * 2


def test_a_batch_carries_no_photos_and_at_most_fifty_forms(
    engine: Engine, api: Client, clock: Clock, phone: Phone
) -> None:
    task = new_task(engine, api, clock)
    photo = {"sha256": "0" * 64, "content_type": "image/jpeg", "data": "AAAA"}
    with_photo = send_batch(phone, [body(task, clock) | {"attachments": [photo]}])
    assert with_photo.status_code == 422
    assert send_batch(phone, []).status_code == 422
    assert send_batch(phone, [body(task, clock) for _ in range(51)]).status_code == 422
    full = send_batch(phone, [body(task, clock) for _ in range(50)])
    assert [r["status"] for r in full.json()["results"]] == [201] * 50


def test_a_manager_reviews_and_the_record_takes_the_address(
    engine: Engine, api: Client, clock: Clock, phone: Phone
) -> None:
    task = new_task(engine, api, clock)
    assert send(phone, body(task, clock, address=NEW_ADDRESS)).status_code == 201
    assert send(phone, body(task, clock, address=NEW_ADDRESS + "旁")).status_code == 201
    manager = bearer(sign_in(api, "manager"))
    queue = api.get("/api/v1/changes?status=pending", headers=manager).json()
    assert (queue["total"], queue["withheld"]) == (2, 0)
    first, second = queue["items"]
    assert (first["old_value"], first["new_value"]) == (OLD_ADDRESS, NEW_ADDRESS)
    assert first["label"] == {"zh": "住址", "en": "Address"}
    assert first["conflict"]
    assert second["conflict"]
    steward_list = api.get("/api/v1/changes", headers=bearer(sign_in(api, "steward")))
    assert (steward_list.status_code, steward_list.json()["type"]) == (
        403,
        "/problems/not-a-reviewer",
    )
    accepted = api.post(f"/api/v1/changes/{first['id']}/accept", headers=manager)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["superseded"] == [second["reference"]]
    assert (accepted.json()["status"], accepted.json()["current_value"]) == (
        "accepted",
        NEW_ADDRESS,
    )
    assert address_of(engine) == NEW_ADDRESS
    again = api.post(
        f"/api/v1/changes/{second['id']}/reject", headers=manager, json={"reason": "重复"}
    )
    assert (again.status_code, again.json()["type"]) == (409, "/problems/change-decided")
    with engine.connect() as connection:
        actions = [
            (e.action, e.purpose_kind, e.purpose_ref)
            for e in connection.execute(
                select(AuditEvent).where(AuditEvent.purpose_kind == "review")
            )
        ]
    assert ("read", "review", first["reference"]) in actions
    assert ("change_accepted", "review", first["reference"]) in actions


def test_a_stale_change_and_a_rejection(
    engine: Engine, api: Client, clock: Clock, phone: Phone
) -> None:
    task = new_task(engine, api, clock)
    send(phone, body(task, clock, address=NEW_ADDRESS))
    send(phone, body(task, clock, address=NEW_ADDRESS, phone="13900001111"))
    manager = bearer(sign_in(api, "manager"))
    items = api.get("/api/v1/changes", headers=manager).json()["items"]
    phone_change = next(i for i in items if i["field"] == "phone")
    address_changes = [i for i in items if i["field"] == "address"]
    assert len(address_changes) == 2
    assert not address_changes[0]["conflict"]
    api.post(f"/api/v1/changes/{address_changes[0]['id']}/accept", headers=manager)
    rejected = api.post(
        f"/api/v1/changes/{phone_change['id']}/reject",
        headers=manager,
        json={"reason": "号码打不通"},
    )
    assert (rejected.json()["status"], rejected.json()["reason"]) == ("rejected", "号码打不通")
    short = api.post(
        f"/api/v1/changes/{phone_change['id']}/reject", headers=manager, json={"reason": "x"}
    )
    assert short.status_code == 422
    # The record changes behind a pending request: accepting it is stale until confirmed.
    send(phone, body(task, clock, address="浙江省杭州市西湖区某处新址1号"))
    pending = api.get("/api/v1/changes?status=pending", headers=manager).json()["items"]
    (fresh,) = [i for i in pending if i["new_value"] == "浙江省杭州市西湖区某处新址1号"]
    with write_transaction(engine) as connection:
        record = connection.execute(
            select(GoldenRecord).where(GoldenRecord.entity_id == "P000000001")
        ).one()
        connection.execute(
            GoldenRecord.__table__.update()  # type: ignore[attr-defined]
            .where(GoldenRecord.entity_id == "P000000001")
            .values(values={**record.values, "address": "另一次整合的住址"})
        )
    stale = api.post(f"/api/v1/changes/{fresh['id']}/accept", headers=manager, json={})
    assert (stale.status_code, stale.json()["type"]) == (409, "/problems/change-stale")
    assert "另一次整合的住址" not in stale.text  # the current value is read, not told
    seen = api.get(f"/api/v1/changes/{fresh['id']}", headers=manager).json()["current_value"]
    confirmed = api.post(
        f"/api/v1/changes/{fresh['id']}/accept", headers=manager, json={"confirm_current": seen}
    )
    assert confirmed.status_code == 200, confirmed.text
    assert address_of(engine) == "浙江省杭州市西湖区某处新址1号"


def test_exports_for_the_department(
    engine: Engine, api: Client, clock: Clock, phone: Phone
) -> None:
    task = new_task(engine, api, clock)
    send(phone, body(task, clock, address=NEW_ADDRESS))
    manager = bearer(sign_in(api, "manager"))
    as_csv = api.get(f"/api/v1/forms/{VISIT}/submissions.csv", headers=manager)
    assert as_csv.status_code == 200
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert (
        as_csv.headers["content-disposition"] == f'attachment; filename="{VISIT}-submissions.csv"'
    )
    header, row = csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig")))
    assert dict(zip(header, row, strict=True))["现住址"] == NEW_ADDRESS
    as_xlsx = api.get(f"/api/v1/forms/{VISIT}/submissions.xlsx", headers=manager)
    assert (as_xlsx.status_code, as_xlsx.headers["content-type"]) == (200, XLSX)
    assert as_xlsx.content.startswith(b"PK")
    auditor = bearer(sign_in(api, "auditor"))
    assert api.get(f"/api/v1/forms/{VISIT}/submissions.csv", headers=auditor).status_code == 403
