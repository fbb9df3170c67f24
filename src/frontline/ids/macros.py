"""The DuckDB macros behind `frontline.ids.sql`: the SQL text of every check.

Each macro mirrors a Python function: the same character sets (from
`normalization`), the same weights and the same order of checks, so the two forms
agree row by row (the tests compare both with python-stdnum). DuckDB inlines macros
and shares no repeated subexpression, so the checks are written on the cleaned
value, the smallest expression that determines them; written on the upgraded value
they took seconds to plan.
"""

from __future__ import annotations

import string

from frontline.ids.arrays import CREDIT_CODE_ALPHABET
from frontline.ids.normalization import (
    CREDIT_CODE_NORMALIZER,
    DASHES,
    FULLWIDTH_DIGITS,
    FULLWIDTH_LETTERS,
    RESIDENT_NORMALIZER,
    SPACES,
    Normalizer,
    Repair,
)
from frontline.ids.status import Reason

DIVISIONS_TABLE = "frontline_divisions"
_RESIDENT_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]
_CREDIT_WEIGHTS = [pow(3, i, 31) for i in range(17)]
_ORGANIZATION_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
_ORGANIZATION_ALPHABET = string.digits + string.ascii_uppercase

Macros = dict[str, tuple[str, str]]
"""Macro name -> (parameter list, body). Macros call macros defined before them."""


def literal(text: str) -> str:
    """A SQL string literal for one of this package's constants (never for data)."""
    return "'" + text.replace("'", "''") + "'"


def _first_failure(reasons: list[Reason], flags: list[str]) -> str:
    """SQL for the reason of the first true flag, or NULL when none is true.

    A CASE with many WHENs is about 2.5x slower in DuckDB than this branch-free form:
    each flag becomes its 1-based position when true and 99 otherwise, and least()
    picks the first. Flags after a true one may be NULL or meaningless; least()
    ignores NULL and the smaller position wins, so they never matter.
    """
    listed = ", ".join(literal(reason.value) for reason in reasons)
    positions = ", ".join(
        f"99 - {98 - i} * CAST({flag} AS INTEGER)" for i, flag in enumerate(flags)
    )
    return f"[{listed}][least({positions})]"


def _char_class(chars: str) -> str:
    """An RE2 character class matching any of `chars`, each written as a code point."""
    return "[" + "".join(f"\\x{{{ord(c):04x}}}" for c in chars) + "]"


def _clean(normalizer: Normalizer, untouched: str) -> str:
    # Most values need no repair, and this regular expression is ~30x cheaper than translate().
    return (
        f"CASE WHEN regexp_full_match(coalesce(raw, ''), '[{untouched}]*') THEN coalesce(raw, '') "
        f"ELSE translate(raw, {literal(normalizer.translate_from)}, "
        f"{literal(normalizer.translate_to)}) END"
    )


def _repairs(normalizer: Normalizer, untouched: str) -> str:
    """SQL list of the repair codes `normalizer` records for `raw` (without the upgrade)."""
    checks = [
        (Repair.FULLWIDTH_DIGITS, FULLWIDTH_DIGITS),
        (Repair.FULLWIDTH_LETTERS, FULLWIDTH_LETTERS),
        (Repair.WHITESPACE, SPACES),
        (Repair.DASHES, DASHES),
        (normalizer.lowercase_repair, normalizer.lowercase_sources),
    ]
    items = ", ".join(
        f"CASE WHEN regexp_matches(raw, {literal(_char_class(chars))}) "
        f"THEN {literal(repair.value)} END"
        for repair, chars in checks
    )
    return (
        f"CASE WHEN regexp_full_match(coalesce(raw, ''), '[{untouched}]*') THEN []::VARCHAR[] "
        f"ELSE list_filter([{items}], lambda x: x IS NOT NULL) END"
    )


def _status(reason: str, value: str) -> str:
    changed = f"{value} <> coalesce(raw, '')"
    return (
        f"['valid', 'repaired', 'invalid'][1 + greatest(CAST({changed} AS INTEGER), "
        f"2 * CAST({reason} IS NOT NULL AS INTEGER))]"
    )


def resident_macros() -> Macros:
    """Macros for resident IDs.

    The checks take the cleaned value `c` (before the 15 -> 18 upgrade): a 15-digit
    `c` is read as its upgrade (birth year 19yy; the upgrade's check digit is right by
    construction) and any other `c` is the normalised value itself.
    """
    # Digits come from the body parsed as BIGINT: 3x faster than 17 substrings.
    total = " + ".join(
        f"((v // {10 ** (16 - i)}) % 10) * {w}" for i, w in enumerate(_RESIDENT_WEIGHTS)
    )
    date8 = "frontline_resident_date8(c)"
    reason = _first_failure(
        [
            Reason.EMPTY,
            Reason.FORMAT,
            Reason.LENGTH,
            Reason.FORMAT,
            Reason.CHECKSUM,
            Reason.BIRTH_DATE,
            Reason.BIRTH_AREA,
        ],
        [
            "c = ''",
            "length(c) = 15 AND NOT regexp_full_match(c, '[0-9]{15}')",
            "length(c) NOT IN (15, 18)",
            "length(c) = 18 AND NOT regexp_full_match(c, '[0-9]{17}[0-9X]')",
            # Check first, length second: DuckDB then evaluates it about eight times faster
            # (measured); for other lengths the length test still decides.
            "c[18] <> frontline_resident_check(c[1:17]) AND length(c) = 18",
            f"frontline_resident_birth_of({date8}) IS NULL",
            f"NOT frontline_area_accepts(c[1:6], TRY_CAST({date8}[1:4] AS INTEGER), since)",
        ],
    )
    value = "frontline_resident_normalized(raw)"
    valid = "frontline_resident_reason(raw, since) IS NULL"
    upgraded = literal(Repair.UPGRADED_15_TO_18.value)
    return {
        "frontline_resident_clean": ("raw", _clean(RESIDENT_NORMALIZER, "0-9X")),
        "frontline_resident_check_of": ("v", f"'0123456789X'[(12 - ({total}) % 11) % 11 + 1]"),
        "frontline_resident_check": ("b", "frontline_resident_check_of(TRY_CAST(b AS BIGINT))"),
        "frontline_resident_upgrade": (
            "c",
            "c[1:6] || '19' || c[7:15] || frontline_resident_check(c[1:6] || '19' || c[7:15])",
        ),
        "frontline_resident_normalized": (
            "raw",
            # The first branch is the common case, a clean 18-character value.
            "CASE WHEN regexp_full_match(raw, '[0-9]{17}[0-9X]') THEN raw "
            "WHEN regexp_full_match(frontline_resident_clean(raw), '[0-9]{15}') "
            "THEN frontline_resident_upgrade(frontline_resident_clean(raw)) "
            "ELSE frontline_resident_clean(raw) END",
        ),
        # The birth date digits of an 18-character value, or of a 15-digit one as 19yymmdd.
        "frontline_resident_date8": (
            "c",
            "CASE WHEN length(c) = 15 THEN '19' || c[7:12] ELSE c[7:14] END",
        ),
        # Year 0000 parses in DuckDB (as 1 BC) but is no date.
        "frontline_resident_birth_of": (
            "d",
            "CASE WHEN d[1:4] <> '0000' THEN CAST(try_strptime(d, '%Y%m%d') AS DATE) END",
        ),
        "frontline_area_accepts": (
            "area, y, since",
            # The table name is this module's constant, not input.
            "EXISTS (SELECT 1 FROM " + DIVISIONS_TABLE + " d WHERE d.code = area "  # noqa: S608
            "AND (d.valid_to IS NULL OR d.valid_to >= y) "
            # At birth: in force in year y. Since birth: a non-empty range ending at or after y.
            "AND CASE WHEN since THEN d.valid_from IS NULL OR d.valid_to IS NULL "
            "OR d.valid_from <= d.valid_to ELSE d.valid_from IS NULL OR d.valid_from <= y END)",
        ),
        "frontline_resident_reason_of": ("c, since", reason),
        "frontline_resident_reason": (
            "raw, since",
            "frontline_resident_reason_of(frontline_resident_clean(raw), since)",
        ),
        "frontline_resident_repairs": (
            "raw",
            f"list_concat({_repairs(RESIDENT_NORMALIZER, '0-9X')}, "
            "CASE WHEN regexp_full_match(frontline_resident_clean(raw), '[0-9]{15}') "
            f"THEN [{upgraded}] ELSE [] END)",
        ),
        "frontline_resident_status": (
            "raw, since",
            _status("frontline_resident_reason(raw, since)", value),
        ),
        "frontline_resident_number": ("raw, since", f"CASE WHEN {valid} THEN {value} END"),
        "frontline_resident_birth_date": (
            "raw, since",
            f"CASE WHEN {valid} THEN frontline_resident_birth_of({value}[7:14]) END",
        ),
        "frontline_resident_sex": (
            "raw, since",
            f"CASE WHEN {valid} THEN ['female', 'male'][1 + CAST({value}[17] AS INTEGER) % 2] END",
        ),
        "frontline_resident_area_code": ("raw, since", f"CASE WHEN {valid} THEN {value}[1:6] END"),
    }


def credit_code_macros() -> Macros:
    """Macros for credit codes; the checks take the cleaned value `c`."""

    def total(weights: list[int], alphabet: str) -> str:
        return " + ".join(
            f"(instr({literal(alphabet)}, b[{i + 1}]) - 1) * {w}" for i, w in enumerate(weights)
        )

    reason = _first_failure(
        [Reason.EMPTY, Reason.LENGTH, Reason.FORMAT, Reason.CHECKSUM, Reason.ORGANIZATION_CHECKSUM],
        [
            "c = ''",
            "length(c) <> 18",
            f"NOT regexp_full_match(c, '[0-9]{{8}}[{CREDIT_CODE_ALPHABET}]{{10}}')",
            "c[18] <> frontline_credit_code_check(c[1:17])",
            "c[17] <> frontline_organization_check(c[9:16])",
        ],
    )
    value = "frontline_credit_code_clean(raw)"
    valid = "frontline_credit_code_reason(raw) IS NULL"
    return {
        "frontline_credit_code_clean": ("raw", _clean(CREDIT_CODE_NORMALIZER, "0-9A-Z")),
        "frontline_credit_code_check": (
            "b",
            f"{literal(CREDIT_CODE_ALPHABET)}"
            f"[(31 - ({total(_CREDIT_WEIGHTS, CREDIT_CODE_ALPHABET)}) % 31) % 31 + 1]",
        ),
        # 11 - (sum mod 11) lies in 1..11: 10 is written X and 11 is written 0.
        "frontline_organization_check": (
            "b",
            "'0123456789X'"
            f"[(11 - ({total(_ORGANIZATION_WEIGHTS, _ORGANIZATION_ALPHABET)}) % 11) % 11 + 1]",
        ),
        "frontline_credit_code_reason_of": ("c", reason),
        "frontline_credit_code_reason": ("raw", f"frontline_credit_code_reason_of({value})"),
        "frontline_credit_code_repairs": ("raw", _repairs(CREDIT_CODE_NORMALIZER, "0-9A-Z")),
        "frontline_credit_code_status": (
            "raw",
            _status("frontline_credit_code_reason(raw)", value),
        ),
        "frontline_credit_code_number": ("raw", f"CASE WHEN {valid} THEN {value} END"),
        "frontline_credit_code_area_code": ("raw", f"CASE WHEN {valid} THEN {value}[3:8] END"),
        "frontline_credit_code_organization_code": (
            "raw",
            f"CASE WHEN {valid} THEN {value}[9:17] END",
        ),
    }
