from datetime import timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from frontline.access.masking import MaskRule
from frontline.scenarios import Scenario, parse_retention
from frontline.staff.roles import Role


def declaration(**changes: Any) -> dict[str, Any]:
    """A valid scenario declaration, with ``changes``."""
    base: dict[str, Any] = {
        "key": "elderly_home_visit",
        "version": 1,
        "name": "独居老人走访",
        "name_en": "Home visit",
        "purpose": "定期上门走访辖区内独居老人，了解生活状况。",
        "department": "civil_affairs",
        "entity_type": "person",
        "fields": {"name": "full", "id_number": "mask", "birth_date": "year"},
        "roles": ["worker"],
        "areas": ["330106"],
        "retention": "72h",
        "forms": ["elderly_visit_record"],
    }
    return base | changes


def test_a_declaration_reads_into_typed_values() -> None:
    scenario = Scenario.model_validate(declaration())
    assert scenario.fields == {
        "name": MaskRule.FULL,
        "id_number": MaskRule.MASK,
        "birth_date": MaskRule.YEAR,
    }
    # In the entity type's order, whatever the file's.
    assert scenario.field_names == ["id_number", "name", "birth_date"]
    assert scenario.roles == [Role.WORKER]
    assert scenario.allows(Role.WORKER)
    assert not scenario.allows(Role.WINDOW_CLERK)
    assert scenario.retention == timedelta(hours=72)
    assert not scenario.counter


@pytest.mark.parametrize(
    ("text", "expected"),
    [("72h", timedelta(hours=72)), ("3d", timedelta(days=3)), (" 30m ", timedelta(minutes=30)),
     ("2w", timedelta(weeks=2)), ("PT72H", timedelta(hours=72)), ("P7D", timedelta(days=7))],
)  # fmt: skip
def test_retention_spellings(text: str, expected: timedelta) -> None:
    assert Scenario.model_validate(declaration(retention=text)).retention == expected


@pytest.mark.parametrize("value", ["0m", "31d", "5w", "PT30S", 72, 7.5, True, "72 hours", "-1d"])
def test_retention_must_be_spelled_with_a_unit_and_bounded(value: object) -> None:
    with pytest.raises(ValidationError):
        Scenario.model_validate(declaration(retention=value))


def test_parse_retention_leaves_iso_text_to_pydantic() -> None:
    assert parse_retention("PT1H") == "PT1H"
    assert parse_retention("12h") == timedelta(hours=12)


def test_area_scoping() -> None:
    scenario = Scenario.model_validate(declaration(areas=["330106001000", 330106004001]))
    assert scenario.areas == ["330106001000", "330106004001"]
    assert scenario.applies_in("330106001002003")
    assert scenario.applies_in("330106004001001")
    assert not scenario.applies_in("330106004002001")
    assert not scenario.applies_in("330106")  # the district is wider than the scenario


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"fields": {"salary": "full"}}, "no such person field"),
        ({"fields": {"credit_code": "full"}}, "no such person field"),
        ({"fields": {"name": "year"}}, "year does not apply to a name field"),
        ({"fields": {"name": "last4"}}, "last4 does not apply"),
        ({"fields": {"phone": "secret"}}, "Input should be"),
        ({"fields": {}}, "at least 1"),
        ({"roles": ["worker", "worker"]}, "listed twice"),
        ({"roles": ["boss"]}, "Input should be"),
        ({"roles": []}, "at least 1"),
        ({"counter": True}, "window_clerk"),
        ({"areas": ["33010"]}, "6, 12 or 15 ASCII digits"),
        ({"areas": []}, "at least 1"),
        ({"entity_type": "vehicle"}, "unknown entity type"),
        ({"key": "Elderly"}, "pattern"),
        ({"version": 0}, "greater than or equal to 1"),
        ({"forms": ["Visit Form"]}, "pattern"),
        ({"purpose": "走访"}, "at least 8"),
        ({"colour": "red"}, "Extra inputs"),
    ],
)
def test_invalid_declarations(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Scenario.model_validate(declaration(**changes))


def test_an_enterprise_scenario_checks_enterprise_fields() -> None:
    fields = {"name": "full", "credit_code": "last4", "legal_rep_name": "mask"}
    scenario = Scenario.model_validate(declaration(entity_type="enterprise", fields=fields))
    assert scenario.fields["credit_code"] is MaskRule.LAST4
    with pytest.raises(ValidationError, match="no such enterprise field"):
        Scenario.model_validate(declaration(entity_type="enterprise"))


def test_a_counter_scenario_allows_window_clerks() -> None:
    changes = {"counter": True, "roles": ["window_clerk"]}
    assert Scenario.model_validate(declaration(**changes)).counter


def test_the_digest_is_of_the_content_not_its_spelling() -> None:
    scenario = Scenario.model_validate(declaration())
    respelled = declaration(retention="3d", roles=["worker"], areas=[330106])
    reordered = dict(reversed(list(respelled.items())))
    assert Scenario.model_validate(reordered).digest() == scenario.digest()
    assert Scenario.model_validate(declaration(retention="4d")).digest() != scenario.digest()
    fields = {"birth_date": "year", "name": "full", "id_number": "mask"}
    assert Scenario.model_validate(declaration(fields=fields)) == scenario


def test_the_declaration_round_trips() -> None:
    scenario = Scenario.model_validate(declaration(basis="《老年人权益保障法》"))
    assert Scenario.model_validate(scenario.declaration()) == scenario
