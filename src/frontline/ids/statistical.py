"""Statistical division codes (统计用区划代码) below the county, in the NBS shape.

The National Bureau of Statistics extends a 6-digit county code with 3 digits for
the street, town or township (街道/镇/乡) and 3 for the community or village
(社区/村), giving 12 digits, and classes each community by urban-rural type
(城乡分类代码). A deployment ships its own district's table as a CSV with columns
`code,name,level,parent,urban_rural`; the demo district 330106 is packaged, with
synthetic codes (see data/SOURCES.md).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path


class StatisticalLevel(StrEnum):
    """Level of a 12-digit statistical code."""

    COUNTY = "county"
    STREET = "street"  # 街道, 镇, 乡 (NBS 乡级)
    COMMUNITY = "community"  # 社区, 村 (NBS 村级)


# NBS 城乡分类代码: 1xx urban, 2xx rural.
URBAN_RURAL_CLASSES = {
    "111": "主城区",
    "112": "城乡结合区",
    "121": "镇中心区",
    "122": "镇乡结合区",
    "123": "特殊区域",
    "210": "乡中心区",
    "220": "村庄",
}


def level_of(code: str) -> StatisticalLevel:
    """The level a 12-digit code's shape implies; raises ValueError for malformed codes."""
    if len(code) != 12 or not code.isascii() or not code.isdigit():
        raise ValueError(f"a statistical code is 12 ASCII digits: {code!r}")
    if code[6:] == "000000":
        return StatisticalLevel.COUNTY
    if code[9:] == "000":
        return StatisticalLevel.STREET
    if code[6:9] == "000":
        raise ValueError(f"a community code needs a street part: {code!r}")
    return StatisticalLevel.COMMUNITY


def parent_of(code: str) -> str | None:
    """The code of the unit one level up, by shape (None for a county)."""
    level = level_of(code)
    if level is StatisticalLevel.COMMUNITY:
        return code[:9] + "000"
    if level is StatisticalLevel.STREET:
        return code[:6] + "000000"
    return None


@dataclass(frozen=True, slots=True)
class StatisticalUnit:
    """One county, street or community of a statistical table."""

    code: str
    name: str
    level: StatisticalLevel
    parent: str | None
    urban_rural: str | None

    @property
    def urban_rural_name(self) -> str | None:
        """The Chinese name of the urban-rural class, e.g. 主城区."""
        return URBAN_RURAL_CLASSES.get(self.urban_rural or "")


def _unit(row: Mapping[str, str]) -> StatisticalUnit:
    code = row["code"]
    level = StatisticalLevel(row["level"])
    if level_of(code) is not level:
        raise ValueError(f"{code}: level {level} does not match the code's shape")
    parent = row["parent"] or None
    if level is not StatisticalLevel.COUNTY and parent != parent_of(code):
        # The code must extend its parent's prefix: 9 digits for a street's communities.
        raise ValueError(f"{code}: parent {parent} is not the code's prefix parent")
    urban_rural = row["urban_rural"] or None
    if urban_rural is not None and urban_rural not in URBAN_RURAL_CLASSES:
        raise ValueError(f"{code}: unknown urban-rural class {urban_rural}")
    if urban_rural is not None and level is not StatisticalLevel.COMMUNITY:
        raise ValueError(f"{code}: only communities carry an urban-rural class")
    return StatisticalUnit(code, row["name"], level, parent, urban_rural)


@dataclass(frozen=True)
class StatisticalTable:
    """The streets and communities of one district, validated on construction."""

    district: str
    units: tuple[StatisticalUnit, ...]
    _by_code: dict[str, StatisticalUnit] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_code: dict[str, StatisticalUnit] = {}
        for unit in self.units:
            if not unit.code.startswith(self.district):
                raise ValueError(f"{unit.code} is outside district {self.district}")
            if unit.code in by_code:
                raise ValueError(f"duplicate code {unit.code}")
            by_code[unit.code] = unit
        for unit in self.units:
            if unit.parent is not None and unit.parent not in by_code:
                raise ValueError(f"{unit.code}: parent {unit.parent} is missing")
        object.__setattr__(self, "_by_code", by_code)

    @classmethod
    def from_rows(cls, district: str, rows: Iterable[Mapping[str, str]]) -> StatisticalTable:
        """Build and validate a table from rows with the NBS-shaped columns."""
        return cls(district, tuple(_unit(row) for row in rows))

    @classmethod
    def from_csv(cls, district: str, path: Path | Traversable) -> StatisticalTable:
        """Read a CSV with columns code,name,level,parent,urban_rural."""
        rows = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))
        return cls.from_rows(district, rows)

    def get(self, code: str) -> StatisticalUnit | None:
        """The unit with this 12-digit code, or None."""
        return self._by_code.get(code)

    def parent(self, code: str) -> StatisticalUnit | None:
        """The unit one level above `code`, or None for the county or an unknown code."""
        unit = self.get(code)
        return self.get(unit.parent) if unit is not None and unit.parent else None

    def streets(self) -> list[StatisticalUnit]:
        """The streets, towns and townships of the district, sorted by code."""
        return sorted(
            (u for u in self.units if u.level is StatisticalLevel.STREET), key=lambda u: u.code
        )

    def communities(self, street_code: str) -> list[StatisticalUnit]:
        """The communities and villages of one street, sorted by code."""
        return sorted((u for u in self.units if u.parent == street_code), key=lambda u: u.code)


@cache
def load_statistical(district_code: str) -> StatisticalTable:
    """The packaged statistical table of a 6-digit district; raises LookupError if none ships."""
    path = resources.files("frontline.ids").joinpath(f"data/statistical/{district_code}.csv")
    if not (district_code.isascii() and district_code.isdigit() and path.is_file()):
        raise LookupError(f"no statistical table is packaged for district {district_code!r}")
    return StatisticalTable.from_csv(district_code, path)
