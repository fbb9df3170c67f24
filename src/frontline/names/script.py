"""Writing-system normalisation of names: spaces, middle dots, traditional and simplified forms."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Protocol

import opencc
from pypinyin import lazy_pinyin

MIDDLE_DOT = "\u00b7"
"""U+00B7, the dot between the parts of transliterated minority names (买买提·艾力)."""

DOT_LOOKALIKES = "\u2022\u2027\u30fb\uff65\u2219\u22c5\u0387\u02d1\u16eb\uff0e."
"""Characters clerks type in place of the middle dot; all read as U+00B7."""

_DOTS = re.compile(f"[{re.escape(DOT_LOOKALIKES + MIDDLE_DOT)}]+")
_SPACE = re.compile(r"\s+")


class _Converter(Protocol):
    def convert(self, text: str) -> str: ...


@lru_cache(maxsize=2)
def _converter(config: str) -> _Converter:
    # Building an OpenCC converter reads its dictionaries (milliseconds), so build each once.
    converter: _Converter = opencc.OpenCC(config)
    return converter


def has_han(text: str) -> bool:
    """Whether the text contains at least one CJK unified ideograph."""
    return any("\u3400" <= ch <= "\u9fff" or "\U00020000" <= ch <= "\U0003134f" for ch in text)


def to_traditional(text: str) -> str:
    """Convert simplified characters to traditional ones (OpenCC ``s2t``)."""
    return _converter("s2t").convert(text)


@lru_cache(maxsize=8192)
def _simplified_char(ch: str) -> str:
    simple = _converter("t2s").convert(ch)
    # 乾 is a standard simplified character in names (乾坤) that t2s turns into 干; keep any
    # character whose conversion would change how it is read.
    if simple != ch and lazy_pinyin(simple) != lazy_pinyin(ch):
        return ch
    return simple


BASIC_HAN = ("\u4e00", "\u9fff")
"""The first and last character of the basic CJK Unified Ideographs block, where nearly every
character of a name lies. NFKC leaves every character of the block as it is."""


@lru_cache(maxsize=1)
def changed_han() -> frozenset[str]:
    """The characters of the basic block (``BASIC_HAN``) that ``canonical_name`` changes.

    These are traditional forms whose simplified form reads the same (單 → 单); every other
    character of the block is its own canonical form, so a name made only of such characters
    needs no conversion. Built once from OpenCC and pypinyin, in about 0.2 s.
    """
    converter = _converter("t2s")
    changed = set()
    for code in range(ord(BASIC_HAN[0]), ord(BASIC_HAN[1]) + 1):
        ch = chr(code)
        # Only characters OpenCC converts can change; _simplified_char decides on those.
        if unicodedata.normalize("NFKC", ch) != ch or (
            converter.convert(ch) != ch and _simplified_char(ch) != ch
        ):
            changed.add(ch)
    return frozenset(changed)


def to_simplified(text: str) -> str:
    """Convert traditional characters to simplified ones, character by character.

    Unlike plain OpenCC ``t2s``, a character is left alone when converting it would change
    its reading (乾 stays 乾), because names are compared by characters and by pinyin.
    """
    return "".join(_simplified_char(ch) for ch in text)


@lru_cache(maxsize=65536)
def canonical_name(name: str) -> str:
    """The form names are compared in: NFKC, simplified, middle dots unified, spaces dropped.

    Names containing Chinese characters lose all whitespace (full-width spaces included);
    look-alike dots (•, ・, ．, .) become U+00B7 and leading or trailing dots are removed.
    Romanised names keep single spaces between words.
    """
    text = unicodedata.normalize("NFKC", name)
    if not has_han(text):
        return _SPACE.sub(" ", text).strip()
    text = _SPACE.sub("", text)
    text = _DOTS.sub(MIDDLE_DOT, text).strip(MIDDLE_DOT)
    return to_simplified(text)
