"""Chinese surnames: frequencies, correct readings, and splitting a full name."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

from pypinyin import lazy_pinyin

from frontline.names.datafile import read_rows
from frontline.names.minority import segment_minority
from frontline.names.script import MIDDLE_DOT, canonical_name, has_han


@dataclass(frozen=True, slots=True)
class Surname:
    """One row of ``surnames.csv``.

    ``reading`` is tone-less pinyin with ``v`` for ü (吕 ``lv``), as pypinyin writes it;
    ``special`` marks surnames read differently from pypinyin's default for the characters
    (单 shan, not dan); ``weight`` is an approximate share per 10,000 people.
    """

    surname: str
    reading: str
    weight: float
    compound: bool
    special: bool


@dataclass(frozen=True, slots=True, eq=False)
class SurnameTable:
    """All listed surnames in file order (most frequent first), with a lookup by surname."""

    surnames: tuple[Surname, ...]
    by_surname: Mapping[str, Surname]

    def __len__(self) -> int:
        return len(self.surnames)

    def __contains__(self, surname: object) -> bool:
        return surname in self.by_surname

    def get(self, surname: str) -> Surname | None:
        """The listed surname, or None."""
        return self.by_surname.get(surname)

    @property
    def compounds(self) -> tuple[Surname, ...]:
        """The two-character surnames (欧阳, 司马, …)."""
        return tuple(s for s in self.surnames if s.compound)


@lru_cache(maxsize=1)
def surname_table() -> SurnameTable:
    """Load ``surnames.csv`` once."""
    surnames = tuple(
        Surname(
            surname=row["surname"],
            reading=row["reading"],
            weight=float(row["weight"]),
            compound=row["compound"] == "1",
            special=row["special"] == "1",
        )
        for row in read_rows("surnames.csv")
    )
    return SurnameTable(surnames, MappingProxyType({s.surname: s for s in surnames}))


def split_name(full_name: str) -> tuple[str, str]:
    """Split a name into (surname, given name), both in canonical form (see ``canonical_name``).

    Listed compound surnames are tried first (欧阳晓东 → 欧阳, 晓东) when at least one character
    follows them, then listed single-character surnames. Names without a family surname give
    ``("", name)``: minority names with a middle dot (买买提·艾力: the part before the dot is
    the person's own name, the part after it the father's), Tibetan and Mongolian names made
    of listed parts (扎西次仁, 巴特尔), two or more listed Uyghur or Kazakh parts whose dot was
    dropped (艾力阿不都, checked before surnames because 艾 is one), and romanised names. An
    unlisted first character is still taken as a (rare) surname. A lone character is a surname
    if listed, else a given name.
    """
    text = canonical_name(full_name)
    table = surname_table()
    if not has_han(text) or MIDDLE_DOT in text:
        return "", text
    if len(text) == 1:
        return (text, "") if text in table else ("", text)
    if segment_minority(text, dotless_only=True) is not None:
        return "", text
    parts = segment_minority(text)
    if parts is not None and len(parts) >= 2:
        # A Uyghur or Kazakh name whose middle dot was dropped (艾力阿不都, not 艾 + 力阿不都).
        return "", text
    head = table.get(text[:2])
    if len(text) >= 3 and head is not None and head.compound:
        return text[:2], text[2:]
    if text[0] in table:
        return text[0], text[1:]
    if parts is not None:
        return "", text  # a lone Uyghur or Kazakh name part (买买提)
    return text[0], text[1:]


def surname_reading(surname: str) -> str:
    """Tone-less pinyin of a surname as a surname (单 → ``shan``, 尉迟 → ``yuchi``).

    Unlisted surnames fall back to pypinyin's default reading of the characters.
    """
    text = canonical_name(surname)
    listed = surname_table().get(text)
    if listed is not None:
        return listed.reading
    return "".join(lazy_pinyin(text))
