import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, update

from frontline.scenarios import (
    RegisterReport,
    Scenario,
    ScenarioConflictError,
    current_scenario,
    list_scenarios,
    load_scenarios,
    register_scenarios,
    scenario_history,
    scenario_version,
)
from frontline.scenarios.models import ScenarioVersion
from frontline.scenarios.registry import parsed_scenario
from frontline.store import write_transaction
from tests.scenarios.test_spec import declaration

EXAMPLES = Path(__file__).parents[2] / "examples" / "city" / "scenarios"
NOW = datetime(2026, 7, 1, 8, 30, tzinfo=UTC)


def _scenario(**changes: Any) -> Scenario:
    return Scenario.model_validate(declaration(**changes))


def _register(engine: Engine, *scenarios: Scenario) -> RegisterReport:
    with write_transaction(engine) as connection:
        return register_scenarios(connection, scenarios, now=NOW)


def _versions(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(ScenarioVersion)).scalar_one()


def test_the_shipped_scenarios_register_and_read_back(engine: Engine) -> None:
    declared = load_scenarios(EXAMPLES)
    with write_transaction(engine) as connection:
        report = register_scenarios(connection, declared, now=NOW)
    assert sorted(report.added) == sorted((d.scenario.key, 1) for d in declared)
    with engine.connect() as connection:
        listed = list_scenarios(connection)
        counters = list_scenarios(connection, counter=True)
        civil = list_scenarios(connection, department="civil_affairs")
        history = scenario_history(connection, "counter_service")
    assert listed == [d.scenario for d in declared]  # equal after the JSON round trip
    assert [s.key for s in counters] == ["counter_service"]
    assert [s.key for s in civil] == ["elderly_home_visit", "subsidy_recheck"]
    (entry,) = history
    source = next(d for d in declared if d.scenario.key == "counter_service")
    assert (entry.file, entry.file_digest) == ("counter_service.yaml", source.file_digest)
    assert entry.digest == source.scenario.digest()
    assert entry.registered_at == NOW


def test_registering_the_same_content_again_changes_nothing(engine: Engine) -> None:
    _register(engine, _scenario())
    # Spelt differently, the same content: the same version.
    report = _register(engine, _scenario(retention="3d", areas=[330106]))
    assert report.added == []
    assert report.unchanged == [("elderly_home_visit", 1)]
    assert _versions(engine) == 1


def test_a_registered_version_never_changes(engine: Engine) -> None:
    _register(engine, _scenario())
    changed = _scenario(fields={"name": "full", "phone": "full"})
    with pytest.raises(ScenarioConflictError, match="declare version 2"):
        _register(engine, changed)
    with engine.connect() as connection:
        kept = scenario_version(connection, "elderly_home_visit", 1)
    assert kept == _scenario()


def test_a_higher_version_supersedes(engine: Engine) -> None:
    first = _scenario()
    second = _scenario(version=2, fields={"name": "mask"}, retention="24h")
    assert _register(engine, second, first).added == [
        ("elderly_home_visit", 1),
        ("elderly_home_visit", 2),
    ]
    with engine.connect() as connection:
        assert current_scenario(connection, "elderly_home_visit") == second
        assert scenario_version(connection, "elderly_home_visit", 1) == first
        assert scenario_version(connection, "elderly_home_visit", 3) is None
        assert current_scenario(connection, "unknown") is None
        assert list_scenarios(connection) == [second]
        assert [e.scenario.version for e in scenario_history(connection, first.key)] == [1, 2]


def test_an_older_new_version_is_refused(engine: Engine) -> None:
    _register(engine, _scenario(version=3))
    with pytest.raises(ScenarioConflictError, match="older than the registered version 3"):
        _register(engine, _scenario(version=2))
    assert _versions(engine) == 1


def test_a_refused_registration_registers_nothing_of_its_batch(engine: Engine) -> None:
    _register(engine, _scenario())
    other = _scenario(key="a_first_scenario")  # registered first, then rolled back
    with pytest.raises(ScenarioConflictError):
        _register(engine, other, _scenario(purpose="另一个目的，内容已经改变了。"))
    assert _versions(engine) == 1


def test_a_version_is_parsed_once_and_a_row_edited_behind_the_registry_is_read_as_stored(
    engine: Engine,
) -> None:
    scenario = _scenario(version=3)
    _register(engine, scenario)
    with engine.connect() as connection:
        first = scenario_version(connection, scenario.key, 3)
        again = scenario_version(connection, scenario.key, 3)
    assert first == scenario
    assert again is first  # parsed once, shared: a Scenario is frozen
    # Someone edits the stored declaration but not its digest: what is stored is what is read,
    # and it is never shared under the digest of the registered content.
    edited = {**scenario.declaration(), "name": "改过的名称"}
    with write_transaction(engine) as connection:
        connection.execute(
            update(ScenarioVersion)
            .where(ScenarioVersion.key == scenario.key, ScenarioVersion.version == 3)
            .values(declaration=edited)
        )
    with engine.connect() as connection:
        read = scenario_version(connection, scenario.key, 3)
        assert read is not None
        assert read.name == "改过的名称"
        assert scenario_version(connection, scenario.key, 3) is not read
    assert parsed_scenario(scenario.digest(), scenario.declaration()) is first


def test_a_declaration_read_as_text_is_parsed_once_and_compared_as_text() -> None:
    scenario = _scenario(version=4)
    stored = json.dumps(scenario.declaration(), ensure_ascii=False)
    first = parsed_scenario(scenario.digest(), stored)
    assert first == scenario
    assert parsed_scenario(scenario.digest(), stored) is first
    assert parsed_scenario(scenario.digest(), scenario.declaration()) is first
    edited = stored.replace(scenario.name, "改过的名称")
    assert edited != stored
    changed = parsed_scenario(scenario.digest(), edited)
    assert changed.name == "改过的名称"
    assert parsed_scenario(scenario.digest(), edited) is not changed  # never shared
    assert parsed_scenario(scenario.digest(), stored) is first
