"""Check characters for many codes at once, as numpy arrays.

The synthetic-city generator draws millions of identifier bodies as small-integer
matrices; computing the check character row by row in Python would dominate its run
time, so these functions do it with one matrix product each. They agree with the
scalar `check_digit`, `check_char` and `organization_check_char` functions, which the
tests verify on every generated row.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

# GB 11643 (ISO 7064 MOD 11-2): weight of position i (0-based from the left) is 2**(17-i) mod 11.
_RESIDENT_WEIGHTS = np.array([pow(2, 17 - i, 11) for i in range(17)], dtype=np.int64)
# Index (12 - sum) mod 11 into this table gives the check digit; 10 is written X.
_RESIDENT_CHARS = np.array(list("0123456789X"), dtype="<U1")

# GB 32100: weight of position i is 3**i mod 31; the alphabet omits I, O, S, V, Z.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = np.array([pow(3, i, 31) for i in range(17)], dtype=np.int64)
_CREDIT_CHARS = np.array(list(CREDIT_CODE_ALPHABET), dtype="<U1")

# GB 11714: fixed weights; check value 11 - (sum mod 11), where 10 is X and 11 is 0.
_ORGANIZATION_WEIGHTS = np.array([3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)


def _weighted_sums(
    bodies: npt.NDArray[np.uint8], weights: npt.NDArray[np.int64], limit: int
) -> npt.NDArray[np.int64]:
    """Validate shape and value range, then return one weighted sum per row."""
    array = np.asarray(bodies)
    width = weights.shape[0]
    if array.ndim != 2 or array.shape[1] != width:
        raise ValueError(f"expected an array of shape (n, {width}), got {array.shape}")
    if array.size and int(array.max()) >= limit:
        raise ValueError(f"values must lie in 0..{limit - 1}")
    # int64 avoids uint8 overflow; the largest possible sum is far below 2**63.
    sums: npt.NDArray[np.int64] = array.astype(np.int64) @ weights
    return sums


def resident_check_chars(bodies: npt.NDArray[np.uint8]) -> npt.NDArray[np.str_]:
    """bodies has shape (n, 17), digits 0-9; returns n one-character strings '0'-'9' or 'X'."""
    sums = _weighted_sums(bodies, _RESIDENT_WEIGHTS, 10)
    result: npt.NDArray[np.str_] = _RESIDENT_CHARS[(12 - sums % 11) % 11]
    return result


def credit_code_check_chars(bodies: npt.NDArray[np.uint8]) -> npt.NDArray[np.str_]:
    """bodies has shape (n, 17), indices 0..30 into '0123456789ABCDEFGHJKLMNPQRTUWXY'; returns check chars."""  # noqa: E501
    sums = _weighted_sums(bodies, _CREDIT_WEIGHTS, 31)
    result: npt.NDArray[np.str_] = _CREDIT_CHARS[(31 - sums % 31) % 31]
    return result


def organization_check_chars(bodies: npt.NDArray[np.uint8]) -> npt.NDArray[np.str_]:
    """bodies has shape (n, 8), values 0..35 meaning '0'-'9','A'-'Z' (GB 11714); returns '0'-'9' or 'X'."""  # noqa: E501
    sums = _weighted_sums(bodies, _ORGANIZATION_WEIGHTS, 36)
    # 11 - (s mod 11) lies in 1..11; mod 11 maps 11 to 0 and leaves 10 for X.
    result: npt.NDArray[np.str_] = _RESIDENT_CHARS[(11 - sums % 11) % 11]
    return result
