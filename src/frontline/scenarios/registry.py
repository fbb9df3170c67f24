"""The registry of scenario versions in the serving database.

Versions are immutable: registering a key and version again with the same content changes
nothing, with other content is refused — a change needs a new version, which then supersedes
the older ones for new work while tasks keep the version they were created under.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, Label, Select, Text, bindparam, cast, func, insert, select

from frontline.scenarios.loader import DeclaredScenario
from frontline.scenarios.models import ScenarioVersion
from frontline.scenarios.spec import Scenario
from frontline.store.base import utc_now


class ScenarioConflictError(ValueError):
    """A registration that would change a registered version or go back in versions."""


@dataclass(frozen=True)
class RegisteredScenario:
    """A scenario version as registered: the declaration and where it came from."""

    scenario: Scenario
    digest: str
    file: str | None
    file_digest: str | None
    registered_at: datetime


@dataclass
class RegisterReport:
    """What a registration did, as (key, version) pairs."""

    added: list[tuple[str, int]] = field(default_factory=list)
    unchanged: list[tuple[str, int]] = field(default_factory=list)


def register_scenarios(
    connection: Connection,
    scenarios: Iterable[DeclaredScenario | Scenario],
    *,
    now: datetime | None = None,
) -> RegisterReport:
    """Register scenario versions, in the caller's transaction (on SQLite take the write lock
    first: `frontline.store.write_transaction`).

    Raises `ScenarioConflictError` — and registers nothing, when the caller rolls back — for a
    registered version with different content, or a new version below the latest one.
    """
    items = [
        s if isinstance(s, DeclaredScenario) else DeclaredScenario(s, "", "") for s in scenarios
    ]
    items.sort(key=lambda d: (d.scenario.key, d.scenario.version))
    report = RegisterReport()
    when = now or utc_now()
    for item in items:
        scenario = item.scenario
        identity = (scenario.key, scenario.version)
        existing = connection.execute(
            select(ScenarioVersion.digest).where(
                ScenarioVersion.key == scenario.key, ScenarioVersion.version == scenario.version
            )
        ).scalar_one_or_none()
        if existing is not None:
            if existing != scenario.digest():
                raise ScenarioConflictError(
                    f"scenario {scenario.key} version {scenario.version} is already registered "
                    f"with other content; a registered version never changes, so declare "
                    f"version {_latest(connection, scenario.key) + 1} for the change"
                )
            report.unchanged.append(identity)
            continue
        latest = _latest(connection, scenario.key)
        if scenario.version < latest:
            raise ScenarioConflictError(
                f"scenario {scenario.key} version {scenario.version} is older than the "
                f"registered version {latest}; declare version {latest + 1} instead"
            )
        connection.execute(
            insert(ScenarioVersion).values(
                key=scenario.key,
                version=scenario.version,
                name=scenario.name,
                name_en=scenario.name_en,
                department=scenario.department,
                entity_type=scenario.entity_type,
                counter=scenario.counter,
                declaration=scenario.declaration(),
                digest=scenario.digest(),
                file=item.file or None,
                file_digest=item.file_digest or None,
                registered_at=when,
            )
        )
        report.added.append(identity)
    return report


def _latest(connection: Connection, key: str) -> int:
    query = select(func.max(ScenarioVersion.version)).where(ScenarioVersion.key == key)
    return connection.execute(query).scalar_one_or_none() or 0


def scenario_version(connection: Connection, key: str, version: int) -> Scenario | None:
    """The registered ``version`` of scenario ``key``, or None.

    Every read of a task's subject asks for its scenario version: a version never changes,
    so its declaration is parsed once per digest (`parsed_scenario`).
    """
    found = connection.execute(_version(), {"key": key, "version": version}).one_or_none()
    return None if found is None else parsed_scenario(found.digest, found.declaration)


@cache
def _version() -> Select[str, str]:
    """The statement of `scenario_version`, built once: building it costs more than running it."""
    return select(ScenarioVersion.digest, declaration_text()).where(
        ScenarioVersion.key == bindparam("key"), ScenarioVersion.version == bindparam("version")
    )


def declaration_text() -> Label[str]:
    """A scenario version's declaration as its stored text, labelled ``declaration``: what
    `parsed_scenario` takes from a statement that reads it on every request. Text is
    compared with what was parsed before, and only parsed when it differs — JSON would be
    parsed into a document by the driver on every read."""
    return cast(ScenarioVersion.declaration, Text).label("declaration")


class _ParsedScenarios:
    """Scenarios parsed from their stored declarations, by digest (at most `limit` kept)."""

    def __init__(self, limit: int = 256) -> None:
        self._limit = limit
        self._by_digest: dict[str, _Parsed] = {}
        self._lock = threading.Lock()

    def get(self, digest: str, declaration: Mapping[str, Any] | str) -> Scenario:
        found = self._by_digest.get(digest)
        # Comparing the declarations is cheap next to parsing one; it keeps a row edited
        # behind the registry's back (its digest left as it was) from being served as the
        # registered content.
        if found is not None and found.holds(declaration):
            return found.scenario
        text: str | None = None
        if isinstance(declaration, str):
            text, document = declaration, json.loads(declaration)
        else:
            document = declaration
        scenario = Scenario.model_validate(document)
        if scenario.digest() != digest:  # an edited row: read as stored, never shared
            return scenario
        with self._lock:
            if len(self._by_digest) >= self._limit:
                self._by_digest.clear()
            self._by_digest[digest] = _Parsed(text, document, scenario)
        return scenario


@dataclass(frozen=True, slots=True)
class _Parsed:
    """A declaration as read (its text, when it was read as text), and what it declares."""

    text: str | None
    document: Mapping[str, Any]
    scenario: Scenario

    def holds(self, declaration: Mapping[str, Any] | str) -> bool:
        """Whether `declaration` is this one."""
        if isinstance(declaration, str):
            return declaration == self.text
        return declaration == self.document


@cache
def _parsed() -> _ParsedScenarios:
    return _ParsedScenarios()


def parsed_scenario(digest: str, declaration: Mapping[str, Any] | str) -> Scenario:
    """The scenario a stored ``declaration`` (the document, or its text as
    `declaration_text` reads it) with ``digest`` declares: parsed on first sight, then
    shared (a `Scenario` is frozen). A declaration that does not match its digest is parsed
    every time and never shared."""
    return _parsed().get(digest, declaration)


def current_scenario(connection: Connection, key: str) -> Scenario | None:
    """The latest registered version of scenario ``key``, or None."""
    query = (
        select(ScenarioVersion.declaration)
        .where(ScenarioVersion.key == key)
        .order_by(ScenarioVersion.version.desc())
        .limit(1)
    )
    declaration = connection.execute(query).scalar_one_or_none()
    return None if declaration is None else Scenario.model_validate(declaration)


def list_scenarios(
    connection: Connection, *, department: str | None = None, counter: bool | None = None
) -> list[Scenario]:
    """The latest version of every scenario (of one department, or counter ones), by key."""
    latest = (
        select(ScenarioVersion.key, func.max(ScenarioVersion.version).label("version"))
        .group_by(ScenarioVersion.key)
        .subquery()
    )
    query = select(ScenarioVersion.declaration).join(
        latest,
        (ScenarioVersion.key == latest.c.key) & (ScenarioVersion.version == latest.c.version),
    )
    if department is not None:
        query = query.where(ScenarioVersion.department == department)
    if counter is not None:
        query = query.where(ScenarioVersion.counter == counter)
    rows = connection.execute(query.order_by(ScenarioVersion.key)).scalars()
    return [Scenario.model_validate(declaration) for declaration in rows]


def scenario_history(connection: Connection, key: str) -> list[RegisteredScenario]:
    """Every registered version of scenario ``key``, oldest first."""
    query = (
        select(ScenarioVersion).where(ScenarioVersion.key == key).order_by(ScenarioVersion.version)
    )
    return [
        RegisteredScenario(
            Scenario.model_validate(row.declaration),
            row.digest,
            row.file,
            row.file_digest,
            row.registered_at,
        )
        for row in connection.execute(query)
    ]
