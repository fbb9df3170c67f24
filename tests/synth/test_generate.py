import csv
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from python_calamine import CalamineWorkbook
from stdnum.cn import ric, uscc

from frontline.synth import CityConfig, CityReport, generate_city
from frontline.synth.departments import DATASETS
from tests.synth.reading import read_rows, spec_of


def test_same_seed_gives_same_bytes(city: CityReport, tmp_path: Path) -> None:
    again = generate_city(CityConfig(persons=2000, seed=7), tmp_path / "again")
    assert again.digest() == city.digest()


def test_another_seed_gives_another_city(city: CityReport, tmp_path: Path) -> None:
    other = generate_city(CityConfig(persons=2000, seed=8), tmp_path / "other")
    assert other.digest() != city.digest()
    persons = pq.read_table(other.out / "truth/persons.parquet").column("id_number").to_pylist()
    assert (
        persons != pq.read_table(city.out / "truth/persons.parquet").column("id_number").to_pylist()
    )


def test_at_least_eight_departments_in_distinct_shapes(city: CityReport) -> None:
    assert len(DATASETS) >= 8
    shapes = {(s.format, s.encoding, s.delimiter) for s in DATASETS}
    assert len(shapes) >= 7
    for spec in DATASETS:
        assert (city.out / spec.file).is_file()


def test_registry_is_gbk_with_chinese_headers(city: CityReport) -> None:
    raw = (city.out / "household_registry.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert raw.decode("gbk").startswith("户号,姓名,性别,民族,公民身份号码")


def test_pensions_are_utf8_with_bom_and_pinyin_headers(city: CityReport) -> None:
    raw = (city.out / "pensions.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfXM,XB,GMSFHM,CSRQ")


def test_tax_needs_gb18030(city: CityReport) -> None:
    raw = (city.out / "tax.csv").read_bytes()
    text = raw.decode("gb18030")
    assert text.startswith("纳税人识别号")
    # The generator gives at least one enterprise a name only GB18030 can write.
    rare = [line for line in text.splitlines() if "𠮷" in line or "䶮" in line]
    assert rare
    for line in rare:
        with pytest.raises(UnicodeEncodeError):
            line.encode("gbk")
    with pytest.raises(UnicodeEncodeError):
        text.encode("gbk")


def test_tax_needs_gb18030_in_every_city(tmp_path: Path) -> None:
    # Seed 32 with 300 persons once had its only rare-named enterprise founded in March 2026.
    report = generate_city(CityConfig(persons=300, seed=32), tmp_path)
    text = (report.out / "tax.csv").read_bytes().decode("gb18030")
    with pytest.raises(UnicodeEncodeError):
        text.encode("gbk")


def test_subsidies_sheet_has_title_header_and_total(city: CityReport) -> None:
    sheet = CalamineWorkbook.from_path(str(city.out / "civil_affairs_subsidies.xlsx"))
    rows = sheet.get_sheet_by_index(0).to_python()
    assert str(rows[0][0]).startswith("杭州市西湖区城乡最低生活保障")
    assert rows[1][:3] == ["序号", "户主姓名", "身份证号码"]
    assert rows[-1][0] == "合计"


def test_every_row_of_every_file_is_in_the_truth(city: CityReport) -> None:
    truth = pq.read_table(city.out / "truth/source_rows.parquet").to_pylist()
    per_source = Counter(r["source"] for r in truth)
    persons = set(pq.read_table(city.out / "truth/persons.parquet").column("person_id").to_pylist())
    enterprises = set(
        pq.read_table(city.out / "truth/enterprises.parquet").column("enterprise_id").to_pylist()
    )
    for spec in DATASETS:
        assert len(read_rows(city.out, spec)) == per_source[spec.key], spec.key
    for row in truth:
        known = persons if row["entity_type"] == "person" else enterprises
        assert row["entity_id"] in known


def _truth_by_row(report: CityReport, key: str) -> list[dict[str, object]]:
    truth = pq.read_table(report.out / "truth/source_rows.parquet").to_pylist()
    rows = [r for r in truth if r["source"] == key]
    return sorted(rows, key=lambda r: int(str(r["row"])))


def test_clean_identifiers_are_the_persons_own(city: CityReport) -> None:
    people = {
        p["person_id"]: p for p in pq.read_table(city.out / "truth/persons.parquet").to_pylist()
    }
    spec = spec_of("pensions")
    rows = read_rows(city.out, spec)
    for row, truth in zip(rows, _truth_by_row(city, "pensions"), strict=True):
        person = people[truth["entity_id"]]
        if not any(str(m).startswith("id_") for m in str(truth["defects"]).split(";")):
            assert row["GMSFHM"] == person["id_number"]
            assert ric.is_valid(row["GMSFHM"])


def test_broken_identifiers_fail_their_check(noisy_city: CityReport) -> None:
    broken = {"id_digit_typo", "id_transposition", "id_wrong_check"}
    seen = 0
    for key, column in (("pensions", "GMSFHM"), ("tax", "纳税人识别号")):
        rows = read_rows(noisy_city.out, spec_of(key))
        check = ric.is_valid if key == "pensions" else uscc.is_valid
        for row, truth in zip(rows, _truth_by_row(noisy_city, key), strict=True):
            if broken & set(str(truth["defects"]).split(";")):
                seen += 1
                assert not check(row[column]), row[column]
    assert seen > 50


def test_credit_codes_are_valid(city: CityReport) -> None:
    codes = pq.read_table(city.out / "truth/enterprises.parquet").column("credit_code").to_pylist()
    assert codes
    assert all(uscc.is_valid(c) for c in codes)
    assert len(set(codes)) == len(codes)


def test_readme_describes_every_file_in_both_languages(city: CityReport) -> None:
    readme = (city.out / "README.md").read_text(encoding="utf-8")
    files = [p.relative_to(city.out).as_posix() for p in city.out.rglob("*") if p.is_file()]
    for name in files:
        if name != "README.md":
            assert f"`{name}`" in readme, name
    assert "Department datasets" in readme
    assert "部门数据集" in readme


@pytest.mark.parametrize("which", ["city", "noisy_city"])
def test_registry_addresses_are_per_household(request: pytest.FixtureRequest, which: str) -> None:
    report = request.getfixturevalue(which)
    assert isinstance(report, CityReport)
    rows = read_rows(report.out, spec_of("household_registry"))
    truth = _truth_by_row(report, "household_registry")
    addresses: dict[str, set[str]] = {}
    stale: dict[str, set[bool]] = {}
    for row, t in zip(rows, truth, strict=True):
        addresses.setdefault(row["户号"], set()).add(row["户籍地址"])
        stale.setdefault(row["户号"], set()).add("stale_address" in str(t["defects"]).split(";"))
    # The registry writes one style, and updates a household's address for all at once.
    assert all(len(a) == 1 for a in addresses.values()), {
        h: a for h, a in addresses.items() if len(a) > 1
    }
    assert all(len(s) == 1 for s in stale.values())
    assert any(True in s for s in stale.values())
    households = {
        h["household_id"]: h
        for h in pq.read_table(report.out / "truth/households.parquet").to_pylist()
    }
    with (report.out / "areas/communities.csv").open(encoding="utf-8", newline="") as f:
        urban = [
            (c["street_name"], c["community_name"]) for c in csv.DictReader(f) if c["rural"] == "0"
        ]

    def registry_form(full: str) -> str:
        # The registry starts at the city and leaves out an urban community's name.
        text = full.removeprefix("浙江省")
        for street, community in urban:
            text = text.replace(street + community, street, 1)
        return text

    for number, (address,) in addresses.items():
        (is_stale,) = stale[number]
        household = households[number]
        expected = household["previous_address" if is_stale else "address"]
        assert address == registry_form(expected), (number, address, expected)
