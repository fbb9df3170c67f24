from collections import Counter
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from frontline.synth import CityConfig, CityReport, generate_city
from frontline.synth.departments import DATASETS
from frontline.synth.households import DAUGHTER, HEAD, SON, draw_people
from tests.synth.reading import read_rows


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
def test_tiny_cities_work(persons: int, tmp_path: Path) -> None:
    report = generate_city(CityConfig(persons=persons, seed=1), tmp_path)
    assert report.persons == persons
    people = pq.read_table(tmp_path / "truth/persons.parquet").column("person_id").to_pylist()
    assert len(people) == persons
    firms = pq.read_table(tmp_path / "truth/enterprises.parquet").column("enterprise_id")
    truth = pq.read_table(tmp_path / "truth/source_rows.parquet").to_pylist()
    per_source = Counter(r["source"] for r in truth)
    assert set(per_source) <= {spec.key for spec in DATASETS}
    for spec in DATASETS:
        rows = read_rows(tmp_path, spec)
        assert len(rows) == per_source[spec.key], spec.key
        report_rows = next(d.rows for d in report.datasets if d.key == spec.key)
        assert report_rows == len(rows), spec.key
        numbers = sorted(int(r["row"]) for r in truth if r["source"] == spec.key)
        assert numbers == list(range(1, len(rows) + 1)), spec.key
    known = set(people) | set(firms.to_pylist())
    assert all(r["entity_id"] in known for r in truth)
    assert all(r["related_id"] in known for r in truth if r["related_id"])
    # Even the smallest city has a registry and enterprises with tax records.
    assert per_source["household_registry"] > 0
    assert per_source["tax"] > 0


def test_no_pile_up_of_newborns() -> None:
    people = draw_people(np.random.default_rng(5), 50_000)
    years = people.age_days // 365.25
    share = {age: float((years == age).mean()) for age in (0, 1, 5, 10)}
    assert share[0] > 0
    for age in (1, 5, 10):
        assert share[age] / 2 <= share[0] <= share[age] * 2, share


def test_siblings_are_born_at_least_a_year_apart() -> None:
    people = draw_people(np.random.default_rng(6), 50_000)
    children = np.isin(people.relation, [SON, DAUGHTER])
    household, days = people.household[children], people.age_days[children]
    order = np.lexsort((days, household))
    household, days = household[order], days[order]
    same = household[1:] == household[:-1]
    assert same.sum() > 1000
    assert int(np.diff(days)[same].min()) >= 365
