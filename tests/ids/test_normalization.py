import unicodedata

import pytest

from frontline.ids.normalization import (
    CREDIT_CODE_NORMALIZER,
    DASHES,
    RESIDENT_NORMALIZER,
    SPACES,
    Normalizer,
    Repair,
)


def test_every_space_and_dash_is_removed_and_recorded() -> None:
    for char in SPACES:
        assert RESIDENT_NORMALIZER.normalize(f"1{char}2") == ("12", (Repair.WHITESPACE,))
    for char in DASHES:
        assert RESIDENT_NORMALIZER.normalize(f"1{char}2") == ("12", (Repair.DASHES,))


def test_the_sets_cover_unicode_spaces_and_dash_punctuation() -> None:
    bmp = [chr(i) for i in range(0x10000) if not 0xD800 <= i <= 0xDFFF]
    assert {c for c in bmp if unicodedata.category(c) == "Zs"} <= set(SPACES)
    # Python also calls the information separators U+001C-U+001F space; they signal a
    # broken export rather than layout, so they are left for the format check to catch.
    assert {c for c in bmp if c.isspace()} - set(SPACES) == {"\x1c", "\x1d", "\x1e", "\x1f"}
    dashes = {c for c in bmp if unicodedata.category(c) == "Pd"}
    # Wave dashes and the double hyphen are range and line-break marks, not separators.
    assert dashes - set(DASHES) == {"\u2e17", "\u2e1a", "\u2e40", "\u301c", "\u3030", "\u30a0"}


def test_resident_ids_upper_case_only_x() -> None:
    assert RESIDENT_NORMALIZER.normalize("1x") == ("1X", (Repair.LOWERCASE_X,))
    assert RESIDENT_NORMALIZER.normalize("1a") == ("1a", ())
    assert RESIDENT_NORMALIZER.normalize("1ａ") == ("1a", (Repair.FULLWIDTH_LETTERS,))


def test_credit_codes_upper_case_every_letter() -> None:
    assert CREDIT_CODE_NORMALIZER.normalize("9a ｂ") == (
        "9AB",
        (Repair.FULLWIDTH_LETTERS, Repair.WHITESPACE, Repair.LOWERCASE_LETTERS),
    )


@pytest.mark.parametrize("normalizer", [RESIDENT_NORMALIZER, CREDIT_CODE_NORMALIZER])
def test_other_characters_are_kept(normalizer: Normalizer) -> None:
    # Arabic-Indic digits, punctuation and the Roman numeral Ⅹ are not layout: kept, then refused.
    assert normalizer.normalize("١٢٣.,/*Ⅹ") == ("١٢٣.,/*Ⅹ", ())
