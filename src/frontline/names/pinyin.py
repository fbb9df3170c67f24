"""Romanised names as departments record them, and pinyin keys for comparing names."""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin

from frontline.names.minority import minority_table, segment_minority
from frontline.names.script import MIDDLE_DOT, canonical_name, has_han
from frontline.names.surnames import split_name, surname_reading


@lru_cache(maxsize=65536)
def _syllables(chars: str) -> tuple[str, ...]:
    # Whole given names go to pypinyin at once so its phrase dictionary settles heteronyms.
    return tuple(lazy_pinyin(chars, style=Style.NORMAL))


def _part_syllables(part: str) -> tuple[str, ...]:
    # Minority name parts carry their own readings: pypinyin reads 都 in 阿布都拉 as dou.
    return minority_table().reading_of(part) or _syllables(part)


def _word(syllables: tuple[str, ...] | list[str]) -> str:
    """Join syllables into one capitalised word, ü written ``yu``.

    No apostrophes (Xi'an): passports and department systems leave them out.
    """
    # pypinyin writes ü as v (lv, nve); Chinese passports write yu (LYU).
    word = "".join(syllables).replace("v", "yu")
    return word[:1].upper() + word[1:]


def name_pinyin(name: str) -> str:
    """The romanised name a department would record: ``单国华`` → ``Shan Guohua``.

    Surname first, as one capitalised word with its surname reading (欧阳 → Ouyang, 曾 → Zeng);
    the given name as one word, read with pypinyin's phrase dictionary. Names with a middle
    dot give one word per part (买买提·艾力 → Maimaiti Aili); Tibetan and Mongolian names one
    word per listed part. ü is written ``yu`` (吕 → Lyu). Romanised input is re-capitalised.
    """
    text = canonical_name(name)
    if not has_han(text):
        return " ".join(word[:1].upper() + word[1:].lower() for word in text.split())
    if MIDDLE_DOT in text:
        parts: tuple[str, ...] = tuple(p for p in text.split(MIDDLE_DOT) if p)
        return " ".join(_word(_part_syllables(p)) for p in parts)
    surname, given = split_name(text)
    if not surname:
        parts = segment_minority(given) or (given,)
        return " ".join(_word(_part_syllables(p)) for p in parts)
    words = [_word([surname_reading(surname)])]
    if given:
        words.append(_word(_syllables(given)))
    return " ".join(words)


@lru_cache(maxsize=262144)
def name_key(name: str) -> str:
    """A tone-less, space-less, lower-case pinyin key for blocking and comparing names.

    ``name_key("单国华") == "shanguohua"``. The key is the same for the traditional form,
    for stray (full-width) spaces, for look-alike or missing middle dots, and for the
    romanised form (``Shan Guohua``, ``SHAN GUOHUA``); ü, ``v`` and ``yu`` all become ``yu``.
    Different characters with the same sound share a key, which is the point for homophones.
    """
    spelled = name_pinyin(name).lower().replace("ü", "yu").replace("v", "yu")
    return "".join(ch for ch in spelled if ch.isalnum())
