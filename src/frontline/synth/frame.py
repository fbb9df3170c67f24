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

    def mark(self, rows: npt.NDArray[np.bool_], marker: str) -> None:
        """Add ``marker`` to every row where ``rows`` is true."""
        for i in np.flatnonzero(rows).tolist():
            self.markers[i].append(marker)

    def add_markers(self, markers: list[list[str]], prefix: str) -> None:
        """Add the markers of a row's second person (its first ``len(markers)`` rows), prefixed."""
        for own, other in zip(self.markers, markers, strict=False):
            own.extend(prefix + marker for marker in other)

    def take(self, rows: npt.NDArray[np.int64]) -> Frame:
        """A new frame with ``rows`` in that order (repeats allowed)."""
        order = rows.tolist()
        return Frame(
            columns={h: [v[i] for i in order] for h, v in self.columns.items()},
            entity=[self.entity[i] for i in order],
            related=[self.related[i] for i in order],
            markers=[list(self.markers[i]) for i in order],
        )


def with_copies(
    rows: npt.NDArray[np.int64], rng: np.random.Generator, rate: float
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """Repeat about ``rate`` of ``rows`` at the end; also returns which rows are the copies.

    Copies are made before defects are planted, so a copy gets defects of its own, as a record
    entered twice by different clerks does.
    """
    copies = rows[rng.random(len(rows)) < rate]
    is_copy = np.concatenate([np.zeros(len(rows), bool), np.ones(len(copies), bool)])
    return np.concatenate([rows, copies]), is_copy


def shuffled(frame: Frame, rng: np.random.Generator) -> Frame:
    """The frame's rows in a random order, as a department's export lists them."""
    return frame.take(rng.permutation(len(frame)).astype(np.int64))
