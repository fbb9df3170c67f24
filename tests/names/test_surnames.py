from __future__ import annotations

import pytest

from frontline.names.surnames import split_name, surname_reading, surname_table
from tests.names.readings import default_reading, fits_heteronyms

BRIEF_READINGS = {
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "区": "ou",
    "朴": "piao",
    "查": "zha",
    "仇": "qiu",
    "乐": "yue",
    "盖": "ge",
    "缪": "miao",
    "尉迟": "yuchi",
    "万俟": "moqi",
    "单于": "chanyu",
    "长孙": "zhangsun",
    "覃": "qin",
    "种": "chong",
    "繁": "po",
    "员": "yun",
    "宿": "su",
    "翟": "zhai",
    "秘": "bi",
    "沈": "shen",
    "任": "ren",
    "华": "hua",
}

COMPOUNDS = (
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 令狐 "
    "夏侯 司徒 长孙 宇文 轩辕 万俟 单于 端木 南宫 西门"
)


def test_table_size_and_order() -> None:
    table = surname_table()
    singles = [s for s in table.surnames if not s.compound]
    assert len(singles) >= 150
    assert [s.surname for s in table.surnames[:10]] == list("王李张刘陈杨黄赵吴周")
    assert all(s.weight > 0 for s in table.surnames)
    assert len({s.surname for s in table.surnames}) == len(table)


def test_compound_flag_matches_length() -> None:
    table = surname_table()
    assert all(s.compound == (len(s.surname) == 2) for s in table.surnames)
    assert set(COMPOUNDS.split()) <= {s.surname for s in table.compounds}


@pytest.mark.parametrize(("surname", "reading"), sorted(BRIEF_READINGS.items()))
def test_brief_readings(surname: str, reading: str) -> None:
    assert surname_reading(surname) == reading


def test_special_flag_is_exactly_where_pypinyin_default_differs() -> None:
    for s in surname_table().surnames:
        assert s.special == (default_reading(s.surname) != s.reading), s.surname


def test_special_includes_the_known_traps() -> None:
    table = surname_table()
    for surname in "单曾解区朴查仇乐盖缪覃种繁员翟秘":
        listed = table.get(surname)
        assert listed is not None
        assert listed.special, surname


def test_every_reading_is_one_pypinyin_knows() -> None:
    # Catches typos in the table: each syllable must be a listed reading of its character.
    for s in surname_table().surnames:
        assert fits_heteronyms(s.surname, s.reading), (s.surname, s.reading)


def test_unlisted_surname_falls_back_to_pypinyin() -> None:
    assert surname_reading("蒯") == default_reading("蒯")


def test_traditional_surname_reads_as_simplified() -> None:
    assert surname_reading("單") == "shan"


@pytest.mark.parametrize(
    ("full", "expected"),
    [
        ("王伟", ("王", "伟")),
        ("欧阳晓东", ("欧阳", "晓东")),
        ("司马光", ("司马", "光")),
        ("单于飞", ("单于", "飞")),
        ("单国华", ("单", "国华")),
        ("欧阳", ("欧", "阳")),
        ("王 芳", ("王", "芳")),
        ("王\u3000芳 ", ("王", "芳")),
        ("單國華", ("单", "国华")),
        ("买买提·艾力", ("", "买买提·艾力")),
        ("阿依古丽•吐尔逊", ("", "阿依古丽·吐尔逊")),
        ("买买提艾力", ("", "买买提艾力")),
        ("艾力阿不都", ("", "艾力阿不都")),
        ("艾力", ("艾", "力")),
        ("扎西次仁", ("", "扎西次仁")),
        ("巴特尔", ("", "巴特尔")),
        ("蒯小明", ("蒯", "小明")),
        ("王", ("王", "")),
        ("", ("", "")),
        ("Shan Guohua", ("", "Shan Guohua")),
    ],
)
def test_split_name(full: str, expected: tuple[str, str]) -> None:
    assert split_name(full) == expected
