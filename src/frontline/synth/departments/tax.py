"""Taxation: annual enterprise tax records, GB18030 CSV with Chinese headers."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from frontline.ids.arrays import CREDIT_CODE_ALPHABET
from frontline.synth.defects import corrupt_identifiers, vary_names
from frontline.synth.departments.spec import DatasetSpec, col
from frontline.synth.frame import Frame, with_duplicates

if TYPE_CHECKING:
    from frontline.synth.city import City

_GRADES = np.array(["A", "B", "M", "C", "D"])


def build(city: City, rng: np.random.Generator) -> Frame:
    pop, rates, ent = city.population, city.config.rates, city.enterprises
    year = city.config.as_of.year
    periods = (year - 2, year - 1)
    est_year = ent.established.astype("datetime64[Y]").astype(np.int64) + 1970
    rows = [(e, p) for p in periods for e in np.flatnonzero(est_year <= p).tolist()]
    index = np.array([e for e, _ in rows], dtype=np.int64)
    frame = Frame(columns={}, entity=ent.enterprise_id[index].tolist())
    m = frame.markers
    reps = ent.legal_rep[index]
    rep_marks: list[list[str]] = [[] for _ in range(len(index))]
    scale = np.where(ent.kind[index] == "个体工商户", 2_000, 60_000)
    frame.columns = {
        "纳税人识别号": corrupt_identifiers(
            ent.credit_code[index].tolist(),
            m,
            rng,
            rates,
            0.5,
            CREDIT_CODE_ALPHABET,
            CREDIT_CODE_ALPHABET,
        ),
        "纳税人名称": ent.name[index].tolist(),
        "法定代表人": vary_names(pop.name[reps].tolist(), rep_marks, rng, rates),
        "法定代表人身份证件号码": corrupt_identifiers(
            pop.id_number[reps].tolist(), rep_marks, rng, rates
        ),
        "登记注册类型": ent.kind[index].tolist(),
        "税款所属期": [f"{p}年度" for _, p in rows],
        "应纳税额（元）": [
            f"{v:.2f}" for v in np.round(rng.lognormal(0, 1, len(index)) * scale, 2).tolist()
        ],
        "纳税信用等级": _GRADES[
            rng.choice(5, len(index), p=[0.3, 0.45, 0.15, 0.07, 0.03])
        ].tolist(),
        "主管税务机关": [f"国家税务总局杭州市{city.district.path[2]}税务局"] * len(index),
    }
    for marks, rep_mark in zip(m, rep_marks, strict=True):
        marks.extend(f"legal_rep_{mark}" for mark in rep_mark)
    frame.related = pop.person_id[reps].tolist()
    return with_duplicates(frame, rng, rates.duplicate)


SPEC = DatasetSpec(
    key="tax",
    file="tax.csv",
    department_en="Tax Bureau",
    department_zh="税务局",
    title_en="Annual tax records of enterprises",
    title_zh="企业年度纳税信息",
    format="csv",
    encoding="gb18030",
    entity_type="enterprise",
    columns=(
        col(
            "纳税人识别号", "taxpayer number (the credit code)", "纳税人识别号（统一社会信用代码）"
        ),
        col("纳税人名称", "taxpayer name", "纳税人名称"),
        col("法定代表人", "legal representative", "法定代表人"),
        col("法定代表人身份证件号码", "legal representative's ID number", "法定代表人身份证件号码"),
        col("登记注册类型", "registration type", "登记注册类型"),
        col("税款所属期", "tax year", "税款所属期"),
        col("应纳税额（元）", "tax due, yuan", "应纳税额（元）"),
        col("纳税信用等级", "tax credit grade", "纳税信用等级"),
        col("主管税务机关", "tax office", "主管税务机关"),
    ),
    notes_en=(
        "Two tax years per enterprise; a few names hold characters outside GBK (GB18030 only)."
    ),
    notes_zh="每户企业两个纳税年度；少数名称含GBK以外的字符（仅GB18030可表示）。",
    build=build,
    identifier_column="纳税人识别号",
    name_column="",
)
