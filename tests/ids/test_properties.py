"""Properties of the checks over generated numbers (Hypothesis)."""

import calendar
import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from frontline.ids import credit_code, resident
from frontline.ids.arrays import CREDIT_CODE_ALPHABET
from frontline.ids.divisions import AreaRule, Division, load_divisions
from frontline.ids.normalization import CREDIT_CODE_NORMALIZER, RESIDENT_NORMALIZER
from frontline.ids.status import Reason, Status
from tests.ids.factories import adjacent_transpositions

SETTINGS = settings(max_examples=150, deadline=None)


def _dated_versions() -> list[Division]:
    return [d for d in load_divisions().divisions if d.valid_in(d.valid_from or 1930)]


@st.composite
def resident_ids(draw: st.DrawFn) -> str:
    """Valid 18-digit numbers: an area version, a birth date while it was in force, a sequence."""
    division = draw(st.sampled_from(_dated_versions()))
    first, last = max(division.valid_from or 1900, 1900), min(division.valid_to or 2024, 2024)
    year = draw(st.integers(first, max(first, last)))
    month = draw(st.integers(1, 12))
    day = draw(st.integers(1, calendar.monthrange(year, month)[1]))
    sequence = draw(st.integers(0, 999))
    body = f"{division.code}{year:04d}{month:02d}{day:02d}{sequence:03d}"
    return body + resident.check_digit(body)


@st.composite
def credit_codes(draw: st.DrawFn) -> str:
    """Valid credit codes with a valid embedded organisation code."""
    head = draw(st.text("0123456789", min_size=8, max_size=8))
    organization = draw(st.text(CREDIT_CODE_ALPHABET, min_size=8, max_size=8))
    body = head + organization + credit_code.organization_check_char(organization)
    return body + credit_code.check_char(body)


@SETTINGS
@given(resident_ids())
def test_every_generated_resident_id_is_valid(number: str) -> None:
    assert resident.parse(number).status is Status.VALID


@SETTINGS
@given(resident_ids(), st.integers(0, 17), st.sampled_from("0123456789X"))
def test_every_single_substitution_fails_the_check(number: str, position: int, new: str) -> None:
    # MOD 11-2: weights 2**k mod 11 are never 0 and a change is 1..10 < 11, so any
    # substitution changes the sum mod 11. X can only stand last; elsewhere it is a format error.
    if new == number[position]:
        return
    changed = number[:position] + new + number[position + 1 :]
    expected = Reason.FORMAT if new == "X" and position < 17 else Reason.CHECKSUM
    assert resident.parse(changed).reason is expected


@SETTINGS
@given(resident_ids())
def test_every_adjacent_transposition_fails_the_check(number: str) -> None:
    # Swapping unequal a, b at weights w1, w2 changes the sum by (a - b)(w1 - w2), and
    # neighbouring weights differ by 2**k mod 11 (by 1 at the check position), never 0.
    # Moving an X check character into the body is a format error instead.
    for changed in adjacent_transpositions(number):
        reason = resident.parse(changed).reason
        assert reason is (
            Reason.FORMAT if changed[17] != "X" and "X" in changed else Reason.CHECKSUM
        )


@SETTINGS
@given(credit_codes())
def test_every_generated_credit_code_is_valid(code: str) -> None:
    assert credit_code.parse(code).status is Status.VALID


@SETTINGS
@given(credit_codes(), st.integers(0, 17), st.sampled_from(CREDIT_CODE_ALPHABET))
def test_every_single_credit_code_substitution_fails(code: str, position: int, new: str) -> None:
    # Mod 31 with weights 3**i mod 31 (never 0) catches every substitution; a letter
    # among the first eight characters, which are digits, is a format error first.
    if new == code[position]:
        return
    changed = code[:position] + new + code[position + 1 :]
    expected = Reason.FORMAT if position < 8 and not new.isdigit() else Reason.CHECKSUM
    assert credit_code.parse(changed).reason is expected


@SETTINGS
@given(credit_codes())
def test_every_adjacent_credit_code_transposition_fails(code: str) -> None:
    # Neighbouring weights 3**i and 3**(i+1) differ by 2 * 3**i mod 31, never 0.
    for changed in adjacent_transpositions(code):
        format_error = not changed[:8].isdigit()
        expected = Reason.FORMAT if format_error else Reason.CHECKSUM
        assert credit_code.parse(changed).reason is expected


@st.composite
def old_numbers(draw: st.DrawFn) -> tuple[str, datetime.date, int]:
    """15-digit numbers with a real 19yy birth date and their expected date and sequence."""
    area = draw(st.sampled_from([d.code for d in load_divisions().counties_valid_in(1990)]))
    born = draw(st.dates(datetime.date(1900, 1, 1), datetime.date(1999, 12, 31)))
    sequence = draw(st.integers(0, 999))
    return f"{area}{born:%y%m%d}{sequence:03d}", born, sequence


@SETTINGS
@given(old_numbers())
def test_upgrading_keeps_birth_date_and_sex(case: tuple[str, datetime.date, int]) -> None:
    old, born, sequence = case
    new = resident.upgrade(old)
    assert new[:6] == old[:6]
    assert resident.birth_date_of(new) == born
    assert resident.sex_of(new) is (resident.Sex.MALE if sequence % 2 else resident.Sex.FEMALE)
    # The area was in force in 1990, so SINCE_BIRTH accepts it for births up to 1990.
    if born.year <= 1990:
        parsed = resident.parse(old, area_rule=AreaRule.SINCE_BIRTH)
        assert (parsed.status, parsed.number, parsed.birth_date) == (Status.REPAIRED, new, born)


@SETTINGS
@given(st.text(max_size=30))
def test_masking_never_reveals_the_middle(text: str) -> None:
    masked = resident.mask(text)
    assert len(masked) == len(text)
    if len(text) == 18:
        assert masked == text[:6] + "********" + text[14:]
    elif len(text) == 15:
        assert masked == text[:6] + "******" + text[12:]
    else:
        assert set(masked) <= {"*"}


@SETTINGS
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=25) | resident_ids())
def test_normalisation_is_idempotent(text: str) -> None:
    for normalizer in (RESIDENT_NORMALIZER, CREDIT_CODE_NORMALIZER):
        once, _ = normalizer.normalize(text)
        assert normalizer.normalize(once) == (once, ())


@SETTINGS
@given(resident_ids(), st.sampled_from([" ", "\u3000", "-", "—"]), st.booleans())
def test_repaired_numbers_parse_back_to_the_same_number(number: str, gap: str, wide: bool) -> None:
    text = number[:6] + gap + number[6:14] + gap + number[14:]
    if wide:
        text = text.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    parsed = resident.parse(text)
    assert (parsed.status, parsed.number) == (Status.REPAIRED, number)
    assert resident.parse(parsed.number).status is Status.VALID
