import string
from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import pytest
from stdnum.cn import ric, uscc

from frontline.ids.arrays import (
    CREDIT_CODE_ALPHABET,
    credit_code_check_chars,
    organization_check_chars,
    resident_check_chars,
)
from frontline.ids.credit_code import check_char, organization_check_char
from frontline.ids.resident import check_digit

ORGANIZATION_ALPHABET = string.digits + string.ascii_uppercase


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20240601)


def test_resident_check_chars_agree_with_stdnum(rng: np.random.Generator) -> None:
    bodies = rng.integers(0, 10, size=(20_000, 17), dtype=np.uint8)
    result = resident_check_chars(bodies)
    assert result.shape == (20_000,)
    assert result.dtype.kind == "U"
    texts = ["".join(map(str, row)) for row in bodies.tolist()]
    assert result.tolist() == [ric.calc_check_digit(t + "0") for t in texts]
    assert result.tolist()[:500] == [check_digit(t) for t in texts[:500]]
    # Every check value, including X, occurs.
    assert set(result.tolist()) == set("0123456789X")


def test_credit_code_check_chars_agree_with_stdnum(rng: np.random.Generator) -> None:
    bodies = rng.integers(0, 31, size=(20_000, 17), dtype=np.uint8)
    texts = ["".join(CREDIT_CODE_ALPHABET[i] for i in row) for row in bodies.tolist()]
    result = credit_code_check_chars(bodies).tolist()
    assert result == [uscc.calc_check_digit(t) for t in texts]
    assert result[:500] == [check_char(t) for t in texts[:500]]
    assert set(result) == set(CREDIT_CODE_ALPHABET)


def test_organization_check_chars_agree_with_the_scalar_form(rng: np.random.Generator) -> None:
    bodies = rng.integers(0, 36, size=(20_000, 8), dtype=np.uint8)
    texts = ["".join(ORGANIZATION_ALPHABET[i] for i in row) for row in bodies.tolist()]
    result = organization_check_chars(bodies).tolist()
    assert result == [organization_check_char(t) for t in texts]
    assert set(result) == set("0123456789X")


def test_empty_input_gives_empty_output() -> None:
    assert resident_check_chars(np.zeros((0, 17), dtype=np.uint8)).shape == (0,)
    assert credit_code_check_chars(np.zeros((0, 17), dtype=np.uint8)).shape == (0,)
    assert organization_check_chars(np.zeros((0, 8), dtype=np.uint8)).shape == (0,)


@pytest.mark.parametrize(
    ("function", "shape", "limit"),
    [
        (resident_check_chars, (3, 17), 10),
        (credit_code_check_chars, (3, 17), 31),
        (organization_check_chars, (3, 8), 36),
    ],
)
def test_wrong_shapes_and_values_are_refused(
    function: Callable[[npt.NDArray[np.uint8]], npt.NDArray[np.str_]],
    shape: tuple[int, int],
    limit: int,
) -> None:
    with pytest.raises(ValueError, match="shape"):
        function(np.zeros((3, shape[1] + 1), dtype=np.uint8))
    with pytest.raises(ValueError, match="shape"):
        function(np.zeros(shape[1], dtype=np.uint8))
    too_big = np.zeros(shape, dtype=np.uint8)
    too_big[1, 2] = limit
    with pytest.raises(ValueError, match="values"):
        function(too_big)
