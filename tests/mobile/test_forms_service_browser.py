"""Field forms against the real service (SQLite and PostgreSQL): a worker's phone enrols, its
package brings the elderly visit record, the worker fills it in offline, and once online the
service has it exactly once — also when the phone sends it again; the grid's manager accepts
the correction it proposes in the console, and the golden record takes it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Request
from sqlalchemy import func, select

from frontline.forms.models import FormSubmission
from frontline.forms.registry import register_folder
from frontline.store import write_transaction
from frontline.store.golden import GoldenRecord
from tests.mobile.helpers import counts, screen, until
from tests.mobile.test_service_browser import Handset, Service, enrol, handset, phones, service
from tests.web.conftest import PASSWORD
from tests.web.test_browser import CHROMIUM, browser

__all__ = ["browser", "phones", "service"]  # fixtures used by the test below
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]
FORMS = Path(__file__).parents[2] / "examples" / "city" / "forms"
NEW_PHONE = "13900009999"


def submissions(service: Service) -> list[Any]:
    with service.engine.connect() as connection:
        return list(connection.execute(select(FormSubmission)).all())


def test_a_form_filled_offline_reaches_the_service_exactly_once(
    browser: Browser, service: Service, phones: list[Handset]
) -> None:
    with write_transaction(service.engine) as connection:
        register_folder(connection, FORMS, now=datetime.now(UTC))
    phone = handset(browser)
    phones.append(phone)
    page = phone.page
    sent: list[Request] = []
    phone.context.on(
        "request", lambda r: sent.append(r) if r.url.endswith("/device/submissions") else None
    )
    enrol(phone, service, "worker", 2)
    visit = next(
        item["task_reference"]
        for item in service.inventory()
        if item["scenario_key"] == "elderly_home_visit"
    )

    # Offline, the app from its service worker: the form from the package, pre-filled with
    # what the scenario delivers in full.
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    phone.context.set_offline(True)
    page.reload()
    page.evaluate("frontline.ready")
    page.click(f"[data-reference={visit}]")
    held_phone = page.inner_text("[data-field=phone] .value")
    page.click("a[data-form=elderly_visit_record]")
    until(page, lambda: screen(page) == "form", "the form")
    assert page.input_value("[id='in-phone']") == held_phone
    assert "来自档案" in page.inner_text("[id='bound-phone']")
    for path, value in [
        ("met", "yes"),
        ("vital_status", "alive"),
        ("living", "spouse"),
        ("health", "good"),
        ("needs", "none"),
    ]:
        page.check(f"[id='q-{path}'] input[value='{value}']")
    page.fill("[id='in-phone']", NEW_PHONE)
    page.click("[id='add-household']")
    page.fill("[id='in-household[0].member_name']", "李桂兰")
    page.check("[id='q-household[0].member_relation'] input[value='spouse']")
    page.click("#form-submit")
    until(page, lambda: screen(page) == "task", "back to the task")
    assert "待同步" in page.inner_text("#task-forms")
    assert submissions(service) == []

    # Online: sent, accepted, out of the outbox.
    phone.context.set_offline(False)
    until(page, lambda: counts(page)["submissions"] == 0, "the outbox emptied", seconds=30)
    page.evaluate("frontline.settled()")
    (stored,) = submissions(service)
    (request,) = sent
    body = request.post_data_json
    assert isinstance(body, dict)
    assert stored.client_id == body["client_id"]
    assert stored.task_reference == visit
    assert stored.answers["phone"] == NEW_PHONE
    assert stored.proposals >= 1  # the phone differs from the record: a change for review
    until(page, lambda: "已提交" in page.inner_text("#task-forms"), "submitted")

    # The phone sending it again (an answer lost on the way): the same one, stored once.
    again = page.evaluate(
        """async (body) => {
            const api = await import("/app/static/js/api.js");
            return api.postSubmission(body);
        }""",
        body,
    )
    assert again["duplicate"] is True
    assert again["client_id"] == body["client_id"]
    with service.engine.connect() as connection:
        total = connection.execute(select(func.count()).select_from(FormSubmission)).scalar_one()
    assert total == 1
    assert phone.errors == []

    # The grid's manager accepts the corrected phone on the console's Review page: the
    # golden record takes it, with where it came from.
    desk = browser.new_context(viewport={"width": 1280, "height": 860}, locale="zh-CN")
    console = desk.new_page()
    console.goto(f"{service.base}/console/review")
    console.fill("#username", "manager")
    console.fill("#password", PASSWORD)
    console.click("button.primary")
    row = console.locator("[data-testid=change]").filter(has_text=NEW_PHONE)
    assert held_phone in row.inner_text()
    row.locator("button.primary").click()
    console.wait_for_selector("[data-testid=done]")
    desk.close()
    with service.engine.connect() as connection:
        values, provenance = connection.execute(
            select(GoldenRecord.values, GoldenRecord.provenance).where(
                GoldenRecord.entity_id == stored.subject_id
            )
        ).one()
    assert values["phone"] == NEW_PHONE
    assert (provenance["phone"]["source"], provenance["phone"]["task"]) == ("frontline", visit)

    # Forms without photos waiting together go in one request to the batch route, each answered
    # as it would be alone: the one the service has (200, duplicate), a new one (201), and one
    # with a wrong phone, sent back (422) with the service's errors for correction.
    batches: list[Request] = []
    phone.context.on(
        "request", lambda r: batches.append(r) if r.url.endswith("/submissions/batch") else None
    )
    queued = page.evaluate(
        """async (body) => {
            const outbox = await import("/app/static/js/forms/outbox.js");
            const kept = {raw: {}, prefilled: {}, definition: null, title: null};
            const fresh = {...body, client_id: crypto.randomUUID()};
            const wrong = {...body, client_id: crypto.randomUUID(),
                           answers: {...body.answers, phone: "123"}};
            const at = Date.now();
            for (const [index, item] of [body, fresh, wrong].entries()) {
                await outbox.queue(item, kept, null, at + index);
            }
            return [body.client_id, fresh.client_id, wrong.client_id];
        }""",
        body,
    )
    assert page.evaluate("frontline.sync()") == {"ok": True}
    page.evaluate("frontline.settled()")
    (request,) = batches
    sent_together = request.post_data_json
    assert isinstance(sent_together, dict)
    assert [item["client_id"] for item in sent_together["submissions"]] == queued
    left = page.evaluate(
        """async () => {
            const outbox = await import("/app/static/js/forms/outbox.js");
            return Promise.all((await outbox.list()).map(async (record) => ({
                client_id: record.client_id, state: record.state,
                paths: (await outbox.open(record)).errors.map((error) => error.path),
            })));
        }"""
    )
    assert left == [{"client_id": queued[2], "state": "correction", "paths": ["phone"]}]
    assert {row.client_id for row in submissions(service)} == set(queued[:2])
    assert phone.errors == []
