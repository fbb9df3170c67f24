"""The packed rank orders candidates exactly as the rules and tie-breaks declare."""

# ruff: noqa: S608 - the SQL is the module's rank expressions; values are parameters

from __future__ import annotations

from datetime import date, timedelta

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from frontline.integrate import ranking
from frontline.integrate.ranking import Rule

METHODS = {"identifier": 0, "review": 1, "probabilistic": 2, "rule": 2}
ORDERS: list[tuple[Rule, ...]] = [
    ("priority", "recency", "agreement"),
    ("agreement", "priority", "recency"),
    ("recency", "agreement"),
    ("priority",),
]

candidate = st.tuples(
    st.integers(0, 100),  # priority
    st.none() | st.dates(date(1900, 1, 1), date(2150, 12, 31)),  # as_of
    st.sampled_from(sorted(METHODS)),
    st.none() | st.integers(0, 100_000).map(lambda n: n / 100_000),  # confidence
    st.integers(0, ranking.MAX_SOURCES - 1),
    st.integers(0, ranking.MAX_FILES - 1),
    st.integers(0, ranking.MAX_ROW),
    st.integers(1, ranking.MAX_SOURCES),  # agreement
)


def expected_key(c: tuple[object, ...], order: tuple[Rule, ...]) -> tuple[object, ...]:
    priority, as_of, method, confidence, source, file, row, agreement = c
    assert isinstance(priority, int)
    assert isinstance(agreement, int)
    days = -1 if as_of is None else (as_of - date(1900, 1, 1)).days  # type: ignore[operator]
    metric = {"priority": -priority, "recency": -days, "agreement": -agreement}
    return (
        *(metric[r] for r in order),
        METHODS[str(method)],
        -2.0 if confidence is None else -float(confidence),  # type: ignore[arg-type]
        source,
        file,
        row,
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(candidate, min_size=2, max_size=30, unique_by=lambda c: c[4:7]), st.data())
def test_the_rank_sorts_like_the_declared_tuple(
    candidates: list[tuple[object, ...]], data: st.DataObject
) -> None:
    order = data.draw(st.sampled_from(ORDERS))
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE c (i INT, field VARCHAR, priority INT, as_of DATE, method VARCHAR, "
        "confidence DOUBLE, source_index INT, file_index INT, row BIGINT, agreement INT)"
    )
    con.executemany(
        "INSERT INTO c VALUES (?, 'phone', ?, ?, ?, ?, ?, ?, ?, ?)",
        [(i, *c) for i, c in enumerate(candidates)],
    )
    base = ranking.base_rank({}, order)
    full = ranking.with_agreement(base, "agreement", {}, order)
    ranked = [i for (i,) in con.execute(f"SELECT i FROM c ORDER BY {full}").fetchall()]
    expected = sorted(range(len(candidates)), key=lambda i: expected_key(candidates[i], order))
    assert ranked == expected


def test_a_field_of_its_own_order_is_ranked_by_it() -> None:
    con = duckdb.connect()
    orders: dict[str, tuple[Rule, ...]] = {"address": ("recency", "priority", "agreement")}
    default: tuple[Rule, ...] = ("priority", "recency", "agreement")
    rows = [
        ("phone", 90, date(2020, 1, 1)),
        ("phone", 10, date(2026, 1, 1)),
        ("address", 90, date(2020, 1, 1)),
        ("address", 10, date(2026, 1, 1)),
    ]
    con.execute(
        "CREATE TABLE c (field VARCHAR, priority INT, as_of DATE, method VARCHAR, "
        "confidence DOUBLE, source_index INT, file_index INT, row BIGINT)"
    )
    con.executemany(
        "INSERT INTO c VALUES (?, ?, ?, 'identifier', NULL, 0, 0, 1)",
        [list(r) for r in rows],
    )
    rank = ranking.base_rank(orders, default)
    winners = dict(
        con.execute(f"SELECT field, arg_min(priority, {rank}) FROM c GROUP BY field").fetchall()
    )
    assert winners == {"phone": 90, "address": 10}


def test_dates_out_of_the_slot_still_rank_newer_first() -> None:
    con = duckdb.connect()
    early, late = date(1850, 1, 1), date(1900, 1, 1) + timedelta(days=99_998)
    rank = ranking.base_rank({}, ("recency",))
    newer = con.execute(
        f"SELECT arg_min(as_of, {rank}) FROM (VALUES (?::DATE), (?::DATE)) "
        "t(as_of), (SELECT 'x' AS field, 0 AS priority, 'identifier' AS method, "
        "NULL::DOUBLE AS confidence, 0 AS source_index, 0 AS file_index, 1 AS row)",
        [early, late],
    ).fetchall()[0][0]
    assert newer == late
