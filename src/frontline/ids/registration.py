"""Registering authorities and entity types of unified social credit codes (GB 32100).

The first character of a credit code names the registering authority (9 = market
regulation, 5 = civil affairs, ...) and the second the kind of entity it registered.
The table is packaged data; an unknown pair is reported as unknown, not as invalid,
because authorities are added by later amendments (A, N and Y came after 2015).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class RegistrationType:
    """A registering authority and one entity type it registers."""

    authority: str
    authority_name: str
    entity_type: str
    entity_type_name: str


@cache
def registration_types() -> dict[str, RegistrationType]:
    """Packaged registration types keyed by their two-character code, e.g. "91"."""
    text = resources.files("frontline.ids").joinpath("data/registration_types.csv")
    rows = csv.DictReader(io.StringIO(text.read_text(encoding="utf-8")))
    types = (RegistrationType(**row) for row in rows)
    return {t.authority + t.entity_type: t for t in types}


def authority_name(authority: str) -> str | None:
    """The Chinese name of a registering authority code such as "9", or None if unknown."""
    found = (t for t in registration_types().values() if t.authority == authority)
    return next((t.authority_name for t in found), None)


def registration_type(code: str) -> RegistrationType | None:
    """The registration type of the first two characters of a credit code, or None."""
    return registration_types().get(code[:2])
