"""`/api/v1/scenarios`: the scenarios (服务事项) in force — what each is for, and exactly which
fields it uses and how each is masked. Any signed-in member reads them: a purpose is public."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from frontline.access.masking import MaskRule
from frontline.scenarios import Scenario, current_scenario, list_scenarios
from frontline.staff.roles import Role
from frontline.web.deps import ConnectionDep, PrincipalDep
from frontline.web.problems import NOT_FOUND, Problem, problem_responses
from frontline.web.routes.task_bodies import SCENARIO_KEY


class ScenarioSummary(BaseModel):
    """A scenario in a list."""

    key: str
    version: int
    name: str
    name_en: str
    department: str
    entity_type: str
    counter: bool
    purpose: str

    @classmethod
    def of(cls, s: Scenario) -> ScenarioSummary:
        """The summary of `s`."""
        return cls(key=s.key, version=s.version, name=s.name, name_en=s.name_en,
                   department=s.department, entity_type=s.entity_type, counter=s.counter,
                   purpose=s.purpose)  # fmt: skip


class ScenarioField(BaseModel):
    """One field the scenario uses, and how much of it leaves the server."""

    name: str
    masking: MaskRule


class ScenarioDetail(ScenarioSummary):
    """A scenario's whole declaration."""

    basis: str | None
    fields: list[ScenarioField] = Field(description="In the entity type's field order.")
    roles: list[Role]
    areas: list[str]
    retention_seconds: int = Field(description="How long the data may stay on a device.")
    forms: list[str]

    @classmethod
    def full(cls, s: Scenario) -> ScenarioDetail:
        """The detail of `s`."""
        return cls(
            **ScenarioSummary.of(s).model_dump(), basis=s.basis,
            fields=[ScenarioField(name=n, masking=m) for n, m in s.fields.items()],
            roles=list(s.roles), areas=list(s.areas),
            retention_seconds=int(s.retention.total_seconds()), forms=list(s.forms),
        )  # fmt: skip


def router() -> APIRouter:
    """The scenarios routes."""
    api = APIRouter(prefix="/api/v1/scenarios", tags=["scenarios"])

    @api.get("", response_model=list[ScenarioSummary], responses=problem_responses(401))
    def scenarios(connection: ConnectionDep, principal: PrincipalDep) -> list[ScenarioSummary]:
        """The latest version of every scenario, by key."""
        return [ScenarioSummary.of(s) for s in list_scenarios(connection)]

    @api.get("/{key}", response_model=ScenarioDetail, responses=problem_responses(401, 404, 422))
    def scenario(
        connection: ConnectionDep,
        principal: PrincipalDep,
        key: Annotated[str, Path(pattern=SCENARIO_KEY, max_length=64)],
    ) -> ScenarioDetail:
        """The latest version of one scenario: its fields and their masking, roles, areas."""
        found = current_scenario(connection, key)
        if found is None:
            raise Problem(NOT_FOUND)
        return ScenarioDetail.full(found)

    return api
