"""Finished forms sent together, in real Chromium, against the stand-in device API.

Forms the worker finishes offline wait in the outbox; when the network returns, the ones
without photos that follow each other go in one request to the batch route, and the server's
answer for each is applied as if it had come alone: stored forms leave the outbox, one sent
back (422) opens again for correction. A form with photos still goes alone, and a task step
keeps its place between the forms. The service failing on a batch backs off every form in it;
sent again later, each is stored once.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, Page

from frontline.web.forms_models import MAX_BATCH
from tests.mobile.fake_api import FakeServer
from tests.mobile.helpers import counts, screen, until
from tests.mobile.test_forms_browser import (
    TASK,
    base,
    context,
    fake,
    fill_valid,
    kinds_form,
    lose_first_answer,
    open_form,
    png,
    quiet,
    ready_phone,
    visit_form,
)
from tests.web.test_browser import CHROMIUM, browser

# Fixtures used by the tests below.
__all__ = ["base", "browser", "context", "fake", "kinds_form", "quiet", "visit_form"]
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]
SENT_BACK = [{"path": "address", "code": "constraint", "message": "地址与门牌登记不符，请核实"}]


def submit_visit(page: Page, photo: bool = False) -> None:
    """Fill in and submit a visit record from the task's screen; back on it afterwards."""
    page.click("a[data-form=elderly_visit_record]")
    until(page, lambda: screen(page) == "form", "the form")
    fill_valid(page)
    if photo:
        page.set_input_files(
            "[id='in-photo']",
            {"name": "visit.png", "mimeType": "image/png", "buffer": png(320, 240)},
        )
        page.wait_for_selector("[id='q-photo'] img.photo-preview:visible")
    page.click("#form-submit")
    until(page, lambda: screen(page) == "task", "back to the task")


def queued_ids(page: Page) -> list[str]:
    """The client ids of the outbox, oldest first."""
    return [record["client_id"] for record in page.evaluate("frontline.submissions()")]


def batches(fake: FakeServer) -> list[list[str]]:
    """The client ids of every batch request the fake received."""
    return [[body["client_id"] for body in batch] for batch in fake.batch_posts]


def visits_queued_offline(
    context: BrowserContext, base: str, errors: list[str], count: int = 3
) -> tuple[Page, list[str]]:
    """A signed-in phone gone offline with `count` visit records of the task in its outbox;
    their client ids, oldest first."""
    page = ready_phone(context, base, errors)
    context.set_offline(True)
    page.click(f"[data-reference={TASK}]")
    for _ in range(count):
        submit_visit(page)
    return page, queued_ids(page)


def test_forms_finished_offline_go_together_and_one_sent_back_opens_again(
    context: BrowserContext, base: str, fake: FakeServer
) -> None:
    errors: list[str] = []
    page, (first, middle, last) = visits_queued_offline(context, base, errors)
    fake.invalid[middle] = SENT_BACK

    # Online: one request carries the three, in the order they were made; the server
    # stores two and sends the middle one back, which opens again with its message.
    context.set_offline(False)
    until(page, lambda: screen(page) == "form", "the form sent back", seconds=20)
    page.evaluate("frontline.settled()")
    assert batches(fake) == [[first, middle, last]]
    assert [body["client_id"] for body in fake.submission_posts] == [first, middle, last]
    assert list(fake.submissions) == [first, last]
    (kept,) = page.evaluate("frontline.submissions()")
    assert (kept["client_id"], kept["state"]) == (middle, "correction")
    page.wait_for_selector("[id='err-address']:visible")
    assert page.inner_text("[id='err-address']") == "地址与门牌登记不符，请核实"
    assert "服务器退回了这份记录" in page.inner_text("main")

    # Corrected, it goes again (alone: nothing else waits) as a new submission.
    del fake.invalid[middle]
    page.fill("[id='in-address']", "浙江省杭州市西湖区文三路 102 号 3 幢 201 室")
    page.click("#form-submit")
    until(page, lambda: page.evaluate("frontline.submissions()") == [], "the outbox emptied")
    assert len(fake.batch_posts) == 1
    assert len(fake.submissions) == 3
    assert counts(page)["sent"] == 3
    until(page, lambda: "已提交" in page.inner_text("#task-forms"), "submitted")
    assert errors == []


def test_a_form_with_a_photo_goes_alone_and_steps_keep_their_place(
    context: BrowserContext, base: str, fake: FakeServer
) -> None:
    errors: list[str] = []
    page = ready_phone(context, base, errors)
    context.set_offline(True)
    open_form(page)
    fill_valid(page)
    page.click("#form-submit")  # before the start
    until(page, lambda: screen(page) == "task", "the task")
    page.click("#start")
    until(page, lambda: counts(page)["outbox"] == 1, "the start queued")
    submit_visit(page, photo=True)
    submit_visit(page)
    submit_visit(page)
    page.click("#complete")
    page.fill("#outcome", "已走访。")
    page.click("#submit-outcome")
    until(page, lambda: counts(page)["outbox"] == 2, "the completion queued")
    alone, photo, second, third = queued_ids(page)

    # Online: each goes where it was made — the first form alone (nothing to go with), the
    # start, the form with the photo alone, the two after it together, then the completion.
    context.set_offline(False)
    until(page, lambda: fake.events[-1:] == [f"complete {TASK}"], "the completion")
    page.evaluate("frontline.settled()")
    form, start, complete = f"form {TASK}", f"start {TASK}", f"complete {TASK}"
    assert fake.events == [form, start, form, form, form, complete]
    assert [body["client_id"] for body in fake.submission_posts] == [alone, photo, second, third]
    assert batches(fake) == [[second, third]]
    assert len(fake.submissions[photo]["attachments"]) == 1
    assert page.evaluate("frontline.submissions()") == []
    assert counts(page)["attachments"] == 0
    assert errors == []


def test_a_long_backlog_goes_in_batches_of_at_most_submission_batch(
    context: BrowserContext, base: str, fake: FakeServer
) -> None:
    errors: list[str] = []
    page = ready_phone(context, base, errors)
    context.set_offline(True)
    page.click(f"[data-reference={TASK}]")
    submit_visit(page)
    # More of the same form, queued one after the other: one more than a batch takes.
    size = page.evaluate(
        """async () => {
            const outbox = await import("/app/static/js/forms/outbox.js");
            const { SUBMISSION_BATCH } = await import("/app/static/js/sync.js");
            const [record] = await outbox.list();
            const { body, ...kept } = await outbox.open(record);
            for (let n = 1; n <= SUBMISSION_BATCH; n += 1) {
                const copy = { ...body, client_id: crypto.randomUUID() };
                await outbox.queue(copy, kept, null, record.queued_at + n);
            }
            return SUBMISSION_BATCH;
        }"""
    )
    assert size == MAX_BATCH  # as many as the server takes
    sent = queued_ids(page)
    assert len(sent) == size + 1

    # The first SUBMISSION_BATCH together, the one left over alone.
    context.set_offline(False)
    until(page, lambda: page.evaluate("frontline.submissions()") == [], "the outbox emptied")
    assert batches(fake) == [sent[:size]]
    assert [body["client_id"] for body in fake.submission_posts] == sent
    assert list(fake.submissions) == sent
    # The check-in before sending told the server what a wipe would have lost.
    assert size + 1 in [posture.get("forms_unsent") for posture in fake.check_ins]
    assert errors == []


def due_now(page: Page) -> None:
    """As if the outbox's back-off had run out."""
    page.evaluate(
        """async () => {
            const db = await import("/app/static/js/db.js");
            for (const record of await db.all("submissions")) {
                await db.put("submissions", {...record, next_attempt_at: 0});
            }
        }"""
    )


def test_a_failing_batch_backs_off_every_form_and_each_is_stored_once_later(
    quiet: BrowserContext, base: str, fake: FakeServer
) -> None:
    errors: list[str] = []
    page, sent = visits_queued_offline(quiet, base, errors)

    # The service failing on the batch: every form in it waits, backing off.
    fake.submission_failures = 1
    quiet.set_offline(False)
    until(page, lambda: len(fake.batch_posts) == 1, "the batch")
    page.evaluate("frontline.settled()")
    waiting = page.evaluate("frontline.submissions()")
    assert [(r["client_id"], r["state"], r["attempts"]) for r in waiting] == [
        (client_id, "pending", 1) for client_id in sent
    ]
    assert fake.submissions == {}
    assert page.evaluate("frontline.sync()") == {"ok": True}
    assert len(fake.batch_posts) == 1  # backing off

    # Tried again: stored, but the answer is lost on the way; the forms stay in the outbox.
    lost: list[int] = []
    page.route("**/api/v1/device/submissions/batch", lose_first_answer(lost, status=200))
    due_now(page)
    page.evaluate("frontline.sync()")
    until(page, lambda: lost == [200], "the lost answer")
    page.evaluate("frontline.settled()")
    assert list(fake.submissions) == sent
    assert queued_ids(page) == sent

    # Sent again, the same bodies: the server knows them (200, duplicates), stored once each.
    page.evaluate("frontline.sync()")
    until(page, lambda: page.evaluate("frontline.submissions()") == [], "the outbox emptied")
    assert batches(fake) == [sent, sent, sent]
    assert fake.batch_posts[1] == fake.batch_posts[2]
    assert list(fake.submissions) == sent
    assert fake.events == [f"form {TASK}"] * 3
    assert counts(page)["sent"] == 3
    until(page, lambda: "已提交" in page.inner_text("#task-forms"), "submitted")
    assert errors == []
