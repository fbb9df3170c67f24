from __future__ import annotations

import numpy as np

from frontline.names.datafile import read_rows
from frontline.names.given_names import COHORTS, cohort_index, given_chars, whole_given_names


def test_header_matches_cohorts() -> None:
    header = list(read_rows("given_chars.csv")[0])
    assert header == ["char", "sex", "position", *COHORTS]


def test_about_four_hundred_distinct_single_characters() -> None:
    chars = [c.char for c in given_chars()]
    assert len(chars) >= 400
    assert len(set(chars)) == len(chars)
    assert all(len(c) == 1 for c in chars)


def test_every_character_is_used_in_some_cohort() -> None:
    assert all(any(w > 0 for w in c.weights) for c in given_chars())


def test_both_sexes_in_every_cohort() -> None:
    for cohort in range(len(COHORTS)):
        for sex in ("m", "f"):
            assert any(c.weights[cohort] > 0 and c.sex in (sex, "u") for c in given_chars())
            assert any(w.cohort == cohort and w.sex == sex for w in whole_given_names())


def test_era_names_sit_in_their_cohorts() -> None:
    by_name = {(w.given, w.cohort) for w in whole_given_names()}
    for old in ("建国", "国庆", "秀英", "桂兰"):
        assert (old, 0) in by_name
    for young in ("子涵", "梓萱", "浩宇", "一诺"):
        assert (young, 3) in by_name
    assert all(len(w.given) == 2 for w in whole_given_names())


def test_cohort_index() -> None:
    years = np.array([1930, 1959, 1960, 1979, 1980, 1999, 2000, 2024], dtype=np.int16)
    assert cohort_index(years).tolist() == [0, 0, 1, 1, 2, 2, 3, 3]
