"""A deployment's staff file (`staff.yaml`): its departments and accounts, without passwords.

    departments:
      - {code: civil_affairs, name: 民政局, name_en: Civil Affairs Bureau}
    staff:
      - username: wang.fang
        display_name: 王芳
        department: civil_affairs
        roles: [worker]
        area: "330106001001001"

Errors name the file, the line and the key (`frontline.declarations`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from frontline.declarations import DeclarationError, KeyPathError, read_document, validate
from frontline.ids.grid import parse_grid_code
from frontline.ids.statistical import StatisticalLevel, level_of
from frontline.staff.roles import Role


def area_scope_code(code: str) -> str:
    """The code an area scope is stored as; ValueError when ``code`` names no area.

    Division codes (6 digits: province, city, district), 12-digit street and community
    codes, 15-digit grid codes; a 12-digit county code becomes its 6-digit division code.
    Staff reads codes by shape, as `frontline.areas.codes` does, without the area tree.
    """
    if not (code.isascii() and code.isdigit()) or code[:2] == "00":
        raise ValueError(f"an area code is 6, 12 or 15 digits: {code!r}")
    if len(code) == 6:
        return code
    if len(code) == 12:
        return code[:6] if level_of(code) is StatisticalLevel.COUNTY else code
    if len(code) == 15:
        parse_grid_code(code)
        return code
    raise ValueError(f"an area code is 6, 12 or 15 digits: {code!r}")


class StaffFileError(DeclarationError):
    """A staff file that cannot be used; its message names the file, line and key."""


class DepartmentEntry(BaseModel):
    """One department: `code` is the `department_key` the department's sources use."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)
    name: str = Field(min_length=1, max_length=128)
    name_en: str | None = Field(default=None, max_length=128)


class StaffEntry(BaseModel):
    """One account; its password is set separately (`frontline staff password`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    username: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$")
    display_name: str = Field(min_length=1, max_length=64)
    department: str
    roles: list[Role] = Field(min_length=1)
    area: str
    """The root of the account's area scope: a division, street, community or grid code."""

    @field_validator("area", mode="before")
    @classmethod
    def _area_text(cls, value: Any) -> Any:
        # An unquoted code is a YAML integer; codes never start with 0, so nothing is lost.
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("area")
    @classmethod
    def _area_code(cls, value: str) -> str:
        return area_scope_code(value)


class StaffFile(BaseModel):
    """The whole file: departments first, then the accounts that belong to them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    departments: list[DepartmentEntry] = Field(default_factory=list)
    staff: list[StaffEntry] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> StaffFile:
        codes: dict[str, int] = {}
        for index, department in enumerate(self.departments):
            if department.code in codes:
                raise KeyPathError(("departments", index, "code"), "department listed twice")
            codes[department.code] = index
        names: set[str] = set()
        for index, member in enumerate(self.staff):
            folded = member.username.lower()
            if folded in names:
                raise KeyPathError(("staff", index, "username"), "username listed twice")
            names.add(folded)
            if member.department not in codes:
                raise KeyPathError(
                    ("staff", index, "department"),
                    f"department {member.department!r} is not among this file's departments",
                )
        return self


def load_staff_file(path: Path) -> StaffFile:
    """Read and check a staff file; raises `StaffFileError` naming the file, line and key."""
    try:
        return validate(read_document(path), StaffFile)
    except StaffFileError:
        raise
    except DeclarationError as error:
        raise StaffFileError(error.path, error.line, error.key, error.message) from None
