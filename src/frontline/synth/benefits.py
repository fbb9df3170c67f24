"""Who receives a pension, a subsistence allowance, or is registered as employed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from frontline.synth.enterprises import Enterprises
from frontline.synth.households import HOUSEHOLD_TYPES
from frontline.synth.population import Population


@dataclass(frozen=True)
class Pensions:
    person: npt.NDArray[np.int64]
    retired_on: npt.NDArray[np.datetime64]
    monthly: npt.NDArray[np.float64]
    status: npt.NDArray[np.str_]
    """正常发放, 暂停发放 or 终止发放."""
    last_paid: npt.NDArray[np.datetime64]
    """The month of the last payment."""
    paid_after_death: npt.NDArray[np.bool_]
    """A planted case: the pensioner died and the pension still runs."""


@dataclass(frozen=True)
class Subsidies:
    household: npt.NDArray[np.int64]
    category: npt.NDArray[np.str_]
    monthly: npt.NDArray[np.float64]
    members: npt.NDArray[np.int64]


@dataclass(frozen=True)
class Employment:
    person: npt.NDArray[np.int64]
    employer: npt.NDArray[np.int64]
    """Index of the enterprise, -1 for the registered unemployed."""
    since: npt.NDArray[np.datetime64]
    status: npt.NDArray[np.str_]


def adult_day(birth_dates: npt.NDArray[np.datetime64]) -> npt.NDArray[np.datetime64]:
    """The day each person turns 18."""
    born = birth_dates.astype("datetime64[D]")
    month = born.astype("datetime64[M]")
    # Same day of the month 216 months later (29 February gives 1 March).
    day: npt.NDArray[np.datetime64] = (month + np.timedelta64(216, "M")).astype("datetime64[D]") + (
        born - month.astype("datetime64[D]")
    )
    return day


def between(
    rng: np.random.Generator, low: npt.NDArray[np.datetime64], high: np.datetime64
) -> npt.NDArray[np.datetime64]:
    """A day drawn uniformly from ``low`` to ``high`` (``low`` itself where it lies later)."""
    low_days = low.astype("datetime64[D]")
    span = np.maximum((high - low_days).astype(np.int64), 0)
    offset = (rng.random(len(low_days)) * (span + 1)).astype(np.int64)
    result: npt.NDArray[np.datetime64] = low_days + offset.astype("timedelta64[D]")
    return result


def pick_share(
    rng: np.random.Generator, candidates: npt.NDArray[np.int64], share: float
) -> npt.NDArray[np.int64]:
    """Exactly ``ceil(share * len(candidates))`` of the candidates, so that even a small city
    has its planted cases whenever the rate is above zero."""
    count = min(len(candidates), int(np.ceil(share * len(candidates))))
    chosen: npt.NDArray[np.int64] = np.sort(rng.choice(candidates, count, replace=False))
    return chosen


def draw_pensions(
    rng: np.random.Generator, population: Population, as_of: date, after_death_share: float
) -> Pensions:
    """Pensions for retirees (men from 60, women from 55), stopped at death except when planted.

    A planted pensioner died before the current month, so that the payment this month is
    visibly one after the death.
    """
    male = population.people.is_male
    retire_age = np.where(male, 60, 55)
    born = population.birth_date.astype("datetime64[M]")
    retired_all = (born + (retire_age * 12).astype("timedelta64[M]")).astype("datetime64[D]")
    # Retired before the city's date, and before death for the dead.
    last_day = np.where(population.alive, np.datetime64(as_of, "D"), population.death_date)
    covered = np.where(population.migrant, 0.35, 0.9)
    eligible = (retired_all <= last_day) & (rng.random(len(born)) < covered)
    person = np.flatnonzero(eligible).astype(np.int64)
    retired = retired_all[person]
    monthly = np.round(rng.lognormal(np.log(3600), 0.35, len(person)), 2)
    dead = ~population.alive[person]
    now = np.datetime64(as_of, "M")
    death_month = population.death_date[person].astype("datetime64[M]")
    planted = np.zeros(len(person), dtype=np.bool_)
    planted[pick_share(rng, np.flatnonzero(dead & (death_month < now)), after_death_share)] = True
    suspended = ~dead & (rng.random(len(person)) < 0.01)
    status = np.where(dead & ~planted, "终止发放", np.where(suspended, "暂停发放", "正常发放"))
    last_paid = np.where(dead & ~planted, death_month, now)
    last_paid = np.where(suspended, now - np.timedelta64(3, "M"), last_paid)
    return Pensions(person, retired, monthly, status, last_paid.astype("datetime64[M]"), planted)


def draw_subsidies(rng: np.random.Generator, population: Population, as_of: date) -> Subsidies:
    """Subsistence allowances (低保/特困) for registered households, most often the lone elderly."""
    people = population.people
    type_names = [name for name, _ in HOUSEHOLD_TYPES]
    likelihood = np.full(len(people.household_type), 0.015)
    likelihood[people.household_type == type_names.index("elderly_alone")] = 0.09
    likelihood[people.household_type == type_names.index("single_parent")] = 0.1
    head_alive = population.alive[np.searchsorted(people.household, np.arange(len(likelihood)))]
    chosen = (rng.random(len(likelihood)) < likelihood) & ~population.migrant_household & head_alive
    household = np.flatnonzero(chosen).astype(np.int64)
    alive_members = np.bincount(people.household[population.alive], minlength=len(likelihood))[
        household
    ]
    lone_elderly = people.household_type[household] == type_names.index("elderly_alone")
    special = lone_elderly & (rng.random(len(household)) < 0.3)
    category = np.where(special, "特困供养", "城市低保")
    per_person = np.where(special, 1950.0, 1245.0)
    monthly = np.round(per_person * alive_members * rng.uniform(0.6, 1.0, len(household)), 0)
    return Subsidies(household, category, monthly, alive_members.astype(np.int64))


def draw_employment(
    rng: np.random.Generator, population: Population, enterprises: Enterprises, as_of: date
) -> Employment:
    """Employment registrations of working-age people with the district's active enterprises."""
    ages = population.ages(as_of)
    working = (ages >= 18) & (ages < 60) & population.alive
    person = np.flatnonzero(working & (rng.random(len(ages)) < 0.5)).astype(np.int64)
    active = np.flatnonzero(enterprises.status == "存续")
    unemployed = rng.random(len(person)) < 0.05
    employer = np.where(unemployed, -1, active[rng.integers(0, len(active), len(person))])
    # Registered in the last ten years, never before the person turned 18 or the employer
    # was founded: the start is drawn between that bound and the city's date.
    today = np.datetime64(as_of, "D")
    bound = np.maximum(adult_day(population.birth_date[person]), today - np.timedelta64(3650, "D"))
    founded = enterprises.established[np.maximum(employer, 0)].astype("datetime64[D]")
    bound = np.where(employer >= 0, np.maximum(bound, founded), bound)
    since = between(rng, bound, today)
    status = np.where(unemployed, "失业", "在职")
    return Employment(person, employer.astype(np.int64), since, status)
