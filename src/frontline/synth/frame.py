"""Rows of one department dataset before they are written, with their ground truth."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt


@dataclass
class Frame:
    """Columns by header in file order, plus per row the true entity and the defects planted."""

    columns: dict[str, list[Any]]
    entity: list[str]
    related: list[str] = field(default_factory=list)
    """A second entity a row names (a newborn's mother, an enterprise's legal representative)."""
    markers: list[list[str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        n = len(self.entity)
        if not self.related:
            self.related = [""] * n
        if not self.markers:
            self.markers = [[] for _ in range(n)]
        for header, values in self.columns.items():
            if len(values) != n:
                raise ValueError(f"column {header!r} has {len(values)} values for {n} rows")

    def __len__(self) -> int:
        return len(self.entity)

    def take(self, rows: npt.NDArray[np.int64]) -> Frame:
        """A new frame with ``rows`` in that order (repeats allowed)."""
        order = rows.tolist()
        return Frame(
            columns={h: [v[i] for i in order] for h, v in self.columns.items()},
            entity=[self.entity[i] for i in order],
            related=[self.related[i] for i in order],
            markers=[list(self.markers[i]) for i in order],
        )


def with_duplicates(frame: Frame, rng: np.random.Generator, rate: float) -> Frame:
    """Repeat about ``rate`` of the rows, mark the copies, and shuffle the row order."""
    n = len(frame)
    copies = np.flatnonzero(rng.random(n) < rate)
    rows = np.concatenate([np.arange(n), copies])
    marked = np.concatenate([np.zeros(n, bool), np.ones(len(copies), bool)])
    order = rng.permutation(len(rows))
    result = frame.take(rows[order])
    for i in np.flatnonzero(marked[order]).tolist():
        result.markers[i].append("duplicate")
    return result
