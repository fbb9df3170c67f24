"""The access policy: the one decision point every read of personal data passes.

    decision = decide(connection, principal, TaskPurpose(facts), subject, now=now)
    if decision.allowed: …read decision.fields of decision.subject, masked as declared…

Deny by default: a read is allowed only through a purpose the facts bear out —

- **task**: the task is assigned to the reader and assigned or in progress; the subject is
  the task's; the task's scenario version lists one of the reader's roles and belongs to the
  reader's department;
- **counter**: the reader is a window clerk; the scenario is a counter scenario that lists
  the window clerk role;
- **break_glass**: the reader's own grant, not expired, for that subject; the grant's
  scenario still lists the role it was granted under;
- **review**: the reader is a department manager of the department owning the change
  request's scenario; only the request's one field is read, unmasked;
- **export**: the reader is a department manager or an administrator of the department
  owning the scenario of the submission's task;

and in every case the subject is of the scenario's entity type and placed in a grid inside
both the reader's area scope and the scenario's areas (a worker of grid A never sees grid B).
Only the scenario's fields leave, each with its declared masking.

`judge` is the decision itself, a pure function of the facts; `decide` loads the facts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, partial
from typing import Any

from sqlalchemy import BindParameter, Connection, Select, String, bindparam, select

from frontline.access.masking import MaskRule
from frontline.access.models import BreakGlassGrant
from frontline.access.purposes import (
    OPEN_TASK_STATES,
    BreakGlassPurpose,
    CounterPurpose,
    ExportPurpose,
    Purpose,
    ReviewPurpose,
    Subject,
    TaskFacts,
    TaskPurpose,
)
from frontline.access.refusals import Reason
from frontline.areas import contains, grid_of_subject
from frontline.areas.models import SubjectArea
from frontline.scenarios import Scenario, current_scenario, scenario_version
from frontline.scenarios.models import ScenarioVersion
from frontline.scenarios.registry import declaration_text, parsed_scenario
from frontline.staff.principal import Principal
from frontline.staff.roles import Role
from frontline.store import Entity
from frontline.store.hot import Lookup, fetch, fetch_one

_MERGE_HOPS = 16
"""Merged entities point at their survivor; chains are short, and a cycle must not hang us."""
# When a member holds several roles a scenario allows, the read is recorded under the most
# specific one: what they do in the field before what they manage.
_ROLE_PREFERENCE = (
    Role.WORKER,
    Role.WINDOW_CLERK,
    Role.DEPARTMENT_MANAGER,
    Role.DATA_STEWARD,
    Role.ADMINISTRATOR,
    Role.AUDITOR,
)
REVIEWING = frozenset({Role.DEPARTMENT_MANAGER})
"""Roles that accept or reject a change request of their department's scenario. Not data
stewards: a change comes from a department's own field work, and the department answers for
its data; stewards look after the linking of records, not their values."""
EXPORTING = frozenset({Role.DEPARTMENT_MANAGER, Role.ADMINISTRATOR})
"""Roles that export their department's form submissions."""


@dataclass(frozen=True, slots=True)
class GrantFacts:
    """A break-glass grant as stored."""

    grant_id: int
    staff_id: int
    role: str
    subject: Subject
    scenario_key: str
    scenario_version: int
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Facts:
    """What the store says, for one decision."""

    subject: Subject | None
    """The subject as it is now (a merged entity's survivor); None when there is none."""
    grid: str | None
    """The grid the subject is placed in; None when unplaced."""
    scenario: Scenario | None
    grant: GrantFacts | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    """The policy's answer: allowed with the scenario and its fields, or refused with a reason."""

    purpose: Purpose
    subject: Subject
    """The subject read (a merged entity's survivor), or the one asked for when refused."""
    reason: Reason | None
    role: Role | None = None
    """The reader's role the read is allowed (and recorded) under."""
    scenario: Scenario | None = None
    fields: Mapping[str, MaskRule] = field(default_factory=dict)
    """The fields that leave the server and their masking; empty when refused."""

    @property
    def allowed(self) -> bool:
        """Whether the read may happen."""
        return self.reason is None


def decide(
    connection: Connection,
    principal: Principal,
    purpose: Purpose,
    subject: Subject,
    *,
    now: datetime,
) -> Decision:
    """Whether `principal` may read `subject` for `purpose` at `now`, and which fields."""
    if isinstance(purpose, TaskPurpose):
        facts = _task_facts(connection, purpose.task, subject.id)
        return judge(principal, purpose, subject, facts, now=now)
    grant = _grant(connection, purpose.grant_id) if isinstance(purpose, BreakGlassPurpose) else None
    if isinstance(purpose, CounterPurpose):
        scenario = current_scenario(connection, purpose.scenario_key)
    elif isinstance(purpose, ReviewPurpose):
        change = purpose.change
        scenario = scenario_version(connection, change.scenario_key, change.scenario_version)
    elif isinstance(purpose, ExportPurpose):
        scenario = scenario_version(connection, purpose.scenario_key, purpose.scenario_version)
    elif grant is not None:
        scenario = scenario_version(connection, grant.scenario_key, grant.scenario_version)
    else:
        scenario = None
    resolved, grid = locate_subject(connection, subject.id)
    return judge(principal, purpose, subject, Facts(resolved, grid, scenario, grant), now=now)


def judge(
    principal: Principal, purpose: Purpose, subject: Subject, facts: Facts, *, now: datetime
) -> Decision:
    """The decision for `principal` reading `subject` for `purpose`, given `facts`. Pure."""
    refusal = _check_purpose(principal, purpose, subject, facts, now)
    if isinstance(refusal, Reason):
        return Decision(purpose, subject, refusal)
    role, scenario = refusal
    reason = check_subject(principal, scenario, facts)
    if reason is not None or facts.subject is None:
        return Decision(purpose, subject, reason or Reason.SUBJECT_UNKNOWN)
    if isinstance(purpose, ReviewPurpose):
        # The field under review, as it is: a reviewer compares the values themselves.
        fields: dict[str, MaskRule] = {purpose.change.field: MaskRule.FULL}
    elif isinstance(purpose, ExportPurpose):
        fields = {}  # an export discloses the form's answers, not the record's fields
    else:
        fields = dict(scenario.fields)
    return Decision(purpose, facts.subject, None, role, scenario, fields)


def _check_purpose(
    principal: Principal, purpose: Purpose, subject: Subject, facts: Facts, now: datetime
) -> Reason | tuple[Role, Scenario]:
    scenario = facts.scenario
    if isinstance(purpose, TaskPurpose):
        task = purpose.task
        if task.subject.id != subject.id:
            return Reason.SUBJECT_MISMATCH
        if task.assignee_id is None or task.assignee_id != principal.staff_id:
            return Reason.TASK_NOT_ASSIGNED
        if task.status not in OPEN_TASK_STATES:
            return Reason.TASK_NOT_OPEN
        if scenario is None:
            return Reason.SCENARIO_UNKNOWN
        role = preferred_role(principal.roles & frozenset(scenario.roles))
        if role is None:
            return Reason.ROLE
        if scenario.department != principal.department:
            return Reason.DEPARTMENT
        return role, scenario
    if isinstance(purpose, CounterPurpose):
        if Role.WINDOW_CLERK not in principal.roles:
            return Reason.ROLE
        if scenario is None:
            return Reason.SCENARIO_UNKNOWN
        if not scenario.counter:
            return Reason.NOT_COUNTER
        if not scenario.allows(Role.WINDOW_CLERK):
            return Reason.ROLE
        return Role.WINDOW_CLERK, scenario
    if isinstance(purpose, ReviewPurpose):
        if purpose.change.subject.id != subject.id:
            return Reason.SUBJECT_MISMATCH
        return _departmental(principal, scenario, REVIEWING)
    if isinstance(purpose, ExportPurpose):
        return _departmental(principal, scenario, EXPORTING)
    grant = facts.grant
    if grant is None or grant.grant_id != purpose.grant_id:
        return Reason.GRANT_UNKNOWN
    if grant.staff_id != principal.staff_id:
        return Reason.GRANT_NOT_YOURS
    if grant.subject.id != subject.id:
        return Reason.SUBJECT_MISMATCH
    if now >= grant.expires_at:
        return Reason.GRANT_EXPIRED
    if scenario is None:
        return Reason.SCENARIO_UNKNOWN
    try:
        role = Role(grant.role)
    except ValueError:
        return Reason.ROLE
    if role not in principal.roles or not scenario.allows(role):
        return Reason.ROLE
    if scenario.department != principal.department:
        return Reason.DEPARTMENT
    return role, scenario


def _departmental(
    principal: Principal, scenario: Scenario | None, roles: frozenset[Role]
) -> Reason | tuple[Role, Scenario]:
    """A purpose of the scenario's owning department, for members holding one of `roles`."""
    if scenario is None:
        return Reason.SCENARIO_UNKNOWN
    role = preferred_role(principal.roles & roles)
    if role is None:
        return Reason.ROLE
    if scenario.department != principal.department:
        return Reason.DEPARTMENT
    return role, scenario


def check_subject(principal: Principal, scenario: Scenario, facts: Facts) -> Reason | None:
    """Why `principal` may not read the subject of `facts` for `scenario`, or None."""
    if facts.subject is None:
        return Reason.SUBJECT_UNKNOWN
    if facts.subject.type != scenario.entity_type:
        return Reason.WRONG_ENTITY_TYPE
    if facts.grid is None:
        return Reason.NOT_PLACED
    if not in_scope(principal.area, facts.grid):
        return Reason.OUT_OF_SCOPE
    if not scenario.applies_in(facts.grid):
        return Reason.OUTSIDE_SCENARIO
    return None


def in_scope(scope: str, grid: str) -> bool:
    """Whether `grid` lies in the area scope `scope`; a code that cannot be read is outside."""
    try:
        return contains(scope, grid)
    except ValueError:
        return False


def preferred_role(candidates: frozenset[Role]) -> Role | None:
    """The role a read by a member holding `candidates` is recorded under (None if empty)."""
    return next((r for r in _ROLE_PREFERENCE if r in candidates), None)


def resolve_subject(connection: Connection, entity_id: str) -> Subject | None:
    """The entity `entity_id` as it is now: itself, or the survivor it was merged into; None
    when unknown or retired."""
    current = entity_id
    for _ in range(_MERGE_HOPS):
        row = fetch_one(connection, _entity_state(), {"entity": current})
        if row is None or row.status == "retired":
            return None
        if row.status == "active":
            return Subject(row.entity_type, current)
        if row.merged_into is None:
            return None
        current = row.merged_into
    return None


@cache
def _entity_state() -> Select[str, str, str | None]:
    """The statement of `resolve_subject`, built once (every submission runs it)."""
    return select(Entity.entity_type, Entity.status, Entity.merged_into).where(
        Entity.entity_id == bindparam("entity")
    )


def _task_facts(connection: Connection, task: TaskFacts, entity_id: str) -> Facts:
    """The facts for reading `entity_id` through `task`: its scenario version, the entity
    and its grid, in one statement (every worker's read asks this) unless the entity was
    merged into another."""
    found = fetch(connection, task_facts(task, entity_id))
    if isinstance(found, Merged):
        return Facts(*locate_subject(connection, entity_id), found.scenario)
    return found


@dataclass(frozen=True, slots=True)
class Merged:
    """`task_facts`' answer for an entity merged into another: whose survivor and grid take
    more reads (`locate_subject`)."""

    scenario: Scenario


def task_facts(task: TaskFacts, entity_id: str) -> Lookup[Facts | Merged]:
    """The read behind `decide` for a task purpose, to run on any connection
    (`frontline.store.hot`): the facts for reading `entity_id` through `task`, or `Merged`."""
    params = {"key": task.scenario_key, "version": task.scenario_version, "entity": entity_id}
    return Lookup(task_located_statement(), params, partial(_located_facts, entity_id))


def _located_facts(entity_id: str, rows: list[Any]) -> Facts | Merged:
    if not rows:  # no such scenario version: refused before the subject matters
        return Facts(None, None, None)
    (found,) = rows
    scenario = parsed_scenario(found.digest, found.declaration)
    if found.status is None or found.status == "retired":
        return Facts(None, None, scenario)
    if found.status == "active":
        return Facts(Subject(found.entity_type, entity_id), found.grid_code, scenario)
    return Merged(scenario)


@cache
def task_located_statement() -> Select[str, str, str | None, str | None, str | None, str | None]:
    """The statement of `_task_facts`, built once: building it costs more than running it."""
    entity: BindParameter[str] = bindparam("entity", type_=String())
    return (
        select(
            ScenarioVersion.digest,
            declaration_text(),
            Entity.entity_type,
            Entity.status,
            Entity.merged_into,
            SubjectArea.grid_code,
        )
        .select_from(ScenarioVersion)
        .outerjoin(Entity, Entity.entity_id == entity)
        .outerjoin(SubjectArea, SubjectArea.entity_id == entity)
        .where(
            ScenarioVersion.key == bindparam("key"),
            ScenarioVersion.version == bindparam("version"),
        )
    )


def locate_subject(connection: Connection, entity_id: str) -> tuple[Subject | None, str | None]:
    """The entity `entity_id` as it is now (see `resolve_subject`) and the grid it is placed
    in: one statement unless the entity was merged into another."""
    row = connection.execute(_located(), {"entity": entity_id}).one_or_none()
    if row is None or row.status == "retired":
        return None, None
    if row.status == "active":
        return Subject(row.entity_type, entity_id), row.grid_code
    resolved = resolve_subject(connection, entity_id)
    return resolved, grid_of_subject(connection, resolved.id) if resolved is not None else None


@cache
def _located() -> Select[str, str, str | None, str | None]:
    """The statement of `locate_subject`, built once: building it costs more than running it."""
    return (
        select(Entity.entity_type, Entity.status, Entity.merged_into, SubjectArea.grid_code)
        .outerjoin(SubjectArea, SubjectArea.entity_id == Entity.entity_id)
        .where(Entity.entity_id == bindparam("entity"))
    )


def _grant(connection: Connection, grant_id: int) -> GrantFacts | None:
    row = connection.execute(
        select(
            BreakGlassGrant.staff_id,
            BreakGlassGrant.role,
            BreakGlassGrant.subject_type,
            BreakGlassGrant.subject_id,
            BreakGlassGrant.scenario_key,
            BreakGlassGrant.scenario_version,
            BreakGlassGrant.expires_at,
        ).where(BreakGlassGrant.id == grant_id)
    ).one_or_none()
    if row is None:
        return None
    return GrantFacts(
        grant_id=grant_id,
        staff_id=row.staff_id,
        role=row.role,
        subject=Subject(row.subject_type, row.subject_id),
        scenario_key=row.scenario_key,
        scenario_version=row.scenario_version,
        expires_at=row.expires_at,
    )
