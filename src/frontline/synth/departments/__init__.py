"""The department datasets of the synthetic city, each in the shape its department delivers."""

from __future__ import annotations

from frontline.synth.departments import (
    employment,
    health,
    market,
    pensions,
    property,
    registry,
    subsidies,
    tax,
    vehicles,
)
from frontline.synth.departments.spec import Column, DatasetSpec

DATASETS: tuple[DatasetSpec, ...] = (
    registry.SPEC,
    subsidies.SPEC,
    pensions.SPEC,
    employment.SPEC,
    health.SPEC,
    market.SPEC,
    tax.SPEC,
    property.SPEC,
    vehicles.SPEC,
)

__all__ = ["DATASETS", "Column", "DatasetSpec"]
