from __future__ import annotations

from frontline.names.datafile import read_rows
from frontline.names.given_names import given_chars
from frontline.names.homophones import homophone_table
from tests.names.readings import default_reading


def test_every_pair_shares_the_toneless_reading() -> None:
    for char, substitutes in homophone_table().items():
        for substitute in substitutes:
            assert substitute != char
            assert default_reading(substitute) == default_reading(char), (char, substitute)


def test_reading_column_is_that_reading() -> None:
    for row in read_rows("homophones.csv"):
        assert row["reading"] == default_reading(row["char"])


def test_covers_the_common_given_name_characters() -> None:
    table = homophone_table()
    for char in "丽华明军伟静芳娟杰涛红英":
        assert char in table, char
    pool = {c.char for c in given_chars()}
    assert set(table) <= pool
    assert len(table) >= 200


def test_no_duplicate_pairs() -> None:
    pairs = [(row["char"], row["substitute"]) for row in read_rows("homophones.csv")]
    assert len(pairs) == len(set(pairs))
