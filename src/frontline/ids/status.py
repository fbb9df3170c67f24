"""Outcome vocabulary shared by the resident-ID and credit-code checks."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """Whether an identifier is usable, and whether it needed repair to become so."""

    VALID = "valid"
    REPAIRED = "repaired"
    INVALID = "invalid"


class Reason(StrEnum):
    """Why an identifier is invalid; the first failing check wins, in this order."""

    EMPTY = "empty"
    LENGTH = "length"
    FORMAT = "format"
    CHECKSUM = "checksum"
    BIRTH_DATE = "birth_date"
    BIRTH_AREA = "birth_area"
    ORGANIZATION_CHECKSUM = "organization_checksum"


def status_of(reason: Reason | None, repaired: bool) -> Status:
    """Combine the first failing check and whether any repair was applied."""
    if reason is not None:
        return Status.INVALID
    return Status.REPAIRED if repaired else Status.VALID
