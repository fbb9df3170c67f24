import pytest

from frontline.ids.grid import GridCode, grid_code, parse_grid_code
from frontline.ids.statistical import load_statistical


def test_a_grid_code_extends_its_community_code() -> None:
    code = grid_code("330106001002", 7)
    assert code == "330106001002007"
    grid = parse_grid_code(code)
    assert grid == GridCode("330106001002", 7)
    assert (grid.street, grid.county) == ("330106001000", "330106")
    assert grid.code == code


def test_every_demo_community_can_hold_grids() -> None:
    table = load_statistical("330106")
    for street in table.streets():
        for community in table.communities(street.code):
            assert parse_grid_code(grid_code(community.code, 999)).community == community.code


@pytest.mark.parametrize(
    ("community", "number"),
    [("330106001000", 1), ("330106000000", 1), ("330106001002", 0), ("330106001002", 1000)],
)
def test_grids_belong_to_communities_and_are_numbered_1_to_999(community: str, number: int) -> None:
    with pytest.raises(ValueError, match="grid"):
        grid_code(community, number)


@pytest.mark.parametrize("code", ["33010600100200", "3301060010020071", "33010600100200x"])
def test_malformed_grid_codes(code: str) -> None:
    with pytest.raises(ValueError, match="15 ASCII digits"):
        parse_grid_code(code)
