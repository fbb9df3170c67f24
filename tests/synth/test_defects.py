import math
from collections import Counter
from typing import Any

import pyarrow.parquet as pq
import pytest
from stdnum.cn import ric

from frontline.ids.resident import upgrade
from frontline.synth import CityReport, DefectRates
from frontline.synth.departments import DATASETS
from tests.synth.reading import (
    enterprises,
    markers,
    persons,
    read_rows,
    rows_with_truth,
    spec_of,
    truth_rows,
)

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


def _bounds(rows: int, rate: float) -> tuple[float, float]:
    """Five standard deviations (plus two) either side of the binomial expectation."""
    expected = rows * rate
    sd = math.sqrt(rows * rate * (1 - rate))
    return expected - 5 * sd - 2, expected + 5 * sd + 2


def _within(observed: int, rows: int, rate: float) -> bool:
    low, high = _bounds(rows, rate)
    return low <= observed <= high


ID_KINDS = (
    "id_missing",
    "id_digit_typo",
    "id_transposition",
    "id_wrong_check",
    "id_fullwidth",
    "id_spaces",
)
NOISY = DefectRates().scaled(10)


def test_identifier_defects_follow_their_rates(noisy_city: CityReport) -> None:
    counts = _markers(noisy_city)
    for source, factor in ID_FACTORS.items():
        c = counts[source]
        # Old 15-digit numbers (registry only) have no check digit to break and are left alone.
        rows = c["_rows"] - c["id_15_digit"]
        assert rows > 40, source  # the subsidy roster is short: its bounds are wide
        for kind in ID_KINDS:
            # Two-sided for every kind, transpositions included: a transposition is only
            # skipped when no two adjacent characters differ, which no 18-digit number (its
            # county code alone has different neighbours) allows; the others always apply.
            rate = getattr(NOISY, kind) * factor
            assert _within(c[kind], rows, rate), (source, kind, c[kind], rows, rate)


def _pension_rows(report: CityReport) -> list[tuple[set[str], dict[str, Any], dict[str, Any]]]:
    """Each pensions row's markers, its person and the person's household."""
    people = persons(report.out)
    households = {
        h["household_id"]: h
        for h in pq.read_table(report.out / "truth/households.parquet").to_pylist()
    }
    result = []
    for t in truth_rows(report.out, "pensions"):
        person = people[str(t["entity_id"])]
        result.append((markers(t), person, households[person["household_id"]]))
    return result


def test_name_variants_follow_their_rates_in_pensions(noisy_city: CityReport) -> None:
    rows = _pension_rows(noisy_city)
    n = len(rows)
    assert n > 800
    count = Counter(m for own, _, _ in rows for m in own if m.startswith("name_"))
    h, t, p, s = (
        NOISY.name_homophone,
        NOISY.name_traditional,
        NOISY.name_pinyin,
        NOISY.name_spaces,
    )
    # Variants are tried in this order and a row keeps the first that applies. A homophone
    # needs a given-name character with one, a traditional form a character that has one:
    # both can be inapplicable, so only their upper bound is exact (the lower one is loose).
    for kind, rate in (("name_homophone", h), ("name_traditional", t)):
        low, high = _bounds(n, rate)
        assert low / 4 <= count[kind] <= high, (kind, count[kind], n, rate)
    # Pinyin and stray spaces apply to every non-empty name, unless an earlier variant took
    # the row: the rate lies between rate x (1 - earlier rates) and the rate itself.
    for kind, rate, earlier in (("name_pinyin", p, h + t), ("name_spaces", s, h + t + p)):
        low, _ = _bounds(n, rate * (1 - earlier))
        _, high = _bounds(n, rate)
        assert low <= count[kind] <= high, (kind, count[kind], n, rate)


def test_stale_values_and_phone_styles_follow_their_rates_in_pensions(
    noisy_city: CityReport,
) -> None:
    rows = _pension_rows(noisy_city)
    # A stale address needs a previous address that differs; a stale phone or another
    # phone style needs a phone (some of the old have none). Those are the rows at risk.
    moved = [own for own, _, home in rows if home["previous_address"] != home["address"]]
    with_phone = [own for own, person, _ in rows if person["phone"]]
    without_phone = [own for own, person, _ in rows if not person["phone"]]
    assert len(moved) > 800
    assert len(with_phone) > 800
    assert without_phone
    for own in without_phone:
        assert not own & {"stale_phone", "phone_format"}
    for kind, at_risk, rate in (
        ("stale_address", moved, NOISY.stale_address),
        ("stale_phone", with_phone, NOISY.stale_phone),
        ("phone_format", with_phone, NOISY.phone_format),
    ):
        observed = sum(kind in own for own in at_risk)
        assert _within(observed, len(at_risk), rate), (kind, observed, len(at_risk), rate)


def test_duplicates_follow_their_rate_in_pensions(noisy_city: CityReport) -> None:
    c = _markers(noisy_city)["pensions"]
    copies = c["duplicate"]
    originals = c["_rows"] - copies
    # Each original is copied with the source's rate (pensions: factor 1).
    assert _within(copies, originals, NOISY.duplicate), (copies, originals)


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


def test_clean_city_has_no_row_defects(clean_city: CityReport) -> None:
    counts = _markers(clean_city)
    # Left: only what is true of the data (old numbers, unreported deaths, newborns whose
    # name is not chosen yet); no date, phone or address style, no name or id defect.
    allowed = {"_rows", "id_15_digit", "death_unreported", "name_missing"}
    for source, c in counts.items():
        assert set(c) <= allowed, (source, set(c) - allowed)
    assert counts["household_registry"]["id_15_digit"] > 0


@pytest.mark.parametrize("key", [spec.key for spec in DATASETS])
def test_clean_city_carries_every_true_identifier(clean_city: CityReport, key: str) -> None:
    people, firms = persons(clean_city.out), enterprises(clean_city.out)
    spec = spec_of(key)
    for row, truth in rows_with_truth(clean_city.out, spec):
        entity = str(truth["entity_id"])
        delivered = row.get(spec.identifier_column)
        if entity.startswith("E"):
            assert delivered == firms[entity]["credit_code"]
        elif delivered is None:  # a birth certificate: a newborn has no number yet
            assert row["event"] == "birth"
        elif "id_15_digit" in markers(truth):
            assert upgrade(delivered) == people[entity]["id_number"]
        else:
            assert delivered == people[entity]["id_number"]
