"""Weighted discrete distributions sampled by inverse transform, vectorised."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True, slots=True, eq=False)
class Distribution:
    """Integer tokens with a cumulative distribution; ``take`` maps uniforms to tokens.

    Drawing uniforms once and mapping them keeps results a pure function of the generator
    state, whatever the grouping of people done around it.
    """

    tokens: npt.NDArray[np.intp]
    cdf: npt.NDArray[np.float64]

    @classmethod
    def from_weights(cls, tokens: Sequence[int], weights: Sequence[float]) -> Distribution:
        """Keep the tokens with positive weight, in the given order."""
        kept = [(t, w) for t, w in zip(tokens, weights, strict=True) if w > 0]
        if not kept:
            raise ValueError("a name distribution has no positive weights")
        cdf = np.cumsum(np.array([w for _, w in kept], dtype=np.float64))
        return cls(np.array([t for t, _ in kept], dtype=np.intp), cdf / cdf[-1])

    def take(self, uniforms: npt.NDArray[np.float64]) -> npt.NDArray[np.intp]:
        """The token for each uniform in [0, 1)."""
        found = np.searchsorted(self.cdf, uniforms, side="right")
        # Guard the top edge against rounding in the cumulative sum.
        return self.tokens[np.minimum(found, len(self.tokens) - 1)]
