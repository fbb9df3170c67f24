from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontline.names.pinyin import name_key, name_pinyin
from frontline.names.variant import dot_variant, pinyin_spelling, stray_spaces, traditional
from tests.names.strategies import dotted_names, han_names, names


@pytest.mark.parametrize(
    ("name", "romanised"),
    [
        ("单国华", "Shan Guohua"),
        ("欧阳晓东", "Ouyang Xiaodong"),
        ("曾伟", "Zeng Wei"),
        ("解放", "Xie Fang"),
        ("区志明", "Ou Zhiming"),
        ("朴成", "Piao Cheng"),
        ("万俟云", "Moqi Yun"),
        ("买买提·艾力", "Maimaiti Aili"),
        ("热合曼·阿布都拉", "Reheman Abudula"),
        ("扎西次仁", "Zhaxi Ciren"),
        ("巴特尔", "Bateer"),
        ("吕伟", "Lyu Wei"),
        ("张晓安", "Zhang Xiaoan"),
        ("單國華", "Shan Guohua"),
        (" 王\u3000芳 ", "Wang Fang"),
        ("SHAN GUOHUA", "Shan Guohua"),
        ("", ""),
    ],
)
def test_name_pinyin(name: str, romanised: str) -> None:
    assert name_pinyin(name) == romanised


def test_given_name_heteronyms_use_phrases() -> None:
    # 解放 as a given name is jiefang; only the surname 解 reads xie.
    assert name_pinyin("韦解放") == "Wei Jiefang"


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("单国华", "shanguohua"),
        ("Shan Guohua", "shanguohua"),
        ("SHAN  GUOHUA", "shanguohua"),
        ("單國華", "shanguohua"),
        ("单 国华", "shanguohua"),
        ("买买提·艾力", "maimaitiaili"),
        ("买买提艾力", "maimaitiaili"),
        ("买买提.艾力", "maimaitiaili"),
        ("吕伟", "lyuwei"),
        ("Lv Wei", "lyuwei"),
        ("Lü Wei", "lyuwei"),
        ("张晓安", "zhangxiaoan"),
        ("王丽", "wangli"),
        ("王莉", "wangli"),
    ],
)
def test_name_key(name: str, key: str) -> None:
    assert name_key(name) == key


def test_key_is_lower_case_letters_only() -> None:
    assert name_key("欧阳·晓东 ").isalpha()
    assert name_key("欧阳晓东").islower()


@settings(deadline=None, max_examples=300)
@given(names())
def test_key_survives_traditional(name: str) -> None:
    assert name_key(traditional(name) or name) == name_key(name)


@settings(deadline=None, max_examples=300)
@given(names(), st.integers(0, 2**32 - 1))
def test_key_survives_stray_spaces(name: str, seed: int) -> None:
    spaced = stray_spaces(name, np.random.default_rng(seed))
    assert spaced is not None
    assert name_key(spaced) == name_key(name)


@settings(deadline=None, max_examples=300)
@given(names())
def test_key_survives_romanisation(name: str) -> None:
    spelled = pinyin_spelling(name)
    assert spelled is not None
    assert name_key(spelled) == name_key(name)


@settings(deadline=None, max_examples=100)
@given(dotted_names(), st.integers(0, 2**32 - 1))
def test_key_survives_dot_variants(name: str, seed: int) -> None:
    varied = dot_variant(name, np.random.default_rng(seed))
    assert varied is not None
    assert name_key(varied) == name_key(name)


@settings(deadline=None, max_examples=200)
@given(han_names())
def test_romanised_han_name_has_two_words(name: str) -> None:
    surname, given_name = name_pinyin(name).split(" ")
    assert surname[0].isupper()
    assert given_name[0].isupper()
