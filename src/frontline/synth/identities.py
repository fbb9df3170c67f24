"""Resident ID numbers and unified social credit codes that are valid by construction."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from frontline.ids.arrays import (
    CREDIT_CODE_ALPHABET,
    credit_code_check_chars,
    organization_check_chars,
    resident_check_chars,
)

AreasForYear = Callable[[int], npt.NDArray[np.int64]]
"""The 6-digit area codes a person born in a given year may carry (valid in that year)."""


def _digits(values: npt.NDArray[np.int64], width: int) -> npt.NDArray[np.uint8]:
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    result: npt.NDArray[np.uint8] = ((values[:, None] // powers) % 10).astype(np.uint8)
    return result


def birth_areas(
    rng: np.random.Generator,
    birth_years: npt.NDArray[np.int64],
    local: npt.NDArray[np.bool_],
    local_areas: AreasForYear,
    other_areas: AreasForYear,
) -> npt.NDArray[np.int64]:
    """Draw a birth area per person from the codes valid in the person's birth year."""
    areas = np.zeros(len(birth_years), dtype=np.int64)
    for year in np.unique(birth_years):
        in_year = birth_years == year
        for is_local, source in ((True, local_areas), (False, other_areas)):
            pick = in_year & (local == is_local)
            if pick.any():
                codes = source(int(year))
                areas[pick] = codes[rng.integers(0, len(codes), int(pick.sum()))]
    return areas


def resident_ids(
    rng: np.random.Generator,
    areas: npt.NDArray[np.int64],
    birth_dates: npt.NDArray[np.datetime64],
    is_male: npt.NDArray[np.bool_],
) -> npt.NDArray[np.str_]:
    """Unique 18-character resident ID numbers: area, birth date, sequence (odd for men), check."""
    days = birth_dates.astype("datetime64[D]")
    years = days.astype("datetime64[Y]").astype(np.int64) + 1970
    months = days.astype("datetime64[M]").astype(np.int64) % 12 + 1
    mdays = (days - days.astype("datetime64[M]")).astype(np.int64) + 1
    stem = areas * 10**8 + years * 10**4 + months * 100 + mdays
    # Order codes 000-999: odd for men, even for women; 996-999 are kept for centenarians.
    seq = rng.integers(0, 498, len(stem)) * 2 + is_male
    body = stem * 1000 + seq
    for _ in range(64):
        _, first = np.unique(body, return_index=True)
        clash = np.ones(len(body), dtype=np.bool_)
        clash[first] = False
        if not clash.any():
            break
        seq[clash] = rng.integers(0, 498, int(clash.sum())) * 2 + is_male[clash]
        body[clash] = stem[clash] * 1000 + seq[clash]
    else:  # pragma: no cover - needs about 500 people born on one day in one area
        raise RuntimeError("could not draw unique resident ID numbers")
    checks = resident_check_chars(_digits(body, 17))
    return np.char.add(np.char.zfill(body.astype(str), 17), checks)


def old_resident_ids(numbers: npt.NDArray[np.str_]) -> npt.NDArray[np.str_]:
    """The 15-digit form issued before 1999: area, two-digit year, month, day, sequence."""
    as_list = numbers.tolist()
    return np.array([n[:6] + n[8:17] for n in as_list], dtype="<U15")


def credit_codes(
    rng: np.random.Generator, area: int, kinds: npt.NDArray[np.str_]
) -> npt.NDArray[np.str_]:
    """Unique unified social credit codes registered in ``area``.

    ``kinds`` holds the two leading characters (registering authority and entity type), for
    example ``"91"`` for an enterprise registered by market regulation.
    """
    n = len(kinds)
    # Organisation-code bodies use characters valid in both alphabets (the credit code's own
    # lacks I, O, S, V and Z); most are digits, as issued.
    body = rng.integers(0, 10, (n, 8)).astype(np.uint8)
    letters = rng.random((n, 8)) < 0.08
    body[letters] = rng.integers(10, 31, int(letters.sum())).astype(np.uint8)
    # GB 11714 values a character by its base-36 digit value (A=10 ... Z=35).
    base36 = np.array([int(c, 36) for c in CREDIT_CODE_ALPHABET], dtype=np.uint8)
    org_check = organization_check_chars(base36[body])
    alphabet = np.array(list(CREDIT_CODE_ALPHABET))
    bodies = [
        kind + str(area) + "".join(row) + check
        for kind, row, check in zip(
            kinds.tolist(), alphabet[body].tolist(), org_check.tolist(), strict=True
        )
    ]
    index = np.array([[CREDIT_CODE_ALPHABET.index(ch) for ch in b] for b in bodies], np.uint8)
    checks = credit_code_check_chars(index)
    codes = np.char.add(np.array(bodies), checks)
    if len(np.unique(codes)) != n:
        return credit_codes(rng, area, kinds)
    return codes
