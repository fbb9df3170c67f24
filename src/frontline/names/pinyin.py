"""Romanised names as departments record them, and pinyin keys for comparing names."""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin
from pypinyin.seg.simpleseg import seg

from frontline.names.minority import minority_table, segment_minority
from frontline.names.script import MIDDLE_DOT, canonical_name, has_han
from frontline.names.surnames import split_name, surname_reading


@lru_cache(maxsize=65536)
def _syllables(chars: str) -> tuple[str, ...]:
    """``lazy_pinyin(chars)``: whole given names go to pypinyin at once, so that its phrase
    dictionary settles heteronyms (解放 jiefang)."""
    # pypinyin cuts the text into words (phrases of its dictionary, single characters, runs
    # without Han characters: its default segmentation, ``seg``) and reads each word on its
    # own. Doing the same here, with each word's reading cached, gives the same syllables
    # several times faster: names share their words far more than they share whole strings.
    return tuple(syllable for word in seg(chars) for syllable in _word_syllables(word))


@lru_cache(maxsize=65536)
def _word_syllables(word: str) -> tuple[str, ...]:
    return tuple(lazy_pinyin(word, style=Style.NORMAL))


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


def _key_of(spelled: str) -> str:
    """The key of romanised text: lower case, ü and v written ``yu``, letters and digits only.

    Every step works character by character, except that ``str.lower`` looks at neighbouring
    letters for Σ; a space stops that, so the key of words joined by spaces is the keys of the
    words joined (``name_key`` relies on it).
    """
    spelled = spelled.lower().replace("ü", "yu").replace("v", "yu")
    return "".join(ch for ch in spelled if ch.isalnum())


@lru_cache(maxsize=32768)
def surname_key(surname: str) -> str:
    """The part of ``name_key`` that a surname gives: ``surname_key("单") == "shan"``.

    ``surname`` is a surname as ``split_name`` returns it (canonical).
    """
    return _key_of(_word([surname_reading(surname)]))


@lru_cache(maxsize=262144)
def given_key(given: str) -> str:
    """The part of ``name_key`` that a given name gives: ``given_key("国华") == "guohua"``.

    ``given`` is a given name as ``split_name`` returns it (canonical); read as a whole with
    pypinyin's phrase dictionary, as ``name_pinyin`` reads it.
    """
    return _key_of(_word(_syllables(given)))


@lru_cache(maxsize=262144)
def name_key(name: str) -> str:
    """A tone-less, space-less, lower-case pinyin key for blocking and comparing names.

    ``name_key("单国华") == "shanguohua"``. The key is the same for the traditional form,
    for stray (full-width) spaces, for look-alike or missing middle dots, and for the
    romanised form (``Shan Guohua``, ``SHAN GUOHUA``); ü, ``v`` and ``yu`` all become ``yu``.
    Different characters with the same sound share a key, which is the point for homophones.

    It is the key of ``name_pinyin(name)``; for a name with a surname, that is
    ``surname_key(surname) + given_key(given)``, which is how it is computed: surnames and
    given names recur far more than whole names, and each part's key is cached.
    """
    text = canonical_name(name)
    if has_han(text) and MIDDLE_DOT not in text:
        surname, given = split_name(text)
        if surname:
            # name_pinyin gives the two words joined by a space; see _key_of.
            return surname_key(surname) + (given_key(given) if given else "")
    return _key_of(name_pinyin(name))
