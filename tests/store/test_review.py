"""Review pairs: stored once per unordered pair, and a steward's decision outlives runs."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from frontline.store import (
    RecordRef,
    ReviewPairRow,
    decide_review_pair,
    open_review_pairs,
    publish,
    review_decisions,
    review_pair_between,
    write_session,
)
from tests.store.factories import new_run

A = RecordRef("公安", "户籍.csv", 10)
B = RecordRef("民政", "低保.csv", 3)
C = RecordRef("民政", "低保.csv", 4)


def publish_pairs(engine: Engine, *pairs: ReviewPairRow) -> int:
    run = new_run(engine)
    publish(engine, run, replace=False, review_pairs=pairs)
    return run.run_id


def test_open_pairs_come_most_probable_first(engine: Engine) -> None:
    publish_pairs(
        engine,
        ReviewPairRow(B, A, "person", 0.62),
        ReviewPairRow(A, C, "person", 0.81),
        ReviewPairRow(B, C, "enterprise", 0.7),
    )
    with Session(engine) as session:
        pairs = open_review_pairs(session, entity_type="person")
        assert [(p.left, p.right, p.match_probability) for p in pairs] == [
            (A, C, 0.81),
            (A, B, 0.62),  # stored in order whatever order it came in
        ]
        assert len(open_review_pairs(session)) == 3
        assert open_review_pairs(session, limit=1, offset=1)[0].match_probability == 0.7


def test_a_decision_persists_across_later_runs(engine: Engine) -> None:
    first_run = publish_pairs(engine, ReviewPairRow(A, B, "person", 0.6))
    when = datetime(2024, 8, 1, tzinfo=UTC)
    with write_session(engine) as session:
        pair = review_pair_between(session, B, A)
        assert pair is not None
        decided = decide_review_pair(
            session,
            pair.id,
            same=False,
            decided_by="steward1",
            reason="不同人：出生日期不同",
            decided_at=when,
        )
        assert decided.status == "not_same"
    # Later runs meet the pair again, either way round and with another probability.
    publish_pairs(engine, ReviewPairRow(B, A, "person", 0.9), ReviewPairRow(A, C, "person", 0.5))
    publish_pairs(engine, ReviewPairRow(A, B, "person", 0.7))
    with Session(engine) as session:
        pair = review_pair_between(session, A, B)
        assert pair is not None
        assert (pair.status, pair.decided_by, pair.decided_at) == ("not_same", "steward1", when)
        assert (pair.match_probability, pair.first_seen_run) == (0.6, first_run)
        assert [p.id for p in review_decisions(session, "person")] == [pair.id]
        [still_open] = open_review_pairs(session)
        assert (still_open.left, still_open.right) == (A, C)


def test_an_open_pair_takes_the_latest_probability(engine: Engine) -> None:
    publish_pairs(engine, ReviewPairRow(A, C, "person", 0.5))
    publish_pairs(engine, ReviewPairRow(C, A, "person", 0.55))
    with Session(engine) as session:
        [pair] = open_review_pairs(session)
        assert pair.match_probability == 0.55
        assert pair.first_seen_run == 1


def test_a_later_decision_replaces_an_earlier_one(engine: Engine) -> None:
    publish_pairs(engine, ReviewPairRow(A, B, "person", 0.6))
    with Session(engine) as session:
        [pair] = open_review_pairs(session)
        decide_review_pair(session, pair.id, same=False, decided_by="s1")
        decide_review_pair(session, pair.id, same=True, decided_by="s2", reason="复核")
        session.commit()
    with Session(engine) as session:
        [pair] = review_decisions(session)
        assert (pair.status, pair.decided_by, pair.reason) == ("same", "s2", "复核")
        assert pair.decided_at is not None
        assert pair.decided_at.tzinfo is not None


def test_deciding_an_unknown_pair_fails(engine: Engine) -> None:
    with Session(engine) as session, pytest.raises(LookupError, match="no review pair 42"):
        decide_review_pair(session, 42, same=True, decided_by="s")
