"""Market regulation: the enterprise register, Parquet with the register's column codes."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from frontline.ids.arrays import CREDIT_CODE_ALPHABET
from frontline.synth.defects import corrupt_identifiers, vary_names
from frontline.synth.departments.spec import DatasetSpec, col
from frontline.synth.frame import Frame, shuffled, with_copies

if TYPE_CHECKING:
    from frontline.synth.city import City


def build(city: City, rng: np.random.Generator) -> Frame:
    pop, rates, ent = city.population, city.config.rates, city.enterprises
    rows, copies = with_copies(np.arange(len(ent)), rng, rates.duplicate * 0.2)
    frame = Frame(columns={}, entity=ent.enterprise_id[rows].tolist())
    frame.mark(copies, "duplicate")
    m = frame.markers
    rep_marks: list[list[str]] = [[] for _ in range(len(rows))]
    reps = ent.legal_rep[rows]
    frame.columns = {
        "UNISCID": corrupt_identifiers(
            ent.credit_code[rows].tolist(),
            m,
            rng,
            rates,
            0.3,
            CREDIT_CODE_ALPHABET,
            CREDIT_CODE_ALPHABET,
        ),
        "ENTNAME": ent.name[rows].tolist(),
        "ENTTYPE": ent.kind[rows].tolist(),
        "INDUSTRY": ent.industry[rows].tolist(),
        "LEREP": vary_names(pop.name[reps].tolist(), rep_marks, rng, rates, 0.5),
        "LEREP_CERNO": corrupt_identifiers(
            pop.id_number[reps].tolist(), rep_marks, rng, rates, 0.5
        ),
        "REGCAP": ent.capital[rows].tolist(),
        "ESTDATE": ent.established[rows].astype("datetime64[D]").tolist(),
        "REGSTATE": ent.status[rows].tolist(),
        "DOM": [f"{city.district.path[2]}{a}" for a in ent.address[rows].tolist()],
    }
    frame.add_markers(rep_marks, "legal_rep_")
    frame.related = pop.person_id[reps].tolist()
    return shuffled(frame, rng)


SPEC = DatasetSpec(
    key="enterprises",
    file="enterprises.parquet",
    department_en="Market Regulation Bureau",
    department_zh="市场监督管理局",
    title_en="Register of enterprises and individual businesses",
    title_zh="市场主体登记信息",
    format="parquet",
    encoding="parquet",
    entity_type="enterprise",
    columns=(
        col("UNISCID", "unified social credit code", "统一社会信用代码"),
        col("ENTNAME", "enterprise name", "企业名称"),
        col("ENTTYPE", "type", "市场主体类型"),
        col("INDUSTRY", "industry", "行业门类"),
        col("LEREP", "legal representative", "法定代表人"),
        col("LEREP_CERNO", "legal representative's ID number", "法定代表人身份证号"),
        col("REGCAP", "registered capital, 10,000 yuan", "注册资本（万元）"),
        col("ESTDATE", "date established (a date column)", "成立日期"),
        col("REGSTATE", "status: 存续/注销/吊销", "登记状态"),
        col("DOM", "registered address", "住所"),
    ),
    notes_en="Column codes follow the market-regulation register's customary names.",
    notes_zh="列名沿用市场监管登记系统的习惯代码。",
    build=build,
    identifier_column="UNISCID",
    name_column="",
)
