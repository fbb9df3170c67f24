import pytest

from frontline.synth import CityConfig, DefectRates


def test_overrides_replace_one_rate() -> None:
    rates = DefectRates().with_overrides({"id_missing": 0.5})
    assert rates.id_missing == 0.5
    assert rates.id_digit_typo == DefectRates().id_digit_typo


def test_unknown_rate_is_named_with_the_known_ones() -> None:
    with pytest.raises(
        ValueError, match=r"unknown defect rate id_mising; known rates: .*id_missing"
    ):
        DefectRates().with_overrides({"id_mising": 0.1})


def test_rate_outside_unit_interval_is_refused() -> None:
    with pytest.raises(ValueError, match=r"outside 0\.\.1"):
        DefectRates().with_overrides({"duplicate": 1.5})


def test_scaling_keeps_population_shares() -> None:
    scaled = DefectRates().scaled(0)
    assert scaled.id_missing == 0
    assert scaled.migrant_households == DefectRates().migrant_households
    assert scaled.id_15_digit == DefectRates().id_15_digit


def test_city_needs_people() -> None:
    with pytest.raises(ValueError, match="at least 10"):
        CityConfig(persons=3, seed=1)
