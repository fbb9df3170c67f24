"""Human resources and social security: pension payments, UTF-8-BOM CSV, pinyin headers."""

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

if TYPE_CHECKING:
    from frontline.synth.city import City


def build(city: City, rng: np.random.Generator) -> Frame:
    pop, rates, pen = city.population, city.config.rates, city.pensions
    rows, copies = with_copies(np.arange(len(pen.person)), rng, rates.duplicate)
    persons = pen.person[rows]
    frame = Frame(columns={}, entity=people.person_ids(city, persons))
    frame.mark(copies, "duplicate")
    m = frame.markers
    current, previous = people.addresses(city, persons, "district", rng, m)
    birth = conflicting_dates(pop.birth_date[persons], m, rng, rates.birth_date_conflict)
    frame.columns = {
        "XM": vary_names(people.names(city, persons), m, rng, rates),
        "XB": conflicting_sexes(people.sexes(city, persons), m, rng, rates.sex_conflict),
        "GMSFHM": corrupt_identifiers(people.id_numbers(city, persons), m, rng, rates),
        "CSRQ": mixed_dates(birth, m, rng, "iso", rates.date_format),
        "LTXRQ": mixed_dates(pen.retired_on[rows], m, rng, "iso", rates.date_format),
        "YLJYE": [f"{v:.2f}" for v in pen.monthly[rows].tolist()],
        "FFZT": pen.status[rows].tolist(),
        "ZHFFNY": [
            d.strftime("%Y%m") for d in pen.last_paid[rows].astype("datetime64[D]").tolist()
        ],
        "LXDH": people.delivered_phones(city, persons, m, rng),
        "JZDZ": stale_values(current, previous, m, rng, rates.stale_address, "stale_address"),
    }
    return shuffled(frame, rng)


SPEC = DatasetSpec(
    key="pensions",
    file="pensions.csv",
    department_en="Human Resources and Social Security Bureau",
    department_zh="人力资源和社会保障局",
    title_en="Basic pension payments",
    title_zh="基本养老金发放信息",
    format="csv",
    encoding="utf-8-sig",
    entity_type="person",
    columns=(
        col("XM", "name (xingming)", "姓名"),
        col("XB", "sex", "性别"),
        col("GMSFHM", "resident ID number", "公民身份号码"),
        col("CSRQ", "birth date, mixed formats", "出生日期（格式不一）"),
        col("LTXRQ", "retirement date, mixed formats", "离退休日期（格式不一）"),
        col("YLJYE", "monthly pension, yuan", "养老金月额（元）"),
        col("FFZT", "payment status: 正常发放/暂停发放/终止发放", "发放状态"),
        col("ZHFFNY", "last month paid, yyyymm", "最后发放年月"),
        col("LXDH", "phone, mixed formats", "联系电话"),
        col("JZDZ", "address of residence", "居住地址"),
    ),
    notes_en="Retirees only (men from 60, women from 55); migrants are covered less often.",
    notes_zh="仅含离退休人员（男60岁、女55岁起）；流动人口参保比例较低。",
    build=build,
    identifier_column="GMSFHM",
    name_column="XM",
    as_of_lag_days=0,
)
