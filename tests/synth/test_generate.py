import hashlib
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
    rare = [line for line in text.splitlines() if "𠮷" in line or "䶮" in line]
    if rare:  # the rare names cannot be written in GBK
        with pytest.raises(UnicodeEncodeError):
            rare[0].encode("gbk")


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


def test_output_is_stable_across_file_order(city: CityReport) -> None:
    # The digest covers every file; recomputing it from disk gives the same value.
    h = hashlib.sha256()
    for path in sorted(p for p in city.out.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(city.out)).encode())
        h.update(path.read_bytes())
    assert h.hexdigest() == city.digest()
