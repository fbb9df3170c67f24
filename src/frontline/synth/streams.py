"""Independent, named random streams derived from one seed.

Each stage of generation draws from its own stream, so adding draws to one stage never
shifts the numbers another stage sees, and the whole city stays reproducible per seed.
"""

from __future__ import annotations

import hashlib

import numpy as np


class Streams:
    """A factory of deterministic numpy generators, one per stage name."""

    def __init__(self, seed: int) -> None:
        self._seed = seed

    def get(self, stage: str) -> np.random.Generator:
        """The generator of ``stage``: the same seed and name always give the same stream."""
        # A stable digest of the name, not hash(), which Python randomises per process.
        digest = hashlib.sha256(stage.encode()).digest()
        words = [int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4)]
        return np.random.default_rng(np.random.SeedSequence([self._seed, *words]))
