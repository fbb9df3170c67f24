from __future__ import annotations

import pytest

from frontline.names.given_names import given_chars, whole_given_names
from frontline.names.minority import minority_group, minority_table, segment_minority
from frontline.names.surnames import surname_table
from tests.names.readings import fits_heteronyms


def test_each_part_belongs_to_one_ethnicity() -> None:
    owners: dict[str, str] = {}
    for p in minority_table().parts:
        assert owners.setdefault(p.part, p.ethnicity) == p.ethnicity, p.part


def test_dot_flag_is_per_ethnicity() -> None:
    table = minority_table()
    flags = {(p.ethnicity, p.dot) for p in table.parts}
    assert len(flags) == len(table.ethnicities)
    assert dict(flags) == {"维吾尔族": True, "哈萨克族": True, "藏族": False, "蒙古族": False}


def test_both_sexes_and_second_parts_present() -> None:
    parts = minority_table().parts
    for ethnicity in ("维吾尔族", "哈萨克族", "藏族", "蒙古族"):
        own = {p.sex for p in parts if p.ethnicity == ethnicity and p.role == "given"}
        assert "m" in own or "u" in own
        assert "f" in own or "u" in own
    for ethnicity in ("维吾尔族", "哈萨克族", "藏族"):
        assert any(p.ethnicity == ethnicity and p.role == "second" for p in parts)


def test_readings_are_syllables_pypinyin_knows() -> None:
    for p in minority_table().parts:
        assert len(p.reading) == len(p.part), p.part
        assert fits_heteronyms(p.part, "".join(p.reading)), (p.part, p.reading)


def test_no_dotless_part_reads_as_a_han_name() -> None:
    # split_name takes a Tibetan or Mongolian part for a whole name without surname; no
    # Han name the generator can draw (listed surname + pool characters) may look like one.
    surnames = {s.surname for s in surname_table().surnames}
    pool = {c.char for c in given_chars()} | {c for w in whole_given_names() for c in w.given}
    for part in minority_table().dotless_parts:
        for cut in (1, 2):
            head, rest = part[:cut], part[cut:]
            assert not (head in surnames and rest and set(rest) <= pool), part


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("扎西次仁", ("扎西", "次仁")),
        ("巴特尔", ("巴特尔",)),
        ("卓玛", ("卓玛",)),
        ("买买提艾力", ("买买提", "艾力")),
        ("王伟", None),
        ("", None),
    ],
)
def test_segment_minority(text: str, parts: tuple[str, ...] | None) -> None:
    assert segment_minority(text) == parts


def test_segment_dotless_only_ignores_uyghur_parts() -> None:
    assert segment_minority("买买提艾力", dotless_only=True) is None
    assert segment_minority("扎西次仁", dotless_only=True) == ("扎西", "次仁")


@pytest.mark.parametrize(
    ("name", "ethnicity"),
    [
        ("买买提·艾力", "维吾尔族"),
        ("阿依古丽•吐尔逊", "维吾尔族"),
        ("努尔兰·别克", "哈萨克族"),
        ("次仁卓玛", "藏族"),
        ("其其格", "蒙古族"),
        ("王伟", None),
        ("约翰·史密斯", None),
    ],
)
def test_minority_group(name: str, ethnicity: str | None) -> None:
    assert minority_group(name) == ethnicity
