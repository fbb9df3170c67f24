"""Health commission: birth and death certificates, JSON lines with English keys."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from frontline.synth.defects import corrupt_identifiers, vary_names
from frontline.synth.departments import people
from frontline.synth.departments.spec import DatasetSpec, col
from frontline.synth.frame import Frame, shuffled, with_copies
from frontline.synth.households import DAUGHTER, HEAD, SON, SPOUSE

if TYPE_CHECKING:
    from frontline.synth.city import City


def _hospitals(city: City) -> list[str]:
    province, town, district = city.district.path
    return [
        f"{province}妇幼保健院", f"{town}妇产科医院", f"{town}第一人民医院",
        f"{district}人民医院", f"{district}中医院",
    ]  # fmt: skip


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
    # One certificate per birth or death; a copy of a row is the same certificate entered twice.
    items = np.concatenate([babies, dead])
    item_is_birth = np.arange(len(items)) < len(babies)
    item_mother = np.concatenate([_mothers(city, babies), np.full(len(dead), -1, np.int64)])
    # A newborn's name is often not chosen yet when the certificate is issued.
    item_unnamed = item_is_birth & (rng.random(len(items)) < 0.15)
    item_minute = rng.integers(0, 1440, len(items)).astype("timedelta64[m]")
    item_place = np.array(_hospitals(city))[rng.integers(0, 5, len(items))]
    rows, copies = with_copies(np.arange(len(items)), rng, rates.duplicate * 0.5)
    persons, birth, mothers = items[rows], item_is_birth[rows], item_mother[rows]
    has_mother = mothers >= 0
    mother = np.maximum(mothers, 0)
    frame = Frame(columns={}, entity=people.person_ids(city, persons))
    frame.mark(copies, "duplicate")
    frame.mark(item_unnamed[rows], "name_missing")
    m = frame.markers
    names = vary_names(np.where(item_unnamed[rows], "", pop.name[persons]).tolist(), m, rng, rates)
    ids = corrupt_identifiers(np.where(birth, "", pop.id_number[persons]).tolist(), m, rng, rates)
    mother_marks: list[list[str]] = [[] for _ in range(len(rows))]
    mother_ids = corrupt_identifiers(
        np.where(has_mother, pop.id_number[mother], "").tolist(), mother_marks, rng, rates
    )
    frame.add_markers(mother_marks, "mother_")
    born_at = (pop.birth_date[persons].astype("datetime64[m]") + item_minute[rows]).tolist()
    mother_names = np.where(has_mother, pop.name[mother], "").tolist()
    deaths = pop.death_date[persons].tolist()
    code = city.district.code
    frame.columns = {
        "event": np.where(birth, "birth", "death").tolist(),
        "certificateNo": [
            ("R" if b else "S") + f"{code}{int(r) + 1:08d}"
            for b, r in zip(birth.tolist(), rows.tolist(), strict=True)
        ],
        "name": names,
        "sex": people.sexes(city, persons),
        "idNo": [None if b else v for b, v in zip(birth.tolist(), ids, strict=True)],
        "birthTime": [
            str(t).replace("T", " ") if b else None
            for b, t in zip(birth.tolist(), born_at, strict=True)
        ],
        "motherName": [v if b else None for b, v in zip(birth.tolist(), mother_names, strict=True)],
        "motherIdNo": [v if b else None for b, v in zip(birth.tolist(), mother_ids, strict=True)],
        "deathDate": [None if b else str(d) for b, d in zip(birth.tolist(), deaths, strict=True)],
        "place": item_place[rows].tolist(),
    }
    frame.related = np.where(has_mother, pop.person_id[mother], "").tolist()
    return shuffled(frame, rng)


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
