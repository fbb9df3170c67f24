"""A comparison key for addresses: do two departments' addresses name the same dwelling?

Departments write one dwelling many ways — from the province down (`浙江省杭州市西湖区翠苑街道
翠苑一区社区文华苑3幢2单元301室`), from the city, from the district without street or community,
or only the compound and `3-2-301`. The key drops the administrative lead (province, city and
county names from the division table; a street, town or township; a community or residents'
committee) and writes building, unit and room as `3-2-301`, so that all of these share
`文华苑3-2-301`. The key is for comparing only: the address shown keeps the text a department
delivered.
"""

from __future__ import annotations

import functools
import re

from frontline.ids.divisions import Level, load_divisions

_DWELLING = r"(\d+)(?:幢|栋|號樓|号楼|座)-?(\d+)单元-?(\d+)(?:室|号)?$"


@functools.cache
def _division_names() -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Every name ever used by a province, a prefecture and a county, longest first."""
    names: dict[Level, set[str]] = {level: set() for level in Level}
    for division in load_divisions().divisions:
        if division.name not in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
            names[division.level].add(division.name)
    ordered = (
        tuple(sorted(names[level], key=lambda n: (-len(n), n)))
        for level in (Level.PROVINCE, Level.PREFECTURE, Level.COUNTY)
    )
    province, prefecture, county = ordered
    return province, prefecture, county


def _alternation(names: tuple[str, ...]) -> str:
    return "^(?:" + "|".join(re.escape(n) for n in names) + ")"


@functools.cache
def lead_patterns() -> tuple[str, ...]:
    """The regular expressions (RE2 and Python), each anchored at the start, that strip an
    address's administrative lead one level after the other.

    Applied one by one rather than as one pattern of optional parts: RE2 runs each of these
    as a simple automaton, but the combined pattern about forty times slower.
    """
    province, prefecture, county = _division_names()
    return (
        _alternation(province),
        _alternation(prefecture),
        _alternation(county),
        r"^[^\d]{1,10}?(?:街道|镇|乡)",
        r"^[^\d]{1,12}?(?:社区居民委员会|社区居委会|居委会|社区)",
    )


def address_key_sql(column: str) -> str:
    """DuckDB SQL for the key of the normalised address in ``column`` (NULL stays NULL)."""
    dwelling = f"regexp_replace({column}, '{_DWELLING}', '\\1-\\2-\\3')"
    stripped = dwelling
    for pattern in lead_patterns():
        escaped = pattern.replace("'", "''")
        stripped = f"regexp_replace({stripped}, '{escaped}', '')"
    # A lead that is the whole address (only a district) keeps the address itself.
    return f"coalesce(nullif({stripped}, ''), {dwelling})"


def address_key(address: str) -> str:
    """The key of one normalised address (the Python twin of `address_key_sql`)."""
    dwelling = re.sub(_DWELLING, r"\1-\2-\3", address)
    stripped = dwelling
    for pattern in lead_patterns():
        stripped = re.sub(pattern, "", stripped, count=1)
    return stripped or dwelling
