import duckdb
import pytest

from frontline.integrate.evaluation import pair_scores


def _table(rows: list[tuple[str | None, str, bool]]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE TABLE t (predicted VARCHAR, truth VARCHAR, residue BOOLEAN)")
    con.executemany("INSERT INTO t VALUES (?, ?, ?)", rows)
    return con


def test_perfect_linkage_scores_one() -> None:
    con = _table([("a", "1", False), ("a", "1", True), ("b", "2", False)])
    scores = pair_scores(con, "t")
    assert (scores.true_pairs, scores.predicted_pairs, scores.correct_pairs) == (1, 1, 1)
    assert scores.f1 == 1.0


def test_a_wrong_merge_and_a_missed_record() -> None:
    # Truth: {r1, r2, r3} one person, r4 another. Predicted: r1 r2 r4 together, r3 unlinked.
    con = _table([("a", "1", False), ("a", "1", False), (None, "1", True), ("a", "2", True)])
    scores = pair_scores(con, "t")
    assert (scores.true_pairs, scores.predicted_pairs, scores.correct_pairs) == (3, 3, 1)
    assert scores.precision == pytest.approx(1 / 3)
    assert scores.recall == pytest.approx(1 / 3)
    residue = pair_scores(con, "t", residue_only=True)
    # Pairs touching a residue record: truth (r1,r3), (r2,r3); predicted (r1,r4), (r2,r4).
    assert (residue.true_pairs, residue.predicted_pairs, residue.correct_pairs) == (2, 2, 0)
    assert residue.f1 == 0.0
