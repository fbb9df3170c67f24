import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontline.areas import AreaLevel, area_level, canonical_code, contains, parent_code
from frontline.areas.codes import prefix_bounds

SETTINGS = settings(max_examples=300, deadline=None)


def _segment(width: int) -> st.SearchStrategy[str]:
    """A non-zero segment of ``width`` digits (zero means "this level is absent")."""
    return st.integers(1, 10**width - 1).map(lambda n: f"{n:0{width}d}")


@st.composite
def chains(draw: st.DrawFn) -> list[str]:
    """The codes of one path from a province down to a grid."""
    province = draw(st.integers(11, 99).map(str))
    city = province + draw(_segment(2))
    district = city + draw(_segment(2))
    street = district + draw(_segment(3))
    community = street + draw(_segment(3))
    grid = community + draw(_segment(3))
    return [province + "0000", city + "00", district, street + "000", community, grid]


def _differ(code: str, position: int) -> str:
    digit = str((int(code[position]) + 1) % 10)
    return code[:position] + digit + code[position + 1 :]


def test_levels_by_shape() -> None:
    assert area_level("330000") is AreaLevel.PROVINCE
    assert area_level("330100") is AreaLevel.CITY
    assert area_level("330106") is AreaLevel.DISTRICT
    assert area_level("330106000000") is AreaLevel.DISTRICT
    assert area_level("330106001000") is AreaLevel.STREET
    assert area_level("330106001001") is AreaLevel.COMMUNITY
    assert area_level("330106001001003") is AreaLevel.GRID
    assert canonical_code("330106000000") == "330106"


@pytest.mark.parametrize(
    "code",
    ["", "33010", "0000000", "000000", "33010600100", "330106000001", "330100001000",
     "330106001001000", "33010600100100x", "３３０１０６", "330106 001"],
)  # fmt: skip
def test_malformed_codes_are_refused(code: str) -> None:
    with pytest.raises(ValueError, match=r"code|grid number"):
        area_level(code)
    with pytest.raises(ValueError, match=r"code|grid number"):
        contains("330106", code)


def test_the_examples_of_the_issue() -> None:
    assert contains("330106", "330106001001003")
    assert contains("330106001000", "330106001002001")
    assert not contains("330106001000", "330106002001001")
    assert not contains("330106001001003", "330106001001004")
    assert not contains("330106001001", "330106001000")  # a street is not in its community
    assert contains("330106000000", "330106001000")  # a 12-digit county scope reads as district


@SETTINGS
@given(chains())
def test_a_scope_contains_exactly_itself_and_its_descendants(chain: list[str]) -> None:
    for i, scope in enumerate(chain):
        for j, code in enumerate(chain):
            assert contains(scope, code) is (j >= i), (scope, code)


@SETTINGS
@given(chains(), st.data())
def test_a_code_differing_in_a_significant_digit_is_outside(
    chain: list[str], data: st.DataObject
) -> None:
    i = data.draw(st.integers(0, len(chain) - 1))
    scope = chain[i]
    position = data.draw(st.integers(0, area_level(scope).significant - 1))
    for code in chain[i:]:
        other = _differ(code, position)
        try:
            area_level(other)
        except ValueError:
            continue  # the changed digit made the code malformed: nothing to compare
        assert not contains(scope, other), (scope, other)


@SETTINGS
@given(chains())
def test_parents_follow_the_chain(chain: list[str]) -> None:
    assert parent_code(chain[0]) is None
    for child, parent in zip(chain[1:], chain, strict=False):
        assert parent_code(child) == parent
        assert area_level(child).depth == area_level(parent).depth + 1


@SETTINGS
@given(chains())
def test_prefix_bounds_hold_exactly_the_codes_with_the_prefix(chain: list[str]) -> None:
    for scope in chain:
        prefix = scope[: area_level(scope).significant]
        low, high = prefix_bounds(prefix)
        for code in chain:
            assert (low <= code < high) is code.startswith(prefix)
