"""How a department delivers its dataset: file, format, encoding, headers and meaning."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from frontline.synth.frame import Frame

if TYPE_CHECKING:
    from frontline.synth.city import City


@dataclass(frozen=True)
class Column:
    header: str
    meaning_en: str
    meaning_zh: str


@dataclass(frozen=True)
class DatasetSpec:
    """One department dataset of the synthetic city, and how to draw it."""

    key: str
    file: str
    department_en: str
    department_zh: str
    title_en: str
    title_zh: str
    format: str
    """csv, xlsx, jsonl, json, parquet or txt (delimited text)."""
    encoding: str
    entity_type: str
    columns: tuple[Column, ...]
    notes_en: str
    notes_zh: str
    build: Callable[[City, np.random.Generator], Frame]
    identifier_column: str
    """The header of the column holding the row's entity identifier."""
    name_column: str
    """The header of the column holding the row's person name, empty when there is none."""
    as_of_lag_days: int = 0
    """How many days before the city's date the department extracted its data."""
    delimiter: str = ","
    title_row: str = ""
    """A title above the header row (spreadsheets), empty when there is none."""

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


def col(header: str, meaning_en: str, meaning_zh: str) -> Column:
    """Shorthand for a column description."""
    return Column(header, meaning_en, meaning_zh)
