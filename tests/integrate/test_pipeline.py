"""The pipeline on a generated city: every row accounted for, and identifier links exactly right."""

import subprocess
import sys
from collections import Counter
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from frontline.integrate.pipeline import IntegrationResult, run_integration
from frontline.integrate.sources import load_sources
from frontline.synth import CityConfig, generate_city

SOURCES = Path(__file__).parents[2] / "examples" / "city" / "sources"


@pytest.fixture(scope="module")
def integrated(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, duckdb.DuckDBPyConnection, IntegrationResult]:
    city = tmp_path_factory.mktemp("city")
    generate_city(CityConfig(persons=2000, seed=7), city)
    con = duckdb.connect()
    result = run_integration(load_sources(SOURCES), city, con)
    return city, con, result


def test_every_row_of_every_source_is_accounted_for(
    integrated: tuple[Path, duckdb.DuckDBPyConnection, IntegrationResult],
) -> None:
    city, _, result = integrated
    truth = Counter(pq.read_table(city / "truth/source_rows.parquet").column("source").to_pylist())
    files = {
        "property_persons": "property", "property_enterprises": "property",
        "vehicles_persons": "vehicles", "vehicles_enterprises": "vehicles",
    }  # fmt: skip
    for account in result.sources:
        assert account.accounted == account.rows_read, account.key
        dataset = files.get(account.key, account.key)
        # The rows of the file, less the total line of the roster.
        assert account.rows_read - account.skipped == truth[dataset], account.key
        assert account.linked > 0


def test_identifier_links_point_at_the_true_entity(
    integrated: tuple[Path, duckdb.DuckDBPyConnection, IntegrationResult],
) -> None:
    city, con, _ = integrated
    truth = pq.read_table(city / "truth/source_rows.parquet").to_pylist()
    true_entity = {(r["source"], r["row"]): r["entity_id"] for r in truth}
    people = {
        p["person_id"]: p["id_number"]
        for p in pq.read_table(city / "truth/persons.parquet").to_pylist()
    }
    firms = {
        e["enterprise_id"]: e["credit_code"]
        for e in pq.read_table(city / "truth/enterprises.parquet").to_pylist()
    }
    dataset = {"property_persons": "property", "property_enterprises": "property",
               "vehicles_persons": "vehicles", "vehicles_enterprises": "vehicles"}  # fmt: skip
    checked = 0
    for table, keys in (("records_person", people), ("records_enterprise", firms)):
        rows = con.execute(
            f"SELECT _source, _row, _entity_key FROM {table} WHERE _outcome = 'identifier'"  # noqa: S608
        ).fetchall()
        for source, row, key in rows:
            assert keys[true_entity[(dataset.get(source, source), row)]] == key
            checked += 1
    assert checked > 3000


def test_residue_holds_the_broken_and_missing_identifiers(
    integrated: tuple[Path, duckdb.DuckDBPyConnection, IntegrationResult],
) -> None:
    _, _, result = integrated
    assert result.residue_reasons["identifier_missing"] > 0
    assert result.residue_reasons["identifier_invalid_checksum"] > 0
    assert sum(a.repaired for a in result.sources) > 0


def test_matched_records_join_their_true_entity(
    integrated: tuple[Path, duckdb.DuckDBPyConnection, IntegrationResult],
) -> None:
    city, con, result = integrated
    truth = pq.read_table(city / "truth/source_rows.parquet").to_pylist()
    true_entity = {(r["source"], r["row"]): r["entity_id"] for r in truth}
    people = {
        p["person_id"]: p["id_number"]
        for p in pq.read_table(city / "truth/persons.parquet").to_pylist()
    }
    dataset = {"property_persons": "property", "vehicles_persons": "vehicles"}
    rows = con.execute(
        "SELECT _source, _row, _entity_key FROM records_person WHERE _outcome = 'probabilistic'"
    ).fetchall()
    wrong = [r for r in rows if people[true_entity[(dataset.get(r[0], r[0]), r[1])]] != r[2]]
    assert rows
    assert wrong == []
    residue = sum(result.residue_reasons.values())
    assert sum(a.linked_residue for a in result.sources) > residue * 0.6


def test_a_tiny_city_integrates_and_says_why_nothing_was_matched(tmp_path: Path) -> None:
    generate_city(CityConfig(persons=10, seed=3), tmp_path)
    result = run_integration(load_sources(SOURCES), tmp_path)
    for account in result.sources:
        assert account.accounted == account.rows_read, account.key
    # Seed 3 at 10 persons leaves two residue records and too few pairs to train a model on.
    assert sum(result.residue_reasons.values()) == 2
    assert not any(a.linked_residue for a in result.sources if a.entity == "person")
    assert any("person: the matching model could not be trained" in n for n in result.notes)


_WITHOUT_PANDAS = """
import sys
from pathlib import Path

from frontline.integrate.pipeline import run_integration
from frontline.integrate.sources import load_sources
from frontline.store import create_engine_for, upgrade

city, sources, database = (Path(p) for p in sys.argv[1:4])
store = create_engine_for(f"sqlite:///{database}")
upgrade(store)
for _ in range(2):  # the second run publishes over entities the store already has
    run_integration(load_sources(sources), city, store=store)
print("pandas" in sys.modules)
"""


def test_a_run_does_not_import_pandas(tmp_path: Path) -> None:
    # pyarrow imports pandas on its first conversion of Python values: a second of every run.
    generate_city(CityConfig(persons=300, seed=5), tmp_path / "city")
    done = subprocess.run(  # noqa: S603 - this interpreter and this test's own script
        [sys.executable, "-c", _WITHOUT_PANDAS, tmp_path / "city", SOURCES, tmp_path / "s.db"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
