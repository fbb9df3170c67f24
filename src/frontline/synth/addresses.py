"""Dwellings in a street → community → grid tree, and the ways departments write them down."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

# Word stems and suffixes of residential compound (小区) names.
_COMPOUND_STEMS = (
    "金都", "翠苑", "文鼎", "嘉绿", "香樟", "丰潭", "益乐", "竞舟", "紫金", "西溪", "桂花",
    "五联", "塘苗", "文华", "耀江", "亲亲", "求是", "骆家", "华星", "申花", "古墩", "三坝",
    "留和", "龙章", "宝善", "新金", "北山", "曙光", "玉泉", "莲花", "青芝", "紫荆", "绿城",
    "古荡", "学苑", "枫华", "和家", "锦绣", "银马", "天目",
)  # fmt: skip
_COMPOUND_SUFFIXES = ("花园", "苑", "新村", "家园", "公寓", "小区", "府", "景园")


@dataclass(frozen=True)
class Community:
    """A community (社区) or village (村) with the street or town (街道/镇) above it."""

    code: str
    name: str
    street_code: str
    street_name: str
    rural: bool


@dataclass(frozen=True)
class Dwellings:
    """One row per household: where it lives."""

    community: npt.NDArray[np.int64]
    """Index into the community list."""
    grid: npt.NDArray[np.int64]
    """Grid number within the community, from 1."""
    compound: npt.NDArray[np.int64]
    """Index into ``compound_names`` (urban) or the village group number (rural)."""
    building: npt.NDArray[np.int64]
    unit: npt.NDArray[np.int64]
    room: npt.NDArray[np.int64]
    """Room number such as 502 (urban) or house number (rural)."""
    compound_names: tuple[str, ...]


def compound_names(rng: np.random.Generator, count: int) -> tuple[str, ...]:
    """Distinct compound names, as many as asked for."""
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        stem = _COMPOUND_STEMS[int(rng.integers(len(_COMPOUND_STEMS)))]
        suffix = _COMPOUND_SUFFIXES[int(rng.integers(len(_COMPOUND_SUFFIXES)))]
        if suffix.startswith(stem[-1]):  # no 翠苑苑
            continue
        name = stem + suffix if len(seen) < 300 else f"{stem}{len(names)}{suffix}"
        if name not in seen:
            seen.add(name)
            names.append(name)
    return tuple(names)


def place_households(
    rng: np.random.Generator,
    households: int,
    communities: list[Community],
    households_per_grid: int = 400,
) -> Dwellings:
    """Give every household its own dwelling, spread over the communities."""
    weights = rng.uniform(0.5, 1.5, len(communities))
    community = np.sort(rng.choice(len(communities), households, p=weights / weights.sum()))
    n = households
    grid, compound = np.zeros(n, np.int64), np.zeros(n, np.int64)
    building, unit, room = np.zeros(n, np.int64), np.zeros(n, np.int64), np.zeros(n, np.int64)
    names = compound_names(rng, 4 * len(communities))
    for c, info in enumerate(communities):
        rows = np.flatnonzero(community == c)
        if not len(rows):
            continue
        # Leave about one dwelling in six empty so neighbours are not all consecutive.
        slots = rng.choice(int(len(rows) * 1.2) + 8, len(rows), replace=False)
        slots.sort()
        if info.rural:
            per_group = 40
            compound[rows] = slots // per_group + 1
            room[rows] = slots % per_group + 1
            building[rows] = 0
            grid[rows] = (slots // (per_group * 8)) + 1
            continue
        units, floors, per_floor = int(rng.integers(2, 5)), int(rng.integers(5, 19)), 2
        per_building = units * floors * per_floor
        b = slots // per_building
        rest = slots % per_building
        # Up to four compounds per community share its buildings evenly.
        per_compound = int(b.max()) // 4 + 1
        building[rows] = b % per_compound + 1
        compound[rows] = 4 * c + b // per_compound
        unit[rows] = rest // (floors * per_floor) + 1
        floor = (rest % (floors * per_floor)) // per_floor + 1
        room[rows] = floor * 100 + rest % per_floor + 1
        buildings_per_grid = max(1, households_per_grid // per_building)
        grid[rows] = b // buildings_per_grid + 1
    return Dwellings(community, grid, compound, building, unit, room, names)


ADDRESS_STYLES = ("full", "registry", "district", "short")


def format_addresses(
    dwellings: Dwellings,
    households: npt.NDArray[np.int64],
    communities: list[Community],
    district_path: tuple[str, str, str],
    style: str,
) -> list[str]:
    """The addresses of ``households`` written the way one department writes them.

    ``full`` starts at the province, ``registry`` at the city, ``district`` at the district
    without street or community, and ``short`` is the compound and building-unit-room only.
    """
    if style not in ADDRESS_STYLES:
        raise ValueError(f"unknown address style {style!r}")
    province, city, district = district_path
    lead = {"full": province + city + district, "registry": city + district}.get(style, "")
    out: list[str] = []
    for h in households.tolist():
        info = communities[int(dwellings.community[h])]
        building, unit, room = (
            int(dwellings.building[h]),
            int(dwellings.unit[h]),
            int(dwellings.room[h]),
        )
        if info.rural:
            place = f"{info.name}{int(dwellings.compound[h])}组{room}号"
            where = info.street_name if style in ("full", "registry") else ""
            out.append(f"{lead}{where}{place}" if style != "district" else f"{district}{place}")
            continue
        compound = dwellings.compound_names[int(dwellings.compound[h])]
        if style == "short":
            out.append(f"{compound}{building}-{unit}-{room}")
        elif style == "district":
            out.append(f"{district}{compound}{building}幢{unit}单元{room}室")
        else:
            where = info.street_name + (info.name if style == "full" else "")
            out.append(f"{lead}{where}{compound}{building}幢{unit}单元{room}室")
    return out
