"""Plain names: the common case, whose canonical form and pinyin key need no per-name work.

A *plain* name is two or more characters of the basic CJK block (``BASIC_HAN``), none of them
one that ``canonical_name`` changes (``changed_han``: traditional forms), whose first character
begins no listed minority name part. Nearly every name a department records is plain (about
nine in ten distinct names of the synthetic city; the rest carry traditional characters, stray
spaces or dots, romanisation, or may be minority names). For a plain name:

- ``canonical_name(name) == name``;
- ``split_name(name)`` takes a listed compound surname when the name has three or more
  characters and starts with one (欧阳晓东 → 欧阳, 晓东), else the first character (张伟 →
  张, 伟), because the minority-name checks that come first in ``split_name`` cannot apply;
- ``name_key(name) == surname_key(surname) + given_key(given)``.

So keys can be computed once per distinct surname and given name (a city of a million has some
85,000 distinct given names but 540,000 distinct names), and the plain test and the split are
simple enough to run in SQL over millions of rows: :func:`plain_rules` gives what they need.
``is_plain`` and ``plain_split`` are the same rules in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from frontline.names.minority import minority_table
from frontline.names.script import BASIC_HAN, changed_han
from frontline.names.surnames import surname_table


@dataclass(frozen=True, slots=True)
class PlainRules:
    """What decides whether a name is plain, and how a plain name splits."""

    changed: str
    """Every character of ``changed_han()``, sorted: a plain name contains none of them."""
    minority_first: str
    """Every first character of a listed minority name part, sorted: no plain name starts
    with one."""
    compounds: tuple[str, ...]
    """The listed compound surnames (欧阳, 司马, …), taken as the surname of a plain name of
    three or more characters that starts with one."""


@lru_cache(maxsize=1)
def plain_rules() -> PlainRules:
    """The rules, built once from OpenCC, pypinyin and the surname and minority tables."""
    return PlainRules(
        changed="".join(sorted(changed_han())),
        minority_first="".join(sorted(minority_table().first_chars)),
        compounds=tuple(s.surname for s in surname_table().compounds),
    )


def is_plain(name: str) -> bool:
    """Whether ``name`` is plain (see the module's description); no trimming is done."""
    rules = plain_rules()
    changed = changed_han()
    return (
        len(name) >= 2
        and all(BASIC_HAN[0] <= ch <= BASIC_HAN[1] and ch not in changed for ch in name)
        and name[0] not in rules.minority_first
    )


def plain_split(name: str) -> tuple[str, str] | None:
    """``split_name(name)`` for a plain name, decided by the plain rules; None if not plain."""
    if not is_plain(name):
        return None
    if len(name) >= 3 and name[:2] in plain_rules().compounds:
        return name[:2], name[2:]
    return name[:1], name[1:]
