"""Defects that departments' data really has, planted at configured rates and recorded.

Each function takes the clean values of one column and the per-row marker lists, and returns
the values as the department delivers them, appending a marker for every defect it plants.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt

from frontline.names import homophone, pinyin_spelling, stray_spaces, traditional
from frontline.synth.config import DefectRates

_FULLWIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
RESIDENT_ALPHABET = "0123456789"
CHECK_ALPHABET = "0123456789X"


def _typo(value: str, rng: np.random.Generator, alphabet: str) -> str:
    pos = int(rng.integers(0, len(value) - 1))
    choices = [c for c in alphabet if c != value[pos]]
    return value[:pos] + choices[int(rng.integers(len(choices)))] + value[pos + 1 :]


def _transpose(value: str, rng: np.random.Generator) -> str | None:
    spots = [i for i in range(len(value) - 1) if value[i] != value[i + 1]]
    if not spots:
        return None
    i = spots[int(rng.integers(len(spots)))]
    return value[:i] + value[i + 1] + value[i] + value[i + 2 :]


def _wrong_check(value: str, rng: np.random.Generator, alphabet: str) -> str:
    choices = [c for c in alphabet if c != value[-1]]
    return value[:-1] + choices[int(rng.integers(len(choices)))]


def _spaced(value: str, rng: np.random.Generator) -> str:
    if rng.random() < 0.5:
        return f"{value[:6]} {value[6:14]} {value[14:]}"
    return f"{value[:6]}-{value[6:]}" if rng.random() < 0.5 else f" {value} "


def corrupt_identifiers(
    values: list[str],
    markers: list[list[str]],
    rng: np.random.Generator,
    rates: DefectRates,
    factor: float = 1.0,
    body_alphabet: str = RESIDENT_ALPHABET,
    check_alphabet: str = CHECK_ALPHABET,
) -> list[str]:
    """Plant identifier defects; ``factor`` scales the rates for a more or less careful source.

    Typos, transpositions and wrong check characters always break the check character (the
    codes are built to catch them), so none of them turns into another valid number.
    """
    kinds = (
        "id_missing",
        "id_digit_typo",
        "id_transposition",
        "id_wrong_check",
        "id_fullwidth",
        "id_spaces",
    )
    p = np.array(
        [rates.id_missing, rates.id_digit_typo, rates.id_transposition, rates.id_wrong_check,
         rates.id_fullwidth, rates.id_spaces]
    ) * factor  # fmt: skip
    bounds = np.cumsum(p)
    draws = rng.random(len(values))
    out = list(values)
    for i in np.flatnonzero(draws < bounds[-1]).tolist():
        value = out[i]
        if len(value) != 18:  # old 15-digit numbers have no check digit to break
            continue
        kind = kinds[int(np.searchsorted(bounds, draws[i], side="right"))]
        changed: str | None
        if kind == "id_missing":
            changed = ""
        elif kind == "id_digit_typo":
            changed = _typo(value, rng, body_alphabet)
        elif kind == "id_transposition":
            changed = _transpose(value, rng)
        elif kind == "id_wrong_check":
            changed = _wrong_check(value, rng, check_alphabet)
        elif kind == "id_fullwidth":
            changed = value.translate(_FULLWIDTH)
        else:
            changed = _spaced(value, rng)
        if changed is not None and changed != value:
            out[i] = changed
            markers[i].append(kind)
    lower = rng.random(len(out)) < rates.id_lowercase_x
    for i in np.flatnonzero(lower).tolist():
        if out[i].endswith("X"):
            out[i] = out[i][:-1] + "x"
            markers[i].append("id_lowercase_x")
    return out


def vary_names(
    values: list[str],
    markers: list[list[str]],
    rng: np.random.Generator,
    rates: DefectRates,
    factor: float = 1.0,
    applicable: npt.NDArray[np.bool_] | None = None,
) -> list[str]:
    """Plant name variants: homophones, traditional forms, pinyin spellings, stray spaces.

    ``applicable`` limits them to some rows (a person's name, not an enterprise's); empty
    names are left alone.
    """
    variants: tuple[tuple[str, float, Callable[[str], str | None]], ...] = (
        ("name_homophone", rates.name_homophone, lambda v: homophone(v, rng)),
        ("name_traditional", rates.name_traditional, traditional),
        ("name_pinyin", rates.name_pinyin, pinyin_spelling),
        ("name_spaces", rates.name_spaces, lambda v: stray_spaces(v, rng)),
    )
    out = list(values)
    for kind, rate, vary in variants:
        chosen = rng.random(len(out)) < rate * factor
        if applicable is not None:
            chosen &= applicable
        for i in np.flatnonzero(chosen).tolist():
            if not out[i] or any(m.startswith("name_") for m in markers[i]):
                continue
            changed = vary(out[i])
            if changed is not None and changed != out[i]:
                out[i] = changed
                markers[i].append(kind)
    return out


DATE_STYLES = ("iso", "compact", "slash", "chinese", "dot")


def format_date(day: date, style: str) -> str:
    """One date written in one of the styles departments use."""
    if style == "iso":
        return day.isoformat()
    if style == "compact":
        return day.strftime("%Y%m%d")
    if style == "slash":
        return f"{day.year}/{day.month}/{day.day}"
    if style == "chinese":
        return f"{day.year}年{day.month}月{day.day}日"
    if style == "dot":
        return day.strftime("%Y.%m.%d")
    raise ValueError(f"unknown date style {style!r}")


def mixed_dates(
    days: npt.NDArray[np.datetime64],
    markers: list[list[str]],
    rng: np.random.Generator,
    usual: str,
    share: float = 0.0,
) -> list[str]:
    """Dates in the source's ``usual`` style, about ``share`` of them in one of the others
    (each marked ``date_<style>``); NaT gives an empty string."""
    others = [s for s in DATE_STYLES if s != usual]
    unusual = rng.random(len(days)) < share
    picks = rng.integers(0, len(others), len(days))
    out: list[str] = []
    for i, day in enumerate(days.astype("datetime64[D]").tolist()):
        if day is None:
            out.append("")
        elif unusual[i]:
            style = others[int(picks[i])]
            out.append(format_date(day, style))
            markers[i].append(f"date_{style}")
        else:
            out.append(format_date(day, usual))
    return out


def conflicting_dates(
    days: npt.NDArray[np.datetime64],
    markers: list[list[str]],
    rng: np.random.Generator,
    rate: float,
    marker: str = "birth_date_conflict",
) -> npt.NDArray[np.datetime64]:
    """Plant wrong dates: day and month swapped where that gives another real date, else a
    day a few days off (a mistyped digit)."""
    out = days.astype("datetime64[D]").copy()
    for i in np.flatnonzero(rng.random(len(out)) < rate).tolist():
        day = out[i].astype(object)
        if day is None:
            continue
        try:
            swapped = day.replace(month=day.day, day=day.month)
        except ValueError:
            swapped = day
        changed = swapped if swapped != day else day + timedelta(days=int(rng.integers(1, 10)))
        out[i] = np.datetime64(changed, "D")
        markers[i].append(marker)
    return out


def conflicting_sexes(
    values: list[str], markers: list[list[str]], rng: np.random.Generator, rate: float
) -> list[str]:
    """Plant the wrong sex (男 for 女 and back)."""
    out = list(values)
    flip = {"男": "女", "女": "男"}
    for i in np.flatnonzero(rng.random(len(out)) < rate).tolist():
        if out[i] in flip:
            out[i] = flip[out[i]]
            markers[i].append("sex_conflict")
    return out


def mixed_phones(
    phones: list[str], markers: list[list[str]], rng: np.random.Generator, share: float
) -> list[str]:
    """Mobile numbers, ``share`` of them written with spaces, dashes or a country code."""
    out = list(phones)
    for i in np.flatnonzero(rng.random(len(out)) < share).tolist():
        p = out[i]
        if len(p) != 11:
            continue
        style = int(rng.integers(3))
        out[i] = (f"{p[:3]} {p[3:7]} {p[7:]}", f"{p[:3]}-{p[3:7]}-{p[7:]}", f"+86 {p}")[style]
        markers[i].append("phone_format")
    return out


def stale_values(
    current: list[str],
    previous: list[str],
    markers: list[list[str]],
    rng: np.random.Generator,
    rate: float,
    marker: str,
    groups: npt.NDArray[np.int64] | None = None,
) -> list[str]:
    """Replace about ``rate`` of the values by the previous ones a department never updated.

    With ``groups`` (such as households) the choice is made per group, for all its rows.
    """
    out = list(current)
    if groups is None:
        stale = rng.random(len(out)) < rate
    else:
        stale = (rng.random(int(groups.max(initial=-1)) + 1) < rate)[groups]
    for i in np.flatnonzero(stale).tolist():
        if current[i] and previous[i] and previous[i] != current[i]:
            out[i] = previous[i]
            markers[i].append(marker)
    return out
