from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypinyin import Style, lazy_pinyin
from pypinyin.constants import PHRASES_DICT

from frontline.names.given_names import given_chars
from frontline.names.pinyin import (
    _key_of,
    _syllables,
    given_key,
    name_key,
    name_pinyin,
    surname_key,
)
from frontline.names.plain import is_plain, plain_rules, plain_split
from frontline.names.script import BASIC_HAN, canonical_name, changed_han
from frontline.names.surnames import split_name
from frontline.names.variant import VARIANTS
from tests.names.strategies import han_names, names


def test_changed_han_is_what_canonical_name_changes_in_the_basic_block() -> None:
    changed = changed_han()
    block = (chr(c) for c in range(ord(BASIC_HAN[0]), ord(BASIC_HAN[1]) + 1))
    assert {ch for ch in block if canonical_name(ch) != ch} == changed
    assert "單" in changed
    assert "单" not in changed
    assert "乾" not in changed  # kept: 干 reads differently


@pytest.mark.parametrize(
    ("name", "split"),
    [
        ("王芳", ("王", "芳")),
        ("单国华", ("单", "国华")),
        ("欧阳晓东", ("欧阳", "晓东")),
        ("欧阳", ("欧", "阳")),  # a compound surname needs a given name after it
        ("曾伟", ("曾", "伟")),
        ("乾坤", ("乾", "坤")),
        ("单", None),  # one character
        ("單國華", None),  # traditional
        ("单 国华", None),
        ("买买提·艾力", None),
        ("扎西次仁", None),  # starts like a minority name part
        ("马国华", None),  # 马 starts 马木提: left to split_name
        ("Shan Guohua", None),
        ("𠮷野", None),  # outside the basic block
        ("", None),
    ],
)
def test_plain_split(name: str, split: tuple[str, str] | None) -> None:
    assert plain_split(name) == split
    assert is_plain(name) is (split is not None)


def test_rules_list_the_minority_first_characters_and_compounds() -> None:
    rules = plain_rules()
    assert "马" in rules.minority_first
    assert "王" not in rules.minority_first
    assert "欧阳" in rules.compounds
    assert "单" not in rules.changed
    assert "單" in rules.changed


def _agrees(name: str) -> None:
    """The plain rules agree with canonical_name, split_name and name_key on ``name``."""
    split = plain_split(name)
    if split is None:
        return
    assert canonical_name(name) == name
    assert split_name(name) == split
    assert name_key(name) == surname_key(split[0]) + given_key(split[1])


@settings(deadline=None, max_examples=500)
@given(han_names())
def test_plain_names_need_no_conversion(name: str) -> None:
    assert is_plain(name) or name[0] in plain_rules().minority_first
    _agrees(name)


@settings(deadline=None, max_examples=300)
@given(names(), st.sampled_from(sorted(VARIANTS)), st.integers(0, 2**32 - 1))
def test_plain_rules_agree_on_defective_names(name: str, variant: str, seed: int) -> None:
    varied = VARIANTS[variant](name, np.random.default_rng(seed)) or name
    _agrees(varied)
    _agrees(name)


def _old_name_key(name: str) -> str:
    """``name_key`` as it was before it added up surname and given-name keys."""
    spelled = name_pinyin(name).lower().replace("ü", "yu").replace("v", "yu")
    return "".join(ch for ch in spelled if ch.isalnum())


@settings(deadline=None, max_examples=500)
@given(names(), st.sampled_from(sorted(VARIANTS)), st.integers(0, 2**32 - 1))
def test_name_key_is_the_key_of_the_romanised_name(name: str, variant: str, seed: int) -> None:
    varied = VARIANTS[variant](name, np.random.default_rng(seed)) or name
    assert name_key(varied) == _old_name_key(varied) == _key_of(name_pinyin(varied))


@pytest.mark.parametrize(
    "name", ["A李", "李A", "李aΣ", "Σ李", "王〇", "王𠮷", "王·", "㐀李", "王 Σ", "李ΣΣ", "欧阳ǚ"]
)
def test_name_key_on_odd_names(name: str) -> None:
    assert name_key(name) == _old_name_key(name)


def test_syllables_read_word_by_word_as_pypinyin_reads_the_whole() -> None:
    rng = random.Random(7)
    chars = [c.char for c in given_chars()]
    phrases = sorted(p for p in PHRASES_DICT if len(p) <= 4)
    texts = ["解放", "长江", "重庆", "单于", "阿布都拉", "国华", "A解放", "解放 军", "〇", ""]
    for _ in range(3000):
        texts.append("".join(rng.choice(chars) for _ in range(rng.randint(1, 4))))
        texts.append(rng.choice(phrases) + rng.choice(chars) + rng.choice(phrases)[:2])
    for text in texts:
        assert _syllables(text) == tuple(lazy_pinyin(text, style=Style.NORMAL)), text
