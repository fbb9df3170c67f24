"""Grid codes (网格编码): the level below the community.

Grids are drawn by street offices, not by the NBS, and are redrawn often, so there
is no national code. Frontline defines a grid code as the 12-digit community code
followed by a 3-digit grid number (001-999): 15 digits, and every grid code starts
with the codes of its community, street and county.
"""

from __future__ import annotations

from dataclasses import dataclass

from frontline.ids.statistical import StatisticalLevel, level_of


@dataclass(frozen=True, slots=True)
class GridCode:
    """A grid: its community's 12-digit code and its number within the community."""

    community: str
    number: int

    def __post_init__(self) -> None:
        if level_of(self.community) is not StatisticalLevel.COMMUNITY:
            raise ValueError(f"a grid belongs to a community code, not {self.community!r}")
        if not 1 <= self.number <= 999:
            raise ValueError(f"a grid number lies in 1..999, not {self.number}")

    @property
    def code(self) -> str:
        """The 15-digit grid code."""
        return f"{self.community}{self.number:03d}"

    @property
    def street(self) -> str:
        """The 12-digit code of the grid's street or town."""
        return self.community[:9] + "000"

    @property
    def county(self) -> str:
        """The 6-digit county code."""
        return self.community[:6]


def grid_code(community: str, number: int) -> str:
    """Build the 15-digit grid code of grid `number` in a 12-digit community."""
    return GridCode(community, number).code


def parse_grid_code(code: str) -> GridCode:
    """Split a 15-digit grid code; raises ValueError when it is malformed."""
    if len(code) != 15 or not code.isascii() or not code.isdigit():
        raise ValueError(f"a grid code is 15 ASCII digits: {code!r}")
    return GridCode(code[:12], int(code[12:]))
