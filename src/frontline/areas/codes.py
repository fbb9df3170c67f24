"""Area codes and their levels: which code lies inside which.

The tree uses the codes of `frontline.ids`: 6-digit division codes for the province
(`330000`), the city (`330100`) and the district (`330106`), 12-digit statistical codes for
the street (`330106001000`) and the community (`330106001001`), and 15-digit grid codes
(`330106001001003`). Each level's code starts with its ancestors' significant digits —
2 for a province, 4 for a city, 6 for a district, 9 for a street, 12 for a community, 15 for
a grid — so containment is a prefix test, needing no lookup.
"""

from __future__ import annotations

from enum import StrEnum

from frontline.ids.grid import parse_grid_code
from frontline.ids.statistical import StatisticalLevel, level_of


class AreaLevel(StrEnum):
    """A level of the area tree, from the top."""

    PROVINCE = "province"
    CITY = "city"
    DISTRICT = "district"
    STREET = "street"
    COMMUNITY = "community"
    GRID = "grid"

    @property
    def depth(self) -> int:
        """0 for a province, 5 for a grid."""
        return _ORDER.index(self)

    @property
    def significant(self) -> int:
        """How many leading digits of a code at this level name it."""
        return _SIGNIFICANT[self]

    @property
    def label_zh(self) -> str:
        """The level's Chinese name."""
        return _LABELS_ZH[self]


_ORDER = tuple(AreaLevel)
_SIGNIFICANT = {
    AreaLevel.PROVINCE: 2,
    AreaLevel.CITY: 4,
    AreaLevel.DISTRICT: 6,
    AreaLevel.STREET: 9,
    AreaLevel.COMMUNITY: 12,
    AreaLevel.GRID: 15,
}
_LABELS_ZH = {
    AreaLevel.PROVINCE: "省",
    AreaLevel.CITY: "市",
    AreaLevel.DISTRICT: "区县",
    AreaLevel.STREET: "街道乡镇",
    AreaLevel.COMMUNITY: "社区村",
    AreaLevel.GRID: "网格",
}
_STATISTICAL = {
    StatisticalLevel.COUNTY: AreaLevel.DISTRICT,
    StatisticalLevel.STREET: AreaLevel.STREET,
    StatisticalLevel.COMMUNITY: AreaLevel.COMMUNITY,
}


def area_level(code: str) -> AreaLevel:
    """The level a code's shape implies; raises ValueError for a malformed code.

    A 12-digit county code (`330106000000`) is read as its district.
    """
    if not (code.isascii() and code.isdigit()):
        raise ValueError(f"an area code is 6, 12 or 15 ASCII digits: {code!r}")
    if len(code) == 6:
        if code[:2] == "00":
            raise ValueError(f"no province has code {code!r}")
        if code[2:] == "0000":
            return AreaLevel.PROVINCE
        return AreaLevel.CITY if code[4:] == "00" else AreaLevel.DISTRICT
    if len(code) == 12:
        level = _STATISTICAL[level_of(code)]
        if code[4:6] == "00":  # a county's code names a county, never a prefecture
            raise ValueError(f"{code!r} does not extend a county code")
        return level
    if len(code) == 15:
        parse_grid_code(code)
        if code[4:6] == "00":
            raise ValueError(f"{code!r} does not extend a county code")
        return AreaLevel.GRID
    raise ValueError(f"an area code is 6, 12 or 15 ASCII digits: {code!r}")


def significant_prefix(code: str) -> str:
    """The digits that name the area; every code inside it starts with them."""
    return code[: area_level(code).significant]


def canonical_code(code: str) -> str:
    """The code the tree stores: a 12-digit county code becomes its 6-digit division code."""
    level = area_level(code)
    return code[:6] if level is AreaLevel.DISTRICT else code


def contains(scope: str, code: str) -> bool:
    """Whether the area ``code`` lies inside (or is) the area ``scope``.

    Pure and dateless: a grid closed by a redraw still lies in its community. Raises
    ValueError when either code is malformed, rather than answer for a code it cannot read.
    """
    level = area_level(code)
    scope_level = area_level(scope)
    prefix = scope[: scope_level.significant]
    return scope_level.depth <= level.depth and code.startswith(prefix)


def parent_code(code: str) -> str | None:
    """The code one level up (None for a province), by shape."""
    level = area_level(code)
    if level is AreaLevel.GRID:
        return code[:12]
    if level is AreaLevel.COMMUNITY:
        return code[:9] + "000"
    if level is AreaLevel.STREET:
        return code[:6]
    if level is AreaLevel.DISTRICT:
        return code[:4] + "00"
    if level is AreaLevel.CITY:
        return code[:2] + "0000"
    return None


def area_bounds(code: str) -> tuple[str, str]:
    """The half-open range ``[low, high)`` of the codes inside the area ``code`` (itself
    included): for a range condition on an indexed code column. ValueError when malformed."""
    return prefix_bounds(code[: area_level(code).significant])


def prefix_bounds(prefix: str) -> tuple[str, str]:
    """The half-open range ``[low, high)`` of codes starting with the digits ``prefix``:
    a range scan on an index, which `LIKE` is not on SQLite."""
    return prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)
