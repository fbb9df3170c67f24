"""`frontline.store.hot`: the busiest statements give the same rows directly on PostgreSQL as
through SQLAlchemy on either database."""

from functools import cache

import pytest
from sqlalchemy import Engine, Select, bindparam, event, insert, select
from sqlalchemy.exc import MultipleResultsFound

from frontline.store import Entity, write_transaction
from frontline.store.hot import fetch_all, fetch_one


@cache
def _of_type() -> Select[str, str, int]:
    """A statement with a bound parameter and a value it fixes itself ("active")."""
    return (
        select(Entity.entity_id, Entity.status, Entity.created_run)
        .where(Entity.entity_type == bindparam("kind"), Entity.status == "active")
        .order_by(Entity.entity_id)
    )


def _add(engine: Engine) -> None:
    rows = [
        {"entity_id": f"P{i}", "status": status, "created_run": i}
        for i, status in ((1, "active"), (2, "active"), (3, "retired"))
    ]
    with write_transaction(engine) as connection:
        for row in rows:
            connection.execute(
                insert(Entity).values(
                    entity_type="person",
                    entity_key=row["entity_id"],
                    updated_run=row["created_run"],
                    **row,
                )
            )


def test_rows_match_sqlalchemy_and_fixed_values_are_bound(engine: Engine) -> None:
    _add(engine)
    with engine.connect() as connection:
        direct = fetch_all(connection, _of_type(), {"kind": "person"})
        through = connection.execute(_of_type(), {"kind": "person"}).all()
        assert [tuple(r) for r in direct] == [tuple(r) for r in through]
        assert [(r.entity_id, r.status) for r in direct] == [("P1", "active"), ("P2", "active")]
        assert fetch_all(connection, _of_type(), {"kind": "enterprise"}) == []


def test_one_row_none_or_an_error_for_two(engine: Engine) -> None:
    _add(engine)
    one = select(Entity.created_run).where(Entity.entity_id == bindparam("id"))
    with engine.connect() as connection:
        assert fetch_one(connection, one, {"id": "P2"}).created_run == 2
        assert fetch_one(connection, one, {"id": "P9"}) is None
        with pytest.raises(MultipleResultsFound):
            fetch_one(connection, _of_type(), {"kind": "person"})


def test_it_runs_inside_the_connections_transaction(engine: Engine) -> None:
    """A row written earlier in the same transaction is seen; after a rollback it is gone."""
    one = select(Entity.entity_id).where(Entity.entity_id == bindparam("id"))
    with engine.connect() as connection:
        transaction = connection.begin()
        connection.execute(
            insert(Entity).values(
                entity_id="P7",
                entity_type="person",
                entity_key="P7",
                status="active",
                created_run=1,
                updated_run=1,
            )
        )
        assert fetch_one(connection, one, {"id": "P7"}) is not None
        transaction.rollback()
        assert fetch_one(connection, one, {"id": "P7"}) is None


def test_a_listener_sees_every_statement(engine: Engine) -> None:
    """With something listening (a test, an instrumentation), statements go through
    SQLAlchemy's execution, which tells the listeners."""
    seen: list[str] = []

    def keep(*args: object) -> None:
        seen.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        with engine.connect() as connection:
            assert fetch_all(connection, _of_type(), {"kind": "person"}) == []
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    assert [q for q in seen if q.startswith("SELECT")]
