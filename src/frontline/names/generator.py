"""Fast, deterministic drawing of realistic Chinese names for synthetic populations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from frontline.names.distribution import Distribution
from frontline.names.given_names import COHORTS, cohort_index, given_chars, whole_given_names
from frontline.names.minority import minority_table
from frontline.names.script import MIDDLE_DOT
from frontline.names.sex import fits
from frontline.names.surnames import surname_table

# Share of people per cohort (COHORTS order) whose given name is a whole name typical of the
# cohort (建国, 秀英 / 一诺, 梓萱) rather than composed from characters: era names were common.
_WHOLE_SHARE = (0.35, 0.30, 0.20, 0.30)
# Share of one-character given names: about a quarter for people born before 2000, few since.
_SINGLE_SHARE = (0.22, 0.26, 0.22, 0.06)
# Four-character Tibetan names (次仁卓玛) are more common than two-character ones (扎西).
_TWO_PART_SHARE = 0.7


@dataclass(frozen=True, slots=True, eq=False)
class _GivenSampler:
    """Per (cohort, sex) group: distributions over ``tokens`` (index 0 is the empty string)."""

    tokens: npt.NDArray[np.str_]
    whole: tuple[Distribution, ...]
    single: tuple[Distribution, ...]
    first: tuple[Distribution, ...]
    last: tuple[Distribution, ...]


@lru_cache(maxsize=1)
def _surname_distribution() -> tuple[npt.NDArray[np.str_], Distribution]:
    table = surname_table()
    names = np.array([s.surname for s in table.surnames])
    return names, Distribution.from_weights(
        list(range(len(names))), [s.weight for s in table.surnames]
    )


def _blocked_first_chars() -> set[str]:
    """Characters that must not start a given name: after a single surname they would read as
    a compound surname (欧 + 阳光 would split as 欧阳 + 光)."""
    table = surname_table()
    return {s.surname[1] for s in table.compounds if s.surname[0] in table}


@lru_cache(maxsize=1)
def _given_sampler() -> _GivenSampler:
    chars = given_chars()
    wholes = whole_given_names()
    tokens = ["", *(c.char for c in chars), *(w.given for w in wholes)]
    char_tokens = list(range(1, len(chars) + 1))
    whole_tokens = list(range(len(chars) + 1, len(tokens)))
    blocked = _blocked_first_chars()
    whole: list[Distribution] = []
    single: list[Distribution] = []
    first: list[Distribution] = []
    last: list[Distribution] = []
    # Group order is cohort * 2 + (0 for male, 1 for female), as computed in draw_given_names.
    for cohort in range(len(COHORTS)):
        for is_male in (True, False):
            base = [c.weights[cohort] if fits(c.sex, is_male) else 0.0 for c in chars]
            starts = [
                w if c.position != "last" and c.char not in blocked else 0.0
                for c, w in zip(chars, base, strict=True)
            ]
            ends = [w if c.position != "first" else 0.0 for c, w in zip(chars, base, strict=True)]
            alone = [w if c.char not in blocked else 0.0 for c, w in zip(chars, ends, strict=True)]
            whole.append(
                Distribution.from_weights(
                    whole_tokens,
                    [
                        w.weight
                        if w.cohort == cohort and fits(w.sex, is_male) and w.given[0] not in blocked
                        else 0.0
                        for w in wholes
                    ],
                )
            )
            single.append(Distribution.from_weights(char_tokens, alone))
            first.append(Distribution.from_weights(char_tokens, starts))
            last.append(Distribution.from_weights(char_tokens, ends))
    return _GivenSampler(np.array(tokens), tuple(whole), tuple(single), tuple(first), tuple(last))


def draw_surnames(rng: np.random.Generator, n: int) -> npt.NDArray[np.str_]:
    """Frequency-weighted surnames (used for household heads; children take the father's
    surname)."""
    names, choice = _surname_distribution()
    return names[choice.take(rng.random(n))]


def draw_given_names(
    rng: np.random.Generator,
    is_male: npt.NDArray[np.bool_],
    birth_years: npt.NDArray[np.integer[Any]],
) -> npt.NDArray[np.str_]:
    """Given names only (1 or 2 characters, ~25% one character in older cohorts, fewer in young),
    cohort- and sex-aware. Never starts with a character that would make surname + given name
    read as a listed compound surname, so ``split_name`` recovers the parts."""
    males = np.asarray(is_male, dtype=np.bool_)
    years = np.asarray(birth_years)
    if males.shape != years.shape or males.ndim != 1:
        raise ValueError("is_male and birth_years must be 1-d arrays of the same length")
    sampler = _given_sampler()
    n = len(males)
    uniforms = rng.random((4, n))
    groups = cohort_index(years) * 2 + (~males)
    head = np.zeros(n, dtype=np.intp)
    tail = np.zeros(n, dtype=np.intp)
    for group in range(2 * len(COHORTS)):
        members = np.flatnonzero(groups == group)
        if members.size == 0:
            continue
        cohort = group // 2
        kind = uniforms[0, members]
        is_whole = kind < _WHOLE_SHARE[cohort]
        is_single = ~is_whole & (kind < _WHOLE_SHARE[cohort] + _SINGLE_SHARE[cohort])
        is_pair = ~(is_whole | is_single)
        pick = uniforms[1, members]
        head[members[is_whole]] = sampler.whole[group].take(pick[is_whole])
        tail[members[is_single]] = sampler.single[group].take(pick[is_single])
        pairs = members[is_pair]
        head[pairs] = sampler.first[group].take(pick[is_pair])
        tail[pairs] = sampler.last[group].take(uniforms[2, pairs])
        if group % 2 == 0:
            # Doubled characters (婷婷) are a girls' pattern; redraw a boy's second character once.
            doubled = pairs[head[pairs] == tail[pairs]]
            tail[doubled] = sampler.last[group].take(uniforms[3, doubled])
    return np.strings.add(sampler.tokens[head], sampler.tokens[tail])


@dataclass(frozen=True, slots=True, eq=False)
class _MinoritySampler:
    """Distributions over ``minority_table().parts`` indices."""

    own: tuple[Distribution, Distribution]  # female, male
    # Own-name distribution per (ethnicity, is_male), for drawing within a known ethnicity.
    own_within: dict[tuple[str, bool], Distribution]
    # Second-part distribution per (ethnicity, is_male), for ethnicities that have second parts.
    second: dict[tuple[str, bool], Distribution]
    dotted: frozenset[str]


@lru_cache(maxsize=1)
def _minority_sampler() -> _MinoritySampler:
    parts = minority_table().parts
    indices = list(range(len(parts)))
    dotted = frozenset(p.ethnicity for p in parts if p.dot)

    def weights(role: str, ethnicity: str | None, is_male: bool | None) -> list[float]:
        return [
            p.weight
            if p.role == role
            and (ethnicity is None or p.ethnicity == ethnicity)
            and (is_male is None or fits(p.sex, is_male))
            else 0.0
            for p in parts
        ]

    own = (
        Distribution.from_weights(indices, weights("given", None, False)),
        Distribution.from_weights(indices, weights("given", None, True)),
    )
    own_within: dict[tuple[str, bool], Distribution] = {}
    second: dict[tuple[str, bool], Distribution] = {}
    for ethnicity in minority_table().ethnicities:
        for is_male in (False, True):
            own_within[ethnicity, is_male] = Distribution.from_weights(
                indices, weights("given", ethnicity, is_male)
            )
            # A dotted second part is the father's name, whatever the person's sex.
            w = weights("second", ethnicity, None if ethnicity in dotted else is_male)
            if any(w):
                second[ethnicity, is_male] = Distribution.from_weights(indices, w)
    return _MinoritySampler(own, own_within, second, dotted)


def draw_minority_names(
    rng: np.random.Generator,
    is_male: npt.NDArray[np.bool_],
    n: int | None = None,
    *,
    ethnicities: Sequence[str] | npt.NDArray[np.str_] | None = None,
) -> list[str]:
    """Minority-style names, one per person: Uyghur and Kazakh ``own·father`` (阿依古丽·吐尔逊),
    Tibetan with one or two parts (扎西, 次仁卓玛), Mongolian (巴特尔).

    ``n``, when given, must equal ``len(is_male)``. ``minority_group`` on a result gives the
    matching ethnicity (民族). With ``ethnicities`` (one per person, e.g. a household head's
    ``minority_group``), each name is drawn within that ethnicity; any listed in
    ``minority_table().ethnicities`` is accepted.
    """
    males = np.asarray(is_male, dtype=np.bool_)
    if males.ndim != 1 or (n is not None and n != len(males)):
        raise ValueError(f"is_male must be 1-d and n ({n}) must match its length ({len(males)})")
    parts = minority_table().parts
    sampler = _minority_sampler()
    uniforms = rng.random((3, len(males)))
    if ethnicities is None:
        own = np.where(males, sampler.own[1].take(uniforms[0]), sampler.own[0].take(uniforms[0]))
    else:
        own = _own_within(sampler, males, np.asarray(ethnicities, dtype=np.str_), uniforms[0])
    groups = np.array([p.ethnicity for p in parts])[own]
    second = np.full(len(males), -1, dtype=np.intp)
    for (ethnicity, male), choice in sampler.second.items():
        members = np.flatnonzero((groups == ethnicity) & (males == male))
        if ethnicity not in sampler.dotted:
            # Dot-less (Tibetan) names have a second part most of the time, not always.
            members = members[uniforms[2, members] < _TWO_PART_SHARE]
        second[members] = choice.take(uniforms[1, members])
    names: list[str] = []
    for first, then in zip(own.tolist(), second.tolist(), strict=True):
        own_part = parts[first].part
        if then < 0:
            names.append(own_part)
        elif parts[first].dot:
            names.append(f"{own_part}{MIDDLE_DOT}{parts[then].part}")
        elif parts[then].part == own_part:
            names.append(own_part)  # 扎西 rather than 扎西扎西
        else:
            names.append(own_part + parts[then].part)
    return names


def _own_within(
    sampler: _MinoritySampler,
    males: npt.NDArray[np.bool_],
    ethnicities: npt.NDArray[np.str_],
    uniforms: npt.NDArray[np.float64],
) -> npt.NDArray[np.intp]:
    if ethnicities.shape != males.shape:
        raise ValueError("ethnicities must give one ethnicity per person")
    unknown = sorted(set(ethnicities.tolist()) - {e for e, _ in sampler.own_within})
    if unknown:
        raise ValueError(f"no minority names listed for {unknown}")
    own = np.zeros(len(males), dtype=np.intp)
    for (ethnicity, male), choice in sampler.own_within.items():
        members = np.flatnonzero((ethnicities == ethnicity) & (males == male))
        own[members] = choice.take(uniforms[members])
    return own


def draw_names(
    rng: np.random.Generator,
    is_male: npt.NDArray[np.bool_],
    birth_years: npt.NDArray[np.integer[Any]],
    minority_rate: float = 0.02,
) -> list[str]:
    """Draw one full name per person; realistic, frequency-weighted, cohort-aware; deterministic
    for the rng state.

    Han-style names are surname + given name (see ``draw_surnames``, ``draw_given_names``); a
    ``minority_rate`` share of people get a minority-style name instead (``draw_minority_names``).
    """
    if not 0.0 <= minority_rate <= 1.0:
        raise ValueError(f"minority_rate must be within [0, 1], got {minority_rate}")
    males = np.asarray(is_male, dtype=np.bool_)
    surnames = draw_surnames(rng, len(males))
    given = draw_given_names(rng, males, birth_years)
    names: list[str] = np.strings.add(surnames, given).tolist()
    chosen = np.flatnonzero(rng.random(len(males)) < minority_rate)
    if chosen.size:
        for index, name in zip(
            chosen.tolist(), draw_minority_names(rng, males[chosen]), strict=True
        ):
            names[index] = name
    return names
