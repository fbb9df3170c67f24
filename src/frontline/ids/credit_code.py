"""Unified social credit codes (统一社会信用代码, GB 32100).

Eighteen characters from the alphabet 0-9 and A-Y without I, O, S, V, Z:

    9 1 110000 60003734 1 L
    | | |      |        | `- check character, mod 31 over the first 17
    | | |      |        `--- check character of the organisation code (GB 11714)
    | | |      `------------ organisation code body, 8 characters
    | | `------------------- registering area, a GB/T 2260 code
    | `--------------------- entity type
    `----------------------- registering authority

python-stdnum (`stdnum.cn.uscc`) is the reference for the format and the mod-31
check; it does not check the embedded organisation code, which is done here and
reported with its own reason, `organization_checksum`.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

from frontline.ids.arrays import CREDIT_CODE_ALPHABET
from frontline.ids.normalization import CREDIT_CODE_NORMALIZER, Repair
from frontline.ids.registration import RegistrationType, registration_type
from frontline.ids.status import Reason, Status, status_of

# Weight of position i is 3**i mod 31.
_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
# GB 11714 values: digits 0-9, then letters A=10 ... Z=35.
_ORGANIZATION_ALPHABET = string.digits + string.ascii_uppercase
_ORGANIZATION_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


@dataclass(frozen=True, slots=True)
class ParsedCreditCode:
    """The outcome of checking one credit code value.

    The parts are set only when the status is not invalid; `repairs` lists what
    normalisation changed, also for invalid values.
    """

    original: str
    number: str | None
    status: Status
    reason: Reason | None
    repairs: tuple[Repair, ...]

    @property
    def is_valid(self) -> bool:
        """True when the value is a valid code, possibly after repair."""
        return self.status is not Status.INVALID

    @property
    def authority(self) -> str | None:
        """The registering authority character, e.g. "9"."""
        return self.number[0] if self.number else None

    @property
    def entity_type(self) -> str | None:
        """The entity type character, e.g. "1" (with authority 9: an enterprise)."""
        return self.number[1] if self.number else None

    @property
    def registration(self) -> RegistrationType | None:
        """Names of the authority and entity type, when the pair is known."""
        return registration_type(self.number) if self.number else None

    @property
    def area_code(self) -> str | None:
        """The 6-digit registering area code (characters 3-8)."""
        return self.number[2:8] if self.number else None

    @property
    def organization_code(self) -> str | None:
        """The 9-character organisation code (characters 9-17), check character included."""
        return self.number[8:17] if self.number else None


def check_char(body17: str) -> str:
    """The mod-31 check character of a 17-character credit code body."""
    if len(body17) != 17 or any(c not in CREDIT_CODE_ALPHABET for c in body17):
        raise ValueError("a credit code body is 17 characters of " + CREDIT_CODE_ALPHABET)
    total = sum(CREDIT_CODE_ALPHABET.index(c) * w for c, w in zip(body17, _WEIGHTS, strict=True))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def organization_check_char(body8: str) -> str:
    """The GB 11714 check character ('0'-'9' or 'X') of an 8-character organisation code body."""
    if len(body8) != 8 or any(c not in _ORGANIZATION_ALPHABET for c in body8):
        raise ValueError("an organisation code body is 8 characters of 0-9 and A-Z")
    total = sum(
        _ORGANIZATION_ALPHABET.index(c) * w
        for c, w in zip(body8, _ORGANIZATION_WEIGHTS, strict=True)
    )
    # 11 - (total mod 11) lies in 1..11: 10 is written X and 11 is written 0.
    value = (11 - total % 11) % 11
    return "X" if value == 10 else str(value)


def _first_failure(number: str) -> Reason | None:
    """Check a normalised candidate in stdnum's order, then the organisation code."""
    if len(number) != 18:
        return Reason.LENGTH
    if any(c not in string.digits for c in number[:8]) or any(
        c not in CREDIT_CODE_ALPHABET for c in number[8:]
    ):
        return Reason.FORMAT
    if number[17] != check_char(number[:17]):
        return Reason.CHECKSUM
    if number[16] != organization_check_char(number[8:16]):
        return Reason.ORGANIZATION_CHECKSUM
    return None


def parse(value: str | None) -> ParsedCreditCode:
    """Normalise and check one credit code value."""
    original = "" if value is None else value
    candidate, repairs = CREDIT_CODE_NORMALIZER.normalize(original)
    reason = Reason.EMPTY if not candidate else _first_failure(candidate)
    return ParsedCreditCode(
        original=original,
        number=None if reason else candidate,
        status=status_of(reason, bool(repairs)),
        reason=reason,
        repairs=repairs,
    )


def is_valid(value: str | None) -> bool:
    """True when `value` is a valid credit code, possibly after recorded repairs."""
    return parse(value).is_valid
