"""The true state of a synthetic district, from which every department's view is drawn."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache

import numpy as np
import numpy.typing as npt

from frontline.synth.addresses import Community
from frontline.synth.assets import Properties, Vehicles, draw_properties, draw_vehicles
from frontline.synth.benefits import (
    Employment,
    Pensions,
    Subsidies,
    draw_employment,
    draw_pensions,
    draw_subsidies,
    pick_share,
)
from frontline.synth.config import CityConfig
from frontline.synth.district import District, load_district
from frontline.synth.enterprises import Enterprises, draw_enterprises
from frontline.synth.population import Population, draw_population
from frontline.synth.streams import Streams

Progress = Callable[[str], None]


@dataclass(frozen=True)
class PlantedCase:
    """A case a cross-department rule should find, with the entities involved."""

    case: str
    entity_id: str
    related_id: str
    detail: str


@dataclass(frozen=True)
class City:
    config: CityConfig
    district: District
    population: Population
    enterprises: Enterprises
    pensions: Pensions
    subsidies: Subsidies
    employment: Employment
    vehicles: Vehicles
    properties: Properties
    planted: list[PlantedCase]

    @property
    def communities(self) -> list[Community]:
        return self.district.communities


def build_city(config: CityConfig, progress: Progress | None = None) -> City:
    """Draw the whole district for ``config``; ``progress`` hears the name of each stage."""
    say = progress or (lambda _stage: None)
    streams = Streams(config.seed)
    rates = config.rates
    district = load_district(config.district)
    say("population")
    population = draw_population(
        streams,
        config.persons,
        config.as_of,
        district.communities,
        rates.migrant_households,
        cache(district.local_birth_areas),
        cache(district.other_birth_areas),
    )
    say("enterprises")
    ages = population.ages(config.as_of)
    adults = np.flatnonzero((ages >= 25) & (ages <= 70)).astype(np.int64)
    enterprises = draw_enterprises(
        streams.get("enterprises"),
        max(5, config.persons // 25),
        district,
        adults,
        config.as_of,
    )
    say("benefits")
    pensions = draw_pensions(
        streams.get("pensions"), population, config.as_of, rates.planted_pension_after_death
    )
    subsidies = draw_subsidies(streams.get("subsidies"), population, config.as_of)
    say("assets")
    enterprises, vehicle_owners = _plant_subsidy_assets(
        streams.get("planted"), population, subsidies, enterprises, adults, config
    )
    employment = draw_employment(streams.get("employment"), population, enterprises, config.as_of)
    vehicles = draw_vehicles(
        streams.get("vehicles"),
        population,
        enterprises,
        config.as_of,
        subsidies.household,
        vehicle_owners,
        district.plate_prefix,
    )
    properties = draw_properties(
        streams.get("properties"), population, enterprises, district, config.as_of
    )
    planted = _planted_cases(population, pensions, subsidies, vehicles, enterprises, config)
    return City(
        config, district, population, enterprises, pensions, subsidies, employment,
        vehicles, properties, planted,
    )  # fmt: skip


def _plant_subsidy_assets(
    rng: np.random.Generator,
    population: Population,
    subsidies: Subsidies,
    enterprises: Enterprises,
    adults: npt.NDArray[np.int64],
    config: CityConfig,
) -> tuple[Enterprises, npt.NDArray[np.int64]]:
    """Give a share of subsidy households' heads a vehicle or an active enterprise.

    Subsidy households own no asset except the planted ones, so the planted list is the exact
    answer a rule should give. Returns the enterprises with their legal representatives set
    and the persons who must own a vehicle.
    """
    heads = np.searchsorted(population.people.household, subsidies.household).astype(np.int64)
    chosen = pick_share(rng, np.arange(len(heads)), config.rates.planted_subsidy_with_assets)
    # Alternate the kind so both occur as soon as there are two cases; nobody over 75 is
    # given a newly registered car.
    young_enough = population.ages(config.as_of)[heads[chosen]] <= 75
    by_vehicle = (np.arange(len(chosen)) % 2 == 0) & young_enough
    subsidy_people = np.flatnonzero(np.isin(population.people.household, subsidies.household))
    reps = enterprises.legal_rep.copy()
    clash = np.isin(reps, subsidy_people)
    others = np.setdiff1d(adults, subsidy_people)
    reps[clash] = others[rng.integers(0, len(others), int(clash.sum()))]
    active = np.flatnonzero((enterprises.status == "存续") & ~_beyond_gbk(enterprises.name))
    planted_reps = heads[chosen[~by_vehicle]]
    targets = rng.choice(active, min(len(active), len(planted_reps)), replace=False)
    reps[targets] = planted_reps[: len(targets)]
    updated = _with_legal_reps(enterprises, reps, population.birth_date)
    return updated, heads[chosen[by_vehicle]]


def _beyond_gbk(names: npt.NDArray[np.str_]) -> npt.NDArray[np.bool_]:
    """Names holding a character that GBK cannot encode."""

    def beyond(name: str) -> bool:
        try:
            name.encode("gbk")
        except UnicodeEncodeError:
            return True
        return False

    return np.array([beyond(n) for n in names.tolist()], dtype=np.bool_)


def _with_legal_reps(
    enterprises: Enterprises, reps: npt.NDArray[np.int64], birth_dates: npt.NDArray[np.datetime64]
) -> Enterprises:
    """Set the legal representatives; no enterprise was founded before its representative was 18."""
    adult_on = birth_dates[reps].astype("datetime64[D]") + np.timedelta64(6575, "D")
    established = np.maximum(enterprises.established.astype("datetime64[D]"), adult_on)
    return replace(enterprises, legal_rep=reps, established=established)


def _planted_cases(
    population: Population,
    pensions: Pensions,
    subsidies: Subsidies,
    vehicles: Vehicles,
    enterprises: Enterprises,
    config: CityConfig,
) -> list[PlantedCase]:
    pid = population.person_id
    cases: list[PlantedCase] = []
    for p, death in zip(
        pensions.person[pensions.paid_after_death].tolist(),
        population.death_date[pensions.person[pensions.paid_after_death]].tolist(),
        strict=True,
    ):
        cases.append(PlantedCase("pension_after_death", str(pid[p]), "", f"died {death}"))
    subsidy_household = set(subsidies.household.tolist())
    person_household = population.people.household
    for plate, owner, is_person in zip(
        vehicles.plate.tolist(),
        vehicles.owner.tolist(),
        vehicles.owner_is_person.tolist(),
        strict=True,
    ):
        if is_person and int(person_household[owner]) in subsidy_household:
            cases.append(
                PlantedCase("subsidy_with_vehicle", str(pid[owner]), plate, "owns a vehicle")
            )
    for e, rep in enumerate(enterprises.legal_rep.tolist()):
        if int(person_household[rep]) in subsidy_household:
            cases.append(
                PlantedCase(
                    "subsidy_with_enterprise",
                    str(pid[rep]),
                    str(enterprises.enterprise_id[e]),
                    "legal representative of an enterprise",
                )
            )
    alive_members = np.bincount(
        person_household[population.alive], minlength=len(population.household_id)
    )
    ages = population.ages(config.as_of)
    lone = population.alive & (alive_members[person_household] == 1) & (ages >= 65)
    for p in np.flatnonzero(lone).tolist():
        cases.append(
            PlantedCase(
                "elderly_living_alone",
                str(pid[p]),
                str(population.household_id[person_household[p]]),
                f"aged {int(ages[p])}",
            )
        )
    return cases
