"""Resident identity numbers (公民身份号码, GB 11643).

An 18-character number is a 6-digit area code (GB/T 2260), an 8-digit birth date
(YYYYMMDD), a 3-digit sequence (odd for men, even for women) and a check character
(ISO 7064 MOD 11-2; ten is written X). Numbers issued before 1999 had 15 digits:
the area code, a 6-digit birth date (YYMMDD) and the sequence, with no check digit.
python-stdnum (`stdnum.cn.ric`) is the reference for the 18-digit checks; the tests
compare every result with it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum

from frontline.ids.divisions import AreaRule, DivisionTable, load_divisions
from frontline.ids.normalization import RESIDENT_NORMALIZER, Repair
from frontline.ids.status import Reason, Status, status_of

_DIGITS = frozenset("0123456789")
# Weight of body position i (0-based from the left) is 2**(17 - i) mod 11.
_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))


class Sex(StrEnum):
    """Sex encoded by the parity of the sequence code."""

    MALE = "male"
    FEMALE = "female"


@dataclass(frozen=True, slots=True)
class ParsedResidentId:
    """The outcome of checking one resident ID value.

    `number`, `birth_date`, `sex` and `area_code` are set only when the status is not
    invalid; `repairs` lists what normalisation changed, also for invalid values.
    """

    original: str
    number: str | None
    status: Status
    reason: Reason | None
    repairs: tuple[Repair, ...]
    birth_date: datetime.date | None = None
    sex: Sex | None = None
    area_code: str | None = None

    @property
    def is_valid(self) -> bool:
        """True when the value is a valid number, possibly after repair."""
        return self.status is not Status.INVALID


def _is_digits(text: str) -> bool:
    # str.isdigit() would also accept Arabic-Indic and other Unicode digits.
    return bool(text) and _DIGITS.issuperset(text)


def check_digit(body17: str) -> str:
    """The MOD 11-2 check character ('0'-'9' or 'X') for a 17-digit body."""
    if len(body17) != 17 or not _is_digits(body17):
        raise ValueError("a resident ID body is 17 ASCII digits")
    total = sum(int(c) * w for c, w in zip(body17, _WEIGHTS, strict=True))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def upgrade(old15: str) -> str:
    """Convert a 15-digit number to its 18-digit form.

    The two-digit year becomes 19yy (every 15-digit number was issued from 1984 to
    1999 and its holder born in the 1900s; see docs/identifiers.md for why the
    rumoured 18yy rule for sequences 996-999 is not applied), and the check digit
    is appended. The birth date and area are not checked here.
    """
    if len(old15) != 15 or not _is_digits(old15):
        raise ValueError("an old resident ID is 15 ASCII digits")
    body = old15[:6] + "19" + old15[6:]
    return body + check_digit(body)


def birth_date_of(number: str) -> datetime.date | None:
    """The calendar birth date encoded in an 18-character number, or None if not a date."""
    try:
        return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def sex_of(number: str) -> Sex:
    """The sex encoded by the sequence code (odd is male) of an 18-character number."""
    return Sex.MALE if int(number[16]) % 2 else Sex.FEMALE


def _first_failure(
    number: str, table: DivisionTable, rule: AreaRule
) -> tuple[Reason | None, datetime.date | None]:
    """Check an 18-character candidate in stdnum's order; return the reason and birth date."""
    if len(number) != 18:
        return Reason.LENGTH, None
    if not _is_digits(number[:17]) or number[17] not in "0123456789X":
        return Reason.FORMAT, None
    if number[17] != check_digit(number[:17]):
        return Reason.CHECKSUM, None
    born = birth_date_of(number)
    if born is None:
        return Reason.BIRTH_DATE, None
    if table.birth_area(number[:6], born.year, rule) is None:
        return Reason.BIRTH_AREA, born
    return None, born


def parse(
    value: str | None,
    *,
    table: DivisionTable | None = None,
    area_rule: AreaRule = AreaRule.AT_BIRTH,
) -> ParsedResidentId:
    """Normalise and check one resident ID value (18 or 15 characters).

    `table` defaults to the packaged division table. A value that fails any check
    is reported invalid with the first failing reason; it is never altered into a
    different number.
    """
    original = "" if value is None else value
    candidate, repairs = RESIDENT_NORMALIZER.normalize(original)
    if not candidate:
        return ParsedResidentId(original, None, Status.INVALID, Reason.EMPTY, repairs)
    if len(candidate) == 15:
        if not _is_digits(candidate):
            return ParsedResidentId(original, None, Status.INVALID, Reason.FORMAT, repairs)
        candidate = upgrade(candidate)
        repairs = (*repairs, Repair.UPGRADED_15_TO_18)
    reason, born = _first_failure(candidate, table or load_divisions(), area_rule)
    if reason is not None or born is None:
        return ParsedResidentId(original, None, Status.INVALID, reason, repairs)
    return ParsedResidentId(
        original=original,
        number=candidate,
        status=status_of(None, bool(repairs)),
        reason=None,
        repairs=repairs,
        birth_date=born,
        sex=sex_of(candidate),
        area_code=candidate[:6],
    )


def is_valid(value: str | None, *, area_rule: AreaRule = AreaRule.AT_BIRTH) -> bool:
    """True when `value` is a valid resident ID, possibly after recorded repairs."""
    return parse(value, area_rule=area_rule).is_valid


def mask(number: str) -> str:
    """Hide the birth date of a number for display: `110105********002X`.

    An 18-character value keeps its first 6 and last 4 characters, a 15-character
    value its first 6 and last 3; any other value is masked completely, since it is
    not known which part is the birth date.
    """
    if len(number) == 18:
        return number[:6] + "*" * 8 + number[14:]
    if len(number) == 15:
        return number[:6] + "*" * 6 + number[12:]
    return "*" * len(number)
