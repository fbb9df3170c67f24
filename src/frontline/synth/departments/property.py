"""Real estate registration: property rights, pipe-delimited UTF-8 text."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from frontline.synth.addresses import format_addresses
from frontline.synth.defects import corrupt_identifiers, vary_names
from frontline.synth.departments.spec import DatasetSpec, col
from frontline.synth.frame import Frame, shuffled, with_copies

if TYPE_CHECKING:
    from frontline.synth.city import City


def build(city: City, rng: np.random.Generator) -> Frame:
    pop, rates, ent, prop = city.population, city.config.rates, city.enterprises, city.properties
    rows, copies = with_copies(np.arange(len(prop.owner)), rng, rates.duplicate * 0.5)
    person = prop.owner_is_person[rows]
    owner = prop.owner[rows]
    pick_person = np.where(person, owner, 0)
    pick_ent = np.where(person, 0, owner)
    entity = np.where(person, pop.person_id[pick_person], ent.enterprise_id[pick_ent]).tolist()
    frame = Frame(columns={}, entity=entity)
    frame.mark(copies, "duplicate")
    m = frame.markers
    ids = np.where(person, pop.id_number[pick_person], ent.credit_code[pick_ent]).tolist()
    names = np.where(person, pop.name[pick_person], ent.name[pick_ent]).tolist()
    path = city.district.path
    household = prop.household[rows]
    homes = np.maximum(household, 0)
    current = format_addresses(pop.dwellings, homes, city.communities, path, "full")
    previous = format_addresses(pop.previous_dwellings, homes, city.communities, path, "full")
    located = [
        (p if second else c) if h >= 0 else f"{''.join(path)}{ent.address[o]}"
        for c, p, second, h, o in zip(
            current,
            previous,
            prop.previous_dwelling[rows].tolist(),
            household.tolist(),
            pick_ent.tolist(),
            strict=True,
        )
    ]
    frame.columns = {
        "权利人": vary_names(names, m, rng, rates, 0.5, applicable=person),
        "证件种类": np.where(person, "居民身份证", "营业执照").tolist(),
        "证件号码": corrupt_identifiers(ids, m, rng, rates, 0.5),
        "不动产权证号": prop.certificate[rows].tolist(),
        "不动产单元号": prop.unit_number[rows].tolist(),
        "坐落": located,
        "建筑面积": [f"{a:.2f}" for a in prop.area_m2[rows].tolist()],
        "规划用途": np.where(person, "住宅", "商业服务").tolist(),
        "共有方式": np.where(prop.shared[rows], "共同共有", "单独所有").tolist(),
        "登记时间": [str(d) for d in prop.registered[rows].astype("datetime64[D]").tolist()],
    }
    return shuffled(frame, rng)


SPEC = DatasetSpec(
    key="property",
    file="property.txt",
    department_en="Real Estate Registration Center",
    department_zh="不动产登记中心",
    title_en="Property rights holders",
    title_zh="不动产权利人信息",
    format="txt",
    encoding="utf-8",
    entity_type="person, enterprise",
    columns=(
        col("权利人", "rights holder (person or enterprise)", "权利人"),
        col("证件种类", "document type: 居民身份证 or 营业执照", "证件种类"),
        col("证件号码", "resident ID number or credit code", "证件号码"),
        col("不动产权证号", "certificate number", "不动产权证号"),
        col("不动产单元号", "property unit number", "不动产单元号"),
        col("坐落", "location", "坐落"),
        col("建筑面积", "floor area, square metres", "建筑面积（平方米）"),
        col("规划用途", "use", "规划用途"),
        col("共有方式", "joint or sole ownership", "共有方式"),
        col("登记时间", "registration date", "登记时间"),
    ),
    notes_en="Fields separated by |. Co-owners of one home share a certificate, one row each.",
    notes_zh="字段以“|”分隔。共有人各占一行，共用同一不动产权证号。",
    build=build,
    identifier_column="证件号码",
    name_column="权利人",
    delimiter="|",
)
