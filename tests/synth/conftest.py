import pytest

from frontline.synth import CityConfig, CityReport, DefectRates, generate_city


@pytest.fixture(scope="session")
def city(tmp_path_factory: pytest.TempPathFactory) -> CityReport:
    """The city of the issue's example: 2,000 persons, seed 7, default defect rates."""
    return generate_city(CityConfig(persons=2000, seed=7), tmp_path_factory.mktemp("city"))


@pytest.fixture(scope="session")
def noisy_city(tmp_path_factory: pytest.TempPathFactory) -> CityReport:
    """A city with every row-defect rate raised tenfold, so rates can be checked tightly."""
    config = CityConfig(persons=6000, seed=11, rates=DefectRates().scaled(10))
    return generate_city(config, tmp_path_factory.mktemp("noisy"))


@pytest.fixture(scope="session")
def clean_city(tmp_path_factory: pytest.TempPathFactory) -> CityReport:
    """A city with every row-defect rate set to zero."""
    config = CityConfig(persons=1500, seed=2, rates=DefectRates().scaled(0))
    return generate_city(config, tmp_path_factory.mktemp("clean"))
