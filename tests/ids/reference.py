"""What python-stdnum, the reference, says about a value, in Frontline's reason codes."""

from __future__ import annotations

from stdnum import exceptions
from stdnum.cn import ric, uscc

from frontline.ids.credit_code import organization_check_char
from frontline.ids.normalization import CREDIT_CODE_NORMALIZER, RESIDENT_NORMALIZER
from frontline.ids.resident import upgrade
from frontline.ids.status import Reason


def resident_candidate(value: str | None) -> str:
    """The value after Frontline's normalisation and 15 -> 18 upgrade (stdnum does neither)."""
    cleaned = RESIDENT_NORMALIZER.normalize(value or "")[0]
    if len(cleaned) == 15 and cleaned.isascii() and cleaned.isdigit():
        return upgrade(cleaned)
    return cleaned


def resident_reason(value: str | None) -> Reason | None:
    """stdnum's verdict on the normalised value, mapped to a reason.

    The mapping has three documented refinements, where Frontline is more specific:
    an empty value is `empty` (stdnum: length), a 15-character value that is not all
    digits is `format` (stdnum: length), and a last character other than 0-9/X is
    `format` (stdnum: checksum). stdnum raises KeyError, not a validation error, for
    an unknown county under a known province (python-stdnum 2.2); that is `birth_area`.
    """
    number = resident_candidate(value)
    if not number:
        return Reason.EMPTY
    if len(number) == 15:
        return Reason.FORMAT
    try:
        ric.validate(number)
    except exceptions.InvalidLength:
        return Reason.LENGTH
    except exceptions.InvalidFormat:
        return Reason.FORMAT
    except exceptions.InvalidChecksum:
        return Reason.FORMAT if number[17] not in "0123456789X" else Reason.CHECKSUM
    except exceptions.InvalidComponent:
        try:
            ric.get_birth_date(number)
        except exceptions.InvalidComponent:
            return Reason.BIRTH_DATE
        return Reason.BIRTH_AREA
    except KeyError:
        return Reason.BIRTH_AREA
    return None


def credit_code_reason(value: str | None) -> Reason | None:
    """stdnum's verdict on the normalised value, then the organisation code check.

    An empty value is `empty` (stdnum: length). stdnum does not check the embedded
    GB 11714 organisation code; that check is computed independently here.
    """
    code = CREDIT_CODE_NORMALIZER.normalize(value or "")[0]
    if not code:
        return Reason.EMPTY
    try:
        uscc.validate(code)
    except exceptions.InvalidLength:
        return Reason.LENGTH
    except exceptions.InvalidFormat:
        return Reason.FORMAT
    except exceptions.InvalidChecksum:
        return Reason.CHECKSUM
    if code[16] != organization_check_char(code[8:16]):
        return Reason.ORGANIZATION_CHECKSUM
    return None
