"""The decision itself (`judge`), over every purpose × role × scope × task state × expiry.

The expected answer is the policy as the issue states it, written out independently below;
any allow it does not grant fails."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from frontline.access.masking import MaskRule
from frontline.access.policy import Facts, GrantFacts, judge
from frontline.access.purposes import (
    BreakGlassPurpose,
    CounterPurpose,
    Purpose,
    Subject,
    TaskFacts,
    TaskPurpose,
)
from frontline.access.refusals import Reason
from frontline.scenarios import Scenario, load_scenarios
from frontline.staff.principal import Principal
from frontline.staff.roles import Role
from tests.access.world import GRID_A, GRID_B, OUTSIDE, SCENARIOS, T0

SCENARIO = {d.scenario.key: d.scenario for d in load_scenarios(SCENARIOS)}
VISIT = SCENARIO["elderly_home_visit"]
COUNTER = SCENARIO["counter_service"]
ME = 7
SUBJECT = Subject("person", "P000000001")
OTHER = Subject("person", "P000000002")
STATES = ("open", "assigned", "in_progress", "done", "cancelled")
GRIDS = (GRID_A, GRID_B, OUTSIDE, None)


def member(role: Role, department: str = "civil_affairs", area: str = GRID_A) -> Principal:
    return Principal(ME, "m", "M", department, frozenset({role}), area, "s")


def task(status: str, assignee: int | None = ME, subject: Subject = SUBJECT) -> TaskPurpose:
    facts = TaskFacts(1, "T00000001", VISIT.key, VISIT.version, subject, assignee, status)
    return TaskPurpose(facts)


def placed(grid: str | None, scenario: Scenario | None = VISIT, **more: object) -> Facts:
    return Facts(SUBJECT, grid, scenario, **more)  # type: ignore[arg-type]


def in_scope(grid: str | None) -> bool:
    # Every member in these tests works in grid A, inside every scenario's district.
    return grid == GRID_A


@pytest.mark.parametrize(("role", "status", "assignee", "grid"), list(itertools.product(
    Role, STATES, (ME, ME + 1, None), GRIDS)))  # fmt: skip
def test_a_task_opens_its_subject_only_to_its_assignee_while_it_is_worked_on(
    role: Role, status: str, assignee: int | None, grid: str | None
) -> None:
    principal = member(role)
    decision = judge(principal, task(status, assignee), SUBJECT, placed(grid), now=T0)
    expected = (
        role in VISIT.roles
        and assignee == ME
        and status in ("assigned", "in_progress")
        and in_scope(grid)
    )
    assert decision.allowed is expected, decision.reason
    if expected:
        assert decision.fields == VISIT.fields
        assert decision.fields["birth_date"] is MaskRule.YEAR
        assert decision.role is role
    else:
        assert decision.fields == {}
        assert decision.reason is not None


def test_a_task_refuses_another_subject_another_department_and_an_unknown_scenario() -> None:
    worker = member(Role.WORKER)
    assert judge(worker, task("assigned"), OTHER, placed(GRID_A), now=T0).reason is (
        Reason.SUBJECT_MISMATCH
    )
    hr = member(Role.WORKER, department="human_resources")
    assert judge(hr, task("assigned"), SUBJECT, placed(GRID_A), now=T0).reason is Reason.DEPARTMENT
    unknown = judge(worker, task("assigned"), SUBJECT, placed(GRID_A, None), now=T0)
    assert unknown.reason is Reason.SCENARIO_UNKNOWN
    gone = judge(worker, task("assigned"), SUBJECT, Facts(None, None, VISIT), now=T0)
    assert gone.reason is Reason.SUBJECT_UNKNOWN
    company = Facts(Subject("enterprise", SUBJECT.id), GRID_A, VISIT)
    assert judge(worker, task("assigned"), SUBJECT, company, now=T0).reason is (
        Reason.WRONG_ENTITY_TYPE
    )


@pytest.mark.parametrize(("role", "key", "area", "grid"), list(itertools.product(
    Role, sorted(SCENARIO), ("330106001000", GRID_B), GRIDS)))  # fmt: skip
def test_a_counter_lookup_needs_a_clerk_a_counter_scenario_and_the_clerks_area(
    role: Role, key: str, area: str, grid: str | None
) -> None:
    principal = member(role, area=area)
    scenario = SCENARIO[key]
    decision = judge(principal, CounterPurpose(key), SUBJECT, placed(grid, scenario), now=T0)
    expected = (
        role is Role.WINDOW_CLERK
        and scenario.counter
        and grid in {"330106001000": (GRID_A, GRID_B), GRID_B: (GRID_B,)}[area]
    )
    assert decision.allowed is expected, decision.reason
    if expected:
        assert decision.fields == scenario.fields
        assert decision.role is Role.WINDOW_CLERK


def test_a_counter_lookup_names_why_it_is_refused() -> None:
    clerk = member(Role.WINDOW_CLERK, area="330106001000")
    purpose = CounterPurpose(VISIT.key)
    assert judge(clerk, purpose, SUBJECT, placed(GRID_A, VISIT), now=T0).reason is (
        Reason.NOT_COUNTER
    )
    unknown = judge(clerk, CounterPurpose("nothing"), SUBJECT, placed(GRID_A, None), now=T0)
    assert unknown.reason is Reason.SCENARIO_UNKNOWN
    worker = member(Role.WORKER)
    assert judge(worker, CounterPurpose(COUNTER.key), SUBJECT, placed(GRID_A, COUNTER),
                 now=T0).reason is Reason.ROLE  # fmt: skip
    unplaced = judge(clerk, CounterPurpose(COUNTER.key), SUBJECT, placed(None, COUNTER), now=T0)
    assert unplaced.reason is Reason.NOT_PLACED
    away = judge(clerk, CounterPurpose(COUNTER.key), SUBJECT, placed(OUTSIDE, COUNTER), now=T0)
    assert away.reason is Reason.OUT_OF_SCOPE


def grant(owner: int = ME, role: Role = Role.WORKER, expires: timedelta = timedelta(hours=1),
          subject: Subject = SUBJECT) -> GrantFacts:  # fmt: skip
    return GrantFacts(42, owner, role.value, subject, VISIT.key, VISIT.version, T0 + expires)


@pytest.mark.parametrize(("role", "owner", "expires", "grid"), list(itertools.product(
    Role, (ME, ME + 1), (timedelta(hours=1), timedelta(0), -timedelta(minutes=1)), GRIDS,
)))  # fmt: skip
def test_break_glass_opens_the_grantees_subject_until_it_expires(
    role: Role, owner: int, expires: timedelta, grid: str | None
) -> None:
    principal = member(role)
    facts = placed(grid, grant=grant(owner, role, expires))
    decision = judge(principal, BreakGlassPurpose(42), SUBJECT, facts, now=T0)
    expected = (
        role in VISIT.roles and owner == ME and expires > timedelta(0)
        and in_scope(grid)
    )  # fmt: skip
    assert decision.allowed is expected, decision.reason
    if owner == ME and role in VISIT.roles and expires <= timedelta(0):
        assert decision.reason is Reason.GRANT_EXPIRED


def test_break_glass_refuses_a_missing_grant_another_subject_and_a_lost_role() -> None:
    worker = member(Role.WORKER)
    purpose: Purpose = BreakGlassPurpose(42)
    assert judge(worker, purpose, SUBJECT, placed(GRID_A), now=T0).reason is Reason.GRANT_UNKNOWN
    other = placed(GRID_A, grant=grant(subject=OTHER))
    assert judge(worker, purpose, SUBJECT, other, now=T0).reason is Reason.SUBJECT_MISMATCH
    # Granted as a worker; now a clerk only: the grant no longer opens anything.
    clerk = member(Role.WINDOW_CLERK)
    assert judge(clerk, purpose, SUBJECT, placed(GRID_A, grant=grant()), now=T0).reason is (
        Reason.ROLE
    )
    wrong = BreakGlassPurpose(43)
    assert judge(worker, wrong, SUBJECT, placed(GRID_A, grant=grant()), now=T0).reason is (
        Reason.GRANT_UNKNOWN
    )


def test_every_reason_has_both_languages_and_a_status() -> None:
    for reason in Reason:
        message = reason.message
        assert message.title_zh
        assert message.title_en
        assert message.detail_zh
        assert message.detail_en
        assert reason.status in (403, 404, 422)
