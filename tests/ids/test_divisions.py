import random
from importlib import resources
from pathlib import Path

import pytest
from stdnum.cn import ric

from frontline.ids.data import build_divisions
from frontline.ids.divisions import AreaRule, DivisionTable, Level, load_divisions
from tests.ids.factories import with_check


def test_the_packaged_csv_is_what_the_build_script_makes_from_installed_stdnum() -> None:
    committed = resources.files("frontline.ids").joinpath("data/divisions.csv")
    assert committed.read_text(encoding="utf-8") == build_divisions.render(
        build_divisions.source_text()
    ), "python-stdnum changed: rerun `python -m frontline.ids.data.build_divisions`"


def test_build_script_splits_alternatives_and_links_parents() -> None:
    text = '33 province="浙江省"\n  0000 county="浙江省"\n  0100 county="杭州市"\n' + (
        '  0106 county="[1983-2001]甲区,[2002-]乙区"\n'
    )
    rows = list(build_divisions.rows(text))
    assert [(r["code"], r["name"], r["valid_from"], r["valid_to"]) for r in rows] == [
        ("330000", "浙江省", "", ""),
        ("330100", "杭州市", "", ""),
        ("330106", "甲区", "1983", "2001"),
        ("330106", "乙区", "2002", ""),
    ]
    assert (rows[2]["level"], rows[2]["province"], rows[2]["prefecture"]) == (
        "county",
        "330000",
        "330100",
    )
    assert (rows[1]["level"], rows[1]["province"], rows[1]["prefecture"]) == (
        "prefecture",
        "330000",
        "",
    )


def test_build_script_refuses_unexpected_lines() -> None:
    with pytest.raises(ValueError, match="unexpected line"):
        list(build_divisions.rows("33 province=浙江省\n"))
    with pytest.raises(ValueError, match="unexpected division value"):
        list(build_divisions.rows('33 province="浙江省"\n  0100 county="[abc]杭州市"\n'))


def test_build_script_main_writes_the_csv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "build_divisions.py"
    monkeypatch.setattr(build_divisions, "__file__", str(target))
    build_divisions.main()
    assert (tmp_path / "divisions.csv").read_text(encoding="utf-8").startswith("code,name,level")


def test_lookup_returns_the_version_in_force() -> None:
    table = load_divisions()
    dongli = table.lookup("120110", 1991)
    assert dongli is not None
    assert dongli.name == "东郊区"
    later = table.lookup("120110", 1992)
    assert later is not None
    assert later.name == "东丽区"
    newest = table.lookup("120110")
    assert newest is not None
    assert newest.name == "东丽区"


def test_a_retired_code_is_found_until_its_last_year() -> None:
    table = load_divisions()
    chongwen = table.lookup("110103", 2010)
    assert chongwen is not None
    assert chongwen.name == "崇文区"
    assert chongwen.valid_to == 2010
    assert table.lookup("110103", 2011) is None
    newest = table.lookup("110103")
    assert newest is not None
    assert newest.name == "崇文区"


def test_unknown_codes() -> None:
    table = load_divisions()
    assert table.lookup("999999") is None
    assert table.versions("999999") == ()
    assert table.name_path("999999") == ()


def test_levels_follow_the_code_shape() -> None:
    table = load_divisions()
    levels = {
        code: division.level
        for code in ("330000", "330100", "330106")
        if (division := table.lookup(code)) is not None
    }
    assert levels == {"330000": Level.PROVINCE, "330100": Level.PREFECTURE, "330106": Level.COUNTY}


def test_name_path_uses_the_names_in_force_and_skips_placeholders() -> None:
    table = load_divisions()
    assert table.name_path("330106", 2000) == ("浙江省", "杭州市", "西湖区")
    assert table.name_path("110105") == ("北京市", "朝阳区")  # 110100 is 市辖区
    # The prefecture 142200 was renamed in 1983; its county 142221 keeps one name.
    assert table.name_path("142221", 1983) == ("山西省", "忻州地区", "忻县")
    assert table.name_path("142221", 1980) == ("山西省", "忻县地区", "忻县")


def test_counties_valid_in_a_year_are_sorted_real_counties() -> None:
    table = load_divisions()
    counties = table.counties_valid_in(2000)
    codes = [c.code for c in counties]
    assert codes == sorted(set(codes))
    assert all(c.level is Level.COUNTY and c.valid_in(2000) for c in counties)
    assert not any(c.is_placeholder for c in counties)
    assert "330106" in codes
    assert "110103" in codes  # 崇文区, still in force in 2000
    assert "110103" not in [c.code for c in table.counties_valid_in(2011)]
    # The result is a fresh list each call (callers may mutate it).
    counties.clear()
    assert table.counties_valid_in(2000)


def test_birth_area_rules() -> None:
    table = load_divisions()
    assert table.birth_area("330106", 1950) is None
    since = table.birth_area("330106", 1950, AreaRule.SINCE_BIRTH)
    assert since is not None
    assert since.name == "西湖区"
    assert table.birth_area("110103", 2015, AreaRule.SINCE_BIRTH) is None


def test_a_version_with_an_empty_range_is_never_in_force() -> None:
    table = load_divisions()
    empty = [d for d in table.versions("210311") if d.name == "郊区"]
    assert [(d.valid_from, d.valid_to) for d in empty] == [(1983, 1982)]
    assert not any(empty[0].valid_in(year) for year in range(1949, 2030))
    assert not empty[0].valid_since(1949)


def test_birth_area_agrees_with_stdnum_for_every_code() -> None:
    table = load_divisions()
    rng = random.Random(3)
    codes = sorted({d.code for d in table.divisions})
    disagreements = []
    for code in codes:
        for year in rng.sample(range(1940, 2025), 4):
            number = with_check(f"{code}{year}0101001")
            try:
                expected = bool(ric.get_birth_place(number))
            except (ric.ValidationError, KeyError):
                expected = False
            if (table.birth_area(code, year) is not None) != expected:
                disagreements.append((code, year))
    assert disagreements == []


def test_every_code_of_the_stdnum_file_is_in_the_table() -> None:
    province, codes = "", set()
    for line in build_divisions.source_text().splitlines():
        if line[:1].isdigit():
            province = line[:2]
        elif line.startswith("  "):
            codes.add(province + line.split()[0])
    assert codes == {d.code for d in load_divisions().divisions}


def test_a_deployment_can_load_its_own_table(tmp_path: Path) -> None:
    path = tmp_path / "divisions.csv"
    path.write_text(
        "code,name,level,province,prefecture,valid_from,valid_to\n"
        "990000,测试省,province,,,,\n"
        "990101,测试区,county,990000,,2001,\n",
        encoding="utf-8",
    )
    table = DivisionTable.from_csv(path)
    assert table.name_path("990101", 2020) == ("测试省", "测试区")
    assert table.lookup("990101", 2000) is None


def test_loading_is_cached() -> None:
    assert load_divisions() is load_divisions()
