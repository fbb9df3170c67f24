"""Column values about people that several departments write, each in its own way."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from frontline.synth.addresses import ADDRESS_STYLES, format_addresses
from frontline.synth.defects import mixed_phones, stale_values

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


def delivered_phones(
    city: City, persons: npt.NDArray[np.int64], markers: list[list[str]], rng: np.random.Generator
) -> list[str]:
    """Phones as a department delivers them: some stale, some written with spaces or +86."""
    rates = city.config.rates
    current, previous = phones(city, persons)
    stale = stale_values(current, previous, markers, rng, rates.stale_phone, "stale_phone")
    return mixed_phones(stale, markers, rng, rates.phone_format)


def addresses(
    city: City,
    persons: npt.NDArray[np.int64],
    style: str,
    rng: np.random.Generator | None = None,
    markers: list[list[str]] | None = None,
) -> tuple[list[str], list[str]]:
    """Current and previous addresses of the persons' households in the source's usual
    ``style``; with ``rng`` and ``markers``, some rows in another style (``address_format``)."""
    pop = city.population
    households = pop.people.household[persons]
    styles = np.full(len(persons), ADDRESS_STYLES.index(style))
    if rng is not None and markers is not None:
        other = rng.random(len(persons)) < city.config.rates.address_format
        styles[other] = rng.integers(0, len(ADDRESS_STYLES), int(other.sum()))
        for i in np.flatnonzero(styles != ADDRESS_STYLES.index(style)).tolist():
            markers[i].append("address_format")
    current: list[str] = [""] * len(persons)
    previous: list[str] = [""] * len(persons)
    for index, name in enumerate(ADDRESS_STYLES):
        rows = np.flatnonzero(styles == index)
        if not len(rows):
            continue
        for target, dwellings in ((current, pop.dwellings), (previous, pop.previous_dwellings)):
            texts = format_addresses(
                dwellings, households[rows], city.communities, city.district.path, name
            )
            for row, text in zip(rows.tolist(), texts, strict=True):
                target[row] = text
    return current, previous
