"""Explicit, recorded repairs of identifier text typed or exported by departments.

Department exports carry identifiers with full-width digits (typed with a Chinese
input method), grouping spaces, dashes and a lowercase x. These are layout, not
content, so they are undone here; each kind of repair is recorded so that data
quality reports can say what was changed. Nothing here changes a digit's value: a
number that fails its check is never turned into another number.

The character sets are plain constants because the DuckDB forms in `sql.py` build
their `translate()` calls from the same strings, which keeps both forms identical.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from enum import StrEnum
from functools import cache


class Repair(StrEnum):
    """One kind of normalisation applied to an identifier."""

    FULLWIDTH_DIGITS = "fullwidth_digits"
    FULLWIDTH_LETTERS = "fullwidth_letters"
    WHITESPACE = "whitespace"
    DASHES = "dashes"
    LOWERCASE_X = "lowercase_x"
    LOWERCASE_LETTERS = "lowercase_letters"
    UPGRADED_15_TO_18 = "upgraded_15_to_18"


# Spaces of every width, line breaks, and the invisible zero-width characters that
# copy-paste from web pages and Word documents leaves behind.
SPACES = (
    " \t\n\r\v\f\x85\xa0\u1680"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
    "\u200b\u200c\u200d\u2060\ufeff"
)
# Hyphens, dashes and minus signs (Unicode Pd plus the minus-like symbols).
DASHES = (
    "-\u058a\u05be\u1400\u1806\u2010\u2011\u2012\u2013\u2014\u2015\u2043"
    "\u207b\u208b\u2212\u23af\u2e3a\u2e3b\u2e5d\ufe31\ufe32\ufe58\ufe63\uff0d"
)
FULLWIDTH_DIGITS = "".join(chr(0xFF10 + i) for i in range(10))
FULLWIDTH_UPPER = "".join(chr(0xFF21 + i) for i in range(26))
FULLWIDTH_LOWER = "".join(chr(0xFF41 + i) for i in range(26))
FULLWIDTH_LETTERS = FULLWIDTH_UPPER + FULLWIDTH_LOWER


@dataclass(frozen=True, slots=True)
class Normalizer:
    """Normalises one kind of code; `lowercase` lists the ASCII letters it upper-cases.

    Resident IDs upper-case only x (any other letter is a format error that should stay
    visible); credit codes upper-case every letter.
    """

    lowercase: str
    lowercase_repair: Repair

    @property
    def translate_from(self) -> str:
        """Characters mapped or deleted, in the order `translate_to` pairs them."""
        return (
            FULLWIDTH_DIGITS + FULLWIDTH_UPPER + FULLWIDTH_LOWER + self.lowercase + SPACES + DASHES
        )

    @property
    def translate_to(self) -> str:
        """Replacements for the leading characters of `translate_from`; the rest are deleted."""
        lowered = "".join(c.upper() if c in self.lowercase else c for c in string.ascii_lowercase)
        return string.digits + string.ascii_uppercase + lowered + self.lowercase.upper()

    @property
    def lowercase_sources(self) -> str:
        """Characters whose presence records the lowercase repair (ASCII or full-width)."""
        return self.lowercase + "".join(chr(ord(c) - 0x61 + 0xFF41) for c in self.lowercase)

    def repairs_needed(self, text: str) -> tuple[Repair, ...]:
        """Return the repairs `normalize` applies to `text`, in `Repair` order."""
        present = set(text)
        found = [
            (Repair.FULLWIDTH_DIGITS, FULLWIDTH_DIGITS),
            (Repair.FULLWIDTH_LETTERS, FULLWIDTH_LETTERS),
            (Repair.WHITESPACE, SPACES),
            (Repair.DASHES, DASHES),
            (self.lowercase_repair, self.lowercase_sources),
        ]
        return tuple(repair for repair, chars in found if not present.isdisjoint(chars))

    def normalize(self, text: str) -> tuple[str, tuple[Repair, ...]]:
        """Return the normalised text and the repairs applied to get it."""
        return text.translate(_table(self)), self.repairs_needed(text)


@cache
def _table(normalizer: Normalizer) -> dict[int, str | None]:
    source, target = normalizer.translate_from, normalizer.translate_to
    table: dict[int, str | None] = {ord(c): None for c in source[len(target) :]}
    table.update({ord(c): r for c, r in zip(source, target, strict=False)})
    return table


RESIDENT_NORMALIZER = Normalizer(lowercase="x", lowercase_repair=Repair.LOWERCASE_X)
CREDIT_CODE_NORMALIZER = Normalizer(
    lowercase=string.ascii_lowercase, lowercase_repair=Repair.LOWERCASE_LETTERS
)
