"""What a synthetic city is made of: its size, seed, date and defect rates."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class DefectRates:
    """Probabilities of each kind of defect, per source row unless noted.

    The defaults are the "default defect rates" that benchmarks quote. Every rate can be
    overridden from the command line with ``--rate NAME=VALUE``.
    """

    id_digit_typo: float = 0.006
    """One digit of the identifier replaced by another."""
    id_transposition: float = 0.004
    """Two adjacent, different characters of the identifier swapped."""
    id_wrong_check: float = 0.003
    """The check character replaced by a wrong one."""
    id_fullwidth: float = 0.01
    """Identifier typed with full-width digits (a repairable defect)."""
    id_lowercase_x: float = 0.3
    """Share of identifiers ending in X that are written with a lower-case x."""
    id_spaces: float = 0.01
    """Identifier with spaces or dashes inside (a repairable defect)."""
    id_missing: float = 0.01
    """Identifier left empty."""
    id_15_digit: float = 0.15
    """Share of registry persons born before 1982 still recorded with their old 15-digit number."""
    name_homophone: float = 0.006
    """One given-name character replaced by a homophone."""
    name_traditional: float = 0.004
    """Name written in traditional characters."""
    name_pinyin: float = 0.002
    """Name recorded in pinyin (for example by a system without Chinese input)."""
    name_spaces: float = 0.01
    """Stray half- or full-width spaces in the name."""
    phone_format: float = 0.2
    """Phone numbers written with spaces, dashes or a country code."""
    date_format: float = 0.45
    """In sources that mix date styles, the share of dates not in the source's usual style."""
    address_format: float = 0.1
    """Addresses written in another department's style than the source's usual one."""
    birth_date_conflict: float = 0.002
    """A birth date that disagrees with the one in the identifier (a typo or day/month swap)."""
    sex_conflict: float = 0.001
    """A sex that disagrees with the one in the identifier."""
    duplicate: float = 0.01
    """Rows repeated within the same source; each copy gets its own defects."""
    stale_address: float = 0.05
    """Rows carrying a person's previous address (in the registry: whole households)."""
    stale_phone: float = 0.05
    """Rows carrying a person's previous phone number."""
    migrant_households: float = 0.12
    """Share of households registered elsewhere: they live here but are absent from the registry."""
    death_unreported_registry: float = 0.2
    """Share of deceased persons the household registry has not yet removed."""
    planted_pension_after_death: float = 0.08
    """Share of deceased pensioners whose pension is still paid (a planted case)."""
    planted_subsidy_with_assets: float = 0.08
    """Share of subsidy households given a vehicle or an enterprise (a planted case)."""

    @classmethod
    def names(cls) -> list[str]:
        """The names of all rates, in declaration order."""
        return [f.name for f in dataclasses.fields(cls)]

    def with_overrides(self, overrides: dict[str, float]) -> DefectRates:
        """A copy with some rates replaced; unknown names and values outside 0..1 are refused."""
        unknown = sorted(set(overrides) - set(self.names()))
        if unknown:
            raise ValueError(
                f"unknown defect rate {', '.join(unknown)}; known rates: {', '.join(self.names())}"
            )
        for name, value in overrides.items():
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"defect rate {name}={value} is outside 0..1")
        return dataclasses.replace(self, **overrides)

    def scaled(self, factor: float) -> DefectRates:
        """All row-defect rates multiplied by ``factor`` (population shares are kept)."""
        keep = {"id_15_digit", "migrant_households", "death_unreported_registry"}
        keep |= {n for n in self.names() if n.startswith("planted_")}
        changes = {n: min(1.0, getattr(self, n) * factor) for n in self.names() if n not in keep}
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class CityConfig:
    """Everything that determines a synthetic city; the same config gives the same bytes."""

    persons: int
    seed: int
    district: str = "330106"
    as_of: date = date(2026, 6, 30)
    rates: DefectRates = field(default_factory=DefectRates)

    def __post_init__(self) -> None:
        if self.persons < 10:
            raise ValueError("a synthetic city needs at least 10 persons")
        if self.seed < 0:
            raise ValueError("the seed must be a non-negative integer")
