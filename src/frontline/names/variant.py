"""Name defects for the synthetic city: what clerks in different departments actually type.

Each variant is a pure function of a name and a numpy ``Generator``; it returns the defective
name, or None when it does not apply. Names are taken in canonical form (as drawn).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

import numpy as np

from frontline.names.homophones import homophone_table
from frontline.names.pinyin import name_key, name_pinyin
from frontline.names.script import MIDDLE_DOT, canonical_name, to_traditional
from frontline.names.surnames import split_name

Variant = Callable[[str, np.random.Generator], str | None]

_SPACES = (" ", "\u3000")
_DOT_SUBSTITUTES = ("\u2022", "\u30fb", ".", "\uff0e", " ", "")


def _pick(rng: np.random.Generator, options: tuple[str, ...] | list[str]) -> str:
    return options[int(rng.integers(len(options)))]


def homophone(name: str, rng: np.random.Generator) -> str | None:
    """Replace one given-name character by a same-sounding one (丽 → 莉), so that the name's
    pinyin key stays the same; None if no character has one."""
    text = canonical_name(name)
    _, given = split_name(text)
    table = homophone_table()
    start = len(text) - len(given)
    positions = [i for i in range(start, len(text)) if text[i] in table]
    if not positions:
        return None
    index = positions[int(rng.integers(len(positions)))]
    varied = text[:index] + _pick(rng, table[text[index]]) + text[index + 1 :]
    key = name_key(text)
    if name_key(varied) == key:
        return varied
    # A character read differently inside a word (长 in 长健 is zhang to pypinyin's phrase
    # table, chang alone): the variant would not sound the same; take the first that does.
    for i in positions:
        for other in table[text[i]]:
            candidate = text[:i] + other + text[i + 1 :]
            if name_key(candidate) == key:
                return candidate
    return None


def traditional(name: str, rng: np.random.Generator | None = None) -> str | None:
    """The name in traditional characters (单国华 → 單國華); None when nothing changes.

    ``rng`` is unused: it is accepted so every variant has the same signature.
    """
    converted = to_traditional(name)
    return None if converted == name else converted


def pinyin_spelling(name: str, rng: np.random.Generator | None = None) -> str | None:
    """The romanised name (``Shan Guohua``), as a clerk of a foreign-facing system enters it.

    None when the name is empty or already romanised. ``rng`` is unused.
    """
    spelled = name_pinyin(name)
    return None if not spelled or spelled == name else spelled


def stray_spaces(name: str, rng: np.random.Generator) -> str | None:
    """Insert one space or full-width space between surname and given name, at a middle dot, or
    at the end. None only for an empty name."""
    text = canonical_name(name)
    if not text:
        return None
    surname, given = split_name(text)
    positions = [len(text)]
    if surname and given:
        positions.append(len(surname))
    dot = text.find(MIDDLE_DOT)
    if dot >= 0:
        positions.extend((dot, dot + 1))
    where = positions[int(rng.integers(len(positions)))]
    return text[:where] + _pick(rng, _SPACES) + text[where:]


def dot_variant(name: str, rng: np.random.Generator) -> str | None:
    """Replace the middle dot by a look-alike (•, ・, ., ．), a space, or nothing.

    None when the name has no middle dot.
    """
    text = canonical_name(name)
    if MIDDLE_DOT not in text:
        return None
    return text.replace(MIDDLE_DOT, _pick(rng, _DOT_SUBSTITUTES))


VARIANTS: Mapping[str, Variant] = MappingProxyType(
    {
        "homophone": homophone,
        "traditional": traditional,
        "pinyin": pinyin_spelling,
        "stray_spaces": stray_spaces,
        "dot": dot_variant,
    }
)
"""Every variant by name, for a generator that picks defects by kind."""
