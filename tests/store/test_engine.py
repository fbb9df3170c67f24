import threading
from pathlib import Path

import pytest
from sqlalchemy import JSON, Column, Engine, MetaData, Table, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from frontline.store import IdCounter, create_engine_for, write_session, write_transaction
from frontline.store.engine import SQLITE_BUSY_TIMEOUT_MS


def test_sqlite_file_gets_wal_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    engine = create_engine_for(f"sqlite:///{tmp_path / 'nested' / 'folder' / 'f.db'}")
    with engine.connect() as connection:
        pragma = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
        }
    engine.dispose()
    assert pragma == {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "busy_timeout": SQLITE_BUSY_TIMEOUT_MS,
        "synchronous": 1,  # NORMAL
    }
    assert (tmp_path / "nested" / "folder" / "f.db").exists()


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    with pytest.raises(IntegrityError), write_transaction(engine) as connection:
        connection.execute(
            text(
                'INSERT INTO golden_records (entity_id, entity_type, "values", provenance, '
                "version, updated_run) VALUES ('P404', 'person', '{}', '{}', 1, 1)"
            )
        )


def test_a_write_transaction_makes_another_writer_wait(tmp_path: Path) -> None:
    # BEGIN IMMEDIATE: the second writer blocks on BEGIN (busy timeout) instead of failing.
    engine = create_engine_for(f"sqlite:///{tmp_path / 'f.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (n INTEGER)"))
    order: list[str] = []
    entered = threading.Event()

    def second() -> None:
        entered.wait()
        with write_transaction(engine) as connection:
            order.append("second")
            connection.execute(text("INSERT INTO t VALUES (2)"))

    thread = threading.Thread(target=second)
    thread.start()
    with write_transaction(engine) as connection:
        connection.execute(text("INSERT INTO t VALUES (1)"))
        entered.set()
        thread.join(timeout=0.5)
        order.append("first")
    thread.join()
    engine.dispose()
    assert order == ["first", "second"]


def test_json_is_written_canonically(tmp_path: Path) -> None:
    # Sorted keys and no spaces, so that equal values are equal text on SQLite.
    engine = create_engine_for(f"sqlite:///{tmp_path / 'f.db'}")
    table = Table("t", MetaData(), Column("doc", JSON))
    with engine.begin() as connection:
        table.create(connection)
        connection.execute(table.insert(), {"doc": {"b": 1, "a": "名"}})
        stored = connection.exec_driver_sql("SELECT doc FROM t").scalar()
    engine.dispose()
    assert stored == '{"a":"名","b":1}'


def test_postgresql_pool_checks_connections() -> None:
    engine = create_engine_for("postgresql+psycopg://u:p@localhost:1/db")
    assert engine.pool._pre_ping
    engine.dispose()


def add_counter_then_fail(engine: Engine) -> None:
    with write_session(engine) as session:
        session.add(IdCounter(entity_type="building", prefix="B", next_value=1))
        raise RuntimeError("no")


def test_a_write_session_commits_or_rolls_back(engine: Engine) -> None:
    with write_session(engine) as session:
        session.add(IdCounter(entity_type="vehicle", prefix="V", next_value=1))
    with pytest.raises(RuntimeError, match="no"):
        add_counter_then_fail(engine)
    with Session(engine) as session:
        types = set(session.scalars(select(IdCounter.entity_type)))
    assert types == {"person", "enterprise", "vehicle"}
