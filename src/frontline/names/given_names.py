"""Characters and whole names used as Chinese given names, by sex and birth cohort."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from frontline.names.datafile import read_rows
from frontline.names.sex import Sex, parse_sex

Position = Literal["first", "last", "any"]

COHORTS: tuple[str, ...] = ("until1959", "from1960", "from1980", "from2000")
"""Birth-cohort bands, oldest first; also the weight columns of ``given_chars.csv``."""

COHORT_STARTS: tuple[int, ...] = (1960, 1980, 2000)
"""First birth year of every cohort but the oldest."""


@dataclass(frozen=True, slots=True)
class GivenChar:
    """One row of ``given_chars.csv``.

    ``sex`` is ``m``, ``f`` or ``u`` (either); ``position`` says where the character sits in a
    two-character given name (``first``, ``last`` or ``any``; single-character names use the
    last-position characters); ``weights`` are relative weights per cohort in ``COHORTS`` order.
    """

    char: str
    sex: Sex
    position: Position
    weights: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class WholeGivenName:
    """One row of ``given_names.csv``: a whole given name typical of a cohort (建国, 一诺)."""

    given: str
    sex: Sex
    cohort: int
    weight: float


def cohort_index(birth_years: npt.NDArray[np.integer[Any]]) -> npt.NDArray[np.intp]:
    """Index into ``COHORTS`` for every birth year."""
    return np.searchsorted(np.asarray(COHORT_STARTS), birth_years, side="right")


@lru_cache(maxsize=1)
def given_chars() -> tuple[GivenChar, ...]:
    """Load ``given_chars.csv`` once, in file order."""
    return tuple(
        GivenChar(
            char=row["char"],
            sex=parse_sex(row["sex"]),
            position=_position(row["position"]),
            weights=tuple(float(row[cohort]) for cohort in COHORTS),
        )
        for row in read_rows("given_chars.csv")
    )


@lru_cache(maxsize=1)
def whole_given_names() -> tuple[WholeGivenName, ...]:
    """Load ``given_names.csv`` once, in file order."""
    return tuple(
        WholeGivenName(
            given=row["given"],
            sex=parse_sex(row["sex"]),
            cohort=COHORTS.index(row["cohort"]),
            weight=float(row["weight"]),
        )
        for row in read_rows("given_names.csv")
    )


def _position(value: str) -> Position:
    if value == "first":
        return "first"
    if value == "last":
        return "last"
    if value == "any":
        return "any"
    raise ValueError(f"unknown position in given_chars.csv: {value!r}")
