"""The district a synthetic city lies in: its name, streets, communities and birth areas."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from frontline.ids.divisions import load_divisions
from frontline.ids.statistical import load_statistical
from frontline.synth.addresses import Community

# One-character abbreviations of the provinces (by the first two code digits), as on plates.
_PROVINCE_ABBREVIATIONS = {
    "11": "京",
    "12": "津",
    "13": "冀",
    "14": "晋",
    "15": "蒙",
    "21": "辽",
    "22": "吉",
    "23": "黑",
    "31": "沪",
    "32": "苏",
    "33": "浙",
    "34": "皖",
    "35": "闽",
    "36": "赣",
    "37": "鲁",
    "41": "豫",
    "42": "鄂",
    "43": "湘",
    "44": "粤",
    "45": "桂",
    "46": "琼",
    "50": "渝",
    "51": "川",
    "52": "贵",
    "53": "云",
    "54": "藏",
    "61": "陕",
    "62": "甘",
    "63": "青",
    "64": "宁",
    "65": "新",
}


@dataclass(frozen=True)
class District:
    code: str
    path: tuple[str, str, str]
    """Province, city and district names."""
    communities: list[Community]

    @property
    def province_abbreviation(self) -> str:
        """The province's one-character abbreviation, such as 浙."""
        return _PROVINCE_ABBREVIATIONS[self.code[:2]]

    @property
    def plate_prefix(self) -> str:
        """The licence plate prefix of the provincial capital's city, such as 浙A."""
        return self.province_abbreviation + "A"

    @property
    def city_short(self) -> str:
        """The city name without 市, as enterprise names use it (杭州)."""
        return self.path[1].removesuffix("市")

    @property
    def province_short(self) -> str:
        """The province name without 省 (浙江)."""
        return self.path[0].removesuffix("省")

    def local_birth_areas(self, year: int) -> npt.NDArray[np.int64]:
        """Where a local born in ``year`` was registered at birth: the district, or before the
        district's code existed, the other counties of its city that were valid then."""
        divisions = load_divisions()
        if divisions.lookup(self.code, year) is not None:
            return np.array([int(self.code)], dtype=np.int64)
        city = self.code[:4]
        codes = [
            int(d.code)
            for d in divisions.counties_valid_in(year)
            if d.code.startswith(city) and d.name != "市辖区"
        ]
        return np.array(codes or [int(self.code[:4] + "00")], dtype=np.int64)

    def other_birth_areas(self, year: int) -> npt.NDArray[np.int64]:
        """Birth areas of people born elsewhere: any county valid in ``year``."""
        codes = [
            int(d.code)
            for d in load_divisions().counties_valid_in(year)
            if d.name != "市辖区" and d.code[:4] != self.code[:4]
        ]
        return np.array(codes, dtype=np.int64)


def load_district(code: str) -> District:
    """The district ``code`` with its streets and communities from the shipped statistical table."""
    divisions = load_divisions()
    path = divisions.name_path(code, None)
    table = load_statistical(code)
    communities = [
        Community(
            code=community.code,
            name=community.name,
            street_code=street.code,
            street_name=street.name,
            rural=(community.urban_rural or "").startswith("2"),
        )
        for street in table.streets()
        for community in table.communities(street.code)
    ]
    if not communities:
        raise ValueError(f"the statistical table of {code} lists no communities")
    province, city, district = path[0], path[1], path[-1]
    return District(code, (province, city, district), communities)
