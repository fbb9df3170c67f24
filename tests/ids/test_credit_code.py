import pytest
from stdnum.cn import uscc

from frontline.ids import credit_code
from frontline.ids.credit_code import check_char, organization_check_char, parse
from frontline.ids.normalization import Repair
from frontline.ids.registration import authority_name, registration_type
from frontline.ids.status import Reason, Status
from tests.ids import reference
from tests.ids.factories import credit_code_corpus

FULLWIDTH = (Repair.FULLWIDTH_DIGITS, Repair.FULLWIDTH_LETTERS)


def test_a_valid_code_exposes_its_parts() -> None:
    parsed = parse("91110000600037341L")
    assert parsed.status is Status.VALID
    assert parsed.number == "91110000600037341L"
    assert (parsed.authority, parsed.entity_type) == ("9", "1")
    assert parsed.area_code == "110000"
    assert parsed.organization_code == "600037341"
    assert parsed.registration is not None
    assert (parsed.registration.authority_name, parsed.registration.entity_type_name) == (
        "工商",
        "企业",
    )


def test_an_invalid_code_exposes_no_parts() -> None:
    parsed = parse("91110000600037342L")
    assert parsed.reason is Reason.CHECKSUM
    assert parsed.number is None
    assert (parsed.authority, parsed.entity_type, parsed.area_code) == (None, None, None)
    assert (parsed.organization_code, parsed.registration) == (None, None)


@pytest.mark.parametrize(
    ("value", "repairs"),
    [
        ("91110000600037341l", (Repair.LOWERCASE_LETTERS,)),
        ("９１１１００００６０００３７３４１Ｌ", FULLWIDTH),
        ("９１１１００００６０００３７３４１ｌ", (*FULLWIDTH, Repair.LOWERCASE_LETTERS)),
        ("91 110000 600037341 L", (Repair.WHITESPACE,)),
        ("91-110000-60003734-1L", (Repair.DASHES,)),
    ],
)
def test_layout_is_repaired_and_recorded(value: str, repairs: tuple[Repair, ...]) -> None:
    parsed = parse(value)
    assert parsed.status is Status.REPAIRED
    assert parsed.number == "91110000600037341L"
    assert parsed.repairs == repairs


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", Reason.EMPTY),
        (None, Reason.EMPTY),
        ("9111000060003734", Reason.LENGTH),
        ("A1110000600037341L", Reason.FORMAT),
        ("9111000060003734IL", Reason.FORMAT),
        ("91110000600037341Z", Reason.FORMAT),
        ("91110000600037342L", Reason.CHECKSUM),
    ],
)
def test_invalid_codes_get_the_first_failing_reason(value: str | None, reason: Reason) -> None:
    assert parse(value).reason is reason
    assert not credit_code.is_valid(value)


def test_a_wrong_organisation_check_char_has_its_own_reason() -> None:
    body = "911100006000373" + "42"  # organisation check 1 changed to 2
    code = body + check_char(body)
    assert uscc.is_valid(code)  # stdnum does not look inside
    assert parse(code).reason is Reason.ORGANIZATION_CHECKSUM


def test_check_char_matches_stdnum() -> None:
    assert check_char("91110000600037341") == "L"
    assert check_char("91110000600037341") == uscc.calc_check_digit("91110000600037341")
    with pytest.raises(ValueError, match="17 characters"):
        check_char("9111000060003734I")


@pytest.mark.parametrize(
    ("body", "check"),
    [
        ("60003734", "1"),
        # Hand-computed GB 11714 cases: weighted sum 0 gives 11 - 0 = 11, written 0 ...
        ("00000000", "0"),
        # ... 3*1 + 2*3 = 9, 11 - 9 = 2 ...
        ("10000003", "2"),
        # ... and sum 1 mod 11 gives 10, written X (weights 3,7,9,10,5,8,4,2; 4*3 = 12).
        ("40000000", "X"),
        # Letters count 10-35: A = 10, 10*3 = 30 = 8 mod 11, 11 - 8 = 3.
        ("A0000000", "3"),
    ],
)
def test_organization_check_char(body: str, check: str) -> None:
    assert organization_check_char(body) == check


def test_organization_check_char_refuses_bad_bodies() -> None:
    for body in ("6000373", "6000373a", "6000373-"):
        with pytest.raises(ValueError, match="8 characters"):
            organization_check_char(body)


def test_registration_names() -> None:
    assert authority_name("5") == "民政"
    assert authority_name("0") is None
    found = registration_type("92")
    assert found is not None
    assert found.entity_type_name == "个体工商户"
    assert registration_type("99") is None


def test_every_corpus_value_agrees_with_stdnum_and_gb_11714() -> None:
    disagreements = [
        (value, parse(value).reason, expected)
        for value in credit_code_corpus()
        if parse(value).reason is not (expected := reference.credit_code_reason(value))
    ]
    assert disagreements == []


def test_the_corpus_covers_every_reason_and_status() -> None:
    results = [parse(value) for value in credit_code_corpus()]
    credit_reasons = {Reason.EMPTY, Reason.LENGTH, Reason.FORMAT, Reason.CHECKSUM}
    assert {r.reason for r in results} == {None, Reason.ORGANIZATION_CHECKSUM, *credit_reasons}
    assert {r.status for r in results} == set(Status)
