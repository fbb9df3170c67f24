"""Households and the people in them: composition, relations, sex and birth dates.

Households are drawn by type (an elderly person living alone, a couple with children, three
generations under one roof, ...) so that ages, relations and living arrangements agree with
each other the way they do in a real district, rather than drawing each person alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

# Relation to the head of household, as the registry writes it.
RELATIONS = ("户主", "配偶", "子", "女", "父亲", "母亲", "孙子", "孙女")
HEAD, SPOUSE, SON, DAUGHTER, FATHER, MOTHER, GRANDSON, GRANDDAUGHTER = range(len(RELATIONS))

# Household types with their share of households; tuned so the age structure resembles an
# urban district of the 2020 census (about 14% under 15, 20% aged 60 and over).
HOUSEHOLD_TYPES: tuple[tuple[str, float], ...] = (
    ("elderly_alone", 0.09),
    ("elderly_couple", 0.15),
    ("nuclear", 0.36),
    ("three_generation", 0.12),
    ("single_young", 0.13),
    ("couple_young", 0.10),
    ("single_parent", 0.05),
)


@dataclass(frozen=True)
class People:
    """One row per person, ordered by household and then by member (the head first)."""

    household: npt.NDArray[np.int64]
    relation: npt.NDArray[np.int8]
    is_male: npt.NDArray[np.bool_]
    age_days: npt.NDArray[np.int64]
    household_type: npt.NDArray[np.int8]
    """Per household: index into HOUSEHOLD_TYPES."""

    def birth_dates(self, as_of: date) -> npt.NDArray[np.datetime64]:
        """Birth dates, counting each person's age in days back from ``as_of``."""
        return np.datetime64(as_of, "D") - self.age_days.astype("timedelta64[D]")

    def __len__(self) -> int:
        return len(self.household)


@dataclass
class _Members:
    household: list[npt.NDArray[np.int64]]
    order: list[npt.NDArray[np.int64]]
    relation: list[npt.NDArray[np.int8]]
    is_male: list[npt.NDArray[np.bool_]]
    age_days: list[npt.NDArray[np.int64]]

    def add(
        self,
        household: npt.NDArray[np.int64],
        order: int,
        relation: int | npt.NDArray[np.int8],
        is_male: bool | npt.NDArray[np.bool_],
        age_days: npt.NDArray[np.int64],
    ) -> None:
        n = len(household)
        self.household.append(household)
        self.order.append(np.full(n, order, dtype=np.int64))
        self.relation.append(np.broadcast_to(np.asarray(relation, dtype=np.int8), n).copy())
        self.is_male.append(np.broadcast_to(np.asarray(is_male, dtype=np.bool_), n).copy())
        self.age_days.append(age_days)


def _years(rng: np.random.Generator, low: float, high: float, n: int) -> npt.NDArray[np.int64]:
    """Ages in days, uniform between ``low`` and ``high`` years."""
    return (rng.uniform(low, high, n) * 365.25).astype(np.int64)


def _elderly_years(rng: np.random.Generator, low: float, n: int) -> npt.NDArray[np.int64]:
    """Ages in days from ``low`` up to 100, thinning out with age like a life table."""
    years = low + rng.gamma(shape=1.6, scale=7.5, size=n)
    years = np.where(years > 100.9, low + rng.uniform(0, 15, n), years)
    return (years * 365.25).astype(np.int64)


def _partner(rng: np.random.Generator, head_days: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """A spouse's age: usually a little younger than the head, never under 20."""
    n = len(head_days)
    days = head_days - (rng.normal(2.0, 2.5, n) * 365.25).astype(np.int64)
    # Redraw out-of-range ages instead of clipping them, which would pile birthdays up on
    # one date (and exhaust that date's resident-ID sequence numbers).
    young = (rng.uniform(20, 23, n) * 365.25).astype(np.int64)
    days = np.where(days < 20 * 365.25, young, days)
    return np.where(days > 100.9 * 365.25, head_days, days)


def _children(
    rng: np.random.Generator,
    members: _Members,
    household: npt.NDArray[np.int64],
    mother_days: npt.NDArray[np.int64],
    counts: npt.NDArray[np.int64],
    first_order: int,
) -> None:
    """Add up to ``counts[i]`` children to each household: the first born when the mother was
    21 to 38, each next one 1.2 to 6 years after the one before. A child who would not be
    born yet by the city's date is left out, so young mothers have fewer children."""
    n = len(household)
    previous = np.full(n, -1, dtype=np.int64)  # age in days of the previous child; -1: none
    for k in range(int(counts.max(initial=0))):
        if k == 0:
            days = mother_days - (rng.uniform(21, 38, n) * 365.25).astype(np.int64)
            born = (counts > 0) & (days >= 0)
        else:
            days = previous - (rng.uniform(1.2, 6, n) * 365.25).astype(np.int64)
            born = (counts > k) & (previous >= 0) & (days >= 0)
        male = rng.random(n) < 0.52
        relation = np.where(male, SON, DAUGHTER).astype(np.int8)
        members.add(household[born], first_order + k, relation[born], male[born], days[born])
        previous = np.where(born, days, -1)


def draw_people(rng: np.random.Generator, persons: int) -> People:
    """Draw households until there are exactly ``persons`` people (the last one may be trimmed)."""
    shares = np.array([share for _, share in HOUSEHOLD_TYPES])
    shares = shares / shares.sum()
    households = int(persons / 2.3) + 16
    while True:
        types = rng.choice(len(HOUSEHOLD_TYPES), size=households, p=shares).astype(np.int8)
        people = _expand(rng, types)
        if len(people) >= persons:
            return _trim(people, persons)
        households = int(households * 1.25) + 16


def _expand(rng: np.random.Generator, types: npt.NDArray[np.int8]) -> People:
    m = _Members([], [], [], [], [])
    names = [name for name, _ in HOUSEHOLD_TYPES]

    def of(kind: str) -> npt.NDArray[np.int64]:
        return np.flatnonzero(types == names.index(kind)).astype(np.int64)

    hh = of("elderly_alone")
    m.add(hh, 0, HEAD, rng.random(len(hh)) < 0.38, _elderly_years(rng, 65, len(hh)))

    hh = of("elderly_couple")
    head = _elderly_years(rng, 60, len(hh))
    m.add(hh, 0, HEAD, True, head)
    m.add(hh, 1, SPOUSE, False, _partner(rng, head))

    hh = of("nuclear")
    head = _years(rng, 27, 60, len(hh))
    wife = _partner(rng, head)
    m.add(hh, 0, HEAD, True, head)
    m.add(hh, 1, SPOUSE, False, wife)
    kids = rng.choice(np.array([1, 2, 3]), size=len(hh), p=[0.55, 0.38, 0.07])
    _children(rng, m, hh, wife, kids, 2)

    hh = of("three_generation")
    head = _years(rng, 30, 52, len(hh))
    wife = _partner(rng, head)
    m.add(hh, 0, HEAD, True, head)
    m.add(hh, 1, SPOUSE, False, wife)
    kids = rng.choice(np.array([1, 2]), size=len(hh), p=[0.6, 0.4])
    _children(rng, m, hh, wife, kids, 2)
    grandpa = np.minimum(head + (rng.uniform(24, 34, len(hh)) * 365.25).astype(np.int64), 36500)
    both = rng.random(len(hh)) < 0.55
    only_mother = ~both & (rng.random(len(hh)) < 0.7)
    has_father = both | ~only_mother
    m.add(hh[has_father], 5, FATHER, True, grandpa[has_father])
    has_mother = both | only_mother
    m.add(hh[has_mother], 6, MOTHER, False, _partner(rng, grandpa)[has_mother])

    hh = of("single_young")
    m.add(hh, 0, HEAD, rng.random(len(hh)) < 0.55, _years(rng, 19, 45, len(hh)))

    hh = of("couple_young")
    head = _years(rng, 23, 40, len(hh))
    m.add(hh, 0, HEAD, True, head)
    m.add(hh, 1, SPOUSE, False, _partner(rng, head))

    hh = of("single_parent")
    head_male = rng.random(len(hh)) < 0.3
    head = _years(rng, 28, 55, len(hh))
    m.add(hh, 0, HEAD, head_male, head)
    kids = rng.choice(np.array([1, 2]), size=len(hh), p=[0.75, 0.25])
    _children(rng, m, hh, head, kids, 2)

    household = np.concatenate(m.household)
    order = np.concatenate(m.order)
    sort = np.lexsort((order, household))
    return People(
        household=household[sort],
        relation=np.concatenate(m.relation)[sort],
        is_male=np.concatenate(m.is_male)[sort],
        age_days=np.concatenate(m.age_days)[sort],
        household_type=types,
    )


def _trim(people: People, persons: int) -> People:
    """Keep the first ``persons`` people and the households they belong to."""
    household = people.household[:persons]
    return People(
        household=household,
        relation=people.relation[:persons],
        is_male=people.is_male[:persons],
        age_days=people.age_days[:persons],
        household_type=people.household_type[: int(household[-1]) + 1],
    )
