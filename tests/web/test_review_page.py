"""The console's Review page: a department manager compares a field correction's values and
accepts or rejects it, on SQLite and PostgreSQL (the page in Chromium: tests/web/
test_review_browser.py)."""

from __future__ import annotations

import re

from sqlalchemy import Engine, select

from frontline.audit import AuditEvent
from frontline.store import write_transaction
from frontline.store.golden import GoldenRecord
from tests.forms_store.factories import NEW_ADDRESS
from tests.web.client import Client
from tests.web.conftest import Clock
from tests.web.test_console import console_sign_in
from tests.web.test_devices import Phone
from tests.web.test_forms_api import OLD_ADDRESS, address_of, api, body, new_task, phone, send

__all__ = ["api", "phone"]  # fixtures used by the tests below
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
ROW = re.compile(r'<tr id="(CR\d+)" data-testid="change">(.*?)</tr>', re.S)


def _rows(html: str) -> dict[str, str]:
    return dict(ROW.findall(html))


def _csrf(html: str) -> str:
    found = CSRF.search(html)
    assert found is not None
    return found.group(1)


def test_a_manager_compares_the_values_and_accepts(
    engine: Engine, api: Client, clock: Clock, phone: Phone
) -> None:
    task = new_task(engine, api, clock)
    assert send(phone, body(task, clock, address=NEW_ADDRESS)).status_code == 201
    console_sign_in(api, "manager")
    page = api.get("/console/review")
    assert page.status_code == 200
    ((reference, cells),) = _rows(page.text).items()
    assert (OLD_ADDRESS in cells, NEW_ADDRESS in cells, "住址" in cells) == (True, True, True)
    assert "档案值已改变" not in cells  # nothing moved: a plain accept
    change_id = int(reference[2:])
    accepted = api.post(
        f"/console/review/{change_id}/accept", data={"csrf_token": _csrf(page.text)}
    )
    assert accepted.status_code == 303
    assert accepted.headers["location"] == f"/console/review?done={reference}"
    assert address_of(engine) == NEW_ADDRESS
    assert "已处理" in api.get(accepted.headers["location"]).text
    done = api.get("/console/review?status=accepted")
    assert reference in _rows(done.text)
    assert not _rows(api.get("/console/review").text)  # no longer pending
    with engine.connect() as connection:
        provenance = connection.execute(
            select(GoldenRecord.provenance).where(GoldenRecord.entity_id == "P000000001")
        ).scalar_one()["address"]
        actions = set(
            connection.execute(
                select(AuditEvent.action).where(AuditEvent.purpose_ref == reference)
            ).scalars()
        )
    assert (provenance["source"], provenance["task"], provenance["change"]) == (
        "frontline",
        task,
        change_id,
    )
    assert {"read", "change_accepted"} <= actions


def test_a_rejection_needs_a_reason_and_a_moved_record_is_confirmed(
    engine: Engine, api: Client, clock: Clock, phone: Phone
) -> None:
    task = new_task(engine, api, clock)
    send(phone, body(task, clock, address=NEW_ADDRESS))
    send(phone, body(task, clock, phone="13900001111"))
    console_sign_in(api, "manager")
    page = api.get("/console/review")
    rows = _rows(page.text)
    assert len(rows) == 2
    by_field = {("电话" in cells): reference for reference, cells in rows.items()}
    phone_ref, address_ref = by_field[True], by_field[False]
    token = _csrf(page.text)
    empty = api.post(f"/console/review/{int(phone_ref[2:])}/reject", data={"csrf_token": token})
    assert empty.status_code == 422
    assert "理由" in empty.text  # the problem page says what is missing
    rejected = api.post(
        f"/console/review/{int(phone_ref[2:])}/reject",
        data={"csrf_token": token, "reason": "号码打不通"},
    )
    assert rejected.status_code == 303
    assert "号码打不通" in _rows(api.get("/console/review?status=rejected").text)[phone_ref]
    # Another run changed the address since the request: the page says so and the accept
    # button names the value the manager sees.
    with write_transaction(engine) as connection:
        values = connection.execute(
            select(GoldenRecord.values).where(GoldenRecord.entity_id == "P000000001")
        ).scalar_one()
        connection.execute(
            GoldenRecord.__table__.update()  # type: ignore[attr-defined]
            .where(GoldenRecord.entity_id == "P000000001")
            .values(values={**values, "address": "另一次整合的住址"})
        )
    page = api.get("/console/review")
    cells = _rows(page.text)[address_ref]
    assert ("档案值已改变" in cells, "另一次整合的住址" in cells) == (True, True)
    assert "仍采纳新值" in cells
    forged = api.post(
        f"/console/review/{int(address_ref[2:])}/accept",
        data={"csrf_token": _csrf(page.text)},  # without the value seen: stale
    )
    assert forged.status_code == 409
    confirmed = api.post(
        f"/console/review/{int(address_ref[2:])}/accept",
        data={"csrf_token": _csrf(page.text), "confirm_current": "另一次整合的住址"},
    )
    assert confirmed.status_code == 303
    assert address_of(engine) == NEW_ADDRESS


def test_only_department_managers_see_the_page(api: Client) -> None:
    console_sign_in(api, "steward")
    assert api.get("/console/review").status_code == 403
    assert "采集审核" not in api.get("/console").text
