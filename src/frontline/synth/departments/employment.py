"""Human resources and social security: employment registrations, UTF-8-BOM CSV, pinyin headers."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from frontline.synth.defects import (
    conflicting_dates,
    conflicting_sexes,
    corrupt_identifiers,
    mixed_dates,
    vary_names,
)
from frontline.synth.departments import people
from frontline.synth.departments.spec import DatasetSpec, col
from frontline.synth.frame import Frame, shuffled, with_copies

if TYPE_CHECKING:
    from frontline.synth.city import City


def build(city: City, rng: np.random.Generator) -> Frame:
    pop, rates, emp, ent = city.population, city.config.rates, city.employment, city.enterprises
    rows, copies = with_copies(np.arange(len(emp.person)), rng, rates.duplicate)
    persons = emp.person[rows]
    frame = Frame(columns={}, entity=people.person_ids(city, persons))
    frame.mark(copies, "duplicate")
    m = frame.markers
    has_employer = emp.employer[rows] >= 0
    employer = np.where(has_employer, emp.employer[rows], 0)
    birth = conflicting_dates(pop.birth_date[persons], m, rng, rates.birth_date_conflict)
    frame.columns = {
        "XM": vary_names(people.names(city, persons), m, rng, rates),
        "XB": conflicting_sexes(people.sexes(city, persons), m, rng, rates.sex_conflict),
        "SFZH": corrupt_identifiers(people.id_numbers(city, persons), m, rng, rates),
        "CSRQ": mixed_dates(birth, m, rng, "iso", rates.date_format),
        "GZDW": np.where(has_employer, ent.name[employer], "").tolist(),
        "TYXYDM": np.where(has_employer, ent.credit_code[employer], "").tolist(),
        "JYZT": emp.status[rows].tolist(),
        "DJRQ": mixed_dates(emp.since[rows], m, rng, "iso", rates.date_format),
        "LXDH": people.delivered_phones(city, persons, m, rng),
    }
    frame.related = np.where(has_employer, ent.enterprise_id[employer], "").tolist()
    return shuffled(frame, rng)


SPEC = DatasetSpec(
    key="employment",
    file="employment.csv",
    department_en="Human Resources and Social Security Bureau",
    department_zh="人力资源和社会保障局",
    title_en="Employment and unemployment registrations",
    title_zh="就业失业登记信息",
    format="csv",
    encoding="utf-8-sig",
    entity_type="person",
    columns=(
        col("XM", "name", "姓名"),
        col("XB", "sex", "性别"),
        col("SFZH", "resident ID number", "身份证号"),
        col("CSRQ", "birth date, mixed formats", "出生日期（格式不一）"),
        col("GZDW", "employer name", "工作单位"),
        col("TYXYDM", "employer credit code", "单位统一社会信用代码"),
        col("JYZT", "status: 在职 employed / 失业 unemployed", "就业状态"),
        col("DJRQ", "registration date, mixed formats", "登记日期（格式不一）"),
        col("LXDH", "phone, mixed formats", "联系电话"),
    ),
    notes_en="Working-age people; the employer links a person to an enterprise.",
    notes_zh="劳动年龄人口；工作单位可关联到企业。",
    build=build,
    identifier_column="SFZH",
    name_column="XM",
)
