import hashlib
from pathlib import Path

import pytest

from frontline.access.masking import MaskRule
from frontline.scenarios import ScenarioError, load_scenario, load_scenarios
from frontline.staff.roles import Role

EXAMPLES = Path(__file__).parents[2] / "examples" / "city" / "scenarios"

GOOD = """\
key: elderly_home_visit
version: 1
name: 独居老人走访
name_en: Home visit to an elderly resident living alone
purpose: 定期上门走访辖区内独居老人，了解生活状况。
department: civil_affairs
entity_type: person
fields:
  name: full
  phone: last4
  birth_date: year
roles: [worker, department_manager]
areas: ["330106"]
retention: 72h
forms: [elderly_visit_record]
"""


def _write(folder: Path, text: str, name: str = "scenario.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_loads_with_its_digest(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD)
    declared = load_scenario(path)
    assert declared.file == "scenario.yaml"
    assert declared.file_digest == hashlib.sha256(path.read_bytes()).hexdigest()
    assert declared.scenario.fields["phone"] is MaskRule.LAST4


def test_the_shipped_scenarios_load() -> None:
    declared = load_scenarios(EXAMPLES)
    by_key = {d.scenario.key: d.scenario for d in declared}
    assert set(by_key) == {
        "elderly_home_visit",
        "subsidy_recheck",
        "pension_survival_check",
        "enterprise_inspection",
        "counter_service",
    }
    assert by_key["enterprise_inspection"].entity_type == "enterprise"
    counter = [s for s in by_key.values() if s.counter]
    assert [s.key for s in counter] == ["counter_service"]
    assert counter[0].roles == [Role.WINDOW_CLERK]
    for scenario in by_key.values():
        # Minimal: no scenario shows every field, and an ID number is never shown whole.
        assert scenario.fields.get("id_number", MaskRule.MASK) is not MaskRule.FULL
        assert "death_date" not in scenario.fields
        assert scenario.applies_in("330106001001001")
        assert scenario.forms
        assert scenario.name
        assert scenario.purpose.endswith("。")


@pytest.mark.parametrize(
    ("change", "line", "key", "message"),
    [
        (("  phone: last4", "  phnoe: last4"), 10, "fields.phnoe", "no such person field"),
        (("birth_date: year", "birth_date: last4"), 11, "fields.birth_date", "does not apply"),
        (("phone: last4", "phone: partly"), 10, "fields.phone", "Input should be"),
        (("retention: 72h", "retention: 72"), 14, "retention", "with its unit"),
        (("retention: 72h", "retention: 60d"), 14, "retention", "between 1 minute and 30 days"),
        (("[worker, department_manager]", "[worker, boss]"), 12, "roles.1", "Input should be"),
        (('["330106"]', '["330106", "3301"]'), 13, "areas.1", "ASCII digits"),
        (("forms:", "froms:"), 15, "froms", "unknown key; allowed here: key, version"),
        (("version: 1", "version: one"), 2, "version", "integer"),
        (("entity_type: person", "entity_type: enterprise"), 10, "fields.phone", "enterprise"),
        (("retention: 72h\n", "retention: 72h\nretention: 24h\n"), 15, "retention",
         "repeated key (first on line 14)"),
    ],
)  # fmt: skip
def test_errors_name_file_line_and_key(
    tmp_path: Path, change: tuple[str, str], line: int, key: str, message: str
) -> None:
    path = _write(tmp_path, GOOD.replace(*change))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    error = caught.value
    assert (error.path, error.line, error.key) == (path, line, key)
    assert message in error.message
    assert str(error).startswith(f"{path}:{line}: {key}: ")


def test_broken_yaml_and_a_list_are_errors(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(_write(tmp_path, GOOD.replace("roles: [worker", "roles: [worker:")))
    assert caught.value.line is not None
    with pytest.raises(ScenarioError, match="mapping"):
        load_scenario(_write(tmp_path, "- a\n- b\n"))


def test_a_folder_may_keep_versions_but_not_twice_the_same(tmp_path: Path) -> None:
    _write(tmp_path, GOOD, "b_v1.yaml")
    _write(tmp_path, GOOD.replace("version: 1", "version: 2"), "a_v2.yaml")
    declared = load_scenarios(tmp_path)
    assert [(d.scenario.version, d.file) for d in declared] == [(1, "b_v1.yaml"), (2, "a_v2.yaml")]
    again = _write(tmp_path, GOOD.replace("retention: 72h", "retention: 24h"), "c_v1.yaml")
    with pytest.raises(ScenarioError, match="also declared in") as caught:
        load_scenarios(tmp_path)
    assert (caught.value.path, caught.value.line) == (again, 2)


def test_an_empty_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="no scenario files"):
        load_scenarios(tmp_path)
