"""Masking a field's value for display, as a scenario declares (`id_number: mask`).

Pure functions. Masking never fails: a None stays None, and a value that does not have the
shape its rule expects (a 7-digit "ID number", a date that is no date) is hidden completely
rather than partly shown. Hidden parts of names and addresses are written with a fixed number
of stars, so the length of what is hidden is not shown either.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from enum import StrEnum

from frontline.ids.resident import mask as mask_resident_id
from frontline.integrate.addresses import lead_patterns
from frontline.integrate.fields import Kind, entity_types
from frontline.names.surnames import split_name

HIDDEN = "***"
"""What a completely hidden value reads as."""


class MaskRule(StrEnum):
    """How much of a field's value leaves the server."""

    FULL = "full"
    """The whole value."""
    MASK = "mask"
    """What identifies without exposing, by kind: an ID number's region and last four (as
    `frontline.ids.mask` shows it), a credit code's first eight (authority, type, region) and
    check character, a name's surname, a phone's first three and last four digits, an address
    down to its community, a date's year; other kinds (sex, free text) are hidden."""
    LAST4 = "last4"
    """The last four characters (phones, identifiers), when at least four more are hidden."""
    YEAR = "year"
    """A date's year."""
    HIDDEN = "hidden"
    """Nothing but whether there is a value."""


_EVERY_KIND = frozenset({MaskRule.FULL, MaskRule.MASK, MaskRule.HIDDEN})
_ALSO = {
    Kind.RESIDENT_ID: frozenset({MaskRule.LAST4}),
    Kind.CREDIT_CODE: frozenset({MaskRule.LAST4}),
    Kind.PHONE: frozenset({MaskRule.LAST4}),
    Kind.DATE: frozenset({MaskRule.YEAR}),
}


def rules_for(kind: Kind) -> frozenset[MaskRule]:
    """The rules that make sense for a field of ``kind`` (`year` only for dates, …)."""
    return _EVERY_KIND | _ALSO.get(kind, frozenset())


def mask_value(value: object, rule: MaskRule | str, kind: Kind | None = None) -> object:
    """``value`` as ``rule`` lets it be seen, for a field of ``kind``.

    An unknown rule, or a rule the kind does not take, hides the value completely.
    """
    if value is None:
        return None
    try:
        rule = MaskRule(rule)
    except ValueError:
        return HIDDEN
    if kind is not None and rule not in rules_for(kind):
        return HIDDEN
    if rule is MaskRule.FULL:
        return value
    if rule is MaskRule.HIDDEN:
        return HIDDEN
    text = value.isoformat() if isinstance(value, date) else str(value)
    if rule is MaskRule.LAST4:
        return last4(text)
    if rule is MaskRule.YEAR:
        return year_of(text)
    return _mask_by_kind(text, kind)


def mask_record(
    values: Mapping[str, object], fields: Mapping[str, MaskRule | str], entity_type: str
) -> dict[str, object]:
    """The ``fields`` of a record, each masked by its rule; no other field is returned.

    A field the entity type does not know is hidden: its kind, and so what its mask may show,
    is unknown.
    """
    known = entity_types().get(entity_type)
    out: dict[str, object] = {}
    for name, rule in fields.items():
        field = known.field(name) if known is not None else None
        value = values.get(name)
        if field is None:
            out[name] = None if value is None else HIDDEN
        else:
            out[name] = mask_value(value, rule, field.kind)
    return out


def last4(text: str) -> str:
    """``*******5678``: the last four characters, if at least four others are hidden."""
    if len(text) < 8:
        return HIDDEN
    return "*" * (len(text) - 4) + text[-4:]


_DATE = re.compile(r"(\d{4})(?:-\d{1,2}-\d{1,2}|\d{4}|/\d{1,2}/\d{1,2})(?:[T ].*)?")


def year_of(text: str) -> str:
    """The year of an ISO-like date (``1956-03-04`` → ``1956``); anything else is hidden."""
    found = _DATE.fullmatch(text.strip())
    if found is None:
        return HIDDEN
    year = found.group(1)
    return year if "1800" <= year <= "2199" else HIDDEN


def _mask_by_kind(text: str, kind: Kind | None) -> str:
    if kind is Kind.RESIDENT_ID:
        masked = mask_resident_id(text)
        return masked if masked != "*" * len(text) else HIDDEN
    if kind is Kind.CREDIT_CODE:
        return text[:8] + "*" * 9 + text[17:] if len(text) == 18 else HIDDEN
    if kind is Kind.NAME:
        return mask_name(text)
    if kind is Kind.PHONE:
        return mask_phone(text)
    if kind is Kind.ADDRESS:
        return mask_address(text)
    if kind is Kind.DATE:
        return year_of(text)
    return HIDDEN  # text, sex and unknown kinds: nothing in them is safe to show in part


def mask_name(name: str) -> str:
    """``王**``: the surname, or the first character of a name that has none."""
    text = name.strip()
    if not text:
        return HIDDEN
    surname, _ = split_name(text)
    # The surname as written (split_name reads a canonical form), or else the first character.
    return (surname if surname and text.startswith(surname) else text[0]) + "**"


def mask_phone(phone: str) -> str:
    """``138****5678``: first three and last four digits of a number of 11 or more."""
    digits = re.sub(r"[\s\-()（）+]", "", phone)
    if len(digits) == 13 and digits.startswith("861"):
        digits = digits[2:]  # +86 138…: the country code is not the number's head
    if len(digits) < 11 or not digits.isascii() or not digits.isdigit():
        return HIDDEN
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


# A village (村) follows its town in rural addresses and is the community level there; it
# is told from an urban compound named …新村 by what follows: a village group (3组) or a
# house number (12号), never a building.
_VILLAGE = r"^[^\d]{1,10}?村(?:民委员会|委会)?(?=\d+组|\d+号$)"


def mask_address(address: str) -> str:
    """``浙江省杭州市西湖区翠苑街道翠苑一区社区***``: the administrative lead down to the
    community (or village) is kept, the compound, building and room are hidden."""
    text = address.strip()
    kept = 0
    patterns = lead_patterns()
    for index, pattern in enumerate(patterns):
        found = re.match(pattern, text[kept:])
        if found is None:
            continue
        kept += found.end()
        if index == len(patterns) - 2:  # a street or town: a village may follow it
            village = re.match(_VILLAGE, text[kept:])
            if village is not None and not re.match(patterns[-1], text[kept:]):
                kept += village.end()
                break
    return text[:kept] + HIDDEN
