"""The demo city's forms: one per form a scenario names, each read cleanly and kept in step
with the script that writes them."""

from __future__ import annotations

import importlib.util
import sys
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from frontline.forms import FormDefinition, Proposal, check_submission, read_xlsform

CITY = Path(__file__).parents[2] / "examples" / "city"
FORMS = CITY / "forms"


def scenario_forms() -> dict[str, str]:
    """Each form a scenario names, with the scenario's entity type."""
    found: dict[str, str] = {}
    for path in sorted((CITY / "scenarios").glob("*.yaml")):
        scenario = yaml.safe_load(path.read_text(encoding="utf-8"))
        for form in scenario.get("forms", []):
            found[form] = scenario["entity_type"]
    return found


SCENARIO_FORMS = scenario_forms()


def read(form_id: str) -> FormDefinition:
    path = FORMS / f"{form_id}.xlsx"
    return read_xlsform(path.read_bytes(), path.name, entity_type=SCENARIO_FORMS[form_id])


def builder(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The examples' build script, imported from its file (it is not a package module)."""
    spec = importlib.util.spec_from_file_location("build_examples", FORMS / "build_examples.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "build_examples", module)  # dataclasses look it up
    spec.loader.exec_module(module)
    return module


def test_every_scenario_form_has_a_spreadsheet() -> None:
    assert "elderly_visit_record" in SCENARIO_FORMS
    assert "social_assistance_application" in SCENARIO_FORMS
    assert {p.stem for p in FORMS.glob("*.xlsx")} == set(SCENARIO_FORMS)


@pytest.mark.parametrize("form_id", sorted(SCENARIO_FORMS))
def test_each_example_reads_cleanly(form_id: str) -> None:
    definition = read(form_id)
    assert definition.form_id == form_id
    assert definition.entity_type == SCENARIO_FORMS[form_id]
    assert {"zh", "en"} <= set(definition.title)
    assert all("en" in p.question.label for p in definition.questions())
    assert definition.bound_questions()


def test_the_spreadsheets_are_what_the_script_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = builder(monkeypatch)
    for form in module.FORMS:
        written = module.write(form, tmp_path)
        assert written.read_bytes() == (FORMS / written.name).read_bytes(), written.name


def test_the_home_visit_form_has_what_a_visit_records() -> None:
    definition = read("elderly_visit_record")
    types = {p.question.type for p in definition.questions()}
    assert types >= {
        "date",
        "select_one",
        "select_multiple",
        "text",
        "calculate",
        "geopoint",
        "photo",
        "note",
    }
    assert {(q.name, q.bind) for q in definition.bound_questions()} == {
        ("phone", "phone"),
        ("address", "address"),
        ("death_date", "death_date"),
    }
    assert "household" in definition.repeats


def test_a_home_visit_that_corrects_the_address_proposes_it() -> None:
    definition = read("elderly_visit_record")
    answers = {
        "visit_date": "2026-11-30",
        "met": "yes",
        "vital_status": "alive",
        "living": "alone",
        "health": "poor",
        "needs": ["meals", "alarm"],
        "phone": "13812345678",
        "address": "西湖区文三路 100 号 3 幢 201 室",
        "household": [{"member_name": "李小红", "member_relation": "child"}],
        "location": {"latitude": 30.28, "longitude": 120.13, "accuracy": 12.0},
    }
    prefill = {"phone": "13812345678", "address": "西湖区文三路 100 号 3 幢 101 室"}
    checked = check_submission(definition, answers, today=date(2026, 11, 30), prefill=prefill)
    assert checked.ok, checked.errors
    assert checked.answers["needs_follow_up"] == "yes"
    assert checked.proposals == [
        Proposal("address", "address", answers["address"], prefill["address"])
    ]
    deceased = {
        "visit_date": "2026-11-30",
        "met": "no",
        "not_met_reason": "other",
        "not_met_detail": "家属告知老人已去世",
        "vital_status": "deceased",
        "death_date": "2026-12-02",
        "phone": "13812345678",
    }
    checked = check_submission(definition, deceased, today=date(2026, 11, 30), prefill=prefill)
    assert [(e.path, e.code) for e in checked.errors] == [("death_date", "constraint")]
    assert "phone" not in checked.answers
