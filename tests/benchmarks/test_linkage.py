"""The linkage benchmark's pieces on small data: the FEBRL loader and scoring, and Splink alone
beside Frontline on a 300-person city."""

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from splink.internals.comparison_creator import ComparisonCreator

import febrl
import linkage
import splink_alone
from frontline.integrate.generic import GenericSettings, link_records
from frontline.integrate.pipeline import run_integration
from frontline.integrate.sources import load_sources
from frontline.synth import CityConfig, generate_city


def test_febrl_loads_with_its_truth() -> None:
    con = duckdb.connect()
    assert febrl.load(con, "febrl3") == ["dataset3"]
    # The published figures: 5,000 records of 2,000 persons, 6,538 true pairs.
    counts = con.execute(
        "SELECT count(*), count(DISTINCT entity), sum(n * (n - 1) / 2) FROM "
        "(SELECT entity, count(*) OVER (PARTITION BY entity) AS n FROM dataset3)"
    ).fetchall()
    assert counts[0][:2] == (5000, 2000)
    pairs = con.execute(
        "SELECT sum(n * (n - 1) / 2) FROM (SELECT count(*) AS n FROM dataset3 GROUP BY entity)"
    ).fetchall()
    assert pairs == [(6538,)]
    row = con.execute(
        "SELECT * FROM dataset3 WHERE rec_id = 'rec-1496-org'"
    ).fetchall()  # the first line of dataset3.csv
    assert row == [
        ("rec-1496-org", "mitchell", "green", "7", "wallaby place", "delmar", "cleveland",
         "2119", "sa", "19560409", "1804974", 1496),
    ]  # fmt: skip
    # An empty field is missing, not an empty string.
    assert con.execute("SELECT count(*) FROM dataset3 WHERE address_2 = ''").fetchall() == [(0,)]


def test_generic_link_of_a_febrl4_subset() -> None:
    con = duckdb.connect()
    tables = febrl.load(con, "febrl4", limit=500)
    assert tables == ["dataset4a", "dataset4b"]
    sizes = [con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in tables]  # noqa: S608
    assert sizes == [500, 500]
    settings = GenericSettings(u_sample_pairs=1e5)
    result = link_records(con, tables, febrl.COLUMNS, unique_id="rec_id", settings=settings)
    scores = linkage.febrl_scores(con, tables, result)
    assert scores["true_pairs"] == 500
    assert scores["f1"] > 0.9
    assert scores["precision"] > 0.95
    # One row per record; clusters never hold more than the two copies of a person here.
    shape = con.execute(
        "SELECT count(*), count(DISTINCT (dataset, unique_id)), max(n) FROM "
        "(SELECT *, count(*) OVER (PARTITION BY cluster_id) AS n FROM generic_clusters)"
    ).fetchall()
    assert shape == [(1000, 1000, 2)]


@pytest.fixture(scope="module")
def city(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[duckdb.DuckDBPyConnection, Path]]:
    folder = tmp_path_factory.mktemp("city")
    generate_city(CityConfig(persons=300, seed=7), folder / "city")
    con = duckdb.connect()
    run_integration(load_sources(linkage.SOURCES), folder / "city", con)
    linkage.evaluate(con, folder / "city")
    yield con, folder
    con.close()


def test_scoring_frontline_keys_as_clusters_gives_evaluate_scores(
    city: tuple[duckdb.DuckDBPyConnection, Path],
) -> None:
    con, folder = city
    scores = linkage.evaluate(con, folder / "city")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE own_keys AS SELECT {linkage.RECORD_KEY} AS unique_id, "  # noqa: S608
        "r._entity_key AS cluster_id FROM records_person r"
    )
    again = linkage.evaluate_clusters(con, "own_keys")
    assert again["person"] == scores["person"]
    assert again["person_residue"] == scores["person_residue"]


def test_splink_alone_over_every_person_record(
    city: tuple[duckdb.DuckDBPyConnection, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    con, folder = city
    # In the benchmark Splink runs in a process of its own; here in this one, to keep it quick.
    monkeypatch.setattr(splink_alone, "run_in_subprocess", splink_alone.measure)
    out = linkage.vs_splink(con, folder)
    persons = con.execute(
        "SELECT count(*) FROM records_person WHERE _outcome NOT IN ('skipped', 'other_source')"
    ).fetchall()[0][0]
    assert out["records"] == persons
    run = out["run"]
    assert isinstance(run, dict)
    assert run["records"] == persons
    assert run["seconds"] > 0
    assert run["peak_rss_mb"] >= run["baseline_rss_mb"] > 0
    # Every record got a cluster; the pairs Splink found are mostly right.
    clustered = con.execute(
        "SELECT count(*), count(DISTINCT unique_id) FROM splink_clusters"
    ).fetchall()
    assert clustered == [(persons, persons)]
    scores = out["scores"]
    assert isinstance(scores, dict)
    assert scores["person"]["precision"] > 0.95
    assert scores["person"]["f1"] > 0.9


def test_the_dedupe_keeps_the_residue_comparisons() -> None:
    settings = splink_alone.dedupe_settings()
    assert settings.link_type == "dedupe_only"
    names = [
        c.get_comparison("duckdb").output_column_name
        for c in settings.comparisons
        if isinstance(c, ComparisonCreator)
    ]
    assert names == ["id_norm", "name", "birth_date", "sex", "phone", "address"]
    assert len(settings.blocking_rules_to_generate_predictions) == 5
