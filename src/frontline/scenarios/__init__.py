"""Scenarios (服务事项): versioned declarations of a purpose, its fields and their masking, the
roles that may use it, area scoping, on-device retention and its forms.

    declared = load_scenarios(Path("examples/city/scenarios"))   # file:line: key: errors
    with write_transaction(engine) as connection:
        register_scenarios(connection, declared)
        visit = current_scenario(connection, "elderly_home_visit")
"""

from frontline.scenarios.loader import (
    DeclaredScenario,
    ScenarioError,
    load_scenario,
    load_scenarios,
)
from frontline.scenarios.registry import (
    RegisteredScenario,
    RegisterReport,
    ScenarioConflictError,
    current_scenario,
    list_scenarios,
    register_scenarios,
    scenario_history,
    scenario_version,
)
from frontline.scenarios.spec import MAX_RETENTION, MIN_RETENTION, Scenario, parse_retention

__all__ = [
    "MAX_RETENTION",
    "MIN_RETENTION",
    "DeclaredScenario",
    "RegisterReport",
    "RegisteredScenario",
    "Scenario",
    "ScenarioConflictError",
    "ScenarioError",
    "current_scenario",
    "list_scenarios",
    "load_scenario",
    "load_scenarios",
    "parse_retention",
    "register_scenarios",
    "scenario_history",
    "scenario_version",
]
