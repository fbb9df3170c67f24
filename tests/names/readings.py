"""Checks that a written reading is one pypinyin knows for the characters."""

from __future__ import annotations

from pypinyin import Style, pinyin


def heteronyms(char: str) -> set[str]:
    """All tone-less readings pypinyin lists for one character."""
    return set(pinyin(char, style=Style.NORMAL, heteronym=True)[0])


def default_reading(text: str) -> str:
    """pypinyin's default tone-less reading of the text, syllables joined."""
    return "".join(s[0] for s in pinyin(text, style=Style.NORMAL))


def fits_heteronyms(chars: str, reading: str) -> bool:
    """Whether ``reading`` (syllables joined) is one listed reading per character, in order."""
    if not chars:
        return reading == ""
    return any(
        reading.startswith(option) and fits_heteronyms(chars[1:], reading[len(option) :])
        for option in heteronyms(chars[0])
    )
