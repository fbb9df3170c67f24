"""Names of minority peoples written as Chinese transliterations (买买提·艾力, 扎西次仁, 巴特尔)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Literal

from frontline.names.datafile import read_rows
from frontline.names.script import MIDDLE_DOT, canonical_name
from frontline.names.sex import Sex, parse_sex

Role = Literal["given", "second"]


@dataclass(frozen=True, slots=True)
class MinorityPart:
    """One row of ``minority.csv``: a name part and how it is used.

    ``role`` is ``given`` for a person's own name and ``second`` for what follows it: the
    father's name in Uyghur and Kazakh naming (written after a middle dot), or the second
    half of a four-character Tibetan name. ``dot`` says whether the people write the dot.
    ``reading`` is the tone-less pinyin syllables (阿布都拉: a bu du la, not pypinyin's dou).
    """

    part: str
    reading: tuple[str, ...]
    ethnicity: str
    role: Role
    sex: Sex
    dot: bool
    weight: float


@dataclass(frozen=True, slots=True, eq=False)
class MinorityTable:
    """All minority name parts, in file order, with lookups built once by the loader."""

    parts: tuple[MinorityPart, ...]
    ethnicity_by_part: Mapping[str, str]
    reading_by_part: Mapping[str, tuple[str, ...]]
    dotless_parts: frozenset[str]
    first_chars: frozenset[str]
    longest: int

    @property
    def ethnicities(self) -> tuple[str, ...]:
        """Ethnicities in the order they first appear in the file."""
        return tuple(dict.fromkeys(p.ethnicity for p in self.parts))

    def ethnicity_of(self, part: str) -> str | None:
        """The ethnicity a name part belongs to, or None when it is not listed."""
        return self.ethnicity_by_part.get(part)

    def reading_of(self, part: str) -> tuple[str, ...] | None:
        """The pinyin syllables of a listed name part, or None."""
        return self.reading_by_part.get(part)


@lru_cache(maxsize=1)
def minority_table() -> MinorityTable:
    """Load ``minority.csv`` once."""
    parts = tuple(
        MinorityPart(
            part=row["part"],
            reading=tuple(row["reading"].split()),
            ethnicity=row["ethnicity"],
            role=_role(row["role"]),
            sex=parse_sex(row["sex"]),
            dot=row["dot"] == "1",
            weight=float(row["weight"]),
        )
        for row in read_rows("minority.csv")
    )
    dotted = {p.ethnicity for p in parts if p.dot}
    return MinorityTable(
        parts=parts,
        ethnicity_by_part=MappingProxyType({p.part: p.ethnicity for p in parts}),
        reading_by_part=MappingProxyType({p.part: p.reading for p in parts}),
        dotless_parts=frozenset(p.part for p in parts if p.ethnicity not in dotted),
        first_chars=frozenset(p.part[0] for p in parts),
        longest=max(len(p.part) for p in parts),
    )


def segment_minority(text: str, *, dotless_only: bool = False) -> tuple[str, ...] | None:
    """Split a dot-less name into listed minority parts (扎西次仁 → 扎西, 次仁), or None.

    With ``dotless_only`` only parts of peoples who write no dot (Tibetan, Mongolian) count,
    which is how ``split_name`` recognises names that have no surname at all.
    """
    table = minority_table()
    if not text or text[0] not in table.first_chars:
        return None  # the common case for Han names, decided without the search below
    known = table.dotless_parts if dotless_only else table.ethnicity_by_part.keys()
    # Fewest parts by dynamic programming over end positions; every part has 2+ characters.
    best: list[tuple[str, ...] | None] = [None] * (len(text) + 1)
    best[0] = ()
    for end in range(1, len(text) + 1):
        for start in range(max(0, end - table.longest), end - 1):
            before = best[start]
            if before is not None and text[start:end] in known:
                candidate = (*before, text[start:end])
                current = best[end]
                if current is None or len(candidate) < len(current):
                    best[end] = candidate
    found = best[len(text)]
    return found if found else None


def minority_group(name: str) -> str | None:
    """The ethnicity (民族, e.g. ``维吾尔族``) suggested by a minority-style name, else None.

    Useful to keep a synthetic person's ethnicity consistent with the name drawn for them.
    Han-style names, including those of minority people who use them, give None.
    """
    text = canonical_name(name)
    table = minority_table()
    if MIDDLE_DOT in text:
        pieces: tuple[str, ...] | None = tuple(p for p in text.split(MIDDLE_DOT) if p)
    else:
        pieces = segment_minority(text)
    for piece in pieces or ():
        ethnicity = table.ethnicity_of(piece)
        if ethnicity is not None:
            return ethnicity
    return None


def _role(value: str) -> Role:
    if value == "given":
        return "given"
    if value == "second":
        return "second"
    raise ValueError(f"unknown role in minority.csv: {value!r}")
