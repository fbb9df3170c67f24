"""Registering form versions: checked against the scenarios naming them, one active at a time."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from frontline.forms.errors import FormError
from frontline.forms.models import FormVersion
from frontline.forms.refusals import FormsRefused, Refusal
from frontline.forms.registry import (
    GRACE,
    active_documents,
    current_version,
    form_document,
    form_history,
    list_forms,
    register_form,
)
from frontline.staff.roles import Role
from frontline.store import write_transaction
from tests.access.world import T0
from tests.forms_store.factories import FORMS, VERSION, VISIT, FormsWorld, spreadsheet

LATER = T0 + timedelta(days=1)


def test_the_demo_forms_register_with_their_scenarios(forms: FormsWorld) -> None:
    with forms.engine.connect() as connection:
        listed = {f.form_id: f for f in list_forms(connection)}
        document = form_document(connection, VISIT, VERSION)
    assert set(listed) == {p.stem for p in FORMS.glob("*.xlsx")}
    visit = listed[VISIT]
    assert (visit.version, visit.status, visit.entity_type) == (VERSION, "active", "person")
    assert visit.scenario_keys == ("elderly_home_visit",)
    assert visit.uploaded_by is None  # the deployment's own registration
    assert listed["enterprise_inspection_record"].entity_type == "enterprise"
    assert document is not None
    assert document["form_id"] == VISIT
    assert {q["bind"]["field"] for q in _questions(document) if q.get("bind")} == {
        "phone", "address", "death_date",
    }  # fmt: skip


def test_the_same_content_again_changes_nothing(forms: FormsWorld) -> None:
    data = (FORMS / f"{VISIT}.xlsx").read_bytes()
    with write_transaction(forms.engine) as connection:
        again = register_form(
            connection, data, f"{VISIT}.xlsx", now=LATER, uploaded_by=forms["admin"]
        )
        count = connection.execute(select(func.count()).select_from(FormVersion)).scalar_one()
    assert not again.added
    assert again.version.uploaded_at == T0
    assert count == len(list(FORMS.glob("*.xlsx")))


def test_a_new_version_retires_the_one_before(forms: FormsWorld) -> None:
    with write_transaction(forms.engine) as connection:
        new = register_form(
            connection, spreadsheet(), "visit.xlsx", now=LATER, uploaded_by=forms["manager"]
        )
        history = form_history(connection, VISIT)
        current = current_version(connection, VISIT)
        documents = active_documents(connection, [VISIT, "no_such_form"])
    assert new.added
    assert new.retired == VERSION
    assert new.version.uploaded_by == forms["manager"].staff_id
    assert [(v.version, v.status) for v in history] == [
        ("2026120101", "active"),
        (VERSION, "retired"),
    ]
    old = history[1]
    assert old.retired_at == LATER
    assert current is not None
    assert current.version == "2026120101"
    assert [d["version"] for d in documents] == ["2026120101"]
    # Tasks out with the old version may still send it for a week, but no task created since.
    assert old.takes_submissions(LATER + GRACE - timedelta(seconds=1), T0)
    assert not old.takes_submissions(LATER + GRACE, T0)
    assert not old.takes_submissions(LATER + timedelta(hours=1), LATER + timedelta(minutes=1))


def test_a_registered_version_never_changes(forms: FormsWorld) -> None:
    with write_transaction(forms.engine) as connection, pytest.raises(FormsRefused) as refused:
        register_form(connection, spreadsheet(version=VERSION), "visit.xlsx", now=LATER)
    assert refused.value.reason is Refusal.FORM_VERSION_TAKEN
    assert refused.value.values["suggestion"] == "2026113002"


def test_a_binding_to_a_field_the_scenario_masks_is_refused_at_its_row(forms: FormsWorld) -> None:
    # The subsidy re-check shows the phone masked: its form may not bind it.
    with write_transaction(forms.engine) as connection, pytest.raises(FormError) as refused:
        register_form(connection, spreadsheet("subsidy_recheck_record"), "recheck.xlsx", now=LATER)
    (problem,) = refused.value.problems
    assert (problem.sheet, problem.row, problem.column) == ("survey", 6, "golden_field")
    assert "subsidy_recheck" in problem.message_en
    assert "masks phone" in problem.message_en
    assert "遮蔽" in problem.message_zh


def test_a_form_no_scenario_names_is_refused(forms: FormsWorld) -> None:
    with write_transaction(forms.engine) as connection, pytest.raises(FormError) as refused:
        register_form(connection, spreadsheet("unlisted_form"), "unlisted.xlsx", now=LATER)
    assert [(p.sheet, p.row, p.column) for p in refused.value.problems] == [
        ("settings", 2, "form_id")
    ]


def test_a_spreadsheet_that_is_not_one_is_refused_with_its_problem(forms: FormsWorld) -> None:
    with write_transaction(forms.engine) as connection, pytest.raises(FormError) as refused:
        register_form(connection, b"not a workbook", "visit.xlsx", now=LATER)
    assert "cannot be read" in refused.value.problems[0].message_en


@pytest.mark.parametrize(
    ("username", "department", "reason"),
    [
        ("worker_a", "civil_affairs", Refusal.NOT_AN_UPLOADER),
        ("manager", "market_regulation", Refusal.FORM_NOT_YOURS),
    ],
)
def test_only_administrators_and_the_owning_departments_managers_upload(
    forms: FormsWorld, username: str, department: str, reason: Refusal
) -> None:
    member = replace(forms[username], department=department)
    with write_transaction(forms.engine) as connection, pytest.raises(FormsRefused) as refused:
        register_form(connection, spreadsheet(), "visit.xlsx", now=LATER, uploaded_by=member)
    assert refused.value.reason is reason
    admin = replace(
        forms["admin"], department="market_regulation", roles=frozenset({Role.ADMINISTRATOR})
    )
    with write_transaction(forms.engine) as connection:
        assert register_form(
            connection, spreadsheet(), "visit.xlsx", now=LATER, uploaded_by=admin
        ).added


def _questions(document: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []

    def walk(nodes: Any) -> None:
        for node in nodes if isinstance(nodes, list) else []:
            if node["kind"] == "question":
                found.append(node)
            walk(node.get("children"))

    walk(document["children"])
    return found
