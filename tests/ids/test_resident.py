import datetime

import pytest
from stdnum.cn import ric

from frontline.ids import resident
from frontline.ids.divisions import AreaRule, load_divisions
from frontline.ids.normalization import Repair
from frontline.ids.resident import Sex, check_digit, mask, parse, upgrade
from frontline.ids.status import Reason, Status
from tests.ids import reference
from tests.ids.factories import resident_corpus, with_check

FULLWIDTH = (Repair.FULLWIDTH_DIGITS, Repair.FULLWIDTH_LETTERS)


def test_a_valid_number_is_parsed_into_its_parts() -> None:
    parsed = parse("11010519491231002X")
    assert parsed.status is Status.VALID
    assert parsed.number == "11010519491231002X"
    assert parsed.reason is None
    assert parsed.repairs == ()
    assert parsed.birth_date == datetime.date(1949, 12, 31)
    assert parsed.sex is Sex.FEMALE
    assert parsed.area_code == "110105"
    assert parsed.is_valid


def test_odd_sequence_is_male() -> None:
    assert parse(with_check("11010519491231003")).sex is Sex.MALE


@pytest.mark.parametrize(
    ("value", "repairs"),
    [
        ("１１０１０５１９４９１２３１００２Ｘ", FULLWIDTH),
        ("11010519491231002x", (Repair.LOWERCASE_X,)),
        ("１１０１０５１９４９１２３１００２ｘ", (*FULLWIDTH, Repair.LOWERCASE_X)),
        (" 110105 19491231 002X\n", (Repair.WHITESPACE,)),
        ("110105\u300019491231\u3000002X", (Repair.WHITESPACE,)),
        ("110105-19491231–002X", (Repair.DASHES,)),
        ("110105\u221219491231\uff0d002X", (Repair.DASHES,)),
    ],
)
def test_layout_is_repaired_and_each_repair_recorded(
    value: str, repairs: tuple[Repair, ...]
) -> None:
    parsed = parse(value)
    assert parsed.status is Status.REPAIRED
    assert parsed.number == "11010519491231002X"
    assert parsed.repairs == repairs
    assert parsed.original == value


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", Reason.EMPTY),
        (None, Reason.EMPTY),
        (" \u3000-", Reason.EMPTY),
        ("1101051949123100", Reason.LENGTH),
        ("11010519491231002XX", Reason.LENGTH),
        ("1101051949123A002X", Reason.FORMAT),
        ("11010519491231002A", Reason.FORMAT),
        ("11010549123100A", Reason.FORMAT),
        ("110105194912310021", Reason.CHECKSUM),
        (with_check("11010519490229002"), Reason.BIRTH_DATE),
        (with_check("11010500000101002"), Reason.BIRTH_DATE),
        (with_check("11010320150101123"), Reason.BIRTH_AREA),
        (with_check("99000019900101001"), Reason.BIRTH_AREA),
        (with_check("33999919900101001"), Reason.BIRTH_AREA),
    ],
)
def test_invalid_values_get_the_first_failing_reason(value: str | None, reason: Reason) -> None:
    parsed = parse(value)
    assert parsed.status is Status.INVALID
    assert parsed.reason is reason
    assert parsed.number is None
    assert (parsed.birth_date, parsed.sex, parsed.area_code) == (None, None, None)


def test_a_failing_number_is_never_changed_into_another() -> None:
    parsed = parse("110105194912310021")
    assert parsed.number is None
    assert parsed.original == "110105194912310021"


def test_check_digit_matches_stdnum_and_refuses_bad_bodies() -> None:
    assert check_digit("11010519491231002") == "X"
    assert check_digit("36042619910101007") == ric.calc_check_digit("360426199101010071")
    for body in ("1101051949123100", "1101051949123100A", "１１０１０５１９４９１２３１００２"):
        with pytest.raises(ValueError, match="17 ASCII digits"):
            check_digit(body)


def test_upgrade_inserts_19_and_appends_the_check_digit() -> None:
    assert upgrade("110105491231002") == "11010519491231002X"
    assert upgrade("330106500101999") == with_check("33010619500101999")
    with pytest.raises(ValueError, match="15 ASCII digits"):
        upgrade("11010549123100X")


def test_a_15_digit_number_is_upgraded_and_recorded() -> None:
    parsed = parse("110105491231002")
    assert parsed.status is Status.REPAIRED
    assert parsed.number == "11010519491231002X"
    assert parsed.repairs == (Repair.UPGRADED_15_TO_18,)
    assert parsed.birth_date == datetime.date(1949, 12, 31)


def test_retired_area_codes_are_accepted_for_births_while_they_were_in_force() -> None:
    assert load_divisions().lookup("110103", 2005) is not None  # 崇文区, retired 2010
    assert parse(with_check("11010320050101123")).status is Status.VALID
    assert parse(with_check("11010320150101123")).reason is Reason.BIRTH_AREA


def test_since_birth_accepts_codes_created_after_the_birth_year() -> None:
    # 西湖区 got 330106 in 1983; a resident born in 1950 was numbered later with it.
    number = with_check("33010619500101001")
    assert parse(number).reason is Reason.BIRTH_AREA
    assert not ric.is_valid(number)
    assert parse(number, area_rule=AreaRule.SINCE_BIRTH).status is Status.VALID
    # A code retired before the birth year stays invalid under both rules.
    retired = with_check("11010320150101123")
    assert parse(retired, area_rule=AreaRule.SINCE_BIRTH).reason is Reason.BIRTH_AREA


def test_is_valid_accepts_repairs() -> None:
    assert resident.is_valid(" 11010519491231002x")
    assert not resident.is_valid("110105194912310021")


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("11010519491231002X", "110105********002X"),
        ("110105491231002", "110105******002"),
        ("12345", "*****"),
        ("", ""),
    ],
)
def test_mask_hides_the_birth_date(value: str, masked: str) -> None:
    assert mask(value) == masked


def test_every_corpus_value_agrees_with_stdnum() -> None:
    disagreements = [
        (value, parse(value).reason, expected)
        for value in resident_corpus()
        if parse(value).reason is not (expected := reference.resident_reason(value))
    ]
    assert disagreements == []


def test_the_corpus_covers_every_reason_and_status() -> None:
    results = [parse(value) for value in resident_corpus()]
    assert {r.reason for r in results} == {None, *Reason} - {Reason.ORGANIZATION_CHECKSUM}
    assert {r.status for r in results} == set(Status)
