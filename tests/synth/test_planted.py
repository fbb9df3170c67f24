from datetime import date

import numpy as np
import pyarrow.parquet as pq
import pytest

from frontline.synth import CityConfig, CityReport
from frontline.synth.city import build_city
from tests.synth.reading import age_on, enterprises, persons, read_rows, spec_of


def _cases(report: CityReport) -> list[dict[str, str]]:
    cases: list[dict[str, str]] = pq.read_table(
        report.out / "truth/planted_cases.parquet"
    ).to_pylist()
    return cases


def test_every_kind_of_case_is_planted(city: CityReport) -> None:
    kinds = {c["case"] for c in _cases(city)}
    assert {
        "pension_after_death",
        "elderly_living_alone",
        "subsidy_with_vehicle",
        "subsidy_with_enterprise",
    } <= kinds


def test_planted_enterprises_are_active(city: CityReport) -> None:
    firms = enterprises(city.out)
    people = persons(city.out)
    cases = [c for c in _cases(city) if c["case"] == "subsidy_with_enterprise"]
    assert cases
    for c in cases:
        firm = firms[c["related_id"]]
        assert firm["status"] == "存续", c
        assert firm["legal_rep_person_id"] == c["entity_id"]
        # Founded no earlier than the day its representative turned 18.
        assert age_on(people[c["entity_id"]]["birth_date"], firm["established"]) >= 18


def test_pension_after_death_is_visible_across_departments(city: CityReport) -> None:
    people = {
        p["person_id"]: p for p in pq.read_table(city.out / "truth/persons.parquet").to_pylist()
    }
    planted = {c["entity_id"] for c in _cases(city) if c["case"] == "pension_after_death"}
    assert planted
    truth = sorted(
        (
            r
            for r in pq.read_table(city.out / "truth/source_rows.parquet").to_pylist()
            if r["source"] == "pensions"
        ),
        key=lambda r: int(str(r["row"])),
    )
    rows = read_rows(city.out, spec_of("pensions"))
    for row, t in zip(rows, truth, strict=True):
        person = people[t["entity_id"]]
        if person["alive"]:
            continue
        death_month = person["death_date"].strftime("%Y%m")
        if t["entity_id"] in planted:
            assert row["FFZT"] == "正常发放"
            assert row["ZHFFNY"] > death_month
        else:
            assert row["FFZT"] == "终止发放"
            assert row["ZHFFNY"] == death_month
    deaths = [r for r in read_rows(city.out, spec_of("births_deaths")) if r["event"] == "death"]
    death_ids = {r.get("idNo") for r in deaths}
    assert {people[p]["id_number"] for p in planted} & death_ids


def test_subsidy_assets_are_exactly_the_planted_ones(city: CityReport) -> None:
    persons = {
        p["person_id"]: p for p in pq.read_table(city.out / "truth/persons.parquet").to_pylist()
    }
    truth = pq.read_table(city.out / "truth/source_rows.parquet").to_pylist()
    subsidy_households = {
        persons[r["entity_id"]]["household_id"]
        for r in truth
        if r["source"] == "civil_affairs_subsidies"
    }
    owners = {
        r["entity_id"] for r in truth if r["source"] == "vehicles" and r["entity_type"] == "person"
    }
    with_vehicle = {p for p in owners if persons[p]["household_id"] in subsidy_households}
    planted = {c["entity_id"] for c in _cases(city) if c["case"] == "subsidy_with_vehicle"}
    assert with_vehicle == planted
    reps = {r["related_id"] for r in truth if r["source"] == "enterprises"}
    with_enterprise = {p for p in reps if persons[p]["household_id"] in subsidy_households}
    assert with_enterprise == {
        c["entity_id"] for c in _cases(city) if c["case"] == "subsidy_with_enterprise"
    }


def test_elderly_living_alone_are_exactly_those_of_the_truth(city: CityReport) -> None:
    people = persons(city.out).values()
    alive_in: dict[str, int] = {}
    for p in people:
        if p["alive"]:
            alive_in[p["household_id"]] = alive_in.get(p["household_id"], 0) + 1
    expected = {
        p["person_id"]
        for p in people
        if p["alive"]
        and alive_in[p["household_id"]] == 1
        and age_on(p["birth_date"], date(2026, 6, 30)) >= 65
    }
    planted = [c["entity_id"] for c in _cases(city) if c["case"] == "elderly_living_alone"]
    assert expected
    assert len(planted) == len(set(planted))
    assert set(planted) == expected


@pytest.mark.parametrize("seed", range(6))
def test_pension_after_death_is_planted_only_for_the_dead(seed: int) -> None:
    city = build_city(CityConfig(persons=1500, seed=seed))
    pop, pen = city.population, city.pensions
    now = np.datetime64(city.config.as_of, "M")
    planted = {c.entity_id for c in city.planted if c.case == "pension_after_death"}
    assert planted == set(pop.person_id[pen.person[pen.paid_after_death]].tolist())
    assert len(pen.person) == len(set(pen.person.tolist()))
    dead_pensioners = 0
    for i, p in enumerate(pen.person.tolist()):
        person_id = str(pop.person_id[p])
        last_paid = pen.last_paid[i].astype("datetime64[M]")
        assert pen.retired_on[i] <= np.datetime64(city.config.as_of, "D")
        if pop.alive[p]:
            assert person_id not in planted
            assert pen.status[i] in ("正常发放", "暂停发放")
            assert last_paid <= now
            continue
        dead_pensioners += 1
        died = pop.death_date[p].astype("datetime64[D]")
        # Retired while alive: a pension is never granted to the dead.
        assert pen.retired_on[i] <= died, person_id
        if person_id in planted:
            assert pen.status[i] == "正常发放"
            assert last_paid > died.astype("datetime64[M]"), person_id
        else:
            assert pen.status[i] == "终止发放", person_id
            assert last_paid == died.astype("datetime64[M]"), person_id
    # 8% (rounded up) of those who died before this month: never an empty answer.
    died_earlier = ~pop.alive[pen.person] & (
        pop.death_date[pen.person].astype("datetime64[M]") < now
    )
    assert len(planted) == int(np.ceil(0.08 * died_earlier.sum()))
    assert 0 < len(planted) < dead_pensioners
