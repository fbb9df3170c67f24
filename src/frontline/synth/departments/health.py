"""Health commission: birth and death certificates, JSON lines with English keys."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from frontline.synth.defects import corrupt_identifiers, vary_names
from frontline.synth.departments import people
from frontline.synth.departments.spec import DatasetSpec, col
from frontline.synth.frame import Frame, with_duplicates
from frontline.synth.households import DAUGHTER, HEAD, SON, SPOUSE

if TYPE_CHECKING:
    from frontline.synth.city import City

_HOSPITALS = (
    "浙江省妇幼保健院",
    "杭州市妇产科医院",
    "浙江大学医学院附属第一医院",
    "杭州市西溪医院",
    "西湖区中医院",
)


def _mothers(city: City, children: np.ndarray) -> np.ndarray:
    """The mother of each child: the woman among the household's head and spouse, or -1."""
    pp = city.population.people
    start = np.searchsorted(pp.household, pp.household[children])
    mother = np.full(len(children), -1, dtype=np.int64)
    for offset in (0, 1):
        candidate = np.minimum(start + offset, len(pp.household) - 1)
        ok = (
            (pp.household[candidate] == pp.household[children])
            & np.isin(pp.relation[candidate], [HEAD, SPOUSE])
            & ~pp.is_male[candidate]
            & (mother < 0)
        )
        mother = np.where(ok, candidate, mother)
    return mother


def build(city: City, rng: np.random.Generator) -> Frame:
    pop, rates, as_of = city.population, city.config.rates, city.config.as_of
    pp = pop.people
    recent = pop.birth_date > np.datetime64(as_of, "D") - np.timedelta64(730, "D")
    babies = np.flatnonzero(recent & np.isin(pp.relation, [SON, DAUGHTER])).astype(np.int64)
    dead = np.flatnonzero(~pop.alive).astype(np.int64)
    mothers = _mothers(city, babies)
    has_mother = mothers >= 0
    mother_names = np.where(has_mother, pop.name[np.maximum(mothers, 0)], "").tolist()
    mother_ids = np.where(has_mother, pop.id_number[np.maximum(mothers, 0)], "").tolist()
    n_b, n_d = len(babies), len(dead)
    persons = np.concatenate([babies, dead])
    frame = Frame(columns={}, entity=people.person_ids(city, persons))
    m = frame.markers
    unnamed = (
        rng.random(n_b) < 0.15
    )  # the name is often not yet chosen when the certificate is issued
    names = vary_names(people.names(city, persons), m, rng, rates)
    ids = corrupt_identifiers([""] * n_b + people.id_numbers(city, dead), m, rng, rates)
    mother_marks: list[list[str]] = [[] for _ in range(n_b)]
    mother_ids = corrupt_identifiers(mother_ids, mother_marks, rng, rates)
    times = pop.birth_date[babies].astype("datetime64[m]") + rng.integers(0, 1440, n_b).astype(
        "timedelta64[m]"
    )
    none: list[Any] = [None] * n_b
    frame.columns = {
        "event": ["birth"] * n_b + ["death"] * n_d,
        "certificateNo": [
            ("R" if i < n_b else "S") + f"{city.district.code}{i + 1:08d}" for i in range(n_b + n_d)
        ],
        "name": [("" if u else v) for u, v in zip(unnamed.tolist(), names[:n_b], strict=True)]
        + names[n_b:],
        "sex": people.sexes(city, persons),
        "idNo": none + ids[n_b:],
        "birthTime": [str(t).replace("T", " ") for t in times.tolist()] + [None] * n_d,
        "motherName": mother_names + [None] * n_d,
        "motherIdNo": mother_ids + [None] * n_d,
        "deathDate": none + [str(d) for d in pop.death_date[dead].tolist()],
        "place": np.array(_HOSPITALS)[rng.integers(0, len(_HOSPITALS), n_b + n_d)].tolist(),
    }
    for i, marks in enumerate(mother_marks):
        m[i].extend(f"mother_{mark}" for mark in marks)
    for i in np.flatnonzero(unnamed).tolist():
        m[i].append("name_missing")
    frame.related = (
        np.where(has_mother, pop.person_id[np.maximum(mothers, 0)], "").tolist() + [""] * n_d
    )
    return with_duplicates(frame, rng, rates.duplicate * 0.5)


SPEC = DatasetSpec(
    key="births_deaths",
    file="births_deaths.jsonl",
    department_en="Health Commission",
    department_zh="卫生健康委员会",
    title_en="Birth and death medical certificates",
    title_zh="出生医学证明和死亡医学证明",
    format="jsonl",
    encoding="utf-8",
    entity_type="person",
    columns=(
        col("event", "birth or death", "事件：出生或死亡"),
        col("certificateNo", "certificate number", "证明编号"),
        col("name", "name (a newborn's may be empty)", "姓名（新生儿可能为空）"),
        col("sex", "sex", "性别"),
        col("idNo", "resident ID number (deaths only)", "身份证号（仅死亡）"),
        col("birthTime", "time of birth (births only)", "出生时间（仅出生）"),
        col("motherName", "mother's name (births only)", "母亲姓名（仅出生）"),
        col("motherIdNo", "mother's ID number (births only)", "母亲身份证号（仅出生）"),
        col("deathDate", "date of death (deaths only)", "死亡日期（仅死亡）"),
        col("place", "hospital or place", "医疗机构或地点"),
    ),
    notes_en=(
        "One JSON object per line; keys absent when not applicable. "
        "Births of the last two years and all deaths."
    ),
    notes_zh="每行一个JSON对象，不适用的键省略。包含近两年出生和全部死亡记录。",
    build=build,
    identifier_column="idNo",
    name_column="name",
)
