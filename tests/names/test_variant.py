from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontline.names.homophones import homophone_table
from frontline.names.pinyin import name_key
from frontline.names.script import MIDDLE_DOT
from frontline.names.surnames import split_name
from frontline.names.variant import (
    VARIANTS,
    dot_variant,
    homophone,
    pinyin_spelling,
    stray_spaces,
    traditional,
)
from tests.names.strategies import han_names, names

seeds = st.integers(0, 2**32 - 1)


@settings(deadline=None, max_examples=300)
@given(han_names(), seeds)
def test_homophone_changes_one_given_character(name: str, seed: int) -> None:
    varied = homophone(name, np.random.default_rng(seed))
    surname, _ = split_name(name)
    table = homophone_table()
    if varied is None:
        # No character has a homophone that keeps the name's sound (pinyin key).
        key = name_key(name)
        assert all(
            name_key(name[:i] + other + name[i + 1 :]) != key
            for i in range(len(surname), len(name))
            if name[i] in table
            for other in table[name[i]]
        )
        return
    assert len(varied) == len(name)
    assert varied.startswith(surname)
    changed = [i for i, (a, b) in enumerate(zip(name, varied, strict=True)) if a != b]
    assert len(changed) == 1
    assert changed[0] >= len(surname)
    assert name_key(varied) == name_key(name)


def test_homophone_examples() -> None:
    rng = np.random.default_rng(0)
    assert homophone("王丽", rng) in {"王莉", "王俐", "王俪"}
    assert homophone("单于", rng) is None  # 于 alone is a given name without homophones here


def test_homophone_is_deterministic() -> None:
    first = [homophone("张伟华", np.random.default_rng(5)) for _ in range(3)]
    assert len(set(first)) == 1


@settings(deadline=None, max_examples=300)
@given(names())
def test_traditional_differs_and_keeps_length(name: str) -> None:
    converted = traditional(name)
    if converted is not None:
        assert converted != name
        assert len(converted) == len(name)


def test_traditional_examples() -> None:
    assert traditional("单国华") == "單國華"
    assert traditional("王丹") is None


def test_pinyin_spelling() -> None:
    assert pinyin_spelling("单国华") == "Shan Guohua"
    assert pinyin_spelling("Shan Guohua") is None
    assert pinyin_spelling("") is None


@settings(deadline=None, max_examples=300)
@given(names(), seeds)
def test_stray_spaces_add_one_space(name: str, seed: int) -> None:
    spaced = stray_spaces(name, np.random.default_rng(seed))
    assert spaced is not None
    assert len(spaced) == len(name) + 1
    assert sum(ch in " \u3000" for ch in spaced) == 1
    assert spaced.replace(" ", "").replace("\u3000", "") == name


def test_stray_spaces_positions() -> None:
    seen = {stray_spaces("欧阳晓东", np.random.default_rng(seed)) for seed in range(40)}
    assert seen == {"欧阳 晓东", "欧阳\u3000晓东", "欧阳晓东 ", "欧阳晓东\u3000"}
    assert stray_spaces("", np.random.default_rng(0)) is None


def test_dot_variant() -> None:
    name = f"买买提{MIDDLE_DOT}艾力"
    seen = {dot_variant(name, np.random.default_rng(seed)) for seed in range(60)}
    assert seen == {f"买买提{dot}艾力" for dot in ("•", "・", ".", "．", " ", "")}
    assert dot_variant("王伟", np.random.default_rng(0)) is None


@pytest.mark.parametrize("kind", sorted(VARIANTS))
def test_every_variant_takes_name_and_rng(kind: str) -> None:
    varied = VARIANTS[kind](f"阿依古丽{MIDDLE_DOT}吐尔逊", np.random.default_rng(1))
    assert varied is None or varied != f"阿依古丽{MIDDLE_DOT}吐尔逊"
