"""Field forms in the app, in real Chromium, against the stand-in device API (which validates
every submission with the server's own `check_submission`).

The worker fills in the elderly visit record offline — pre-filled from the package, skip logic
as they type, a constraint that blocks the submit until corrected, a repeat, a photo and the
location — and the finished form waits in the outbox, encrypted, until the network returns; it
is then stored once, even when the answer to the first try is lost. A 422 reopens the form
with the server's message next to the question; a refusal keeps the worker's data.
"""

from __future__ import annotations

import base64
import hashlib
import struct
import zlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, BrowserContext, Geolocation, Page, Route

from frontline.forms import read_xlsform
from frontline.web import mobile
from tests.forms.workbooks import CHOICES, survey_with, workbook
from tests.mobile.fake_api import PASSWORD, WORKER, FakeServer, JsonDict, router
from tests.mobile.helpers import counts, press_pin, screen, shoot, until
from tests.web.test_browser import CHROMIUM, PHONE, browser, serving, shots

__all__ = ["browser", "shots"]  # fixtures used by the tests below
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]
FORMS = Path(__file__).parents[2] / "examples" / "city" / "forms"
PIN = "2580"
TASK = "T00000001"
PHONE_HELD = "13812345678"
ADDRESS = "浙江省杭州市西湖区文三路 100 号 3 幢 201 室"
FIELDS: list[JsonDict] = [
    {"name": "name", "label_zh": "姓名", "mask": "full", "value": "王建国"},
    {"name": "phone", "label_zh": "联系电话", "mask": "full", "value": PHONE_HELD},
    {"name": "address", "label_zh": "住址", "mask": "full", "value": ADDRESS},
    {"name": "id_number", "label_zh": "公民身份号码", "mask": "mask",
     "value": "110105********0016"},
]  # fmt: skip
WHERE: Geolocation = {"latitude": 30.27415, "longitude": 120.15515, "accuracy": 12}
KINDS_HEADER = (
    "type", "name", "label::中文", "label::English (en)", "hint::中文", "required", "constraint",
    "constraint_message::中文", "relevant", "calculation", "default", "appearance", "read_only",
    "repeat_count",
)  # fmt: skip
KINDS = survey_with(
    ("note", "intro", "请逐项填写", "Fill in every item"),
    ("text", "title", "标题", "Title", "简短说明", "yes"),
    ("integer", "count", "数量", "Count", None, "yes", ". >= 0", "数量不能为负"),
    ("decimal", "amount", "金额", "Amount", None, None, ". >= 0"),
    ("date", "day", "日期", "Day", None, None, None, None, None, None, "today()"),
    ("select_one yes_no", "pick", "是否", "Pick", *[None] * 7, "minimal"),
    ("select_one yes_no", "row", "横排", "Row", *[None] * 7, "horizontal"),
    ("text", "fixed", "固定值", "Fixed", *[None] * 6, "ABC", None, "yes"),
    ("text", "story", "经过", "Story", None, "${count} > 5", *[None] * 5, "multiline"),
    ("begin group", "more", "更多", "More", None, None, None, None, "${pick} = 'yes'"),
    ("text", "extra", "补充", "Extra", None, "yes"),
    ("end group",),
    ("begin repeat", "kids", "子女", "Children", *[None] * 9, "2"),
    ("text", "kid", "姓名", "Name", None, "yes"),
    ("end repeat",),
    ("calculate", "double", "两倍", "Double", *[None] * 5, "${count} * 2"),
    ("geopoint", "place", "位置", "Place"),
    header=KINDS_HEADER,
)
KINDS_SETTINGS = (
    ("form_id", "version", "form_title", "form_title::English (en)"),
    ("all_kinds", "1", "各类题目", "Every kind of question"),
)


@pytest.fixture(scope="module")
def visit_form() -> JsonDict:
    data = (FORMS / "elderly_visit_record.xlsx").read_bytes()
    document: JsonDict = read_xlsform(data, "elderly_visit_record.xlsx").to_document()
    return document


@pytest.fixture(scope="module")
def kinds_form() -> JsonDict:
    data = workbook(survey=KINDS, choices=CHOICES, settings=KINDS_SETTINGS)
    document: JsonDict = read_xlsform(data, "all_kinds.xlsx").to_document()
    return document


@pytest.fixture
def fake(visit_form: JsonDict, kinds_form: JsonDict) -> FakeServer:
    server = FakeServer()
    server.forms = {visit_form["form_id"]: visit_form, kinds_form["form_id"]: kinds_form}
    forms = [visit_form["form_id"]]
    server.add_task(TASK, "330106001001001", "assigned", date.today(), FIELDS, forms)
    return server


@pytest.fixture
def base(fake: FakeServer) -> Iterator[str]:
    app = FastAPI()
    app.include_router(mobile.router())
    app.include_router(router(fake))
    with serving(app) as url:
        yield url


def phone_context(browser: Browser, service_workers: str = "allow") -> BrowserContext:
    return browser.new_context(
        viewport=PHONE,
        locale="zh-CN",
        service_workers=service_workers,  # type: ignore[arg-type]
        geolocation=WHERE,
        permissions=["geolocation"],
    )


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    made = phone_context(browser)
    yield made
    made.close()


@pytest.fixture
def quiet(browser: Browser) -> Iterator[BrowserContext]:
    """A phone whose requests the test may intercept (no service worker in the way)."""
    made = phone_context(browser, "block")
    yield made
    made.close()


def ready_phone(context: BrowserContext, base: str, errors: list[str], packages: int = 1) -> Page:
    """Enrolled, signed in, the PIN set, `packages` packages (with their forms) on the phone,
    the sync done."""
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{base}/app/?enrol=ENROL1234")
    page.evaluate("frontline.ready")
    page.click("button[form=enrol-form]")
    page.wait_for_selector("#username")
    page.fill("#username", WORKER)
    page.fill("#password", PASSWORD)
    page.click("button[form=sign-in-form]")
    page.wait_for_selector(".pin-pad")
    press_pin(page, PIN)
    until(page, lambda: "再次输入" in page.inner_text("h1"), "the PIN confirmation")
    press_pin(page, PIN)
    page.wait_for_selector(".task-card")
    until(page, lambda: counts(page)["packages"] == packages, f"{packages} packages")
    page.evaluate("frontline.settled()")
    return page


def open_form(page: Page) -> None:
    page.click(f"[data-reference={TASK}]")
    page.click("a[data-form=elderly_visit_record]")
    until(page, lambda: screen(page) == "form", "the form")


def shown(page: Page, path: str) -> bool:
    return bool(page.is_visible(f"[id='q-{path}']"))


def choose(page: Page, path: str, value: str) -> None:
    page.check(f"[id='q-{path}'] input[value='{value}']")


def fill_valid(page: Page) -> None:
    """A visit where the resident was met and is well (the pre-filled contact kept)."""
    choose(page, "met", "yes")
    choose(page, "vital_status", "alive")
    choose(page, "living", "alone")
    choose(page, "health", "good")
    choose(page, "needs", "none")


def stored_text(page: Page) -> str:
    """Every record of every IndexedDB store as text, byte arrays decoded as UTF-8: what
    anyone reading the phone's storage would find."""
    found: str = page.evaluate(
        """async () => {
            const db = await import("/app/static/js/db.js");
            const decoder = new TextDecoder("utf-8", {fatal: false});
            const parts = [];
            for (const store of db.STORES) {
                for (const record of await db.all(store)) {
                    parts.push(JSON.stringify(record, (key, value) => {
                        if (value instanceof Uint8Array) return decoder.decode(value);
                        if (value instanceof ArrayBuffer) return decoder.decode(value);
                        if (value instanceof CryptoKey) return "[key]";
                        return value;
                    }));
                }
            }
            return parts.join("\\n");
        }"""
    )
    return found


def png(width: int, height: int) -> bytes:
    """A PNG of bands of colour: something for the JPEG encoder to work on."""
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # no filter
        rows.extend(bytes((y * 255 // height, 120, 200)) * width)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    signature = bytes([0x89]) + b"PNG\r\n" + bytes([0x1A]) + b"\n"
    return (
        signature
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 6))
        + chunk(b"IEND", b"")
    )


def jpeg_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a JPEG's start-of-frame segment."""
    assert data[:2] == bytes([0xFF, 0xD8]), "not a JPEG"
    at = 2
    while at < len(data):
        marker, length = data[at + 1], struct.unpack(">H", data[at + 2 : at + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            height, width = struct.unpack(">HH", data[at + 5 : at + 9])
            return width, height
        at += 2 + length
    raise AssertionError("no frame in the JPEG")


def test_a_visit_is_recorded_offline_and_stored_once_when_online(
    context: BrowserContext, base: str, fake: FakeServer, shots: Path
) -> None:
    errors: list[str] = []
    page = ready_phone(context, base, errors)
    page.wait_for_function("navigator.serviceWorker.controller !== null")

    # Offline from here, the app itself reloaded from its service worker.
    context.set_offline(True)
    page.reload()
    page.evaluate("frontline.ready")
    open_form(page)
    assert page.inner_text("h1") == "独居老人走访记录"
    assert page.input_value("[id='in-visit_date']") == date.today().isoformat()  # today()

    # Pre-filled from the package (once-only), saying where it came from.
    assert page.input_value("[id='in-phone']") == PHONE_HELD
    assert page.input_value("[id='in-address']") == ADDRESS
    assert "来自档案" in page.inner_text("[id='bound-phone']")
    assert "修改后将提交审核" in page.inner_text("[id='bound-phone']")

    # Skip logic as the worker answers: the reason only when not met, the death date only
    # when deceased; the contact group only for a living resident.
    assert not shown(page, "not_met_reason")
    choose(page, "met", "no")
    assert shown(page, "not_met_reason")
    assert not shown(page, "not_met_detail")
    choose(page, "not_met_reason", "other")
    assert shown(page, "not_met_detail")
    choose(page, "met", "yes")
    assert not shown(page, "not_met_reason")
    assert not shown(page, "not_met_detail")
    assert not shown(page, "death_date")
    choose(page, "vital_status", "deceased")
    assert shown(page, "death_date")
    assert not shown(page, "contact")
    page.fill("[id='in-death_date']", "2026-01-05")
    choose(page, "vital_status", "alive")
    assert not shown(page, "death_date")
    assert shown(page, "contact")
    assert shown(page, "wellbeing")
    choose(page, "living", "alone")
    choose(page, "health", "fair")
    choose(page, "needs", "meals")
    choose(page, "needs", "none")  # "none" with another: the constraint says no
    assert "选择“无”时不能再选其他项" in page.inner_text("[id='err-needs']")
    page.uncheck("[id='q-needs'] input[value='none']")
    assert page.is_hidden("[id='err-needs']")

    # A phone number that is not one: the form's message next to the question, as typed.
    page.fill("[id='in-phone']", "1381234")
    page.press("[id='in-phone']", "Tab")
    assert page.inner_text("[id='err-phone']") == "请填写 11 位手机号码"
    assert "已修改" in page.inner_text("[id='bound-phone']")

    # The household repeat: two members added, one removed again.
    page.click("[id='add-household']")
    page.fill("[id='in-household[0].member_name']", "王小明")
    choose(page, "household[0].member_relation", "child")
    page.click("[id='add-household']")
    page.fill("[id='in-household[1].member_name']", "李阿姨")
    choose(page, "household[1].member_relation", "carer")
    assert page.locator(".instance").count() == 2
    page.evaluate("document.getElementById('q-household').scrollIntoView()")
    page.screenshot(path=shots / "app-form-repeat-zh.png", animations="disabled", caret="hide")

    # The location, and a large photo made small.
    page.click("[id='in-location']")
    until(page, lambda: "纬度 30.274150" in page.inner_text("[id='q-location']"), "the fix")
    assert "精度约 12 米" in page.inner_text("[id='q-location']")
    picture = png(2400, 1800)
    page.set_input_files(
        "[id='in-photo']", {"name": "visit.png", "mimeType": "image/png", "buffer": picture}
    )
    page.wait_for_selector("[id='q-photo'] img.photo-preview:visible")

    # Submit: blocked, with a summary at the top that leads to the question.
    page.click("#form-submit")
    summary = page.locator("#form-summary")
    assert summary.is_visible()
    assert "「联系电话」：请填写 11 位手机号码" in summary.inner_text()
    assert counts(page)["submissions"] == 0
    page.click("#form-summary button[data-path=phone]")
    assert page.evaluate("document.activeElement.id") == "in-phone"
    page.evaluate("document.getElementById('q-contact').scrollIntoView()")
    page.screenshot(path=shots / "app-form-error-zh.png", animations="disabled", caret="hide")
    page.fill("[id='in-phone']", "13912345678")
    assert page.is_hidden("[id='err-phone']")
    assert summary.is_hidden()

    # Left and opened again: nothing lost (the draft is kept, sealed).
    page.click("a.back")
    until(page, lambda: screen(page) == "task", "the task")
    until(page, lambda: counts(page)["drafts"] == 1, "the draft")
    assert "草稿" in page.inner_text("#task-forms")
    page.click("a[data-form=elderly_visit_record]")
    until(page, lambda: screen(page) == "form", "the form again")
    assert page.input_value("[id='in-phone']") == "13912345678"
    assert page.input_value("[id='in-household[1].member_name']") == "李阿姨"
    page.click("[id='q-household[0]'] .remove")
    page.click("[id='q-household[0]'] .remove")  # a second tap: removed
    assert page.locator(".instance").count() == 1
    assert page.input_value("[id='in-household[0].member_name']") == "李阿姨"

    page.click("#form-submit")
    until(page, lambda: screen(page) == "task", "back to the task")
    assert "待同步" in page.inner_text("#task-forms")
    page.click("a.back")
    until(page, lambda: screen(page) == "tasks", "the list")
    assert "表单待同步" in page.inner_text(f"[data-reference={TASK}]")
    page.click(f"[data-reference={TASK}]")
    until(page, lambda: screen(page) == "task", "the task")
    (queued,) = page.evaluate("frontline.submissions()")
    assert (queued["state"], queued["task_ref"]) == ("pending", TASK)
    assert counts(page)["drafts"] == 0
    assert counts(page)["attachments"] == 1
    shoot(page, shots / "app-form-pending-zh.png")

    # Nothing the worker entered, nor the package's values, is readable in IndexedDB.
    kept = stored_text(page)
    assert queued["client_id"] in kept  # the records are there, by their clear ids
    for secret in ["13912345678", PHONE_HELD, "李阿姨", "文三路", "30.27415", "2026-01-05"]:
        assert secret not in kept, secret

    # Online: sent once, with its client_id; out of the outbox; the task says so.
    assert fake.submission_posts == []
    context.set_offline(False)
    until(page, lambda: len(fake.submissions) == 1, "the submission")
    until(page, lambda: counts(page)["submissions"] == 0, "the outbox emptied")
    page.evaluate("frontline.settled()")
    (posted,) = fake.submission_posts
    assert posted["client_id"] == queued["client_id"]
    assert posted["task"] == TASK
    assert posted["form_version"] == "2026113001"
    answers = posted["answers"]
    assert answers["phone"] == "13912345678"
    assert answers["address"] == ADDRESS
    assert answers["needs"] == ["meals"]
    assert answers["needs_follow_up"] == "yes"  # the calculate
    assert answers["household"] == [{"member_name": "李阿姨", "member_relation": "carer"}]
    assert answers["location"] == WHERE
    for absent in ["not_met_reason", "not_met_detail", "death_date", "intro", "remarks"]:
        assert absent not in answers, absent  # not relevant, a note, or not answered
    (attachment,) = posted["attachments"]
    photo = base64.b64decode(attachment["data"])
    assert answers["photo"] == {"attachment": attachment["sha256"], "content_type": "image/jpeg"}
    assert hashlib.sha256(photo).hexdigest() == attachment["sha256"]
    assert jpeg_size(photo) == (1600, 1200)
    assert counts(page)["attachments"] == 0
    until(page, lambda: "已提交" in page.inner_text("#task-forms"), "submitted")
    assert len(fake.submission_posts) == 1
    assert errors == []


def lose_first_answer(lost: list[int], status: int = 201) -> Any:
    """A route handler: the first answer with `status` (a submission stored; 200 for a batch),
    the app never hears about."""

    def handle(route: Route) -> None:
        answer = route.fetch()
        if answer.status == status and not lost:
            lost.append(answer.status)
            route.abort("connectionreset")
        else:
            route.fulfill(response=answer)

    return handle


def test_a_lost_answer_is_retried_with_the_same_client_id_and_stored_once(
    quiet: BrowserContext, base: str, fake: FakeServer
) -> None:
    errors: list[str] = []
    page = ready_phone(quiet, base, errors)
    lost: list[int] = []
    page.route("**/api/v1/device/submissions", lose_first_answer(lost))
    page.click(f"[data-reference={TASK}]")
    page.click("#start")
    until(page, lambda: fake.events == [f"start {TASK}"], "the start")
    page.click("a[data-form=elderly_visit_record]")
    until(page, lambda: screen(page) == "form", "the form")
    fill_valid(page)

    # In English, labels from the form's English column; the answers stay.
    page.click("#lang")
    until(page, lambda: "Was the resident met" in page.inner_text("main"), "English")
    assert "Yes" in page.inner_text("[id='q-met']")
    assert page.is_checked("[id='q-met'] input[value='yes']")
    page.click("#lang")
    until(page, lambda: "是否见到老人本人" in page.inner_text("main"), "Chinese")
    page.click("#form-submit")

    # Stored by the server, but the phone never heard: still in its outbox.
    until(page, lambda: lost == [201], "the lost answer")
    page.evaluate("frontline.settled()")
    (queued,) = page.evaluate("frontline.submissions()")
    assert queued["state"] == "pending"
    assert len(fake.submissions) == 1

    # Completing the task sends what waits, in the order it was made: the form again (the
    # server knows it: 200, stored once), then the step.
    page.click("#complete")
    page.fill("#outcome", "老人身体尚好。")
    page.click("#submit-outcome")
    until(page, lambda: fake.events[-1] == f"complete {TASK}", "the completion")
    page.evaluate("frontline.settled()")
    first, second = fake.submission_posts
    assert first == second
    assert first["client_id"] == queued["client_id"]
    assert list(fake.submissions) == [queued["client_id"]]
    assert fake.events == [f"start {TASK}", f"form {TASK}", f"complete {TASK}"]
    assert page.evaluate("frontline.submissions()") == []
    assert counts(page)["packages"] == 0  # purged with the completion
    assert errors == []


def test_the_server_sends_a_form_back_and_the_worker_corrects_it(
    context: BrowserContext, base: str, fake: FakeServer
) -> None:
    errors: list[str] = []
    page = ready_phone(context, base, errors)
    fake.submission_failures = 1
    fake.submission_errors = [
        {"path": "address", "code": "constraint", "message": "地址与门牌登记不符，请核实"}
    ]
    open_form(page)
    fill_valid(page)
    page.click("#form-submit")

    # The service failing: kept, and tried again only after a while.
    until(page, lambda: len(fake.submission_posts) == 1, "the first try")
    page.evaluate("frontline.settled()")
    (waiting,) = page.evaluate("frontline.submissions()")
    assert (waiting["state"], waiting["attempts"]) == ("pending", 1)
    assert page.evaluate("frontline.sync()") == {"ok": True}
    assert len(fake.submission_posts) == 1  # backing off
    page.evaluate(
        """async () => {  // as if the back-off had run out
            const db = await import("/app/static/js/db.js");
            const [record] = await db.all("submissions");
            await db.put("submissions", {...record, next_attempt_at: 0});
        }"""
    )
    page.evaluate("frontline.sync()")

    # 422: the form opens again, the server's message next to the question.
    until(page, lambda: screen(page) == "form", "the form reopened", seconds=20)
    page.wait_for_selector("[id='err-address']:visible")
    assert page.inner_text("[id='err-address']") == "地址与门牌登记不符，请核实"
    assert "服务器退回了这份记录" in page.inner_text("main")
    assert page.is_checked("[id='q-met'] input[value='yes']")  # the answers are all there
    (kept,) = page.evaluate("frontline.submissions()")
    assert kept["state"] == "correction"

    page.fill("[id='in-address']", "浙江省杭州市西湖区文三路 102 号 3 幢 201 室")
    assert page.is_hidden("[id='err-address']")
    page.click("#form-submit")
    until(page, lambda: len(fake.submissions) == 1, "the corrected form")
    until(page, lambda: page.evaluate("frontline.submissions()") == [], "the outbox emptied")
    _, first, second = fake.submission_posts
    assert first["client_id"] == waiting["client_id"]
    assert second["client_id"] != first["client_id"]  # new content, a new submission
    assert list(fake.submissions) == [second["client_id"]]
    assert second["answers"]["address"].startswith("浙江省杭州市西湖区文三路 102 号")
    until(page, lambda: "已提交" in page.inner_text("#task-forms"), "submitted")
    assert errors == []


def test_a_refused_form_is_kept_until_the_worker_deletes_it(
    context: BrowserContext, base: str, fake: FakeServer
) -> None:
    errors: list[str] = []
    page = ready_phone(context, base, errors)
    context.set_offline(True)
    page.click(f"[data-reference={TASK}]")
    page.click("#start")
    page.click("a[data-form=elderly_visit_record]")
    until(page, lambda: screen(page) == "form", "the form")
    fill_valid(page)
    page.click("#form-submit")
    until(page, lambda: screen(page) == "task", "the task")
    page.click("a[data-form=elderly_visit_record]")  # another one, left unfinished
    until(page, lambda: screen(page) == "form", "a second form")
    choose(page, "met", "no")
    page.click("a.back")
    until(page, lambda: counts(page)["drafts"] == 1, "the draft")

    # Completed offline: the package goes at once, and the draft (it holds the package's
    # values) with it; the finished form stays.
    page.click("#complete")
    assert "草稿将被删除" in page.inner_text("#outcome-form")
    page.fill("#outcome", "已走访。")
    page.click("#submit-outcome")
    until(page, lambda: counts(page)["packages"] == 0, "the purge")
    assert counts(page)["drafts"] == 0
    assert counts(page)["submissions"] == 1

    fake.submission_refusal = "task-cancelled"
    context.set_offline(False)
    until(page, lambda: fake.events == [f"start {TASK}", f"complete {TASK}"], "the steps")
    page.evaluate("frontline.settled()")
    (kept,) = page.evaluate("frontline.submissions()")
    assert kept["state"] == "refused"
    assert len(fake.submission_posts) == 1
    assert page.evaluate("frontline.sync()") == {"ok": True}
    assert len(fake.submission_posts) == 1  # a refusal is not sent again and again
    page.goto(f"{base}/app/#/task/{TASK}")
    page.evaluate("frontline.ready")
    forms = page.inner_text("#task-forms")
    assert "未被接受" in forms
    assert "该工单已撤销" in forms
    page.click("#task-forms .danger-link")
    assert page.evaluate("frontline.submissions()") != []  # one tap is not enough
    page.click("#task-forms .danger-link")
    until(page, lambda: page.evaluate("frontline.submissions()") == [], "deleted")
    assert counts(page)["attachments"] == 0
    assert errors == []


def test_every_kind_of_question_is_shown_and_typed_as_the_server_expects(
    context: BrowserContext, base: str, fake: FakeServer
) -> None:
    fake.tasks[TASK]["_forms"] = ["all_kinds"]
    errors: list[str] = []
    page = ready_phone(context, base, errors)
    page.click(f"[data-reference={TASK}]")
    page.click("a[data-form=all_kinds]")
    until(page, lambda: screen(page) == "form", "the form")
    assert "请逐项填写" in page.inner_text("[id='q-intro']")
    assert "简短说明" in page.inner_text("[id='q-title']")
    assert page.get_attribute("[id='in-count']", "inputmode") == "numeric"
    assert page.get_attribute("[id='in-amount']", "inputmode") == "decimal"
    assert page.get_attribute("[id='in-day']", "type") == "date"
    assert page.input_value("[id='in-day']") == date.today().isoformat()
    assert page.evaluate("(id) => document.getElementById(id).tagName", "in-pick") == "SELECT"
    assert page.evaluate("(id) => document.getElementById(id).tagName", "in-story") == "TEXTAREA"
    assert page.locator("[id='q-row'] .options.row").count() == 1
    assert page.input_value("[id='in-fixed']") == "ABC"
    assert page.get_attribute("[id='in-fixed']", "readonly") is not None
    # A repeat of a fixed count: its instances are there, none added or removed.
    assert page.locator("[id='q-kids'] .instance").count() == 2
    assert page.is_hidden("[id='add-kids']")
    assert page.locator("[id='q-kids'] .remove").count() == 0
    assert page.locator("[id='q-double']").count() == 0  # a calculate is not shown

    # Types as typed, required by an expression, a group shown by a minimal select.
    page.fill("[id='in-count']", "12a")
    page.press("[id='in-count']", "Tab")
    assert page.inner_text("[id='err-count']") == "应为整数"
    page.fill("[id='in-count']", "-1")
    assert page.inner_text("[id='err-count']") == "数量不能为负"
    assert page.is_hidden("[id='q-story'] .req")
    page.fill("[id='in-count']", "７")  # a full-width digit, as a Chinese keyboard types it
    assert page.is_hidden("[id='err-count']")
    assert page.is_visible("[id='q-story'] .req")
    page.fill("[id='in-amount']", "1,5")
    page.press("[id='in-amount']", "Tab")
    assert page.inner_text("[id='err-amount']") == "应为数字"
    page.fill("[id='in-amount']", "12.50")
    assert not shown(page, "more")
    page.select_option("[id='in-pick']", "yes")
    assert shown(page, "more")

    # A location typed by hand (no fix indoors), checked like any answer.
    page.click("[id='q-place'] .geo > .link")
    page.fill("[id='in-place-latitude']", "95")
    page.fill("[id='in-place-longitude']", "120.1")
    page.press("[id='in-place-longitude']", "Tab")
    assert "位置超出范围" in page.inner_text("[id='err-place']")
    page.fill("[id='in-place-latitude']", "30.2")
    assert page.is_hidden("[id='err-place']")

    page.click("#form-submit")
    summary = page.inner_text("#form-summary")
    for missing in ["「标题」", "「经过」", "「补充」", "「子女」第 2 条的「姓名」"]:
        assert missing in summary, missing
    page.fill("[id='in-title']", "入户核查")
    page.fill("[id='in-story']", "当面核实。")
    page.fill("[id='in-extra']", "无")
    page.fill("[id='in-kids[0].kid']", "王一")
    page.fill("[id='in-kids[1].kid']", "王二")
    page.click("#form-submit")
    until(page, lambda: len(fake.submissions) == 1, "the submission")
    (posted,) = fake.submissions.values()
    assert posted["answers"] == {
        "title": "入户核查",
        "count": 7,
        "amount": 12.5,
        "day": date.today().isoformat(),
        "pick": "yes",
        "fixed": "ABC",
        "story": "当面核实。",
        "extra": "无",
        "kids": [{"kid": "王一"}, {"kid": "王二"}],
        "double": 14,
        "place": {"latitude": 30.2, "longitude": 120.1, "accuracy": None},
    }
    assert posted["attachments"] == []
    assert errors == []
