"""Pairwise linkage accuracy against a ground truth: precision, recall and F1 over same-entity
record pairs, overall and for pairs that involve a record without a usable identifier."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import duckdb

from frontline.ids.sql import quote_identifier as q


@dataclass(frozen=True)
class PairScores:
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {**asdict(self), "precision": self.precision, "recall": self.recall, "f1": self.f1}


def pair_scores(
    con: duckdb.DuckDBPyConnection, table: str, residue_only: bool = False
) -> PairScores:
    """Scores of ``table`` (one row per record: ``predicted`` cluster or NULL for an unlinked
    record, ``truth`` entity, ``residue`` flag). With ``residue_only``, only pairs with at least
    one residue record count. Pairs are counted from group sizes, never enumerated."""

    def pairs(group_by: str, where: str = "TRUE") -> int:
        # n(n-1)/2 pairs per group; for residue-only, less the pairs of non-residue records.
        count = "count(*) * (count(*) - 1) / 2"
        if residue_only:
            rest = "count(*) FILTER (NOT residue)"
            count = f"{count} - {rest} * ({rest} - 1) / 2"
        groups = f"SELECT {count} AS n FROM {q(table)} WHERE {where} GROUP BY {group_by}"
        return int(con.execute(f"SELECT coalesce(sum(n), 0) FROM ({groups})").fetchall()[0][0])

    return PairScores(
        true_pairs=pairs("truth"),
        predicted_pairs=pairs("predicted", "predicted IS NOT NULL"),
        correct_pairs=pairs("predicted, truth", "predicted IS NOT NULL"),
    )
