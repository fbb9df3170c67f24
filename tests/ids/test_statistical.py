from pathlib import Path

import pytest

from frontline.ids.divisions import load_divisions
from frontline.ids.statistical import (
    URBAN_RURAL_CLASSES,
    StatisticalLevel,
    StatisticalTable,
    level_of,
    load_statistical,
    parent_of,
)

HEADER = "code,name,level,parent,urban_rural\n"


def test_the_demo_district_has_streets_with_communities() -> None:
    table = load_statistical("330106")
    streets = table.streets()
    assert 8 <= len(streets) <= 12
    assert [s.code for s in streets] == sorted(s.code for s in streets)
    for street in streets:
        communities = table.communities(street.code)
        assert 5 <= len(communities) <= 10
        assert all(c.code.startswith(street.code[:9]) for c in communities)
        assert all(c.urban_rural in URBAN_RURAL_CLASSES for c in communities)
        assert street.name.endswith(("街道", "镇", "乡"))


def test_the_demo_district_is_a_real_county_code() -> None:
    assert load_divisions().name_path("330106") == ("浙江省", "杭州市", "西湖区")
    county = load_statistical("330106").get("330106000000")
    assert county is not None
    assert county.name == "西湖区"


def test_parent_lookup() -> None:
    table = load_statistical("330106")
    street = table.parent("330106001001")
    assert street is not None
    assert street.code == "330106001000"
    county = table.parent(street.code)
    assert county is not None
    assert county.level is StatisticalLevel.COUNTY
    assert table.parent(county.code) is None
    assert table.parent("330106999999") is None


def test_rural_villages_carry_rural_classes() -> None:
    table = load_statistical("330106")
    villages = [u for u in table.units if u.name.endswith("村")]
    assert villages
    assert all((v.urban_rural or "").startswith("2") for v in villages)
    assert villages[0].urban_rural_name in {"乡中心区", "村庄"}


@pytest.mark.parametrize(
    ("code", "level", "parent"),
    [
        ("330106000000", StatisticalLevel.COUNTY, None),
        ("330106001000", StatisticalLevel.STREET, "330106000000"),
        ("330106001002", StatisticalLevel.COMMUNITY, "330106001000"),
    ],
)
def test_code_shapes(code: str, level: StatisticalLevel, parent: str | None) -> None:
    assert level_of(code) is level
    assert parent_of(code) == parent


@pytest.mark.parametrize("code", ["33010600100", "3301060010001", "33010600100a", "330106000001"])
def test_malformed_codes(code: str) -> None:
    with pytest.raises(ValueError, match="code"):
        level_of(code)


def _write(tmp_path: Path, rows: str) -> Path:
    path = tmp_path / "990101.csv"
    path.write_text(HEADER + "990101000000,测试区,county,,\n" + rows, encoding="utf-8")
    return path


def test_a_deployment_table_loads(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "990101001000,一街道,street,990101000000,\n990101001001,一社区,community,990101001000,111\n",
    )
    table = StatisticalTable.from_csv("990101", path)
    assert [c.name for c in table.communities("990101001000")] == ["一社区"]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("990101001001,一社区,community,990101000000,111\n", "prefix parent"),
        ("990101001000,一街道,community,990101000000,\n", "does not match"),
        ("990101001001,一社区,community,990101001000,111\n", "is missing"),
        ("990101001000,一街道,street,990101000000,111\n", "only communities"),
        ("990101001000,一街道,street,990101000000,\n" * 2, "duplicate"),
        (
            "990101001000,一街道,street,990101000000,\n"
            "990101001001,一社区,community,990101001000,999\n",
            "urban-rural",
        ),
    ],
)
def test_a_malformed_table_is_refused(tmp_path: Path, rows: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        StatisticalTable.from_csv("990101", _write(tmp_path, rows))


def test_a_code_outside_the_district_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="outside district"):
        StatisticalTable.from_csv("990102", _write(tmp_path, ""))


@pytest.mark.parametrize("district", ["110105", "../330106", "33010"])
def test_districts_without_a_packaged_table(district: str) -> None:
    with pytest.raises(LookupError, match="no statistical table"):
        load_statistical(district)
