"""The district a synthetic city lies in: its name, streets, communities and birth areas."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from frontline.ids.divisions import load_divisions
from frontline.ids.statistical import load_statistical
from frontline.synth.addresses import Community


@dataclass(frozen=True)
class District:
    code: str
    path: tuple[str, str, str]
    """Province, city and district names."""
    communities: list[Community]

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
