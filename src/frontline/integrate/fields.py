"""Canonical fields of each entity type: what a source's columns are mapped onto."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """How a field's values are normalised and compared."""

    RESIDENT_ID = "resident_id"
    CREDIT_CODE = "credit_code"
    NAME = "name"
    SEX = "sex"
    DATE = "date"
    PHONE = "phone"
    ADDRESS = "address"
    TEXT = "text"


@dataclass(frozen=True)
class Field:
    name: str
    kind: Kind
    label_zh: str
    identifier: bool = False
    """The entity key: a valid value links a record directly."""


@dataclass(frozen=True)
class EntityType:
    name: str
    label_zh: str
    fields: tuple[Field, ...]

    @property
    def identifier(self) -> Field:
        return next(f for f in self.fields if f.identifier)

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    def known(self, name: str) -> Field:
        """The field ``name``, which must exist (``KeyError`` otherwise)."""
        found = self.field(name)
        if found is None:
            raise KeyError(f"entity {self.name} has no field {name!r}")
        return found

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]


PERSON = EntityType(
    "person",
    "人员",
    (
        Field("id_number", Kind.RESIDENT_ID, "公民身份号码", identifier=True),
        Field("name", Kind.NAME, "姓名"),
        Field("sex", Kind.SEX, "性别"),
        Field("birth_date", Kind.DATE, "出生日期"),
        Field("ethnicity", Kind.TEXT, "民族"),
        Field("phone", Kind.PHONE, "联系电话"),
        Field("address", Kind.ADDRESS, "住址"),
        Field("death_date", Kind.DATE, "死亡日期"),
    ),
)

ENTERPRISE = EntityType(
    "enterprise",
    "市场主体",
    (
        Field("credit_code", Kind.CREDIT_CODE, "统一社会信用代码", identifier=True),
        Field("name", Kind.TEXT, "名称"),
        Field("legal_rep_name", Kind.NAME, "法定代表人"),
        Field("legal_rep_id_number", Kind.RESIDENT_ID, "法定代表人身份证号"),
        Field("kind", Kind.TEXT, "市场主体类型"),
        Field("status", Kind.TEXT, "登记状态"),
        Field("established", Kind.DATE, "成立日期"),
        Field("address", Kind.ADDRESS, "住所"),
    ),
)

BUILT_IN: tuple[EntityType, ...] = (PERSON, ENTERPRISE)


def entity_types() -> dict[str, EntityType]:
    """The entity types known to the engine, by name (plugins will add more)."""
    return {e.name: e for e in BUILT_IN}
