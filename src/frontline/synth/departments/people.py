"""Column values about people that several departments write, each in its own way."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from frontline.synth.addresses import format_addresses

if TYPE_CHECKING:
    from frontline.synth.city import City

SEX_ZH = np.array(["女", "男"])


def names(city: City, persons: npt.NDArray[np.int64]) -> list[str]:
    return city.population.name[persons].tolist()  # type: ignore[no-any-return]


def id_numbers(city: City, persons: npt.NDArray[np.int64]) -> list[str]:
    return city.population.id_number[persons].tolist()  # type: ignore[no-any-return]


def person_ids(city: City, persons: npt.NDArray[np.int64]) -> list[str]:
    return city.population.person_id[persons].tolist()  # type: ignore[no-any-return]


def sexes(city: City, persons: npt.NDArray[np.int64]) -> list[str]:
    return SEX_ZH[city.population.people.is_male[persons].astype(np.int64)].tolist()  # type: ignore[no-any-return]


def phones(city: City, persons: npt.NDArray[np.int64]) -> tuple[list[str], list[str]]:
    """Current and previous phone numbers."""
    pop = city.population
    return pop.phone[persons].tolist(), pop.previous_phone[persons].tolist()


def addresses(
    city: City, persons: npt.NDArray[np.int64], style: str
) -> tuple[list[str], list[str]]:
    """Current and previous addresses of the persons' households, in one style."""
    pop = city.population
    households = pop.people.household[persons]
    path = city.district.path
    current = format_addresses(pop.dwellings, households, city.communities, path, style)
    previous = format_addresses(pop.previous_dwellings, households, city.communities, path, style)
    return current, previous
