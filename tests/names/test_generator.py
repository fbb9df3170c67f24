from __future__ import annotations

import collections
import hashlib
import os
import subprocess
import sys

import numpy as np
import numpy.typing as npt
import pytest

from frontline.names.generator import (
    draw_given_names,
    draw_minority_names,
    draw_names,
    draw_surnames,
)
from frontline.names.given_names import given_chars, whole_given_names
from frontline.names.minority import minority_group
from frontline.names.script import MIDDLE_DOT
from frontline.names.surnames import split_name, surname_table


def population(
    seed: int, n: int
) -> tuple[np.random.Generator, npt.NDArray[np.bool_], npt.NDArray[np.int32]]:
    rng = np.random.default_rng(seed)
    is_male = rng.random(n) < 0.5
    years = rng.integers(1930, 2025, n, dtype=np.int32)
    return rng, is_male, years


def test_same_rng_state_same_names() -> None:
    first = draw_names(*population(11, 5000))
    second = draw_names(*population(11, 5000))
    assert first == second
    assert first != draw_names(*population(12, 5000))


_DIGEST_SCRIPT = (
    "import hashlib, numpy as np\n"
    "from frontline.names import draw_names\n"
    "rng = np.random.default_rng(3)\n"
    "names = draw_names(rng, rng.random(3000) < 0.5, rng.integers(1930, 2025, 3000), 0.1)\n"
    "print(hashlib.sha256('|'.join(names).encode()).hexdigest())\n"
)


def _digest_in_process(hash_seed: str) -> str:
    command = [sys.executable, "-c", _DIGEST_SCRIPT]
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)  # noqa: S603
    return done.stdout.strip()


def test_deterministic_across_hash_seeds() -> None:
    # String hashing is randomised per process; the names must not depend on it.
    rng = np.random.default_rng(3)
    names = draw_names(rng, rng.random(3000) < 0.5, rng.integers(1930, 2025, 3000), 0.1)
    here = hashlib.sha256("|".join(names).encode()).hexdigest()
    assert _digest_in_process("1") == _digest_in_process("2") == here


def test_small_city_has_the_hard_cases() -> None:
    names = draw_names(*population(2024, 2000))
    table = surname_table()
    surnames = [split_name(name)[0] for name in names]
    compound = [s for s in surnames if len(s) == 2]
    special = [s for s in surnames if (t := table.get(s)) is not None and t.special]
    dotted = [name for name in names if MIDDLE_DOT in name]
    assert len(compound) >= 2
    assert len(special) >= 5
    assert len(dotted) >= 3


def test_common_surnames_lead_at_100k() -> None:
    surnames = draw_surnames(np.random.default_rng(5), 100_000)
    top = [s for s, _ in collections.Counter(surnames.tolist()).most_common(5)]
    assert set(top[:3]) == {"王", "李", "张"}
    assert set(top) == set("王李张刘陈")
    assert 0.06 < np.mean(surnames == "王") < 0.09


def test_han_names_split_back_into_their_parts() -> None:
    rng, is_male, years = population(8, 50_000)
    surnames = draw_surnames(rng, len(is_male))
    given = draw_given_names(rng, is_male, years)
    for surname, given_name in zip(surnames.tolist(), given.tolist(), strict=True):
        assert split_name(surname + given_name) == (surname, given_name)


def test_given_names_have_one_or_two_characters_and_fit_the_cohort() -> None:
    rng, is_male, years = population(9, 40_000)
    given = draw_given_names(rng, is_male, years).tolist()
    assert {len(g) for g in given} == {1, 2}
    old = np.array([len(g) == 1 for g, y in zip(given, years, strict=True) if y < 1980])
    young = np.array([len(g) == 1 for g, y in zip(given, years, strict=True) if y >= 2000])
    assert 0.18 < old.mean() < 0.32
    assert young.mean() < 0.1
    counts = collections.Counter(g for g, y in zip(given, years, strict=True) if y < 1960)
    assert counts["建国"] > 0
    assert counts["秀英"] > 0
    assert counts["梓萱"] == 0


def test_given_names_respect_sex() -> None:
    male_only = {c.char for c in given_chars() if c.sex == "m"}
    female_only = {c.char for c in given_chars() if c.sex == "f"}
    female_whole = {w.given for w in whole_given_names() if w.sex == "f"}
    male_whole = {w.given for w in whole_given_names() if w.sex == "m"}
    rng, is_male, years = population(10, 20_000)
    given = draw_given_names(rng, is_male, years).tolist()
    for name, male in zip(given, is_male.tolist(), strict=True):
        if male:
            assert not set(name) & female_only or name in male_whole, name
        else:
            assert not set(name) & male_only or name in female_whole, name


def test_accepts_any_integer_year_dtype() -> None:
    decades = [1950, 1990, 2010]
    for years in (np.array(decades, np.int16), np.array(decades, np.int32), np.array(decades)):
        names = draw_names(np.random.default_rng(0), np.array([True, False, True]), years)
        assert len(names) == 3
        assert all(isinstance(name, str) for name in names)


def test_minority_rate_is_respected() -> None:
    names = draw_names(*population(13, 20_000), minority_rate=0.1)
    share = np.mean([split_name(name)[0] == "" for name in names])
    assert 0.08 < share < 0.12
    assert all(split_name(n)[0] for n in draw_names(*population(13, 2000), minority_rate=0.0))


def test_minority_names_are_recognised() -> None:
    rng = np.random.default_rng(4)
    is_male = rng.random(3000) < 0.5
    names = draw_minority_names(rng, is_male, 3000)
    assert len(names) == 3000
    assert {minority_group(name) for name in names} == {"维吾尔族", "哈萨克族", "藏族", "蒙古族"}
    for name in names:
        assert split_name(name) == ("", name)
    assert any(MIDDLE_DOT not in name and len(name) == 4 for name in names)  # 次仁卓玛


def test_minority_second_part_is_a_fathers_name() -> None:
    rng = np.random.default_rng(6)
    names = draw_minority_names(rng, np.zeros(500, dtype=np.bool_))
    fathers = [name.split(MIDDLE_DOT)[1] for name in names if MIDDLE_DOT in name]
    assert fathers
    assert all(f not in {"阿依古丽", "古丽"} for f in fathers)


@pytest.mark.parametrize("rate", [-0.1, 1.5])
def test_bad_minority_rate(rate: float) -> None:
    with pytest.raises(ValueError, match="minority_rate"):
        draw_names(*population(1, 10), minority_rate=rate)


def test_mismatched_lengths_are_refused() -> None:
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="same length"):
        draw_given_names(rng, np.array([True, False]), np.array([1990]))
    with pytest.raises(ValueError, match="must match"):
        draw_minority_names(rng, np.array([True, False]), 3)


def test_empty_population() -> None:
    assert (
        draw_names(
            np.random.default_rng(0), np.array([], dtype=np.bool_), np.array([], dtype=np.int32)
        )
        == []
    )


def test_minority_names_within_given_ethnicities() -> None:
    rng = np.random.default_rng(14)
    wanted = ["藏族", "维吾尔族", "蒙古族", "哈萨克族"] * 250
    is_male = rng.random(len(wanted)) < 0.5
    names = draw_minority_names(rng, is_male, ethnicities=wanted)
    assert [minority_group(name) for name in names] == wanted


def test_minority_names_refuse_unknown_ethnicity() -> None:
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="壮族"):
        draw_minority_names(rng, np.array([True]), ethnicities=["壮族"])
    with pytest.raises(ValueError, match="one ethnicity per person"):
        draw_minority_names(rng, np.array([True, False]), ethnicities=["藏族"])
