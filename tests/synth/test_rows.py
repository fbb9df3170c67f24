"""Every delivered value agrees with the truth exactly where the truth records no defect."""

from datetime import date
from typing import Any

import pytest

from frontline.synth import CityReport
from frontline.synth.departments import DATASETS
from tests.synth.reading import (
    enterprises,
    markers,
    parse_date,
    persons,
    rows_with_truth,
    spec_of,
    turns_18,
)

AS_OF = date(2026, 6, 30)
CITIES = ("city", "noisy_city", "clean_city")
KEYS = [spec.key for spec in DATASETS]
SEX = {"M": "男", "F": "女"}

# A row's second person, whose identifier and name carry their own, prefixed markers:
# (identifier column, name column, marker prefix).
SECOND_PERSON = {
    "births_deaths": ("motherIdNo", "motherName", "mother_"),
    "enterprises": ("LEREP_CERNO", "LEREP", "legal_rep_"),
    "tax": ("法定代表人身份证件号码", "法定代表人", "legal_rep_"),
}


def _report(request: pytest.FixtureRequest, which: str) -> CityReport:
    report = request.getfixturevalue(which)
    assert isinstance(report, CityReport)
    return report


def _true_id(entity: str, people: dict[str, Any], firms: dict[str, Any]) -> str:
    if entity.startswith("P"):
        return str(people[entity]["id_number"])
    return str(firms[entity]["credit_code"])


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("which", CITIES)
def test_identifiers_are_true_exactly_where_unmarked(
    request: pytest.FixtureRequest, which: str, key: str
) -> None:
    report = _report(request, which)
    spec = spec_of(key)
    people, firms = persons(report.out), enterprises(report.out)
    clean = marked = 0
    for row, truth in rows_with_truth(report.out, spec):
        entity = str(truth["entity_id"])
        true_id = _true_id(entity, people, firms)
        delivered = row.get(spec.identifier_column)
        id_markers = {m for m in markers(truth) if m.startswith("id_")}
        if delivered is None:
            # Only a birth certificate leaves the number out: a newborn has none yet.
            assert key == "births_deaths", (key, truth)
            assert row["event"] == "birth"
            assert not id_markers
            assert (AS_OF - people[entity]["birth_date"]).days <= 730
            continue
        if id_markers:
            # Every identifier defect (and an old 15-digit number) changes what is delivered.
            marked += 1
            assert delivered != true_id, (key, truth)
        else:
            clean += 1
            assert delivered == true_id, (key, truth, delivered)
    assert clean > 0
    if which == "noisy_city":
        assert marked > 0


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("which", CITIES)
def test_names_are_true_exactly_where_unmarked(
    request: pytest.FixtureRequest, which: str, key: str
) -> None:
    report = _report(request, which)
    spec = spec_of(key)
    people, firms = persons(report.out), enterprises(report.out)
    varied = 0
    for row, truth in rows_with_truth(report.out, spec):
        entity = str(truth["entity_id"])
        name_markers = {m for m in markers(truth) if m.startswith("name_")}
        if not spec.name_column:
            # The register and the tax office name enterprises, which are never misspelt.
            assert not name_markers
            continue
        delivered = row.get(spec.name_column)
        if entity.startswith("E"):
            assert not name_markers, (key, truth)
            assert delivered == firms[entity]["name"], (key, truth, delivered)
            continue
        true_name = people[entity]["name"]
        if "name_missing" in name_markers:
            assert name_markers == {"name_missing"}
            assert delivered == ""
        elif name_markers:
            varied += 1
            assert len(name_markers) == 1, (key, truth)
            assert delivered != true_name, (key, truth, delivered)
        else:
            assert delivered == true_name, (key, truth, delivered)
    if which == "noisy_city" and spec.name_column:
        assert varied > 0


@pytest.mark.parametrize("key", ["enterprises", "tax"])
@pytest.mark.parametrize("which", CITIES)
def test_enterprise_names_are_delivered_exactly(
    request: pytest.FixtureRequest, which: str, key: str
) -> None:
    report = _report(request, which)
    firms = enterprises(report.out)
    column = {"enterprises": "ENTNAME", "tax": "纳税人名称"}[key]
    for row, truth in rows_with_truth(report.out, spec_of(key)):
        assert row[column] == firms[str(truth["entity_id"])]["name"]


@pytest.mark.parametrize("key", sorted(SECOND_PERSON))
@pytest.mark.parametrize("which", CITIES)
def test_second_persons_are_true_exactly_where_unmarked(
    request: pytest.FixtureRequest, which: str, key: str
) -> None:
    report = _report(request, which)
    people, firms = persons(report.out), enterprises(report.out)
    id_column, name_column, prefix = SECOND_PERSON[key]
    checked = 0
    for row, truth in rows_with_truth(report.out, spec_of(key)):
        related = str(truth["related_id"])
        own = {m.removeprefix(prefix) for m in markers(truth) if m.startswith(prefix)}
        if key == "births_deaths" and row["event"] == "death":
            assert id_column not in row
            assert name_column not in row
            continue
        if key != "births_deaths":
            # The legal representative the row names is the enterprise's own.
            assert related == firms[str(truth["entity_id"])]["legal_rep_person_id"]
        if not related:  # a newborn whose mother is not in the household
            assert row[id_column] == ""
            assert row[name_column] == ""
            assert not own
            continue
        checked += 1
        person = people[related]
        if any(m.startswith("id_") for m in own):
            assert row[id_column] != person["id_number"], truth
        else:
            assert row[id_column] == person["id_number"], truth
        if any(m.startswith("name_") for m in own):
            assert row[name_column] != person["name"], truth
        else:
            assert row[name_column] == person["name"], truth
    assert checked > 0


@pytest.mark.parametrize("which", CITIES)
def test_employers_are_the_related_enterprises(request: pytest.FixtureRequest, which: str) -> None:
    report = _report(request, which)
    firms = enterprises(report.out)
    employed = 0
    for row, truth in rows_with_truth(report.out, spec_of("employment")):
        related = str(truth["related_id"])
        if not related:
            assert (row["JYZT"], row["GZDW"], row["TYXYDM"]) == ("失业", "", "")
            continue
        employed += 1
        firm = firms[related]
        assert row["JYZT"] == "在职"
        assert (row["GZDW"], row["TYXYDM"]) == (firm["name"], firm["credit_code"])
        # Nobody is registered with an enterprise that was closed.
        assert firm["status"] == "存续"
    assert employed > 0


@pytest.mark.parametrize("which", CITIES)
def test_nobody_dies_before_being_born(request: pytest.FixtureRequest, which: str) -> None:
    people = persons(_report(request, which).out).values()
    dead = [p for p in people if not p["alive"]]
    assert dead
    for p in dead:
        assert p["birth_date"] <= p["death_date"] <= AS_OF, p
    assert all(p["death_date"] is None for p in people if p["alive"])


@pytest.mark.parametrize(("key", "column"), [("vehicles", "ccdjrq"), ("property", "登记时间")])
@pytest.mark.parametrize("which", CITIES)
def test_assets_are_registered_to_adults_and_existing_enterprises(
    request: pytest.FixtureRequest, which: str, key: str, column: str
) -> None:
    report = _report(request, which)
    people, firms = persons(report.out), enterprises(report.out)
    kinds: set[str] = set()
    for row, truth in rows_with_truth(report.out, spec_of(key)):
        entity = str(truth["entity_id"])
        registered = parse_date(row[column])
        assert registered <= AS_OF
        if entity.startswith("P"):
            kinds.add("person")
            assert registered >= turns_18(people[entity]["birth_date"]), (key, truth, registered)
        else:
            kinds.add("enterprise")
            assert registered >= firms[entity]["established"], (key, truth, registered)
    assert kinds == {"person", "enterprise"}


@pytest.mark.parametrize("which", CITIES)
def test_employment_starts_after_coming_of_age_and_founding(
    request: pytest.FixtureRequest, which: str
) -> None:
    report = _report(request, which)
    people, firms = persons(report.out), enterprises(report.out)
    styles: set[str] = set()
    for row, truth in rows_with_truth(report.out, spec_of("employment")):
        since = parse_date(row["DJRQ"])
        styles |= {m for m in markers(truth) if m.startswith("date_")}
        assert since <= AS_OF
        assert since >= turns_18(people[str(truth["entity_id"])]["birth_date"]), truth
        if truth["related_id"]:
            assert since >= firms[str(truth["related_id"])]["established"], truth
    if which == "noisy_city":
        # The parser above has really met every style.
        assert styles == {"date_compact", "date_slash", "date_chinese", "date_dot"}


# Where each person dataset writes the birth date and the sex.
BIRTH_AND_SEX = {
    "household_registry": ("出生日期", "性别"),
    "pensions": ("CSRQ", "XB"),
    "employment": ("CSRQ", "XB"),
    "births_deaths": ("", "sex"),
}


@pytest.mark.parametrize("key", sorted(BIRTH_AND_SEX))
@pytest.mark.parametrize("which", CITIES)
def test_birth_dates_and_sexes_conflict_exactly_where_marked(
    request: pytest.FixtureRequest, which: str, key: str
) -> None:
    report = _report(request, which)
    people = persons(report.out)
    birth_column, sex_column = BIRTH_AND_SEX[key]
    conflicts = 0
    for row, truth in rows_with_truth(report.out, spec_of(key)):
        person = people[str(truth["entity_id"])]
        own = markers(truth)
        if birth_column:
            born = parse_date(row[birth_column])
            if "birth_date_conflict" in own:
                conflicts += 1
                assert born != person["birth_date"], truth
            else:
                assert born == person["birth_date"], truth
        if "sex_conflict" in own:
            conflicts += 1
            assert row[sex_column] != SEX[person["sex"]], truth
        else:
            assert row[sex_column] == SEX[person["sex"]], truth
        if key == "births_deaths":
            assert not own & {"birth_date_conflict", "sex_conflict"}
            if row["event"] == "birth":
                assert row["birthTime"][:10] == person["birth_date"].isoformat()
            else:
                assert row["deathDate"] == person["death_date"].isoformat()
    if which == "noisy_city" and key != "births_deaths":
        assert conflicts > 0
