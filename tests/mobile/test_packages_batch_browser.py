"""Task packages fetched together, in real Chromium, against the stand-in device API.

A phone that signs in with several tasks fetches all their packages in one request to the
batch route, and stores each encrypted as it always has. The server answers each task as if
it had been fetched alone: a refused one (the task no longer open) does not keep the others
from being stored, and is asked for again at the next sync; a package that cannot be read
fails alone too. A morning with more tasks than a batch takes goes in as few requests as it
can, and a batch refused as a whole is tried again at the next sync.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from math import ceil
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, Route

from frontline.devices.packages import MAX_PACKAGES
from tests.mobile.fake_api import FakeServer
from tests.mobile.helpers import counts, until
from tests.mobile.test_app_browser import FIELDS, GRID_A, GRID_B, NAME, base, context
from tests.mobile.test_forms_browser import quiet, ready_phone
from tests.web.test_browser import CHROMIUM, browser

# Fixtures used by the tests below.
__all__ = ["base", "browser", "context", "quiet"]
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]
BATCH = "/api/v1/device/packages"
TASKS = ["T00000001", "T00000002", "T00000003"]


@pytest.fixture
def fake() -> FakeServer:
    server = FakeServer()
    today = date.today()
    server.add_task(TASKS[0], GRID_A, "assigned", today - timedelta(days=2), FIELDS)
    server.add_task(TASKS[1], GRID_B, "in_progress", today, FIELDS)
    server.add_task(TASKS[2], GRID_A, "assigned", today + timedelta(days=3), FIELDS)
    return server


def stored(page: Page) -> list[dict[str, Any]]:
    """The package records on the phone, by task: the fields kept in the clear, whether
    anything of the subject reads in the clear, and the content as the vault opens it."""
    records: list[dict[str, Any]] = page.evaluate(
        """async (name) => {
            const db = await import("/app/static/js/db.js");
            const vault = await import("/app/static/js/vault.js");
            const text = new TextDecoder();  // UTF-8: plaintext bytes would read back
            const found = [];
            for (const record of await db.all("packages")) {
                const dump = JSON.stringify(record, (key, value) =>
                    value instanceof Uint8Array ? text.decode(value) : value);
                const content = await vault.openPackage(record);
                found.push({
                    keys: Object.keys(record).sort(),
                    task_ref: record.task_ref,
                    package_id: record.package_id,
                    clear: dump.includes(name),
                    values: content.fields.map((field) => field.value),
                });
            }
            return found.sort((a, b) => a.task_ref.localeCompare(b.task_ref));
        }""",
        NAME,
    )
    return records


def assert_stored(page: Page, fake: FakeServer, tasks: list[str]) -> None:
    """The packages of `tasks`, and no others, are on the phone, sealed: only their id, task
    and expiry in the clear, the content as the server issued it."""
    records = stored(page)
    assert [record["task_ref"] for record in records] == sorted(tasks)
    for record in records:
        assert record["keys"] == ["ciphertext", "expires_at", "iv", "package_id", "task_ref"]
        assert not record["clear"], record["task_ref"]
        issued = fake.packages[record["package_id"]]
        assert issued["task_reference"] == record["task_ref"]
        assert record["values"] == [field["value"] for field in FIELDS]


def test_a_phones_packages_come_in_one_request_and_are_stored_encrypted(
    context: BrowserContext, base: str, fake: FakeServer
) -> None:
    errors: list[str] = []
    page = ready_phone(context, base, errors, len(TASKS))

    # One request for the three, none to the single route.
    assert fake.package_requests == [(BATCH, TASKS)]
    assert len(fake.packages) == len(TASKS)
    assert_stored(page, fake, TASKS)
    assert fake.refused == []

    # The next sync has nothing to fetch: no request at all.
    assert page.evaluate("frontline.sync()") == {"ok": True}
    assert fake.package_requests == [(BATCH, TASKS)]
    assert errors == []


def test_a_refused_task_does_not_keep_the_others_from_being_stored(
    quiet: BrowserContext, base: str, fake: FakeServer
) -> None:
    first, refused, last = TASKS

    # Between the task list and the packages the second task is closed: the batch carries
    # it, the server refuses it alone.
    def close_then_send(route: Route) -> None:
        if len(fake.package_requests) == 0:
            fake.tasks[refused]["status"] = "cancelled"
        route.continue_()

    errors: list[str] = []
    quiet.route(f"**{BATCH}", close_then_send)
    page = ready_phone(quiet, base, errors, packages=2)
    assert fake.package_requests == [(BATCH, TASKS)]
    assert_stored(page, fake, [first, last])

    # Open again (reassigned back): the next sync asks for it alone, and stores it.
    fake.tasks[refused]["status"] = "assigned"
    assert page.evaluate("frontline.sync()") == {"ok": True}
    assert fake.package_requests == [(BATCH, TASKS), (BATCH, [refused])]
    assert_stored(page, fake, TASKS)
    assert errors == []


def test_an_unreadable_package_fails_alone(
    quiet: BrowserContext, base: str, fake: FakeServer
) -> None:
    broken = TASKS[1]
    breaking = [True]

    # The answer for one task lacks its expiry: the app cannot keep that package.
    def break_one(route: Route) -> None:
        answer = route.fetch()
        body = answer.json()
        for result in body["results"]:
            if breaking and result["task"] == broken:
                del result["package"]["expires_at"]
        route.fulfill(response=answer, body=json.dumps(body))

    errors: list[str] = []
    quiet.route(f"**{BATCH}", break_one)
    page = ready_phone(quiet, base, errors, packages=2)
    first, *again = fake.package_requests
    assert first == (BATCH, TASKS)
    assert again == [(BATCH, [broken])] * len(again)  # each later round asks for it alone
    assert_stored(page, fake, [TASKS[0], TASKS[2]])

    # Readable at the next sync: stored with the others.
    breaking.clear()
    assert page.evaluate("frontline.sync()") == {"ok": True}
    assert fake.package_requests[-1] == (BATCH, [broken])
    assert_stored(page, fake, TASKS)
    assert errors == []


def test_a_batch_refused_as_a_whole_is_tried_again_at_the_next_sync(
    quiet: BrowserContext, base: str, fake: FakeServer
) -> None:
    refusals: list[int] = []
    refusing = [True]

    # The batch is refused as a whole (422): the round goes on without the packages.
    def refuse(route: Route) -> None:
        if not refusing:
            route.continue_()
            return
        refusals.append(422)
        problem = {"type": "/problems/invalid-request", "title": "invalid-request",
                   "status": 422, "detail": "refused"}  # fmt: skip
        route.fulfill(status=422, content_type="application/problem+json", body=json.dumps(problem))

    errors: list[str] = []
    quiet.route(f"**{BATCH}", refuse)
    page = ready_phone(quiet, base, errors, packages=0)
    until(page, lambda: refusals, "the refusal")
    page.evaluate("frontline.settled()")
    assert counts(page)["packages"] == 0
    assert fake.package_requests == []  # never reached the fake
    assert page.locator(".task-card").count() == len(TASKS)  # the round went on

    refusing.clear()
    assert page.evaluate("frontline.sync()") == {"ok": True}
    assert fake.package_requests == [(BATCH, TASKS)]
    assert_stored(page, fake, TASKS)
    assert errors == []


def test_more_tasks_than_a_batch_takes_go_in_as_few_requests_as_can_be(
    context: BrowserContext, base: str, fake: FakeServer
) -> None:
    today = date.today()
    for number in range(len(TASKS) + 1, 2 * MAX_PACKAGES + 2):
        fake.add_task(f"T{number:08d}", GRID_A, "assigned", today + timedelta(days=1), FIELDS)
    tasks = sorted(fake.tasks)
    assert len(tasks) == 2 * MAX_PACKAGES + 1

    errors: list[str] = []
    page = ready_phone(context, base, errors, len(tasks))
    size = page.evaluate("import('/app/static/js/sync.js').then((sync) => sync.PACKAGE_BATCH)")
    assert size == MAX_PACKAGES
    assert len(fake.package_requests) == ceil(len(tasks) / size) == 3
    assert fake.package_requests == [
        (BATCH, tasks[first : first + size]) for first in range(0, len(tasks), size)
    ]
    assert_stored(page, fake, tasks)
    assert errors == []


def test_package_batch_is_as_many_as_the_server_takes(context: BrowserContext, base: str) -> None:
    page = context.new_page()
    page.goto(f"{base}/app/")
    page.evaluate("frontline.ready")
    size = page.evaluate("import('/app/static/js/sync.js').then((sync) => sync.PACKAGE_BATCH)")
    assert size == MAX_PACKAGES


def test_results_are_read_per_task_in_the_order_asked(context: BrowserContext, base: str) -> None:
    page = context.new_page()
    page.goto(f"{base}/app/")
    page.evaluate("frontline.ready")
    read = page.evaluate(
        """async () => {
            const api = await import("/app/static/js/api.js");
            const issued = {package_id: 7, expires_at: "2030-01-01T00:00:00Z", read: {}};
            const refusal = {type: "/problems/task-not-yours", status: 404};
            const answer = {results: [
                {task: "T3", status: 201, package: {...issued, expires_at: null}},
                {task: "T2", status: 404, package: null, problem: refusal},
                {task: "T1", status: 201, package: issued, problem: null},
                {task: "T9", status: 201, package: issued, problem: null},
            ]};
            return api.readPackageResults(answer, ["T1", "T2", "T3", "T4"]).map((result) => [
                result.task, result.status, result.package?.package_id ?? null,
                result.package?.task_ref ?? null, result.problem?.type ?? null,
            ]);
        }"""
    )
    assert read == [
        ["T1", 201, "7", "T1", None],
        ["T2", 404, None, None, "/problems/task-not-yours"],
        ["T3", 502, None, None, None],  # no expiry: failed alone
        ["T4", 502, None, None, None],  # the answer says nothing of it
    ]
