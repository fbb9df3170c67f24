"""Administrative division codes (GB/T 2260) as dated versions.

A 6-digit code names a province (`xx0000`), a prefecture (`xxxx00`) or a county-level
unit. Codes are retired when units merge or are renamed, and a retired code is
sometimes reassigned to a different unit later, so one code may have several
versions, each with an inclusive range of years (`None` = open). Resident ID numbers
keep the code current when the number was assigned, so old codes must stay
resolvable.
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


class Level(StrEnum):
    """Level of a 6-digit division code."""

    PROVINCE = "province"
    PREFECTURE = "prefecture"
    COUNTY = "county"


class AreaRule(StrEnum):
    """Which versions of an area code a resident ID may carry for a given birth year.

    AT_BIRTH is python-stdnum's rule: the code was in force in the birth year.
    SINCE_BIRTH accepts a code in force in any year from the birth year on, because
    people born before 1984 got their number at first registration, with the code
    current then (a Hangzhou 西湖区 resident born in 1950 carries 330106, a code
    created in 1983). See docs/identifiers.md.
    """

    AT_BIRTH = "at_birth"
    SINCE_BIRTH = "since_birth"


# Names that stand for "the districts/counties of ..." rather than a place.
PLACEHOLDER_NAMES = frozenset(
    {"市辖区", "县", "省直辖县级行政单位", "省直辖行政单位", "自治区直辖县级行政单位"}
)


@dataclass(frozen=True, slots=True)
class Division:
    """One version of a division code: its name and the years it was in force."""

    code: str
    name: str
    level: Level
    province: str | None
    prefecture: str | None
    valid_from: int | None
    valid_to: int | None

    def valid_in(self, year: int) -> bool:
        """Whether this version was in force during `year` (bounds inclusive)."""
        return (self.valid_from is None or self.valid_from <= year) and (
            self.valid_to is None or year <= self.valid_to
        )

    def valid_since(self, year: int) -> bool:
        """Whether this version was in force in some year from `year` on."""
        nonempty = (
            self.valid_from is None or self.valid_to is None or self.valid_from <= self.valid_to
        )
        return nonempty and (self.valid_to is None or self.valid_to >= year)

    @property
    def is_placeholder(self) -> bool:
        """True for grouping codes such as 市辖区 that name no place of their own."""
        return self.name in PLACEHOLDER_NAMES


def _year(text: str) -> int | None:
    return int(text) if text else None


def _recency(division: Division) -> tuple[bool, int, int]:
    # Open-ended versions are newest; among closed ones the latest end wins.
    return (division.valid_to is None, division.valid_to or 0, division.valid_from or 0)


@dataclass(frozen=True)
class DivisionTable:
    """All versions of all division codes, indexed by code."""

    divisions: tuple[Division, ...]
    _by_code: dict[str, tuple[Division, ...]] = field(init=False, repr=False, compare=False)
    _counties: dict[int, tuple[Division, ...]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        index: dict[str, list[Division]] = {}
        for division in self.divisions:
            index.setdefault(division.code, []).append(division)
        object.__setattr__(self, "_by_code", {k: tuple(v) for k, v in index.items()})

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, str]]) -> DivisionTable:
        """Build a table from rows with the columns of `divisions.csv`."""
        return cls(
            tuple(
                Division(
                    code=row["code"],
                    name=row["name"],
                    level=Level(row["level"]),
                    province=row["province"] or None,
                    prefecture=row["prefecture"] or None,
                    valid_from=_year(row["valid_from"]),
                    valid_to=_year(row["valid_to"]),
                )
                for row in rows
            )
        )

    @classmethod
    def from_csv(cls, path: Path | Traversable) -> DivisionTable:
        """Read a CSV with columns code,name,level,province,prefecture,valid_from,valid_to."""
        return cls.from_rows(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))

    def versions(self, code: str) -> tuple[Division, ...]:
        """Every version of `code`, in source order."""
        return self._by_code.get(code, ())

    def lookup(self, code: str, year: int | None = None) -> Division | None:
        """The version of `code` in force in `year`, or the newest version when `year` is None."""
        versions = self.versions(code)
        if year is None:
            return max(versions, key=_recency, default=None)
        return next((d for d in versions if d.valid_in(year)), None)

    def birth_area(
        self, code: str, birth_year: int, rule: AreaRule = AreaRule.AT_BIRTH
    ) -> Division | None:
        """The version a resident ID born in `birth_year` may carry, or None if none may."""
        found = self.lookup(code, birth_year)
        if found is not None or rule is AreaRule.AT_BIRTH:
            return found
        later = [d for d in self.versions(code) if d.valid_since(birth_year)]
        return min(later, key=lambda d: d.valid_from or 0, default=None)

    def counties_valid_in(self, year: int) -> list[Division]:
        """County-level units in force in `year`, sorted by code, without placeholders."""
        if year not in self._counties:
            chosen = {
                d.code: d
                for d in reversed(self.divisions)
                if d.level is Level.COUNTY and not d.is_placeholder and d.valid_in(year)
            }
            self._counties[year] = tuple(chosen[code] for code in sorted(chosen))
        return list(self._counties[year])

    def name_path(self, code: str, year: int | None = None) -> tuple[str, ...]:
        """Names from province down to `code` as in force in `year`, e.g. (浙江省, 杭州市, 西湖区).

        Placeholder levels (市辖区) and levels without a version in force are left out;
        an unknown code gives an empty tuple.
        """
        division = self.lookup(code, year)
        if division is None:
            return ()
        chain = [division.province, division.prefecture]
        ancestors = [self.lookup(c, year) for c in chain if c is not None]
        return tuple(
            d.name for d in [*ancestors, division] if d is not None and not d.is_placeholder
        )


@cache
def load_divisions() -> DivisionTable:
    """The packaged division table (built from python-stdnum's data; see data/SOURCES.md)."""
    return DivisionTable.from_csv(resources.files("frontline.ids").joinpath("data/divisions.csv"))
