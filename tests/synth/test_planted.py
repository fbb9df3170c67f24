from datetime import date

import pyarrow.parquet as pq

from frontline.synth import CityReport
from tests.synth.reading import read_rows, spec_of


def _cases(report: CityReport) -> list[dict[str, str]]:
    cases: list[dict[str, str]] = pq.read_table(
        report.out / "truth/planted_cases.parquet"
    ).to_pylist()
    return cases


def test_every_kind_of_case_is_planted(city: CityReport) -> None:
    kinds = {c["case"] for c in _cases(city)}
    assert {"pension_after_death", "elderly_living_alone"} <= kinds
    assert kinds & {"subsidy_with_vehicle", "subsidy_with_enterprise"}


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


def test_elderly_living_alone_live_alone(city: CityReport) -> None:
    persons = pq.read_table(city.out / "truth/persons.parquet").to_pylist()
    alive_in: dict[str, int] = {}
    for p in persons:
        if p["alive"]:
            alive_in[p["household_id"]] = alive_in.get(p["household_id"], 0) + 1
    by_id = {p["person_id"]: p for p in persons}
    cases = [c for c in _cases(city) if c["case"] == "elderly_living_alone"]
    assert cases
    for c in cases:
        p = by_id[c["entity_id"]]
        assert p["alive"]
        assert alive_in[p["household_id"]] == 1
        assert (date(2026, 6, 30) - p["birth_date"]).days >= 65 * 365
