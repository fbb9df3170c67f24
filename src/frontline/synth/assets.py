"""Vehicles and real estate, owned by people or enterprises."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from frontline.synth.benefits import adult_day, between
from frontline.synth.district import District
from frontline.synth.enterprises import Enterprises
from frontline.synth.households import SPOUSE
from frontline.synth.population import Population

_PLATE_LETTERS = np.array(list("ABCDEFGHJKLMNPQRSTUVWXYZ"))
_BRANDS = (
    "大众",
    "丰田",
    "本田",
    "比亚迪",
    "吉利",
    "日产",
    "别克",
    "宝马",
    "奔驰",
    "特斯拉",
    "长安",
    "奥迪",
)
_KINDS = ("小型普通客车", "小型轿车", "小型越野客车", "轻型普通货车")


@dataclass(frozen=True)
class Vehicles:
    plate: npt.NDArray[np.str_]
    brand: npt.NDArray[np.str_]
    kind: npt.NDArray[np.str_]
    owner_is_person: npt.NDArray[np.bool_]
    owner: npt.NDArray[np.int64]
    """Index of the owning person or enterprise."""
    registered: npt.NDArray[np.datetime64]


@dataclass(frozen=True)
class Properties:
    certificate: npt.NDArray[np.str_]
    unit_number: npt.NDArray[np.str_]
    owner_is_person: npt.NDArray[np.bool_]
    owner: npt.NDArray[np.int64]
    household: npt.NDArray[np.int64]
    """The household whose (current or previous) dwelling it is; -1 for enterprise premises."""
    previous_dwelling: npt.NDArray[np.bool_]
    area_m2: npt.NDArray[np.float64]
    shared: npt.NDArray[np.bool_]
    registered: npt.NDArray[np.datetime64]


def _earliest(
    population: Population,
    enterprises: Enterprises,
    owner: npt.NDArray[np.int64],
    owner_is_person: npt.NDArray[np.bool_],
    floor: np.datetime64,
) -> npt.NDArray[np.datetime64]:
    """The first day an owner could register anything: 18th birthday or founding, not before
    ``floor``."""
    person_day = adult_day(population.birth_date[np.where(owner_is_person, owner, 0)])
    founded = enterprises.established[np.where(owner_is_person, 0, owner)].astype("datetime64[D]")
    result: npt.NDArray[np.datetime64] = np.maximum(
        np.where(owner_is_person, person_day, founded), floor
    )
    return result


def _plates(rng: np.random.Generator, n: int, prefix: str) -> npt.NDArray[np.str_]:
    """Unique plates after ``prefix`` (such as 浙A): five characters with at most two
    letters, or a new-energy D/F followed by digits."""
    plates: list[str] = []
    seen: set[str] = set()
    while len(plates) < n:
        m = (n - len(plates)) * 2
        digits = rng.integers(0, 10, (m, 5)).astype(str)
        letters = _PLATE_LETTERS[rng.integers(0, len(_PLATE_LETTERS), (m, 5))]
        count = rng.choice(3, m, p=[0.5, 0.35, 0.15])
        rank = rng.random((m, 5)).argsort(axis=1).argsort(axis=1)
        chars = np.where(rank < count[:, None], letters, digits)
        energy = rng.random(m) < 0.2
        chars[energy, 0] = np.where(rng.random(int(energy.sum())) < 0.5, "D", "F")
        chars[energy, 1:] = digits[energy, 1:]
        for row in chars.tolist():
            plate = prefix + "".join(row)
            if plate not in seen and len(plates) < n:
                seen.add(plate)
                plates.append(plate)
    return np.array(plates)


def draw_vehicles(
    rng: np.random.Generator,
    population: Population,
    enterprises: Enterprises,
    as_of: date,
    excluded_households: npt.NDArray[np.int64],
    planted_owners: npt.NDArray[np.int64],
    plate_prefix: str,
) -> Vehicles:
    """Cars of households and companies; ``planted_owners`` each get one car whatever else holds."""
    people = population.people
    ages = population.ages(as_of)
    adult_alive = (ages >= 22) & (ages <= 75) & population.alive
    eligible_household = np.ones(len(people.household_type), dtype=np.bool_)
    eligible_household[excluded_households] = False
    is_owner = (
        adult_alive
        & eligible_household[people.household]
        & np.isin(people.relation, [0, SPOUSE])
        & (rng.random(len(ages)) < 0.3)
    )
    persons = np.concatenate([np.flatnonzero(is_owner), planted_owners]).astype(np.int64)
    companies = np.flatnonzero(
        (enterprises.kind == "有限责任公司") & (rng.random(len(enterprises)) < 0.2)
    )
    owner = np.concatenate([persons, companies.astype(np.int64)])
    owner_is_person = np.concatenate([np.ones(len(persons), bool), np.zeros(len(companies), bool)])
    n = len(owner)
    today = np.datetime64(as_of, "D")
    registered = between(
        rng,
        _earliest(
            population, enterprises, owner, owner_is_person, today - np.timedelta64(4750, "D")
        ),
        today,
    )
    return Vehicles(
        plate=_plates(rng, n, plate_prefix),
        brand=np.array(_BRANDS)[rng.integers(0, len(_BRANDS), n)],
        kind=np.array(_KINDS)[rng.choice(len(_KINDS), n, p=[0.5, 0.3, 0.15, 0.05])],
        owner_is_person=owner_is_person,
        owner=owner,
        registered=registered,
    )


def draw_properties(
    rng: np.random.Generator,
    population: Population,
    enterprises: Enterprises,
    district: District,
    as_of: date,
) -> Properties:
    """Home ownership of registered households (heads and spouses as co-owners) and premises."""
    people = population.people
    households = len(people.household_type)
    owns = (~population.migrant_household) & (rng.random(households) < 0.7)
    second = owns & (rng.random(households) < 0.08)
    owner_rows = np.isin(people.relation, [0, SPOUSE]) & owns[people.household]
    person = np.flatnonzero(owner_rows).astype(np.int64)
    spouses = np.bincount(people.household[person], minlength=households)
    home_household = people.household[person]
    seconds = np.flatnonzero(second).astype(np.int64)
    heads = np.searchsorted(people.household, seconds).astype(np.int64)
    premises = np.flatnonzero(rng.random(len(enterprises)) < 0.1).astype(np.int64)
    owner = np.concatenate([person, heads, premises])
    household = np.concatenate([home_household, seconds, np.full(len(premises), -1)])
    n = len(owner)
    # Co-owners of one home share its certificate and unit number.
    owning = np.flatnonzero(owns)
    home_serial = np.searchsorted(owning, home_household) + 1
    extra = len(owning) + np.arange(1, len(heads) + len(premises) + 1)
    unit_serial = np.concatenate([home_serial, extra])
    code = district.code
    unit = [
        f"{code}{s % 900 + 1:03d}{s // 900 % 1000:03d}GB{s % 99999:05d}F{s:08d}"
        for s in unit_serial.tolist()
    ]
    # One registration per certificate, after every co-owner turned 18 (or the owning
    # enterprise was founded), from 2000 on.
    is_person = np.concatenate(
        [np.ones(len(person) + len(heads), bool), np.zeros(len(premises), bool)]
    )
    earliest = _earliest(
        population, enterprises, owner, is_person, np.datetime64("2000-01-01", "D")
    )
    per_certificate = np.full(int(unit_serial.max(initial=0)) + 1, np.datetime64("2000-01-01", "D"))
    np.maximum.at(per_certificate, unit_serial, earliest)
    registered = between(rng, per_certificate, np.datetime64(as_of, "D"))[unit_serial]
    years = registered.astype("datetime64[Y]").astype(np.int64) + 1970
    prefix = f"{district.province_abbreviation}({{}}){district.path[1]}不动产权第"
    certificate = [
        prefix.format(y) + f"{int(s):07d}号"
        for y, s in zip(years.tolist(), unit_serial.tolist(), strict=True)
    ]
    return Properties(
        certificate=np.array(certificate),
        unit_number=np.array(unit),
        owner_is_person=is_person,
        owner=owner,
        household=household,
        previous_dwelling=np.concatenate(
            [np.zeros(len(person), bool), np.ones(len(heads), bool), np.zeros(len(premises), bool)]
        ),
        area_m2=np.round(rng.uniform(38, 160, n), 2),
        shared=np.concatenate(
            [spouses[home_household] > 1, np.zeros(len(heads) + len(premises), bool)]
        ),
        registered=registered,
    )
