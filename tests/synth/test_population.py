from collections import Counter
from datetime import date

import numpy as np
import pyarrow.parquet as pq
import pytest

from frontline.synth import CityReport
from frontline.synth.households import HEAD, draw_people


def test_exact_person_count_and_one_head_per_household() -> None:
    people = draw_people(np.random.default_rng(3), 5003)
    assert len(people) == 5003
    heads = np.bincount(people.household[people.relation == HEAD])
    assert heads.min() == 1
    assert heads.max() == 1
    assert len(heads) == people.household.max() + 1


def test_ages_look_like_an_urban_district() -> None:
    people = draw_people(np.random.default_rng(5), 50_000)
    years = people.age_days / 365.25
    assert years.min() >= 0
    assert years.max() < 101
    assert 0.10 < (years < 15).mean() < 0.25
    assert 0.14 < (years >= 60).mean() < 0.30
    assert 0.45 < people.is_male.mean() < 0.55
    # Every age band up to the nineties is populated.
    counts = np.histogram(years, bins=range(0, 101, 10))[0]
    assert (counts > 0).all()


def test_children_are_younger_than_their_mothers() -> None:
    people = draw_people(np.random.default_rng(9), 20_000)
    spouse_age = {}
    for h, rel, days in zip(people.household, people.relation, people.age_days, strict=True):
        if rel == 1:
            spouse_age[int(h)] = int(days)
    for h, rel, days in zip(people.household, people.relation, people.age_days, strict=True):
        if rel in (2, 3) and int(h) in spouse_age:
            assert days < spouse_age[int(h)]


def test_names_include_compound_special_and_minority(city: CityReport) -> None:
    names = pq.read_table(city.out / "truth/persons.parquet").column("name").to_pylist()
    assert any(
        n[:2] in {"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "司徒", "慕容"} for n in names
    )
    assert any(n[0] in "单曾解区朴查" for n in names)
    assert any("·" in n for n in names)
    top = Counter(n[0] for n in names).most_common(5)
    assert {s for s, _ in top} & {"王", "李", "张", "刘", "陈"}


def test_ids_carry_birth_date_and_sex(city: CityReport) -> None:
    persons = pq.read_table(city.out / "truth/persons.parquet").to_pylist()
    for p in persons:
        number = p["id_number"]
        assert number[6:14] == p["birth_date"].strftime("%Y%m%d")
        assert (int(number[16]) % 2 == 1) == (p["sex"] == "M")
    assert len({p["id_number"] for p in persons}) == len(persons)


def test_deaths_are_recent_and_mostly_old(city: CityReport) -> None:
    persons = pq.read_table(city.out / "truth/persons.parquet").to_pylist()
    dead = [p for p in persons if not p["alive"]]
    assert dead
    as_of = date(2026, 6, 30)
    assert all(date(2024, 6, 1) <= p["death_date"] <= as_of for p in dead)
    ages = [(as_of - p["birth_date"]).days / 365.25 for p in dead]
    assert float(np.median(ages)) > 60


@pytest.mark.parametrize("persons", [10, 37])
def test_tiny_cities_work(persons: int) -> None:
    people = draw_people(np.random.default_rng(1), persons)
    assert len(people) == persons
