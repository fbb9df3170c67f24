"""Taxation: annual enterprise tax records, GB18030 CSV with Chinese headers."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from frontline.ids.arrays import CREDIT_CODE_ALPHABET
from frontline.synth.defects import corrupt_identifiers, vary_names
from frontline.synth.departments.spec import DatasetSpec, col
from frontline.synth.frame import Frame, shuffled, with_copies

if TYPE_CHECKING:
    from frontline.synth.city import City

_GRADES = np.array(["A", "B", "M", "C", "D"])


def build(city: City, rng: np.random.Generator) -> Frame:
    pop, rates, ent = city.population, city.config.rates, city.enterprises
    year = city.config.as_of.year
    est_year = ent.established.astype("datetime64[Y]").astype(np.int64) + 1970
    # One record per enterprise and tax year it existed in (of the last two).
    pairs = [(e, p) for p in (year - 2, year - 1) for e in np.flatnonzero(est_year <= p).tolist()]
    item_ent = np.array([e for e, _ in pairs], dtype=np.int64)
    item_period = np.array([p for _, p in pairs], dtype=np.int64)
    scale = np.where(ent.kind[item_ent] == "个体工商户", 2_000, 60_000)
    item_tax = np.round(rng.lognormal(0, 1, len(pairs)) * scale, 2)
    item_grade = _GRADES[rng.choice(5, len(pairs), p=[0.3, 0.45, 0.15, 0.07, 0.03])]
    rows, copies = with_copies(np.arange(len(pairs)), rng, rates.duplicate)
    index = item_ent[rows]
    frame = Frame(columns={}, entity=ent.enterprise_id[index].tolist())
    frame.mark(copies, "duplicate")
    m = frame.markers
    reps = ent.legal_rep[index]
    rep_marks: list[list[str]] = [[] for _ in range(len(index))]
    office = f"国家税务总局{city.district.path[1]}{city.district.path[2]}税务局"
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
        "税款所属期": [f"{p}年度" for p in item_period[rows].tolist()],
        "应纳税额（元）": [f"{v:.2f}" for v in item_tax[rows].tolist()],
        "纳税信用等级": item_grade[rows].tolist(),
        "主管税务机关": [office] * len(index),
    }
    frame.add_markers(rep_marks, "legal_rep_")
    frame.related = pop.person_id[reps].tolist()
    return shuffled(frame, rng)


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
