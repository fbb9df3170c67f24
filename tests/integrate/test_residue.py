"""The residue stage's shortcuts give what the plain formulation gives, and a run leaves only its
own tables behind."""

from __future__ import annotations

import random
from pathlib import Path

import duckdb
import pytest

from frontline.ids.sql import resident_normalized
from frontline.integrate import residue_model
from frontline.integrate.kinship import link_through_parents
from frontline.integrate.pipeline import run_integration
from frontline.integrate.provisional import PREFIX, group_unmatched
from frontline.integrate.residue import link_person_residue, profile_sql
from frontline.integrate.residue_model import ResidueSettings
from frontline.integrate.sources import load_sources
from frontline.integrate.unique_names import link_unique_names
from frontline.synth import CityConfig, generate_city

SOURCES = Path(__file__).parents[2] / "examples" / "city" / "sources"


@pytest.fixture(scope="module")
def integrated(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    city = tmp_path_factory.mktemp("city")
    generate_city(CityConfig(persons=1000, seed=7), city)
    con = duckdb.connect()
    run_integration(load_sources(SOURCES), city, con)
    return con


def _routed(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """``table``: the person records as routing left them, before the residue was linked."""
    con.execute(
        f"""
        CREATE OR REPLACE TABLE {table} AS
        SELECT * EXCLUDE (_confidence) REPLACE (
            CASE WHEN _residue_reason IS NOT NULL THEN 'residue'
                 WHEN _reason = 'no_identity' THEN 'quarantined' ELSE _outcome END AS _outcome,
            coalesce(_residue_reason, _reason) AS _reason,
            CASE WHEN _residue_reason IS NULL AND _reason IS DISTINCT FROM 'no_identity'
                 THEN _entity_key END AS _entity_key)
        FROM records_person
        """  # noqa: S608 - names from this file
    )


def _outcomes(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[object, ...]]:
    return con.execute(
        f"SELECT _source, _file, _row, _outcome, _reason, _entity_key, _confidence FROM {table} "  # noqa: S608
        "ORDER BY ALL"
    ).fetchall()


def test_the_one_edit_level_is_exactly_damerau_levenshtein_on_identifiers() -> None:
    rng = random.Random(1)
    numbers = ["".join(rng.choice("0123456789") for _ in range(17)) + "X" for _ in range(40)]
    pairs: list[tuple[str, str | None]] = []
    for number in numbers:
        for i in range(18):
            digit = "7" if number[i] != "7" else "3"
            pairs.append((number, number[:i] + digit + number[i + 1 :]))
            if i < 17:
                swapped = number[:i] + number[i + 1] + number[i] + number[i + 2 :]
                pairs.append((number, swapped))
                two = number[:i] + digit + ("1" if number[i + 1] != "1" else "2") + number[i + 2 :]
                pairs.append((number, two))
        pairs.append((number, rng.choice(numbers)))
        pairs.append((number, None))
    con = duckdb.connect()
    con.execute("CREATE TABLE p (id_norm_l VARCHAR, id_norm_r VARCHAR)")
    con.executemany("INSERT INTO p VALUES (?, ?)", pairs)
    differing = con.execute(
        f"SELECT count(*), count(*) FILTER (plain) FROM (SELECT "  # noqa: S608 - module SQL
        f"coalesce(({residue_model._ONE_EDIT}), false) AS guarded, "
        "coalesce(damerau_levenshtein(id_norm_l, id_norm_r) <= 1, false) AS plain FROM p) "
        "WHERE guarded <> plain OR plain"
    ).fetchall()[0]
    within_one = sum(1 for a, b in pairs if b is not None and (a == b or _one_edit(a, b)))
    assert differing == (within_one, within_one)


def _one_edit(a: str, b: str) -> bool:
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    swap = len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]]
    return len(diff) == 1 or (swap and a[diff[1]] == b[diff[0]])


@pytest.mark.parametrize(
    ("left", "right", "kept"),
    [
        # (birth date, address key, identifier) of each side, both with the same pinyin key.
        (("1980-05-01", "a", None), ("1980-05-01", "b", None), True),
        ((None, "a", None), ("1975-02-03", "b", None), True),
        (("1980-05-01", "a", None), ("1980-05-09", "b", None), True),
        (("1980-12-30", "a", None), ("1981-01-04", "b", None), True),
        (("1980-05-04", "a", None), ("1980-04-05", "b", None), True),
        (("1980-05-01", "a", None), ("1962-11-20", "a", None), True),
        (
            ("1980-05-01", "a", "11010119800501123X"),
            ("1962-11-20", "b", "11010119800501124X"),
            True,
        ),
        (
            ("1980-05-01", "a", "11010119800501123X"),
            ("1962-11-20", "b", "110101196211201230"),
            False,
        ),
        (("1980-05-01", "a", None), ("1962-11-20", "b", None), False),
        (("1980-05-01", None, None), ("1980-08-01", None, None), False),
    ],
)
def test_the_pinyin_rule_keeps_pairs_a_date_dwelling_or_identifier_supports(
    left: tuple[str | None, ...], right: tuple[str | None, ...], kept: bool
) -> None:
    con = duckdb.connect()
    for side, (born, dwelling, number) in (("l", left), ("r", right)):
        con.execute(
            f"CREATE TABLE {side} AS SELECT 'zhangwei' AS name_key, ?::DATE AS birth_date, "
            "?::VARCHAR AS address_key, ?::VARCHAR AS id_norm",
            [born, dwelling, number],
        )
    rule = residue_model._SAME_NAME
    joined = con.execute(f"SELECT count(*) FROM l JOIN r ON {rule}").fetchall()  # noqa: S608
    assert joined == [(1 if kept else 0,)]


def test_the_profile_normalises_every_identifier_the_plain_way(
    integrated: duckdb.DuckDBPyConnection,
) -> None:
    con = integrated
    plain = resident_normalized("id_number__raw")
    for outcome in ("identifier", "residue", "quarantined"):
        profile = profile_sql("records_person", outcome)
        differing = con.execute(
            f"SELECT count(*), count(p.id_norm) FROM ({profile}) p "  # noqa: S608 - module SQL
            "JOIN records_person r ON p.unique_id = r._source || ':' || r._file || ':' || r._row "
            f"WHERE p.id_norm IS DISTINCT FROM "
            f"(CASE WHEN length({plain}) = 18 THEN {plain} END)"
        ).fetchall()
        assert differing == [(0, 0)], outcome


def test_linking_again_gives_the_same_links_and_leaves_only_its_tables(
    integrated: duckdb.DuckDBPyConnection,
) -> None:
    con = integrated
    runs = []
    for table in ("again_1", "again_2"):
        _routed(con, table)
        result = link_person_residue(con, table)
        link_through_parents(con, table, load_sources(SOURCES))  # as the pipeline does
        link_unique_names(con, table, confidence=0.95)
        assert result.note == ""
        assert result.model is not None
        group_unmatched(con, table, result.model)
        assert result.residue == result.linked + result.review + result.unmatched
        runs.append(_outcomes(con, table))
    assert runs[0] == runs[1]
    # The same outcomes as the pipeline's run of the stages.
    assert runs[0] == _outcomes(con, "records_person")
    left = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE '__splink%' "
        "OR table_name = 'residue_training' UNION ALL "
        "SELECT view_name FROM duckdb_views() WHERE view_name = 'result_df'"
    ).fetchall()
    assert left == []


def test_a_model_trained_on_a_sample_of_the_residue_scores_all_of_it(
    integrated: duckdb.DuckDBPyConnection,
) -> None:
    con = integrated
    _routed(con, "sampled")
    residue_count = con.execute("SELECT count(*) FROM sampled WHERE _outcome = 'residue'")
    size = residue_count.fetchall()[0][0]
    chosen = ResidueSettings(training_residue=size // 2)
    result = link_person_residue(con, "sampled", chosen)
    assert result.note == ""
    assert result.residue == size == result.linked + result.review + result.unmatched
    scored = con.execute("SELECT count(*) FROM residue_best").fetchall()[0][0]
    assert scored > size // 2
    # About as many linked as with the whole residue, and the same links again.
    assert abs(result.linked - _linked(con, "records_person")) <= size // 50
    first = _outcomes(con, "sampled")
    _routed(con, "sampled")
    link_person_residue(con, "sampled", chosen)
    assert _outcomes(con, "sampled") == first


def _linked(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return int(
        con.execute(
            f"SELECT count(*) FROM {table} WHERE _outcome IN ('probabilistic', 'review') "  # noqa: S608
            f"AND NOT starts_with(_entity_key, '{PREFIX}')"
        ).fetchall()[0][0]
    )


def test_u_from_every_pair_when_there_are_fewer_than_asked_for() -> None:
    con = duckdb.connect()
    columns = (
        "unique_id VARCHAR, name VARCHAR, name_key VARCHAR, birth_date DATE, sex VARCHAR, "
        "phone VARCHAR, address VARCHAR, address_key VARCHAR, id_norm VARCHAR, entity_key VARCHAR"
    )
    rows = {
        "residue_side": [("a", "female", "1"), ("b", "male", "2"), ("c", None, "3")],
        "reference_side": [
            ("x", "female", "1"),
            ("y", "female", "9"),
            ("z", "male", None),
            ("w", None, "2"),
        ],
    }
    for table, records in rows.items():
        con.execute(f"CREATE TABLE {table} ({columns})")
        con.executemany(
            f"INSERT INTO {table} (unique_id, sex, phone) VALUES (?, ?, ?)",  # noqa: S608
            records,
        )
    creator = residue_model.residue_settings()
    residue_model._u_probabilities(
        con, creator, ["residue_side", "reference_side"], ResidueSettings()
    )
    u = {
        c["output_column_name"]: [lv.get("u_probability") for lv in residue_model._levels(c)]
        for c in (residue_model._as_dict(c) for c in creator.comparisons)  # type: ignore[arg-type]
    }
    # Sex known on both sides: a-x a-y a-z b-x b-y b-z; equal in a-x, a-y, b-z.
    assert u["sex"] == [3 / 6, 3 / 6]
    # Phones known on both sides: 3 × 3 pairs, equal in a-x and b-w.
    assert u["phone"] == [2 / 9, 7 / 9]
    # No pair has both names: every level unobserved, as Splink leaves it.
    assert u["name"] == [residue_model._UNOBSERVED_U] * 4
    # The identifier comparison's weights are set, not estimated.
    assert u["id_norm"] == [1e-8, 1e-6, 0.999]


def test_training_takes_the_tables_its_link_type_needs() -> None:
    from splink import DuckDBAPI

    api = DuckDBAPI(connection=duckdb.connect())
    with pytest.raises(ValueError, match="two tables"):
        residue_model.train(api, ["residue_left"])
    with pytest.raises(ValueError, match="one table"):
        residue_model.train(api, ["a", "b"], link_type="dedupe_only")
