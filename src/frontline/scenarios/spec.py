"""The declaration of a scenario (服务事项): what it is for, and exactly which data it needs."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from frontline.access.masking import MaskRule, rules_for
from frontline.areas.codes import area_level, contains
from frontline.declarations import KeyPathError
from frontline.integrate.fields import entity_types
from frontline.staff.roles import Role
from frontline.store.base import canonical_json

MIN_RETENTION = timedelta(minutes=1)
MAX_RETENTION = timedelta(days=30)
"""Longest a task's data may stay on a device: a month covers any visit cycle."""

_KEY = r"^[a-z][a-z0-9_]*$"
_SHORT = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}

Key = Annotated[str, Field(pattern=_KEY, max_length=64)]


def parse_retention(value: object) -> object:
    """``72h``, ``3d``, ``30m``, ``2w`` as a timedelta; other text is left to pydantic, which
    reads ISO 8601 durations (``PT72H``). A bare number is refused: its unit is a guess."""
    if isinstance(value, bool | int | float):
        raise ValueError("write the retention with its unit: 72h, 3d, 30m or ISO 8601 PT72H")
    if isinstance(value, str):
        short = _SHORT.match(value)
        if short is not None:
            return timedelta(**{_UNITS[short.group(2)]: int(short.group(1))})
    return value


class Scenario(BaseModel):
    """One version of a scenario, as declared in ``scenarios/<key>.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: Key
    version: int = Field(ge=1)
    """Raised for every change; a registered version never changes."""
    name: str = Field(min_length=1, max_length=64)
    """Chinese name, e.g. 独居老人走访."""
    name_en: str = Field(min_length=1, max_length=128)
    purpose: str = Field(min_length=8)
    """Why the data is used, in a sentence a citizen reads in their access report."""
    basis: str | None = None
    """The law, regulation or policy the purpose rests on."""
    department: Key
    """The owning department's key (`civil_affairs`), as in the staff file and sources."""
    entity_type: str
    fields: dict[str, MaskRule] = Field(min_length=1)
    """Golden-record field → how it is masked; no other field leaves the server. Kept in the
    entity type's field order."""
    roles: list[Role] = Field(min_length=1)
    areas: list[str] = Field(min_length=1)
    """Area codes where the scenario applies; a worker is also limited to their own scope."""
    retention: timedelta
    """How long the data may stay on a device, from issue to deletion."""
    forms: list[Key] = Field(default_factory=list)
    counter: bool = False
    """A window clerk looks the subject up by identifier (one-stop counter service)."""

    @field_validator("retention", mode="before")
    @classmethod
    def _retention(cls, value: object) -> object:
        return parse_retention(value)

    @field_validator("retention")
    @classmethod
    def _bounded(cls, value: timedelta) -> timedelta:
        if not MIN_RETENTION <= value <= MAX_RETENTION:
            raise ValueError("the retention lies between 1 minute and 30 days")
        return value

    @field_validator("entity_type")
    @classmethod
    def _known_entity(cls, value: str) -> str:
        known = entity_types()
        if value not in known:
            raise ValueError(f"unknown entity type {value!r}; known: {', '.join(known)}")
        return value

    @field_validator("fields")
    @classmethod
    def _canonical_order(
        cls, fields: dict[str, MaskRule], info: ValidationInfo
    ) -> dict[str, MaskRule]:
        # The entity type's order, whatever the file's: equal content reads back equal from
        # the registry, whose JSON has sorted keys. Unknown names come last (refused below).
        entity = entity_types().get(info.data.get("entity_type", ""))
        order = {name: i for i, name in enumerate(entity.field_names if entity else [])}
        return dict(sorted(fields.items(), key=lambda item: order.get(item[0], len(order))))

    @field_validator("areas")
    @classmethod
    def _area_codes(cls, codes: list[str]) -> list[str]:
        for index, code in enumerate(codes):
            try:
                area_level(code)
            except ValueError as error:
                raise KeyPathError((index,), str(error)) from None
        return codes

    @model_validator(mode="before")
    @classmethod
    def _codes_as_text(cls, data: Any) -> Any:
        # YAML reads `areas: [330106]` as a number; an area code is text.
        if isinstance(data, dict) and isinstance(data.get("areas"), list):
            areas = [str(a) if isinstance(a, int) and not isinstance(a, bool) else a
                     for a in data["areas"]]  # fmt: skip
            return {**data, "areas": areas}
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        entity = entity_types()[self.entity_type]
        for name, rule in self.fields.items():
            field = entity.field(name)
            if field is None:
                known = ", ".join(entity.field_names)
                raise KeyPathError(
                    ("fields", name), f"no such {self.entity_type} field; known: {known}"
                )
            if rule not in rules_for(field.kind):
                allowed = ", ".join(sorted(rules_for(field.kind)))
                raise KeyPathError(
                    ("fields", name), f"{rule} does not apply to a {field.kind} field: {allowed}"
                )
        for index, role in enumerate(self.roles):
            if role in self.roles[:index]:
                raise KeyPathError(("roles", index), f"role {role} is listed twice")
        if self.counter and Role.WINDOW_CLERK not in self.roles:
            raise KeyPathError(("roles",), "a counter scenario must allow the window_clerk role")
        return self

    @property
    def field_names(self) -> list[str]:
        """The declared fields, in the entity type's field order."""
        return list(self.fields)

    def allows(self, role: Role) -> bool:
        """Whether staff holding ``role`` may use the scenario."""
        return role in self.roles

    def applies_in(self, code: str) -> bool:
        """Whether the area ``code`` lies inside one of the scenario's areas."""
        return any(contains(scope, code) for scope in self.areas)

    def declaration(self) -> dict[str, Any]:
        """The scenario as JSON values (what the registry stores)."""
        return self.model_dump(mode="json")

    def digest(self) -> str:
        """SHA-256 of the canonical JSON declaration: equal for equal content, whatever the
        file's comments, key order or spelling of the retention."""
        return hashlib.sha256(canonical_json(self.declaration()).encode()).hexdigest()
