"""Reading one source into a DuckDB table: files, encodings, formats, dispositions, counts."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import duckdb
from sqlalchemy import Engine

from frontline.ids.sql import quote_identifier
from frontline.integrate.readers.database import read_database, table_name
from frontline.integrate.readers.delimited import read_delimited
from frontline.integrate.readers.encoding import as_utf8
from frontline.integrate.readers.error import ReadError
from frontline.integrate.readers.json_records import read_json_document, read_json_lines
from frontline.integrate.readers.location import display_name, source_files
from frontline.integrate.readers.parquet import read_parquet
from frontline.integrate.readers.request import FileRequest, Sink
from frontline.integrate.readers.result import FileRead, ReadResult
from frontline.integrate.readers.workbook import read_workbook
from frontline.integrate.sources.spec import SourceSpec

Reader = Callable[[duckdb.DuckDBPyConnection, FileRequest, Sink], None]

RESERVED = ("_source", "_file", "_row", "_disposition")
_TEXT_FORMATS = ("csv", "jsonl", "json")
# Matching skip and only values forgives stray spaces, as typed totals and categories carry them.
_SPACES = " \t\r\n\u3000"


def _readers() -> dict[str, Reader]:
    return {
        "csv": read_delimited,
        "xlsx": read_workbook,
        "jsonl": read_json_lines,
        "json": read_json_document,
        "parquet": read_parquet,
        "table": read_database,
    }


def read_source(
    con: duckdb.DuckDBPyConnection,
    spec: SourceSpec,
    data_dir: Path,
    table: str,
    *,
    scratch: Path | None = None,
    store: Engine | None = None,
) -> ReadResult:
    """Read every row of a source into the DuckDB table ``table`` (created or replaced).

    ``store``: the serving database the run publishes to, for a ``store: true`` table.
    ``scratch`` is where transcoded copies of non-UTF-8 files go while they are read; by
    default the DuckDB database's temp folder, or the system's for an in-memory database.
    On failure the table is dropped and a :class:`ReadError` says what is wrong.
    """
    started = time.perf_counter()
    names = spec.columns()
    _check_names(spec, list(names))
    columns = tuple(dict.fromkeys([*names.values(), *_rule_columns(spec)]))
    target = quote_identifier(table)
    defined = ", ".join(f"{quote_identifier(n)} VARCHAR" for n in names)
    con.execute(
        f"CREATE OR REPLACE TABLE {target} (_source VARCHAR, _file VARCHAR, _row BIGINT, "
        f"_disposition VARCHAR{', ' if defined else ''}{defined})"
    )
    try:
        files = _read(con, spec, data_dir, target, columns, scratch, store)
    except BaseException:
        con.execute(f"DROP TABLE IF EXISTS {target}")
        raise
    counts = {
        file: (rows, skipped, other)
        for file, rows, skipped, other in con.execute(
            "SELECT _file, count(*), count(*) FILTER (WHERE _disposition = 'skipped'), "
            f"count(*) FILTER (WHERE _disposition = 'other_source') FROM {target} GROUP BY _file"
        ).fetchall()
    }
    reads = tuple(replace(f, rows=counts.get(f.file, (0, 0, 0))[0]) for f in files)
    return ReadResult(
        source=spec.key,
        table=table,
        files=reads,
        rows_read=sum(c[0] for c in counts.values()),
        rows_skipped=sum(c[1] for c in counts.values()),
        rows_other_source=sum(c[2] for c in counts.values()),
        seconds=time.perf_counter() - started,
    )


def _check_names(spec: SourceSpec, names: list[str]) -> None:
    """Workspace names must not clash with the bookkeeping columns or, in any case, each other."""
    seen: dict[str, str] = {r: r for r in RESERVED}
    for name in names:
        clash = seen.get(name.casefold())
        if clash is not None:
            problem = (
                f"{name!r} is a reserved column name"
                if clash in RESERVED
                else f"{name!r} and {clash!r} name the same column (DuckDB ignores case)"
            )
            raise ReadError(spec.key, spec.location or "-", problem, "rename the attribute")
        seen[name.casefold()] = name


def _rule_columns(spec: SourceSpec) -> list[str]:
    return [rule.column for rule in spec.skip] + ([spec.only.column] if spec.only else [])


def _read(
    con: duckdb.DuckDBPyConnection,
    spec: SourceSpec,
    data_dir: Path,
    target: str,
    columns: tuple[str, ...],
    scratch: Path | None,
    store: Engine | None,
) -> list[FileRead]:
    reader = _readers()[spec.format]
    if spec.format == "table":
        request = FileRequest(spec, Path(), table_name(spec), columns, store)
        reader(con, request, _sink(con, target, request))
        return [FileRead(request.name, 0, None)]
    files = source_files(spec, data_dir)
    reads = []
    with tempfile.TemporaryDirectory(prefix="frontline-read-", dir=_scratch(con, scratch)) as tmp:
        for path in files:
            request = FileRequest(spec, path, display_name(path, data_dir), columns)
            if spec.format not in _TEXT_FORMATS:
                reader(con, request, _sink(con, target, request))
                reads.append(FileRead(request.name, 0, None))
                continue
            text = as_utf8(request, Path(tmp))
            try:
                reader(con, replace(request, path=text.path), _sink(con, target, request))
            finally:
                # A transcoded copy holds personal data: it goes as soon as it has been read.
                if text.path != path:
                    text.path.unlink(missing_ok=True)
            reads.append(FileRead(request.name, 0, text.encoding, text.detected))
    return reads


def _scratch(con: duckdb.DuckDBPyConnection, scratch: Path | None) -> Path | None:
    """The folder for transcoded copies: given, or the database's temp folder if on disk."""
    if scratch is None:
        on_disk = con.execute(
            "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
        ).fetchall()
        if not on_disk or not on_disk[0][0]:
            return None
        setting = con.execute("SELECT current_setting('temp_directory')").fetchall()
        scratch = Path(setting[0][0]) if setting[0][0] else None
    if scratch is not None:
        scratch.mkdir(parents=True, exist_ok=True)
    return scratch


def _sink(con: duckdb.DuckDBPyConnection, target: str, request: FileRequest) -> Sink:
    """Insert a reader's rows with source, file, disposition and workspace names."""
    spec = request.spec
    index = {column: f"v{i}" for i, column in enumerate(request.columns)}
    cases: list[str] = []
    parameters: list[object] = [spec.key, request.name]
    for rule in spec.skip:
        cases.append(
            f"WHEN list_contains(?::VARCHAR[], trim({index[rule.column]}, ?)) THEN 'skipped'"
        )
        parameters += [[v.strip(_SPACES) for v in rule.values], _SPACES]
    if spec.only is not None:
        cases.append(
            f"WHEN NOT coalesce(list_contains(?::VARCHAR[], trim({index[spec.only.column]}, ?)), "
            "false) THEN 'other_source'"
        )
        parameters += [[v.strip(_SPACES) for v in spec.only.values], _SPACES]
    disposition = f"CASE {' '.join(cases)} END" if cases else "CAST(NULL AS VARCHAR)"
    names = spec.columns()
    outputs = "".join(f", NULLIF({index[column]}, '')" for column in names.values())
    listed = "".join(f", {quote_identifier(n)}" for n in names)
    insert = (
        f"INSERT INTO {target} (_source, _file, _row, _disposition{listed}) "
        f"SELECT ?, ?, _row, {disposition}{outputs} FROM ("
    )

    def sink(select: str, select_parameters: Sequence[object]) -> None:
        con.execute(f"{insert}{select}) AS _rows", [*parameters, *select_parameters])

    return sink
