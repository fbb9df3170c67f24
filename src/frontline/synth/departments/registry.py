"""Public security: the household registry (户籍), GBK CSV with Chinese headers."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from frontline.synth.defects import (
    conflicting_dates,
    conflicting_sexes,
    corrupt_identifiers,
    mixed_dates,
    stale_values,
    vary_names,
)
from frontline.synth.departments import people
from frontline.synth.departments.spec import DatasetSpec, col
from frontline.synth.frame import Frame, shuffled, with_copies
from frontline.synth.households import RELATIONS
from frontline.synth.identities import old_resident_ids

if TYPE_CHECKING:
    from frontline.synth.city import City


def build(city: City, rng: np.random.Generator) -> Frame:
    pop, rates = city.population, city.config.rates
    unreported = ~pop.alive & (rng.random(len(pop)) < rates.death_unreported_registry)
    listed = np.flatnonzero(~pop.migrant & (pop.alive | unreported)).astype(np.int64)
    # Cards issued before 1999 carried 15 digits; some records of people old enough to have
    # had one were never updated (a property of the record, which a copy shares).
    old_form = np.zeros(len(pop), dtype=np.bool_)
    early = pop.birth_date[listed] < np.datetime64("1982-01-01")
    old_form[listed[early & (rng.random(len(listed)) < rates.id_15_digit)]] = True
    persons, copies = with_copies(listed, rng, rates.duplicate * 0.3)
    frame = Frame(columns={}, entity=people.person_ids(city, persons))
    frame.mark(copies, "duplicate")
    m = frame.markers
    ids = people.id_numbers(city, persons)
    old = old_form[persons]
    for i, value in zip(
        np.flatnonzero(old).tolist(),
        old_resident_ids(pop.id_number[persons[old]]).tolist(),
        strict=True,
    ):
        ids[i] = value
        m[i].append("id_15_digit")
    frame.mark(~pop.alive[persons], "death_unreported")
    current, previous = people.addresses(city, persons, "registry")
    phone, _ = people.phones(city, persons)
    households = pop.people.household[persons]
    birth = conflicting_dates(pop.birth_date[persons], m, rng, rates.birth_date_conflict * 0.3)
    frame.columns = {
        "户号": pop.household_id[households].tolist(),
        "姓名": vary_names(people.names(city, persons), m, rng, rates, 0.3),
        "性别": conflicting_sexes(people.sexes(city, persons), m, rng, rates.sex_conflict * 0.3),
        "民族": pop.ethnicity[persons].tolist(),
        "公民身份号码": corrupt_identifiers(ids, m, rng, rates, 0.3),
        "出生日期": mixed_dates(birth, m, rng, "compact"),
        "与户主关系": np.array(RELATIONS)[pop.people.relation[persons]].tolist(),
        # A household's registered address is updated, or not, for all its members at once.
        "户籍地址": stale_values(
            current, previous, m, rng, rates.stale_address, "stale_address", households
        ),
        "联系电话": phone,
    }
    return shuffled(frame, rng)


SPEC = DatasetSpec(
    key="household_registry",
    file="household_registry.csv",
    department_en="Public Security Bureau",
    department_zh="公安分局",
    title_en="Household registry (hukou) of registered residents",
    title_zh="户籍人口登记信息",
    format="csv",
    encoding="gbk",
    entity_type="person",
    columns=(
        col("户号", "household number", "户号"),
        col("姓名", "name", "姓名"),
        col("性别", "sex (男/女)", "性别"),
        col("民族", "ethnic group", "民族"),
        col(
            "公民身份号码",
            "resident ID number; some old 15-digit numbers",
            "公民身份号码，部分为15位旧号",
        ),
        col("出生日期", "birth date, yyyymmdd", "出生日期（yyyymmdd）"),
        col("与户主关系", "relation to the head of household", "与户主关系"),
        col("户籍地址", "registered address", "户籍地址"),
        col("联系电话", "phone", "联系电话"),
    ),
    notes_en=(
        "Covers residents registered in the district (not migrants). "
        "Some deceased are not yet removed."
    ),
    notes_zh="仅含本区户籍人口（不含流动人口）；部分已死亡人员尚未注销。",
    build=build,
    identifier_column="公民身份号码",
    name_column="姓名",
)
