import re
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontline.access.masking import (
    HIDDEN,
    MaskRule,
    last4,
    mask_address,
    mask_name,
    mask_phone,
    mask_record,
    mask_value,
    rules_for,
    year_of,
)
from frontline.ids import mask
from frontline.integrate.fields import Kind
from tests.ids.factories import valid_resident_id

SETTINGS = settings(max_examples=300, deadline=None)

ANY_VALUE = st.one_of(
    st.none(),
    st.text(),
    st.text(alphabet="0123456789-/ 年月日幢单元室号组村社区街道镇省市区xX*"),
    st.integers(),
    st.floats(allow_nan=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
ANY_RULE = st.one_of(st.sampled_from(list(MaskRule)), st.text(max_size=8))
ANY_KIND = st.one_of(st.none(), st.sampled_from(list(Kind)))


@pytest.mark.parametrize(
    ("value", "rule", "kind", "expected"),
    [
        ("330106195603041234", "mask", Kind.RESIDENT_ID, "330106********1234"),
        ("330106560304123", "mask", Kind.RESIDENT_ID, "330106******123"),
        ("3301061956", "mask", Kind.RESIDENT_ID, HIDDEN),
        ("330106195603041234", "last4", Kind.RESIDENT_ID, "**************1234"),
        ("91330106MA2H3YQ55X", "mask", Kind.CREDIT_CODE, "91330106*********X"),
        ("王小明", "mask", Kind.NAME, "王**"),
        ("欧阳晓东", "mask", Kind.NAME, "欧阳**"),
        ("买买提·艾力", "mask", Kind.NAME, "买**"),
        ("13812345678", "mask", Kind.PHONE, "138****5678"),
        ("+86 138-1234-5678", "mask", Kind.PHONE, "138****5678"),
        ("0571-88886666", "mask", Kind.PHONE, "057*****6666"),
        ("88886666", "mask", Kind.PHONE, HIDDEN),
        ("13812345678", "last4", Kind.PHONE, "*******5678"),
        ("浙江省杭州市西湖区翠苑街道翠苑一区社区文华苑3幢2单元301室", "mask", Kind.ADDRESS,
         "浙江省杭州市西湖区翠苑街道翠苑一区社区***"),
        ("杭州市西湖区三墩镇墩余村1组7号", "mask", Kind.ADDRESS, "杭州市西湖区三墩镇墩余村***"),
        ("杭州市西湖区北山街道新金新村1幢1单元101室", "mask", Kind.ADDRESS,
         "杭州市西湖区北山街道***"),
        ("西湖区紫金新村1幢1单元701室", "mask", Kind.ADDRESS, "西湖区***"),
        ("文华苑3-2-301", "mask", Kind.ADDRESS, HIDDEN),
        ("1956-03-04", "mask", Kind.DATE, "1956"),
        ("1956-03-04", "year", Kind.DATE, "1956"),
        (date(1956, 3, 4), "year", Kind.DATE, "1956"),
        ("19560304", "year", Kind.DATE, "1956"),
        ("1956-03", "year", Kind.DATE, HIDDEN),
        ("unknown", "year", Kind.DATE, HIDDEN),
        ("female", "mask", Kind.SEX, HIDDEN),
        ("female", "full", Kind.SEX, "female"),
        ("汉族", "hidden", Kind.TEXT, HIDDEN),
        ("王小明", "year", Kind.NAME, HIDDEN),  # a rule the kind does not take
        ("王小明", "last4", Kind.NAME, HIDDEN),
        ("王小明", "everything", Kind.NAME, HIDDEN),  # an unknown rule
        ("王小明", "mask", None, HIDDEN),  # an unknown kind
        (None, "full", Kind.NAME, None),
        (None, "mask", Kind.PHONE, None),
    ],
)  # fmt: skip
def test_examples(value: object, rule: str, kind: Kind | None, expected: object) -> None:
    assert mask_value(value, rule, kind) == expected


@SETTINGS
@given(ANY_VALUE, ANY_RULE, ANY_KIND)
def test_masking_never_fails_and_none_stays_none(
    value: object, rule: str, kind: Kind | None
) -> None:
    masked = mask_value(value, rule, kind)
    if value is None:
        assert masked is None
    elif rule != MaskRule.FULL:
        assert isinstance(masked, str)


@SETTINGS
@given(ANY_VALUE, st.sampled_from(list(Kind)))
def test_full_shows_the_value_and_hidden_shows_nothing(value: object, kind: Kind) -> None:
    assert mask_value(value, "full", kind) is value
    assert mask_value(value, "hidden", kind) == (None if value is None else HIDDEN)


@SETTINGS
@given(st.text())
def test_last4_shows_four_characters_at_most_and_hides_as_many(text: str) -> None:
    masked = last4(text)
    if len(text) < 8:
        assert masked == HIDDEN
    else:
        assert len(masked) == len(text)
        assert masked[-4:] == text[-4:]
        assert set(masked[:-4]) == {"*"}


@SETTINGS
@given(st.randoms(use_true_random=False).map(valid_resident_id))
def test_a_resident_id_keeps_its_region_and_last_four(number: str) -> None:
    masked = mask_value(number, "mask", Kind.RESIDENT_ID)
    assert masked == mask(number)
    assert masked == number[:6] + "*" * 8 + number[14:]


@SETTINGS
@given(st.text(min_size=1))
def test_a_masked_name_keeps_at_most_its_surname(name: str) -> None:
    masked = mask_name(name)
    if not name.strip():
        assert masked == HIDDEN
        return
    kept = masked.removesuffix("**")
    assert masked.endswith("**")
    assert 1 <= len(kept) <= 2
    assert name.strip().startswith(kept)


@SETTINGS
@given(st.text(alphabet="0123456789 -+()", max_size=20))
def test_a_masked_phone_shows_seven_digits_at_most_in_place(phone: str) -> None:
    masked = mask_phone(phone)
    if masked == HIDDEN:
        return
    digits = re.sub(r"\D", "", phone)
    digits = digits[2:] if len(digits) == 13 and digits.startswith("861") else digits
    assert len(masked) == len(digits)
    assert sum(c.isdigit() for c in masked) == 7
    assert all(m in ("*", d) for m, d in zip(masked, digits, strict=True))


@SETTINGS
@given(
    st.lists(
        st.sampled_from(["浙江省", "杭州市", "西湖区", "北山街道", "三墩镇", "宝石社区", "墩余村",
                         "金都花园", "新村", "3幢", "2单元", "301室", "1组", "7号", "-", "1"]),
        max_size=8,
    ).map("".join)
)  # fmt: skip
def test_a_masked_address_keeps_a_lead_without_digits(address: str) -> None:
    masked = mask_address(address)
    kept = masked.removesuffix(HIDDEN)
    assert masked.endswith(HIDDEN)
    assert address.startswith(kept)
    assert not any(c.isdigit() for c in kept)


@SETTINGS
@given(st.one_of(st.text(), st.dates().map(date.isoformat), st.datetimes().map(datetime.isoformat)))
def test_a_year_is_four_digits_of_the_value_or_nothing(text: str) -> None:
    year = year_of(text)
    assert year == HIDDEN or (len(year) == 4 and year.isdigit() and year in text)


def test_rules_by_kind() -> None:
    assert MaskRule.YEAR in rules_for(Kind.DATE)
    assert MaskRule.YEAR not in rules_for(Kind.NAME)
    assert MaskRule.LAST4 in rules_for(Kind.PHONE)
    assert MaskRule.LAST4 not in rules_for(Kind.TEXT)
    assert all({MaskRule.FULL, MaskRule.MASK, MaskRule.HIDDEN} <= rules_for(k) for k in Kind)


def test_a_record_gives_exactly_the_declared_fields() -> None:
    values = {
        "id_number": "330106195603041234",
        "name": "王小明",
        "phone": "13812345678",
        "address": "浙江省杭州市西湖区翠苑街道翠苑一区社区文华苑3幢2单元301室",
        "death_date": "2026-01-02",
    }
    fields = {"name": MaskRule.FULL, "id_number": MaskRule.MASK, "ethnicity": MaskRule.FULL,
              "salary": MaskRule.FULL}  # fmt: skip
    assert mask_record(values, fields, "person") == {
        "name": "王小明",
        "id_number": "330106********1234",
        "ethnicity": None,  # declared but absent
        "salary": None,  # unknown to the entity type and absent
    }
    assert mask_record({"salary": 5000}, {"salary": "full"}, "person") == {"salary": HIDDEN}
    assert mask_record(values, {"name": "full"}, "vehicle") == {"name": HIDDEN}
