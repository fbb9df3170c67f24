"""The DuckDB workspace a run builds its tables in, and what a persistent one remembers.

A workspace kept in a file (``frontline integrate --workspace``) remembers, between runs, each
source's normalised table with a digest of the files it was read from, the trained linking
model, and a snapshot of what the last run published — what incremental runs start from.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from frontline.ids.sql import quote_identifier as q
from frontline.integrate.readers.location import display_name, source_files
from frontline.integrate.sources import SourceSpec


def limit_memory(con: duckdb.DuckDBPyConnection, limit: str) -> None:
    """Cap DuckDB's memory (e.g. ``3GB``); what does not fit spills to disk.

    A workspace in a file spills beside it; an in-memory one would spill into ``.tmp`` in the
    working directory, so it gets a folder of its own under the system's temporary folder,
    removed when the process ends.
    """
    con.execute("SET memory_limit = ?", [limit])
    in_memory = con.execute(
        "SELECT path IS NULL FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchall()[0][0]
    spill = con.execute("SELECT current_setting('temp_directory')").fetchall()[0][0]
    if in_memory and spill == ".tmp":
        folder = tempfile.mkdtemp(prefix="frontline-duckdb-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        con.execute("SET temp_directory = ?", [folder])


def has_table(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether the workspace holds a table (or view) named ``table``."""
    rows = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [table]
    ).fetchall()
    return bool(rows[0][0])


# -- what a persistent workspace remembers between runs ---------------------------------------

_SOURCES = "_frontline_sources"
_META = "_frontline_meta"


def ensure_state(con: duckdb.DuckDBPyConnection) -> None:
    """Create the tables in which a workspace remembers its sources and last publish."""
    con.execute(
        f"CREATE TABLE IF NOT EXISTS {_SOURCES} (key VARCHAR PRIMARY KEY, digest VARCHAR, "
        "rows_read BIGINT, encoding VARCHAR)"
    )
    con.execute(f"CREATE TABLE IF NOT EXISTS {_META} (key VARCHAR PRIMARY KEY, value VARCHAR)")


def source_digest(spec: SourceSpec, data_dir: Path) -> str | None:
    """A digest of a source's description and its files' contents; None for a database table
    (whose content cannot be known without reading it)."""
    if spec.format == "table":
        return None
    digest = hashlib.blake2b(spec.model_dump_json().encode(), digest_size=20)
    for path in source_files(spec, data_dir):
        digest.update(display_name(path, data_dir).encode() + b"\0")
        with path.open("rb") as handle:
            digest.update(hashlib.file_digest(handle, "blake2b").digest())
    return digest.hexdigest()


@dataclass(frozen=True)
class SourceState:
    """What the workspace holds of a source: the digest it was read with and its counts."""

    digest: str
    rows_read: int
    encoding: str


def source_state(con: duckdb.DuckDBPyConnection, key: str) -> SourceState | None:
    """The remembered state of source ``key``, if its normalised table is still there."""
    rows = con.execute(
        f"SELECT digest, rows_read, encoding FROM {_SOURCES} WHERE key = ?", [key]
    ).fetchall()
    if not rows or not has_table(con, f"norm_{key}"):
        return None
    digest, rows_read, encoding = rows[0]
    return SourceState(str(digest), int(rows_read), str(encoding))


def remember_source(con: duckdb.DuckDBPyConnection, key: str, state: SourceState | None) -> None:
    """Record (or, with None, forget) the state a source was read in."""
    con.execute(f"DELETE FROM {_SOURCES} WHERE key = ?", [key])
    if state is not None:
        con.execute(
            f"INSERT INTO {_SOURCES} VALUES (?, ?, ?, ?)",
            [key, state.digest, state.rows_read, state.encoding],
        )


def forget_sources_except(con: duckdb.DuckDBPyConnection, keys: Sequence[str]) -> None:
    """Forget the sources a run does not have, and drop their tables: one that comes back in a
    later run is read again, for its rows left the run's records when it went."""
    gone = [
        row[0]
        for row in con.execute(
            f"SELECT key FROM {_SOURCES} WHERE NOT list_contains(?, key)", [list(keys)]
        ).fetchall()
    ]
    for key in gone:
        remember_source(con, key, None)
        con.execute(f"DROP TABLE IF EXISTS {q(f'norm_{key}')}")


def meta(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    """A remembered value (the linking model, the last published run)."""
    rows = con.execute(f"SELECT value FROM {_META} WHERE key = ?", [key]).fetchall()
    return str(rows[0][0]) if rows else None


def remember(con: duckdb.DuckDBPyConnection, key: str, value: str | None) -> None:
    """Remember (or, with None, forget) a value."""
    con.execute(f"DELETE FROM {_META} WHERE key = ?", [key])
    if value is not None:
        con.execute(f"INSERT INTO {_META} VALUES (?, ?)", [key, value])


def fingerprint(value: object) -> str:
    """A digest of ``value`` as JSON (keys sorted): what a step remembers it worked with, to
    tell a later run whether its inputs changed."""
    text = json.dumps(value, sort_keys=True)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def same_rows(con: duckdb.DuckDBPyConnection, table: str, kept: str) -> bool:
    """Whether ``table`` holds exactly the rows of ``kept`` (as a multiset); False when ``kept``
    does not exist."""
    if not has_table(con, kept):
        return False
    differing = con.execute(
        f"SELECT count(*) FROM ((SELECT * FROM {q(table)} EXCEPT ALL SELECT * FROM {q(kept)}) "
        f"UNION ALL (SELECT * FROM {q(kept)} EXCEPT ALL SELECT * FROM {q(table)}))"
    ).fetchall()[0][0]
    return int(differing) == 0
