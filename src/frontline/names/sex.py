"""The sex codes used in the name data files."""

from __future__ import annotations

from typing import Literal

Sex = Literal["m", "f", "u"]
"""``m`` male, ``f`` female, ``u`` used for either."""


def parse_sex(value: str) -> Sex:
    """Read a sex code from a data file, refusing anything else."""
    if value == "m":
        return "m"
    if value == "f":
        return "f"
    if value == "u":
        return "u"
    raise ValueError(f"unknown sex code in a names data file: {value!r}")


def fits(sex: Sex, is_male: bool) -> bool:
    """Whether a name part marked ``sex`` suits a person of the given sex."""
    return sex == "u" or (sex == "m") == is_male
