"""Same-sounding characters a clerk picks from the pinyin input method instead of the right one."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType

from frontline.names.datafile import read_rows


@lru_cache(maxsize=1)
def homophone_table() -> Mapping[str, tuple[str, ...]]:
    """Map a given-name character to its substitutes (丽 → 莉, 俐, 俪), in file order.

    Every substitute has the same tone-less pypinyin reading as the character it replaces.
    """
    table: dict[str, list[str]] = {}
    for row in read_rows("homophones.csv"):
        table.setdefault(row["char"], []).append(row["substitute"])
    return MappingProxyType({char: tuple(subs) for char, subs in table.items()})
