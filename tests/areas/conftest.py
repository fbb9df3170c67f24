"""A small synthetic city for the areas tests, generated once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from frontline.synth import CityConfig, generate_city


@pytest.fixture(scope="session")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder of a generated city of 300 persons (seed 41)."""
    folder = tmp_path_factory.mktemp("city")
    generate_city(CityConfig(persons=300, seed=41), folder)
    return folder


@pytest.fixture(scope="session")
def city_areas(city: Path) -> Path:
    """The city's area files: communities.csv, grids.csv, address_grid.csv."""
    return city / "areas"
