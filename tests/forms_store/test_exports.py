"""Exports of submissions: a row per submission, a column per question, Chinese headers,
only what the policy lets the department read — audited subject by subject."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import select

from frontline.audit import AuditEvent
from frontline.forms.exports import export_submissions
from frontline.forms.refusals import FormsRefused, Refusal
from frontline.forms.submissions import record_submission
from frontline.store import write_transaction
from tests.access.world import T0
from tests.forms_store.factories import (
    NEW_ADDRESS,
    VISIT,
    FormsWorld,
    phone_of,
    submission,
    visit_task,
)


@pytest.fixture
def submitted(forms: FormsWorld) -> FormsWorld:
    """Two submissions for the resident of grid A, one for the resident of grid B."""
    worker_b = phone_of(forms.engine, forms["worker_b"])
    task_b = visit_task(forms.engine, forms.world, subject="P000000002", worker="worker_b")
    members = [{"member_name": "王小明", "member_relation": "child"},
               {"member_name": "=HYPERLINK(\"x\")", "member_relation": "carer"}]  # fmt: skip
    with write_transaction(forms.engine) as connection:
        record_submission(connection, forms.worker, submission(forms.task), now=T0)
        record_submission(
            connection, forms.worker,
            submission(forms.task, address=NEW_ADDRESS, needs=["meals", "cleaning"],
                       household=members, remarks="-已转介社区"),
            now=T0,
        )  # fmt: skip
        record_submission(connection, worker_b, submission(task_b), now=T0)
    return forms


def export(forms: FormsWorld, fmt: str, username: str = "manager") -> bytes:
    with write_transaction(forms.engine) as connection:
        return export_submissions(connection, forms[username], VISIT, fmt, now=T0).content  # type: ignore[arg-type]


def test_the_csv_opens_in_excel_with_chinese_headers(submitted: FormsWorld) -> None:
    data = export(submitted, "csv")
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    header, *body = rows
    assert header[:4] == ["提交编号", "工单编号", "对象编号", "网格员"]
    assert {"走访日期", "现住址", "需要的帮助", "在场的家庭成员或照护人"} <= set(header)
    assert len(header) == 8 + 16  # the fixed columns, then every question but the note
    by = [dict(zip(header, row, strict=True)) for row in body]
    assert sorted(r["对象编号"] for r in by) == ["P000000001", "P000000001", "P000000002"]
    second = next(r for r in by if r["现住址"] == NEW_ADDRESS)
    assert second["需要的帮助"] == "助餐；助洁"  # labels, not names
    assert second["备注"] == "'-已转介社区"  # no formula
    assert '"member_relation": "carer"' in second["在场的家庭成员或照护人"]


def test_the_xlsx_has_a_count_and_a_sheet_for_the_repeat(submitted: FormsWorld) -> None:
    book = CalamineWorkbook.from_filelike(io.BytesIO(export(submitted, "xlsx")))
    main, repeat = book.sheet_names
    assert main == "独居老人走访记录"
    rows = book.get_sheet_by_name(main).to_python()
    header = rows[0]
    counts = [row[header.index("在场的家庭成员或照护人（条数）")] for row in rows[1:]]
    assert sorted(counts) == [1, 1, 2]
    members = book.get_sheet_by_name(repeat).to_python()
    assert members[0][:2] == ["提交编号", "序号"]
    assert len(members) == 1 + 4
    assert [r[2] for r in members if str(r[2]).startswith("=")] == ['=HYPERLINK("x")']


def test_only_subjects_in_the_exporters_area_are_exported_and_each_is_audited(
    submitted: FormsWorld,
) -> None:
    street = replace(submitted["manager"], area="330106001001001")  # grid A only
    with write_transaction(submitted.engine) as connection:
        done = export_submissions(connection, street, VISIT, "csv", now=T0)
        events = connection.execute(select(AuditEvent).where(AuditEvent.action == "export")).all()
    assert done.rows == 2
    assert b"P000000002" not in done.content
    (event,) = events
    assert (event.purpose_kind, event.purpose_ref, event.subject_id) == (
        "export",
        VISIT,
        "P000000001",
    )
    assert {"address", "household"} <= set(event.fields)
    assert event.detail == {"form": VISIT, "format": "csv", "submissions": 2}


def test_an_export_of_nothing_is_still_on_record(forms: FormsWorld) -> None:
    data = export(forms, "csv", "admin")
    assert len(data.decode("utf-8-sig").splitlines()) == 1
    with forms.engine.connect() as connection:
        event = connection.execute(select(AuditEvent).where(AuditEvent.action == "export")).one()
    assert (event.subject_id, event.fields, event.detail["submissions"]) == (None, [], 0)


@pytest.mark.parametrize(
    ("username", "department", "reason"),
    [
        ("worker_a", "civil_affairs", Refusal.NOT_AN_UPLOADER),
        ("steward", "civil_affairs", Refusal.NOT_AN_UPLOADER),
        ("manager", "human_resources", Refusal.FORM_NOT_YOURS),
    ],
)
def test_other_roles_and_departments_do_not_export(
    submitted: FormsWorld, username: str, department: str, reason: Refusal
) -> None:
    member = replace(submitted[username], department=department)
    with write_transaction(submitted.engine) as connection, pytest.raises(FormsRefused) as refused:
        export_submissions(connection, member, VISIT, "csv", now=T0)
    assert refused.value.reason is reason
    with write_transaction(submitted.engine) as connection, pytest.raises(FormsRefused) as unknown:
        export_submissions(connection, submitted["manager"], "no_such_form", "csv", now=T0)
    assert unknown.value.reason is Refusal.FORM_UNKNOWN
