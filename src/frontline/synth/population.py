"""The canonical people of the district: who they are, where they live, whether they are alive."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from frontline.names import (
    draw_given_names,
    draw_minority_names,
    draw_surnames,
    minority_group,
)
from frontline.synth.addresses import Community, Dwellings, place_households
from frontline.synth.households import HEAD, MOTHER, SPOUSE, People, draw_people
from frontline.synth.identities import AreasForYear, birth_areas, resident_ids
from frontline.synth.streams import Streams

_MOBILE_PREFIXES = np.array(
    [130, 131, 132, 133, 135, 136, 137, 138, 139, 150, 151, 152, 155, 156, 157, 158, 159,
     166, 173, 176, 177, 180, 181, 182, 183, 185, 186, 187, 188, 189, 191, 198, 199]
)  # fmt: skip
# Minority households that use Han-style names; the others draw names of their own, whose
# ethnicity `minority_group` tells.
_HAN_NAMED_MINORITIES = ("回族", "满族", "土家族")
_OWN_NAMED_SHARE = 0.6


@dataclass(frozen=True)
class Population:
    """Everything true about every person, one array element per person."""

    people: People
    person_id: npt.NDArray[np.str_]
    name: npt.NDArray[np.str_]
    id_number: npt.NDArray[np.str_]
    birth_date: npt.NDArray[np.datetime64]
    ethnicity: npt.NDArray[np.str_]
    phone: npt.NDArray[np.str_]
    previous_phone: npt.NDArray[np.str_]
    alive: npt.NDArray[np.bool_]
    death_date: npt.NDArray[np.datetime64]
    """NaT for the living."""
    household_id: npt.NDArray[np.str_]
    """Per household."""
    migrant_household: npt.NDArray[np.bool_]
    """Per household: registered elsewhere, so absent from the district's registry."""
    dwellings: Dwellings
    previous_dwellings: Dwellings
    """Per household: where it lived before, which stale department records still show."""

    def __len__(self) -> int:
        return len(self.person_id)

    def ages(self, on: date) -> npt.NDArray[np.int64]:
        """Completed years of age on ``on``."""
        born = self.birth_date.astype("datetime64[D]")
        month = born.astype("datetime64[M]")
        years = month.astype("datetime64[Y]").astype(np.int64) + 1970
        months = month.astype(np.int64) % 12 + 1
        days = (born - month.astype("datetime64[D]")).astype(np.int64) + 1
        # One year less where this year's birthday is still to come.
        before = (months > on.month) | ((months == on.month) & (days > on.day))
        ages: npt.NDArray[np.int64] = on.year - years - before.astype(np.int64)
        return ages

    @property
    def migrant(self) -> npt.NDArray[np.bool_]:
        """Per person: lives in a household registered elsewhere."""
        result: npt.NDArray[np.bool_] = self.migrant_household[self.people.household]
        return result


def _phones(rng: np.random.Generator, n: int) -> npt.NDArray[np.str_]:
    prefix = _MOBILE_PREFIXES[rng.integers(0, len(_MOBILE_PREFIXES), n)]
    number = prefix * 10**8 + rng.integers(0, 10**8, n)
    return number.astype(str)


def _names(
    rng: np.random.Generator,
    people: People,
    birth_years: npt.NDArray[np.int64],
    minority: npt.NDArray[np.bool_],
) -> npt.NDArray[np.str_]:
    """Han names share the household's surname line; minority names are drawn whole, every
    member of a household with names of the same people as its head."""
    n = len(people)
    surnames = draw_surnames(rng, n)
    # Heads keep their own surname; children and the head's father share it; spouses and the
    # head's mother keep theirs.
    head_index = np.searchsorted(people.household, people.household)
    inherits = ~np.isin(people.relation, [HEAD, SPOUSE, MOTHER])
    surnames = np.where(inherits, surnames[head_index], surnames)
    given = draw_given_names(rng, people.is_male, birth_years)
    names = np.char.add(surnames.astype(str), given.astype(str))
    if minority.any():
        picked = np.flatnonzero(minority)
        male = people.is_male[picked]
        heads = np.searchsorted(people.household[picked], people.household[picked])
        # Heads' names decide each household's people; the others are drawn within it.
        own = np.array(draw_minority_names(rng, male), dtype=object)
        groups = np.array([minority_group(n) or "" for n in own.tolist()])[heads]
        others = np.array(draw_minority_names(rng, male, ethnicities=groups), dtype=object)
        names = names.astype(object)
        names[picked] = np.where(heads == np.arange(len(picked)), own, others)
    return np.asarray(names, dtype=str)


def _deaths(
    rng: np.random.Generator, age_days: npt.NDArray[np.int64], as_of: date
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.datetime64]]:
    """Who died in the two years before ``as_of`` (a Gompertz life table), and when: never
    before they were born."""
    ages = age_days // 365
    yearly = np.clip(0.00006 * np.exp(0.086 * ages), 0.0002, 0.45)
    died = rng.random(len(ages)) < 1 - (1 - yearly) ** 2
    window = np.minimum(730, age_days)
    back = (rng.random(len(ages)) * window).astype(np.int64).astype("timedelta64[D]")
    death = np.where(died, np.datetime64(as_of, "D") - back, np.datetime64("NaT"))
    return ~died, death.astype("datetime64[D]")


def draw_population(
    streams: Streams,
    persons: int,
    as_of: date,
    communities: list[Community],
    migrant_share: float,
    local_areas: AreasForYear,
    other_areas: AreasForYear,
) -> Population:
    """Draw the whole population of the district."""
    people = draw_people(streams.get("households"), persons)
    households = len(people.household_type)
    rng = streams.get("population")
    migrant_household = rng.random(households) < migrant_share
    minority_household = rng.random(households) < 0.02
    birth_date = people.birth_dates(as_of)
    years = birth_date.astype("datetime64[Y]").astype(np.int64) + 1970
    migrant = migrant_household[people.household]
    areas = birth_areas(streams.get("birth_areas"), years, ~migrant, local_areas, other_areas)
    id_number = resident_ids(streams.get("resident_ids"), areas, birth_date, people.is_male)

    own_names = minority_household & (rng.random(households) < _OWN_NAMED_SHARE)
    han_named = np.array(_HAN_NAMED_MINORITIES)[rng.integers(0, 3, households)]
    ethnic = np.where(minority_household & ~own_names, han_named, "汉族")[people.household]
    name = _names(streams.get("names"), people, years, own_names[people.household])
    own = np.flatnonzero(own_names[people.household])
    ethnic = ethnic.astype(object)
    ethnic[own] = [minority_group(n) or "汉族" for n in name[own].tolist()]
    ethnic = ethnic.astype(str)

    phones_rng = streams.get("phones")
    phone, previous = _phones(phones_rng, persons), _phones(phones_rng, persons)
    age_years = (people.age_days // 365.2425).astype(np.int64)
    no_phone = (age_years < 14) | ((age_years >= 80) & (phones_rng.random(persons) < 0.4))
    phone = np.where(no_phone, "", phone)
    alive, death_date = _deaths(streams.get("deaths"), people.age_days, as_of)

    place = streams.get("dwellings")
    return Population(
        people=people,
        person_id=np.char.add("P", np.char.zfill(np.arange(1, persons + 1).astype(str), 8)),
        name=name,
        id_number=id_number,
        birth_date=birth_date,
        ethnicity=ethnic,
        phone=phone,
        previous_phone=previous,
        alive=alive,
        death_date=death_date,
        household_id=np.char.add("H", np.char.zfill(np.arange(1, households + 1).astype(str), 8)),
        migrant_household=migrant_household,
        dwellings=place_households(place, households, communities),
        previous_dwellings=place_households(place, households, communities),
    )
