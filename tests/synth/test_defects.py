import math
from collections import Counter

import pyarrow.parquet as pq
from stdnum.cn import ric

from frontline.synth import CityReport, DefectRates
from frontline.synth.departments import DATASETS
from tests.synth.reading import read_rows, spec_of

# How much more or less careful than average each source is (its factor in the generator).
ID_FACTORS = {"household_registry": 0.3, "civil_affairs_subsidies": 1.5, "pensions": 1.0}


def _markers(report: CityReport) -> dict[str, Counter[str]]:
    truth = pq.read_table(report.out / "truth/source_rows.parquet").to_pylist()
    counts: dict[str, Counter[str]] = {}
    for row in truth:
        c = counts.setdefault(str(row["source"]), Counter())
        c["_rows"] += 1
        for marker in str(row["defects"]).split(";"):
            if marker:
                c[marker] += 1
    return counts


def _within(observed: int, rows: int, rate: float) -> bool:
    """Observed count within five standard deviations of the binomial expectation."""
    expected = rows * rate
    sd = math.sqrt(rows * rate * (1 - rate))
    return abs(observed - expected) <= 5 * sd + 2


def test_identifier_defects_follow_their_rates(noisy_city: CityReport) -> None:
    rates = DefectRates().scaled(10)
    counts = _markers(noisy_city)
    for source, factor in ID_FACTORS.items():
        c = counts[source]
        for kind in ("id_missing", "id_wrong_check", "id_fullwidth"):
            rate = getattr(rates, kind) * factor
            assert _within(c[kind], c["_rows"], rate), (source, kind, c[kind], c["_rows"], rate)


def test_duplicates_are_marked_and_really_repeat(noisy_city: CityReport) -> None:
    truth = pq.read_table(noisy_city.out / "truth/source_rows.parquet").to_pylist()
    pensions = [r for r in truth if r["source"] == "pensions"]
    duplicated = [r for r in pensions if "duplicate" in str(r["defects"]).split(";")]
    assert duplicated
    per_entity = Counter(r["entity_id"] for r in pensions)
    assert all(per_entity[r["entity_id"]] >= 2 for r in duplicated)


def test_every_source_has_defects_and_name_variants_occur(noisy_city: CityReport) -> None:
    counts = _markers(noisy_city)
    for spec in DATASETS:
        assert sum(v for k, v in counts[spec.key].items() if k != "_rows") > 0, spec.key
    everything = sum(counts.values(), Counter())
    for kind in (
        "name_homophone",
        "name_traditional",
        "name_pinyin",
        "name_spaces",
        "id_15_digit",
        "stale_address",
        "stale_phone",
        "phone_format",
        "date_chinese",
        "death_unreported",
    ):
        assert everything[kind] > 0, kind


def test_old_numbers_upgrade_to_the_persons_number(city: CityReport) -> None:
    from frontline.ids.resident import upgrade

    people = {
        p["person_id"]: p["id_number"]
        for p in pq.read_table(city.out / "truth/persons.parquet").to_pylist()
    }
    truth = [
        r
        for r in pq.read_table(city.out / "truth/source_rows.parquet").to_pylist()
        if r["source"] == "household_registry"
    ]
    rows = read_rows(city.out, spec_of("household_registry"))
    old = 0
    for row, t in zip(rows, sorted(truth, key=lambda r: int(str(r["row"]))), strict=True):
        if "id_15_digit" in str(t["defects"]).split(";"):
            old += 1
            assert len(row["公民身份号码"]) == 15
            assert upgrade(row["公民身份号码"]) == people[t["entity_id"]]
            assert ric.is_valid(people[t["entity_id"]])
    assert old > 10


def test_clean_city_has_no_row_defects(tmp_path: object) -> None:
    from pathlib import Path

    from frontline.synth import CityConfig, generate_city

    assert isinstance(tmp_path, Path)
    report = generate_city(CityConfig(persons=500, seed=2, rates=DefectRates().scaled(0)), tmp_path)
    counts = _markers(report)
    # Left: what is true of the data (old numbers, unreported deaths, unnamed newborns) and
    # the date styles that are a source's own habit rather than a defect.
    allowed = {"_rows", "id_15_digit", "death_unreported", "name_missing"}
    allowed |= {k for c in counts.values() for k in c if k.startswith("date_")}
    for source, c in counts.items():
        assert set(c) <= allowed, (source, set(c) - allowed)
