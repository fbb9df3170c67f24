"""Traffic police: motor vehicle register, one JSON document with pinyin-abbreviated keys."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from frontline.synth.defects import corrupt_identifiers, vary_names
from frontline.synth.departments.spec import DatasetSpec, col
from frontline.synth.frame import Frame, shuffled, with_copies

if TYPE_CHECKING:
    from frontline.synth.city import City


def build(city: City, rng: np.random.Generator) -> Frame:
    pop, rates, ent, veh = city.population, city.config.rates, city.enterprises, city.vehicles
    rows, copies = with_copies(np.arange(len(veh.owner)), rng, rates.duplicate)
    person = veh.owner_is_person[rows]
    pick_person = np.where(person, veh.owner[rows], 0)
    pick_ent = np.where(person, 0, veh.owner[rows])
    entity = np.where(person, pop.person_id[pick_person], ent.enterprise_id[pick_ent]).tolist()
    frame = Frame(columns={}, entity=entity)
    frame.mark(copies, "duplicate")
    m = frame.markers
    names = np.where(person, pop.name[pick_person], ent.name[pick_ent]).tolist()
    ids = np.where(person, pop.id_number[pick_person], ent.credit_code[pick_ent]).tolist()
    frame.columns = {
        "hphm": veh.plate[rows].tolist(),
        "cllx": veh.kind[rows].tolist(),
        "clpp": veh.brand[rows].tolist(),
        "syr": vary_names(names, m, rng, rates, applicable=person),
        "sfzmmc": np.where(person, "居民身份证", "统一社会信用代码证书").tolist(),
        "sfzmhm": corrupt_identifiers(ids, m, rng, rates),
        "ccdjrq": [str(d) for d in veh.registered[rows].astype("datetime64[D]").tolist()],
        "zt": ["正常"] * len(entity),
    }
    return shuffled(frame, rng)


SPEC = DatasetSpec(
    key="vehicles",
    file="vehicles.json",
    department_en="Traffic Police",
    department_zh="公安交警",
    title_en="Registered motor vehicles and their owners",
    title_zh="机动车登记信息",
    format="json",
    encoding="utf-8",
    entity_type="person, enterprise",
    columns=(
        col("hphm", "plate number", "号牌号码"),
        col("cllx", "vehicle type", "车辆类型"),
        col("clpp", "brand", "车辆品牌"),
        col("syr", "owner (person or enterprise)", "所有人"),
        col("sfzmmc", "owner's document type", "身份证明名称"),
        col("sfzmhm", "owner's ID number or credit code", "身份证明号码"),
        col("ccdjrq", "first registration date", "初次登记日期"),
        col("zt", "status", "机动车状态"),
    ),
    notes_en='One JSON document: {"exportTime", "total", "records": [...]}.',
    notes_zh='单个JSON文档：{"exportTime", "total", "records": [...]}。',
    build=build,
    identifier_column="sfzmhm",
    name_column="syr",
)
